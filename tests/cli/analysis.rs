//! The canary analysis (`forge::gate::analysis`) against real peers: the sandbox's own
//! `/api/v1/query` over the traffic its pods serve (a version with injected errors fails, a
//! healthy one passes), an unreachable Prometheus, and a real Prometheus scraping the sandbox.

use crate::prometheus::Prometheus;
use crate::sandbox::{RunningSandbox, rollout_status};
use crate::{TestEnv, free_port, require_tool};
use forge::config::{Analysis, HttpCheck, Metric};
use forge::gate::analysis::{Measurement, Report, Vars, run};
use std::cell::RefCell;
use std::time::{Duration, Instant};

/// web's Deployment in `default` for one track (stable or canary), running `version`.
fn deployment(track: &str, version: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{track}
  labels: {{app: web}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web, track: {track}}}}}
  template:
    metadata: {{labels: {{app: web, track: {track}}}}}
    spec:
      containers: [{{name: web, image: 'ghcr.io/acme/web:{version}'}}]
"
    )
}

/// 1.1.0, the canary, fails a fifth of its requests.
const ERROR_RATE: &str = "ghcr.io/acme/web:1.1.0=0.2";

const ERROR_RATE_QUERY: &str = r#"
sum(rate(http_requests_total{namespace="{{ namespace }}",app="{{ app }}",version="{{ version }}",code=~"5.."}[{{ interval }}]))
/ sum(rate(http_requests_total{namespace="{{ namespace }}",app="{{ app }}",version="{{ version }}"}[{{ interval }}]))
"#;

fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// The sandbox serving traffic from two versions of one app, 1.0.0 stable and 1.1.0 canary,
/// rolled out in `default`.
fn with_both_versions(env: &TestEnv) -> RunningSandbox {
    let sandbox = RunningSandbox::start_with(env, &["--error-rate", ERROR_RATE]);
    let stable = deployment("stable", "1.0.0");
    sandbox.apply(&format!("{stable}---\n{}", deployment("canary", "1.1.0")));
    for name in ["web-stable", "web-canary"] {
        sandbox.kubectl_ok(&rollout_status(&format!("deployment/{name}"), "default"));
    }
    sandbox
}

fn vars(version: &str) -> Vars {
    Vars {
        app: "web".into(),
        env: "dev".into(),
        namespace: "default".into(),
        version: version.into(),
        stable_version: Some("1.0.0".into()),
        // The rate window; wide enough for two scrapes a second apart.
        interval: "10s".into(),
    }
}

fn error_rate(prometheus: &str, count: u32, failure_limit: u32) -> Analysis {
    Analysis {
        prometheus: Some(prometheus.to_string()),
        interval: forge::duration::Duration(Duration::from_secs(1)),
        count,
        failure_limit,
        metrics: vec![Metric {
            name: "error-rate".into(),
            query: ERROR_RATE_QUERY.into(),
            min: None,
            max: Some(0.05),
        }],
        http: vec![],
    }
}

/// Runs `analysis`, returning its report and every measurement as it was reported.
fn analyse(analysis: &Analysis, vars: &Vars) -> (Report, Vec<Measurement>) {
    let seen = RefCell::new(Vec::new());
    let report = block_on(run(analysis, vars, &|m| seen.borrow_mut().push(m.clone())));
    (report, seen.into_inner())
}

/// Measures once until the query has a finite value for `version` (rates need two samples).
fn wait_for_data(prometheus: &str, version: &str) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let (report, _) = analyse(&error_rate(prometheus, 1, 0), &vars(version));
        let measurement = &report.measurements[0];
        if let Some(value) = measurement.value.filter(|v| v.is_finite()) {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "{prometheus} never had data for {version}: {}",
            measurement.detail
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn rounds(report: &Report) -> Vec<(u32, &str, bool)> {
    report
        .measurements
        .iter()
        .map(|m| (m.round, m.check.as_str(), m.passed))
        .collect()
}

#[test]
fn the_sandbox_query_api_passes_a_healthy_version_and_fails_one_with_errors() {
    if !require_tool("kubectl") {
        return;
    }
    let env = TestEnv::new();
    let sandbox = with_both_versions(&env);
    let url = format!("http://127.0.0.1:{}", sandbox.port());
    wait_for_data(&url, "1.0.0");
    wait_for_data(&url, "1.1.0");

    // Healthy: every round measures the metric and the HTTP check, one interval apart.
    let mut healthy = error_rate(&url, 2, 0);
    healthy.http.push(HttpCheck {
        name: "version".into(),
        url: format!("{url}/version"),
        status: 200,
        body: Some("forge-sandbox".into()),
    });
    let started = Instant::now();
    let (report, seen) = analyse(&healthy, &vars("1.0.0"));
    assert!(report.passed, "{report:#?}");
    assert_eq!(
        rounds(&report),
        [
            (1, "error-rate", true),
            (1, "version", true),
            (2, "error-rate", true),
            (2, "version", true),
        ]
    );
    assert_eq!(seen, report.measurements, "every measurement is reported");
    assert!(started.elapsed() >= Duration::from_secs(1), "rounds wait");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no wait after the last round"
    );
    let first = &report.measurements[0];
    assert_eq!(first.value, Some(0.0), "{}", first.detail);
    assert_eq!(first.detail, "error-rate = 0.0000 <= max 0.05");
    assert_eq!(report.measurements[1].value, Some(200.0));

    // A fifth failing: the first round fails it, and with no failures tolerated it stops.
    let (report, seen) = analyse(&error_rate(&url, 3, 0), &vars("1.1.0"));
    assert!(!report.passed, "{report:#?}");
    assert_eq!(rounds(&report), [(1, "error-rate", false)]);
    assert_eq!(seen, report.measurements);
    let measured = report.measurements[0].value.unwrap();
    assert!((measured - 0.2).abs() < 0.01, "{measured}");
    assert_eq!(
        report.measurements[0].detail,
        "error-rate = 0.2000 > max 0.05"
    );
    // Tolerating two failures, all three rounds run and the analysis still fails.
    let (report, _) = analyse(&error_rate(&url, 3, 2), &vars("1.1.0"));
    assert!(!report.passed);
    assert_eq!(report.measurements.len(), 3);

    // A broken query is a failed measurement carrying the query API's error.
    let mut broken = error_rate(&url, 1, 0);
    broken.metrics[0].query = "sum(rate(http_requests_total{app=\"{{ app }}\"".into();
    let (report, _) = analyse(&broken, &vars("1.0.0"));
    assert!(!report.passed);
    let detail = &report.measurements[0].detail;
    assert!(
        detail.starts_with("error-rate: Prometheus failed the query (bad_data): "),
        "{detail}"
    );

    // A version nobody runs has no data, which fails.
    let (report, _) = analyse(&error_rate(&url, 1, 0), &vars("9.9.9"));
    assert!(!report.passed);
    assert_eq!(report.measurements[0].value, None);

    // The report is JSON for the run report.
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["passed"], false);
    assert_eq!(json["measurements"][0]["check"], "error-rate");
}

#[test]
fn an_unreachable_prometheus_or_endpoint_fails_the_analysis() {
    let closed = format!("http://127.0.0.1:{}", free_port());
    let mut analysis = error_rate(&closed, 2, 1);
    analysis.http.push(HttpCheck {
        name: "health".into(),
        url: format!("{closed}/healthz"),
        status: 200,
        body: None,
    });
    let (report, seen) = analyse(&analysis, &vars("1.0.0"));
    assert!(!report.passed);
    // Two failures in round 1 exceed the limit of 1: round 2 never runs.
    assert_eq!(
        rounds(&report),
        [(1, "error-rate", false), (1, "health", false)]
    );
    assert_eq!(seen, report.measurements);
    for measurement in &report.measurements {
        assert_eq!(measurement.value, None);
        assert!(
            measurement
                .detail
                .contains(&format!("cannot reach {closed}/")),
            "{}",
            measurement.detail
        );
    }
}

#[test]
fn a_real_prometheus_scraping_the_sandbox_passes_the_healthy_version() {
    if !require_tool("kubectl") || !require_tool("prometheus") {
        return;
    }
    let env = TestEnv::new();
    let sandbox = with_both_versions(&env);
    let prometheus = Prometheus::start(&env.path().join("prometheus"), sandbox.port());
    let url = prometheus.url();
    wait_for_data(&url, "1.0.0");

    let (report, _) = analyse(&error_rate(&url, 2, 0), &vars("1.0.0"));
    assert!(report.passed, "{report:#?}");
    assert_eq!(
        rounds(&report),
        [(1, "error-rate", true), (2, "error-rate", true)]
    );
    assert_eq!(report.measurements[0].value, Some(0.0));

    // The same query over Prometheus's own storage sees the canary's fifth failing.
    wait_for_data(&url, "1.1.0");
    let (report, _) = analyse(&error_rate(&url, 1, 0), &vars("1.1.0"));
    assert!(!report.passed, "{report:#?}");
    let measured = report.measurements[0].value.unwrap();
    assert!((measured - 0.2).abs() < 0.02, "{measured}");
    assert!(
        report.measurements[0].detail.ends_with("> max 0.05"),
        "{}",
        report.measurements[0].detail
    );

    // Prometheus's own error for a broken query reaches the detail.
    let mut broken = error_rate(&url, 1, 0);
    broken.metrics[0].query = "sum(rate(http_requests_total{app=\"{{ app }}\"".into();
    let (report, _) = analyse(&broken, &vars("1.0.0"));
    let detail = &report.measurements[0].detail;
    assert!(
        detail.starts_with("error-rate: Prometheus failed the query (bad_data): "),
        "{detail}"
    );
}
