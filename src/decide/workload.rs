//! Workloads: the kstatus rules (sigs.k8s.io/cli-utils `pkg/kstatus/status`) for Deployments,
//! StatefulSets and DaemonSets, and the ReplicaSet a Deployment is rolling out.

use super::{Verdict, condition, condition_is, describe, one_line};
use serde_json::Value;

const REVISION: &str = "deployment.kubernetes.io/revision";

pub(super) fn int(obj: &Value, pointer: &str, default: i64) -> i64 {
    obj.pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or(default)
}

/// kstatus Current → Done, InProgress → Pending, Failed → Failed. Other kinds are Done: forge
/// waits for no more than the controllers report.
pub fn workload(obj: &Value) -> Verdict {
    let kind = obj["kind"].as_str().unwrap_or_default();
    if !matches!(kind, "Deployment" | "StatefulSet" | "DaemonSet") {
        return Verdict::Done;
    }
    let name = describe(obj, kind);
    if !obj
        .pointer("/metadata/deletionTimestamp")
        .is_none_or(Value::is_null)
    {
        return Verdict::Pending(format!("{name}: being deleted"));
    }
    let generation = obj.pointer("/metadata/generation").and_then(Value::as_i64);
    let observed = obj
        .pointer("/status/observedGeneration")
        .and_then(Value::as_i64);
    if let (Some(generation), Some(observed)) = (generation, observed)
        && observed < generation
    {
        return Verdict::Pending(format!(
            "{name}: generation {generation} not observed yet (observed {observed})"
        ));
    }
    let verdict = match kind {
        "Deployment" => deployment(obj),
        "StatefulSet" => stateful_set(obj),
        _ => daemon_set(obj),
    };
    match verdict {
        Verdict::Done => Verdict::Done,
        Verdict::Pending(text) => Verdict::Pending(format!("{name}: {text}")),
        Verdict::Failed(text) => Verdict::Failed(format!("{name}: {text}")),
    }
}

fn deployment(obj: &Value) -> Verdict {
    // Without a progress deadline the controller never sets Progressing, so kstatus does not
    // wait for it (i32::MAX is how the controller spells "none").
    let deadline = obj
        .pointer("/spec/progressDeadlineSeconds")
        .and_then(Value::as_i64);
    let mut progressing = deadline.is_none_or(|d| d == i64::from(i32::MAX));
    if let Some(c) = condition(obj, "Progressing") {
        if c["reason"] == "ProgressDeadlineExceeded" {
            let message = one_line(
                c["message"]
                    .as_str()
                    .unwrap_or("progress deadline exceeded"),
            );
            return Verdict::Failed(format!("ProgressDeadlineExceeded: {message}"));
        }
        if c["status"] == "True" && c["reason"] == "NewReplicaSetAvailable" {
            progressing = true;
        }
    }
    let available_condition = condition_is(obj, "Available", "True");
    let wanted = int(obj, "/spec/replicas", 1);
    let replicas = int(obj, "/status/replicas", 0);
    let updated = int(obj, "/status/updatedReplicas", 0);
    let ready = int(obj, "/status/readyReplicas", 0);
    let available = int(obj, "/status/availableReplicas", 0);
    let counts = format!(
        "{updated}/{wanted} replicas updated, {ready}/{wanted} ready, {available}/{wanted} available"
    );
    let waiting_for = if wanted > replicas {
        format!("{replicas}/{wanted} replicas created")
    } else if wanted > updated {
        counts
    } else if replicas > wanted {
        format!(
            "{} old replicas pending termination; {counts}",
            replicas - wanted
        )
    } else if updated > available || wanted > ready {
        counts
    } else if !progressing {
        "new ReplicaSet not available yet".into()
    } else if !available_condition {
        "Deployment not Available yet".into()
    } else {
        return Verdict::Done;
    };
    Verdict::Pending(waiting_for)
}

fn stateful_set(obj: &Value) -> Verdict {
    // OnDelete: the user replaces pods by hand, so there is no rollout to wait for.
    if obj
        .pointer("/spec/updateStrategy/type")
        .and_then(Value::as_str)
        == Some("OnDelete")
    {
        return Verdict::Done;
    }
    let wanted = int(obj, "/spec/replicas", 1);
    let replicas = int(obj, "/status/replicas", 0);
    let ready = int(obj, "/status/readyReplicas", 0);
    let current = int(obj, "/status/currentReplicas", 0);
    let updated = int(obj, "/status/updatedReplicas", 0);
    let partition = int(obj, "/spec/updateStrategy/rollingUpdate/partition", -1);
    if wanted > replicas {
        return Verdict::Pending(format!("{replicas}/{wanted} replicas created"));
    }
    if wanted > ready {
        return Verdict::Pending(format!("{ready}/{wanted} replicas ready"));
    }
    if replicas > wanted {
        return Verdict::Pending(format!(
            "{} replicas pending termination",
            replicas - wanted
        ));
    }
    // A partitioned rollout only updates the ordinals at or above the partition.
    if partition != -1 {
        let to_update = (wanted - partition).max(0);
        if updated < to_update {
            return Verdict::Pending(format!(
                "{updated}/{to_update} replicas updated (partition {partition})"
            ));
        }
        return Verdict::Done;
    }
    if wanted > current {
        return Verdict::Pending(format!(
            "{current}/{wanted} replicas at the current revision"
        ));
    }
    let current_revision = obj
        .pointer("/status/currentRevision")
        .and_then(Value::as_str);
    let update_revision = obj
        .pointer("/status/updateRevision")
        .and_then(Value::as_str);
    if current_revision.unwrap_or_default() != update_revision.unwrap_or_default() {
        return Verdict::Pending(format!(
            "{updated}/{wanted} replicas updated to revision {}",
            update_revision.unwrap_or("?")
        ));
    }
    Verdict::Done
}

fn daemon_set(obj: &Value) -> Verdict {
    let desired = int(obj, "/status/desiredNumberScheduled", -1);
    if desired == -1 {
        return Verdict::Pending("no desiredNumberScheduled yet".into());
    }
    let current = int(obj, "/status/currentNumberScheduled", 0);
    let updated = int(obj, "/status/updatedNumberScheduled", 0);
    let available = int(obj, "/status/numberAvailable", 0);
    let ready = int(obj, "/status/numberReady", 0);
    let counts = format!(
        "{updated}/{desired} pods updated, {ready}/{desired} ready, {available}/{desired} available"
    );
    if desired > current {
        Verdict::Pending(format!("{current}/{desired} pods scheduled"))
    } else if desired > updated || desired > available || desired > ready {
        Verdict::Pending(counts)
    } else {
        Verdict::Done
    }
}

/// The Deployment's current ReplicaSet: owned by it (by uid; by name prefix and labels when
/// the uid is missing) with the Deployment's revision, or its pod template when the
/// Deployment has no revision annotation yet.
pub fn new_replica_set<'a>(deployment: &Value, replica_sets: &'a [Value]) -> Option<&'a Value> {
    let meta = &deployment["metadata"];
    let revision = meta["annotations"][REVISION].as_str();
    let template = deployment.pointer("/spec/template");
    replica_sets
        .iter()
        .filter(|rs| owned_by(rs, deployment))
        .find(|rs| match revision {
            Some(revision) => rs["metadata"]["annotations"][REVISION].as_str() == Some(revision),
            None => template.is_some_and(|t| same_template_ignoring_hash(rs, t)),
        })
}

pub(super) fn owned_by(rs: &Value, deployment: &Value) -> bool {
    let meta = &deployment["metadata"];
    if rs["metadata"]["namespace"] != meta["namespace"] {
        return false;
    }
    let owners = rs["metadata"]["ownerReferences"].as_array();
    if let (Some(uid), Some(owners)) = (meta["uid"].as_str(), owners) {
        return owners.iter().any(|o| o["uid"].as_str() == Some(uid));
    }
    // No uid to compare (hand-made objects): `<deployment>-<hash>` carrying the selector's labels.
    let Some(name) = meta["name"].as_str() else {
        return false;
    };
    let named = rs["metadata"]["name"]
        .as_str()
        .and_then(|n| n.strip_prefix(name))
        .is_some_and(|rest| rest.starts_with('-'));
    let selector = deployment
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object);
    let labelled = selector.is_some_and(|labels| {
        labels
            .iter()
            .all(|(key, value)| rs["metadata"]["labels"][key] == *value)
    });
    named && labelled
}

/// The Deployment controller's own test: templates equal once `pod-template-hash` is removed.
fn same_template_ignoring_hash(rs: &Value, template: &Value) -> bool {
    let Some(mut ours) = rs.pointer("/spec/template").cloned() else {
        return false;
    };
    if let Some(labels) = ours
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove("pod-template-hash");
    }
    ours == *template
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::fixture;

    fn pending(verdict: Verdict) -> String {
        match verdict {
            Verdict::Pending(text) => text,
            other => panic!("expected Pending, got {other:?}"),
        }
    }

    fn list(name: &str) -> Vec<Value> {
        match fixture(name) {
            Value::Array(items) => items,
            other => panic!("{name} is not a list: {other}"),
        }
    }

    #[test]
    fn an_available_deployment_is_current() {
        assert_eq!(
            workload(&fixture("deployment-available.json")),
            Verdict::Done
        );
    }

    #[test]
    fn a_rolling_deployment_is_pending_with_its_counts() {
        assert_eq!(
            pending(workload(&fixture("deployment-rolling-out.json"))),
            "Deployment hello-dev/hello: 2 old replicas pending termination; 2/2 replicas updated, 2/2 ready, 2/2 available"
        );
    }

    #[test]
    fn a_missed_progress_deadline_is_failed() {
        assert_eq!(
            workload(&fixture("deployment-progress-deadline-exceeded.json")),
            Verdict::Failed(
                "Deployment hello-dev/hello: ProgressDeadlineExceeded: ReplicaSet \"hello-0khee0b539\" has timed out progressing.".into()
            )
        );
    }

    #[test]
    fn an_unobserved_generation_is_pending() {
        assert_eq!(
            pending(workload(&fixture("deployment-stale-generation.json"))),
            "Deployment hello-dev/hello: generation 3 not observed yet (observed 1)"
        );
    }

    #[test]
    fn deployment_counts_follow_kstatus_order() {
        let mut deployment = fixture("deployment-available.json");
        deployment["spec"]["replicas"] = 3.into();
        assert_eq!(
            pending(workload(&deployment)),
            "Deployment hello-dev/hello: 2/3 replicas created"
        );
        deployment["status"]["replicas"] = 3.into();
        deployment["status"]["updatedReplicas"] = 3.into();
        assert_eq!(
            pending(workload(&deployment)),
            "Deployment hello-dev/hello: 3/3 replicas updated, 2/3 ready, 2/3 available"
        );
        deployment["status"]["readyReplicas"] = 3.into();
        deployment["status"]["availableReplicas"] = 3.into();
        deployment["status"]["conditions"][0]["status"] = "False".into();
        assert_eq!(
            pending(workload(&deployment)),
            "Deployment hello-dev/hello: Deployment not Available yet"
        );
        deployment["spec"]["progressDeadlineSeconds"] = 600.into();
        deployment["status"]["conditions"][1]["reason"] = "ReplicaSetUpdated".into();
        assert!(pending(workload(&deployment)).ends_with("new ReplicaSet not available yet"));
    }

    #[test]
    fn stateful_sets_follow_revisions_and_partitions() {
        assert_eq!(workload(&fixture("statefulset-ready.json")), Verdict::Done);
        assert_eq!(
            pending(workload(&fixture("statefulset-rolling-out.json"))),
            "StatefulSet hello-dev/db: 2/3 replicas at the current revision"
        );
        assert_eq!(
            workload(&fixture("statefulset-partitioned.json")),
            Verdict::Done
        );
        let mut partitioned = fixture("statefulset-partitioned.json");
        partitioned["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = 1.into();
        assert_eq!(
            pending(workload(&partitioned)),
            "StatefulSet hello-dev/db: 1/2 replicas updated (partition 1)"
        );
        let mut mismatch = fixture("statefulset-ready.json");
        mismatch["status"]["updateRevision"] = "db-84b6c5d9f7".into();
        assert!(pending(workload(&mismatch)).contains("updated to revision db-84b6c5d9f7"));
    }

    #[test]
    fn daemon_sets_wait_for_every_node() {
        assert_eq!(workload(&fixture("daemonset-ready.json")), Verdict::Done);
        assert_eq!(
            pending(workload(&fixture("daemonset-rolling-out.json"))),
            "DaemonSet hello-dev/agent: 2/3 pods updated, 2/3 ready, 2/3 available"
        );
        let fresh = serde_json::json!({"kind": "DaemonSet", "metadata": {"name": "agent"}});
        assert!(pending(workload(&fresh)).contains("no desiredNumberScheduled yet"));
    }

    #[test]
    fn other_kinds_are_done_and_missing_status_is_pending() {
        assert_eq!(
            workload(&serde_json::json!({"kind": "Service"})),
            Verdict::Done
        );
        let bare =
            serde_json::json!({"kind": "Deployment", "metadata": {"name": "x", "namespace": "y"}});
        assert_eq!(
            pending(workload(&bare)),
            "Deployment y/x: 0/1 replicas created"
        );
    }

    #[test]
    fn the_new_replica_set_has_the_deployments_revision() {
        let replica_sets = list("replicasets-rolling-out.json");
        let rolling = fixture("deployment-rolling-out.json");
        let new = new_replica_set(&rolling, &replica_sets).map(|rs| &rs["metadata"]["name"]);
        assert_eq!(new, Some(&Value::from("hello-0khee0b539")));
        let done = fixture("deployment-available.json");
        let old = new_replica_set(&done, &replica_sets).map(|rs| &rs["metadata"]["name"]);
        assert_eq!(old, Some(&Value::from("hello-73kq7kqb7k")));
    }

    #[test]
    fn replica_sets_of_another_owner_do_not_count() {
        let replica_sets = list("replicasets-rolling-out.json");
        let mut other = fixture("deployment-rolling-out.json");
        other["metadata"]["uid"] = "someone-else".into();
        assert_eq!(new_replica_set(&other, &replica_sets), None);
        // Without uids, the name prefix and selector labels decide.
        let mut no_uid = fixture("deployment-rolling-out.json");
        no_uid["metadata"].as_object_mut().map(|m| m.remove("uid"));
        let found = new_replica_set(&no_uid, &replica_sets).map(|rs| &rs["metadata"]["name"]);
        assert_eq!(found, Some(&Value::from("hello-0khee0b539")));
        no_uid["metadata"]["name"] = "hell".into();
        assert_eq!(new_replica_set(&no_uid, &replica_sets), None);
    }

    #[test]
    fn without_a_revision_the_pod_template_decides() {
        let replica_sets = list("replicasets-rolling-out.json");
        let mut rolling = fixture("deployment-rolling-out.json");
        rolling["metadata"]
            .as_object_mut()
            .map(|m| m.remove("annotations"));
        let found = new_replica_set(&rolling, &replica_sets).map(|rs| &rs["metadata"]["name"]);
        assert_eq!(found, Some(&Value::from("hello-0khee0b539")));
    }
}
