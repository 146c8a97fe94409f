//! `forge demo`, the README's first command: the whole flow with nothing but forge and git.

use crate::{TestEnv, git, stderr, stdout};
use std::path::PathBuf;

fn demo(env: &TestEnv, args: &[&str]) -> (std::process::Output, PathBuf) {
    let output = env.forge().arg("demo").args(args).output().unwrap();
    let workspace = PathBuf::from(stdout(&output).trim());
    (output, workspace)
}

#[test]
fn the_demo_ships_promotes_runs_canaries_breaks_and_rolls_back() {
    let env = TestEnv::new();
    let (output, workspace) = demo(&env, &["--keep"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    for step in [
        "$ forge deploy dev --bundle dist/hello-1.0.0.forge.tar.zst",
        "$ forge promote prod --yes",
        "Healthy 1.0.0 in prod",
        "Measured error-rate #2: error-rate = 0.0000 <= max 0.05",
        "Failed error-rate #1: error-rate = 0.2000 > max 0.05",
        "Aborted prod runs 1.1.0 alone again",
        "CrashLoopBackOff",
        "rolled back to 1.2.0",
        "Finished the demo",
        "The workspace is kept in",
    ] {
        assert!(err.contains(step), "{step} in:\n{err}");
    }
    // The broken release's unpinned image is found by its build and its render: said once.
    assert_eq!(
        err.matches("is not pinned by digest (ghcr.io/forge-demo/hello:broken)")
            .count(),
        1,
        "{err}"
    );
    let envs = workspace.join("envs.git");
    let subjects = git(&envs, &["log", "--format=%s", "main"]);
    assert_eq!(
        subjects.lines().take(10).collect::<Vec<_>>(),
        [
            "roll back hello in dev to 1.2.0",
            "deploy hello 1.3.0 to dev",
            "abort the canary in prod: back to hello 1.1.0",
            "canary hello 1.2.0 in prod: step 1/2 at 34%",
            "promote hello 1.2.0 to staging",
            "deploy hello 1.2.0 to dev",
            "promote hello 1.1.0 to prod",
            "hand hello 1.1.0 over to the main names in prod",
            "canary hello 1.1.0 in prod: step 2/2 at 100%",
            "canary hello 1.1.0 in prod: step 1/2 at 34%",
        ]
    );
    let prod = git(&envs, &["show", "main:apps/hello/prod/release.json"]);
    assert!(
        prod.contains("\"signer\""),
        "prod's release was signature-checked: {prod}"
    );
    follow_the_keep_hints(&env, &err, &workspace);
    std::fs::remove_dir_all(&workspace).unwrap();
}

/// `bash -c SCRIPT` as a user's shell would run it: forge and kubectl on PATH, a home of its
/// own, nothing else of the test's environment.
fn shell(env: &TestEnv, script: &str) -> std::process::Command {
    let forge_dir = std::path::Path::new(env!("CARGO_BIN_EXE_forge"))
        .parent()
        .unwrap();
    let mut command = std::process::Command::new("bash");
    command
        .args(["-c", script])
        .env_clear()
        .env(
            "PATH",
            format!("{}:{}", forge_dir.display(), std::env::var("PATH").unwrap()),
        )
        .env("HOME", env.path().join("home"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .current_dir(env.path());
    command
}

/// Runs what `--keep` printed, as printed: the sandbox line in the background (one terminal),
/// then the rest as one script (another), which must find the demo's releases.
fn follow_the_keep_hints(env: &TestEnv, err: &str, workspace: &std::path::Path) {
    if !crate::require_tool("kubectl") {
        return;
    }
    let hints: Vec<&str> = err
        .lines()
        .skip_while(|line| !line.starts_with("The workspace is kept in"))
        .collect();
    let hint = |line: &str| line.strip_prefix("  ").map(str::to_string);
    let sandbox_line = hints
        .iter()
        .position(|line| line.starts_with("In one terminal"))
        .and_then(|at| hint(hints[at + 1]))
        .unwrap_or_else(|| panic!("no sandbox line in:\n{err}"));
    assert!(
        sandbox_line.contains("forge sandbox up --port "),
        "{sandbox_line}"
    );
    let rest: Vec<String> = hints
        .iter()
        .skip_while(|line| !line.starts_with("In another"))
        .skip(1)
        .map_while(|line| hint(line))
        .collect();
    assert!(rest.len() >= 4, "{err}");
    // `exec`, so that stopping the shell stops the sandbox (which removes its state dir).
    let mut sandbox = shell(env, &sandbox_line.replacen("&& forge", "&& exec forge", 1))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let kubeconfig = workspace.join(".forge-sandbox/kubeconfig");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !kubeconfig.is_file() {
        assert!(
            std::time::Instant::now() < deadline,
            "the sandbox did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let output = shell(env, &format!("set -e\n{}", rest.join("\n")))
        .output()
        .unwrap();
    let said = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}\n{said}", stderr(&output));
    let row = |name: &str| {
        said.lines()
            .find(|line| line.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} row in:\n{said}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(row("dev")[1], "1.2.0", "{said}");
    assert_eq!(row("staging")[1], "1.2.0", "{said}");
    let prod = row("prod");
    assert_eq!((prod[1], prod[4]), ("1.1.0", "Healthy"), "{said}");
    assert!(said.contains("rollback"), "forge history dev: {said}");
    assert!(
        said.contains("deployment.apps/hello"),
        "kubectl get: {said}"
    );
    assert!(
        said.contains("roll back hello in dev to 1.2.0"),
        "git log: {said}"
    );
    let stopped = std::process::Command::new("kill")
        .arg(sandbox.id().to_string())
        .status()
        .unwrap();
    assert!(stopped.success());
    sandbox.wait().unwrap();
    assert!(
        !workspace.join(".forge-sandbox").exists(),
        "the sandbox removes the state dir it made"
    );
}

#[test]
fn the_demo_runs_on_argo_cd_and_cleans_up() {
    let env = TestEnv::new();
    let (output, workspace) = demo(&env, &["--engine", "argocd"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(err.contains("Application argocd/hello-dev"), "{err}");
    assert!(err.contains("rolled back to 1.2.0"), "{err}");
    assert!(
        !workspace.exists(),
        "without --keep the workspace is removed"
    );
}

/// `forge demo -q` tells the story in its headlines only: no commands, no progress, no
/// expected failures' errors.
#[test]
fn a_quiet_demo_prints_only_its_headlines() {
    let env = TestEnv::new();
    let (output, _) = demo(&env, &["-q"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.len() <= 20, "{} lines:\n{err}", lines.len());
    assert!(lines.contains(&"where every environment stands"), "{err}");
    for noise in ["$ forge", "error:", "warning:", "Pushed"] {
        assert!(!err.contains(noise), "{noise} in:\n{err}");
    }
}
