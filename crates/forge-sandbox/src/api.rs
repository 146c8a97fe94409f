//! The Kubernetes API over HTTP: discovery, GET, LIST (label and field selectors), WATCH
//! (resume, bookmarks, initial events), POST, merge PATCH (main resource and `status`), and
//! DELETE, with errors as `metav1.Status`.

use crate::http::{Body, Request, Response};
use crate::resources::{self, ResourceType};
use crate::store::{ApiError, Cluster, Key, Part, Store};
use crate::{argocd_api, jsonpatch, openapi, table};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where a request points, once the path is understood.
struct Target {
    resource: &'static ResourceType,
    namespace: Option<String>,
    name: Option<String>,
    subresource: Option<String>,
}

pub(crate) fn handle(cluster: &Arc<Cluster>, request: Request) -> Response {
    let segments: Vec<&str> = request
        .path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let (group, version, rest) = match segments.as_slice() {
        ["version"] => {
            return Response::json(
                200,
                &json!({"major": "1", "minor": "33", "gitVersion": "v1.33.0-forge-sandbox", "platform": "linux/amd64"}),
            );
        }
        ["api"] | ["apis"] if !authorized(cluster, &request) => {
            return (ApiError {
                code: 401,
                reason: "Unauthorized",
                message: "Unauthorized".into(),
            })
            .response();
        }
        ["api"] | ["apis"] if wants_aggregated(&request) => {
            let core = segments == ["api"];
            return Response {
                status: 200,
                content_type: resources::AGGREGATED.into(),
                body: Body::Whole(resources::aggregated(core).to_string().into_bytes()),
            };
        }
        ["api"] => return Response::json(200, &resources::core_versions()),
        ["apis"] => return Response::json(200, &resources::group_list()),
        ["metrics"] => {
            let text = crate::store::lock(&cluster.metrics).render();
            return Response {
                status: 200,
                content_type: "text/plain; version=0.0.4".into(),
                body: Body::Whole(text.into_bytes()),
            };
        }
        ["api", "v1", "query"] => {
            let now = crate::time::now_precise();
            let text = request.query("query").unwrap_or_default().to_string();
            return match crate::store::lock(&cluster.metrics).query(&text, now) {
                Ok(answer) => Response::json(200, &answer),
                Err(message) => Response::json(
                    400,
                    &json!({"status": "error", "errorType": "bad_data", "error": message}),
                ),
            };
        }
        ["api", "v1", "stream", "applications"] => {
            return argocd_api::stream(cluster, &request);
        }
        ["api", "v1", "session"] | ["api", "v1", "applications", ..] => {
            return argocd_api::rest(cluster, &segments[2..], &request);
        }
        _ if !authorized(cluster, &request) => {
            return (ApiError {
                code: 401,
                reason: "Unauthorized",
                message: "Unauthorized".into(),
            })
            .response();
        }
        ["openapi", "v3"] => return Response::json(200, &openapi::index()),
        ["openapi", "v3", group_version @ ..] => {
            return match openapi::document(&group_version.join("/")) {
                Some(document) => Response::json(200, &document),
                None => (ApiError {
                    code: 404,
                    reason: "NotFound",
                    message: format!("no OpenAPI document at {}", request.path),
                })
                .response(),
            };
        }
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => {
            return (ApiError {
                code: 404,
                reason: "NotFound",
                message: format!(
                    "the server could not find the requested resource ({})",
                    request.path
                ),
            })
            .response();
        }
    };
    if rest.is_empty() {
        return match resources::resource_list(group, version) {
            Some(list) => Response::json(200, &list),
            None => (ApiError {
                code: 404,
                reason: "NotFound",
                message: format!("no group version {group}/{version}"),
            })
            .response(),
        };
    }
    let target = match parse_target(group, version, rest) {
        Ok(target) => target,
        Err(err) => return err.response(),
    };
    if let Some(fault) = cluster.injected() {
        return fault.response();
    }
    if request
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/vnd.kubernetes.protobuf"))
    {
        return (ApiError {
            code: 415,
            reason: "UnsupportedMediaType",
            message: "the forge sandbox speaks JSON only (kubectl create -f sends JSON; generators such as `kubectl create configmap` send protobuf)".into(),
        }).response();
    }
    let result = match (request.method.as_str(), &target.name) {
        ("GET", None) if is_true(request.query("watch")) => {
            return watch(cluster, &target, &request);
        }
        ("GET", None) => list(cluster, &target, &request),
        ("GET", Some(_)) if target.subresource.as_deref() == Some("log") => {
            return log(cluster, &target);
        }
        ("GET", Some(_)) => get(cluster, &target, request.header("accept")),
        ("POST", None) => create(cluster, &target, &request),
        ("PATCH", Some(_)) => patch(cluster, &target, &request),
        ("DELETE", Some(_)) => delete(cluster, &target, &request),
        _ => Err(ApiError {
            code: 405,
            reason: "MethodNotAllowed",
            message: format!("{} is not supported here", request.method),
        }),
    };
    match result {
        Ok((status, value)) => Response::json(status, &value),
        Err(err) => err.response(),
    }
}

/// Whether the request carries the API's bearer token, when there is one. The Argo CD REST
/// API, `/metrics` and the query API are not the Kubernetes API and stay outside this check.
fn authorized(cluster: &Cluster, request: &Request) -> bool {
    cluster.api_token.as_ref().is_none_or(|token| {
        request
            .header("authorization")
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|given| given.trim() == token)
    })
}

/// Whether the client accepts aggregated discovery (apidiscovery.k8s.io/v2).
fn wants_aggregated(request: &Request) -> bool {
    request.header("accept").is_some_and(|accept| {
        accept.split(',').any(|t| {
            t.contains("g=apidiscovery.k8s.io")
                && t.contains("v=v2;")
                && t.contains("as=APIGroupDiscoveryList")
        })
    })
}

fn is_true(value: Option<&str>) -> bool {
    matches!(value, Some("true" | "1"))
}

fn parse_target(group: &str, version: &str, rest: &[&str]) -> Result<Target, ApiError> {
    let unknown = |plural: &str| ApiError {
        code: 404,
        reason: "NotFound",
        message: format!(
            "the server doesn't have a resource type \"{plural}\" in {group}/{version}"
        ),
    };
    let (namespace, rest) = match rest {
        ["namespaces", ns, plural, more @ ..]
            if find(group, version, plural).is_some_and(|r| r.namespaced) =>
        {
            (Some(ns.to_string()), [&[*plural][..], more].concat())
        }
        _ => (None, rest.to_vec()),
    };
    let plural = rest[0];
    let resource = find(group, version, plural).ok_or_else(|| unknown(plural))?;
    Ok(Target {
        resource,
        namespace,
        name: rest.get(1).map(|s| s.to_string()),
        subresource: rest.get(2).map(|s| s.to_string()),
    })
}

fn find(group: &str, version: &str, plural: &str) -> Option<&'static ResourceType> {
    resources::find(group, version, plural)
}

fn key(target: &Target) -> Key {
    Key {
        resource: target.resource.key(),
        namespace: target.namespace.clone().unwrap_or_default(),
        name: target.name.clone().unwrap_or_default(),
    }
}

type Answer = Result<(u16, Value), ApiError>;

fn get(cluster: &Cluster, target: &Target, accept: Option<&str>) -> Answer {
    let store = crate::store::lock(&cluster.store);
    let key = key(target);
    let object = store
        .get(&key)
        .cloned()
        .ok_or_else(|| ApiError::not_found(&key))?;
    if table::wanted(accept) && target.subresource.is_none() {
        let now = crate::time::now_epoch();
        return Ok((
            200,
            table::table(target.resource, &[object], store.revision(), now),
        ));
    }
    Ok((200, object))
}

fn list(cluster: &Cluster, target: &Target, request: &Request) -> Answer {
    let selector = Selector::parse(
        request.query("labelSelector"),
        request.query("fieldSelector"),
    )?;
    // Paging: `continue` is the offset of the next item (in sorted order) from the last page.
    let offset: usize = match request.query("continue").filter(|c| !c.is_empty()) {
        Some(token) => token
            .parse()
            .map_err(|_| bad_request(format!("invalid continue token '{token}'")))?,
        None => 0,
    };
    let limit: usize = request
        .query("limit")
        .and_then(|l| l.parse().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let store = crate::store::lock(&cluster.store);
    let matching: Vec<&Value> = store
        .list(&target.resource.key(), target.namespace.as_deref())
        .into_iter()
        .filter(|object| selector.matches(object))
        .collect();
    let items: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|o| (*o).clone())
        .collect();
    if table::wanted(request.header("accept")) && offset == 0 && items.len() == matching.len() {
        let now = crate::time::now_epoch();
        return Ok((
            200,
            table::table(target.resource, &items, store.revision(), now),
        ));
    }
    let next = offset + items.len();
    let mut metadata = json!({"resourceVersion": store.revision().to_string()});
    if next < matching.len() {
        metadata["continue"] = next.to_string().into();
        metadata["remainingItemCount"] = (matching.len() - next).into();
    }
    Ok((
        200,
        json!({
            "kind": format!("{}List", target.resource.kind),
            "apiVersion": target.resource.api_version(),
            "metadata": metadata,
            "items": items,
        }),
    ))
}

fn create(cluster: &Cluster, target: &Target, request: &Request) -> Answer {
    let mut object = json_object(&request.body)?;
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .map(str::to_string);
    let name = match name {
        Some(name) => name,
        None => match object
            .pointer("/metadata/generateName")
            .and_then(Value::as_str)
        {
            Some(prefix) => format!(
                "{prefix}{:05x}",
                crate::store::lock(&cluster.store).revision() + 1
            ),
            None => return Err(bad_request("metadata.name is required".into())),
        },
    };
    check_name(target.resource, &name)?;
    object["apiVersion"] = target.resource.api_version().into();
    object["kind"] = target.resource.kind.into();
    let key = Key {
        name,
        ..key(target)
    };
    let now = crate::time::rfc3339(crate::time::now_epoch());
    write(cluster, request, |store| store.create(key, object, &now)).map(|created| (201, created))
}

fn patch(cluster: &Cluster, target: &Target, request: &Request) -> Answer {
    let content_type = request.header("content-type").unwrap_or_default();
    if content_type.starts_with("application/apply-patch+yaml") {
        return server_side_apply(cluster, target, request);
    }
    let json_patch = content_type.starts_with("application/json-patch+json");
    let accepted = json_patch
        || content_type.starts_with("application/merge-patch+json")
        // Built-in types also take strategic merge patches, which for the maps kubectl sends
        // (labels, annotations, scalars) are merge patches; lists are replaced whole.
        || (content_type.starts_with("application/strategic-merge-patch+json") && !target.resource.is_custom());
    if !accepted {
        return Err(ApiError {
            code: 415,
            reason: "UnsupportedMediaType",
            message: format!(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got {content_type})"
            ),
        });
    }
    let part = match target.subresource.as_deref() {
        Some("status") => Part::Status,
        None if target.resource.has_status() => Part::Main,
        None => Part::Whole,
        Some(other) => {
            return Err(ApiError {
                code: 404,
                reason: "NotFound",
                message: format!("no subresource {other}"),
            });
        }
    };
    let key = key(target);
    if json_patch {
        // Applied to the whole object, then stored as the equivalent merge patch: one path
        // for generation bumps, status rules and resourceVersion preconditions.
        return write(cluster, request, |store| {
            let current = store.get(&key).ok_or_else(|| ApiError::not_found(&key))?;
            let patched = jsonpatch::apply(current, &request.body)?;
            let diff = jsonpatch::merge_diff(current, &patched);
            store.patch(&key, &diff, part).map(|object| (200, object))
        });
    }
    let patch = json_object(&request.body)?;
    write(cluster, request, |store| store.patch(&key, &patch, part)).map(|object| (200, object))
}

/// Server-side apply, where it is cheap: the applied configuration is created when the
/// object is missing and merged into it otherwise (no field ownership is tracked).
fn server_side_apply(cluster: &Cluster, target: &Target, request: &Request) -> Answer {
    let text = std::str::from_utf8(&request.body)
        .map_err(|_| bad_request("apply body is not UTF-8".into()))?;
    let applied: Value = serde_saphyr::from_str(text)
        .map_err(|e| bad_request(format!("invalid apply body: {}", e.without_snippet())))?;
    let mut applied = an_object(applied)?;
    applied["apiVersion"] = target.resource.api_version().into();
    applied["kind"] = target.resource.kind.into();
    let key = key(target);
    check_name(target.resource, &key.name)?;
    let part = if target.subresource.as_deref() == Some("status") {
        Part::Status
    } else if target.resource.has_status() {
        Part::Main
    } else {
        Part::Whole
    };
    let now = crate::time::rfc3339(crate::time::now_epoch());
    write(cluster, request, |store| {
        if store.get(&key).is_some() {
            store
                .patch(&key, &applied, part)
                .map(|object| (200, object))
        } else {
            store
                .create(key.clone(), applied, &now)
                .map(|object| (201, object))
        }
    })
}

/// A change the request asks for: made, or with `?dryRun=All` (`kubectl … --dry-run=server`)
/// only answered, as the apiserver does after validating it.
fn write<T>(cluster: &Cluster, request: &Request, change: impl FnOnce(&mut Store) -> T) -> T {
    if request.query("dryRun") == Some("All") {
        cluster.write_dry(change)
    } else {
        cluster.write(change)
    }
}

fn delete(cluster: &Cluster, target: &Target, request: &Request) -> Answer {
    let key = key(target);
    write(cluster, request, |store| store.delete(&key)).map(|object| (200, object))
}

/// `pods/{name}/log`: the lines the sandbox recorded for the pod.
fn log(cluster: &Cluster, target: &Target) -> Response {
    match get(cluster, target, None) {
        Ok((_, pod)) => {
            let text = pod
                .pointer("/metadata/annotations/sandbox.forge.dev~1log")
                .and_then(Value::as_str)
                .unwrap_or("");
            Response::text(200, text)
        }
        Err(err) => err.response(),
    }
}

/// A create or merge-patch body: JSON, and an object, as the apiserver requires.
fn json_object(body: &[u8]) -> Result<Value, ApiError> {
    let value =
        serde_json::from_slice(body).map_err(|e| bad_request(format!("invalid JSON: {e}")))?;
    an_object(value)
}

/// `value` when it is an object; an array or a scalar is 400, never indexed into.
fn an_object(value: Value) -> Result<Value, ApiError> {
    let found = match &value {
        Value::Object(_) => return Ok(value),
        Value::Array(_) => "an array",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
    };
    Err(bad_request(format!(
        "the request body must be a JSON object, not {found}"
    )))
}

/// Object names as the apiserver takes them for the kinds the sandbox serves: a lowercase
/// RFC 1123 subdomain (so never `/`, `..` or an empty part), else 422 Invalid.
fn check_name(resource: &ResourceType, name: &str) -> Result<(), ApiError> {
    let label = |part: &str| {
        let bytes = part.as_bytes();
        !bytes.is_empty()
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
            && bytes[0] != b'-'
            && bytes[bytes.len() - 1] != b'-'
    };
    if name.len() <= 253 && name.split('.').all(label) {
        return Ok(());
    }
    Err(ApiError {
        code: 422,
        reason: "Invalid",
        message: format!(
            "{} \"{}\" is invalid: metadata.name: Invalid value: \"{}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            resource.kind,
            name.escape_debug(),
            name.escape_debug()
        ),
    })
}

fn bad_request(message: String) -> ApiError {
    ApiError {
        code: 400,
        reason: "BadRequest",
        message,
    }
}

/// WATCH: newline-delimited events. With `sendInitialEvents=true` the current objects come
/// first as ADDED, closed by a BOOKMARK annotated `k8s.io/initial-events-end`; otherwise
/// events resume after `resourceVersion` (410 when it is too old). Bookmarks follow about
/// every second when asked for; the stream ends after `timeoutSeconds` (default 30 min).
fn watch(cluster: &Arc<Cluster>, target: &Target, request: &Request) -> Response {
    let selector = match Selector::parse(
        request.query("labelSelector"),
        request.query("fieldSelector"),
    ) {
        Ok(selector) => selector,
        Err(err) => return err.response(),
    };
    let resource = target.resource;
    let namespace = target.namespace.clone();
    let bookmarks = is_true(request.query("allowWatchBookmarks"));
    let timeout = request
        .query("timeoutSeconds")
        .and_then(|t| t.parse().ok())
        .unwrap_or(1800u64);
    let mut lifetime = Duration::from_secs(timeout);
    if let Some(drop_after) = cluster.faults.drop_watches_after {
        lifetime = lifetime.min(drop_after);
    }
    let deadline = Instant::now() + lifetime;
    let mut pending: Vec<Value> = Vec::new();
    let mut since = {
        let store = crate::store::lock(&cluster.store);
        if is_true(request.query("sendInitialEvents")) {
            for object in store.list(&resource.key(), namespace.as_deref()) {
                if selector.matches(object) {
                    pending.push(json!({"type": "ADDED", "object": object}));
                }
            }
            pending.push(bookmark(resource, store.revision(), true));
            store.revision()
        } else {
            match request
                .query("resourceVersion")
                .and_then(|rv| rv.parse::<u64>().ok())
                .filter(|rv| *rv > 0)
            {
                Some(rv) => rv,
                None => store.revision(),
            }
        }
    };
    let cluster = Arc::clone(cluster);
    let mut last_bookmark = Instant::now();
    let mut ended = false;
    Response {
        status: 200,
        content_type: "application/json".into(),
        body: Body::Stream(Box::new(move || {
            if ended {
                return None;
            }
            loop {
                if !pending.is_empty() {
                    let mut chunk = Vec::new();
                    for event in pending.drain(..) {
                        chunk.extend_from_slice(event.to_string().as_bytes());
                        chunk.push(b'\n');
                    }
                    return Some(chunk);
                }
                let now = Instant::now();
                if now >= deadline {
                    return None;
                }
                let store = crate::store::lock(&cluster.store);
                match store.events_since(&resource.key(), namespace.as_deref(), since) {
                    Err(err) => {
                        ended = true;
                        pending.push(json!({"type": "ERROR", "object": err.status()}));
                        continue;
                    }
                    Ok(events) if !events.is_empty() => {
                        for event in events {
                            since = event.revision;
                            if selector.matches(&event.object) {
                                pending.push(
                                    json!({"type": event.kind.as_str(), "object": event.object}),
                                );
                            }
                        }
                        continue;
                    }
                    Ok(_) => {}
                }
                if bookmarks && last_bookmark.elapsed() >= Duration::from_secs(1) {
                    last_bookmark = Instant::now();
                    pending.push(bookmark(resource, store.revision(), false));
                    continue;
                }
                let wait = deadline
                    .saturating_duration_since(now)
                    .min(Duration::from_millis(500));
                drop(
                    cluster
                        .changed
                        .wait_timeout(store, wait)
                        .unwrap_or_else(std::sync::PoisonError::into_inner),
                );
            }
        })),
    }
}

fn bookmark(resource: &ResourceType, revision: u64, initial_end: bool) -> Value {
    let mut metadata = json!({"resourceVersion": revision.to_string()});
    if initial_end {
        metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    json!({"type": "BOOKMARK", "object": {"kind": resource.kind, "apiVersion": resource.api_version(), "metadata": metadata}})
}

/// Label and field selectors, as far as kubectl and controllers use them.
#[derive(Debug, Default)]
pub(crate) struct Selector {
    labels: Vec<(String, Op)>,
    fields: Vec<(String, String, bool)>,
}

#[derive(Debug)]
enum Op {
    Equals(String),
    NotEquals(String),
    Exists,
    NotExists,
}

impl Selector {
    fn parse(labels: Option<&str>, fields: Option<&str>) -> Result<Selector, ApiError> {
        let mut selector = Selector::default();
        for term in labels
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let parsed = if let Some((key, value)) = term.split_once("!=") {
                (
                    key.trim().to_string(),
                    Op::NotEquals(value.trim().to_string()),
                )
            } else if let Some((key, value)) =
                term.split_once("==").or_else(|| term.split_once('='))
            {
                (key.trim().to_string(), Op::Equals(value.trim().to_string()))
            } else if let Some(key) = term.strip_prefix('!') {
                (key.trim().to_string(), Op::NotExists)
            } else if term.contains(' ') {
                return Err(bad_request(format!(
                    "unsupported label selector term '{term}'"
                )));
            } else {
                (term.to_string(), Op::Exists)
            };
            selector.labels.push(parsed);
        }
        for term in fields
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let (path, value, equal) = if let Some((path, value)) = term.split_once("!=") {
                (path, value, false)
            } else if let Some((path, value)) =
                term.split_once("==").or_else(|| term.split_once('='))
            {
                (path, value, true)
            } else {
                return Err(bad_request(format!("invalid field selector '{term}'")));
            };
            selector.fields.push((
                format!("/{}", path.trim().replace('.', "/")),
                value.trim().to_string(),
                equal,
            ));
        }
        Ok(selector)
    }

    fn matches(&self, object: &Value) -> bool {
        let labels = object.pointer("/metadata/labels");
        let label = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
        self.labels.iter().all(|(key, op)| match op {
            Op::Equals(value) => label(key) == Some(value.as_str()),
            Op::NotEquals(value) => label(key) != Some(value.as_str()),
            Op::Exists => label(key).is_some(),
            Op::NotExists => label(key).is_none(),
        }) && self.fields.iter().all(|(pointer, value, equal)| {
            let actual = object
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or("");
            (actual == value) == *equal
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_labels_and_fields() {
        let object = json!({"metadata": {"name": "web", "namespace": "demo", "labels": {"app": "web", "tier": "front"}}});
        let matches = |labels: &str, fields: &str| {
            Selector::parse(Some(labels), Some(fields))
                .unwrap()
                .matches(&object)
        };
        assert!(matches("app=web", ""));
        assert!(matches("app==web,tier", "metadata.name=web"));
        assert!(!matches("app!=web", ""));
        assert!(matches("!missing", "metadata.namespace!=other"));
        assert!(!matches("", "metadata.name=api"));
        assert!(Selector::parse(Some("app in (a,b)"), None).is_err());
    }

    fn request(method: &str, path: &str, content_type: &str, body: &str) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            query: Default::default(),
            headers: [("content-type".to_string(), content_type.to_string())]
                .into_iter()
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// Status code and `metav1.Status` message (empty for a success).
    fn answer(cluster: &Arc<Cluster>, request: Request) -> (u16, String) {
        let response = handle(cluster, request);
        let crate::http::Body::Whole(body) = response.body else {
            panic!("a whole body");
        };
        let value: Value = serde_json::from_slice(&body).unwrap();
        let message = value["message"].as_str().unwrap_or_default().to_string();
        (response.status, message)
    }

    const CONFIG_MAPS: &str = "/api/v1/namespaces/demo/configmaps";

    #[test]
    fn bodies_that_are_not_objects_are_bad_requests() {
        let cluster = Arc::new(Cluster::new(Default::default(), "token".into()));
        let created = answer(
            &cluster,
            request(
                "POST",
                CONFIG_MAPS,
                "application/json",
                r#"{"metadata": {"name": "web"}}"#,
            ),
        );
        assert_eq!(created.0, 201, "{}", created.1);
        let web = format!("{CONFIG_MAPS}/web");
        for body in ["[1, 2]", r#""text""#, "7", "true", "null"] {
            for (method, path, content_type) in [
                ("POST", CONFIG_MAPS, "application/json"),
                ("PATCH", web.as_str(), "application/merge-patch+json"),
                ("PATCH", web.as_str(), "application/apply-patch+yaml"),
                (
                    "PATCH",
                    "/api/v1/namespaces/demo/configmaps/new",
                    "application/apply-patch+yaml",
                ),
            ] {
                let (status, message) = answer(&cluster, request(method, path, content_type, body));
                assert_eq!(status, 400, "{method} {path} {body}: {message}");
                assert!(message.contains("must be a JSON object"), "{message}");
            }
        }
    }

    #[test]
    fn names_that_are_not_rfc_1123_subdomains_are_invalid() {
        let cluster = Arc::new(Cluster::new(Default::default(), "token".into()));
        for name in [
            "Web",
            "a/b",
            "..",
            "a..b",
            "-web",
            "web_1",
            "",
            &"a".repeat(254),
        ] {
            let body = serde_json::json!({"metadata": {"name": name}}).to_string();
            let (status, message) = answer(
                &cluster,
                request("POST", CONFIG_MAPS, "application/json", &body),
            );
            assert_eq!(status, 422, "{name:?}: {message}");
        }
        let (status, message) = answer(
            &cluster,
            request(
                "PATCH",
                "/api/v1/namespaces/demo/configmaps/Web",
                "application/apply-patch+yaml",
                "data: {a: b}",
            ),
        );
        assert_eq!(status, 422, "{message}");
        assert!(
            message.contains("ConfigMap \"Web\" is invalid"),
            "{message}"
        );
        for good in ["web", "web-1.v2", "a"] {
            let body = serde_json::json!({"metadata": {"name": good}}).to_string();
            let created = answer(
                &cluster,
                request("POST", CONFIG_MAPS, "application/json", &body),
            );
            assert_eq!(created.0, 201, "{good}: {}", created.1);
        }
    }
}
