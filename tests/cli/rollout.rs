//! deploy, promote, rollback and status end to end: the real binary commits to a real git
//! remote, the sandbox plays Flux or Argo CD and the cluster, and forge waits for the exact
//! commit. kubectl judges what the cluster ends up running.

use crate::deploy::EnvRepoFixture;
use crate::sandbox::RunningSandbox;
use crate::{fixture, require_tool, stderr, stdout};
use serde_json::Value;
use std::process::Output;

pub struct Stage {
    pub repo: EnvRepoFixture,
    pub sandbox: RunningSandbox,
}

impl Stage {
    /// An env repo and a sandbox following it (`args` are extra `forge sandbox up` flags).
    pub fn new(args: &[&str]) -> Stage {
        let repo = EnvRepoFixture::new();
        let sandbox = RunningSandbox::following(&repo, args);
        let stage = Stage { repo, sandbox };
        // A broken wait fails the test in a minute, not after the default 5m.
        stage.configure(|text| {
            let mut text = text;
            for env in ["dev", "staging", "prod"] {
                let entry = format!("  - name: {env}\n");
                text = text.replace(&entry, &format!("{entry}    timeout: 1m\n"));
            }
            if args.contains(&"argocd") {
                text = text.replace("engine: flux", "engine: argocd");
            }
            text
        });
        stage
    }

    pub fn command(&self, args: &[&str]) -> assert_cmd::Command {
        let mut command = self.repo.forge();
        command
            .env("KUBECONFIG", self.sandbox.dir.join("kubeconfig"))
            .args(["-C", "sample/forge.yaml"])
            .args(args);
        command
    }

    pub fn forge(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// `forge -C sample/forge.yaml ARGS` running in the background, as `command` sets it up
    /// (for tests that act on the env while it waits).
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        std::process::Command::new(env!("CARGO_BIN_EXE_forge"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.repo.env.path().join("home"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("KUBECONFIG", self.sandbox.dir.join("kubeconfig"))
            .env("FORGE_GIT_AUTHOR", "Dee Ployer <dee@example.com>")
            .current_dir(self.repo.env.path())
            .args(["-C", "sample/forge.yaml"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }

    pub fn forge_ok(&self, args: &[&str]) -> Output {
        let output = self.forge(args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        output
    }

    pub fn head(&self) -> String {
        self.repo.remote_git(&["rev-parse", "main"])
    }

    pub fn deployed_version(&self, env: &str) -> String {
        let text = self
            .repo
            .remote_git(&["show", &format!("main:apps/hello/{env}/release.json")]);
        let release: Value = serde_json::from_str(&text).unwrap();
        release["version"].as_str().unwrap().to_string()
    }

    /// The image the cluster runs for hello in `env`, as kubectl reads it.
    pub fn running_image(&self, env: &str) -> String {
        let image = "{.spec.template.spec.containers[0].image}";
        self.sandbox
            .jsonpath("deployment/hello", &format!("hello-{env}"), image)
    }

    /// Edits the sample app's forge.yaml.
    pub fn configure(&self, edit: impl Fn(String) -> String) {
        let path = self.repo.env.path().join("sample/forge.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, edit(text)).unwrap();
    }
}

const BAD_IMAGE: &str = "web=ghcr.io/forge-demo/hello:bad";

pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn good_deploy_is_applied_and_rolled_out(engine: &str) {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&["--engine", engine]);
    let output = stage.forge_ok(&["deploy", "dev", "--version", "1.0.0", "--output", "json"]);
    let report = json(&output);
    assert_eq!(report["commit"], stage.head());
    assert!(
        !stderr(&output).contains("::notice"),
        "no annotations outside GitHub Actions"
    );
    assert_eq!(
        report["applied"],
        stage.head(),
        "waited for the exact commit"
    );
    let ready = stage.sandbox.jsonpath(
        "deployment/hello",
        "hello-dev",
        "{.status.readyReplicas}/{.spec.replicas}",
    );
    assert_eq!(ready, "1/1", "healthy when forge said so");
    assert!(stderr(&output).contains("Healthy"), "{}", stderr(&output));
}

#[test]
fn flux_deploy_waits_for_the_commit_and_the_rollout() {
    good_deploy_is_applied_and_rolled_out("flux");
}

#[test]
fn argocd_deploy_waits_for_the_commit_and_the_rollout() {
    good_deploy_is_applied_and_rolled_out("argocd");
}

/// The sandbox's URL and Argo CD token, from its sandbox.json.
fn argocd_api(stage: &Stage) -> (String, String) {
    let info: Value =
        serde_json::from_slice(&std::fs::read(stage.sandbox.dir.join("sandbox.json")).unwrap())
            .unwrap();
    (
        info["url"].as_str().unwrap().to_string(),
        info["argocdToken"].as_str().unwrap().to_string(),
    )
}

/// forge's `args` against the stage, told to follow Argo CD through its API at `url`.
fn through_argocd_api(stage: &Stage, args: &[&str], url: &str, token: &str) -> Output {
    stage
        .command(args)
        .env("ARGOCD_SERVER", url)
        .env("ARGOCD_AUTH_TOKEN", token)
        .output()
        .unwrap()
}

#[test]
fn argocd_deploy_follows_the_application_through_argo_cds_api() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&["--engine", "argocd"]);
    let (url, token) = argocd_api(&stage);
    let before = stage.sandbox.log().len();
    let deploy = ["deploy", "dev", "--version", "1.0.0", "--output", "json"];
    let output = through_argocd_api(&stage, &deploy, &url, &token);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["commit"], stage.head());
    assert_eq!(
        report["applied"],
        stage.head(),
        "waited for the exact commit"
    );
    let log = stage.sandbox.log()[before..].to_string();
    assert!(
        log.contains("GET /api/v1/stream/applications?name=hello-dev"),
        "followed through Argo CD's stream: {log}"
    );
    assert!(
        !log.lines()
            .any(|line| line.contains("/applications") && line.contains("watch=")),
        "no kube watch of Applications: {log}"
    );

    let deploy = ["deploy", "dev", "--version", "1.1.0"];
    let output = through_argocd_api(&stage, &deploy, &url, "not-the-token");
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("Argo CD API"), "{err}");
    assert!(err.contains("401"), "{err}");
    assert!(
        !err.contains("not-the-token") && !stdout(&output).contains("not-the-token"),
        "{err}"
    );
}

/// Argo CD's stream cut every second (as a load balancer would) does not break the wait
/// (the reopening itself is unit-tested in `engine::argocd`).
#[test]
fn argocd_api_streams_cut_short_do_not_break_the_wait() {
    let stage = Stage::new(&["--engine", "argocd", "--drop-watches-after", "1s"]);
    let (url, token) = argocd_api(&stage);
    let deploy = ["deploy", "dev", "--version", "1.0.0", "--output", "json"];
    let output = through_argocd_api(&stage, &deploy, &url, &token);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(json(&output)["applied"], stage.head());
}

fn crash_looping_release_is_rolled_back(engine: &str) {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&["--engine", engine, "--bad-image", "*:bad"]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let good_image = stage.running_image("dev");
    // As a GitHub Actions step: annotations on stderr, the report in the job summary.
    let summary = stage.repo.env.path().join("summary.md");
    let output = stage
        .command(&["deploy", "dev", "--version", "1.1.0", "--image", BAD_IMAGE])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("CrashLoopBackOff"), "{err}");
    assert!(
        err.contains("::error title=forge::1.1.0 failed in dev"),
        "{err}"
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.contains("### forge: 1.1.0 failed in dev"),
        "{summary}"
    );
    assert!(
        summary.contains("is marked bad in the sandbox"),
        "{summary}"
    );
    assert!(
        err.contains("is marked bad in the sandbox"),
        "the pod's log is in the report: {err}"
    );
    assert!(err.contains("rolled back to 1.0.0"), "{err}");
    assert_eq!(
        stage.repo.remote_git(&["log", "-1", "--format=%s", "main"]),
        "roll back hello in dev to 1.0.0"
    );
    assert!(
        stage
            .repo
            .remote_git(&["log", "-1", "--format=%(trailers)", "main"])
            .contains("Forge-Action: rollback")
    );
    assert_eq!(stage.deployed_version("dev"), "1.0.0");
    assert_eq!(
        stage.running_image("dev"),
        good_image,
        "the cluster runs 1.0.0 again"
    );
}

#[test]
fn flux_crash_looping_release_fails_fast_and_is_rolled_back() {
    crash_looping_release_is_rolled_back("flux");
}

#[test]
fn argocd_crash_looping_release_fails_fast_and_is_rolled_back() {
    crash_looping_release_is_rolled_back("argocd");
}

/// The failed release's crash-looping pods stay Terminating through the whole rollback (an
/// hour's grace period), and the controller notices the rolled-back spec two seconds late, so
/// for a while the Deployment still names the failed release's ReplicaSet: forge judges only
/// the pods of the revision it rolls out, and the rollback is good.
#[test]
fn a_rollback_is_not_judged_by_the_failed_releases_lingering_pods() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&[
        "--bad-image",
        "*:bad",
        "--pod-grace-period",
        "1h",
        "--controller-lag",
        "2s",
    ]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let output = stage.forge(&["deploy", "dev", "--version", "1.1.0", "--image", BAD_IMAGE]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("CrashLoopBackOff"), "{err}");
    assert!(err.contains("rolled back to 1.0.0"), "{err}");
    assert!(!err.contains("failed too"), "{err}");
    assert_eq!(stage.deployed_version("dev"), "1.0.0");
    // The failed release's pods are still there, Terminating.
    let pods: Value = serde_json::from_str(&stage.sandbox.kubectl_ok(&[
        "get",
        "pods",
        "-n",
        "hello-dev",
        "-o",
        "json",
    ]))
    .unwrap();
    let lingering = pods["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|pod| {
            pod["metadata"]["deletionTimestamp"].is_string()
                && pod["spec"]["containers"][0]["image"]
                    .as_str()
                    .is_some_and(|image| image.ends_with(":bad"))
        })
        .count();
    assert!(lingering > 0, "{pods}");
    stage.forge_ok(&["status", "dev", "--check"]);
}

/// A kustomize build failure is terminal for our revision: forge says so at once instead of
/// waiting out its (long) timeout, and a first release has nothing to roll back to.
#[test]
fn a_build_failure_fails_fast() {
    let stage = Stage::new(&[]);
    stage.configure(|text| {
        text.replace(
            "  - name: dev\n",
            "  - name: dev\n    patches:\n      - |\n        apiVersion: apps/v1\n        kind: Deployment\n        metadata: {name: missing}\n        spec: {replicas: 2}\n",
        )
    });
    let output = stage.forge(&["deploy", "dev", "--version", "1.0.0", "--timeout", "10m"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("BuildFailed"), "{err}");
    assert!(err.contains("nothing to roll back to"), "{err}");
}

#[test]
fn a_rollout_that_does_not_finish_in_time_is_exit_4() {
    let stage = Stage::new(&["--reconcile-delay", "30s"]);
    let output = stage.forge(&["deploy", "dev", "--version", "1.0.0", "--timeout", "2s"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(4), "{err}");
    assert!(err.contains("was not healthy within 2s"), "{err}");
    assert!(
        err.contains("Kustomization flux-system/hello-dev"),
        "says what was pending: {err}"
    );
}

/// API errors, throttling and watches cut every second do not stop a wait.
#[test]
fn a_wait_survives_api_faults_and_dropped_watches() {
    let stage = Stage::new(&crate::sandbox::API_FAULTS);
    let output = stage.forge_ok(&["deploy", "dev", "--version", "1.0.0", "--output", "json"]);
    assert_eq!(json(&output)["applied"], stage.head());
}

/// Someone deploys to the same env while forge waits for its commit, and the controller
/// applies theirs: forge does not claim their release as its own (exit 5, naming their
/// commit). kubectl plays the controller here, so the interleaving is exact.
#[test]
fn a_deploy_over_ours_during_the_wait_is_a_conflict() {
    if !require_tool("kubectl") {
        return;
    }
    let repo = EnvRepoFixture::new();
    // The API alone: no reconciler acts before the test says so.
    let sandbox = RunningSandbox::start_with(&repo.env, &[]);
    let stage = Stage { repo, sandbox };
    let waiting = stage.spawn(&["deploy", "dev", "--version", "1.1.0", "--timeout", "1m"]);
    let (repo, sandbox) = (&stage.repo, &stage.sandbox);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while repo
        .remote_git(&["log", "--format=%s", "main"])
        .lines()
        .count()
        < 2
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the first deploy never pushed"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let theirs = repo.sample(&["deploy", "dev", "--version", "1.2.0", "--no-wait"]);
    assert_eq!(theirs.status.code(), Some(0), "{}", stderr(&theirs));
    let theirs = repo.remote_git(&["rev-parse", "main"]);
    let manifest = repo.env.write(
        "kustomization.yaml",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: hello-dev, namespace: flux-system}\nspec: {interval: 1m, path: ./apps/hello/dev, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n",
    );
    sandbox.kubectl_ok(&["create", "-f", manifest.to_str().unwrap()]);
    let revision = format!("main@sha1:{theirs}");
    let status = serde_json::json!({"status": {
        "observedGeneration": 1,
        "lastAppliedRevision": revision,
        "lastAttemptedRevision": revision,
        "conditions": [{"type": "Ready", "status": "True", "reason": "ReconciliationSucceeded",
            "message": format!("Applied revision: {revision}"),
            "lastTransitionTime": "2026-11-24T12:00:00Z"}],
    }});
    sandbox.patch_status(
        "kustomization/hello-dev",
        "flux-system",
        &status.to_string(),
    );
    let output = waiting.wait_with_output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(5), "{err}");
    assert!(err.contains(&theirs[..12]), "names their commit: {err}");
    let release = repo.remote_git(&["show", "main:apps/hello/dev/release.json"]);
    assert!(
        release.contains("\"1.2.0\""),
        "their release stays: {release}"
    );
}

#[test]
fn promote_checks_each_gate_then_ships_the_same_bundle() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&["--bad-image", "*:bad"]);
    // Soak: dev's release is younger than staging's 5m soak.
    let fresh = stage
        .command(&["deploy", "dev", "--version", "0.9.0"])
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert_eq!(fresh.status.code(), Some(0), "{}", stderr(&fresh));
    let blocked = stage.forge(&["promote", "staging"]);
    assert_eq!(blocked.status.code(), Some(3), "{}", stderr(&blocked));
    assert!(
        stderr(&blocked).contains("gate 'soak' failed"),
        "{}",
        stderr(&blocked)
    );

    // Healthy: a crash-looping dev (rolled back by hand only) blocks promotion.
    stage
        .configure(|text| text.replace("  - name: dev\n", "  - name: dev\n    rollback: manual\n"));
    let bad = stage.forge(&["deploy", "dev", "--version", "1.1.0", "--image", BAD_IMAGE]);
    assert_eq!(bad.status.code(), Some(3), "{}", stderr(&bad));
    let unhealthy = stage.forge(&["promote", "dev", "staging"]);
    assert_eq!(unhealthy.status.code(), Some(3), "{}", stderr(&unhealthy));
    assert!(
        stderr(&unhealthy).contains("gate 'healthy' failed"),
        "{}",
        stderr(&unhealthy)
    );
    assert!(
        stage
            .repo
            .remote_git(&["ls-tree", "main", "apps/hello/"])
            .contains("dev")
            && !stage
                .repo
                .remote_git(&["ls-tree", "main", "apps/hello/"])
                .contains("staging"),
        "a failed gate commits nothing"
    );

    // All gates pass with a signed bundle: staging, then the protected, signature-requiring prod.
    let bundle = stage.repo.env.build_bundle(
        &stage.repo.env.path().join("sample"),
        "dist",
        &["--version", "1.2.0"],
    );
    let signed = stage
        .repo
        .forge()
        .args(["bundle", "sign", bundle.to_str().unwrap(), "--key"])
        .arg(fixture("keys/sample.key"))
        .env("FORGE_KEY_PASSWORD", "forge-sample")
        .output()
        .unwrap();
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));
    stage.forge_ok(&["deploy", "dev", "--bundle", bundle.to_str().unwrap()]);
    let promoted = stage.forge_ok(&["promote", "staging", "--output", "json"]);
    assert_eq!(json(&promoted)["action"], "promote");
    assert_eq!(stage.deployed_version("staging"), "1.2.0");
    assert_eq!(stage.running_image("staging"), stage.running_image("dev"));
    let unconfirmed = stage.forge(&["promote", "prod"]);
    assert_eq!(
        unconfirmed.status.code(),
        Some(2),
        "{}",
        stderr(&unconfirmed)
    );
    stage.forge_ok(&["promote", "prod", "--yes"]);
    assert_eq!(stage.deployed_version("prod"), "1.2.0");
    let release: Value = serde_json::from_str(
        &stage
            .repo
            .remote_git(&["show", "main:apps/hello/prod/release.json"]),
    )
    .unwrap();
    assert!(
        release["signer"].is_string(),
        "the signature was verified for prod"
    );

    // Against the chain (prod is downstream of staging): refused, nothing pushed, unless
    // asked for by name.
    let head = stage.repo.remote_git(&["rev-parse", "main"]);
    let backwards = stage.forge(&["promote", "prod", "staging"]);
    assert_eq!(backwards.status.code(), Some(2), "{}", stderr(&backwards));
    assert!(
        stderr(&backwards)
            .contains("cannot promote prod to staging: staging takes releases along dev → staging"),
        "{}",
        stderr(&backwards)
    );
    assert!(stderr(&backwards).contains("--from-anywhere"));
    assert_eq!(stage.repo.remote_git(&["rev-parse", "main"]), head);
    stage.forge_ok(&["promote", "prod", "staging", "--from-anywhere"]);
}

#[test]
fn promote_to_a_signature_requiring_env_refuses_an_unsigned_bundle() {
    let stage = Stage::new(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    stage.forge_ok(&["promote", "staging"]);
    let refused = stage.forge(&["promote", "prod", "--yes"]);
    assert_eq!(refused.status.code(), Some(6), "{}", stderr(&refused));
    assert!(
        !stage
            .repo
            .remote_git(&["ls-tree", "main", "apps/hello/"])
            .contains("prod")
    );
}

fn rollback_returns_to_the_previous_or_a_named_release(engine: &str) {
    let stage = Stage::new(&["--engine", engine]);
    for version in ["1.0.0", "1.1.0", "1.2.0"] {
        stage.forge_ok(&["deploy", "dev", "--version", version]);
    }
    stage.forge_ok(&["rollback", "dev"]);
    assert_eq!(stage.deployed_version("dev"), "1.1.0");
    let history = stage.repo.history("dev");
    assert_eq!(history[0]["action"], "rollback");
    assert_eq!(
        history.as_array().unwrap().len(),
        4,
        "history is never rewritten"
    );

    stage.forge_ok(&["rollback", "dev", "--to", "1.0.0"]);
    assert_eq!(stage.deployed_version("dev"), "1.0.0");

    let never = stage.forge(&["rollback", "dev", "--to", "9.9.9"]);
    assert_eq!(never.status.code(), Some(2), "{}", stderr(&never));
    assert!(stderr(&never).contains("never released to dev"));
}

#[test]
fn flux_rollback_returns_to_the_previous_or_a_named_release() {
    rollback_returns_to_the_previous_or_a_named_release("flux");
}

#[test]
fn argocd_rollback_returns_to_the_previous_or_a_named_release() {
    rollback_returns_to_the_previous_or_a_named_release("argocd");
}

fn status_shows_each_env_in_text_and_json(engine: &str) {
    let stage = Stage::new(&["--engine", engine]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let commit = stage.head();
    let rows = json(&stage.forge_ok(&["status", "--output", "json"]));
    let dev = &rows[0];
    assert_eq!(dev["env"], "dev");
    assert_eq!(dev["version"], "1.0.0");
    assert_eq!(dev["applied"], commit);
    assert_eq!(dev["healthy"], true);
    assert_eq!(dev["drift"], false);
    assert_eq!(dev["ready"], 1);
    assert_eq!(dev["lastDeploy"]["author"], "Dee Ployer <dee@example.com>");
    assert_eq!(rows[1]["env"], "staging");
    assert_eq!(rows[1]["healthy"], false);
    assert_eq!(
        rows[1]["blockedBy"],
        Value::Null,
        "dev's release is old enough"
    );

    let text = stdout(&stage.forge_ok(&["status", "dev"]));
    let row = text.lines().nth(1).unwrap();
    for expected in [
        "dev",
        "1.0.0",
        &commit[..12],
        "Healthy",
        "1/1",
        "Dee Ployer",
    ] {
        assert!(row.contains(expected), "{expected} in {row}");
    }
    let check = stage.forge(&["status", "--check"]);
    assert_eq!(check.status.code(), Some(3), "staging is not deployed");
    assert!(stderr(&check).contains("staging"));

    // Out of the cluster's reach, dev's health is unknown, which is not unhealthy: exit 1.
    let unreachable = stage.repo.env.write(
        "unreachable.kubeconfig",
        "apiVersion: v1\nkind: Config\nclusters: [{name: gone, cluster: {server: 'http://127.0.0.1:9'}}]\nusers: [{name: me, user: {}}]\ncontexts: [{name: gone, context: {cluster: gone, user: me}}]\ncurrent-context: gone\n",
    );
    let check = stage
        .command(&["status", "dev", "--check"])
        .env("KUBECONFIG", unreachable)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert!(
        stderr(&check).contains("health unknown: dev"),
        "{}",
        stderr(&check)
    );
}

#[test]
fn flux_status_shows_each_env_in_text_and_json() {
    status_shows_each_env_in_text_and_json("flux");
}

#[test]
fn argocd_status_shows_each_env_in_text_and_json() {
    status_shows_each_env_in_text_and_json("argocd");
}

/// A Helm source on both engines: on Flux the Kustomization applies the HelmRelease, which
/// must be released for its new generation; on Argo CD the Application renders the chart. Either
/// way its Deployment must be rolled out.
#[test]
fn helm_releases_are_waited_for_on_both_engines() {
    if !require_tool("kubectl") || !require_tool("helm") {
        return;
    }
    let repo = EnvRepoFixture::new();
    let config = repo.helm_app();
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("  - name: dev\n", "  - name: dev\n    timeout: 1m\n")
        .replace("  - name: prod\n", "  - name: prod\n    timeout: 1m\n");
    std::fs::write(&config, text).unwrap();
    // The sandbox reads forge.yaml too: prod is Argo CD's.
    let sandbox = RunningSandbox::following(&repo, &["-C", "shop/forge.yaml"]);
    for (env, namespace) in [("dev", "shop-dev"), ("prod", "shop")] {
        let output = repo
            .forge()
            .env("KUBECONFIG", sandbox.dir.join("kubeconfig"))
            .args([
                "-C",
                "shop/forge.yaml",
                "deploy",
                env,
                "--version",
                "1.4.0",
                "--yes",
            ])
            .output()
            .unwrap();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(0), "{env}: {err}");
        assert!(err.contains("Healthy 1.4.0"), "{err}");
        assert!(err.contains("(1 workload Current)"), "{err}");
        let ready = sandbox.jsonpath("deployment/shop", namespace, "{.status.readyReplicas}");
        assert!(!ready.is_empty() && ready != "0", "{env}: ready {ready}");
    }
}

/// The kubeconfig context comes from `--context` (or the env's `context`); an unknown one
/// stops before anything is pushed.
#[test]
fn an_unknown_context_is_a_usage_error_before_the_push() {
    let stage = Stage::new(&[]);
    let head = stage.head();
    let output = stage.forge(&["deploy", "dev", "--version", "1.0.0", "--context", "nope"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("no kubeconfig context \"nope\""), "{err}");
    assert_eq!(stage.head(), head, "nothing was pushed");
    // The sandbox's own context works when named.
    stage.forge_ok(&[
        "deploy",
        "dev",
        "--version",
        "1.0.0",
        "--context",
        "forge-sandbox",
    ]);
}

/// `kubectl create -f` of one object (the sandbox serves POST).
fn create_object(stage: &Stage, yaml: &str) {
    let path = stage.sandbox.dir.join("object.yaml");
    std::fs::write(&path, yaml).unwrap();
    stage
        .sandbox
        .kubectl_ok(&["create", "-f", path.to_str().unwrap()]);
}

/// Deploys, asserting exit 3 within `within` and that the commit was pushed all the same.
fn deploy_unbound(stage: &Stage, version: &str, within: std::time::Duration) -> String {
    let started = std::time::Instant::now();
    let output = stage.forge(&["deploy", "dev", "--version", version]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(
        started.elapsed() < within,
        "failed fast, not after the 1m timeout: {:?}\n{err}",
        started.elapsed()
    );
    assert_eq!(
        stage.deployed_version("dev"),
        version,
        "the commit is pushed"
    );
    let head = stage.head();
    assert!(
        err.contains(&format!("pushed {}; nothing applies it", &head[..12])),
        "{err}"
    );
    err
}

#[test]
fn flux_deploy_without_its_kustomization_fails_fast() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&["--no-bootstrap"]);
    // A first release: the Kustomization might be generated from the new dir, so forge
    // waits for Flux to fetch the commit, and a few seconds more.
    let err = deploy_unbound(&stage, "1.0.0", std::time::Duration::from_secs(25));
    assert!(
        err.contains("Kustomization flux-system/hello-dev does not exist in context "),
        "{err}"
    );
    assert!(
        err.contains(
            "create it for hello/dev: forge bootstrap dev --out - | kubectl apply -f - (or flux create \
             kustomization hello-dev --namespace flux-system --source GitRepository/flux-system \
             --path ./apps/hello/dev"
        ),
        "{err}"
    );
    assert!(!err.contains("Rolling back"), "nothing to roll back: {err}");

    // The env dir existed before: the Kustomization is missing at once.
    deploy_unbound(&stage, "1.1.0", std::time::Duration::from_secs(10));

    // One that builds another env's dir.
    create_object(
        &stage,
        "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: hello-dev
  namespace: flux-system
spec:
  interval: 1m
  path: ./apps/hello/staging/
  prune: true
  targetNamespace: hello-dev
  sourceRef:
    kind: GitRepository
    name: flux-system
",
    );
    let err = deploy_unbound(&stage, "1.2.0", std::time::Duration::from_secs(10));
    assert!(
        err.contains(
            "Kustomization flux-system/hello-dev in context forge-sandbox has spec.path \
             ./apps/hello/staging/, not ./apps/hello/dev"
        ),
        "{err}"
    );
    assert!(
        err.contains(r#"-p '{"spec":{"path":"./apps/hello/dev"}}'"#),
        "{err}"
    );

    // Pointed at the env dir, the same release is applied and rolls out.
    let path = r#"{"spec":{"path":"./apps/hello/dev"}}"#;
    stage
        .sandbox
        .merge_patch("kustomization/hello-dev", "flux-system", path);
    let output = stage.forge_ok(&["deploy", "dev", "--version", "1.2.0", "--output", "json"]);
    assert_eq!(json(&output)["applied"], stage.head());
    stage.running_image("dev");
}

#[test]
fn argocd_deploy_without_its_application_fails_fast_once_the_env_dir_existed() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&["--engine", "argocd", "--no-bootstrap"]);
    // A first release's Application may come from an ApplicationSet on its next look at the
    // repo: forge waits for it (here, until a short timeout).
    let output = stage.forge(&["deploy", "dev", "--version", "1.0.0", "--timeout", "3s"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(4), "{err}");
    assert!(
        err.contains("Application argocd/hello-dev does not exist yet"),
        "{err}"
    );

    let err = deploy_unbound(&stage, "1.1.0", std::time::Duration::from_secs(10));
    assert!(
        err.contains("Application argocd/hello-dev does not exist in context forge-sandbox"),
        "{err}"
    );
    assert!(
        err.contains("argocd app create hello-dev") && err.contains("--path apps/hello/dev"),
        "{err}"
    );

    // The same through Argo CD's API.
    let (url, token) = argocd_api(&stage);
    let started = std::time::Instant::now();
    let output = stage
        .command(&["deploy", "dev", "--version", "1.2.0"])
        .env("ARGOCD_SERVER", &url)
        .env("ARGOCD_AUTH_TOKEN", &token)
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "Application argocd/hello-dev does not exist in Argo CD at {url}"
        )),
        "{err}"
    );
}

/// Ctrl-C while a deploy waits ends it at once with exit 130, saying the commit is pushed
/// (an interrupt cannot take a push back) and how to look again.
#[test]
fn ctrl_c_while_a_deploy_waits_says_the_commit_is_pushed() {
    if !require_tool("kubectl") {
        return;
    }
    // The engine reports the revision as in progress for a minute: the deploy waits.
    let stage = Stage::new(&["--reconcile-delay", "60s"]);
    let before = stage.head();
    let running = stage.spawn(&["deploy", "dev", "--version", "1.0.0"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while stage.head() == before {
        assert!(std::time::Instant::now() < deadline, "nothing was pushed");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let err = crate::interrupt(running, 130);
    let pushed = stage.head();
    assert!(
        err.contains(&format!(
            "interrupted while waiting for {} in dev; commit {} is pushed",
            &pushed[..12],
            &pushed[..12]
        )),
        "{err}"
    );
    assert!(err.contains("forge status dev"), "{err}");
}

/// `forge wait ENV` re-attaches to the env's latest commit, judges it as deploy does and
/// pushes nothing: a healthy release is exit 0, a failed one exit 3 with no rollback commit.
#[test]
fn wait_reattaches_to_the_envs_latest_commit_and_never_pushes() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&["--bad-image", "*:bad"]);
    let nothing = stage.forge(&["wait", "dev"]);
    assert_eq!(nothing.status.code(), Some(2), "{}", stderr(&nothing));
    assert!(stderr(&nothing).contains("nothing has been deployed to dev"));

    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0", "--no-wait"]);
    let head = stage.head();
    let waited = json(&stage.forge_ok(&["wait", "dev", "--output", "json"]));
    assert_eq!(waited["commit"], head);
    assert_eq!(waited["version"], "1.0.0");
    assert_eq!(waited["action"], "wait");
    assert_eq!(waited["applied"], head);

    stage.forge_ok(&[
        "deploy",
        "dev",
        "--version",
        "1.1.0",
        "--image",
        BAD_IMAGE,
        "--no-wait",
    ]);
    let failed_head = stage.head();
    let failed = stage.forge(&["wait", "dev", "--timeout", "2m"]);
    assert_eq!(failed.status.code(), Some(3), "{}", stderr(&failed));
    assert!(
        stderr(&failed).contains("1.1.0 failed in dev"),
        "{}",
        stderr(&failed)
    );
    assert_eq!(stage.head(), failed_head, "waiting never rolls back");
}

/// On a cluster nobody bootstrapped, a deploy fails fast naming the missing Kustomization;
/// `forge bootstrap`'s objects, applied with the real kubectl, make the same deploy work.
#[test]
fn bootstrap_makes_what_applies_each_env_dir() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&["--no-bootstrap"]);
    let unbound = stage.forge(&["deploy", "dev", "--version", "1.0.0"]);
    assert_eq!(unbound.status.code(), Some(3), "{}", stderr(&unbound));
    assert!(
        stderr(&unbound).contains("hello-dev does not exist"),
        "{}",
        stderr(&unbound)
    );

    let out = stage.repo.env.path().join("gitops");
    std::fs::create_dir_all(&out).unwrap();
    let written = stage.forge_ok(&["bootstrap", "--out", out.to_str().unwrap()]);
    let file = out.join("hello.yaml");
    assert_eq!(stdout(&written).trim(), file.to_str().unwrap());
    let objects = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        stdout(&stage.forge_ok(&["bootstrap", "--out", "-"])),
        objects,
        "stdout and --out hold the same objects, rendered the same each time"
    );
    // The apiserver's validation first (the sandbox answers dry runs and keeps nothing).
    let dry =
        stage
            .sandbox
            .kubectl_ok(&["apply", "--dry-run=server", "-f", file.to_str().unwrap()]);
    assert!(
        dry.contains(
            "kustomization.kustomize.toolkit.fluxcd.io/hello-dev created (server dry run)"
        ),
        "{dry}"
    );
    stage.sandbox.assert_absent(
        "kustomization/hello-dev",
        "flux-system",
        "a dry run creates nothing",
    );
    let applied = stage
        .sandbox
        .kubectl_ok(&["apply", "-f", file.to_str().unwrap()]);
    for object in [
        "namespace/hello-dev",
        "kustomization.kustomize.toolkit.fluxcd.io/hello-dev",
        "kustomization.kustomize.toolkit.fluxcd.io/hello-prod",
    ] {
        assert!(applied.contains(object), "{object} in {applied}");
    }
    stage.forge_ok(&["deploy", "dev", "--version", "1.1.0"]);
    assert_eq!(stage.deployed_version("dev"), "1.1.0");

    // By default they are committed where a cluster's root sync applies them, once.
    let committed = json(&stage.forge_ok(&["bootstrap", "--cluster", "eu-1", "--output", "json"]));
    assert_eq!(committed["changed"], true);
    assert_eq!(committed["commit"], stage.head());
    assert_eq!(
        stage
            .repo
            .remote_git(&["show", "main:clusters/eu-1/hello/hello.yaml"]),
        objects.trim_end(),
        "(git's output comes trimmed)"
    );
    let subject = stage
        .repo
        .remote_git(&["log", "-1", "--format=%s%n%b", "main"]);
    assert!(subject.contains("Forge-Action: bootstrap"), "{subject}");
    let again = json(&stage.forge_ok(&["bootstrap", "--cluster", "eu-1", "--output", "json"]));
    assert_eq!(again["changed"], false);
    assert_eq!(
        again["commit"], committed["commit"],
        "a second run commits nothing"
    );
    assert_eq!(
        stage.repo.history("dev")[0]["version"],
        "1.1.0",
        "history is the deploys'"
    );
}

/// `forge status --watch` without a terminal prints the table again only when it changed:
/// first the env at 1.0.0, last at 1.1.0 once that is healthy, never the same table twice
/// in a row.
#[test]
fn status_watch_prints_each_change_once() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let mut watching = stage.spawn(&["status", "dev", "--watch"]);
    std::thread::sleep(std::time::Duration::from_secs(3));
    stage.forge_ok(&["deploy", "dev", "--version", "1.1.0"]);
    std::thread::sleep(std::time::Duration::from_secs(5));
    watching.kill().unwrap();
    let output = watching.wait_with_output().unwrap();
    let text = stdout(&output);
    let tables: Vec<&str> = text
        .split("ENV ")
        .filter(|table| !table.is_empty())
        .collect();
    assert!(tables.len() >= 2, "{text}");
    assert!(
        tables[0].contains("1.0.0") && tables[0].contains("Healthy"),
        "{text}"
    );
    let last = tables[tables.len() - 1];
    assert!(last.contains("1.1.0") && last.contains("Healthy"), "{text}");
    assert!(
        tables.windows(2).all(|pair| pair[0] != pair[1]),
        "a table repeated:\n{text}"
    );
}
