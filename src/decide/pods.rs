//! The pods of the revision a workload is rolling out, and those of them that will not come up
//! on their own. Only the current revision's pods are judged: an older release's pods linger
//! for their termination grace period (30 s by default) and say nothing about this one.

use super::one_line;
use super::workload::{int, new_replica_set, owned_by};
use serde_json::Value;
use std::time::Duration;

/// Pods name their Deployment revision by their ReplicaSet's template hash, and their
/// StatefulSet or DaemonSet revision by this label.
const TEMPLATE_HASH: &str = "pod-template-hash";
const REVISION_HASH: &str = "controller-revision-hash";

/// A workload's pods, split by revision.
#[derive(Debug, Default, PartialEq)]
pub struct RevisionPods<'a> {
    /// Pods of the revision being rolled out: the only ones judged.
    pub current: Vec<&'a Value>,
    /// Pods of older revisions: still serving, or terminating from the previous release.
    pub previous: Vec<&'a Value>,
}

impl RevisionPods<'_> {
    /// How many of the previous revisions' pods are being deleted.
    pub fn terminating(&self) -> usize {
        self.previous.iter().filter(|pod| terminating(pod)).count()
    }
}

/// Splits the pods a workload owns by revision. `owned` holds the namespace's ReplicaSets
/// (for a Deployment) or ControllerRevisions (for a DaemonSet); a StatefulSet names its
/// revision in its status; a Job has only one. None while the revision being rolled out is not known: until the
/// controller has observed the workload's latest spec, the revision it shows is the previous
/// release's, and judging by it would blame this release for that one's pods.
pub fn by_revision<'a>(
    workload: &Value,
    owned: &[Value],
    pods: &'a [Value],
) -> Option<RevisionPods<'a>> {
    let kind = workload["kind"].as_str()?;
    let generation = workload
        .pointer("/metadata/generation")
        .and_then(Value::as_i64);
    let observed = workload
        .pointer("/status/observedGeneration")
        .and_then(Value::as_i64);
    // A Job reports no observedGeneration: its pod template cannot change after creation.
    if kind != "Job" && generation.is_some_and(|generation| observed.is_none_or(|o| o < generation))
    {
        return None;
    }
    // The label and value that mark a pod of the revision being rolled out; None: every pod
    // the workload owns is of it.
    let revision = match kind {
        "Deployment" => {
            let replica_set = new_replica_set(workload, owned)?;
            let hash = replica_set["metadata"]["labels"][TEMPLATE_HASH].as_str()?;
            Some((TEMPLATE_HASH, hash.to_string()))
        }
        "StatefulSet" => {
            let revision = workload.pointer("/status/updateRevision")?.as_str()?;
            Some((REVISION_HASH, revision.to_string()))
        }
        "DaemonSet" => Some((REVISION_HASH, daemon_set_revision(workload, owned)?)),
        // A Job's pod template cannot change: every pod it made runs this release (a
        // release that replaces the Job makes a new one, with a new uid).
        "Job" => None,
        _ => return None,
    };
    // A Deployment owns its pods through its ReplicaSets.
    let (owner_kind, owners): (&str, Vec<&Value>) = match kind {
        "Deployment" => (
            "ReplicaSet",
            owned.iter().filter(|rs| owned_by(rs, workload)).collect(),
        ),
        _ => (kind, vec![workload]),
    };
    let mut split = RevisionPods::default();
    let pods = pods.iter().filter(|pod| {
        owners
            .iter()
            .any(|owner| controlled_by(pod, owner, owner_kind))
    });
    for pod in pods {
        let current = revision.as_ref().is_none_or(|(label, current)| {
            pod["metadata"]["labels"][*label].as_str() == Some(current.as_str())
        });
        if current {
            split.current.push(pod);
        } else {
            split.previous.push(pod);
        }
    }
    Some(split)
}

/// The hash of a DaemonSet's newest ControllerRevision, as its pods carry it.
fn daemon_set_revision(daemon_set: &Value, revisions: &[Value]) -> Option<String> {
    let newest = revisions
        .iter()
        .filter(|revision| controlled_by(revision, daemon_set, "DaemonSet"))
        .max_by_key(|revision| int(revision, "/revision", 0))?;
    if let Some(hash) = newest["metadata"]["labels"][REVISION_HASH].as_str() {
        return Some(hash.to_string());
    }
    let name = daemon_set["metadata"]["name"].as_str()?;
    let revision = newest["metadata"]["name"].as_str()?;
    Some(revision.strip_prefix(name)?.strip_prefix('-')?.to_string())
}

/// `object` names `owner` (of `owner_kind`) as its owner: by uid, or by kind and name where
/// either side has no uid (objects written by hand, or by the sandbox).
fn controlled_by(object: &Value, owner: &Value, owner_kind: &str) -> bool {
    let owner_meta = &owner["metadata"];
    if object["metadata"]["namespace"] != owner_meta["namespace"] {
        return false;
    }
    object["metadata"]["ownerReferences"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|reference| match (uid(reference), uid(owner_meta)) {
            (Some(reference), Some(uid)) => reference == uid,
            _ => reference["kind"] == owner_kind && reference["name"] == owner_meta["name"],
        })
}

/// An object's uid; clients fill a missing one in as "".
fn uid(object: &Value) -> Option<&str> {
    object["uid"].as_str().filter(|uid| !uid.is_empty())
}

fn terminating(pod: &Value) -> bool {
    !pod.pointer("/metadata/deletionTimestamp")
        .is_none_or(Value::is_null)
}

/// When a crashing or unpullable container counts as stuck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrashPolicy {
    /// This many restarts and it is stuck.
    pub max_restarts: u32,
    /// In a bad state for this long (since the pod started) and it is stuck.
    pub max_waiting: Duration,
}

impl Default for CrashPolicy {
    fn default() -> Self {
        CrashPolicy {
            max_restarts: 3,
            max_waiting: Duration::from_secs(60),
        }
    }
}

/// A container of the current revision that will not come up without a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StuckPod {
    /// The pod's own namespace: where its log and events are read.
    pub namespace: String,
    pub name: String,
    pub container: String,
    pub reason: String,
    pub restarts: u32,
    pub message: String,
}

/// Waiting reasons that end only when the pod spec or its image changes.
const STUCK_WAITING: &[&str] = &[
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
    "InvalidImageName",
];

/// Waiting reasons that no amount of waiting fixes: stuck at once.
const STUCK_AT_ONCE: &[&str] = &["InvalidImageName", "CreateContainerConfigError"];

/// Pods (of the current revision, see [`by_revision`]) with a container (init containers too)
/// that is crash-looping or cannot start, past `policy`'s restarts or time; `now` is seconds
/// since the Unix epoch. A pod already being deleted is on its way out and is not judged.
pub fn stuck_pods(pods: &[&Value], policy: &CrashPolicy, now: f64) -> Vec<StuckPod> {
    let mut stuck = Vec::new();
    for pod in pods.iter().copied().filter(|pod| !terminating(pod)) {
        let name = pod["metadata"]["name"].as_str().unwrap_or("?");
        let namespace = pod["metadata"]["namespace"].as_str().unwrap_or_default();
        // How long the pod has tried; its start time, else its creation.
        let since = pod
            .pointer("/status/startTime")
            .or(pod.pointer("/metadata/creationTimestamp"))
            .and_then(Value::as_str)
            .and_then(crate::time::parse_rfc3339);
        let waited_too_long =
            since.is_some_and(|since| now - since >= policy.max_waiting.as_secs_f64());
        let statuses = ["initContainerStatuses", "containerStatuses"]
            .into_iter()
            .filter_map(|field| pod["status"][field].as_array())
            .flatten();
        for status in statuses {
            let Some((reason, message)) = bad_state(status) else {
                continue;
            };
            let restarts = u32::try_from(int(status, "/restartCount", 0)).unwrap_or(0);
            if STUCK_AT_ONCE.contains(&reason.as_str())
                || restarts >= policy.max_restarts
                || waited_too_long
            {
                stuck.push(StuckPod {
                    namespace: namespace.to_string(),
                    name: name.to_string(),
                    container: status["name"].as_str().unwrap_or("?").to_string(),
                    reason,
                    restarts,
                    message,
                });
            }
        }
    }
    stuck
}

/// `(reason, message)` when a container status is in a state it will not leave by itself.
fn bad_state(status: &Value) -> Option<(String, String)> {
    let last_exit = status.pointer("/lastState/terminated").map(termination);
    if let Some(waiting) = status.pointer("/state/waiting") {
        let reason = waiting["reason"].as_str()?;
        if !STUCK_WAITING.contains(&reason) {
            return None;
        }
        let mut message = one_line(waiting["message"].as_str().unwrap_or_default());
        if let Some(last_exit) = last_exit {
            if !message.is_empty() {
                message.push_str("; ");
            }
            message.push_str(&format!("last exit: {last_exit}"));
        }
        return Some((reason.to_string(), message));
    }
    // Between restarts a crashed container shows as terminated; restarts say it is a loop.
    let terminated = status.pointer("/state/terminated")?;
    let reason = terminated["reason"].as_str()?;
    (matches!(reason, "Error" | "OOMKilled") && int(status, "/restartCount", 0) > 0)
        .then(|| (reason.to_string(), termination(terminated)))
}

/// `Reason (exit code N): message` of a container termination.
fn termination(terminated: &Value) -> String {
    let mut text = format!(
        "{} (exit code {})",
        terminated["reason"].as_str().unwrap_or("Terminated"),
        int(terminated, "/exitCode", -1)
    );
    if let Some(message) = terminated["message"]
        .as_str()
        .filter(|m| !m.trim().is_empty())
    {
        text.push_str(&format!(": {}", one_line(message)));
    }
    text
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::fixture;

    fn at(text: &str) -> f64 {
        crate::time::parse_rfc3339(text).expect("a test timestamp")
    }

    fn list(name: &str) -> Vec<Value> {
        match fixture(name) {
            Value::Array(items) => items,
            other => panic!("{name} is not a list: {other}"),
        }
    }

    fn names(pods: &[&Value]) -> Vec<String> {
        pods.iter()
            .map(|pod| pod["metadata"]["name"].as_str().unwrap().to_string())
            .collect()
    }

    fn stuck_names(stuck: &[StuckPod]) -> Vec<&str> {
        stuck.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn a_deployments_pods_split_by_its_revisions_replica_set() {
        let replica_sets = list("replicasets-rolling-out.json");
        let pods = list("pods-crash-looping.json");
        let rolling = fixture("deployment-rolling-out.json");
        let split = by_revision(&rolling, &replica_sets, &pods).unwrap();
        assert_eq!(
            names(&split.current),
            ["hello-0khee0b539-ajdac", "hello-0khee0b539-cdcfd"]
        );
        assert_eq!(
            names(&split.previous),
            ["hello-73kq7kqb7k-hfeic", "hello-73kq7kqb7k-jcfgc"]
        );
        let stuck = stuck_pods(
            &split.current,
            &CrashPolicy::default(),
            at("2026-11-24T11:53:14Z"),
        );
        assert_eq!(
            stuck_names(&stuck),
            ["hello-0khee0b539-ajdac", "hello-0khee0b539-cdcfd"]
        );
        assert_eq!(
            stuck[0],
            StuckPod {
                namespace: "hello-dev".into(),
                name: "hello-0khee0b539-ajdac".into(),
                container: "web".into(),
                reason: "CrashLoopBackOff".into(),
                restarts: 4,
                message: "back-off restarting failed container".into(),
            }
        );
    }

    #[test]
    fn a_rolled_back_deployment_is_not_judged_by_the_failed_releases_pods() {
        let replica_sets = list("replicasets-rolling-out.json");
        let pods = list("pods-crash-looping.json");
        // Rolled back to the first ReplicaSet's template: the controller gives it revision 3.
        let mut rolled_back = fixture("deployment-available.json");
        let mut old = replica_sets[1].clone();
        old["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "3".into();
        rolled_back["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "3".into();
        let replica_sets = [replica_sets[0].clone(), old];
        let split = by_revision(&rolled_back, &replica_sets, &pods).unwrap();
        let late = at("2026-11-24T12:00:00Z");
        assert!(stuck_pods(&split.current, &CrashPolicy::default(), late).is_empty());
        assert_eq!(
            stuck_pods(&split.previous, &CrashPolicy::default(), late).len(),
            2,
            "the failed release's pods still crash, and do not count"
        );
    }

    #[test]
    fn an_unobserved_spec_judges_no_pod() {
        // Just after the rollback is applied: a new generation, and the revision annotation
        // still names the failed release's ReplicaSet (whose pods crash).
        let replica_sets = list("replicasets-rolling-out.json");
        let pods = list("pods-crash-looping.json");
        let mut applied = fixture("deployment-rolling-out.json");
        applied["metadata"]["generation"] = 3.into();
        assert_eq!(by_revision(&applied, &replica_sets, &pods), None);
        applied["status"]
            .as_object_mut()
            .unwrap()
            .remove("observedGeneration");
        assert_eq!(by_revision(&applied, &replica_sets, &pods), None);
        applied["status"]["observedGeneration"] = 3.into();
        assert!(by_revision(&applied, &replica_sets, &pods).is_some());
    }

    // The StatefulSet and DaemonSet fixtures below are real: captured from the real stack
    // (kube-controller-manager v1.36.3, kwok nodes) while they rolled out. They show what the
    // controllers write: a StatefulSet's pods carry its full revision name
    // (`controller-revision-hash: db-5fcbb96bcd`, = status.updateRevision), a DaemonSet's pods
    // only the hash (`7ddf95f87`), which its ControllerRevision (`agent-7ddf95f87`) carries as
    // the same label.

    #[test]
    fn a_stateful_sets_pods_split_by_its_update_revision() {
        let pods = list("pods-workloads-crash-looping.json");
        let rolling = fixture("statefulset-crash-looping.json");
        assert_eq!(rolling["status"]["updateRevision"], "db-769499b757");
        let split = by_revision(&rolling, &[], &pods).unwrap();
        assert_eq!(names(&split.current), ["db-2"]);
        assert_eq!(
            names(&split.previous),
            ["db-0", "db-1"],
            "the DaemonSets' and the Deployment's pods are neither"
        );
        let stuck = stuck_pods(&split.current, &CrashPolicy::default(), 0.0);
        assert_eq!(
            stuck,
            [StuckPod {
                namespace: "wl".into(),
                name: "db-2".into(),
                container: "db".into(),
                reason: "CrashLoopBackOff".into(),
                restarts: 11,
                message: "back-off 110s restarting failed container=db; last exit: Error (exit \
                          code 1)"
                    .into(),
            }]
        );
        // Partition 2: db-2 runs the new revision, db-0 and db-1 stay at the previous one.
        let pods = list("pods-statefulset-partitioned.json");
        let partitioned = fixture("statefulset-partitioned.json");
        let split = by_revision(&partitioned, &[], &pods).unwrap();
        assert_eq!(names(&split.current), ["db-2"]);
        assert_eq!(names(&split.previous), ["db-0", "db-1"]);
    }

    #[test]
    fn a_daemon_sets_pods_split_by_its_newest_controller_revision() {
        let pods = list("pods-daemonset-rolling-out.json");
        let revisions = list("controllerrevisions-daemonset.json");
        let rolling = fixture("daemonset-rolling-out.json");
        assert_eq!(revisions[1]["metadata"]["name"], "agent-7ddf95f87");
        assert_eq!(
            revisions[1]["metadata"]["labels"][REVISION_HASH],
            "7ddf95f87"
        );
        let split = by_revision(&rolling, &revisions, &pods).unwrap();
        assert_eq!(names(&split.current), ["agent-mdjkg"]);
        assert_eq!(names(&split.previous), ["agent-lxt55", "agent-vnzxn"]);
        assert_eq!(split.terminating(), 1, "agent-lxt55 is being replaced");
        // Without the hash label, the revision's name carries it.
        let unlabelled: Vec<Value> = revisions
            .into_iter()
            .map(|mut r| {
                r["metadata"].as_object_mut().unwrap().remove("labels");
                r
            })
            .collect();
        let split = by_revision(&rolling, &unlabelled, &pods).unwrap();
        assert_eq!(names(&split.current), ["agent-mdjkg"]);
        assert_eq!(by_revision(&rolling, &[], &pods), None);
    }

    #[test]
    fn a_daemon_sets_crash_looping_pod_of_its_new_revision_is_stuck() {
        let pods = list("pods-workloads-crash-looping.json");
        let revisions = list("controllerrevisions-daemonset-crash-looping.json");
        let rolling = fixture("daemonset-crash-looping.json");
        let split = by_revision(&rolling, &revisions, &pods).unwrap();
        assert_eq!(names(&split.current), ["agent-gmnjj"]);
        assert_eq!(
            names(&split.previous),
            ["agent-cl9qf", "agent-x4x84"],
            "the other DaemonSet's pods are neither"
        );
        let stuck = stuck_pods(&split.current, &CrashPolicy::default(), 0.0);
        assert_eq!(stuck_names(&stuck), ["agent-gmnjj"]);
        assert_eq!(stuck[0].reason, "CrashLoopBackOff");
        assert!(stuck_pods(&split.previous, &CrashPolicy::default(), 0.0).is_empty());
    }

    #[test]
    fn an_on_delete_daemon_sets_old_pods_are_not_its_new_revisions() {
        let pods = list("pods-daemonset-ondelete.json");
        let revisions = list("controllerrevisions-daemonset-ondelete.json");
        let on_delete = fixture("daemonset-ondelete.json");
        let split = by_revision(&on_delete, &revisions, &pods).unwrap();
        assert!(split.current.is_empty(), "nobody deleted a pod yet");
        assert_eq!(
            names(&split.previous),
            ["node-agent-dhgvw", "node-agent-sg2gj", "node-agent-w9dvz"]
        );
    }

    #[test]
    fn every_pod_of_a_job_is_of_its_release() {
        let job = serde_json::json!({"kind": "Job", "metadata": {"name": "migrate",
            "namespace": "shop", "uid": "job-uid", "generation": 1}});
        let pod = |name: &str, owner_uid: &str| {
            serde_json::json!({"metadata": {"name": name, "namespace": "shop",
                "ownerReferences": [{"kind": "Job", "name": "migrate", "uid": owner_uid}]}})
        };
        let pods = [
            pod("migrate-a", "job-uid"),
            pod("migrate-b", "job-uid"),
            pod("migrate-old", "replaced-job-uid"),
        ];
        let split = by_revision(&job, &[], &pods).unwrap();
        assert_eq!(names(&split.current), ["migrate-a", "migrate-b"]);
        assert!(
            split.previous.is_empty(),
            "another Job's pods are not this one's"
        );
    }

    #[test]
    fn terminating_pods_of_the_current_revision_are_not_judged() {
        let pods = list("pods-workloads-crash-looping.json");
        let crashing = &pods[1];
        let mut doomed = crashing.clone();
        doomed["metadata"]["deletionTimestamp"] = "2026-12-02T03:15:00Z".into();
        assert!(stuck_pods(&[&doomed], &CrashPolicy::default(), 0.0).is_empty());
        assert_eq!(
            stuck_pods(&[crashing], &CrashPolicy::default(), 0.0).len(),
            1
        );
    }

    #[test]
    fn restarts_or_time_make_a_pod_stuck() {
        let pods = list("pods-crash-looping.json");
        let new: Vec<&Value> = pods[..2].iter().collect();
        let patient = CrashPolicy {
            max_restarts: 10,
            max_waiting: Duration::from_secs(60),
        };
        assert!(stuck_pods(&new, &patient, at("2026-11-24T11:53:38Z")).is_empty());
        assert_eq!(
            stuck_pods(&new, &patient, at("2026-11-24T11:54:08Z")).len(),
            2
        );
    }

    #[test]
    fn unpullable_images_and_missing_config_are_stuck() {
        let pods = list("pods-cannot-start.json");
        let pods: Vec<&Value> = pods.iter().collect();
        let policy = CrashPolicy::default();
        let early = stuck_pods(&pods, &policy, at("2026-11-24T12:00:31Z"));
        assert_eq!(
            early,
            [StuckPod {
                namespace: "hello-dev".into(),
                name: "hello-5d8c7b9f4-conf2".into(),
                container: "migrate".into(),
                reason: "CreateContainerConfigError".into(),
                restarts: 0,
                message: "secret \"db-credentials\" not found".into(),
            }],
            "only the config error is stuck at once"
        );
        let late = stuck_pods(&pods, &policy, at("2026-11-24T12:01:05Z"));
        let found: Vec<(&str, &str)> = late
            .iter()
            .map(|s| (s.name.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("hello-5d8c7b9f4-pull1", "ImagePullBackOff"),
                ("hello-5d8c7b9f4-conf2", "CreateContainerConfigError"),
                ("hello-5d8c7b9f4-oom3", "OOMKilled"),
            ]
        );
        assert_eq!(late[2].message, "OOMKilled (exit code 137)");
    }

    #[test]
    fn pods_without_status_are_not_stuck() {
        let pods = [
            serde_json::json!({"metadata": {"namespace": "hello-dev", "labels": {"pod-template-hash": "5d8c7b9f4"}}}),
        ];
        assert!(stuck_pods(&[&pods[0]], &CrashPolicy::default(), 0.0).is_empty());
    }
}
