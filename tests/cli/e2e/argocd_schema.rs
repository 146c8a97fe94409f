//! The Argo CD Applications forge writes (`forge bootstrap`'s, and the one `forge render`
//! puts in a Helm env's dir) judged by the real Application CRD: the apiserver serves Argo
//! CD's own CRD (`realstack/argocd-crd`, pinned) and `kubectl apply --dry-run=server
//! --validate=strict` checks each object against its openAPIV3Schema, unknown fields
//! included. Argo CD itself does not run here (PEERS.md); its schema is what this checks.

use super::{Run, Suite};
use std::path::Path;
use std::process::{Command, Stdio};

const CRD: &str = "applications.argoproj.io";

/// `kubectl ARGS` on the suite's cluster, with `stdin` as its input.
fn kubectl(suite: &Suite, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(&suite.kubectl)
        .args(args)
        .env("KUBECONFIG", &suite.kubeconfig)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes()).unwrap();
    Run::from(child.wait_with_output().unwrap())
}

/// The cluster serves the Application CRD (the pinned one, unless it already has its own)
/// and has the `argocd` namespace the Applications live in.
fn serve_the_crd(suite: &Suite) {
    if kubectl(suite, &["get", "crd", CRD], "").code != Some(0) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("realstack/argocd-crd");
        let output = Command::new(script).output().unwrap();
        let fetched = Run::from(output).expect(0, "realstack/argocd-crd");
        let crd = fetched.stdout.lines().last().unwrap().to_string();
        // Server-side: the CRD is too big for apply's last-applied annotation.
        kubectl(suite, &["apply", "--server-side", "-f", &crd], "").expect(0, "apply the CRD");
    }
    // Polled: `kubectl wait` fails on a CRD whose status has no conditions yet.
    let established = r#"jsonpath={.status.conditions[?(@.type=="Established")].status}"#;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while kubectl(suite, &["get", "crd", CRD, "-o", established], "").stdout != "True" {
        assert!(
            std::time::Instant::now() < deadline,
            "{CRD} never became Established"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    kubectl(
        suite,
        &["apply", "-f", "-"],
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n",
    )
    .expect(0, "namespace argocd");
}

/// Asks the apiserver to validate `objects` as if creating them; returns what it said.
fn dry_run(suite: &Suite, objects: &str) -> Run {
    kubectl(
        suite,
        &["apply", "--dry-run=server", "--validate=strict", "-f", "-"],
        objects,
    )
}

/// `forge ARGS` in `dir`, which must succeed; its stdout.
fn forge(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_forge"))
        .args(args)
        .current_dir(dir)
        .env("FORGE_CONFIG", dir.join("forge.yaml"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env_remove("FORGE_OUTPUT")
        .output()
        .unwrap();
    Run::from(output)
        .expect(0, &format!("forge {}", args.join(" ")))
        .stdout
}

#[test]
fn argo_cd_applications_forge_writes_pass_the_application_crd_schema() {
    let suite = Suite::from_env();
    serve_the_crd(&suite);
    let work = tempfile::Builder::new()
        .prefix("forge-e2e-argocd-")
        .tempdir()
        .unwrap();

    // A kustomize app on Argo CD: bootstrap's Application per env.
    let kustomize = work.path().join("kustomize");
    crate::copy_dir(&crate::fixture("sample/base"), &kustomize.join("base"));
    std::fs::write(
        kustomize.join("forge.yaml"),
        "app: hello\nsource:\n  kind: kustomize\n  path: base\nenvRepo:\n  url: \
         https://git.example.com/envs.git\nengine: argocd\nenvironments:\n  - name: dev\n  \
         - name: prod\n    promoteFrom: dev\n",
    )
    .unwrap();
    let bootstrapped = forge(&kustomize, &["bootstrap", "--out", "-"]);
    assert_eq!(
        bootstrapped.matches("kind: Application\n").count(),
        2,
        "{bootstrapped}"
    );
    let judged = dry_run(&suite, &bootstrapped).expect(0, "bootstrap's Applications");
    for name in ["hello-dev", "hello-prod"] {
        assert!(
            judged.stdout.contains(&format!(
                "application.argoproj.io/{name} created (server dry run)"
            )),
            "{}",
            judged.stdout
        );
    }

    // A Helm app on Argo CD: bootstrap's Application applies the env dir, whose own
    // Application (written by render and deploy) carries the chart's values.
    let helm = work.path().join("helm");
    crate::copy_dir(&crate::fixture("sample-helm"), &helm);
    let bootstrapped = forge(&helm, &["bootstrap", "prod", "--out", "-"]);
    dry_run(&suite, &bootstrapped).expect(0, "bootstrap's Application for a Helm env");
    forge(
        &helm,
        &["render", "prod", "--version", "1.0.0", "--out", "rendered"],
    );
    let rendered = std::fs::read_to_string(helm.join("rendered/application.yaml")).unwrap();
    let judged = dry_run(&suite, &rendered).expect(0, "render's Application");
    assert!(
        judged
            .stdout
            .contains("application.argoproj.io/shop-prod created (server dry run)"),
        "{}",
        judged.stdout
    );

    // The check is real: a misspelt field and a wrongly typed one are refused.
    let misspelt = rendered.replacen("  destination:", "  destinaton:", 1);
    let refused = dry_run(&suite, &misspelt);
    assert_ne!(refused.code, Some(0), "{}", refused.stdout);
    assert!(refused.stderr.contains("destinaton"), "{}", refused.stderr);
    let mistyped = rendered.replacen("prune: true", "prune: always", 1);
    let refused = dry_run(&suite, &mistyped);
    assert_ne!(refused.code, Some(0), "{}", refused.stdout);
    assert!(refused.stderr.contains("prune"), "{}", refused.stderr);
}
