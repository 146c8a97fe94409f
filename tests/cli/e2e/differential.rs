//! The sandbox judged by the real stack: the same scenario, on each, must make forge report
//! the same things (exit codes, the failure's reason, the audit trail, the env dir it leaves).
//! A difference is a bug in the sandbox (or in forge), never a tolerance.

use super::canary::configure_analysis;
use super::traffic::Traffic;
use super::{App, Run, Sandbox, versioned_image};
use crate::prometheus::Prometheus;

/// What forge reported through the scenario.
#[derive(Debug, PartialEq)]
struct Report {
    exits: Vec<Option<i32>>,
    /// The failed release's reason, as forge named it.
    failure: Option<&'static str>,
    /// Per canary release, whether each analysis measurement passed.
    verdicts: Vec<Vec<bool>>,
    /// `forge history dev`'s actions and versions, newest first.
    trail: Vec<(String, String)>,
    /// The files of dev's env dir in the env repo at the end.
    files: Vec<String>,
}

const REASONS: [&str; 4] = [
    "is ImagePullBackOff",
    "is ErrImagePull",
    "is CrashLoopBackOff",
    "the analysis failed (error-rate",
];

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
    report(app, runs)
}

/// A canary whose first step is judged by a real Prometheus scraping `metrics` (the traffic
/// the pods serve): a healthy version promoted, then one failing a quarter of its requests
/// aborted (scenario 4).
fn canary_scenario(app: &App, metrics: u16) -> Report {
    let prometheus = Prometheus::start(&app.path().join("prometheus"), metrics);
    configure_analysis(app, &prometheus.url());
    let first = app.release("1.0.0", &versioned_image("1.0.0"), &[]);
    prometheus.wait_for(&format!(
        "sum(http_requests_total{{namespace=\"{}\",version=\"1.0.0\"}})",
        app.namespace("dev")
    ));
    let json = ["--output", "json"];
    let runs = vec![
        first,
        app.release("1.1.0", &versioned_image("1.1.0"), &json),
        app.release("1.2.0", &versioned_image("1.2.0"), &json),
    ];
    // What may differ by a sampling jitter, checked on each rather than compared.
    let value = |run: &Run, index: usize| -> Option<f64> {
        let report: serde_json::Value = serde_json::from_str(&run.stdout).ok()?;
        report["measurements"][index]["value"].as_f64()
    };
    assert_eq!(value(&runs[1], 0), Some(0.0), "{}", runs[1].stdout);
    let failing = value(&runs[2], 0).unwrap_or_default();
    assert!((0.15..0.35).contains(&failing), "{}", runs[2].stdout);
    app.assert_healthy_at("dev", "1.1.0");
    let deployments = app.kubectl(&[
        "get",
        "deployments",
        "-n",
        &app.namespace("dev"),
        "-o",
        "jsonpath={.items[*].metadata.name}",
    ]);
    assert_eq!(deployments, "web", "the aborted canary is gone");
    report(app, runs)
}

fn report(app: &App, runs: Vec<Run>) -> Report {
    let failure = runs
        .iter()
        .find_map(|run| REASONS.into_iter().find(|r| run.stderr.contains(r)));
    let verdicts = runs
        .iter()
        .filter_map(|run| serde_json::from_str::<serde_json::Value>(&run.stdout).ok())
        .filter_map(|report| {
            let measurements = report["measurements"].as_array()?;
            Some(measurements.iter().map(|m| m["passed"] == true).collect())
        })
        .collect();
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
        verdicts,
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
    let sandbox = Sandbox::start(&[]);
    let stand_in = scenario(&App::start_on(sandbox.suite.clone()));
    assert_eq!(real.exits, [Some(0), Some(3), Some(3)], "{real:#?}");
    assert_eq!(real, stand_in);
}

#[test]
fn a_canary_judged_by_prometheus_reports_the_same_on_the_sandbox_and_the_real_stack() {
    let app = App::start();
    let traffic = Traffic::start(
        app.suite.kubectl.clone(),
        app.suite.kubeconfig.clone(),
        app.namespace("dev"),
        (":1.2.0".into(), 0.25),
    );
    let real = canary_scenario(&app, traffic.port());
    let sandbox = Sandbox::start(&["--error-rate", "*:1.2.0=0.25"]);
    let stand_in = canary_scenario(&App::start_on(sandbox.suite.clone()), sandbox.port());
    assert_eq!(real.exits, [Some(0), Some(0), Some(3)], "{real:#?}");
    assert_eq!(real.verdicts, [vec![true, true], vec![false]], "{real:#?}");
    assert_eq!(real.failure, Some("the analysis failed (error-rate"));
    assert_eq!(real.trail[0].0, "canary-abort", "{real:#?}");
    assert_eq!(real, stand_in);
}
