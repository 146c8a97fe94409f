//! Verdicts on the sandbox: an env whose GitOps source reads another branch than the env's
//! fails fast (exit 3) naming the field, on Flux and on Argo CD; a failure report reads the
//! failing pod's log in that pod's namespace, not the release's first workload's. The rules
//! themselves are unit-tested in `decide::binding` and `decide::workload` against saved
//! objects.

use crate::require_tool;
use crate::rollout::Stage;
use crate::stderr;

/// Deploys 1.0.0 to dev, points the env's GitOps object (`kind namespace/name`) elsewhere
/// with a merge `patch`, then deploys 1.1.0: exit 3, well before the 1m timeout, with the
/// message (returned) naming what is wrong.
fn repointed_then_refused(stage: &Stage, object: [&str; 3], patch: &str) -> String {
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let [kind, namespace, name] = object;
    let merge = ["--type", "merge", "-p", patch];
    stage
        .sandbox
        .kubectl_ok(&[&["patch", kind, name, "-n", namespace][..], &merge].concat());
    let started = std::time::Instant::now();
    let output = stage.forge(&["deploy", "dev", "--version", "1.1.0"]);
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
    let repository = ["gitrepository", "flux-system", "flux-system"];
    let err = repointed_then_refused(
        &stage,
        repository,
        r#"{"spec":{"ref":{"branch":"release"}}}"#,
    );
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
    let application = ["application", "argocd", "hello-dev"];
    let patch = r#"{"spec":{"source":{"targetRevision":"v1.0.0"}}}"#;
    let err = repointed_then_refused(&stage, application, patch);
    assert!(
        err.contains(
            "Application argocd/hello-dev in context forge-sandbox has \
             spec.source.targetRevision v1.0.0, not main"
        ),
        "{err}"
    );
    assert!(err.contains("fix envRepo.branch in forge.yaml"), "{err}");
}

/// A second Deployment, in a namespace of its own, whose image crash-loops in the sandbox.
const WORKER: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: zz-worker
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: worker
  template:
    metadata:
      labels:
        app.kubernetes.io/name: worker
    spec:
      containers:
        - name: worker
          image: ghcr.io/forge-demo/worker:bad
";

#[test]
fn a_failing_workloads_pod_log_is_read_in_its_own_namespace() {
    if !require_tool("kubectl") {
        return;
    }
    let stage = Stage::new(&["--no-bootstrap", "--bad-image", "*:bad"]);
    let base = stage.repo.env.path().join("sample/base");
    std::fs::write(base.join("worker.yaml"), WORKER).unwrap();
    let kustomization = base.join("kustomization.yaml");
    let text = std::fs::read_to_string(&kustomization).unwrap();
    std::fs::write(
        &kustomization,
        text.replace("  - service.yaml\n", "  - service.yaml\n  - worker.yaml\n"),
    )
    .unwrap();
    // No targetNamespace: each Deployment stays in its own namespace (hello in default).
    let path = stage.sandbox.dir.join("kustomization.yaml");
    std::fs::write(
        &path,
        "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: hello-dev
  namespace: flux-system
spec:
  interval: 1m
  path: ./apps/hello/dev
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
",
    )
    .unwrap();
    stage
        .sandbox
        .kubectl_ok(&["create", "-f", path.to_str().unwrap()]);
    let output = stage.forge(&["deploy", "dev", "--version", "1.0.0"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(
        err.contains("Deployment zz-worker/worker: pod worker-"),
        "{err}"
    );
    // The crashed container's own words: its log, read from zz-worker (the release's first
    // workload lives in default, where no such pod is).
    assert!(
        err.contains("image ghcr.io/forge-demo/worker:bad is marked bad in the sandbox"),
        "{err}"
    );
}
