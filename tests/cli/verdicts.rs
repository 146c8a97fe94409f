//! Verdicts on the sandbox: an env whose GitOps source reads another branch than the env's
//! fails fast (exit 3) naming the field, on Flux and on Argo CD. The rules themselves are
//! unit-tested in `decide::binding` and `decide::workload` against saved objects.

use crate::require_tool;
use crate::rollout::Stage;
use crate::stderr;

/// Deploys `version` to dev after the env's source was pointed elsewhere: exit 3, well
/// before the 1m timeout, with the message (returned) naming what is wrong.
fn refused_fast(stage: &Stage, version: &str) -> String {
    let started = std::time::Instant::now();
    let output = stage.forge(&["deploy", "dev", "--version", version]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "failed fast: {:?}\n{err}",
        started.elapsed()
    );
    err
}

#[test]
fn a_git_repository_of_another_branch_fails_fast() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    stage.sandbox.kubectl_ok(&[
        "patch",
        "gitrepository",
        "flux-system",
        "-n",
        "flux-system",
        "--type",
        "merge",
        "-p",
        r#"{"spec":{"ref":{"branch":"release"}}}"#,
    ]);
    let err = refused_fast(&stage, "1.1.0");
    assert!(
        err.contains(
            "GitRepository flux-system/flux-system in context forge-sandbox has \
             spec.ref.branch release, not main"
        ),
        "{err}"
    );
    assert!(
        err.contains(r#""ref":{"branch":"main","name":null,"tag":null"#),
        "{err}"
    );
}

#[test]
fn an_application_of_another_target_revision_fails_fast() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&["--engine", "argocd"]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    stage.sandbox.kubectl_ok(&[
        "patch",
        "application",
        "hello-dev",
        "-n",
        "argocd",
        "--type",
        "merge",
        "-p",
        r#"{"spec":{"source":{"targetRevision":"v1.0.0"}}}"#,
    ]);
    let err = refused_fast(&stage, "1.1.0");
    assert!(
        err.contains(
            "Application argocd/hello-dev in context forge-sandbox has \
             spec.source.targetRevision v1.0.0, not main"
        ),
        "{err}"
    );
    assert!(err.contains("fix envRepo.branch in forge.yaml"), "{err}");
}
