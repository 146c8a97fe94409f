//! The sandbox's Argo CD: an Application per app/env directory (automated sync), synced to the
//! env repo's tip or to the revision a pending `.operation` names, with status where Argo CD
//! writes it: `sync.{status,revision}`, `health.status`, `operationState`, `reconciledAt`,
//! `history`, and the `argocd.argoproj.io/refresh` annotation cleared once handled. An env dir
//! whose `application.yaml` defines its Application with a Helm source (forge's layout for
//! Helm on Argo CD) is synced as that Application: its chart rendered with `helm template`.

use crate::apply::{Built, Repo, apply, name_for, prune};
use crate::kustomize::Files;
use crate::store::{Key, Part, Store};
use serde_json::{Value, json};

const NAMESPACE: &str = "argocd";
/// The annotation that asks Argo CD to look again (`normal` or `hard`).
pub(crate) const REFRESH: &str = "argocd.argoproj.io/refresh";

/// The Application named `name`.
pub(crate) fn application(name: &str) -> Key {
    Key {
        resource: "applications.argoproj.io".into(),
        namespace: NAMESPACE.into(),
        name: name.into(),
    }
}

/// The Application of an app/env dir.
pub(crate) fn key(dir: &str) -> Key {
    application(&name_for(dir))
}

/// Creates the dir's Application when it has none: `dir` of `repo`, synced automatically into
/// `namespace`.
pub(crate) fn ensure_application(
    store: &mut Store,
    dir: &str,
    namespace: &str,
    repo: &Repo,
    now: f64,
) {
    let key = key(dir);
    if store.get(&key).is_some() {
        return;
    }
    let application = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "spec": {
            "project": "default",
            "source": {"repoURL": repo.url, "targetRevision": repo.branch, "path": dir},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": namespace},
            "syncPolicy": {"automated": {"prune": true, "selfHeal": true}},
        },
    });
    store
        .create(key, application, &crate::time::rfc3339(now as i64))
        .ok();
}

/// The Application an env dir's `application.yaml` defines for the dir (`<app>-<env>`) when
/// its source is a Helm chart: forge's layout for a Helm source on Argo CD. It is what an
/// app-of-apps would apply, so the sandbox syncs it instead of building the directory.
pub(crate) fn helm_application(files: &Files, dir: &str) -> Option<Value> {
    let text = String::from_utf8_lossy(files.get("application.yaml")?);
    let documents: Vec<Value> = serde_saphyr::from_multiple(&text).ok()?;
    let name = name_for(dir);
    documents.into_iter().find(|document| {
        document["kind"] == "Application"
            && document["apiVersion"]
                .as_str()
                .is_some_and(|v| v.starts_with("argoproj.io/"))
            && document["metadata"]["name"] == name.as_str()
            && document["spec"]["source"].is_object()
            && ["helm", "chart"]
                .iter()
                .any(|field| document["spec"]["source"].get(field).is_some())
    })
}

/// What Argo CD's repo-server renders for an Application's Helm source.
pub(crate) struct HelmSource {
    /// The chart's directory in the env repo (`spec.source.path`).
    pub(crate) path: String,
    /// `helm.releaseName`, else the Application's name.
    pub(crate) release_name: String,
    /// `spec.destination.namespace`.
    pub(crate) namespace: String,
    /// `helm.valuesObject`, else `helm.values` parsed (Argo CD uses one, never a merge).
    pub(crate) values: Value,
}

/// Reads an Application's Helm source; Err says why the sandbox cannot render it.
pub(crate) fn helm_source(application: &Value) -> Result<HelmSource, String> {
    let source = &application["spec"]["source"];
    let helm = &source["helm"];
    if let Some(chart) = source.get("chart").and_then(Value::as_str) {
        return Err(format!(
            "cannot fetch chart '{chart}' version '{version}' from Helm repository '{repo}': the sandbox has no network; ship the chart in the env repo and point the source's path at it",
            version = source["targetRevision"].as_str().unwrap_or_default(),
            repo = source["repoURL"].as_str().unwrap_or_default(),
        ));
    }
    let path = source["path"]
        .as_str()
        .map(|p| p.trim_start_matches("./").trim_end_matches('/'))
        .filter(|p| !p.is_empty())
        .ok_or("spec.source.path is required for a Helm chart in a Git repository")?;
    let values = match (helm.get("valuesObject"), helm["values"].as_str()) {
        (Some(object), _) if !object.is_null() => object.clone(),
        (_, Some(text)) if !text.trim().is_empty() => serde_saphyr::from_str(text)
            .map_err(|e| format!("helm.values is not YAML: {}", e.without_snippet()))?,
        _ => json!({}),
    };
    let name = application["metadata"]["name"].as_str().unwrap_or_default();
    Ok(HelmSource {
        path: path.to_string(),
        release_name: helm["releaseName"]
            .as_str()
            .filter(|r| !r.is_empty())
            .unwrap_or(name)
            .to_string(),
        namespace: application["spec"]["destination"]["namespace"]
            .as_str()
            .unwrap_or("default")
            .to_string(),
        values,
    })
}

/// Makes the env dir's Application (its spec and labels) the sandbox's, as an app-of-apps
/// with self-heal would; status and what Argo CD wrote elsewhere stay.
pub(crate) fn adopt(store: &mut Store, dir: &str, application: &Value, now: f64) {
    let key = key(dir);
    let Some(current) = store.get(&key) else {
        return;
    };
    let mut updated = current.clone();
    updated["spec"] = application["spec"].clone();
    if let Some(labels) = application.pointer("/metadata/labels") {
        let mut merged = current
            .pointer("/metadata/labels")
            .cloned()
            .unwrap_or(json!({}));
        crate::store::merge_patch(&mut merged, labels);
        updated["metadata"]["labels"] = merged;
    }
    if &updated != current {
        store.put(key, updated, &crate::time::rfc3339(now as i64));
    }
}

/// Someone asked Argo CD to look again: a refresh annotation or a pending operation.
pub(crate) fn refresh_requested(store: &Store) -> bool {
    store
        .list("applications.argoproj.io", Some(NAMESPACE))
        .into_iter()
        .any(|app| {
            app.pointer("/metadata/annotations")
                .and_then(|a| a.get(REFRESH))
                .is_some()
                || app.get("operation").is_some()
        })
}

/// Syncs on a new tip (automated policy) or a requested operation, then writes health.
/// The commit a pending sync operation asks for, when it names one (not a branch).
pub(crate) fn requested_commit(store: &Store, dir: &str) -> Option<String> {
    let revision = store
        .get(&key(dir))?
        .pointer("/operation/sync/revision")?
        .as_str()?
        .to_string();
    (revision.len() == 40 && revision.bytes().all(|b| b.is_ascii_hexdigit())).then_some(revision)
}

/// Syncs to `revision` (built as `built`) on a pending operation, or to a new tip under the
/// automated policy; then writes health.
pub(crate) fn reconcile(store: &mut Store, dir: &str, built: &Built, revision: &str, now: f64) {
    let tip = revision;
    let key = key(dir);
    let Some(current) = store.get(&key).cloned() else {
        return;
    };
    let now_text = crate::time::rfc3339(now as i64);
    let status = current.get("status").cloned().unwrap_or(json!({}));
    let operation = current.get("operation").cloned();
    let synced = status.pointer("/sync/revision").and_then(Value::as_str);
    let automated = current.pointer("/spec/syncPolicy/automated").is_some();
    let needs_sync = operation.is_some() || (automated && synced != Some(tip));
    let mut new_status = status.clone();
    let mut patch = json!({});
    if needs_sync {
        let namespace = current
            .pointer("/spec/destination/namespace")
            .and_then(Value::as_str);
        let started = now_text.clone();
        match built {
            Ok(objects) => {
                let applied = apply(store, objects, namespace, &now_text);
                let previous = status
                    .get("resources")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let ids: Vec<String> = previous
                    .iter()
                    .filter_map(|r| r.get("id").and_then(Value::as_str).map(str::to_string))
                    .collect();
                prune(store, ids.iter().map(String::as_str), &applied);
                let resources: Vec<Value> = applied
                    .iter()
                    .map(|(id, key)| json!({"id": id, "kind": id.rsplit('_').next(), "name": key.name, "namespace": key.namespace, "status": "Synced"}))
                    .collect();
                let mut history = status
                    .get("history")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                history.push(json!({"id": history.len(), "revision": tip, "deployedAt": now_text, "source": current["spec"]["source"]}));
                new_status["resources"] = resources.into();
                new_status["history"] = history.into();
                new_status["sync"] = json!({"status": "Synced", "revision": tip, "comparedTo": {"source": current["spec"]["source"]}});
                new_status["operationState"] = json!({
                    "operation": {"sync": {"revision": tip}},
                    "phase": "Succeeded",
                    "message": "successfully synced (all tasks run)",
                    "startedAt": started,
                    "finishedAt": now_text,
                    "syncResult": {"revision": tip},
                });
            }
            Err(message) => {
                new_status["sync"] = json!({"status": "OutOfSync", "revision": tip});
                new_status["operationState"] = json!({
                    "operation": {"sync": {"revision": tip}},
                    "phase": "Failed",
                    "message": format!("ComparisonError: {message}"),
                    "startedAt": started,
                    "finishedAt": now_text,
                });
            }
        }
        new_status["reconciledAt"] = now_text.clone().into();
        patch["operation"] = Value::Null;
    }
    if !needs_sync && !automated && synced.is_some() && synced != Some(tip) {
        new_status["sync"]["status"] = "OutOfSync".into();
    }
    new_status["health"] = json!({"status": health(store, &new_status)});
    if current
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(REFRESH))
        .is_some()
    {
        new_status["reconciledAt"] = now_text.into();
        patch["metadata"] = json!({"annotations": {REFRESH: null}});
    }
    if new_status != status {
        store
            .patch(&key, &json!({"status": new_status}), Part::Status)
            .ok();
    }
    if patch.as_object().is_some_and(|p| !p.is_empty()) {
        store.patch(&key, &patch, Part::Main).ok();
    }
}

/// Argo CD's health for the Deployments an Application synced: Degraded when one missed its
/// progress deadline, Progressing while one is not fully available, Healthy otherwise.
fn health(store: &Store, status: &Value) -> &'static str {
    let mut state = "Healthy";
    for resource in status
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if resource["kind"] != "Deployment" {
            continue;
        }
        let key = Key {
            resource: "deployments.apps".into(),
            namespace: resource["namespace"].as_str().unwrap_or_default().into(),
            name: resource["name"].as_str().unwrap_or_default().into(),
        };
        let Some(deployment) = store.get(&key) else {
            continue;
        };
        let deployment_status = &deployment["status"];
        let progressing = deployment_status["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["type"] == "Progressing");
        if progressing.is_some_and(|c| c["reason"] == "ProgressDeadlineExceeded") {
            return "Degraded";
        }
        let wanted = deployment
            .pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let available = deployment_status["availableReplicas"].as_i64().unwrap_or(0);
        let updated = deployment_status["updatedReplicas"].as_i64().unwrap_or(0);
        let observed =
            deployment_status["observedGeneration"] == deployment["metadata"]["generation"];
        if !observed
            || available < wanted
            || updated < wanted
            || deployment_status["replicas"].as_i64().unwrap_or(0) > wanted
        {
            state = "Progressing";
        }
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(application: &str) -> Files {
        Files::from([(
            "application.yaml".to_string(),
            application.as_bytes().to_vec(),
        )])
    }

    const APPLICATION: &str = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop-prod, namespace: argocd}
spec:
  source:
    repoURL: https://git.example.com/envs.git
    targetRevision: main
    path: apps/shop/prod/chart
    helm:
      releaseName: shop
      values: 'replicaCount: 2'
      valuesObject: {replicaCount: 3}
  destination: {namespace: shop}
";

    #[test]
    fn an_env_dirs_helm_application_is_found_and_read_as_argo_cd_does() {
        let application = helm_application(&files(APPLICATION), "apps/shop/prod").unwrap();
        let source = helm_source(&application).unwrap();
        assert_eq!(source.path, "apps/shop/prod/chart");
        assert_eq!(source.release_name, "shop");
        assert_eq!(source.namespace, "shop");
        assert_eq!(
            source.values,
            json!({"replicaCount": 3}),
            "valuesObject wins"
        );

        let values_only = APPLICATION
            .replace("      releaseName: shop\n", "")
            .replace("      valuesObject: {replicaCount: 3}\n", "");
        let application = helm_application(&files(&values_only), "apps/shop/prod").unwrap();
        let source = helm_source(&application).unwrap();
        assert_eq!(source.values, json!({"replicaCount": 2}));
        assert_eq!(source.release_name, "shop-prod", "the Application's name");
    }

    #[test]
    fn other_applications_are_not_adopted_and_repository_charts_cannot_be_fetched() {
        assert!(helm_application(&files(APPLICATION), "apps/shop/dev").is_none());
        let directory = APPLICATION.replace(
            "    helm:\n      releaseName: shop\n      values: 'replicaCount: 2'\n      valuesObject: {replicaCount: 3}\n",
            "",
        );
        assert!(helm_application(&files(&directory), "apps/shop/prod").is_none());
        assert!(helm_application(&Files::new(), "apps/shop/prod").is_none());

        let repository =
            APPLICATION.replace("    path: apps/shop/prod/chart\n", "    chart: shop\n");
        let application = helm_application(&files(&repository), "apps/shop/prod").unwrap();
        let message = helm_source(&application).err().unwrap();
        assert!(
            message.contains("cannot fetch chart 'shop' version 'main'"),
            "{message}"
        );
    }
}
