//! The sandbox's deployment controller: ReplicaSets and Pods for each Deployment, pods that
//! become ready one after another over (real) time, old ReplicaSets scaled down once the new
//! one is available, and the Deployment's status and conditions moved the way the Kubernetes
//! controller moves them. A pod whose image matches a `--bad-image` pattern crash-loops, logs
//! why, and the rollout reports `ProgressDeadlineExceeded` once the deadline passes. Scaled-down
//! pods stay Terminating for their grace period, as a kubelet keeps them, and the controller
//! may be told to notice a changed Deployment late, as a busy controller-manager does.

use crate::glob::glob_matches;
use crate::store::{Key, Part, Store, without_timestamps};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

/// How Deployments roll out, and which images fail.
#[derive(Clone, Debug)]
pub struct Rollout {
    /// Glob patterns (`*` wildcard) of image references that crash-loop.
    pub bad_images: Vec<String>,
    /// Glob patterns of image references that cannot be pulled (ImagePullBackOff).
    pub unpullable_images: Vec<String>,
    /// How long a rollout may make no progress before it is failed (Kubernetes: 600s).
    pub progress_deadline: Duration,
    /// Time between one pod becoming ready and the next.
    pub pod_ready_after: Duration,
    /// How long a deleted pod stays Terminating (a kubelet's grace period: 30 s by default).
    pub pod_grace_period: Duration,
    /// How long after a Deployment's spec changes the controller notices it.
    pub controller_lag: Duration,
}

impl Default for Rollout {
    fn default() -> Self {
        Rollout {
            bad_images: Vec::new(),
            unpullable_images: Vec::new(),
            progress_deadline: Duration::from_secs(600),
            pod_ready_after: Duration::from_millis(300),
            pod_grace_period: Duration::from_secs(2),
            controller_lag: Duration::ZERO,
        }
    }
}

/// The annotation that numbers a Deployment's rollouts, on it and on each of its ReplicaSets.
const REVISION: &str = "deployment.kubernetes.io/revision";

fn revision_of(replica_set: &Value) -> u64 {
    replica_set["metadata"]["annotations"][REVISION]
        .as_str()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// Seconds since the epoch, as a float, for the controller's own timestamps.
pub type Now = f64;

/// The deployment controller, with what it has noticed so far.
pub struct Controller {
    settings: Rollout,
    /// Per Deployment (namespace, name): the generation last seen, and when it was first seen.
    noticed: HashMap<(String, String), (i64, Now)>,
}

impl Controller {
    pub fn new(settings: Rollout) -> Controller {
        Controller {
            settings,
            noticed: HashMap::new(),
        }
    }

    /// Moves every Deployment it has noticed one step, and ends the grace period of pods
    /// whose time is up; returns whether anything changed.
    pub fn step(&mut self, store: &mut Store, now: Now) -> bool {
        let before = store.revision();
        let deployments: Vec<Value> = store
            .list("deployments.apps", None)
            .into_iter()
            .cloned()
            .collect();
        for deployment in deployments {
            if self.noticed(&deployment, now) {
                reconcile(store, &deployment, now, &self.settings);
            }
        }
        collect_garbage(store, now, &self.settings);
        remove_terminated_pods(store, now);
        store.revision() != before
    }

    /// Whether the controller has noticed the Deployment's current generation by `now`.
    fn noticed(&mut self, deployment: &Value, now: Now) -> bool {
        let meta = &deployment["metadata"];
        let id = (
            meta["namespace"].as_str().unwrap_or_default().to_string(),
            meta["name"].as_str().unwrap_or_default().to_string(),
        );
        let generation = meta["generation"].as_i64().unwrap_or(0);
        let seen = self.noticed.entry(id).or_insert((generation, now));
        if seen.0 != generation {
            *seen = (generation, now);
        }
        now - seen.1 >= self.settings.controller_lag.as_secs_f64()
    }
}

/// Starts a pod's grace period (once): it stays, Terminating, until the period is over.
fn terminate(store: &mut Store, pod: &Value, now: Now, settings: &Rollout) {
    if pod["metadata"].get("deletionTimestamp").is_some() {
        return;
    }
    let grace = settings.pod_grace_period.as_secs_f64();
    let until = json!({"metadata": {
        "deletionTimestamp": time((now + grace).ceil()),
        "deletionGracePeriodSeconds": grace.ceil() as i64,
    }});
    let meta = &pod["metadata"];
    let pod_key = key(
        "pods",
        meta["namespace"].as_str().unwrap_or_default(),
        meta["name"].as_str().unwrap_or_default(),
    );
    let _ = store.patch(&pod_key, &until, Part::Whole);
}

/// The garbage collector: a deleted Deployment's ReplicaSets go, and their pods terminate.
fn collect_garbage(store: &mut Store, now: Now, settings: &Rollout) {
    let orphans: Vec<(String, String)> = store
        .list("replicasets.apps", None)
        .into_iter()
        .filter_map(|rs| {
            let namespace = rs["metadata"]["namespace"].as_str()?;
            let owner = rs.pointer("/metadata/annotations/sandbox.forge.dev~1deployment")?;
            let owner = owner.as_str()?;
            let gone = store
                .get(&key("deployments.apps", namespace, owner))
                .is_none();
            gone.then(|| {
                let name = rs["metadata"]["name"].as_str().unwrap_or_default();
                (namespace.to_string(), name.to_string())
            })
        })
        .collect();
    for (namespace, name) in orphans {
        let pods: Vec<Value> = store
            .list("pods", Some(&namespace))
            .into_iter()
            .filter(|pod| {
                pod.pointer("/metadata/annotations/sandbox.forge.dev~1replicaset")
                    .and_then(Value::as_str)
                    == Some(name.as_str())
            })
            .cloned()
            .collect();
        for pod in &pods {
            terminate(store, pod, now, settings);
        }
        let _ = store.delete(&key("replicasets.apps", &namespace, &name));
    }
}

/// Pods whose grace period is over go away.
fn remove_terminated_pods(store: &mut Store, now: Now) {
    let done: Vec<Key> = store
        .list("pods", None)
        .into_iter()
        .filter(|pod| {
            pod.pointer("/metadata/deletionTimestamp")
                .and_then(Value::as_str)
                .and_then(crate::time::parse_rfc3339)
                .is_some_and(|at| now >= at)
        })
        .map(|pod| {
            key(
                "pods",
                pod["metadata"]["namespace"].as_str().unwrap_or_default(),
                pod["metadata"]["name"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    for pod in done {
        let _ = store.delete(&pod);
    }
}

fn time(now: Now) -> String {
    crate::time::rfc3339(now as i64)
}

fn key(resource: &str, namespace: &str, name: &str) -> Key {
    Key {
        resource: resource.into(),
        namespace: namespace.into(),
        name: name.into(),
    }
}

fn template_hash(template: &Value) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(template.to_string().as_bytes());
    // Pod-template hashes are short and use the same consonant-heavy alphabet as names.
    hex::encode(&digest[..5])
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                c
            } else {
                (b'b' + (c as u8 - b'a') * 3) as char
            }
        })
        .collect()
}

fn reconcile(store: &mut Store, deployment: &Value, now: Now, settings: &Rollout) {
    let meta = &deployment["metadata"];
    let (namespace, name) = (
        meta["namespace"].as_str().unwrap_or_default(),
        meta["name"].as_str().unwrap_or_default(),
    );
    let desired = deployment
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let template = deployment
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(json!({}));
    let hash = template_hash(&template);
    let new_rs = format!("{name}-{hash}");
    let selector = deployment
        .pointer("/spec/selector/matchLabels")
        .cloned()
        .unwrap_or(json!({}));
    let now_text = time(now);

    // The new ReplicaSet, and every older one of this Deployment.
    let owned: Vec<Value> = store
        .list("replicasets.apps", Some(namespace))
        .into_iter()
        .filter(|rs| {
            rs.pointer("/metadata/annotations/sandbox.forge.dev~1deployment")
                .and_then(Value::as_str)
                == Some(name)
        })
        .cloned()
        .collect();
    // Revisions as the Deployment controller numbers them: the current ReplicaSet is one past
    // every other (a template rolled back to gets a new number too).
    let newest_other = owned
        .iter()
        .filter(|rs| rs["metadata"]["name"] != new_rs.as_str())
        .map(revision_of)
        .max()
        .unwrap_or(0);
    if !owned
        .iter()
        .any(|rs| rs["metadata"]["name"] == new_rs.as_str())
    {
        let mut labels = template
            .pointer("/metadata/labels")
            .cloned()
            .unwrap_or(json!({}));
        labels["pod-template-hash"] = hash.clone().into();
        let rs = json!({
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "labels": labels,
                "annotations": {"sandbox.forge.dev/deployment": name, "sandbox.forge.dev/started": now.to_string(), REVISION: (newest_other + 1).to_string()},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": meta["uid"], "controller": true, "blockOwnerDeletion": true}],
            },
            "spec": {"replicas": desired, "selector": {"matchLabels": selector}, "template": template},
        });
        store.put(key("replicasets.apps", namespace, &new_rs), rs, &now_text);
        event(
            store,
            namespace,
            name,
            "Deployment",
            "Normal",
            "ScalingReplicaSet",
            &format!("Scaled up replica set {new_rs} from 0 to {desired}"),
            now,
        );
    }
    let rs_key = key("replicasets.apps", namespace, &new_rs);
    let mut revision = store.get(&rs_key).map_or(0, revision_of);
    if revision <= newest_other {
        revision = newest_other + 1;
        let annotations = json!({"metadata": {"annotations": {REVISION: revision.to_string()}}});
        store.patch(&rs_key, &annotations, Part::Whole).ok();
    }
    if meta["annotations"][REVISION].as_str() != Some(revision.to_string().as_str()) {
        let annotations = json!({"metadata": {"annotations": {REVISION: revision.to_string()}}});
        store
            .patch(
                &key("deployments.apps", namespace, name),
                &annotations,
                Part::Main,
            )
            .ok();
    }
    // A ReplicaSet scaled down earlier and current again (a rollback) starts new pods.
    let scaled_down = store
        .get(&rs_key)
        .is_some_and(|rs| rs.pointer("/spec/replicas").and_then(Value::as_i64) == Some(0));
    if scaled_down && desired > 0 {
        let restart = json!({"metadata": {"annotations": {"sandbox.forge.dev/started": now.to_string()}}, "spec": {"replicas": desired}});
        store.patch(&rs_key, &restart, Part::Whole).ok();
    }
    let started = store
        .get(&key("replicasets.apps", namespace, &new_rs))
        .and_then(|rs| {
            rs.pointer("/metadata/annotations/sandbox.forge.dev~1started")
                .and_then(Value::as_str)
        })
        .and_then(|text| text.parse().ok())
        .unwrap_or(now);

    // Pods of the new ReplicaSet: created at once, ready one after another.
    let images: Vec<String> = template
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c["image"].as_str().map(str::to_string))
        .collect();
    let bad = images
        .iter()
        .find(|image| settings.bad_images.iter().any(|p| glob_matches(p, image)))
        .cloned();
    let unpullable = images
        .iter()
        .find(|image| {
            settings
                .unpullable_images
                .iter()
                .any(|p| glob_matches(p, image))
        })
        .cloned();
    let rs_uid = store
        .get(&rs_key)
        .and_then(|rs| rs["metadata"]["uid"].as_str())
        .unwrap_or_default()
        .to_string();
    let step = settings.pod_ready_after.as_secs_f64();
    let mut ready_new = 0;
    let mut wanted_pods = std::collections::BTreeSet::new();
    for i in 0..desired {
        // Pods started anew get new names, as the ReplicaSet controller gives them.
        let pod_name = format!("{new_rs}-{}", pod_suffix(&format!("{new_rs}/{started}"), i));
        wanted_pods.insert(pod_name.clone());
        let ready_at = started + step * (i + 1) as f64;
        let crashed = bad.is_some();
        let ready = !crashed && unpullable.is_none() && now >= ready_at;
        if ready {
            ready_new += 1;
        }
        let restarts = if crashed {
            ((now - started) / 2.0).max(0.0) as i64
        } else {
            0
        };
        let pod = pod_object(
            &template,
            &PodState {
                hash: &hash,
                rs: &new_rs,
                rs_uid: &rs_uid,
                ready,
                crashed,
                restarts,
                bad: bad.as_deref(),
                unpullable: unpullable.as_deref(),
                started,
                ready_at,
            },
        );
        let pod_key = key("pods", namespace, &pod_name);
        let existing = store.get(&pod_key).cloned();
        match existing {
            None => {
                store.put(pod_key, pod, &now_text);
            }
            Some(current) if current.get("status") != pod.get("status") => {
                store.patch(&pod_key, &json!({"metadata": {"annotations": pod["metadata"]["annotations"].clone()}, "status": pod["status"].clone()}), Part::Whole).ok();
                if crashed
                    && current.pointer("/status/containerStatuses/0/restartCount")
                        != pod.pointer("/status/containerStatuses/0/restartCount")
                {
                    event(
                        store,
                        namespace,
                        &pod_name,
                        "Pod",
                        "Warning",
                        "BackOff",
                        "Back-off restarting failed container",
                        now,
                    );
                }
            }
            Some(_) => {}
        }
    }

    // Scaled down: the ReplicaSet's pods beyond its count terminate at once.
    let surplus: Vec<Value> = store
        .list("pods", Some(namespace))
        .into_iter()
        .filter(|pod| {
            pod.pointer("/metadata/annotations/sandbox.forge.dev~1replicaset")
                .and_then(Value::as_str)
                == Some(new_rs.as_str())
                && !wanted_pods.contains(pod["metadata"]["name"].as_str().unwrap_or_default())
        })
        .cloned()
        .collect();
    for pod in &surplus {
        terminate(store, pod, now, settings);
    }

    // Old ReplicaSets go once the new one is fully available.
    let complete = ready_new == desired;
    for rs in &owned {
        let rs_name = rs["metadata"]["name"].as_str().unwrap_or_default();
        if rs_name == new_rs || !complete {
            continue;
        }
        for pod in store
            .list("pods", Some(namespace))
            .into_iter()
            .cloned()
            .collect::<Vec<_>>()
        {
            let of_this_replica_set = pod
                .pointer("/metadata/annotations/sandbox.forge.dev~1replicaset")
                .and_then(Value::as_str)
                == Some(rs_name);
            if of_this_replica_set {
                terminate(store, &pod, now, settings);
            }
        }
        if rs.pointer("/spec/replicas").and_then(Value::as_i64) != Some(0) {
            store.patch(&key("replicasets.apps", namespace, rs_name), &json!({"spec": {"replicas": 0}, "status": {"replicas": 0, "readyReplicas": 0, "availableReplicas": 0}}), Part::Whole).ok();
        }
    }
    store
        .patch(&key("replicasets.apps", namespace, &new_rs), &json!({"spec": {"replicas": desired}, "status": {"replicas": desired, "readyReplicas": ready_new, "availableReplicas": ready_new, "observedGeneration": 1}}), Part::Whole)
        .ok();

    // The Deployment's status, as kstatus and `kubectl rollout status` read it.
    let old_pods: i64 = if complete {
        0
    } else {
        owned
            .iter()
            .filter(|rs| rs["metadata"]["name"] != new_rs.as_str())
            .map(|rs| {
                rs.pointer("/status/readyReplicas")
                    .and_then(Value::as_i64)
                    .unwrap_or(0)
            })
            .sum()
    };
    let total = desired + old_pods;
    let available = ready_new + old_pods;
    let deadline_passed = !complete && now - started > settings.progress_deadline.as_secs_f64();
    let progressing = if complete {
        condition(
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            &format!("ReplicaSet \"{new_rs}\" has successfully progressed."),
            now,
        )
    } else if deadline_passed {
        condition(
            "Progressing",
            "False",
            "ProgressDeadlineExceeded",
            &format!("ReplicaSet \"{new_rs}\" has timed out progressing."),
            now,
        )
    } else {
        condition(
            "Progressing",
            "True",
            "ReplicaSetUpdated",
            &format!("ReplicaSet \"{new_rs}\" is progressing."),
            now,
        )
    };
    let available_condition = if available >= desired {
        condition(
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
            now,
        )
    } else {
        condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            now,
        )
    };
    let current_status = deployment.get("status").cloned().unwrap_or(json!({}));
    let mut status = json!({
        "observedGeneration": meta["generation"].clone(),
        "replicas": total,
        "updatedReplicas": desired,
        "readyReplicas": available,
        "availableReplicas": available,
        "unavailableReplicas": (total - available).max(0),
        "conditions": [keep_transition(&current_status, available_condition), keep_transition(&current_status, progressing)],
    });
    if let Some(map) = status.as_object_mut().filter(|_| available == 0) {
        map.remove("readyReplicas");
    }
    if without_timestamps(&current_status) != without_timestamps(&status) {
        // A merge patch keeps what it does not mention: a field the controller leaves out
        // (no ready replicas) is removed with null.
        let mut patch = status.clone();
        if available == 0 {
            patch["readyReplicas"] = Value::Null;
        }
        store
            .patch(
                &key("deployments.apps", namespace, name),
                &json!({"status": patch}),
                Part::Status,
            )
            .ok();
        if deadline_passed
            && current_status
                .pointer("/conditions/1/reason")
                .and_then(Value::as_str)
                != Some("ProgressDeadlineExceeded")
        {
            event(
                store,
                namespace,
                name,
                "Deployment",
                "Warning",
                "ProgressDeadlineExceeded",
                &format!("ReplicaSet \"{new_rs}\" has timed out progressing."),
                now,
            );
        }
    }
}

fn pod_suffix(incarnation: &str, index: i64) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{incarnation}/{index}").as_bytes());
    hex::encode(&digest[..3])
        .chars()
        .take(5)
        .map(|c| {
            if c.is_ascii_digit() {
                char::from(b'b' + (c as u8 - b'0'))
            } else {
                c
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
/// Where one simulated pod stands.
struct PodState<'a> {
    hash: &'a str,
    rs: &'a str,
    rs_uid: &'a str,
    ready: bool,
    crashed: bool,
    restarts: i64,
    bad: Option<&'a str>,
    /// The image that cannot be pulled, if any: the container never starts.
    unpullable: Option<&'a str>,
    /// When the ReplicaSet's pods were created (the pod's `startTime`).
    started: Now,
    /// When the container became ready (its `running.startedAt`).
    ready_at: Now,
}

fn pod_object(template: &Value, pod: &PodState) -> Value {
    let PodState {
        hash,
        rs,
        rs_uid,
        ready,
        crashed,
        restarts,
        bad,
        unpullable,
        started,
        ready_at,
    } = *pod;
    let mut labels = template
        .pointer("/metadata/labels")
        .cloned()
        .unwrap_or(json!({}));
    labels["pod-template-hash"] = hash.into();
    let containers = template
        .pointer("/spec/containers")
        .cloned()
        .unwrap_or(json!([]));
    let container_name = containers
        .pointer("/0/name")
        .and_then(Value::as_str)
        .unwrap_or("main")
        .to_string();
    let image = containers
        .pointer("/0/image")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let log = match (bad, unpullable) {
        (_, Some(_)) => String::new(),
        (Some(image), None) => format!(
            "starting {image}\nerror: cannot start: exec format error (image {image} is marked bad in the sandbox)\n"
        ),
        (None, None) => format!("starting {image}\nlistening on :8080\n"),
    };
    let state = if crashed {
        json!({"waiting": {"reason": "CrashLoopBackOff", "message": "back-off restarting failed container"}})
    } else if let Some(image) = unpullable {
        json!({"waiting": {"reason": "ImagePullBackOff", "message": format!("Back-off pulling image \"{image}\"")}})
    } else if ready {
        json!({"running": {"startedAt": time(ready_at)}})
    } else {
        json!({"waiting": {"reason": "ContainerCreating"}})
    };
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "labels": labels,
            "annotations": {"sandbox.forge.dev/replicaset": rs, "sandbox.forge.dev/log": log},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": rs_uid, "controller": true, "blockOwnerDeletion": true}],
        },
        "spec": template.get("spec").cloned().unwrap_or(json!({})),
        "status": {
            // A crash-looping pod is Running between restarts, as the kubelet reports it.
            "phase": if crashed || ready { "Running" } else { "Pending" },
            "startTime": time(started),
            "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}],
            "containerStatuses": [{"name": container_name, "image": image, "ready": ready, "restartCount": restarts, "state": state}],
        },
    })
}

fn condition(kind: &str, status: &str, reason: &str, message: &str, now: Now) -> Value {
    json!({"type": kind, "status": status, "reason": reason, "message": message, "lastUpdateTime": time(now), "lastTransitionTime": time(now)})
}

/// Keeps a condition's transition time while its status is unchanged.
fn keep_transition(current: &Value, mut new: Value) -> Value {
    let old = current["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == new["type"]);
    if let Some(old) = old
        && old["status"] == new["status"]
        && old["reason"] == new["reason"]
    {
        new["lastTransitionTime"] = old["lastTransitionTime"].clone();
        new["lastUpdateTime"] = old["lastUpdateTime"].clone();
    }
    new
}

#[allow(clippy::too_many_arguments)]
fn event(
    store: &mut Store,
    namespace: &str,
    object: &str,
    kind: &str,
    kind_of_event: &str,
    reason: &str,
    message: &str,
    now: Now,
) {
    let name = format!("{object}.{:x}", (now * 1000.0) as u64 ^ store.revision());
    let event = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "involvedObject": {"kind": kind, "name": object, "namespace": namespace},
        "type": kind_of_event,
        "reason": reason,
        "message": message,
        "firstTimestamp": time(now),
        "lastTimestamp": time(now),
        "count": 1,
        "source": {"component": "forge-sandbox"},
    });
    store.put(key("events", namespace, &name), event, &time(now));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(image: &str, replicas: i64) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": image}]}}}})
    }

    /// The Deployment every test rolls out: `web` in `demo`.
    fn web_key() -> Key {
        key("deployments.apps", "demo", "web")
    }

    fn status(store: &Store) -> Value {
        store.get(&web_key()).unwrap()["status"].clone()
    }

    /// A store holding `web` with `replicas` of `image`, and a controller with `settings`
    /// that has not yet seen it.
    fn web_created(image: &str, replicas: i64, settings: Rollout) -> (Store, Controller) {
        let mut store = Store::default();
        store
            .create(web_key(), deployment(image, replicas), "t")
            .unwrap();
        (store, Controller::new(settings))
    }

    /// A new pod template for `web`: its one container runs `image`.
    fn set_image(store: &mut Store, image: &str) {
        let template = json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}}});
        store.patch(&web_key(), &template, Part::Main).unwrap();
    }

    /// The ReplicaSets in `demo`, copied out of the store.
    fn all_replica_sets(store: &Store) -> Vec<Value> {
        store
            .list("replicasets.apps", Some("demo"))
            .into_iter()
            .cloned()
            .collect()
    }

    fn settings() -> Rollout {
        Rollout {
            bad_images: vec!["*:bad".into()],
            unpullable_images: vec!["*:pull-error".into()],
            progress_deadline: Duration::from_secs(10),
            pod_ready_after: Duration::from_secs(1),
            pod_grace_period: Duration::from_secs(5),
            controller_lag: Duration::ZERO,
        }
    }

    #[test]
    fn a_good_rollout_becomes_available_pod_by_pod() {
        let (mut store, mut controller) = web_created("web:1", 2, settings());
        controller.step(&mut store, 1000.0);
        assert_eq!(status(&store)["updatedReplicas"], 2);
        assert!(status(&store).get("readyReplicas").is_none());
        assert_eq!(
            status(&store)["conditions"][1]["reason"],
            "ReplicaSetUpdated"
        );
        controller.step(&mut store, 1001.5);
        assert_eq!(status(&store)["readyReplicas"], 1);
        controller.step(&mut store, 1002.5);
        let done = status(&store);
        assert_eq!(
            (
                done["readyReplicas"].clone(),
                done["availableReplicas"].clone()
            ),
            (json!(2), json!(2))
        );
        assert_eq!(done["conditions"][1]["reason"], "NewReplicaSetAvailable");
        assert_eq!(done["observedGeneration"], 1);
        assert_eq!(store.list("pods", Some("demo")).len(), 2);
    }

    #[test]
    fn a_new_template_replaces_the_old_pods_once_ready() {
        let (mut store, mut controller) = web_created("web:1", 1, settings());
        controller.step(&mut store, 1000.0);
        controller.step(&mut store, 1002.0);
        set_image(&mut store, "web:2");
        controller.step(&mut store, 1003.0);
        assert_eq!(
            status(&store)["replicas"],
            2,
            "old and new pods side by side"
        );
        assert_eq!(status(&store)["observedGeneration"], 2);
        controller.step(&mut store, 1004.5);
        controller.step(&mut store, 1004.6);
        assert_eq!(status(&store)["replicas"], 1);
        // The old pod stays Terminating for its grace period (5 s here), then goes.
        let pods = store.list("pods", Some("demo"));
        let terminating: Vec<&Value> = pods
            .iter()
            .copied()
            .filter(|pod| pod["metadata"]["deletionTimestamp"].is_string())
            .collect();
        assert_eq!((pods.len(), terminating.len()), (2, 1));
        assert_eq!(terminating[0]["spec"]["containers"][0]["image"], "web:1");
        assert_eq!(terminating[0]["metadata"]["deletionGracePeriodSeconds"], 5);
        controller.step(&mut store, 1009.0);
        assert_eq!(store.list("pods", Some("demo")).len(), 2, "still in grace");
        controller.step(&mut store, 1010.0);
        let pods = store.list("pods", Some("demo"));
        assert_eq!(pods.len(), 1);
        assert_eq!(pods[0]["spec"]["containers"][0]["image"], "web:2");
    }

    #[test]
    fn an_unpullable_image_waits_in_image_pull_back_off_with_no_log() {
        let (mut store, mut controller) = web_created("web:pull-error", 1, settings());
        controller.step(&mut store, 1000.0);
        controller.step(&mut store, 1005.0);
        let pod = store.list("pods", Some("demo"))[0].clone();
        let status = &pod["status"]["containerStatuses"][0];
        assert_eq!(status["state"]["waiting"]["reason"], "ImagePullBackOff");
        assert_eq!(status["restartCount"], 0);
        assert_eq!(pod["status"]["phase"], "Pending");
        assert_eq!(pod["metadata"]["annotations"]["sandbox.forge.dev/log"], "");
    }

    #[test]
    fn a_deleted_deployments_replica_sets_go_and_its_pods_terminate() {
        let (mut store, mut controller) = web_created("web:1", 2, settings());
        controller.step(&mut store, 1000.0);
        controller.step(&mut store, 1003.0);
        store.delete(&web_key()).unwrap();
        controller.step(&mut store, 1004.0);
        assert!(store.list("replicasets.apps", Some("demo")).is_empty());
        let pods = store.list("pods", Some("demo"));
        assert_eq!(pods.len(), 2, "Terminating for their grace period");
        assert!(
            pods.iter()
                .all(|pod| pod["metadata"]["deletionTimestamp"].is_string())
        );
        controller.step(&mut store, 1009.0);
        assert!(store.list("pods", Some("demo")).is_empty());
    }

    #[test]
    fn a_lagging_controller_notices_a_new_spec_late_and_a_rollback_starts_new_pods() {
        let lagging = Rollout {
            controller_lag: Duration::from_secs(2),
            ..settings()
        };
        let (mut store, mut controller) = web_created("web:1", 1, lagging);
        controller.step(&mut store, 1000.0);
        assert!(store.get(&web_key()).unwrap().get("status").is_none());
        controller.step(&mut store, 1002.0);
        controller.step(&mut store, 1004.0);
        let first_pod = store.list("pods", Some("demo"))[0]["metadata"]["name"].clone();
        set_image(&mut store, "web:2");
        controller.step(&mut store, 1005.0);
        assert_eq!(status(&store)["observedGeneration"], 1, "not noticed yet");
        controller.step(&mut store, 1007.0);
        controller.step(&mut store, 1008.5);
        assert_eq!(status(&store)["observedGeneration"], 2);
        // Back to web:1 once its pod is gone: its ReplicaSet scales up with a new pod.
        controller.step(&mut store, 1020.0);
        set_image(&mut store, "web:1");
        controller.step(&mut store, 1021.0);
        controller.step(&mut store, 1023.0);
        let pods = store.list("pods", Some("demo"));
        let web1: Vec<&&Value> = pods
            .iter()
            .filter(|pod| pod["spec"]["containers"][0]["image"] == "web:1")
            .collect();
        assert_eq!(web1.len(), 1);
        assert_ne!(web1[0]["metadata"]["name"], first_pod);
        assert_eq!(web1[0]["status"]["conditions"][0]["status"], "False");
    }

    /// The ReplicaSet carrying the Deployment's revision: how clients (forge's
    /// `decide::workload::new_replica_set`, kubectl) find the current one.
    fn current_replica_set<'a>(deployment: &Value, replica_sets: &'a [Value]) -> &'a Value {
        let revision = &deployment["metadata"]["annotations"][REVISION];
        let current: Vec<&Value> = replica_sets
            .iter()
            .filter(|rs| &rs["metadata"]["annotations"][REVISION] == revision)
            .collect();
        assert_eq!(current.len(), 1, "one ReplicaSet per revision");
        current[0]
    }

    #[test]
    fn replica_sets_carry_their_owner_and_revision_as_the_controller_writes_them() {
        let (mut store, mut controller) = web_created("web:1", 1, settings());
        controller.step(&mut store, 1000.0);
        set_image(&mut store, "web:2");
        controller.step(&mut store, 1001.0);
        let web = store.get(&web_key()).unwrap().clone();
        assert_eq!(web["metadata"]["annotations"][REVISION], "2");
        let replica_sets = all_replica_sets(&store);
        for rs in &replica_sets {
            assert_eq!(
                rs["metadata"]["ownerReferences"][0]["uid"],
                web["metadata"]["uid"]
            );
        }
        let current = current_replica_set(&web, &replica_sets);
        assert_eq!(
            current["spec"]["template"]["spec"]["containers"][0]["image"],
            "web:2"
        );
        // Back to the first template: its ReplicaSet is reused and numbered 3.
        set_image(&mut store, "web:1");
        controller.step(&mut store, 1002.0);
        let web = store.get(&web_key()).unwrap().clone();
        assert_eq!(web["metadata"]["annotations"][REVISION], "3");
        let replica_sets = all_replica_sets(&store);
        assert_eq!(replica_sets.len(), 2);
        let current = current_replica_set(&web, &replica_sets);
        assert_eq!(
            current["spec"]["template"]["spec"]["containers"][0]["image"],
            "web:1"
        );
    }

    #[test]
    fn a_bad_image_crash_loops_and_misses_the_deadline() {
        let (mut store, mut controller) = web_created("web:bad", 1, settings());
        controller.step(&mut store, 1000.0);
        controller.step(&mut store, 1005.0);
        let pod = store.list("pods", Some("demo"))[0].clone();
        assert_eq!(
            pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"],
            "CrashLoopBackOff"
        );
        assert!(
            pod["status"]["containerStatuses"][0]["restartCount"]
                .as_i64()
                .unwrap()
                >= 2
        );
        assert!(
            pod["metadata"]["annotations"]["sandbox.forge.dev/log"]
                .as_str()
                .unwrap()
                .contains("marked bad")
        );
        assert_eq!(
            status(&store)["conditions"][1]["reason"],
            "ReplicaSetUpdated"
        );
        controller.step(&mut store, 1011.0);
        assert_eq!(
            status(&store)["conditions"][1]["reason"],
            "ProgressDeadlineExceeded"
        );
        let events = store.list("events", Some("demo"));
        assert!(
            events
                .iter()
                .any(|e| e["reason"] == "BackOff" && e["type"] == "Warning")
        );
        assert!(
            events
                .iter()
                .any(|e| e["reason"] == "ProgressDeadlineExceeded")
        );
    }
}
