//! The sandbox's Flux: a GitRepository that follows the env repo's branch, a Kustomization per
//! app/env directory found there, and its reconcile, which applies what the directory builds
//! to with the built-in kustomize, writing status exactly where Flux writes it
//! (`lastAppliedRevision`, `lastAttemptedRevision`, `observedGeneration`, Ready/Reconciling
//! conditions, `lastHandledReconcileAt` echoing `reconcile.fluxcd.io/requestedAt`).

use crate::apply::{Built, Repo, apply, name_for, prune};
use crate::kustomize::{self, Files};
use crate::store::{Key, Part, Store};
use serde_json::{Value, json};
use std::time::Duration;

const NAMESPACE: &str = "flux-system";
const SOURCE: &str = "flux-system";
const REQUESTED_AT: &str = "reconcile.fluxcd.io/requestedAt";

/// The GitRepository that follows the env repo (created when missing), and the status of every
/// GitRepository pointing at the repo's URL: the fetched `revision`, or a failure when None.
pub(crate) fn update_source(
    store: &mut Store,
    repo: &Repo,
    interval: Duration,
    revision: Option<&str>,
    now: f64,
) {
    let key = Key {
        resource: "gitrepositories.source.toolkit.fluxcd.io".into(),
        namespace: NAMESPACE.into(),
        name: SOURCE.into(),
    };
    let now_text = crate::time::rfc3339(now as i64);
    if store.get(&key).is_none() {
        let repository = json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": "GitRepository",
            "spec": {"interval": format!("{}s", interval.as_secs().max(1)), "url": repo.url, "ref": {"branch": repo.branch}},
        });
        store.create(key.clone(), repository, &now_text).ok();
    }
    // Every GitRepository that points at the env repo follows it, as source-controller
    // would fetch it for each (a bootstrap by hand names its own).
    let following: Vec<Key> = store
        .list("gitrepositories.source.toolkit.fluxcd.io", Some(NAMESPACE))
        .into_iter()
        .filter(|repository| repository["spec"]["url"].as_str() == Some(repo.url))
        .filter_map(|repository| {
            Some(Key {
                resource: key.resource.clone(),
                namespace: NAMESPACE.into(),
                name: repository["metadata"]["name"].as_str()?.to_string(),
            })
        })
        .collect();
    for key in following {
        let current = store.get(&key).cloned().unwrap_or(json!({}));
        let name = &key.name;
        let status = match revision {
            Some(revision) => json!({
                "observedGeneration": current["metadata"]["generation"],
                "artifact": {"revision": revision, "lastUpdateTime": now_text, "path": format!("gitrepository/{NAMESPACE}/{name}/{revision}.tar.gz")},
                "conditions": [condition("Ready", "True", "Succeeded", &format!("stored artifact for revision '{revision}'"), &now_text)],
                "lastHandledReconcileAt": requested_at(&current),
            }),
            None => json!({
                "observedGeneration": current["metadata"]["generation"],
                "conditions": [condition("Ready", "False", "GitOperationFailed", "failed to checkout and determine revision", &now_text)],
                "lastHandledReconcileAt": requested_at(&current),
            }),
        };
        if differs(&current["status"], &status) {
            store
                .patch(&key, &json!({"status": status}), Part::Status)
                .ok();
        }
    }
}

pub(crate) fn build(files: &Files) -> Built {
    if files.contains_key("kustomization.yaml") {
        return kustomize::build(files, "").map_err(|e| e.to_string());
    }
    // Flux generates a kustomization of every manifest when the directory has none.
    let mut generated = String::from("resources:\n");
    for path in files
        .keys()
        .filter(|p| (p.ends_with(".yaml") || p.ends_with(".yml")) && !p.contains('/'))
    {
        generated.push_str(&format!("  - {path}\n"));
    }
    let mut files = files.clone();
    files.insert("kustomization.yaml".into(), generated.into_bytes());
    kustomize::build(&files, "").map_err(|e| e.to_string())
}

pub(crate) fn kustomization_key(dir: &str) -> Key {
    Key {
        resource: "kustomizations.kustomize.toolkit.fluxcd.io".into(),
        namespace: NAMESPACE.into(),
        name: name_for(dir),
    }
}

pub(crate) fn ensure_kustomization(store: &mut Store, dir: &str, namespace: &str, now: f64) {
    let key = kustomization_key(dir);
    if store.get(&key).is_some() {
        return;
    }
    let kustomization = json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "spec": {"interval": "1m", "path": format!("./{dir}"), "prune": true, "targetNamespace": namespace, "sourceRef": {"kind": "GitRepository", "name": SOURCE}},
    });
    store
        .create(key, kustomization, &crate::time::rfc3339(now as i64))
        .ok();
}

fn requested_at(object: &Value) -> Value {
    object
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(REQUESTED_AT))
        .cloned()
        .unwrap_or(Value::Null)
}

/// Someone asked Flux to look again: a `requestedAt` token not handled yet.
pub(crate) fn reconcile_requested(store: &Store) -> bool {
    store
        .list(
            "kustomizations.kustomize.toolkit.fluxcd.io",
            Some(NAMESPACE),
        )
        .into_iter()
        .chain(store.list("gitrepositories.source.toolkit.fluxcd.io", Some(NAMESPACE)))
        .any(|object| {
            let asked = requested_at(object);
            !asked.is_null() && object.pointer("/status/lastHandledReconcileAt") != Some(&asked)
        })
}

/// Builds and applies one Kustomization's directory; until `ready` (the slow-reconcile fault)
/// it only reports that reconciliation is in progress, as Flux does while it works.
pub(crate) fn reconcile(
    store: &mut Store,
    dir: &str,
    built: &Built,
    revision: &str,
    ready: bool,
    now: f64,
) {
    let key = kustomization_key(dir);
    let Some(current) = store.get(&key).cloned() else {
        return;
    };
    let status = &current["status"];
    let generation = current["metadata"]["generation"].clone();
    let asked = requested_at(&current);
    let up_to_date = status["lastAttemptedRevision"] == revision
        && status["observedGeneration"] == generation
        && status["lastHandledReconcileAt"] == asked;
    if up_to_date {
        return;
    }
    let now_text = crate::time::rfc3339(now as i64);
    if !ready {
        let mut in_progress = status.clone();
        if !in_progress.is_object() {
            in_progress = json!({});
        }
        in_progress["conditions"] = json!([
            condition(
                "Ready",
                "Unknown",
                "Progressing",
                "Reconciliation in progress",
                &now_text
            ),
            condition(
                "Reconciling",
                "True",
                "Progressing",
                &format!("Reconciliation in progress for revision {revision}"),
                &now_text
            ),
        ]);
        if differs(status, &in_progress) {
            store
                .patch(&key, &json!({"status": in_progress}), Part::Status)
                .ok();
        }
        return;
    }
    let new_status = match built {
        Err(message) => json!({
            "observedGeneration": generation,
            "lastAttemptedRevision": revision,
            "lastAppliedRevision": status.get("lastAppliedRevision").cloned().unwrap_or(Value::Null),
            "lastHandledReconcileAt": asked,
            "inventory": status.get("inventory").cloned().unwrap_or(json!({"entries": []})),
            "conditions": [condition("Ready", "False", "BuildFailed", &format!("kustomize build failed: {message}"), &now_text)],
        }),
        Ok(objects) => {
            let target = current
                .pointer("/spec/targetNamespace")
                .and_then(Value::as_str);
            let applied = apply(store, objects, target, &now_text);
            let previous = status
                .pointer("/inventory/entries")
                .and_then(Value::as_array)
                .into_iter()
                .flatten();
            prune(
                store,
                previous.filter_map(|entry| entry["id"].as_str()),
                &applied,
            );
            json!({
                "observedGeneration": generation,
                "lastAttemptedRevision": revision,
                "lastAppliedRevision": revision,
                "lastHandledReconcileAt": asked,
                "inventory": {"entries": applied.iter().map(|(id, _)| json!({"id": id, "v": "v1"})).collect::<Vec<_>>()},
                "conditions": [condition("Ready", "True", "ReconciliationSucceeded", &format!("Applied revision: {revision}"), &now_text)],
            })
        }
    };
    store
        .patch(&key, &json!({"status": new_status}), Part::Status)
        .ok();
}

fn condition(kind: &str, status: &str, reason: &str, message: &str, now: &str) -> Value {
    json!({"type": kind, "status": status, "reason": reason, "message": message, "lastTransitionTime": now})
}

/// Whether a status changed beyond its timestamps.
fn differs(current: &Value, new: &Value) -> bool {
    crate::store::without_timestamps(current) != crate::store::without_timestamps(new)
}
