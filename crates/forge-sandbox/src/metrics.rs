//! Simulated request traffic: every ready pod serves requests, a share of them failing when its
//! image matches an `--error-rate` pattern, counted per namespace, app, version and status code
//! and served as Prometheus text on `/metrics` (so a real Prometheus can scrape the sandbox).

use crate::glob::glob_matches;
use crate::image::split_reference;
use crate::promql;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Requests per second each ready pod serves.
pub const REQUESTS_PER_POD: f64 = 10.0;

/// namespace, app, version, code.
pub type Series = (String, String, String, u16);

#[derive(Debug, Default)]
pub struct Counters {
    pub requests: BTreeMap<Series, f64>,
    /// Samples of each counter, about one a second for the last 15 minutes (for rate()).
    samples: BTreeMap<Series, std::collections::VecDeque<(f64, f64)>>,
}

/// How long samples are kept, and how far apart they are taken.
const SAMPLE_WINDOW: f64 = 900.0;
const SAMPLE_EVERY: f64 = 1.0;

impl Counters {
    /// Adds `seconds` of traffic from every ready pod of `pods` (a terminating pod has left
    /// its Service's endpoints).
    pub(crate) fn record<'a>(
        &mut self,
        pods: impl IntoIterator<Item = &'a Value>,
        seconds: f64,
        error_rates: &[(String, f64)],
    ) {
        for pod in pods {
            let ready = pod
                .pointer("/status/conditions/0/status")
                .and_then(Value::as_str)
                == Some("True");
            if !ready || pod["metadata"].get("deletionTimestamp").is_some() {
                continue;
            }
            let labels = &pod["metadata"]["labels"];
            let label = |key: &str| labels.get(key).and_then(Value::as_str);
            let image = pod
                .pointer("/spec/containers/0/image")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let app = label("app.kubernetes.io/name")
                .or(label("app"))
                .unwrap_or("unknown")
                .to_string();
            let version = label("app.kubernetes.io/version")
                .map(str::to_string)
                .unwrap_or_else(|| split_reference(image).tag.unwrap_or_default());
            let namespace = pod["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let failing = error_rates
                .iter()
                .find(|(glob, _)| glob_matches(glob, image))
                .map_or(0.0, |(_, share)| *share);
            let total = REQUESTS_PER_POD * seconds;
            *self
                .requests
                .entry((namespace.clone(), app.clone(), version.clone(), 500))
                .or_default() += total * failing;
            *self
                .requests
                .entry((namespace, app, version, 200))
                .or_default() += total * (1.0 - failing);
        }
    }

    /// Remembers every counter's value at `now` (at most once per SAMPLE_EVERY).
    pub fn sample(&mut self, now: f64) {
        for (series, value) in &self.requests {
            let samples = self.samples.entry(series.clone()).or_default();
            if samples.back().is_some_and(|(t, _)| now - t < SAMPLE_EVERY) {
                continue;
            }
            samples.push_back((now, *value));
            while samples
                .front()
                .is_some_and(|(t, _)| now - t > SAMPLE_WINDOW)
            {
                samples.pop_front();
            }
        }
    }

    /// Answers a PromQL query over the sampled counters, in Prometheus's JSON shape.
    pub fn query(&mut self, text: &str, now: f64) -> Result<serde_json::Value, String> {
        let series = self
            .samples
            .iter_mut()
            .map(|((namespace, app, version, code), samples)| {
                let labels: promql::Labels = [
                    ("namespace", namespace.clone()),
                    ("app", app.clone()),
                    ("version", version.clone()),
                    ("code", code.to_string()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
                (labels, &samples.make_contiguous()[..])
            })
            .collect();
        promql::query(
            text,
            &promql::History {
                name: "http_requests_total",
                series,
            },
            now,
        )
    }

    /// Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut text = String::from(
            "# HELP http_requests_total Requests served by the sandbox's pods.\n# TYPE http_requests_total counter\n",
        );
        for ((namespace, app, version, code), value) in &self.requests {
            let _ = writeln!(
                text,
                "http_requests_total{{namespace=\"{namespace}\",app=\"{app}\",version=\"{version}\",code=\"{code}\"}} {:.3}",
                value
            );
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ready_pods_serve_and_bad_versions_fail_their_share() {
        let pods: Vec<_> = [
            ("web:1", "1", "True"),
            ("web:2", "2", "True"),
            ("web:2", "2", "False"),
        ]
        .into_iter()
        .map(|(image, version, ready)| {
            json!({
                "metadata": {"namespace": "demo", "labels": {"app.kubernetes.io/name": "web", "app.kubernetes.io/version": version}},
                "spec": {"containers": [{"image": image}]},
                "status": {"conditions": [{"type": "Ready", "status": ready}]},
            })
        })
        .collect();
        let mut counters = Counters::default();
        counters.record(&pods, 10.0, &[("web:2".into(), 0.2)]);
        let text = counters.render();
        // Fractional counts are kept (3 decimals), so rates over short windows stay exact.
        for (version, code, count) in [
            ("1", 200, "100.000"),
            ("1", 500, "0.000"),
            ("2", 500, "20.000"),
            ("2", 200, "80.000"),
        ] {
            let line = format!(
                r#"http_requests_total{{namespace="demo",app="web",version="{version}",code="{code}"}} {count}"#
            );
            assert!(
                text.lines().any(|l| l == line),
                "{line} missing from:\n{text}"
            );
        }
    }
}
