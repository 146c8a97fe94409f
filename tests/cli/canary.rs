//! Canary releases end to end: every step a commit the sandbox applies, the analysis asked
//! of the sandbox's own Prometheus-compatible query API (the real Prometheus is exercised in
//! tests/cli/analysis.rs), and kubectl judging what runs.

use crate::rollout::{Stage, json};
use crate::serving::{Sample, assert_no_way_back, fewest_behind, pods_started};
use crate::{require_tool, stderr};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

/// A dev env with two replicas and a canary at 10%, 50% then 100%, pausing `pause` after the
/// first step, its analysis an error-rate query against the sandbox's own query API; 1.0.0
/// deployed there and healthy, for a canary to start from.
fn canary_stage(pause: &str) -> Stage {
    let stage = Stage::new(&[]);
    let info: Value =
        serde_json::from_slice(&std::fs::read(stage.sandbox.dir.join("sandbox.json")).unwrap())
            .unwrap();
    configure_canary(&stage, info["url"].as_str().unwrap(), pause);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    stage
}

/// A real Prometheus (Debian's) scraping the stage's sandbox, with data flowing.
fn real_prometheus(stage: &Stage) -> crate::prometheus::Prometheus {
    let prometheus = crate::prometheus::Prometheus::start(
        &stage.repo.env.path().join("prometheus"),
        stage.sandbox.port(),
    );
    prometheus.wait_for("up");
    prometheus
}

fn configure_canary(stage: &Stage, url: &str, pause: &str) {
    stage.configure(|text| {
        text.replace(
            "  - name: dev\n",
            &format!(
                "  - name: dev\n    replicas: 2\n    strategy:\n      type: canary\n      steps:\n        - weight: 10\n          pause: {pause}\n          analysis: true\n        - weight: 50\n        - weight: 100\n      analysis:\n        prometheus: {url}\n        interval: 2s\n        count: 2\n        metrics:\n          - name: error-rate\n            query: 'sum(rate(http_requests_total{{namespace=\"{{{{ namespace }}}}\",version=\"{{{{ version }}}}\",code=~\"5..\"}}[10s])) / sum(rate(http_requests_total{{namespace=\"{{{{ namespace }}}}\",version=\"{{{{ version }}}}\"}}[10s]))'\n            max: 0.05\n"
            ),
        )
    });
}

fn subjects(stage: &Stage, count: usize) -> Vec<String> {
    stage
        .repo
        .remote_git(&["log", "--format=%s", "main"])
        .lines()
        .take(count)
        .map(str::to_string)
        .collect()
}

fn deployments(stage: &Stage) -> String {
    stage.sandbox.kubectl_ok(&[
        "get",
        "deployments",
        "-n",
        "hello-dev",
        "-o",
        "jsonpath={range .items[*]}{.metadata.name}={.spec.replicas} {end}",
    ])
}

#[test]
fn a_healthy_canary_steps_through_and_promotes() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = canary_stage("3s");
    // Sampled as on the real stack (tests/cli/e2e/canary.rs): never fewer than 2 pods serve
    // through the final switch.
    let (output, samples) = crate::serving::sampled(
        Path::new("kubectl"),
        &stage.sandbox.dir.join("kubeconfig"),
        "hello-dev",
        || stage.forge_ok(&["deploy", "dev", "--version", "1.1.0", "--output", "json"]),
    );
    let (fewest, seen) =
        crate::serving::fewest_serving_through_the_final_switch(&samples, "hello-canary", 2);
    assert!(
        fewest >= 2,
        "{seen} samples; the fewest serving pods was {fewest}"
    );
    let err = stderr(&output);
    assert!(err.contains("step 1/3: 10% (1 canary, 1 stable)"), "{err}");
    assert!(
        err.contains("Measured error-rate #2"),
        "each measurement is printed: {err}"
    );
    let report = json(&output);
    assert_eq!(report["version"], "1.1.0");
    let measured = report["measurements"].as_array().unwrap();
    assert_eq!(measured.len(), 2, "{report:#}");
    assert!(
        measured
            .iter()
            .all(|m| m["check"] == "error-rate" && m["passed"] == true)
    );
    assert_eq!(
        subjects(&stage, 5),
        [
            "deploy hello 1.1.0 to dev",
            "hand hello 1.1.0 over to the main names in dev",
            "canary hello 1.1.0 in dev: step 3/3 at 100%",
            "canary hello 1.1.0 in dev: step 2/3 at 50%",
            "canary hello 1.1.0 in dev: step 1/3 at 10%",
        ]
    );
    let trailers =
        stage
            .repo
            .remote_git(&["log", "-1", "--skip=3", "--format=%(trailers)", "main"]);
    assert!(trailers.contains("Forge-Action: canary-step"), "{trailers}");
    assert!(trailers.contains("Forge-Canary-Weight: 50"), "{trailers}");
    let handover =
        stage
            .repo
            .remote_git(&["log", "-1", "--skip=1", "--format=%(trailers)", "main"]);
    assert!(handover.contains("Forge-Action: handover"), "{handover}");
    assert!(
        !stage
            .repo
            .remote_git(&["ls-tree", "-r", "--name-only", "main", "apps/hello/dev"])
            .contains("stable/"),
        "the promotion leaves the new version alone"
    );
    assert_eq!(deployments(&stage), "hello=2 ");
}

/// 1.0.0 deployed to dev and waited for; then 1.1.0 deployed, with `args` more, running the
/// image the stage's `--error-rate '*:bad=…'` fails requests of. Returns the image 1.0.0
/// runs and the second deploy's output.
fn good_then_bad_release(stage: &Stage, args: &[&str]) -> (String, Output) {
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let good_image = stage.running_image("dev");
    let bad = [
        "--version",
        "1.1.0",
        "--image",
        "web=ghcr.io/forge-demo/hello:bad",
    ];
    let output = stage.forge(&[&["deploy", "dev"], &bad[..], args].concat());
    (good_image, output)
}

#[test]
fn a_canary_with_errors_fails_its_analysis_and_the_env_returns_to_stable() {
    if !require_tool("kubectl") {
        return;
    }
    if !require_tool("prometheus") {
        return;
    }
    // Judged by a real Prometheus scraping the sandbox's per-version metrics.
    let stage = Stage::new(&["--error-rate", "*:bad=0.2"]);
    let prometheus = real_prometheus(&stage);
    configure_canary(&stage, &prometheus.url(), "3s");
    let (stable_image, output) = good_then_bad_release(&stage, &["--output", "json"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("the analysis failed (error-rate"), "{err}");
    let report = json(&output);
    assert_eq!(report["aborted"], true);
    assert_eq!(report["measurements"][0]["passed"], false, "{report:#}");
    assert!(report["measurements"][0]["value"].as_f64().unwrap() > 0.05);
    assert!(
        err.contains("> max 0.05"),
        "the failing measurement is shown: {err}"
    );
    assert_eq!(
        subjects(&stage, 2),
        [
            "abort the canary in dev: back to hello 1.0.0",
            "canary hello 1.1.0 in dev: step 1/3 at 10%",
        ]
    );
    assert_eq!(stage.deployed_version("dev"), "1.0.0");
    assert_eq!(deployments(&stage), "hello=2 ", "the canary is gone");
    assert_eq!(stage.running_image("dev"), stable_image);
}

#[test]
fn a_canary_in_progress_blocks_deploys_until_resumed_or_aborted() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = canary_stage("3s");
    // Stop after the first step's commit, as a crashed run would.
    stage.forge_ok(&["deploy", "dev", "--version", "1.1.0", "--no-wait"]);
    let status = json(&stage.forge_ok(&["canary", "status", "dev", "--output", "json"]));
    assert_eq!(status["version"], "1.1.0");
    assert_eq!(status["canary"]["stableVersion"], "1.0.0");
    assert_eq!(status["canary"]["weight"], 10);

    let rows = json(&stage.forge_ok(&["status", "dev", "--output", "json"]));
    assert_eq!(
        rows[0]["canary"]["weight"], 10,
        "status shows the canary: {rows:#}"
    );
    let text = crate::stdout(&stage.forge_ok(&["status", "dev"]));
    assert!(text.contains("1.1.0@10%"), "{text}");

    let blocked = stage.forge(&["deploy", "dev", "--version", "1.2.0"]);
    assert_eq!(blocked.status.code(), Some(5), "{}", stderr(&blocked));
    assert!(stderr(&blocked).contains("a canary of hello 1.1.0 is in progress"));

    stage.forge_ok(&["canary", "resume", "dev"]);
    assert_eq!(stage.deployed_version("dev"), "1.1.0");
    assert_eq!(deployments(&stage), "hello=2 ");

    stage.forge_ok(&["deploy", "dev", "--version", "1.2.0", "--no-wait"]);
    // In a protected env, ending a canary early is confirmed as a deploy is.
    stage.configure(|text| text.replace("  - name: dev\n", "  - name: dev\n    protected: true\n"));
    let head = stage.repo.remote_git(&["rev-parse", "main"]);
    for verb in ["abort", "promote"] {
        let unconfirmed = stage.forge(&["canary", verb, "dev"]);
        assert_eq!(
            unconfirmed.status.code(),
            Some(2),
            "{}",
            stderr(&unconfirmed)
        );
        assert!(
            stderr(&unconfirmed).contains("--yes"),
            "{}",
            stderr(&unconfirmed)
        );
    }
    assert_eq!(stage.repo.remote_git(&["rev-parse", "main"]), head);
    let aborted = stage.forge_ok(&["--yes", "canary", "abort", "dev"]);
    assert_eq!(crate::stdout(&aborted).trim(), "1.1.0");
    assert_eq!(stage.deployed_version("dev"), "1.1.0");
    let none = stage.forge(&["canary", "abort", "dev"]);
    assert_eq!(none.status.code(), Some(2), "{}", stderr(&none));

    stage.forge_ok(&["--yes", "deploy", "dev", "--version", "1.3.0", "--no-wait"]);
    stage.forge_ok(&["--yes", "canary", "promote", "dev"]);
    assert_eq!(stage.deployed_version("dev"), "1.3.0");
    assert_eq!(deployments(&stage), "hello=2 ");
}

/// Prometheus going down in the middle of a canary is a failed measurement, never a pass:
/// the canary aborts.
#[test]
fn prometheus_down_mid_canary_aborts_it() {
    if !require_tool("kubectl") || !require_tool("prometheus") {
        return;
    }
    let stage = Stage::new(&[]);
    let mut prometheus = real_prometheus(&stage);
    configure_canary(&stage, &prometheus.url(), "4s");
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let running = spawn_deploy(&stage, "1.1.0");
    wait_for_subject(&stage, "canary hello 1.1.0 in dev: step 1/3");
    prometheus.stop();
    let output = running.wait_with_output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("the analysis failed"), "{err}");
    assert!(err.contains("cannot reach"), "{err}");
    assert_eq!(stage.deployed_version("dev"), "1.0.0");
}

/// Waits until the env repo's newest commit subject starts with `prefix`.
fn wait_for_subject(stage: &Stage, prefix: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !subjects(stage, 1)[0].starts_with(prefix) {
        assert!(
            std::time::Instant::now() < deadline,
            "no commit '{prefix}…'"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn spawn_deploy(stage: &Stage, version: &str) -> std::process::Child {
    stage.spawn(&["deploy", "dev", "--version", version])
}

/// A forge killed in the middle of a canary leaves a consistent env (every step is one
/// commit); `forge canary resume` picks it up and finishes.
#[test]
fn a_canary_whose_forge_was_killed_resumes_and_finishes() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = canary_stage("3s");
    let mut running = spawn_deploy(&stage, "1.1.0");
    wait_for_subject(&stage, "canary hello 1.1.0 in dev: step 1/3");
    running.kill().unwrap();
    running.wait().unwrap();
    let status = json(&stage.forge_ok(&["canary", "status", "dev", "--output", "json"]));
    assert_eq!(status["canary"]["step"], 0);
    stage.forge_ok(&["canary", "resume", "dev"]);
    assert_eq!(stage.deployed_version("dev"), "1.1.0");
    assert_eq!(subjects(&stage, 1), ["deploy hello 1.1.0 to dev"]);
    assert_eq!(deployments(&stage), "hello=2 ");
}

/// Ctrl-C during a canary stops at the next safe point and says how to go on.
#[test]
fn an_interrupted_canary_says_how_to_resume_or_abort() {
    let stage = canary_stage("20s");
    let running = spawn_deploy(&stage, "1.1.0");
    wait_for_subject(&stage, "canary hello 1.1.0 in dev: step 1/3");
    let err = crate::interrupt(running, 1);
    assert!(err.contains("interrupted at canary step 1 in dev"), "{err}");
    assert!(err.contains("forge canary resume dev"), "{err}");
    assert_eq!(
        subjects(&stage, 1)[0],
        "canary hello 1.1.0 in dev: step 1/3 at 10%"
    );
}

/// With `httpRoute`, a step also re-weights the Gateway API route between the stable Service
/// and its canary twin; the real kubectl kustomize builds the committed env dir.
#[test]
fn a_canary_step_weights_the_http_route() {
    if !require_tool("kubectl") {
        return;
    }
    let repo = crate::deploy::EnvRepoFixture::new();
    let base = repo.env.path().join("sample/base");
    std::fs::write(
        base.join("httproute.yaml"),
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: hello\nspec:\n  parentRefs:\n    - name: public\n  rules:\n    - backendRefs:\n        - name: hello\n          port: 80\n",
    )
    .unwrap();
    let kustomization = base.join("kustomization.yaml");
    let text = std::fs::read_to_string(&kustomization).unwrap().replace(
        "  - service.yaml\n",
        "  - service.yaml\n  - httproute.yaml\n",
    );
    std::fs::write(&kustomization, text).unwrap();
    let config = repo.env.path().join("sample/forge.yaml");
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "  - name: dev\n",
        "  - name: dev\n    replicas: 4\n    strategy:\n      type: canary\n      httpRoute: hello\n      steps:\n        - weight: 25\n        - weight: 100\n",
    );
    std::fs::write(&config, text).unwrap();
    for version in ["1.0.0", "1.1.0"] {
        let output = repo.sample(&["deploy", "dev", "--version", version, "--no-wait"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let checkout = repo.env.path().join("checkout");
    crate::git(
        repo.env.path(),
        &["clone", "-q", repo.url.as_str(), checkout.to_str().unwrap()],
    );
    let built = crate::run_ok(
        std::process::Command::new("kubectl")
            .arg("kustomize")
            .arg(checkout.join("apps/hello/dev")),
    );
    let documents: Vec<Value> = serde_saphyr::from_multiple(&built).unwrap();
    let routes: Vec<&Value> = documents
        .iter()
        .filter(|d| d["kind"] == "HTTPRoute")
        .collect();
    assert_eq!(routes.len(), 1, "one route for both sides:\n{built}");
    assert_eq!(
        routes[0]["spec"]["rules"][0]["backendRefs"],
        serde_json::json!([
            {"name": "hello", "port": 80, "weight": 75},
            {"name": "hello-canary", "port": 80, "weight": 25},
        ])
    );
    let replicas: Vec<(String, u64)> = documents
        .iter()
        .filter(|d| d["kind"] == "Deployment")
        .map(|d| {
            (
                d["metadata"]["name"].as_str().unwrap().to_string(),
                d["spec"]["replicas"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        replicas,
        [("hello".to_string(), 3), ("hello-canary".to_string(), 1)]
    );
    let services: Vec<&str> = documents
        .iter()
        .filter(|d| d["kind"] == "Service")
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["hello", "hello-canary"]);
}

/// A dev env released blue-green, judged by the error-rate analysis.
fn blue_green_stage(sandbox_args: &[&str]) -> Stage {
    let stage = Stage::new(sandbox_args);
    let info: Value =
        serde_json::from_slice(&std::fs::read(stage.sandbox.dir.join("sandbox.json")).unwrap())
            .unwrap();
    let url = info["url"].as_str().unwrap().to_string();
    stage.configure(|text| {
        text.replace(
            "  - name: dev\n",
            &format!(
                "  - name: dev\n    replicas: 2\n    strategy:\n      type: blueGreen\n      analysis:\n        prometheus: {url}\n        interval: 3s\n        count: 2\n        metrics:\n          - name: error-rate\n            query: 'sum(rate(http_requests_total{{namespace=\"{{{{ namespace }}}}\",version=\"{{{{ version }}}}\",code=~\"5..\"}}[10s])) / sum(rate(http_requests_total{{namespace=\"{{{{ namespace }}}}\",version=\"{{{{ version }}}}\"}}[10s]))'\n            max: 0.05\n"
            ),
        )
    });
    stage
}

/// The Service `hello`'s selector in the env dir at `commit`, built by the real kubectl.
fn live_selector(stage: &Stage, commit: &str) -> Value {
    let checkout = stage.repo.env.path().join(format!("checkout-{commit}"));
    crate::git(
        stage.repo.env.path(),
        &[
            "clone",
            "-q",
            stage.repo.url.as_str(),
            checkout.to_str().unwrap(),
        ],
    );
    crate::git(&checkout, &["checkout", "-q", commit]);
    let built = crate::run_ok(
        std::process::Command::new("kubectl")
            .arg("kustomize")
            .arg(checkout.join("apps/hello/dev")),
    );
    let documents: Vec<Value> = serde_saphyr::from_multiple(&built).unwrap();
    documents
        .into_iter()
        .find(|d| d["kind"] == "Service" && d["metadata"]["name"] == "hello")
        .map(|service| service["spec"]["selector"].clone())
        .unwrap()
}

/// Another image for the new release, so traffic to each version can be told apart.
const NEW_IMAGE: &str = "web=ghcr.io/forge-demo/hello:1.1.0";
/// And one for the release after it.
const NEXT_IMAGE: &str = "web=ghcr.io/forge-demo/hello:1.2.0";

/// The image an `--image` argument sets.
fn image_of(argument: &str) -> &str {
    argument
        .split_once('=')
        .map_or(argument, |(_, image)| image)
}

/// Runs `forge args…` against the stage while sampling its namespace.
fn sampled_forge(stage: &Stage, args: &[&str]) -> (std::process::Output, Vec<Sample>) {
    crate::serving::sampled(
        Path::new("kubectl"),
        &stage.sandbox.dir.join("kubeconfig"),
        "hello-dev",
        || stage.forge_ok(args),
    )
}

/// Blue-green releases `version` running `image` (an `--image` argument), sampled: the live
/// Service never goes back to another image once it sends traffic to the new one, and the
/// new version's pods start once, as one set of the env's 2 replicas.
fn release_blue_green(stage: &Stage, version: &str, image: &str) -> std::process::Output {
    let (output, samples) = sampled_forge(
        stage,
        &["deploy", "dev", "--version", version, "--image", image],
    );
    let after_switch = assert_no_way_back(&samples, "hello", image_of(image), 2);
    assert!(after_switch > 0);
    assert_eq!(
        pods_started(&samples, image_of(image)),
        2,
        "{version}'s pods start once"
    );
    output
}

/// dev's release.json says `version` and its Deployments are `deployments` (name=replicas).
fn assert_runs(stage: &Stage, version: &str, deployments: &str) {
    assert_eq!(stage.deployed_version("dev"), version);
    assert_eq!(self::deployments(stage), deployments);
}

/// The newest three commits are `version`'s blue-green release (preview, switch, then the
/// deploy that settles it), and the live Service selects, by its name label, `selected` at
/// each of them, oldest first.
fn assert_released_blue_green(stage: &Stage, version: &str, selected: [&str; 3]) {
    assert_eq!(
        subjects(stage, 3),
        [
            format!("deploy hello {version} to dev"),
            format!("switch dev traffic to hello {version}"),
            format!("preview hello {version} in dev beside the live version"),
        ]
    );
    let log = stage.repo.remote_git(&["log", "--format=%H", "-3", "main"]);
    let seen: Vec<Value> = log
        .lines()
        .rev()
        .map(|commit| live_selector(stage, commit)["app.kubernetes.io/name"].clone())
        .collect();
    assert_eq!(seen, selected, "at the preview, the switch and after");
}

/// A rollback to `version` on the other side went through a preview and a switch, the live
/// Service never had fewer than the env's 2 ready pods behind it, and it ends on `image`.
fn assert_rolled_back_across(stage: &Stage, samples: &[Sample], version: &str, image: &str) {
    assert_eq!(
        subjects(stage, 3),
        [
            format!("roll back hello in dev to {version}"),
            format!("switch dev traffic to hello {version}"),
            format!("preview hello {version} in dev beside the live version"),
        ]
    );
    let (fewest, seen) = fewest_behind(samples, "hello");
    assert!(
        fewest >= 2,
        "{seen} samples through the rollback; the fewest pods behind the live Service was {fewest}"
    );
    assert_eq!(samples.last().unwrap().behind["hello"], [image; 2]);
}

#[test]
fn blue_green_switches_only_after_the_analysis_passes() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = blue_green_stage(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let output = release_blue_green(&stage, "1.1.0", NEW_IMAGE);
    let err = stderr(&output);
    assert!(err.contains("Measured error-rate #2"), "{err}");
    // Live untouched by the preview, switched, and settled on the pods that took the traffic.
    assert_released_blue_green(&stage, "1.1.0", ["hello", "hello-preview", "hello-preview"]);
    assert_runs(&stage, "1.1.0", "hello-preview=2 ");
}

/// Blue-green alternates sides: a release settled under the `-preview` names is followed by
/// one previewed under the app's own names, which switches back; an abort or a rollback
/// returns to a settled release whole.
#[test]
fn the_next_blue_green_release_switches_back_and_a_rollback_is_healthy() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = blue_green_stage(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    release_blue_green(&stage, "1.1.0", NEW_IMAGE);
    release_blue_green(&stage, "1.2.0", NEXT_IMAGE);
    // Previewed beside 1.1.0's pods, which serve until the switch back.
    assert_released_blue_green(&stage, "1.2.0", ["hello-preview", "hello", "hello"]);
    assert_runs(&stage, "1.2.0", "hello=2 ");

    // 1.1.0 ran on the other side: its pods start beside 1.2.0's before the Service moves.
    let (_, samples) = sampled_forge(&stage, &["rollback", "dev"]);
    assert_runs(&stage, "1.1.0", "hello-preview=2 ");
    assert_rolled_back_across(&stage, &samples, "1.1.0", image_of(NEW_IMAGE));
    let rows = json(&stage.forge_ok(&["status", "dev", "--output", "json"]));
    assert_eq!(rows[0]["healthy"], true, "{rows:#}");
    // An unchanged release diffs empty in the preview layout it is settled in.
    let same = stage.forge(&[
        "diff",
        "dev",
        "--version",
        "1.1.0",
        "--image",
        NEW_IMAGE,
        "--exit-code",
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(
        same.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&same.stdout)
    );
    let other = stage.forge(&["diff", "dev", "--version", "1.4.0", "--exit-code"]);
    assert_eq!(other.status.code(), Some(7), "{}", stderr(&other));

    // A release previewed beside the settled 1.1.0 and aborted leaves 1.1.0 as it was.
    stage.forge_ok(&["deploy", "dev", "--version", "1.3.0", "--no-wait"]);
    assert_eq!(
        json(&stage.forge_ok(&["canary", "status", "dev", "--output", "json"]))["canary"]["stableVersion"],
        "1.1.0"
    );
    stage.forge_ok(&["canary", "abort", "dev"]);
    assert_runs(&stage, "1.1.0", "hello-preview=2 ");
    // And back the other way, to 1.2.0 under the app's own names.
    let (_, samples) = sampled_forge(&stage, &["rollback", "dev", "--to", "1.2.0"]);
    assert_runs(&stage, "1.2.0", "hello=2 ");
    assert_rolled_back_across(&stage, &samples, "1.2.0", image_of(NEXT_IMAGE));
}

#[test]
fn blue_green_with_a_failing_analysis_leaves_the_live_version_untouched() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = blue_green_stage(&["--error-rate", "*:bad=0.2"]);
    let (live_image, output) = good_then_bad_release(&stage, &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("> max 0.05"), "{err}");
    assert_eq!(
        subjects(&stage, 2),
        [
            "abort the canary in dev: back to hello 1.0.0",
            "preview hello 1.1.0 in dev beside the live version",
        ]
    );
    assert_eq!(stage.running_image("dev"), live_image);
    assert_eq!(deployments(&stage), "hello=2 ");
}

/// Ctrl-C during blue-green's `keepOld` hold ends it early and stops at the switch, as a
/// canary's pause does: the env stays switched, and forge says how to go on.
#[test]
fn an_interrupted_blue_green_keep_old_stops_at_the_switch() {
    let stage = blue_green_stage(&[]);
    stage.configure(|text| {
        text.replace(
            "      type: blueGreen\n",
            "      type: blueGreen\n      keepOld: 10m\n",
        )
    });
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let running = stage.spawn(&["deploy", "dev", "--version", "1.1.0", "--image", NEW_IMAGE]);
    wait_for_subject(&stage, "switch dev traffic to hello 1.1.0");
    let err = crate::interrupt(running, 1);
    assert!(
        err.contains("interrupted at the blue-green switch in dev"),
        "{err}"
    );
    assert!(err.contains("forge canary resume dev"), "{err}");
    assert_eq!(subjects(&stage, 1)[0], "switch dev traffic to hello 1.1.0");
    // Skipping the rest settles the release where the switch left it.
    stage.forge_ok(&["canary", "promote", "dev"]);
    assert_eq!(subjects(&stage, 1)[0], "deploy hello 1.1.0 to dev");
    assert_eq!(stage.deployed_version("dev"), "1.1.0");
}

/// An env whose strategy leaves blueGreen while its release runs under the -preview names:
/// the next deploy switches back to the app's own names blue-green (the new pods ready
/// before the Service moves), then the env's own strategy holds.
#[test]
fn leaving_blue_green_on_the_preview_side_switches_back_first() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = blue_green_stage(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    release_blue_green(&stage, "1.1.0", NEW_IMAGE);
    assert_runs(&stage, "1.1.0", "hello-preview=2 ");
    stage.configure(|text| text.replace("type: blueGreen", "type: rolling"));
    let output = release_blue_green(&stage, "1.2.0", NEXT_IMAGE);
    assert!(stderr(&output).contains("switches back to the app's own names"));
    assert_released_blue_green(&stage, "1.2.0", ["hello-preview", "hello", "hello"]);
    assert_runs(&stage, "1.2.0", "hello=2 ");
    let release = json(&stage.forge_ok(&["status", "dev", "--output", "json"]));
    assert_eq!(release[0]["healthy"], true, "{release:#}");
    // Then plainly, as the env now says.
    stage.forge_ok(&["deploy", "dev", "--version", "1.3.0"]);
    assert_eq!(subjects(&stage, 1), ["deploy hello 1.3.0 to dev"]);
    assert_runs(&stage, "1.3.0", "hello=2 ");
}
