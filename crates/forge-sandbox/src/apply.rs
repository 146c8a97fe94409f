//! What Flux's kustomize-controller, its helm-controller and Argo CD share: applying built
//! objects into the store, and pruning what a previous apply left that this one no longer has.

use crate::resources::{self, ResourceType};
use crate::store::{Key, Store};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The env repo as GitRepository and Application objects name it.
pub(crate) struct Repo<'a> {
    /// Without credentials.
    pub(crate) url: &'a str,
    pub(crate) branch: &'a str,
}

/// The objects an env dir (or a chart) builds to, or why it does not build.
pub(crate) type Built = Result<Vec<Value>, String>;

/// The name of an app/env dir's Kustomization or Application: `<app>-<env>`.
pub(crate) fn name_for(dir: &str) -> String {
    let mut parts = dir.rsplit('/');
    let env = parts.next().unwrap_or_default();
    let app = parts.next().unwrap_or_default();
    format!("{app}-{env}")
}

/// Applies objects (creating their namespaces), keeping what controllers wrote in `status`.
/// `target` overrides every object's namespace, as Flux's `spec.targetNamespace` does.
/// Returns each object's inventory id (`<namespace>_<name>_<group>_<Kind>`) with its key.
pub(crate) fn apply(
    store: &mut Store,
    objects: &[Value],
    target: Option<&str>,
    now: &str,
) -> Vec<(String, Key)> {
    let mut applied = Vec::new();
    for object in objects {
        let mut object = object.clone();
        if let Some(namespace) = target {
            object["metadata"]["namespace"] = namespace.into();
        }
        let object = &object;
        let Some((key, resource)) = key_for(object, "default") else {
            continue;
        };
        if !key.namespace.is_empty() {
            let namespace = Key {
                resource: "namespaces".into(),
                namespace: String::new(),
                name: key.namespace.clone(),
            };
            if store.get(&namespace).is_none() {
                store.put(
                    namespace,
                    json!({"apiVersion": "v1", "kind": "Namespace", "status": {"phase": "Active"}}),
                    now,
                );
            }
        }
        let mut desired = object.clone();
        if let Some(existing) = store.get(&key) {
            if let Some(status) = existing.get("status") {
                desired["status"] = status.clone();
            }
            // Labels and annotations others added (kubectl annotate) survive a re-apply.
            for field in ["labels", "annotations"] {
                let mut merged = existing
                    .pointer(&format!("/metadata/{field}"))
                    .cloned()
                    .unwrap_or(json!({}));
                if let Some(ours) = object.pointer(&format!("/metadata/{field}")) {
                    crate::store::merge_patch(&mut merged, ours);
                }
                if merged.as_object().is_some_and(|m| !m.is_empty()) {
                    desired["metadata"][field] = merged;
                }
            }
        }
        if resource.namespaced {
            desired["metadata"]["namespace"] = key.namespace.clone().into();
        }
        store.put(key.clone(), desired, now);
        let id = format!(
            "{}_{}_{}_{}",
            key.namespace, key.name, resource.group, resource.kind
        );
        applied.push((id, key));
    }
    applied
}

/// Deletes what the previous apply created (inventory ids) and this one no longer has.
pub(crate) fn prune<'a>(
    store: &mut Store,
    previous: impl Iterator<Item = &'a str>,
    applied: &[(String, Key)],
) {
    let keep: BTreeSet<&str> = applied.iter().map(|(id, _)| id.as_str()).collect();
    for id in previous.filter(|id| !keep.contains(id)) {
        let parts: Vec<&str> = id.splitn(4, '_').collect();
        if let [namespace, name, group, kind] = parts[..]
            && let Some(resource) = resources::RESOURCES
                .iter()
                .find(|r| r.group == group && r.kind == kind)
        {
            let _ = store.delete(&Key {
                resource: resource.key(),
                namespace: namespace.into(),
                name: name.into(),
            });
        }
    }
}

/// What the sandbox's `kind`/`apiVersion` lookup needs to store an applied manifest.
pub(crate) fn key_for(
    object: &Value,
    default_namespace: &str,
) -> Option<(Key, &'static ResourceType)> {
    let resource = resources::by_kind(
        object.get("apiVersion")?.as_str()?,
        object.get("kind")?.as_str()?,
    )?;
    let name = object.pointer("/metadata/name")?.as_str()?.to_string();
    let namespace = if resource.namespaced {
        object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or(default_namespace)
            .to_string()
    } else {
        String::new()
    };
    Some((
        Key {
            resource: resource.key(),
            namespace,
            name,
        },
        resource,
    ))
}
