//! The sandbox's Argo CD: an Application per app/env directory (automated sync), synced to the
//! env repo's tip or to the revision a pending `.operation` names, with status where Argo CD
//! writes it: `sync.{status,revision}`, `health.status`, `operationState`, `reconciledAt`,
//! `history`, and the `argocd.argoproj.io/refresh` annotation cleared once handled. An env dir
//! whose `application.yaml` defines its Application with a Helm source (forge's layout for
//! Helm on Argo CD) is synced as that Application: its chart rendered with `helm template`.

use super::flux::{self, Built};
use super::kustomize::Files;
use super::store::{Key, Part, Store};
use serde_json::{Value, json};

pub const NAMESPACE: &str = "argocd";
const REFRESH: &str = "argocd.argoproj.io/refresh";

pub(super) fn key(dir: &str) -> Key {
    Key {
        resource: "applications.argoproj.io".into(),
        namespace: NAMESPACE.into(),
        name: flux::name_for(dir),
    }
}

pub fn ensure_application(
    store: &mut Store,
    dir: &str,
    namespace: &str,
    settings: &flux::Settings,
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
            "source": {"repoURL": crate::git::strip_credentials(&settings.url), "targetRevision": settings.branch, "path": dir},
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
pub fn helm_application(files: &Files, dir: &str) -> Option<Value> {
    let text = String::from_utf8_lossy(files.get("application.yaml")?);
    let documents: Vec<Value> = serde_saphyr::from_multiple(&text).ok()?;
    let name = flux::name_for(dir);
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
pub struct HelmSource {
    /// The chart's directory in the env repo (`spec.source.path`).
    pub path: String,
    /// `helm.releaseName`, else the Application's name.
    pub release_name: String,
    /// `spec.destination.namespace`.
    pub namespace: String,
    /// `helm.valuesObject`, else `helm.values` parsed (Argo CD uses one, never a merge).
    pub values: Value,
}

/// Reads an Application's Helm source; Err says why the sandbox cannot render it.
pub fn helm_source(application: &Value) -> Result<HelmSource, String> {
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
pub fn adopt(store: &mut Store, dir: &str, application: &Value, now: f64) {
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
        super::store::merge_patch(&mut merged, labels);
        updated["metadata"]["labels"] = merged;
    }
    if &updated != current {
        store.put(key, updated, &crate::time::rfc3339(now as i64));
    }
}

/// Someone asked Argo CD to look again: a refresh annotation or a pending operation.
pub fn refresh_requested(store: &Store) -> bool {
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
pub fn requested_commit(store: &Store, dir: &str) -> Option<String> {
    let revision = store
        .get(&key(dir))?
        .pointer("/operation/sync/revision")?
        .as_str()?
        .to_string();
    (revision.len() == 40 && revision.bytes().all(|b| b.is_ascii_hexdigit())).then_some(revision)
}

/// Syncs to `revision` (built as `built`) on a pending operation, or to a new tip under the
/// automated policy; then writes health.
pub fn reconcile(store: &mut Store, dir: &str, built: &Built, revision: &str, now: f64) {
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
                let applied = flux::apply(store, objects, namespace, &now_text);
                let previous = status
                    .get("resources")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let ids: Vec<String> = previous
                    .iter()
                    .filter_map(|r| r.get("id").and_then(Value::as_str).map(str::to_string))
                    .collect();
                flux::prune(store, ids.iter().map(String::as_str), &applied);
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

/// Argo CD's REST API, as forge uses it: `POST /api/v1/session`, `GET
/// /api/v1/applications/{name}[?refresh=normal|hard]`, `POST …/{name}/sync` and
/// `POST …/{name}/rollback`, with a bearer token (the sandbox's, from sandbox.json).
pub fn rest(
    cluster: &super::api::Cluster,
    path: &[&str],
    request: &super::http::Request,
) -> super::http::Response {
    use super::api::error;
    use super::http::Response;
    use super::store::ApiError;
    let token = &cluster.argocd_token;
    if path == ["session"] {
        return match request.method.as_str() {
            "POST" => Response::json(200, &json!({"token": token})),
            _ => error(&ApiError {
                code: 405,
                reason: "MethodNotAllowed",
                message: "POST a session".into(),
            }),
        };
    }
    if let Some(refusal) = unauthorized(cluster, request) {
        return refusal;
    }
    let (name, action) = match path {
        ["applications", name] => (*name, None),
        ["applications", name, action] => (*name, Some(*action)),
        _ => return Response::json(404, &json!({"error": "not found", "code": 5})),
    };
    let key = Key {
        resource: "applications.argoproj.io".into(),
        namespace: NAMESPACE.into(),
        name: name.into(),
    };
    let not_found = || {
        Response::json(
            404,
            &json!({"error": format!("applications.argoproj.io \"{name}\" not found"), "code": 5}),
        )
    };
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(json!({}));
    let result = cluster.write(|store| {
        let current = store.get(&key).cloned()?;
        let patch = match (request.method.as_str(), action) {
            ("GET", None) => match request.query("refresh") {
                Some(kind @ ("normal" | "hard")) => json!({"metadata": {"annotations": {REFRESH: kind}}}),
                _ => return Some(Ok(current)),
            },
            ("POST", Some("sync")) => {
                let revision = body.get("revision").and_then(Value::as_str).filter(|r| !r.is_empty());
                let revision = revision.or(current.pointer("/spec/source/targetRevision").and_then(Value::as_str)).unwrap_or("HEAD");
                json!({"operation": {"sync": {"revision": revision}, "initiatedBy": {"username": "admin"}}})
            }
            ("POST", Some("rollback")) if current.pointer("/spec/syncPolicy/automated").is_some() => {
                let message = "rollback cannot be initiated when auto-sync is enabled";
                return Some(Err(Response::json(400, &json!({"error": message, "code": 9}))));
            }
            ("POST", Some("rollback")) => {
                let id = body.get("id").and_then(Value::as_u64);
                let entry = current
                    .pointer("/status/history")
                    .and_then(Value::as_array)
                    .and_then(|history| history.iter().find(|h| h["id"].as_u64() == id));
                let Some(revision) = entry.and_then(|h| h["revision"].as_str()) else {
                    return Some(Err(Response::json(400, &json!({"error": format!("history id {id:?} not found"), "code": 3}))));
                };
                json!({"operation": {"sync": {"revision": revision}, "initiatedBy": {"username": "admin"}}})
            }
            _ => return Some(Err(Response::json(405, &json!({"error": "method not allowed", "code": 12})))),
        };
        Some(store.patch(&key, &patch, Part::Main).map_err(|e| error(&e)))
    });
    match result {
        None => not_found(),
        Some(Ok(application)) => Response::json(200, &application),
        Some(Err(response)) => response,
    }
}

/// 401 unless the request carries the sandbox's Argo CD bearer token.
fn unauthorized(
    cluster: &super::api::Cluster,
    request: &super::http::Request,
) -> Option<super::http::Response> {
    let authorized = request
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        == Some(cluster.argocd_token.as_str());
    (!authorized).then(|| {
        super::http::Response::json(
            401,
            &json!({"error": "invalid session: token is missing or wrong", "code": 16}),
        )
    })
}

/// How long a quiet stream goes before a keep-alive comment (which also notices a client
/// that went away).
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(5);

/// `GET /api/v1/stream/applications?name=NAME`, as Argo CD serves it: server-sent events, each
/// `data: {"result":{"type":…,"application":{…}}}` and a blank line. The current Application
/// comes first (ADDED), then MODIFIED whenever it changes, DELETED when it goes; the stream
/// lasts until the client leaves (or `--drop-watches-after` cuts it).
pub fn stream(
    cluster: &std::sync::Arc<super::api::Cluster>,
    request: &super::http::Request,
) -> super::http::Response {
    use super::http::{Body, Response};
    if let Some(refusal) = unauthorized(cluster, request) {
        return refusal;
    }
    if request.method != "GET" {
        return Response::json(405, &json!({"error": "method not allowed", "code": 12}));
    }
    let Some(name) = request.query("name").filter(|n| !n.is_empty()) else {
        return Response::json(400, &json!({"error": "name is required", "code": 3}));
    };
    let key = Key {
        resource: "applications.argoproj.io".into(),
        namespace: NAMESPACE.into(),
        name: name.into(),
    };
    // Cut like the Kubernetes API's watches with `--drop-watches-after`.
    let deadline = cluster
        .faults
        .drop_watches_after
        .map(|after| std::time::Instant::now() + after);
    let cluster = std::sync::Arc::clone(cluster);
    let mut sent: Option<String> = None;
    let mut quiet_since = std::time::Instant::now();
    Response {
        status: 200,
        content_type: "text/event-stream".into(),
        body: Body::Stream(Box::new(move || {
            let mut store = cluster.store.lock().expect("store lock");
            loop {
                if let Some(event) = next_event(&store, &key, &mut sent) {
                    return Some(format!("data: {event}\n\n").into_bytes());
                }
                if deadline.is_some_and(|deadline| std::time::Instant::now() >= deadline) {
                    return None;
                }
                if quiet_since.elapsed() >= KEEP_ALIVE {
                    quiet_since = std::time::Instant::now();
                    return Some(b": keep-alive\n\n".to_vec());
                }
                store = cluster
                    .changed
                    .wait_timeout(store, std::time::Duration::from_millis(500))
                    .expect("store lock")
                    .0;
            }
        })),
    }
}

/// The stream's next event for the Application at `key`, given the resourceVersion last sent
/// (None: nothing sent yet, or it was deleted).
fn next_event(store: &Store, key: &Key, sent: &mut Option<String>) -> Option<Value> {
    let current = store.get(key);
    let version = current
        .and_then(|a| a.pointer("/metadata/resourceVersion"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let kind = match (&*sent, current) {
        (None, Some(_)) => "ADDED",
        (Some(last), Some(_)) if Some(last) != version.as_ref() => "MODIFIED",
        (Some(_), None) => "DELETED",
        _ => return None,
    };
    let application = match current {
        Some(application) => application.clone(),
        None => json!({"metadata": {"name": key.name, "namespace": key.namespace}}),
    };
    *sent = version;
    Some(json!({"result": {"type": kind, "application": application}}))
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

    fn stream_request(token: &str, name: &str) -> super::super::http::Request {
        super::super::http::Request {
            method: "GET".into(),
            path: "/api/v1/stream/applications".into(),
            query: [("name".to_string(), name.to_string())].into(),
            headers: [("authorization".to_string(), format!("Bearer {token}"))].into(),
            body: Vec::new(),
        }
    }

    fn next_data(body: &mut super::super::http::Body) -> Value {
        let super::super::http::Body::Stream(next) = body else {
            panic!("a stream")
        };
        let chunk = String::from_utf8(next().expect("a chunk")).unwrap();
        let data = chunk
            .strip_prefix("data: ")
            .and_then(|c| c.strip_suffix("\n\n"))
            .unwrap_or_else(|| panic!("an SSE event: {chunk:?}"));
        serde_json::from_str(data).unwrap()
    }

    #[test]
    fn the_application_stream_sends_the_current_application_then_its_changes() {
        use super::super::api::{Cluster, Faults};
        let cluster = std::sync::Arc::new(Cluster::new(Faults::default(), "secret".into()));
        let key = key("apps/shop/prod");
        let application = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": key.name, "namespace": NAMESPACE}, "spec": {}});
        cluster.write(|store| store.put(key.clone(), application, "2026-01-01T00:00:00Z"));

        let refused = stream(&cluster, &stream_request("wrong", &key.name));
        assert_eq!(refused.status, 401);

        let mut response = stream(&cluster, &stream_request("secret", &key.name));
        assert_eq!(response.status, 200);
        assert_eq!(response.content_type, "text/event-stream");
        let added = next_data(&mut response.body);
        assert_eq!(added["result"]["type"], "ADDED");
        assert_eq!(
            added["result"]["application"]["metadata"]["name"],
            "shop-prod"
        );

        let patch = json!({"status": {"sync": {"revision": "abc"}}});
        cluster.write(|store| store.patch(&key, &patch, Part::Status).unwrap());
        let modified = next_data(&mut response.body);
        assert_eq!(modified["result"]["type"], "MODIFIED");
        assert_eq!(
            modified["result"]["application"]["status"]["sync"]["revision"],
            "abc"
        );

        cluster.write(|store| store.delete(&key).unwrap());
        let deleted = next_data(&mut response.body);
        assert_eq!(deleted["result"]["type"], "DELETED");
    }

    #[test]
    fn an_application_that_does_not_change_sends_nothing_new() {
        let mut store = Store::default();
        let key = key("apps/shop/prod");
        let mut sent = None;
        assert_eq!(next_event(&store, &key, &mut sent), None, "nothing yet");
        store.put(key.clone(), json!({"metadata": {"name": key.name}}), "now");
        assert_eq!(
            next_event(&store, &key, &mut sent).unwrap()["result"]["type"],
            "ADDED"
        );
        assert_eq!(next_event(&store, &key, &mut sent), None);
    }
}
