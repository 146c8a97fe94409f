//! The sandbox's object store: Kubernetes semantics over plain JSON, no I/O. Every write gets a
//! new `resourceVersion`; `metadata.generation` moves only when something other than metadata
//! and status changes; a write naming a stale `resourceVersion` is a conflict; watchers resume
//! from a `resourceVersion` until it falls out of the retained event window (410 Gone).

use forge_base::json::as_map;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// How many events are kept for watch resumption.
const EVENT_WINDOW: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    /// `deployments.apps`, `pods` (the resource's plural, with its group when it has one).
    pub resource: String,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Event {
    pub revision: u64,
    pub kind: EventType,
    pub key: Key,
    pub object: Value,
}

/// An API error, rendered as a `metav1.Status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
}

impl ApiError {
    pub(crate) fn not_found(key: &Key) -> Self {
        ApiError {
            code: 404,
            reason: "NotFound",
            message: format!("{} \"{}\" not found", key.resource, key.name),
        }
    }

    /// The error as the API answers it.
    pub(crate) fn response(&self) -> crate::http::Response {
        crate::http::Response::json(self.code, &self.status())
    }

    pub(crate) fn status(&self) -> Value {
        json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct Store {
    objects: BTreeMap<Key, Value>,
    revision: u64,
    events: VecDeque<Event>,
    /// Lowest revision a watch may resume from.
    horizon: u64,
}

/// Which part of an object a write may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Everything but `.status` (for resources with a status subresource).
    Main,
    /// Only `.status`.
    Status,
    /// Everything (resources without a status subresource, and the sandbox's own controllers).
    Whole,
}

impl Store {
    pub(crate) fn revision(&self) -> u64 {
        self.revision
    }

    pub fn get(&self, key: &Key) -> Option<&Value> {
        self.objects.get(key)
    }

    /// Objects of one resource, in one namespace or all, sorted by namespace and name.
    pub(crate) fn list(&self, resource: &str, namespace: Option<&str>) -> Vec<&Value> {
        self.objects
            .iter()
            .filter(|(key, _)| {
                key.resource == resource && namespace.is_none_or(|ns| key.namespace == ns)
            })
            .map(|(_, object)| object)
            .collect()
    }

    /// Creates an object; 409 when it exists.
    pub(crate) fn create(
        &mut self,
        key: Key,
        mut object: Value,
        now: &str,
    ) -> Result<Value, ApiError> {
        if self.objects.contains_key(&key) {
            return Err(ApiError {
                code: 409,
                reason: "AlreadyExists",
                message: format!("{} \"{}\" already exists", key.resource, key.name),
            });
        }
        self.revision += 1;
        let meta = metadata(&mut object);
        meta.insert("name".into(), key.name.clone().into());
        if !key.namespace.is_empty() {
            meta.insert("namespace".into(), key.namespace.clone().into());
        }
        meta.insert("uid".into(), uid(&key, self.revision).into());
        meta.insert("creationTimestamp".into(), now.into());
        meta.insert("generation".into(), 1.into());
        meta.insert("resourceVersion".into(), self.revision.to_string().into());
        self.record(EventType::Added, &key, &object);
        self.objects.insert(key, object.clone());
        Ok(object)
    }

    /// Applies a JSON merge patch (RFC 7386) to `part` of an existing object.
    pub fn patch(&mut self, key: &Key, patch: &Value, part: Part) -> Result<Value, ApiError> {
        let current = self
            .objects
            .get(key)
            .ok_or_else(|| ApiError::not_found(key))?;
        if let Some(expected) = patch
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
        {
            let actual = current
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if expected != actual {
                return Err(ApiError {
                    code: 409,
                    reason: "Conflict",
                    message: format!(
                        "Operation cannot be fulfilled on {} \"{}\": the object has been modified; please apply your changes to the latest version and try again",
                        key.resource, key.name
                    ),
                });
            }
        }
        let mut updated = current.clone();
        match part {
            Part::Whole => merge_patch(&mut updated, patch),
            Part::Main => {
                let mut without_status = patch.clone();
                if let Some(map) = without_status.as_object_mut() {
                    map.remove("status");
                }
                merge_patch(&mut updated, &without_status);
            }
            Part::Status => {
                if let (Some(status), Some(map)) = (patch.get("status"), updated.as_object_mut()) {
                    merge_patch(map.entry("status").or_insert(json!({})), status);
                }
            }
        }
        Ok(self.commit(key, updated))
    }

    /// Replaces an object as a controller would (creating it when missing).
    pub fn put(&mut self, key: Key, object: Value, now: &str) -> Value {
        if !self.objects.contains_key(&key) {
            // Cannot conflict: nothing is there.
            return self.create(key, object.clone(), now).unwrap_or(object);
        }
        let mut updated = object;
        let current = &self.objects[&key];
        // Identity fields survive a replace.
        for field in ["uid", "creationTimestamp", "generation", "resourceVersion"] {
            if let Some(value) = current.pointer(&format!("/metadata/{field}")) {
                metadata(&mut updated).insert(field.into(), value.clone());
            }
        }
        self.commit(&key, updated)
    }

    pub(crate) fn delete(&mut self, key: &Key) -> Result<Value, ApiError> {
        let mut object = self
            .objects
            .remove(key)
            .ok_or_else(|| ApiError::not_found(key))?;
        self.revision += 1;
        metadata(&mut object).insert("resourceVersion".into(), self.revision.to_string().into());
        self.record(EventType::Deleted, key, &object);
        Ok(object)
    }

    /// Events of `resource` (in `namespace`, if given) after `since`; Err when `since` is older
    /// than the retained window (the client must list again).
    pub(crate) fn events_since(
        &self,
        resource: &str,
        namespace: Option<&str>,
        since: u64,
    ) -> Result<Vec<Event>, ApiError> {
        if since < self.horizon {
            return Err(ApiError {
                code: 410,
                reason: "Expired",
                message: format!("too old resource version: {since} ({})", self.horizon),
            });
        }
        Ok(self
            .events
            .iter()
            .filter(|e| {
                e.revision > since
                    && e.key.resource == resource
                    && namespace.is_none_or(|ns| e.key.namespace == ns)
            })
            .cloned()
            .collect())
    }

    /// Stores `updated` if it differs, bumping resourceVersion (and generation when more than
    /// metadata and status changed).
    fn commit(&mut self, key: &Key, mut updated: Value) -> Value {
        let current = &self.objects[key];
        if strip_revision(current) == strip_revision(&updated) {
            return current.clone();
        }
        let generation = current
            .pointer("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let new_generation = if spec_of(current) != spec_of(&updated) {
            generation + 1
        } else {
            generation
        };
        self.revision += 1;
        let meta = metadata(&mut updated);
        meta.insert("generation".into(), new_generation.into());
        meta.insert("resourceVersion".into(), self.revision.to_string().into());
        self.record(EventType::Modified, key, &updated);
        self.objects.insert(key.clone(), updated.clone());
        updated
    }

    fn record(&mut self, kind: EventType, key: &Key, object: &Value) {
        self.events.push_back(Event {
            revision: self.revision,
            kind,
            key: key.clone(),
            object: object.clone(),
        });
        while self.events.len() > EVENT_WINDOW {
            if let Some(dropped) = self.events.pop_front() {
                self.horizon = dropped.revision;
            }
        }
    }
}

/// Locks shared state. A thread that panicked while holding it left the data as it was
/// between two whole writes (every write is one call under the lock), so the sandbox keeps
/// serving it rather than failing every later request.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The cluster state shared by the API and the sandbox's controllers: the objects and what
/// else a request or a controller may read or change.
#[derive(Default)]
pub(crate) struct Cluster {
    pub(crate) store: Mutex<Store>,
    /// Notified after every write, so watches wake at once.
    pub(crate) changed: Condvar,
    pub(crate) metrics: Mutex<crate::metrics::Counters>,
    pub(crate) faults: Faults,
    /// Bearer token of the Argo CD REST API.
    pub(crate) argocd_token: String,
    /// Bearer token the Kubernetes API demands (with `--tls`); None: no authentication.
    pub(crate) api_token: Option<String>,
    /// `DIR/sandbox.log`: requests and reconciles.
    pub(crate) log: crate::log::Log,
    /// Counts API requests, to pick which ones fail without randomness.
    requests: std::sync::atomic::AtomicU64,
}

/// Injected API failures, for testing clients against a flaky server.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Share of resource requests answered 500.
    pub error_rate: f64,
    /// Share of resource requests answered 429 with `Retry-After: 1`.
    pub throttle_rate: f64,
    /// Watches are cut after this long (as a load balancer would).
    pub drop_watches_after: Option<Duration>,
}

impl Cluster {
    pub(crate) fn new(faults: Faults, argocd_token: String) -> Self {
        Cluster {
            faults,
            argocd_token,
            ..Cluster::default()
        }
    }

    /// Runs `write` against the store and wakes watchers.
    pub(crate) fn write<T>(&self, write: impl FnOnce(&mut Store) -> T) -> T {
        let result = write(&mut crate::store::lock(&self.store));
        self.changed.notify_all();
        result
    }

    /// A write as a dry run (`?dryRun=All`): on a copy of the store, so the answer is what
    /// the write would give, and nothing changes or reaches a watch.
    pub(crate) fn write_dry<T>(&self, write: impl FnOnce(&mut Store) -> T) -> T {
        let mut copy = crate::store::lock(&self.store).clone();
        write(&mut copy)
    }

    /// Whether request number n falls in the failing share: spread evenly, no randomness.
    pub(crate) fn injected(&self) -> Option<ApiError> {
        let n = self
            .requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed) as f64;
        // The fractional parts of n·φ spread evenly over [0, 1).
        let spot = (n * 0.618_033_988_749_895).fract();
        if spot < self.faults.error_rate {
            Some(ApiError {
                code: 500,
                reason: "InternalError",
                message: "injected fault: internal error".into(),
            })
        } else if spot < self.faults.error_rate + self.faults.throttle_rate {
            Some(ApiError {
                code: 429,
                reason: "TooManyRequests",
                message: "injected fault: too many requests, retry after 1s".into(),
            })
        } else {
            None
        }
    }
}

fn metadata(object: &mut Value) -> &mut Map<String, Value> {
    as_map(as_map(object).entry("metadata").or_insert(json!({})))
}

fn strip_revision(object: &Value) -> Value {
    let mut copy = object.clone();
    if let Some(meta) = copy.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("resourceVersion");
        meta.remove("generation");
    }
    copy
}

/// Everything but metadata and status: what `generation` counts changes of.
fn spec_of(object: &Value) -> Value {
    let mut copy = object.clone();
    if let Some(map) = copy.as_object_mut() {
        map.remove("metadata");
        map.remove("status");
    }
    copy
}

/// A status without the times controllers refresh on every write (condition transition and
/// update times, the artifact's update time): what "did the status change?" compares.
pub(crate) fn without_timestamps(status: &Value) -> Value {
    let mut copy = status.clone();
    for condition in copy
        .get_mut("conditions")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Some(map) = condition.as_object_mut() {
            map.remove("lastUpdateTime");
            map.remove("lastTransitionTime");
        }
    }
    if let Some(artifact) = copy.get_mut("artifact").and_then(Value::as_object_mut) {
        artifact.remove("lastUpdateTime");
    }
    copy
}

/// RFC 7386: maps merge, `null` deletes, anything else replaces.
pub(crate) fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    let map = as_map(target);
    for (key, value) in patch {
        if value.is_null() {
            map.remove(key);
        } else {
            merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

fn uid(key: &Key, revision: u64) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!(
        "{}/{}/{}/{revision}",
        key.resource, key.namespace, key.name
    ));
    let hex = hex::encode(&digest[..16]);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Key {
        Key {
            resource: "deployments.apps".into(),
            namespace: "demo".into(),
            name: name.into(),
        }
    }

    fn store_with_one() -> Store {
        let mut store = Store::default();
        store
            .create(
                key("web"),
                json!({"kind": "Deployment", "spec": {"replicas": 1}}),
                "2026-01-01T00:00:00Z",
            )
            .unwrap();
        store
    }

    #[test]
    fn create_sets_identity_and_refuses_duplicates() {
        let mut store = store_with_one();
        let web = store.get(&key("web")).unwrap();
        assert_eq!(web["metadata"]["generation"], 1);
        assert_eq!(web["metadata"]["resourceVersion"], "1");
        assert_eq!(web["metadata"]["namespace"], "demo");
        let again = store.create(key("web"), json!({}), "now").unwrap_err();
        assert_eq!((again.code, again.reason), (409, "AlreadyExists"));
    }

    #[test]
    fn generation_moves_with_spec_only() {
        let mut store = store_with_one();
        let labelled = store
            .patch(
                &key("web"),
                &json!({"metadata": {"labels": {"a": "b"}}}),
                Part::Main,
            )
            .unwrap();
        assert_eq!(labelled["metadata"]["generation"], 1);
        assert_eq!(labelled["metadata"]["resourceVersion"], "2");
        let scaled = store
            .patch(&key("web"), &json!({"spec": {"replicas": 3}}), Part::Main)
            .unwrap();
        assert_eq!(scaled["metadata"]["generation"], 2);
        let status = store
            .patch(
                &key("web"),
                &json!({"status": {"readyReplicas": 3}}),
                Part::Status,
            )
            .unwrap();
        assert_eq!(status["metadata"]["generation"], 2);
        assert_eq!(status["status"]["readyReplicas"], 3);
    }

    #[test]
    fn the_main_resource_ignores_status_and_the_subresource_ignores_the_rest() {
        let mut store = store_with_one();
        let main = store
            .patch(
                &key("web"),
                &json!({"status": {"x": 1}, "spec": {"replicas": 2}}),
                Part::Main,
            )
            .unwrap();
        assert!(main.get("status").is_none());
        let status = store
            .patch(
                &key("web"),
                &json!({"status": {"x": 1}, "spec": {"replicas": 9}}),
                Part::Status,
            )
            .unwrap();
        assert_eq!(status["spec"]["replicas"], 2);
        assert_eq!(status["status"]["x"], 1);
    }

    #[test]
    fn an_unchanged_patch_writes_nothing() {
        let mut store = store_with_one();
        let same = store
            .patch(&key("web"), &json!({"spec": {"replicas": 1}}), Part::Main)
            .unwrap();
        assert_eq!(same["metadata"]["resourceVersion"], "1");
        assert_eq!(store.revision(), 1);
    }

    #[test]
    fn a_stale_resource_version_is_a_conflict() {
        let mut store = store_with_one();
        store
            .patch(&key("web"), &json!({"spec": {"replicas": 2}}), Part::Main)
            .unwrap();
        let stale = store.patch(
            &key("web"),
            &json!({"metadata": {"resourceVersion": "1"}, "spec": {"replicas": 3}}),
            Part::Main,
        );
        assert_eq!(stale.unwrap_err().code, 409);
    }

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut target, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(target, json!({"a": "z", "c": {"d": "e"}}));
        merge_patch(&mut target, &json!({"c": [1, 2]}));
        assert_eq!(target["c"], json!([1, 2]));
    }

    #[test]
    fn watches_resume_from_a_revision_and_expire() {
        let mut store = store_with_one();
        store
            .patch(&key("web"), &json!({"spec": {"replicas": 2}}), Part::Main)
            .unwrap();
        store.delete(&key("web")).unwrap();
        let events = store
            .events_since("deployments.apps", Some("demo"), 1)
            .unwrap();
        let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EventType::Modified, EventType::Deleted]);
        assert!(
            store
                .events_since("deployments.apps", Some("other"), 0)
                .unwrap()
                .is_empty()
        );
        for i in 0..EVENT_WINDOW + 5 {
            store
                .create(key(&format!("w{i}")), json!({}), "now")
                .unwrap();
        }
        assert_eq!(
            store
                .events_since("deployments.apps", None, 1)
                .unwrap_err()
                .code,
            410
        );
    }
}
