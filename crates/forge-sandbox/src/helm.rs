//! The sandbox's helm-controller: a HelmRelease whose chart ships in the env repo is rendered
//! with the real `helm template` (when installed) and applied; status records chart-version
//! revisions, the values digest and a release history, as Flux's helm-controller v2 does. Charts
//! from Helm repositories and clusters without helm get a clear failure condition instead.
//! Argo CD's Helm sources are rendered with the same [`render`].

use crate::apply::apply;
use crate::kustomize::Files;
use crate::store::{Key, Part, Store};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

const RESOURCE: &str = "helmreleases.helm.toolkit.fluxcd.io";

/// A HelmRelease that needs rendering: its key, the chart path in the env repo, the values.
pub(crate) struct Pending {
    pub(crate) key: Key,
    pub(crate) release_name: String,
    pub(crate) namespace: String,
    pub(crate) chart_path: Option<String>,
    pub(crate) values: Value,
    pub(crate) generation: Value,
    pub(crate) requested_at: Value,
}

/// HelmReleases whose generation, source revision or reconcile request is not handled yet.
pub(crate) fn pending(store: &Store, source_revision: &str) -> Vec<Pending> {
    store
        .list(RESOURCE, None)
        .into_iter()
        .filter(|release| {
            let status = &release["status"];
            let requested = release
                .pointer("/metadata/annotations/reconcile.fluxcd.io~1requestedAt")
                .cloned()
                .unwrap_or(Value::Null);
            status["observedGeneration"] != release["metadata"]["generation"]
                || status["lastAttemptedSourceRevision"] != source_revision
                || status["lastHandledReconcileAt"] != requested
        })
        .map(|release| {
            let spec = &release["spec"];
            let chart = &spec["chart"]["spec"];
            let from_git =
                chart.pointer("/sourceRef/kind").and_then(Value::as_str) == Some("GitRepository");
            Pending {
                key: Key {
                    resource: RESOURCE.into(),
                    namespace: release["metadata"]["namespace"]
                        .as_str()
                        .unwrap_or_default()
                        .into(),
                    name: release["metadata"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .into(),
                },
                release_name: spec["releaseName"]
                    .as_str()
                    .or(release["metadata"]["name"].as_str())
                    .unwrap_or_default()
                    .into(),
                namespace: spec["targetNamespace"]
                    .as_str()
                    .or(release["metadata"]["namespace"].as_str())
                    .unwrap_or("default")
                    .into(),
                chart_path: from_git.then(|| {
                    chart["chart"]
                        .as_str()
                        .unwrap_or_default()
                        .trim_start_matches("./")
                        .to_string()
                }),
                values: spec.get("values").cloned().unwrap_or(json!({})),
                generation: release["metadata"]["generation"].clone(),
                requested_at: release
                    .pointer("/metadata/annotations/reconcile.fluxcd.io~1requestedAt")
                    .cloned()
                    .unwrap_or(Value::Null),
            }
        })
        .collect()
}

/// Why a HelmRelease whose chart comes from a Helm repository (not the env repo) fails, in
/// the words helm-controller uses for a HelmChart it cannot get.
pub(crate) fn unfetchable(store: &Store, key: &Key) -> String {
    let chart = store
        .get(key)
        .and_then(|release| release.pointer("/spec/chart/spec"))
        .cloned()
        .unwrap_or(Value::Null);
    let text = |pointer: &str| chart.pointer(pointer).and_then(Value::as_str).unwrap_or("");
    let source_namespace = match text("/sourceRef/namespace") {
        "" => key.namespace.as_str(),
        namespace => namespace,
    };
    format!(
        "HelmChart '{ns}/{ns}-{name}' is not ready: cannot fetch chart '{chart}' from {kind} '{source_namespace}/{source}': the sandbox has no network; ship the chart in the env repo and point sourceRef at the GitRepository",
        ns = key.namespace,
        name = key.name,
        chart = text("/chart"),
        kind = match text("/sourceRef/kind") {
            "" => "HelmRepository",
            kind => kind,
        },
        source = text("/sourceRef/name"),
    )
}

/// A chart's `Chart.yaml` (name, version, appVersion), or `{}` when it has none.
pub(crate) fn chart_metadata(chart: &Files) -> Value {
    chart
        .get("Chart.yaml")
        .and_then(|bytes| serde_saphyr::from_str(&String::from_utf8_lossy(bytes)).ok())
        .unwrap_or(json!({}))
}

/// Renders a chart read from the env repo (`path → bytes`) with `helm template` as release
/// `release_name` in `namespace` with `values`: the helm-controller's and Argo CD's rendering.
pub(crate) fn render(
    chart: &Files,
    release_name: &str,
    namespace: &str,
    values: &Value,
) -> Result<Vec<Value>, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (path, bytes) in chart {
        let file = dir.path().join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&file, bytes).map_err(|e| e.to_string())?;
    }
    template(dir.path(), release_name, namespace, values)
}

/// Runs `helm template` on a chart directory with the release's values.
fn template(
    chart_dir: &Path,
    release_name: &str,
    namespace: &str,
    values: &Value,
) -> Result<Vec<Value>, String> {
    let values_file = chart_dir.join("forge-sandbox-values.json");
    std::fs::write(&values_file, values.to_string()).map_err(|e| e.to_string())?;
    let output = Command::new("helm")
        .args(["template", release_name])
        .arg(chart_dir)
        .arg("-f")
        .arg(&values_file)
        .args(["--namespace", namespace])
        .output()
        .map_err(|e| format!("helm is not installed, so the sandbox cannot render charts: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "helm template failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let documents: Vec<Value> =
        serde_saphyr::from_multiple(&String::from_utf8_lossy(&output.stdout))
            .map_err(|e| format!("helm template output: {}", e.without_snippet()))?;
    Ok(documents.into_iter().filter(|d| !d.is_null()).collect())
}

/// Applies a rendering (or records its failure) and writes the HelmRelease's status.
pub(crate) fn record(
    store: &mut Store,
    release: &Pending,
    chart: &Value,
    rendered: Result<Vec<Value>, String>,
    source_revision: &str,
    now: f64,
) {
    use sha2::Digest;
    let now_text = crate::time::rfc3339(now as i64);
    let Some(current) = store.get(&release.key).cloned() else {
        return;
    };
    let chart_name = chart["name"].as_str().unwrap_or("unknown").to_string();
    let chart_version = chart["version"].as_str().unwrap_or("0.0.0").to_string();
    let config_digest = format!(
        "sha256:{}",
        hex::encode(sha2::Sha256::digest(release.values.to_string().as_bytes()))
    );
    let mut status = json!({
        "observedGeneration": release.generation,
        "lastAttemptedRevision": chart_version,
        "lastAttemptedConfigDigest": config_digest,
        "lastAttemptedSourceRevision": source_revision,
        "lastHandledReconcileAt": release.requested_at,
        "history": current.pointer("/status/history").cloned().unwrap_or(json!([])),
    });
    match rendered {
        Ok(objects) => {
            let applied = apply(store, &objects, Some(&release.namespace), &now_text);
            let mut history = status["history"].as_array().cloned().unwrap_or_default();
            let version = history.len() + 1;
            history.insert(0, json!({
                "name": release.release_name, "namespace": release.namespace, "version": version,
                "chartName": chart_name, "chartVersion": chart_version, "appVersion": chart["appVersion"],
                "configDigest": config_digest, "status": "deployed", "firstDeployed": now_text, "lastDeployed": now_text,
            }));
            status["history"] = history.into();
            let message = format!(
                "Helm install succeeded for release {}/{}.v{version} with chart {chart_name}@{chart_version}",
                release.namespace, release.release_name
            );
            status["conditions"] = json!([{"type": "Ready", "status": "True", "reason": "InstallSucceeded", "message": message, "lastTransitionTime": now_text}]);
            status["inventory"] = json!({"entries": applied.iter().map(|(id, _)| json!({"id": id})).collect::<Vec<_>>()});
        }
        Err(message) => {
            // No chart path: the chart lives in a Helm repository, which cannot be fetched.
            let reason = if release.chart_path.is_some() {
                "InstallFailed"
            } else {
                "ArtifactFailed"
            };
            status["conditions"] = json!([{"type": "Ready", "status": "False", "reason": reason, "message": message, "lastTransitionTime": now_text}]);
        }
    }
    store
        .patch(&release.key, &json!({"status": status}), Part::Status)
        .ok();
}
