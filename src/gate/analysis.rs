//! The analysis that judges a canary, as Flagger's and Argo Rollouts' analyses do: `count`
//! rounds, `interval` apart, each measuring every Prometheus metric (an instant query whose
//! value must lie within `min..=max`) and every HTTP check. The analysis fails once the failed
//! measurements exceed `failureLimit`. No data, NaN, an unreachable Prometheus or a broken
//! answer fail a measurement; nothing but a value within bounds passes one.
//!
//! The decisions ([`render_query`], [`parse_prometheus`], [`judge`], [`judge_http`],
//! [`verdict`]) are pure; [`run`] is the small HTTP adapter around them.

use crate::config::{Analysis, HttpCheck, Metric};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// How long one query or HTTP check may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The variables a metric query may use.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Vars {
    pub app: String,
    pub env: String,
    pub namespace: String,
    /// The version under analysis (the canary).
    pub version: String,
    /// The version it replaces; None when nothing stable is deployed.
    pub stable_version: Option<String>,
    /// Prometheus duration syntax, for range vectors: `30s`, `1m` (see [`prometheus_duration`]).
    pub interval: String,
}

const VARIABLES: &[&str] = &[
    "app",
    "env",
    "namespace",
    "version",
    "stable_version",
    "interval",
];

/// One measurement of one check in one round.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measurement {
    /// The metric's or HTTP check's name.
    pub check: String,
    /// 1-based round of the analysis.
    pub round: u32,
    /// The metric's value, or the HTTP status; None when there was none.
    pub value: Option<f64>,
    pub passed: bool,
    /// What was measured against what, or why nothing was: `error-rate = 0.2000 > max 0.05`.
    pub detail: String,
    /// RFC 3339, when it was taken.
    pub at: String,
}

impl Measurement {
    fn failed(check: &str, detail: String) -> Measurement {
        Measurement {
            check: check.to_string(),
            round: 0,
            value: None,
            passed: false,
            detail,
            at: String::new(),
        }
    }

    /// The same measurement, placed in `round` at `at` (the pure judges leave both empty).
    pub fn stamped(self, round: u32, at: String) -> Measurement {
        Measurement { round, at, ..self }
    }
}

/// Every measurement taken, and the verdict over them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub passed: bool,
    pub measurements: Vec<Measurement>,
}

#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum AnalysisError {
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    #[error(
        "unknown variable {names} in the query (known: app, env, namespace, version, stable_version, interval)"
    )]
    UnknownVariable { names: String },
    #[error("the query uses stable_version, but no stable version is deployed")]
    NoStableVersion,
    #[error("query template: {0}")]
    Template(String),
    #[error("no Prometheus URL (analysis.prometheus) to run the query against")]
    NoPrometheus,
    #[error("invalid URL {url}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} answered HTTP {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("Prometheus failed the query ({kind}): {message}")]
    Prometheus { kind: String, message: String },
    #[error("unexpected answer from Prometheus: {0}")]
    BadResponse(String),
    #[error("query returned {0} series; aggregate it to one")]
    SeveralSeries(usize),
}

/// A duration as Prometheus writes it, in the largest unit that divides it exactly: `1h`,
/// `5m`, `90s` (both Prometheus and the sandbox read these in range vectors).
pub fn prometheus_duration(duration: Duration) -> String {
    let secs = duration.as_secs().max(1);
    if secs.is_multiple_of(3600) {
        format!("{}h", secs / 3600)
    } else if secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

/// Renders a metric's query template. Undefined variables are errors that name them;
/// `stable_version` is undefined when there is no stable version.
pub fn render_query(template: &str, vars: &Vars) -> Result<String, AnalysisError> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    let mut context: BTreeMap<&'static str, String> = BTreeMap::from([
        ("app", vars.app.clone()),
        ("env", vars.env.clone()),
        ("namespace", vars.namespace.clone()),
        ("version", vars.version.clone()),
        ("interval", vars.interval.clone()),
    ]);
    if let Some(stable) = &vars.stable_version {
        context.insert("stable_version", stable.clone());
    }
    let compiled = env
        .template_from_str(template)
        .map_err(|e| AnalysisError::Template(describe_template_error(&e)))?;
    match compiled.render(minijinja::Value::from_pairs(context.clone())) {
        Ok(text) => Ok(text.trim().to_string()),
        Err(err) if err.kind() == minijinja::ErrorKind::UndefinedError => {
            let mut unknown: Vec<String> = compiled
                .undeclared_variables(false)
                .into_iter()
                .filter(|name| !context.contains_key(name.as_str()))
                .filter(|name| !env.globals().any(|(global, _)| global == name))
                .collect();
            unknown.sort();
            if unknown.iter().any(|name| name == "stable_version") {
                return Err(AnalysisError::NoStableVersion);
            }
            unknown.retain(|name| !VARIABLES.contains(&name.as_str()));
            if unknown.is_empty() {
                Err(AnalysisError::Template(describe_template_error(&err)))
            } else {
                Err(AnalysisError::UnknownVariable {
                    names: unknown.join(", "),
                })
            }
        }
        Err(err) => Err(AnalysisError::Template(describe_template_error(&err))),
    }
}

fn describe_template_error(err: &minijinja::Error) -> String {
    let line = err
        .line()
        .map(|l| format!("line {l}: "))
        .unwrap_or_default();
    let kind = err.kind().to_string();
    format!("{line}{}", err.detail().unwrap_or(&kind))
}

/// Prometheus's `/api/v1/query` answer.
#[derive(Deserialize)]
struct QueryAnswer {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum Data {
    Vector(Vec<Sample>),
    Scalar((f64, String)),
    Matrix(serde::de::IgnoredAny),
    String(serde::de::IgnoredAny),
}

#[derive(Deserialize)]
struct Sample {
    value: (f64, String),
}

/// The single value of an instant query's answer: None for an empty vector (no data), an
/// error for several series, a range vector, or Prometheus's own error.
pub fn parse_prometheus(body: &[u8]) -> Result<Option<f64>, AnalysisError> {
    let answer: QueryAnswer = serde_json::from_slice(body)
        .map_err(|e| AnalysisError::BadResponse(format!("{e} in {}", snippet(body))))?;
    if answer.status != "success" {
        return Err(AnalysisError::Prometheus {
            kind: answer.error_type.unwrap_or_else(|| answer.status.clone()),
            message: answer
                .error
                .unwrap_or_else(|| "no error message".to_string()),
        });
    }
    let value = match answer.data {
        Some(Data::Vector(samples)) => match samples.as_slice() {
            [] => return Ok(None),
            [sample] => sample.value.1.clone(),
            several => return Err(AnalysisError::SeveralSeries(several.len())),
        },
        Some(Data::Scalar((_, value))) => value,
        Some(Data::Matrix(_)) => {
            return Err(AnalysisError::BadResponse(
                "a range vector; write an instant query (e.g. wrap it in rate() or sum())".into(),
            ));
        }
        Some(Data::String(_)) => {
            return Err(AnalysisError::BadResponse("a string, not a number".into()));
        }
        None => return Err(AnalysisError::BadResponse("no data".into())),
    };
    parse_sample_value(&value)
        .map(Some)
        .ok_or_else(|| AnalysisError::BadResponse(format!("value {value:?} is not a number")))
}

/// Sample values are strings: numbers, `NaN`, `+Inf`, `-Inf`.
fn parse_sample_value(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => text.parse().ok(),
    }
}

fn snippet(body: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "an empty body".into();
    }
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

fn format_value(value: f64) -> String {
    let magnitude = value.abs();
    if value == 0.0 || (1e-4..1e9).contains(&magnitude) {
        format!("{value:.4}")
    } else {
        format!("{value:.4e}")
    }
}

/// Judges a metric's value against its bounds. No data, NaN and ±Inf fail; a value within
/// `min..=max` passes. Round and time are left for the caller ([`Measurement::stamped`]).
pub fn judge(metric: &Metric, value: Option<f64>) -> Measurement {
    let name = &metric.name;
    let Some(value) = value else {
        return Measurement::failed(
            name,
            format!("{name}: no data (the query returned nothing)"),
        );
    };
    let (passed, detail) = if value.is_nan() {
        (
            false,
            format!("{name} = NaN (not a number: a ratio over no requests?)"),
        )
    } else if value.is_infinite() {
        (false, format!("{name} = {value} (not a finite number)"))
    } else {
        let shown = format_value(value);
        match (metric.min, metric.max) {
            (Some(min), _) if value < min => (false, format!("{name} = {shown} < min {min}")),
            (_, Some(max)) if value > max => (false, format!("{name} = {shown} > max {max}")),
            (Some(min), Some(max)) => (
                true,
                format!("{name} = {shown} within min {min} and max {max}"),
            ),
            (Some(min), None) => (true, format!("{name} = {shown} >= min {min}")),
            (None, Some(max)) => (true, format!("{name} = {shown} <= max {max}")),
            (None, None) => (true, format!("{name} = {shown} (no bounds)")),
        }
    };
    Measurement {
        check: name.clone(),
        round: 0,
        value: Some(value),
        passed,
        detail,
        at: String::new(),
    }
}

/// Judges an HTTP check's answer: the status must match, and the body contain `body` when
/// the check names one.
pub fn judge_http(check: &HttpCheck, status: u16, body: &str) -> Measurement {
    let name = &check.name;
    let (passed, detail) = if status != check.status {
        (
            false,
            format!("{name}: HTTP {status}, want {}", check.status),
        )
    } else {
        match &check.body {
            Some(wanted) if !body.contains(wanted.as_str()) => (
                false,
                format!(
                    "{name}: HTTP {status}, but the body lacks {wanted:?} ({})",
                    snippet(body.as_bytes())
                ),
            ),
            Some(wanted) => (true, format!("{name}: HTTP {status}, body has {wanted:?}")),
            None => (true, format!("{name}: HTTP {status}")),
        }
    };
    Measurement {
        check: name.clone(),
        round: 0,
        value: Some(f64::from(status)),
        passed,
        detail,
        at: String::new(),
    }
}

/// How many measurements failed.
pub fn failures(measurements: &[Measurement]) -> u32 {
    measurements.iter().filter(|m| !m.passed).count() as u32
}

/// Whether the failed measurements exceed the limit: the analysis has failed, and may stop.
pub fn exceeded(measurements: &[Measurement], failure_limit: u32) -> bool {
    failures(measurements) > failure_limit
}

/// The analysis passes when something was measured and no more than `failure_limit`
/// measurements failed.
pub fn verdict(measurements: &[Measurement], failure_limit: u32) -> bool {
    !measurements.is_empty() && !exceeded(measurements, failure_limit)
}

/// Runs the analysis: `count` rounds, each after waiting `interval` and measuring
/// every metric and every HTTP check, reporting each measurement as it is taken. Stops after
/// the round in which the failures exceed `failureLimit`. Never panics on a broken peer: every
/// error becomes a failed measurement that says what went wrong.
pub async fn run(
    analysis: &Analysis,
    vars: &Vars,
    on_measurement: &dyn Fn(&Measurement),
) -> Report {
    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .map_err(|e| AnalysisError::Client(e.to_string()));
    let mut measurements = Vec::new();
    let mut record = |measurement: Measurement, round: u32| {
        let measurement =
            measurement.stamped(round, crate::time::rfc3339(crate::time::now_epoch()));
        on_measurement(&measurement);
        measurements.push(measurement);
        exceeded(&measurements, analysis.failure_limit)
    };
    for round in 1..=analysis.count.max(1) {
        // Every round measures a full interval of the new version's life (as Flagger does):
        // a query right after the rollout would find no data yet.
        tokio::time::sleep(analysis.interval.0).await;
        let mut failed = false;
        for metric in &analysis.metrics {
            let value = match &client {
                Ok(client) => {
                    measure_metric(client, analysis.prometheus.as_deref(), metric, vars).await
                }
                Err(err) => Err(err.clone()),
            };
            let measurement = match value {
                Ok(value) => judge(metric, value),
                Err(err) => Measurement::failed(&metric.name, format!("{}: {err}", metric.name)),
            };
            failed = record(measurement, round);
        }
        for check in &analysis.http {
            let answer = match &client {
                Ok(client) => fetch(client, &check.url).await,
                Err(err) => Err(err.clone()),
            };
            let measurement = match answer {
                Ok((status, body)) => judge_http(check, status, &String::from_utf8_lossy(&body)),
                Err(err) => Measurement::failed(&check.name, format!("{}: {err}", check.name)),
            };
            failed = record(measurement, round);
        }
        // The round is finished (every check reported) before the analysis gives up.
        if failed {
            break;
        }
    }
    Report {
        passed: verdict(&measurements, analysis.failure_limit),
        measurements,
    }
}

/// One instant query against `{prometheus}/api/v1/query`.
async fn measure_metric(
    client: &reqwest::Client,
    prometheus: Option<&str>,
    metric: &Metric,
    vars: &Vars,
) -> Result<Option<f64>, AnalysisError> {
    let query = render_query(&metric.query, vars)?;
    let base = prometheus.ok_or(AnalysisError::NoPrometheus)?;
    let endpoint = format!("{}/api/v1/query", base.trim_end_matches('/'));
    let mut url = reqwest::Url::parse(&endpoint).map_err(|e| AnalysisError::BadUrl {
        url: base.to_string(),
        reason: e.to_string(),
    })?;
    url.query_pairs_mut().append_pair("query", &query);
    let (status, body) = fetch(client, url.as_str()).await.map_err(|err| match err {
        // The query can be long; name the endpoint.
        AnalysisError::Unreachable { reason, .. } => AnalysisError::Unreachable {
            url: endpoint.clone(),
            reason,
        },
        other => other,
    })?;
    if !(200..300).contains(&status) {
        // Prometheus answers a bad query with 400 and its error in JSON.
        return Err(match parse_prometheus(&body) {
            Err(err @ AnalysisError::Prometheus { .. }) => err,
            _ => AnalysisError::Status {
                url: endpoint,
                status,
                body: snippet(&body),
            },
        });
    }
    parse_prometheus(&body)
}

/// GETs `url`: its status and body, or why there is none.
async fn fetch(client: &reqwest::Client, url: &str) -> Result<(u16, Vec<u8>), AnalysisError> {
    let unreachable = |err: reqwest::Error| AnalysisError::Unreachable {
        url: url.to_string(),
        reason: describe_request_error(&err),
    };
    let response = client.get(url).send().await.map_err(unreachable)?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(unreachable)?;
    Ok((status, body.to_vec()))
}

/// The cause of a failed request, without reqwest's wrapping (which repeats the URL).
fn describe_request_error(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return format!(
            "no answer within {}",
            crate::duration::Duration(REQUEST_TIMEOUT)
        );
    }
    let mut causes: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if causes.last() != Some(&text) {
            causes.push(text);
        }
        source = cause.source();
    }
    if causes.is_empty() {
        err.to_string()
    } else {
        causes.join(": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/fixtures/prometheus/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn vars(stable: Option<&str>) -> Vars {
        Vars {
            app: "hello".into(),
            env: "prod".into(),
            namespace: "hello-prod".into(),
            version: "1.1.0".into(),
            stable_version: stable.map(str::to_string),
            interval: "30s".into(),
        }
    }

    fn metric(min: Option<f64>, max: Option<f64>) -> Metric {
        Metric {
            name: "error-rate".into(),
            query: "unused".into(),
            min,
            max,
        }
    }

    fn http(status: u16, body: Option<&str>) -> HttpCheck {
        HttpCheck {
            name: "health".into(),
            url: "http://unused".into(),
            status,
            body: body.map(str::to_string),
        }
    }

    #[test]
    fn queries_render_every_variable_unescaped() {
        let query = render_query(
            "sum(rate(http_requests_total{namespace=\"{{ namespace }}\",app=\"{{ app }}\",env=\"{{ env }}\",version=~\"{{ version }}|{{ stable_version }}\",code=~\"5..\"}[{{ interval }}]))\n",
            &vars(Some("1.0.0")),
        )
        .unwrap();
        assert_eq!(
            query,
            r#"sum(rate(http_requests_total{namespace="hello-prod",app="hello",env="prod",version=~"1.1.0|1.0.0",code=~"5.."}[30s]))"#
        );
    }

    #[test]
    fn an_unknown_variable_is_an_error_naming_it() {
        let err = render_query("up{app=\"{{ app }}\",pod=\"{{ pod }}\"}", &vars(None)).unwrap_err();
        assert_eq!(
            err,
            AnalysisError::UnknownVariable {
                names: "pod".into()
            }
        );
        assert!(err.to_string().contains("unknown variable pod"), "{err}");
    }

    #[test]
    fn stable_version_without_a_stable_release_is_an_error() {
        let err = render_query("up{version=\"{{ stable_version }}\"}", &vars(None)).unwrap_err();
        assert_eq!(err, AnalysisError::NoStableVersion);
    }

    #[test]
    fn a_broken_template_is_an_error() {
        let err = render_query("up{app=\"{{ app \"}", &vars(None)).unwrap_err();
        assert!(matches!(err, AnalysisError::Template(_)), "{err:?}");
    }

    #[test]
    fn intervals_are_written_as_prometheus_durations() {
        for (secs, text) in [
            (30, "30s"),
            (60, "1m"),
            (90, "90s"),
            (300, "5m"),
            (7200, "2h"),
        ] {
            assert_eq!(prometheus_duration(Duration::from_secs(secs)), text);
        }
    }

    #[test]
    fn one_sample_in_a_vector_is_the_value() {
        assert_eq!(
            parse_prometheus(&fixture("vector-one.json")).unwrap(),
            Some(0.012345)
        );
    }

    #[test]
    fn an_empty_vector_is_no_data() {
        assert_eq!(
            parse_prometheus(&fixture("vector-empty.json")).unwrap(),
            None
        );
    }

    #[test]
    fn a_scalar_is_the_value() {
        assert_eq!(
            parse_prometheus(&fixture("scalar.json")).unwrap(),
            Some(1.0)
        );
    }

    #[test]
    fn nan_and_inf_parse_and_then_fail_the_judge() {
        let nan = parse_prometheus(&fixture("vector-nan.json")).unwrap();
        assert!(nan.is_some_and(f64::is_nan));
        let inf = parse_prometheus(&fixture("vector-inf.json")).unwrap();
        assert_eq!(inf, Some(f64::INFINITY));
        for value in [nan, inf, Some(f64::NEG_INFINITY)] {
            let measurement = judge(&metric(Some(0.0), Some(0.05)), value);
            assert!(!measurement.passed, "{measurement:?}");
            assert_eq!(measurement.round, 0);
        }
        let nan = judge(&metric(None, Some(0.05)), nan);
        assert!(nan.detail.starts_with("error-rate = NaN"), "{}", nan.detail);
    }

    #[test]
    fn a_prometheus_error_carries_its_message() {
        let err = parse_prometheus(&fixture("error.json")).unwrap_err();
        let AnalysisError::Prometheus { kind, message } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(kind, "bad_data");
        assert!(message.contains("parse error"), "{message}");
        assert!(err.to_string().contains("parse error"), "{err}");
    }

    #[test]
    fn several_series_must_be_aggregated() {
        let err = parse_prometheus(&fixture("vector-two-series.json")).unwrap_err();
        assert_eq!(err, AnalysisError::SeveralSeries(2));
        assert_eq!(
            err.to_string(),
            "query returned 2 series; aggregate it to one"
        );
    }

    #[test]
    fn a_range_vector_or_garbage_is_an_error() {
        let matrix = parse_prometheus(&fixture("matrix.json")).unwrap_err();
        assert!(matrix.to_string().contains("instant query"), "{matrix}");
        let html = parse_prometheus(b"<html><body>Grafana</body></html>").unwrap_err();
        assert!(matches!(html, AnalysisError::BadResponse(_)), "{html:?}");
        assert!(html.to_string().contains("Grafana"), "{html}");
        let empty = parse_prometheus(b"").unwrap_err();
        assert!(empty.to_string().contains("an empty body"), "{empty}");
        let word = parse_prometheus(
            br#"{"status":"success","data":{"resultType":"scalar","result":[1,"many"]}}"#,
        )
        .unwrap_err();
        assert!(word.to_string().contains("\"many\""), "{word}");
    }

    #[test]
    fn no_data_fails() {
        let measurement = judge(&metric(None, Some(0.05)), None);
        assert!(!measurement.passed);
        assert_eq!(measurement.value, None);
        assert!(
            measurement.detail.contains("no data"),
            "{}",
            measurement.detail
        );
    }

    #[test]
    fn values_are_judged_against_their_bounds() {
        let cases = [
            (
                metric(None, Some(0.05)),
                0.2,
                false,
                "error-rate = 0.2000 > max 0.05",
            ),
            (
                metric(None, Some(0.05)),
                0.05,
                true,
                "error-rate = 0.0500 <= max 0.05",
            ),
            (
                metric(None, Some(0.05)),
                0.0,
                true,
                "error-rate = 0.0000 <= max 0.05",
            ),
            (
                metric(Some(0.99), None),
                0.5,
                false,
                "error-rate = 0.5000 < min 0.99",
            ),
            (
                metric(Some(0.99), None),
                0.995,
                true,
                "error-rate = 0.9950 >= min 0.99",
            ),
            (
                metric(Some(1.0), Some(2.0)),
                1.5,
                true,
                "error-rate = 1.5000 within min 1 and max 2",
            ),
            (
                metric(Some(1.0), Some(2.0)),
                2.5,
                false,
                "error-rate = 2.5000 > max 2",
            ),
            (
                metric(Some(1.0), Some(2.0)),
                0.5,
                false,
                "error-rate = 0.5000 < min 1",
            ),
            (
                metric(None, Some(1e-6)),
                2e-5,
                false,
                "error-rate = 2.0000e-5 > max 0.000001",
            ),
        ];
        for (metric, value, passed, detail) in cases {
            let measurement = judge(&metric, Some(value));
            assert_eq!(
                (measurement.passed, measurement.detail.as_str()),
                (passed, detail)
            );
            assert_eq!(measurement.value, Some(value));
            assert_eq!(measurement.check, "error-rate");
        }
    }

    #[test]
    fn http_checks_want_the_status_and_the_body() {
        let ok = judge_http(&http(200, Some("ok")), 200, "status: ok\n");
        assert!(ok.passed, "{}", ok.detail);
        assert_eq!(ok.value, Some(200.0));
        let wrong_status = judge_http(&http(200, None), 503, "");
        assert!(!wrong_status.passed);
        assert_eq!(wrong_status.detail, "health: HTTP 503, want 200");
        let wrong_body = judge_http(&http(200, Some("ok")), 200, "degraded");
        assert!(!wrong_body.passed);
        assert!(
            wrong_body.detail.contains("lacks \"ok\""),
            "{}",
            wrong_body.detail
        );
        assert!(judge_http(&http(204, None), 204, "").passed);
    }

    fn measured(passed: &[bool]) -> Vec<Measurement> {
        passed
            .iter()
            .map(|passed| Measurement {
                check: "m".into(),
                round: 1,
                value: Some(0.0),
                passed: *passed,
                detail: String::new(),
                at: "2026-11-24T12:00:00Z".into(),
            })
            .collect()
    }

    #[test]
    fn the_analysis_fails_once_failures_exceed_the_limit() {
        assert!(verdict(&measured(&[true, true, true]), 0));
        assert!(!verdict(&measured(&[true, false, true]), 0));
        assert!(verdict(&measured(&[true, false, true]), 1));
        assert!(!verdict(&measured(&[false, false, true]), 1));
        assert!(!exceeded(&measured(&[false]), 1));
        assert!(exceeded(&measured(&[false, false]), 1));
        assert_eq!(failures(&measured(&[false, true, false])), 2);
        // Nothing measured is no evidence, so no pass.
        assert!(!verdict(&[], 3));
    }

    #[test]
    fn measurements_serialize_for_the_run_report() {
        let report = Report {
            passed: false,
            measurements: vec![
                judge(&metric(None, Some(0.05)), Some(0.2))
                    .stamped(2, "2026-11-24T12:00:00Z".into()),
                judge(&metric(None, Some(0.05)), None).stamped(3, "2026-11-24T12:00:30Z".into()),
            ],
        };
        assert_eq!(
            serde_json::to_value(&report).unwrap(),
            serde_json::json!({
                "passed": false,
                "measurements": [
                    {"check": "error-rate", "round": 2, "value": 0.2, "passed": false,
                     "detail": "error-rate = 0.2000 > max 0.05", "at": "2026-11-24T12:00:00Z"},
                    {"check": "error-rate", "round": 3, "value": null, "passed": false,
                     "detail": "error-rate: no data (the query returned nothing)",
                     "at": "2026-11-24T12:00:30Z"},
                ],
            })
        );
    }

    fn analysis(prometheus: Option<&str>, count: u32, failure_limit: u32) -> Analysis {
        Analysis {
            prometheus: prometheus.map(str::to_string),
            interval: crate::duration::Duration(Duration::from_millis(10)),
            count,
            failure_limit,
            metrics: vec![Metric {
                name: "error-rate".into(),
                query: "up{app=\"{{ app }}\"}".into(),
                min: None,
                max: Some(0.05),
            }],
            http: vec![],
        }
    }

    #[tokio::test]
    async fn an_unreachable_prometheus_fails_and_stops_the_analysis() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let seen = std::cell::RefCell::new(Vec::new());
        let report = run(
            &analysis(Some(&format!("http://127.0.0.1:{port}")), 3, 0),
            &vars(None),
            &|m| seen.borrow_mut().push(m.clone()),
        )
        .await;
        assert!(!report.passed);
        assert_eq!(report.measurements.len(), 1, "{report:?}");
        assert_eq!(seen.into_inner(), report.measurements);
        let first = &report.measurements[0];
        assert_eq!((first.round, first.value), (1, None));
        assert!(
            first.detail.starts_with(&format!(
                "error-rate: cannot reach http://127.0.0.1:{port}/api/v1/query: "
            )),
            "{}",
            first.detail
        );
        assert!(
            crate::time::parse_rfc3339(&first.at).is_some(),
            "{}",
            first.at
        );
    }

    #[tokio::test]
    async fn template_errors_and_a_missing_url_fail_each_round_within_the_limit() {
        let mut config = analysis(None, 2, 5);
        config.metrics.push(Metric {
            name: "latency".into(),
            query: "{{ nope }}".into(),
            min: None,
            max: Some(1.0),
        });
        let report = run(&config, &vars(None), &|_| {}).await;
        let rows: Vec<(u32, &str)> = report
            .measurements
            .iter()
            .map(|m| (m.round, m.detail.as_str()))
            .collect();
        let missing =
            "error-rate: no Prometheus URL (analysis.prometheus) to run the query against";
        let unknown = "latency: unknown variable nope in the query (known: app, env, namespace, version, stable_version, interval)";
        assert_eq!(
            rows,
            [(1, missing), (1, unknown), (2, missing), (2, unknown)]
        );
        assert!(report.passed, "4 failures are within a limit of 5");
    }
}
