//! Workloads: the kstatus rules (sigs.k8s.io/cli-utils `pkg/kstatus/status`) and Argo CD's
//! health rules (gitops-engine `pkg/health`) for Deployments, StatefulSets, DaemonSets and
//! Jobs, kstatus's generic rules (Stalled, Reconciling, Ready) for any other object, and the
//! ReplicaSet a Deployment is rolling out. Where the two upstreams differ, the rule says which
//! one forge follows and why; `fixtures/status/upstream/` holds their own test cases.

use super::{Verdict, condition, condition_is, describe, one_line, summary};
use serde_json::Value;

const REVISION: &str = "deployment.kubernetes.io/revision";

pub(super) fn int(obj: &Value, pointer: &str, default: i64) -> i64 {
    obj.pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or(default)
}

/// kstatus Current → Done, InProgress (and Terminating) → Pending, Failed → Failed.
pub fn workload(obj: &Value) -> Verdict {
    let kind = obj["kind"].as_str().unwrap_or_default();
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
        "DaemonSet" => daemon_set(obj),
        "Job" => job(obj),
        _ => conditions(obj),
    };
    match verdict {
        Verdict::Done => Verdict::Done,
        Verdict::Pending(text) => Verdict::Pending(format!("{name}: {text}")),
        Verdict::Failed(text) => Verdict::Failed(format!("{name}: {text}")),
    }
}

/// Any other object, by the conditions controllers agree on (kstatus's generic rules):
/// Stalled=True is Failed, Reconciling=True is in progress; then Ready, which most
/// controllers set (Flux, cert-manager, Crossplane…): True is Current, False or Unknown is
/// in progress. Ready=False alone is not Failed: controllers set it while they retry, and
/// say a failure is terminal with Stalled=True (Flux sets both, same reason). An object with
/// none of these conditions is Current: forge waits for no more than its controller reports.
fn conditions(obj: &Value) -> Verdict {
    if let Some(stalled) = condition(obj, "Stalled").filter(|c| c["status"] == "True") {
        return Verdict::Failed(summary(stalled));
    }
    if let Some(reconciling) = condition(obj, "Reconciling").filter(|c| c["status"] == "True") {
        return Verdict::Pending(summary(reconciling));
    }
    match condition(obj, "Ready") {
        Some(ready) if ready["status"] != "True" => Verdict::Pending(summary(ready)),
        _ => Verdict::Done,
    }
}

/// A Job is done when it completed. kstatus calls a Job Current as soon as it started (it
/// reads "running" as "reconciled"); Argo CD calls it Progressing until its Complete
/// condition. forge follows Argo CD: what a release ships as a Job (a migration, a seed) is
/// done when it ran to the end, and a Job that fails later failed the release. Failed=True is
/// Failed in both. A suspended Job runs nothing until someone resumes it: kstatus says
/// Current, Argo CD Suspended (counted as Healthy in the Application); forge calls it done
/// and [`note`] says so.
fn job(obj: &Value) -> Verdict {
    if let Some(failed) = condition(obj, "Failed").filter(|c| c["status"] == "True") {
        return Verdict::Failed(summary(failed));
    }
    if condition_is(obj, "Complete", "True") || suspended_job(obj) {
        return Verdict::Done;
    }
    if obj.pointer("/status/startTime").is_none_or(Value::is_null) {
        return Verdict::Pending("not started yet".into());
    }
    let parallelism = int(obj, "/spec/parallelism", 1);
    let completions = int(obj, "/spec/completions", parallelism);
    let succeeded = int(obj, "/status/succeeded", 0);
    let active = int(obj, "/status/active", 0);
    let failed = int(obj, "/status/failed", 0);
    Verdict::Pending(format!(
        "{succeeded}/{completions} completions, {active} active, {failed} failed"
    ))
}

fn suspended_job(obj: &Value) -> bool {
    condition_is(obj, "Suspended", "True")
}

fn deployment(obj: &Value) -> Verdict {
    if paused(obj) {
        return paused_deployment(obj);
    }
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
    // OnDelete: the controller replaces no pod, so there is no rollout to wait for (kstatus
    // calls it Current at once; forge still waits for the pods to exist and be ready, as it
    // does for a DaemonSet). [`note`] says which pods still run the previous revision.
    if on_delete(obj) {
        return Verdict::Done;
    }
    if replicas > wanted {
        return Verdict::Pending(format!(
            "{} replicas pending termination",
            replicas - wanted
        ));
    }
    // A partitioned rollout only updates the ordinals at or above the partition. The API
    // server defaults the partition to 0, so on real objects this is the rule for every
    // RollingUpdate StatefulSet (the revision checks below serve objects without it).
    if partition != -1 {
        let to_update = (wanted - partition).max(0);
        if updated < to_update {
            let which = if partition > 0 {
                format!("(partition {partition})")
            } else {
                format!(
                    "to revision {}",
                    obj.pointer("/status/updateRevision")
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                )
            };
            return Verdict::Pending(format!("{updated}/{to_update} replicas updated {which}"));
        }
        return Verdict::Done;
    }
    let current_revision = obj
        .pointer("/status/currentRevision")
        .and_then(Value::as_str);
    let update_revision = obj
        .pointer("/status/updateRevision")
        .and_then(Value::as_str);
    // kstatus waits for currentReplicas == replicas, then currentRevision == updateRevision.
    // Mid-rollout currentReplicas counts the pods still at the *previous* revision (the
    // controller moves currentRevision only once every pod is updated), so the count people
    // want to read is updatedReplicas.
    if wanted > current
        || current_revision.unwrap_or_default() != update_revision.unwrap_or_default()
    {
        return Verdict::Pending(format!(
            "{updated}/{wanted} replicas updated to revision {}",
            update_revision.unwrap_or("?")
        ));
    }
    Verdict::Done
}

fn daemon_set(obj: &Value) -> Verdict {
    // kstatus: a DaemonSet its controller has acted on always has an observedGeneration.
    if obj.pointer("/status/observedGeneration").is_none() {
        return Verdict::Pending("not observed by its controller yet".into());
    }
    // OnDelete: the controller replaces no pod until someone deletes it, so
    // updatedNumberScheduled stays where it is and waiting for it would wait forever. Argo CD
    // calls it Healthy once the controller observed the generation (checked above), and so
    // does forge; kstatus has no OnDelete rule for DaemonSets (it waits for every pod to be
    // updated, i.e. forever) and `kubectl rollout status` refuses ("only available for
    // RollingUpdate strategy type"). The pods it runs are the previous revision's, so their
    // readiness says nothing about this release. [`note`] says which pods still run it.
    if on_delete(obj) {
        return Verdict::Done;
    }
    let desired = int(obj, "/status/desiredNumberScheduled", -1);
    if desired == -1 {
        return Verdict::Pending("no desiredNumberScheduled yet".into());
    }
    let current = int(obj, "/status/currentNumberScheduled", 0);
    let updated = int(obj, "/status/updatedNumberScheduled", 0);
    let available = int(obj, "/status/numberAvailable", 0);
    let ready = int(obj, "/status/numberReady", 0);
    if desired > current {
        return Verdict::Pending(format!("{current}/{desired} pods scheduled"));
    }
    if desired > updated || desired > available || desired > ready {
        Verdict::Pending(format!(
            "{updated}/{desired} pods updated, {ready}/{desired} ready, {available}/{desired} available"
        ))
    } else {
        Verdict::Done
    }
}

fn on_delete(obj: &Value) -> bool {
    obj.pointer("/spec/updateStrategy/type")
        .and_then(Value::as_str)
        == Some("OnDelete")
}

fn paused(obj: &Value) -> bool {
    obj.pointer("/spec/paused").and_then(Value::as_bool) == Some(true)
}

/// A paused Deployment. The controller still scales it and keeps its status, but creates no
/// ReplicaSet for a new pod template (its Progressing condition turns Unknown,
/// `DeploymentPaused`): a release that changed the template will not roll out until someone
/// runs `kubectl rollout resume`. kstatus has no rule for it and reports InProgress
/// (`Updated: 0/N`) until the caller's timeout, as `kubectl rollout status` does; forge fails
/// fast instead, since no amount of waiting helps and the fix is one command. A paused
/// Deployment whose pods already run this template (only `paused` changed, or the previous
/// release was identical) has nothing to roll out: judged like any Deployment, except that its
/// Progressing condition says paused, not NewReplicaSetAvailable.
fn paused_deployment(obj: &Value) -> Verdict {
    let wanted = int(obj, "/spec/replicas", 1);
    let updated = int(obj, "/status/updatedReplicas", 0);
    if updated < wanted {
        let name = obj["metadata"]["name"].as_str().unwrap_or("?");
        let namespace = obj["metadata"]["namespace"]
            .as_str()
            .map(|ns| format!(" -n {ns}"))
            .unwrap_or_default();
        return Verdict::Failed(format!(
            "paused (spec.paused: true): {updated}/{wanted} replicas updated, and none will be \
             until it is resumed; resume it with `kubectl rollout resume deployment/{name}{namespace}` \
             or drop `paused: true` from the release"
        ));
    }
    let replicas = int(obj, "/status/replicas", 0);
    let ready = int(obj, "/status/readyReplicas", 0);
    let available = int(obj, "/status/availableReplicas", 0);
    if wanted > replicas || replicas > wanted || updated > available || wanted > ready {
        return Verdict::Pending(format!(
            "paused; {updated}/{wanted} replicas updated, {ready}/{wanted} ready, {available}/{wanted} available"
        ));
    }
    Verdict::Done
}

/// What a user should know about a workload forge calls done, when its pods do not all run
/// the new revision: an OnDelete StatefulSet or DaemonSet (the controller waits for someone
/// to delete the old pods) or a partitioned StatefulSet (ordinals below the partition stay);
/// or when it runs nothing: a suspended Job.
pub fn note(obj: &Value) -> Option<String> {
    let kind = obj["kind"].as_str()?;
    let name = describe(obj, kind);
    if kind == "Job" && suspended_job(obj) {
        return Some(format!(
            "{name} is suspended (spec.suspend: true): it runs no pod until it is resumed"
        ));
    }
    let (updated, total) = match kind {
        "StatefulSet" => (
            int(obj, "/status/updatedReplicas", 0),
            int(obj, "/spec/replicas", 1),
        ),
        "DaemonSet" => (
            int(obj, "/status/updatedNumberScheduled", 0),
            int(obj, "/status/desiredNumberScheduled", 0),
        ),
        _ => return None,
    };
    let old = total - updated;
    if old <= 0 {
        return None;
    }
    if on_delete(obj) {
        return Some(format!(
            "{name} uses updateStrategy OnDelete: {old} of its {total} pods still run the \
             previous revision and are replaced only when deleted (kubectl delete pod)"
        ));
    }
    let partition = int(obj, "/spec/updateStrategy/rollingUpdate/partition", -1);
    if kind == "StatefulSet" && partition > 0 {
        return Some(format!(
            "{name} has partition {partition}: {old} of its {total} pods (ordinals below \
             {partition}) stay at the previous revision until the partition is lowered"
        ));
    }
    None
}

/// `(ready, wanted)` pods of a workload, for `forge status`: replicas for a Deployment or
/// StatefulSet, nodes for a DaemonSet (which has no `spec.replicas`), completions for a Job.
pub fn readiness(obj: &Value) -> (u64, u64) {
    let count =
        |pointer: &str, default: i64| u64::try_from(int(obj, pointer, default)).unwrap_or(0);
    match obj["kind"].as_str() {
        Some("DaemonSet") => (
            count("/status/numberReady", 0),
            count("/status/desiredNumberScheduled", 0),
        ),
        Some("Job") => (
            count("/status/succeeded", 0),
            count("/spec/completions", int(obj, "/spec/parallelism", 1)),
        ),
        _ => (
            count("/status/readyReplicas", 0),
            count("/spec/replicas", 1),
        ),
    }
}

/// The images a workload's pod template runs (init containers first), each once.
pub fn images(obj: &Value) -> Vec<String> {
    let spec = obj.pointer("/spec/template/spec");
    let mut images: Vec<String> = Vec::new();
    for list in ["initContainers", "containers"] {
        let containers = spec.and_then(|s| s[list].as_array()).into_iter().flatten();
        for image in containers.filter_map(|c| c["image"].as_str()) {
            if !images.iter().any(|i| i == image) {
                images.push(image.to_string());
            }
        }
    }
    images
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

pub fn owned_by(rs: &Value, deployment: &Value) -> bool {
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

    // The StatefulSet, DaemonSet and paused Deployment fixtures are real objects, captured
    // (`kubectl get -o json`, managedFields removed) from the real stack (`realstack/up`:
    // kube-controller-manager v1.36.3 with kwok nodes) while they rolled out.

    #[test]
    fn stateful_sets_follow_revisions_and_partitions() {
        assert_eq!(workload(&fixture("statefulset-ready.json")), Verdict::Done);
        // Mid-rollout the controller counts the pods still at the previous revision as
        // currentReplicas; what moved is updatedReplicas.
        assert_eq!(
            pending(workload(&fixture("statefulset-rolling-out.json"))),
            "StatefulSet wl/db: 2/3 replicas ready"
        );
        let mut all_ready = fixture("statefulset-rolling-out.json");
        all_ready["status"]["readyReplicas"] = 3.into();
        assert_eq!(
            pending(workload(&all_ready)),
            "StatefulSet wl/db: 2/3 replicas updated to revision db-5fcbb96bcd"
        );
        // Partition 2 of 3: only db-2 is updated, and that is the whole rollout.
        let partitioned = fixture("statefulset-partitioned.json");
        assert_eq!(workload(&partitioned), Verdict::Done);
        assert_eq!(
            note(&partitioned).as_deref(),
            Some(
                "StatefulSet wl/db has partition 2: 2 of its 3 pods (ordinals below 2) stay at \
                 the previous revision until the partition is lowered"
            )
        );
        let mut lower = partitioned.clone();
        lower["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = 1.into();
        assert_eq!(
            pending(workload(&lower)),
            "StatefulSet wl/db: 1/2 replicas updated (partition 1)"
        );
        // Without a partition (objects not defaulted by an API server), kstatus's revision
        // checks.
        let mut mismatch = fixture("statefulset-ready.json");
        mismatch["spec"]["updateStrategy"]
            .as_object_mut()
            .unwrap()
            .remove("rollingUpdate");
        assert_eq!(workload(&mismatch), Verdict::Done);
        mismatch["status"]["updateRevision"] = "db-84b6c5d9f7".into();
        assert!(pending(workload(&mismatch)).contains("updated to revision db-84b6c5d9f7"));
        assert_eq!(note(&fixture("statefulset-ready.json")), None);
    }

    #[test]
    fn a_crash_looping_stateful_set_or_daemon_set_is_pending_not_failed() {
        // kstatus has no Failed for them: the pods tell (see decide::pods).
        assert_eq!(
            pending(workload(&fixture("statefulset-crash-looping.json"))),
            "StatefulSet wl/db: 2/3 replicas ready"
        );
        assert_eq!(
            pending(workload(&fixture("daemonset-crash-looping.json"))),
            "DaemonSet wl/agent: 1/3 pods updated, 2/3 ready, 2/3 available"
        );
    }

    #[test]
    fn an_on_delete_stateful_set_is_done_once_its_pods_are_ready() {
        let mut on_delete = fixture("statefulset-partitioned.json");
        on_delete["spec"]["updateStrategy"] = serde_json::json!({"type": "OnDelete"});
        assert_eq!(workload(&on_delete), Verdict::Done);
        assert_eq!(
            note(&on_delete).as_deref(),
            Some(
                "StatefulSet wl/db uses updateStrategy OnDelete: 2 of its 3 pods still run the \
                 previous revision and are replaced only when deleted (kubectl delete pod)"
            )
        );
        on_delete["status"]["readyReplicas"] = 2.into();
        assert_eq!(
            pending(workload(&on_delete)),
            "StatefulSet wl/db: 2/3 replicas ready"
        );
    }

    #[test]
    fn daemon_sets_wait_for_every_node() {
        assert_eq!(workload(&fixture("daemonset-ready.json")), Verdict::Done);
        assert_eq!(note(&fixture("daemonset-ready.json")), None);
        assert_eq!(
            pending(workload(&fixture("daemonset-rolling-out.json"))),
            "DaemonSet wl/agent: 1/3 pods updated, 3/3 ready, 3/3 available"
        );
        let fresh = serde_json::json!({"kind": "DaemonSet", "metadata": {"name": "agent"}});
        assert!(pending(workload(&fresh)).contains("not observed by its controller yet"));
        let observed = serde_json::json!({"kind": "DaemonSet", "metadata": {"name": "agent"},
            "status": {"observedGeneration": 1}});
        assert!(pending(workload(&observed)).contains("no desiredNumberScheduled yet"));
    }

    #[test]
    fn an_on_delete_daemon_set_does_not_wait_for_pods_nobody_deletes() {
        // Real: a new template applied, every pod still at the previous revision and the
        // controller reporting no updatedNumberScheduled at all.
        let on_delete = fixture("daemonset-ondelete.json");
        assert_eq!(on_delete["status"].get("updatedNumberScheduled"), None);
        assert_eq!(workload(&on_delete), Verdict::Done);
        assert_eq!(
            note(&on_delete).as_deref(),
            Some(
                "DaemonSet wl/node-agent uses updateStrategy OnDelete: 3 of its 3 pods still run \
                 the previous revision and are replaced only when deleted (kubectl delete pod)"
            )
        );
        // Argo CD's rule: healthy once the controller observed the generation. The pods it
        // runs are the previous revision's; their readiness is not this release's.
        let mut unready = on_delete.clone();
        unready["status"]["numberReady"] = 2.into();
        unready["status"]["currentNumberScheduled"] = 1.into();
        assert_eq!(workload(&unready), Verdict::Done);
        let mut unobserved = on_delete.clone();
        unobserved["metadata"]["generation"] = 3.into();
        assert_eq!(
            pending(workload(&unobserved)),
            "DaemonSet wl/node-agent: generation 3 not observed yet (observed 2)"
        );
        unobserved["status"]
            .as_object_mut()
            .unwrap()
            .remove("observedGeneration");
        assert_eq!(
            pending(workload(&unobserved)),
            "DaemonSet wl/node-agent: not observed by its controller yet"
        );
        // The same object rolling: the RollingUpdate rule would wait for all 3 forever.
        let mut rolling = on_delete;
        rolling["spec"]["updateStrategy"] = serde_json::json!({"type": "RollingUpdate"});
        assert!(pending(workload(&rolling)).contains("0/3 pods updated"));
        assert_eq!(note(&rolling), None);
    }

    #[test]
    fn a_paused_deployment_with_a_new_template_fails_at_once() {
        // Real: the controller observed the new generation, made no ReplicaSet for it and set
        // Progressing=Unknown DeploymentPaused.
        let paused = fixture("deployment-paused.json");
        assert_eq!(
            condition(&paused, "Progressing").map(|c| &c["reason"]),
            Some(&Value::from("DeploymentPaused"))
        );
        assert_eq!(
            workload(&paused),
            Verdict::Failed(
                "Deployment wl/web: paused (spec.paused: true): 0/2 replicas updated, and none \
                 will be until it is resumed; resume it with `kubectl rollout resume \
                 deployment/web -n wl` or drop `paused: true` from the release"
                    .into()
            )
        );
        // Not observed yet: pending, like any Deployment.
        let mut unobserved = paused.clone();
        unobserved["status"]["observedGeneration"] = 1.into();
        assert!(pending(workload(&unobserved)).contains("generation 2 not observed yet"));
        // Paused, but its pods already run this template: nothing to roll out.
        let mut current = paused.clone();
        current["status"]["updatedReplicas"] = 2.into();
        assert_eq!(workload(&current), Verdict::Done);
        current["status"]["readyReplicas"] = 1.into();
        assert_eq!(
            pending(workload(&current)),
            "Deployment wl/web: paused; 2/2 replicas updated, 1/2 ready, 2/2 available"
        );
        // Resumed: the ordinary rules again.
        let mut resumed = paused;
        resumed["spec"]["paused"] = false.into();
        assert!(pending(workload(&resumed)).contains("0/2 replicas updated"));
    }

    #[test]
    fn readiness_counts_replicas_or_nodes() {
        assert_eq!(readiness(&fixture("daemonset-rolling-out.json")), (3, 3));
        assert_eq!(readiness(&fixture("daemonset-crash-looping.json")), (2, 3));
        assert_eq!(
            readiness(&fixture("statefulset-crash-looping.json")),
            (2, 3)
        );
        assert_eq!(readiness(&fixture("deployment-paused.json")), (2, 2));
    }

    /// The verdict class a case expects of forge: its own `forge` where the upstreams
    /// disagree (with a `why`), else the upstream's verdict in forge's words.
    fn expected_of_forge(case: &Value) -> &'static str {
        if let Some(forge) = case["forge"].as_str() {
            assert!(
                case["why"].as_str().is_some_and(|why| !why.is_empty()),
                "{}: a verdict of forge's own says why",
                case["name"]
            );
            return match forge {
                "Done" => "Done",
                "Pending" => "Pending",
                "Failed" => "Failed",
                other => panic!("{}: unknown forge verdict {other}", case["name"]),
            };
        }
        match case["upstream"].as_str() {
            Some("Current" | "Healthy") => "Done",
            Some("InProgress" | "Progressing") => "Pending",
            Some("Failed" | "Degraded") => "Failed",
            other => panic!("{}: no forge verdict for {other:?}", case["name"]),
        }
    }

    fn class(verdict: &Verdict) -> &'static str {
        match verdict {
            Verdict::Done => "Done",
            Verdict::Pending(_) => "Pending",
            Verdict::Failed(_) => "Failed",
        }
    }

    #[test]
    fn upstream_cases_agree() {
        let mut judged = 0;
        for file in ["upstream/kstatus.json", "upstream/argocd.json"] {
            let cases = fixture(file);
            let cases = cases["cases"].as_array().expect("cases");
            let disagreements: Vec<String> = cases
                .iter()
                .filter_map(|case| {
                    let verdict = workload(&case["object"]);
                    (class(&verdict) != expected_of_forge(case)).then(|| {
                        format!(
                            "{file} {}: upstream {}, forge {verdict:?}",
                            case["name"], case["upstream"]
                        )
                    })
                })
                .collect();
            assert!(disagreements.is_empty(), "{disagreements:#?}");
            judged += cases.len();
        }
        assert_eq!(judged, 35, "every upstream case is judged");
    }

    #[test]
    fn jobs_are_done_when_complete_and_failed_when_failed() {
        let cases = fixture("upstream/argocd.json");
        let job = |name: &str| {
            cases["cases"]
                .as_array()
                .unwrap()
                .iter()
                .find(|case| case["name"] == name)
                .map(|case| case["object"].clone())
                .unwrap()
        };
        assert_eq!(workload(&job("job-succeeded.yaml")), Verdict::Done);
        assert_eq!(
            workload(&job("job-failed.yaml")),
            Verdict::Failed(
                "Job argoci-workflows/fail: Failed=True BackoffLimitExceeded: Job has reached \
                 the specified backoff limit"
                    .into()
            )
        );
        let running = job("job-running.yaml");
        assert_eq!(
            pending(workload(&running)),
            "Job argoci-workflows/succeed: 0/1 completions, 1 active, 0 failed"
        );
        assert_eq!(readiness(&running), (0, 1));
        let mut unstarted = running.clone();
        unstarted["status"] = serde_json::json!({});
        assert_eq!(
            pending(workload(&unstarted)),
            "Job argoci-workflows/succeed: not started yet"
        );
        // Suspended: nothing runs until someone resumes it; done, and said so.
        let mut suspended = unstarted;
        suspended["status"]["conditions"] =
            serde_json::json!([{"type": "Suspended", "status": "True", "reason": "JobSuspended"}]);
        assert_eq!(workload(&suspended), Verdict::Done);
        assert_eq!(
            note(&suspended).as_deref(),
            Some(
                "Job argoci-workflows/succeed is suspended (spec.suspend: true): it runs no pod \
                 until it is resumed"
            )
        );
        assert_eq!(note(&job("job-succeeded.yaml")), None);
    }

    #[test]
    fn images_are_the_pod_templates_init_containers_first_each_once() {
        let deployment = serde_json::json!({"kind": "Deployment", "spec": {"template": {"spec": {
            "initContainers": [{"name": "migrate", "image": "app:2"}],
            "containers": [{"name": "web", "image": "app:2"}, {"name": "proxy", "image": "envoy:1"}]
        }}}});
        assert_eq!(images(&deployment), ["app:2", "envoy:1"]);
        assert!(images(&serde_json::json!({"kind": "ConfigMap"})).is_empty());
    }

    #[test]
    fn other_objects_follow_their_ready_stalled_and_reconciling_conditions() {
        let object = |conditions: Value| {
            serde_json::json!({"kind": "Certificate", "metadata": {"name": "web", "namespace": "wl",
                "generation": 2}, "status": {"observedGeneration": 2, "conditions": conditions}})
        };
        let ready = object(serde_json::json!([{"type": "Ready", "status": "True"}]));
        assert_eq!(workload(&ready), Verdict::Done);
        let retrying = object(serde_json::json!([
            {"type": "Ready", "status": "False", "reason": "Issuing", "message": "Issuing certificate"}
        ]));
        assert_eq!(
            pending(workload(&retrying)),
            "Certificate wl/web: Ready=False Issuing: Issuing certificate"
        );
        let stalled = object(serde_json::json!([
            {"type": "Ready", "status": "False", "reason": "InvalidSpec"},
            {"type": "Stalled", "status": "True", "reason": "InvalidSpec", "message": "bad issuer"}
        ]));
        assert_eq!(
            workload(&stalled),
            Verdict::Failed("Certificate wl/web: Stalled=True InvalidSpec: bad issuer".into())
        );
        let reconciling = object(serde_json::json!([
            {"type": "Ready", "status": "True"},
            {"type": "Reconciling", "status": "True", "reason": "Progressing"}
        ]));
        assert_eq!(
            pending(workload(&reconciling)),
            "Certificate wl/web: Reconciling=True Progressing"
        );
        let mut behind = ready;
        behind["metadata"]["generation"] = 3.into();
        assert!(pending(workload(&behind)).contains("generation 3 not observed yet"));
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
