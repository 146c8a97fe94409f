//! What an env's workloads have been doing, as kubectl shows it: the events of the objects its
//! GitOps object applied (and of that object itself), and its pods' logs. The workloads are
//! found as the wait finds them — the Kustomization's inventory or the Application's
//! resources — so nobody needs to know the namespace or a label selector.

use super::Target;
use super::unbound::{in_cluster, missing};
use crate::cluster::{
    Cluster, ClusterError, DEPLOYMENT, EVENT, HELM_RELEASE, LogRange, ObjectRef, POD, REPLICA_SET,
};
use crate::decide::pods::owned_pods;
use crate::decide::workload::owned_by;
use crate::error::{Diagnose, ExitCode};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// One Kubernetes event about an object of the env.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// When it last happened (RFC 3339), empty when the event does not say.
    pub last_seen: String,
    /// Normal or Warning.
    #[serde(rename = "type")]
    pub kind: String,
    pub reason: String,
    /// The object it is about, as kubectl names it: `pod/hello-7d9f-x2x`.
    pub object: String,
    pub namespace: String,
    pub message: String,
    /// How many times it happened.
    pub count: u64,
}

impl Event {
    /// An Event object (core/v1) as forge shows it.
    pub fn read(event: &Value) -> Event {
        let text = |pointer: &str| {
            event
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        // Newer clients fill eventTime (and a series) instead of the timestamps.
        let last_seen = [
            "/lastTimestamp",
            "/series/lastObservedTime",
            "/eventTime",
            "/firstTimestamp",
            "/metadata/creationTimestamp",
        ]
        .into_iter()
        .map(text)
        .find(|time| !time.is_empty())
        .unwrap_or_default();
        Event {
            last_seen,
            kind: text("/type"),
            reason: text("/reason"),
            object: format!(
                "{}/{}",
                text("/involvedObject/kind").to_lowercase(),
                text("/involvedObject/name")
            ),
            namespace: involved_namespace(event).to_string(),
            message: text("/message"),
            count: event.get("count").and_then(Value::as_u64).unwrap_or(1),
        }
    }

    /// `BackOff pod/web-abc: Back-off restarting failed container`, as a failure report
    /// lists it.
    pub fn line(&self) -> String {
        format!("{} {}: {}", self.reason, self.object, self.message)
    }

    /// When it last happened, in seconds since the epoch; None when the event does not say.
    pub fn seen_at(&self) -> Option<f64> {
        crate::time::parse_rfc3339(&self.last_seen)
    }
}

/// The namespace of the object an event is about (an event lives beside its object).
fn involved_namespace(event: &Value) -> &str {
    event
        .pointer("/involvedObject/namespace")
        .or_else(|| event.pointer("/metadata/namespace"))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// What one container of one of the env's pods printed.
#[derive(Debug, Serialize)]
pub struct ContainerLog {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub lines: Vec<String>,
    /// Why the log could not be read (a container not started yet, say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ActivityError {
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    #[error("{object} does not exist in {place}, so which workloads are {env}'s is not known")]
    Missing {
        object: ObjectRef,
        place: String,
        env: String,
        /// How to create it.
        hint: String,
    },
}

impl Diagnose for ActivityError {
    fn exit_code(&self) -> ExitCode {
        match self {
            ActivityError::Cluster(err) => err.exit_code(),
            // As for a deploy: nothing applies the env dir.
            ActivityError::Missing { .. } => ExitCode::GateFailed,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ActivityError::Cluster(err) => err.hint(),
            ActivityError::Missing { hint, .. } => Some(hint.clone()),
        }
    }
}

/// An object's identity as an event names it: kind, namespace, name.
type Key = (String, String, String);

fn key(kind: &str, namespace: &str, name: &str) -> Key {
    (kind.to_string(), namespace.to_string(), name.to_string())
}

/// The env's objects in the cluster: the GitOps object, what it applied, the ReplicaSets and
/// pods its workloads own; and those pods.
#[derive(Default)]
struct Found {
    objects: BTreeSet<Key>,
    pods: Vec<Value>,
}

async fn find(cluster: &Cluster, target: &Target) -> Result<Found, ActivityError> {
    let gitops = target.gitops_object();
    let Some(object) = cluster.get(&gitops).await? else {
        let place = in_cluster(cluster);
        return Err(ActivityError::Missing {
            hint: missing(target, &gitops, &place).hint,
            object: gitops,
            place,
            env: target.env.clone(),
        });
    };
    let mut found = Found::default();
    found
        .objects
        .insert(key(gitops.kind.kind, &gitops.namespace, &gitops.name));
    let applied = super::applied_workloads(target.engine, &object);
    for reference in &applied {
        found.objects.insert(key(
            reference.kind.kind,
            &reference.namespace,
            &reference.name,
        ));
    }
    // A HelmRelease's workloads are the chart's: its own events are what forge can name.
    let workloads: Vec<&ObjectRef> = applied.iter().filter(|w| w.kind != HELM_RELEASE).collect();
    let namespaces: BTreeSet<&str> = workloads.iter().map(|w| w.namespace.as_str()).collect();
    for namespace in namespaces {
        let pods = cluster.list(POD, namespace).await?;
        let replica_sets = cluster.list(REPLICA_SET, namespace).await?;
        for reference in workloads.iter().filter(|w| w.namespace == namespace) {
            let Some(mut workload) = cluster.get(reference).await? else {
                continue;
            };
            workload["kind"] = reference.kind.kind.into();
            if reference.kind == DEPLOYMENT {
                for replica_set in replica_sets.iter().filter(|rs| owned_by(rs, &workload)) {
                    found
                        .objects
                        .insert(key(REPLICA_SET.kind, namespace, name_of(replica_set)));
                }
            }
            for pod in owned_pods(&workload, &replica_sets, &pods) {
                found.objects.insert(key(POD.kind, namespace, name_of(pod)));
                found.pods.push(pod.clone());
            }
        }
    }
    found
        .pods
        .sort_by(|a, b| (namespace_of(a), name_of(a)).cmp(&(namespace_of(b), name_of(b))));
    Ok(found)
}

fn name_of(object: &Value) -> &str {
    object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn namespace_of(object: &Value) -> &str {
    object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The events about the env's objects, oldest first; with `since` (seconds since the epoch),
/// only those seen then or later.
pub async fn events(
    cluster: &Cluster,
    target: &Target,
    since: Option<f64>,
) -> Result<Vec<Event>, ActivityError> {
    let found = find(cluster, target).await?;
    let namespaces: BTreeSet<&str> = found.objects.iter().map(|(_, ns, _)| ns.as_str()).collect();
    let mut listed = Vec::new();
    for namespace in namespaces {
        listed.extend(cluster.list(EVENT, namespace).await?);
    }
    Ok(select(&listed, &found.objects, since))
}

/// The events of `listed` about `objects`, seen at `since` or later, oldest first.
fn select(listed: &[Value], objects: &BTreeSet<Key>, since: Option<f64>) -> Vec<Event> {
    let mut events: Vec<Event> = listed
        .iter()
        .filter(|event| {
            let involved = |field: &str| {
                event
                    .pointer(&format!("/involvedObject/{field}"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            };
            objects.contains(&key(
                involved("kind"),
                involved_namespace(event),
                involved("name"),
            ))
        })
        .map(Event::read)
        .filter(|event| since.is_none_or(|since| event.seen_at() >= Some(since)))
        .collect();
    // Events that do not say when sort first, as the oldest.
    let at = |event: &Event| event.seen_at().unwrap_or(0.0);
    events.sort_by(|a, b| at(a).total_cmp(&at(b)));
    events
}

/// Each container's log in each of the env's pods, pods by namespace and name.
pub async fn logs(
    cluster: &Cluster,
    target: &Target,
    range: &LogRange,
) -> Result<Vec<ContainerLog>, ActivityError> {
    let found = find(cluster, target).await?;
    let mut logs = Vec::new();
    for pod in &found.pods {
        let (namespace, name) = (namespace_of(pod), name_of(pod));
        for container in containers(pod) {
            let read = cluster
                .container_log(namespace, name, container, range)
                .await;
            let (lines, error) = match read {
                Ok(text) => (text.lines().map(str::to_string).collect(), None),
                // One container without a log (not started yet) leaves the others to read.
                Err(err) => (Vec::new(), Some(err.to_string())),
            };
            logs.push(ContainerLog {
                namespace: namespace.to_string(),
                pod: name.to_string(),
                container: container.to_string(),
                lines,
                error,
            });
        }
    }
    Ok(logs)
}

/// The names of a pod's containers, in its spec's order.
fn containers(pod: &Value) -> Vec<&str> {
    pod.pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|container| container.get("name")?.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(kind: &str, name: &str, reason: &str, at: &str) -> Value {
        json!({"metadata": {"namespace": "hello-dev", "name": format!("{name}.1")},
            "involvedObject": {"kind": kind, "name": name, "namespace": "hello-dev"},
            "type": "Normal", "reason": reason, "message": "m", "lastTimestamp": at})
    }

    #[test]
    fn only_the_envs_objects_events_are_kept_oldest_first() {
        let objects: BTreeSet<Key> = [
            key("Deployment", "hello-dev", "hello"),
            key("Pod", "hello-dev", "hello-abc"),
        ]
        .into();
        let listed = [
            event("Pod", "hello-abc", "Started", "2026-01-01T00:00:05Z"),
            event("Pod", "other-xyz", "Started", "2026-01-01T00:00:01Z"),
            event(
                "Deployment",
                "hello",
                "ScalingReplicaSet",
                "2026-01-01T00:00:02Z",
            ),
            // A Service of the same name is another object.
            event("Service", "hello", "Updated", "2026-01-01T00:00:03Z"),
        ];
        let kept = select(&listed, &objects, None);
        let reasons: Vec<&str> = kept.iter().map(|e| e.reason.as_str()).collect();
        assert_eq!(reasons, ["ScalingReplicaSet", "Started"]);
        assert_eq!(kept[1].object, "pod/hello-abc");
        let since = crate::time::parse_rfc3339("2026-01-01T00:00:04Z");
        let recent = select(&listed, &objects, since);
        assert_eq!(recent.len(), 1, "{recent:?}");
        assert_eq!(recent[0].reason, "Started");
    }

    #[test]
    fn an_event_without_timestamps_falls_back_to_event_time() {
        let read = Event::read(&json!({"involvedObject": {"kind": "Pod", "name": "p"},
            "metadata": {"namespace": "n"}, "eventTime": "2026-01-01T00:00:00.000001Z",
            "type": "Warning", "reason": "BackOff", "message": "Back-off"}));
        assert_eq!(read.last_seen, "2026-01-01T00:00:00.000001Z");
        assert_eq!(read.namespace, "n");
        assert_eq!(read.count, 1);
        assert_eq!(read.line(), "BackOff pod/p: Back-off");
    }
}
