//! Argo CD's REST API, as forge uses it: sessions, reading and refreshing an Application,
//! sync and rollback operations, and the Application event stream. The work itself (syncing,
//! health) is the controller's in [`crate::argocd`]; these handlers only ask for it.

use crate::argocd::{REFRESH, application};
use crate::http::{Body, Request, Response};
use crate::store::{ApiError, Cluster, Key, Part, Store};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Argo CD's REST API, as forge uses it: `POST /api/v1/session`, `GET
/// /api/v1/applications/{name}[?refresh=normal|hard]`, `POST …/{name}/sync` and
/// `POST …/{name}/rollback`, with a bearer token (the sandbox's, from sandbox.json).
pub(crate) fn rest(cluster: &Cluster, path: &[&str], request: &Request) -> Response {
    let token = &cluster.argocd_token;
    if path == ["session"] {
        return match request.method.as_str() {
            "POST" => Response::json(200, &json!({"token": token})),
            _ => {
                let refusal = ApiError {
                    code: 405,
                    reason: "MethodNotAllowed",
                    message: "POST a session".into(),
                };
                refusal.response()
            }
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
    let key = application(name);
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
        Some(
            store
                .patch(&key, &patch, Part::Main)
                .map_err(|e| e.response()),
        )
    });
    match result {
        None => not_found(),
        Some(Ok(application)) => Response::json(200, &application),
        Some(Err(response)) => response,
    }
}

/// 401 unless the request carries the sandbox's Argo CD bearer token.
fn unauthorized(cluster: &Cluster, request: &Request) -> Option<Response> {
    let authorized = request
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        == Some(cluster.argocd_token.as_str());
    (!authorized).then(|| {
        Response::json(
            401,
            &json!({"error": "invalid session: token is missing or wrong", "code": 16}),
        )
    })
}

/// How long a quiet stream goes before a keep-alive comment (which also notices a client
/// that went away).
const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// `GET /api/v1/stream/applications?name=NAME`, as Argo CD serves it: server-sent events, each
/// `data: {"result":{"type":…,"application":{…}}}` and a blank line. The current Application
/// comes first (ADDED), then MODIFIED whenever it changes, DELETED when it goes; the stream
/// lasts until the client leaves (or `--drop-watches-after` cuts it).
pub(crate) fn stream(cluster: &Arc<Cluster>, request: &Request) -> Response {
    if let Some(refusal) = unauthorized(cluster, request) {
        return refusal;
    }
    if request.method != "GET" {
        return Response::json(405, &json!({"error": "method not allowed", "code": 12}));
    }
    let Some(name) = request.query("name").filter(|n| !n.is_empty()) else {
        return Response::json(400, &json!({"error": "name is required", "code": 3}));
    };
    let key = application(name);
    // Cut like the Kubernetes API's watches with `--drop-watches-after`.
    let deadline = cluster
        .faults
        .drop_watches_after
        .map(|after| Instant::now() + after);
    let cluster = Arc::clone(cluster);
    let mut sent: Option<String> = None;
    let mut quiet_since = Instant::now();
    Response {
        status: 200,
        content_type: "text/event-stream".into(),
        body: Body::Stream(Box::new(move || {
            let mut store = crate::store::lock(&cluster.store);
            loop {
                if let Some(event) = next_event(&store, &key, &mut sent) {
                    return Some(format!("data: {event}\n\n").into_bytes());
                }
                if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                    return None;
                }
                if quiet_since.elapsed() >= KEEP_ALIVE {
                    quiet_since = Instant::now();
                    return Some(b": keep-alive\n\n".to_vec());
                }
                store = cluster
                    .changed
                    .wait_timeout(store, Duration::from_millis(500))
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
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
    use crate::store::Faults;

    fn stream_request(token: &str, name: &str) -> crate::http::Request {
        crate::http::Request {
            method: "GET".into(),
            path: "/api/v1/stream/applications".into(),
            query: [("name".to_string(), name.to_string())].into(),
            headers: [("authorization".to_string(), format!("Bearer {token}"))].into(),
            body: Vec::new(),
        }
    }

    fn next_data(body: &mut crate::http::Body) -> Value {
        let crate::http::Body::Stream(next) = body else {
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
        let cluster = Arc::new(Cluster::new(Faults::default(), "secret".into()));
        let key = crate::argocd::key("apps/shop/prod");
        let application = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": key.name, "namespace": key.namespace}, "spec": {}});
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
        let key = crate::argocd::key("apps/shop/prod");
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
