//! The sandbox judged by the real stack: the same scenario, on each, must make forge report
//! the same things (exit codes, the failure's reason, the audit trail, the env dir it leaves).
//! A difference is a bug in the sandbox (or in forge), never a tolerance.

use crate::{App, Run, Sandbox};

/// What forge reported through the scenario.
#[derive(Debug, PartialEq)]
struct Report {
    exits: Vec<Option<i32>>,
    /// The failed release's reason, as forge named it.
    failure: Option<&'static str>,
    /// `forge history dev`'s actions and versions, newest first.
    trail: Vec<(String, String)>,
    /// The files of dev's env dir in the env repo at the end.
    files: Vec<String>,
}

const REASONS: [&str; 3] = ["ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff"];

/// A good release, one that cannot start (failed fast and rolled back automatically), and a
/// promotion into an env whose Kustomization was never created (scenarios 1, 2 and 7).
fn scenario(app: &App) -> Report {
    let image = app.suite.image.clone();
    let bad = app.suite.bad_image.clone();
    let mut runs: Vec<Run> = vec![
        app.release("1.0.0", &image, &[]),
        app.release("1.1.0", &bad, &[]),
    ];
    app.kubectl(&[
        "delete",
        "kustomization",
        &format!("{}-staging", app.name),
        "-n",
        "flux-system",
    ]);
    runs.push(app.forge(&["promote", "staging", "--yes"]));
    let failure = REASONS
        .into_iter()
        .find(|reason| runs[1].stderr.contains(&format!("is {reason}")));
    let trail = app
        .history("dev")
        .iter()
        .map(|e| {
            let field = |name: &str| e[name].as_str().unwrap_or_default().to_string();
            (field("action"), field("version"))
        })
        .collect();
    let checkout = app.path().join("env-repo");
    let clone = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &app.suite.env_repo])
        .arg(&checkout)
        .status()
        .unwrap();
    assert!(clone.success());
    let files = walk(&checkout.join("apps").join(&app.name).join("dev"));
    Report {
        exits: runs.iter().map(|run| run.code).collect(),
        failure,
        trail,
        files,
    }
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            files.extend(
                walk(&entry.path())
                    .into_iter()
                    .map(|f| format!("{name}/{f}")),
            );
        } else {
            files.push(name);
        }
    }
    files.sort();
    files
}

#[test]
fn the_sandbox_and_the_real_stack_make_forge_report_the_same() {
    let real = scenario(&App::start());
    let sandbox = Sandbox::start();
    let stand_in = scenario(&App::start_on(sandbox.suite.clone()));
    assert_eq!(real.exits, [Some(0), Some(3), Some(3)], "{real:#?}");
    assert_eq!(real, stand_in);
}
