//! Day-2 verbs through the real binary: `forge events` and `forge logs` against the sandbox,
//! `forge freeze`/`unfreeze` and the refusals they cause, `forge bundle list`.

use crate::deploy::EnvRepoFixture;
use crate::rollout::{Stage, json};
use crate::{fixture, stderr, stdout};
use serde_json::Value;

fn events_and_logs_name_the_envs_workloads(engine: &str) {
    let stage = Stage::new(&["--engine", engine]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);

    let events = json(&stage.forge_ok(&["events", "dev", "--output", "json"]));
    let events = events.as_array().unwrap();
    assert!(
        events.iter().any(|e| e["object"] == "deployment/hello"
            && e["reason"] == "ScalingReplicaSet"
            && e["namespace"] == "hello-dev"),
        "the Deployment's scaling event: {events:?}"
    );
    assert!(
        events
            .iter()
            .all(|e| e["namespace"] == "hello-dev" || e["namespace"] == "flux-system"),
        "only dev's objects: {events:?}"
    );
    let text = stdout(&stage.forge_ok(&["events", "dev", "--since", "1h"]));
    let mut lines = text.lines();
    assert!(
        lines.next().unwrap().starts_with("LAST SEEN"),
        "a header: {text}"
    );
    assert!(
        lines.any(|line| line.contains("ScalingReplicaSet") && line.contains("deployment/hello")),
        "{text}"
    );

    let logs = stdout(&stage.forge_ok(&["logs", "dev"]));
    let lines: Vec<&str> = logs.lines().collect();
    assert!(
        lines.iter().any(
            |line| line.starts_with("[pod/hello-") && line.contains("/web] listening on :8080")
        ),
        "each line names its pod and container: {logs}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.contains("] starting ghcr.io/")),
        "{logs}"
    );
    let tail = stdout(&stage.forge_ok(&["logs", "dev", "--tail", "1"]));
    assert!(
        tail.lines()
            .all(|line| line.ends_with("] listening on :8080")),
        "only each container's last line: {tail}"
    );
    assert!(!tail.is_empty());
    let json_logs = json(&stage.forge_ok(&["logs", "dev", "--output", "json"]));
    assert_eq!(json_logs[0]["namespace"], "hello-dev");
    assert_eq!(json_logs[0]["container"], "web");
    assert_eq!(json_logs[0]["lines"][1], "listening on :8080");

    // Nothing applies staging yet: forge cannot tell its workloads, and says what is missing.
    let missing = stage.forge(&["events", "staging"]);
    assert_eq!(missing.status.code(), Some(3), "{}", stderr(&missing));
    assert!(
        stderr(&missing).contains("hello-staging does not exist"),
        "{}",
        stderr(&missing)
    );
    assert!(
        stderr(&missing).contains("forge bootstrap staging"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn flux_events_and_logs_name_the_envs_workloads() {
    events_and_logs_name_the_envs_workloads("flux");
}

#[test]
fn argocd_events_and_logs_name_the_envs_workloads() {
    events_and_logs_name_the_envs_workloads("argocd");
}

/// The freeze record at the remote's tip for `env`.
fn freeze_record(repo: &EnvRepoFixture, env: &str) -> Value {
    let text = repo.remote_git(&["show", &format!("main:freezes/hello/{env}/freeze.json")]);
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_frozen_env_refuses_deploys_but_not_rollbacks_until_unfrozen() {
    let repo = EnvRepoFixture::new();
    for version in ["1.0.0", "1.1.0"] {
        let output = repo.deploy("sample", &["dev", "--version", version, "--no-wait"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }

    let frozen = repo.sample(&[
        "freeze",
        "dev",
        "--reason",
        "incident 42",
        "--output",
        "json",
    ]);
    assert_eq!(frozen.status.code(), Some(0), "{}", stderr(&frozen));
    let report = json(&frozen);
    assert_eq!(report["commit"], repo.remote_git(&["rev-parse", "main"]));
    assert_eq!(report["changed"], true);
    let record = freeze_record(&repo, "dev");
    assert_eq!(record["by"], "Dee Ployer <dee@example.com>");
    assert_eq!(record["reason"], "incident 42");
    assert_eq!(record["at"], "2023-11-14T22:13:20Z");
    let trailers = repo.remote_git(&["log", "-1", "--format=%(trailers)", "main"]);
    assert!(trailers.contains("Forge-Action: freeze"), "{trailers}");
    assert!(trailers.contains("Forge-Env: dev"), "{trailers}");
    // A freeze is no release: history lists the two deploys only.
    assert_eq!(repo.history("dev").as_array().unwrap().len(), 2);

    let refused = repo.sample(&["deploy", "dev", "--version", "1.2.0", "--no-wait"]);
    let err = stderr(&refused);
    assert_eq!(refused.status.code(), Some(3), "{err}");
    assert!(
        err.contains(
            "dev is frozen by Dee Ployer <dee@example.com> at 2023-11-14T22:13:20Z: incident 42"
        ),
        "{err}"
    );
    assert!(err.contains("forge unfreeze dev"), "{err}");
    assert_eq!(repo.history("dev")[0]["version"], "1.1.0", "nothing pushed");
    // Other envs are not frozen.
    let staging = repo.sample(&["deploy", "staging", "--version", "1.1.0", "--no-wait"]);
    assert_eq!(staging.status.code(), Some(0), "{}", stderr(&staging));

    // Status shows the freeze as what blocks dev, whether or not the cluster can be read.
    let rows = json(&repo.sample(&["status", "dev", "--output", "json"]));
    assert_eq!(rows[0]["blockedBy"]["gate"], "frozen", "{rows}");
    let text = stdout(&repo.sample(&["status", "dev"]));
    assert!(
        text.lines()
            .nth(1)
            .is_some_and(|row| row.contains("frozen: by Dee Ployer")),
        "{text}"
    );

    // Incidents need rollbacks: one goes through while frozen.
    let rollback = repo.sample(&["rollback", "dev", "--no-wait"]);
    assert_eq!(rollback.status.code(), Some(0), "{}", stderr(&rollback));
    assert_eq!(repo.history("dev")[0]["action"], "rollback");

    let again = repo.sample(&["freeze", "dev", "--reason", "another"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("already frozen"),
        "{}",
        stderr(&again)
    );
    assert_eq!(freeze_record(&repo, "dev")["reason"], "incident 42");

    let unfrozen = repo.sample(&["unfreeze", "dev"]);
    assert_eq!(unfrozen.status.code(), Some(0), "{}", stderr(&unfrozen));
    assert_eq!(
        stdout(&unfrozen).trim(),
        repo.remote_git(&["rev-parse", "main"])
    );
    let trailers = repo.remote_git(&["log", "-1", "--format=%(trailers)", "main"]);
    assert!(trailers.contains("Forge-Action: unfreeze"), "{trailers}");
    let files = repo.remote_git(&["ls-tree", "-r", "--name-only", "main"]);
    assert!(!files.contains("freezes/"), "{files}");
    let deployed = repo.sample(&["deploy", "dev", "--version", "1.2.0", "--no-wait"]);
    assert_eq!(deployed.status.code(), Some(0), "{}", stderr(&deployed));

    let blank = repo.sample(&["freeze", "dev", "--reason", "  "]);
    assert_eq!(blank.status.code(), Some(2), "{}", stderr(&blank));
}

#[test]
fn promoting_into_a_frozen_env_is_refused() {
    let stage = Stage::new(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    stage.forge_ok(&["freeze", "staging", "--reason", "load test"]);
    let before = stage.head();
    let output = stage.forge(&["promote", "staging", "--yes"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(
        err.contains("staging is frozen by Dee Ployer <dee@example.com>"),
        "{err}"
    );
    assert!(err.contains("load test"), "{err}");
    assert_eq!(stage.head(), before, "nothing pushed");
}

#[test]
fn bundle_list_shows_each_bundle_its_signer_and_where_it_runs() {
    let repo = EnvRepoFixture::new();
    let env = &repo.env;
    let app = env.path().join("sample");
    let signed = env.build_bundle(&app, "sample/dist", &["--version", "1.0.0"]);
    let unsigned = env.build_bundle(&app, "sample/dist", &["--version", "1.1.0"]);
    let sign = repo
        .forge()
        .env("FORGE_KEY_PASSWORD", "forge-sample")
        .args(["bundle", "sign"])
        .arg(&signed)
        .arg("--key")
        .arg(fixture("keys/sample.key"))
        .output()
        .unwrap();
    assert_eq!(sign.status.code(), Some(0), "{}", stderr(&sign));
    let deploy = repo
        .forge_sample(&["deploy", "dev", "--no-wait", "--bundle"])
        .arg(&signed)
        .output()
        .unwrap();
    assert_eq!(deploy.status.code(), Some(0), "{}", stderr(&deploy));

    let list = repo.sample(&["bundle", "list", "--output", "json"]);
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    let bundles = json(&list);
    let bundles = bundles.as_array().unwrap();
    assert_eq!(bundles.len(), 2, "{bundles:?}");
    let (first, second) = (&bundles[0], &bundles[1]);
    assert_eq!(first["version"], "1.0.0");
    assert_eq!(first["signature"], "verified");
    assert!(first["signer"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(first["envs"], serde_json::json!(["dev"]));
    assert_eq!(
        first["paths"].as_array().unwrap().len(),
        2,
        "dist/ and the cache hold the same bundle: {first}"
    );
    assert_eq!(second["version"], "1.1.0");
    assert_eq!(second["signature"], "unsigned");
    assert_eq!(second["envs"], serde_json::json!([]));

    // A signature that is not the bundle's does not verify.
    let signature = |bundle: &std::path::Path| {
        let mut name = bundle.as_os_str().to_owned();
        name.push(".sigstore.json");
        std::path::PathBuf::from(name)
    };
    std::fs::copy(signature(&signed), signature(&unsigned)).unwrap();
    let text = stdout(&repo.sample(&["bundle", "list"]));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("APP"), "{text}");
    assert!(
        lines[1].contains("1.0.0") && lines[1].contains("key ") && lines[1].contains("dev"),
        "{text}"
    );
    assert!(
        lines[2].contains("1.1.0") && lines[2].contains("unverified"),
        "{text}"
    );
}

#[test]
fn a_frozen_env_refuses_canary_steps_but_lets_a_canary_be_aborted() {
    let stage = Stage::new(&[]);
    stage.configure(|text| {
        text.replace(
            "  - name: dev\n",
            "  - name: dev\n    strategy:\n      type: canary\n      steps:\n        - weight: 50\n          pause: 1h\n        - weight: 100\n",
        )
    });
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    // Stop after the first step's commit: the canary waits at 50%.
    stage.forge_ok(&["deploy", "dev", "--version", "1.1.0", "--no-wait"]);
    stage.forge_ok(&["freeze", "dev", "--reason", "incident 7"]);
    let head = stage.head();
    for verb in ["resume", "promote"] {
        let refused = stage.forge(&["--yes", "canary", verb, "dev"]);
        let err = stderr(&refused);
        assert_eq!(refused.status.code(), Some(3), "{verb}: {err}");
        assert!(err.contains("dev is frozen by Dee Ployer"), "{err}");
    }
    assert_eq!(stage.head(), head, "no step was committed");
    let aborted = stage.forge_ok(&["--yes", "canary", "abort", "dev"]);
    assert_eq!(stdout(&aborted).trim(), "1.0.0");
    assert_eq!(stage.deployed_version("dev"), "1.0.0");
}
