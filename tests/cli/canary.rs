//! Canary releases end to end: every step a commit the sandbox applies, the analysis asked
//! of the sandbox's own Prometheus-compatible query API (the real Prometheus is exercised in
//! tests/analysis.rs), and kubectl judging what runs.

use crate::rollout::{Stage, json};
use crate::{require_tool, stderr};
use serde_json::Value;

/// A dev env with two replicas and a canary at 50% then 100%, its analysis an error-rate
/// query against the sandbox's own query API.
fn canary_stage(sandbox_args: &[&str]) -> Stage {
    let stage = Stage::new(sandbox_args);
    let info: Value =
        serde_json::from_slice(&std::fs::read(stage.sandbox.dir.join("sandbox.json")).unwrap())
            .unwrap();
    let url = info["url"].as_str().unwrap().to_string();
    stage.configure(|text| {
        text.replace(
            "  - name: dev\n",
            &format!(
                "  - name: dev\n    replicas: 2\n    strategy:\n      type: canary\n      steps:\n        - weight: 50\n          pause: 1s\n          analysis: true\n        - weight: 100\n      analysis:\n        prometheus: {url}\n        interval: 2s\n        count: 2\n        metrics:\n          - name: error-rate\n            query: 'sum(rate(http_requests_total{{namespace=\"{{{{ namespace }}}}\",version=\"{{{{ version }}}}\",code=~\"5..\"}}[10s])) / sum(rate(http_requests_total{{namespace=\"{{{{ namespace }}}}\",version=\"{{{{ version }}}}\"}}[10s]))'\n            max: 0.05\n"
            ),
        )
    });
    stage
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
    let stage = canary_stage(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let output = stage.forge_ok(&["deploy", "dev", "--version", "1.1.0", "--output", "json"]);
    let err = stderr(&output);
    assert!(err.contains("step 1/2: 50% (1 canary, 1 stable)"), "{err}");
    assert!(
        err.contains("Measured error-rate #2"),
        "each measurement is printed: {err}"
    );
    assert_eq!(json(&output)["version"], "1.1.0");
    assert_eq!(
        subjects(&stage, 3),
        [
            "deploy hello 1.1.0 to dev",
            "canary hello 1.1.0 in dev: step 2/2 at 100%",
            "canary hello 1.1.0 in dev: step 1/2 at 50%",
        ]
    );
    let trailers =
        stage
            .repo
            .remote_git(&["log", "-1", "--skip=2", "--format=%(trailers)", "main"]);
    assert!(trailers.contains("Forge-Action: canary-step"), "{trailers}");
    assert!(trailers.contains("Forge-Canary-Weight: 50"), "{trailers}");
    assert!(
        !stage
            .repo
            .remote_git(&["ls-tree", "-r", "--name-only", "main", "apps/hello/dev"])
            .contains("stable/"),
        "the promotion leaves the new version alone"
    );
    assert_eq!(deployments(&stage), "hello=2 ");
}

#[test]
fn a_canary_with_errors_fails_its_analysis_and_the_env_returns_to_stable() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = canary_stage(&["--error-rate", "*:bad=0.2"]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let stable_image = stage.running_image("dev");
    let output = stage.forge(&[
        "deploy",
        "dev",
        "--version",
        "1.1.0",
        "--image",
        "web=ghcr.io/forge-demo/hello:bad",
    ]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("the analysis failed (error-rate"), "{err}");
    assert!(
        err.contains("> max 0.05"),
        "the failing measurement is shown: {err}"
    );
    assert_eq!(
        subjects(&stage, 2),
        [
            "abort the canary in dev: back to hello 1.0.0",
            "canary hello 1.1.0 in dev: step 1/2 at 50%",
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
    let stage = canary_stage(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    // Stop after the first step's commit, as a crashed run would.
    stage.forge_ok(&["deploy", "dev", "--version", "1.1.0", "--no-wait"]);
    let status = json(&stage.forge_ok(&["canary", "status", "dev", "--output", "json"]));
    assert_eq!(status["version"], "1.1.0");
    assert_eq!(status["canary"]["stableVersion"], "1.0.0");
    assert_eq!(status["canary"]["weight"], 50);

    let blocked = stage.forge(&["deploy", "dev", "--version", "1.2.0"]);
    assert_eq!(blocked.status.code(), Some(5), "{}", stderr(&blocked));
    assert!(stderr(&blocked).contains("a canary of hello 1.1.0 is in progress"));

    stage.forge_ok(&["canary", "resume", "dev"]);
    assert_eq!(stage.deployed_version("dev"), "1.1.0");
    assert_eq!(deployments(&stage), "hello=2 ");

    stage.forge_ok(&["deploy", "dev", "--version", "1.2.0", "--no-wait"]);
    let aborted = stage.forge_ok(&["canary", "abort", "dev"]);
    assert_eq!(crate::stdout(&aborted).trim(), "1.1.0");
    assert_eq!(stage.deployed_version("dev"), "1.1.0");
    let none = stage.forge(&["canary", "abort", "dev"]);
    assert_eq!(none.status.code(), Some(2), "{}", stderr(&none));

    stage.forge_ok(&["deploy", "dev", "--version", "1.3.0", "--no-wait"]);
    stage.forge_ok(&["canary", "promote", "dev"]);
    assert_eq!(stage.deployed_version("dev"), "1.3.0");
    assert_eq!(deployments(&stage), "hello=2 ");
}
