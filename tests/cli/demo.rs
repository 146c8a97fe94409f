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
    std::fs::remove_dir_all(&workspace).unwrap();
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
