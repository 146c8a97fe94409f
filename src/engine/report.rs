//! What a failed rollout report carries: the cause, the failing pods' last log lines and the
//! warning events of the objects involved.

use crate::cluster::{Cluster, EVENT, ObjectRef};
use crate::decide::pods::StuckPod;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

#[derive(Debug, Serialize)]
pub struct Failure {
    pub cause: String,
    pub pods: Vec<PodReport>,
    pub events: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PodReport {
    pub name: String,
    pub container: String,
    pub reason: String,
    pub restarts: u32,
    pub log: String,
}

impl Failure {
    pub fn new(cause: String) -> Failure {
        Failure {
            cause,
            pods: Vec::new(),
            events: Vec::new(),
        }
    }
}

/// How many pods' logs a report fetches, and how many events it keeps.
const MAX_PODS: usize = 3;
const MAX_EVENTS: usize = 10;

/// Adds the stuck pods' logs (each read in its own namespace) and the warning events of the
/// failing workload's namespace. Reading them is best effort: a report without logs beats no
/// report.
pub(super) async fn gather(
    cluster: &Cluster,
    mut failure: Failure,
    failing: &ObjectRef,
    stuck: &[StuckPod],
) -> Failure {
    for pod in stuck.iter().take(MAX_PODS) {
        failure.pods.push(PodReport {
            name: pod.name.clone(),
            container: pod.container.clone(),
            reason: pod.reason.clone(),
            restarts: pod.restarts,
            log: match cluster
                .pod_log(&pod.namespace, &pod.name, &pod.container)
                .await
            {
                // A container that never started has no log; its waiting message says why.
                log if log.trim().is_empty() => pod.message.clone(),
                log => log,
            },
        });
    }
    for namespace in event_namespaces(failing, stuck) {
        let Ok(events) = cluster.list(EVENT, namespace).await else {
            continue;
        };
        failure.events.extend(
            events
                .iter()
                .filter(|e| e.get("type").and_then(Value::as_str) == Some("Warning"))
                .map(event_line),
        );
    }
    // The same warning repeats per restart; once is enough in a report.
    failure.events.dedup();
    let skip = failure.events.len().saturating_sub(MAX_EVENTS);
    failure.events.drain(..skip);
    failure
}

/// Where a report reads warning events: the failing workload's namespace and its stuck pods'
/// (the same one, as pods live beside their workload). Other workloads of the release may
/// live elsewhere; their warnings say nothing about this failure.
fn event_namespaces<'a>(failing: &'a ObjectRef, stuck: &'a [StuckPod]) -> BTreeSet<&'a str> {
    std::iter::once(failing.namespace.as_str())
        .chain(stuck.iter().map(|pod| pod.namespace.as_str()))
        .collect()
}

/// `Warning BackOff pod/web-abc: Back-off restarting failed container`
fn event_line(event: &Value) -> String {
    let text = |pointer: &str| {
        event
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    format!(
        "{} {}/{}: {}",
        text("/reason"),
        text("/involvedObject/kind").to_lowercase(),
        text("/involvedObject/name"),
        text("/message")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::DEPLOYMENT;

    #[test]
    fn events_are_read_where_the_failing_workload_lives() {
        let failing = ObjectRef {
            kind: DEPLOYMENT,
            namespace: "payments".into(),
            name: "api".into(),
        };
        let stuck = [StuckPod {
            namespace: "payments".into(),
            name: "api-7d9f-x2x".into(),
            container: "api".into(),
            reason: "CrashLoopBackOff".into(),
            restarts: 4,
            message: String::new(),
        }];
        // The release's other workload, in "web", is not where this failure happened.
        assert_eq!(
            event_namespaces(&failing, &stuck)
                .into_iter()
                .collect::<Vec<_>>(),
            ["payments"]
        );
        assert_eq!(
            event_namespaces(&failing, &[])
                .into_iter()
                .collect::<Vec<_>>(),
            ["payments"]
        );
    }
}
