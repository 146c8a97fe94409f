//! A deploy whose GitOps object does not exist, or watches another path, fails fast (exit 3
//! naming what forge looked for) instead of waiting out its timeout; the commit is pushed
//! all the same, and the message says so.

use super::{App, Run};
use std::time::{Duration, Instant};

/// How soon forge must give up: Flux fetching the commit, plus a few seconds' grace for a
/// first release's object to be generated.
const FAST: Duration = Duration::from_secs(20);

/// Deploys `version` to dev, expecting exit 3 within [`FAST`] and the commit pushed.
fn deploy_fails_fast(app: &App, version: &str) -> Run {
    let started = Instant::now();
    let run = app
        .release(version, &app.suite.image, &[])
        .expect(3, &format!("deploy {version} with nothing to apply it"));
    let took = started.elapsed();
    assert!(
        took < FAST,
        "failed after {took:?}, not fast:\n{}",
        run.stderr
    );
    let history = app.history("dev");
    assert_eq!(history[0]["version"], version, "the release is pushed");
    let commit = history[0]["commit"].as_str().unwrap();
    assert!(
        run.stderr
            .contains(&format!("pushed {}; nothing applies it", &commit[..12])),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("Rolling back"),
        "nothing was applied, so nothing is rolled back:\n{}",
        run.stderr
    );
    run
}

/// The env's object: `(kind, namespace)` for the suite's engine.
fn object(app: &App) -> (&'static str, &'static str) {
    if app.suite.engine == "flux" {
        ("kustomization", "flux-system")
    } else {
        ("application", "argocd")
    }
}

#[test]
fn a_deploy_whose_kustomization_was_never_created_fails_fast() {
    let app = App::start();
    let (kind, namespace) = object(&app);
    let name = format!("{}-dev", app.name);
    app.kubectl(&["delete", kind, &name, "-n", namespace]);
    if app.suite.engine != "flux" {
        // Argo CD may generate a first release's Application from the new env dir (an
        // ApplicationSet): forge waits for that. Once the dir existed, missing is missing.
        app.forge(&["deploy", "dev", "--version", "0.9.0", "--no-wait"])
            .expect(0, "push a first release");
    }
    let run = deploy_fails_fast(&app, "1.0.0");
    let kind_name = if kind == "kustomization" {
        "Kustomization"
    } else {
        "Application"
    };
    assert!(
        run.stderr.contains(&format!(
            "error: {kind_name} {namespace}/{name} does not exist in context "
        )),
        "{}",
        run.stderr
    );
    if app.suite.engine == "flux" {
        assert!(
            run.stderr.contains(&format!(
                "hint: create it for {app}/dev: forge bootstrap dev --out - | kubectl apply -f - (or \
                 flux create kustomization {name} --namespace flux-system --source \
                 GitRepository/{app} --path ./apps/{app}/dev",
                app = app.name
            )),
            "{}",
            run.stderr
        );
    } else {
        assert!(run.stderr.contains("argocd app create"), "{}", run.stderr);
    }
}

#[test]
fn a_deploy_whose_kustomization_builds_another_path_fails_fast() {
    let app = App::start();
    let (kind, namespace) = object(&app);
    let name = format!("{}-dev", app.name);
    let (field, other, patch) = if app.suite.engine == "flux" {
        let other = format!("./apps/{}/staging", app.name);
        let patch = format!(r#"{{"spec":{{"path":"{other}"}}}}"#);
        ("spec.path", other, patch)
    } else {
        let other = format!("apps/{}/staging", app.name);
        let patch = format!(r#"{{"spec":{{"source":{{"path":"{other}"}}}}}}"#);
        ("spec.source.path", other, patch)
    };
    app.kubectl(&[
        "patch", kind, &name, "-n", namespace, "--type", "merge", "-p", &patch,
    ]);
    let run = deploy_fails_fast(&app, "1.0.0");
    let expected = if app.suite.engine == "flux" {
        format!("./apps/{}/dev", app.name)
    } else {
        format!("apps/{}/dev", app.name)
    };
    assert!(
        run.stderr
            .contains(&format!("has {field} {other}, not {expected}: pushed ")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint: point it at "), "{}", run.stderr);
}
