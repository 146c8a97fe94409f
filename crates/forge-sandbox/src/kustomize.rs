//! A built-in kustomize for the overlays forge writes (and plain bases): resources, namespace,
//! labels, images, replicas, configMapGenerator (with kustomize's name hash, and references
//! updated) and strategic-merge patches. Pure: a directory's files in, objects out. The real
//! `kubectl kustomize` is its judge in the tests.

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub type Files = BTreeMap<String, Vec<u8>>;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}: {reason}")]
pub struct BuildError {
    pub file: String,
    pub reason: String,
}

/// Builds the kustomization in `dir` (a path inside `files`, "" for the root).
pub fn build(files: &Files, dir: &str) -> Result<Vec<Value>, BuildError> {
    let path = inside(dir, "kustomization.yaml");
    let kustomization: Value = parse_one(files, &path)?;
    let mut objects = Vec::new();
    for resource in list(&kustomization, "resources") {
        // As kustomize's default load restrictor: another kustomization may be anywhere in
        // the tree (`../base`), a file only in or below this kustomization's directory.
        let outside = |root: &str| BuildError {
            file: path.clone(),
            reason: format!("security; resource '{resource}' is not in or below '{root}'"),
        };
        let target = join(dir, &resource).ok_or_else(|| outside("/"))?;
        if files.contains_key(&inside(&target, "kustomization.yaml")) {
            objects.extend(build(files, &target)?);
        } else if dir.is_empty() || target.starts_with(&format!("{dir}/")) {
            objects.extend(parse_all(files, &target)?);
        } else {
            return Err(outside(if dir.is_empty() { "." } else { dir }));
        }
    }
    let mut generated = BTreeMap::new();
    for generator in kustomization
        .get("configMapGenerator")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = generator
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut data = Map::new();
        for literal in list(generator, "literals") {
            let (key, value) = literal.split_once('=').unwrap_or((&literal, ""));
            data.insert(key.to_string(), value.into());
        }
        let hashed = format!("{name}-{}", config_map_hash(&data));
        objects.push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": hashed}, "data": data}));
        generated.insert(name, hashed);
    }
    for patch in kustomization
        .get("patches")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = patch
            .get("patch")
            .and_then(Value::as_str)
            .ok_or_else(|| BuildError {
                file: path.clone(),
                reason: "only inline `patch:` entries are supported".into(),
            })?;
        let body: Value = serde_saphyr::from_str(text).map_err(|e| BuildError {
            file: path.clone(),
            reason: e.to_string(),
        })?;
        if let Some(selector) = patch.get("target") {
            apply_targeted(&mut objects, selector, &body).map_err(|reason| BuildError {
                file: path.clone(),
                reason,
            })?;
            continue;
        }
        let target = objects.iter_mut().find(|o| {
            o.get("kind") == body.get("kind")
                && o.pointer("/metadata/name") == body.pointer("/metadata/name")
        });
        match target {
            Some(object) => strategic_merge(object, &body),
            None => {
                return Err(BuildError {
                    file: path.clone(),
                    reason: "a patch matches no resource".into(),
                });
            }
        }
    }
    if let Some(namespace) = kustomization.get("namespace").and_then(Value::as_str) {
        for object in &mut objects {
            if object.get("kind").and_then(Value::as_str) != Some("Namespace") {
                object["metadata"]["namespace"] = namespace.into();
            }
        }
    }
    for labels in kustomization
        .get("labels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let pairs = labels.get("pairs").cloned().unwrap_or(json!({}));
        let selectors = labels
            .get("includeSelectors")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let templates = selectors
            || labels
                .get("includeTemplates")
                .and_then(Value::as_bool)
                .unwrap_or(false);
        for object in &mut objects {
            add_labels(object, &pairs, templates, selectors);
        }
    }
    for image in kustomization
        .get("images")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for object in &mut objects {
            set_images(object, image);
        }
    }
    for replicas in kustomization
        .get("replicas")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = replicas.get("name").and_then(Value::as_str);
        // Only kinds with replicas are scaled, whatever else shares the name.
        let scalable = |o: &Value| {
            matches!(
                o["kind"].as_str(),
                Some("Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController")
            )
        };
        for object in objects
            .iter_mut()
            .filter(|o| scalable(o) && o.pointer("/metadata/name").and_then(Value::as_str) == name)
        {
            object["spec"]["replicas"] = replicas.get("count").cloned().unwrap_or(json!(1));
        }
    }
    for object in &mut objects {
        rename_config_maps(object, &generated);
    }
    rename_all(&kustomization, &mut objects);
    Ok(objects)
}

/// A patch with a `target` (kind, name, labelSelector of `k=v` / `k!=v` terms): a JSON 6902
/// list is applied to every match; a strategic merge body with `$patch: delete` removes them.
fn apply_targeted(objects: &mut Vec<Value>, target: &Value, body: &Value) -> Result<(), String> {
    let text = |key: &str| target.get(key).and_then(Value::as_str);
    let label = |object: &Value, key: &str| {
        object
            .pointer("/metadata/labels")
            .and_then(|labels| labels.get(key))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let matches = |object: &Value| {
        text("kind").is_none_or(|kind| object["kind"] == kind)
            && text("name")
                .is_none_or(|name| object.pointer("/metadata/name") == Some(&name.into()))
            && text("labelSelector").is_none_or(|selector| {
                selector.split(',').all(|term| match term.split_once("!=") {
                    Some((key, value)) => {
                        label(object, key.trim()).as_deref() != Some(value.trim())
                    }
                    None => term.split_once('=').is_some_and(|(key, value)| {
                        label(object, key.trim()).as_deref() == Some(value.trim())
                    }),
                })
            })
    };
    if body.get("$patch").and_then(Value::as_str) == Some("delete") {
        objects.retain(|object| !matches(object));
        return Ok(());
    }
    let operations = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    for object in objects.iter_mut().filter(|o| matches(o)) {
        *object = crate::jsonpatch::apply(object, &operations).map_err(|e| e.message)?;
    }
    Ok(())
}

/// `namePrefix` / `nameSuffix`: every object but Namespaces is renamed, and references to
/// the renamed ConfigMaps follow (kustomize's name references, for the kinds forge renders).
fn rename_all(kustomization: &Value, objects: &mut [Value]) {
    let text = |key: &str| kustomization.get(key).and_then(Value::as_str).unwrap_or("");
    let (prefix, suffix) = (text("namePrefix"), text("nameSuffix"));
    if prefix.is_empty() && suffix.is_empty() {
        return;
    }
    let mut config_maps = BTreeMap::new();
    for object in objects.iter_mut() {
        if object.get("kind").and_then(Value::as_str) == Some("Namespace") {
            continue;
        }
        let Some(name) = object.pointer("/metadata/name").and_then(Value::as_str) else {
            continue;
        };
        let renamed = format!("{prefix}{name}{suffix}");
        if object.get("kind").and_then(Value::as_str) == Some("ConfigMap") {
            config_maps.insert(name.to_string(), renamed.clone());
        }
        object["metadata"]["name"] = renamed.into();
    }
    for object in objects.iter_mut() {
        rename_config_maps(object, &config_maps);
    }
}

/// `name` (relative, perhaps with `.` and `..`) resolved against `dir`; None when it climbs
/// out of the files' root, where nothing may be read.
fn join(dir: &str, name: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    if name.starts_with('/') {
        return None;
    }
    for part in name.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The path of `name`, a plain file name, in `dir` ("" for the root).
fn inside(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn list(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn text<'a>(files: &'a Files, path: &str) -> Result<&'a str, BuildError> {
    let bytes = files.get(path).ok_or_else(|| BuildError {
        file: path.into(),
        reason: "no such file".into(),
    })?;
    std::str::from_utf8(bytes).map_err(|_| BuildError {
        file: path.into(),
        reason: "not UTF-8".into(),
    })
}

fn parse_one(files: &Files, path: &str) -> Result<Value, BuildError> {
    serde_saphyr::from_str(text(files, path)?).map_err(|e| BuildError {
        file: path.into(),
        reason: e.without_snippet().to_string(),
    })
}

fn parse_all(files: &Files, path: &str) -> Result<Vec<Value>, BuildError> {
    let documents: Vec<Value> =
        serde_saphyr::from_multiple(text(files, path)?).map_err(|e| BuildError {
            file: path.into(),
            reason: e.without_snippet().to_string(),
        })?;
    Ok(documents.into_iter().filter(|d| !d.is_null()).collect())
}

fn add_labels(object: &mut Value, pairs: &Value, templates: bool, selectors: bool) {
    let merge_into = |target: &mut Value| {
        let labels = forge_base::json::as_map(target);
        for (key, value) in pairs.as_object().into_iter().flatten() {
            labels.insert(key.clone(), value.clone());
        }
    };
    merge_into(&mut object["metadata"]["labels"]);
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let workload = matches!(
        kind.as_str(),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job"
    );
    if workload && templates {
        merge_into(&mut object["spec"]["template"]["metadata"]["labels"]);
    }
    if selectors {
        match kind.as_str() {
            "Service" => merge_into(&mut object["spec"]["selector"]),
            _ if workload => merge_into(&mut object["spec"]["selector"]["matchLabels"]),
            _ => {}
        }
    }
}

fn set_images(object: &mut Value, image: &Value) {
    let Some(name) = image.get("name").and_then(Value::as_str) else {
        return;
    };
    for list in ["containers", "initContainers"] {
        let Some(containers) = object
            .pointer_mut(&format!("/spec/template/spec/{list}"))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for container in containers {
            let Some(current) = container.get("image").and_then(Value::as_str) else {
                continue;
            };
            let parts = crate::image::split_reference(current);
            if parts.repository != name {
                continue;
            }
            let repository = image.get("newName").and_then(Value::as_str).unwrap_or(name);
            let reference = match (
                image.get("digest").and_then(Value::as_str),
                image.get("newTag").and_then(Value::as_str),
            ) {
                (Some(digest), _) => format!("{repository}@{digest}"),
                (None, Some(tag)) => format!("{repository}:{tag}"),
                (None, None) => match (&parts.tag, &parts.digest) {
                    (_, Some(digest)) => format!("{repository}@{digest}"),
                    (Some(tag), None) => format!("{repository}:{tag}"),
                    (None, None) => repository.to_string(),
                },
            };
            container["image"] = reference.into();
        }
    }
}

/// Points references to generated ConfigMaps at their hashed names.
fn rename_config_maps(value: &mut Value, generated: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if matches!(
                    key.as_str(),
                    "configMapRef" | "configMapKeyRef" | "configMap"
                ) && let Some(name) = child.get_mut("name")
                    && let Some(hashed) = name.as_str().and_then(|n| generated.get(n))
                {
                    *name = hashed.clone().into();
                }
                rename_config_maps(child, generated);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rename_config_maps(item, generated)),
        _ => {}
    }
}

/// Strategic merge as kustomize applies it to the fields patches touch: maps merge, lists of
/// named objects (containers, ports, env) merge by name, other lists are replaced, null deletes.
pub(crate) fn strategic_merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else if let Some(existing) = target.get_mut(key) {
                    strategic_merge(existing, value);
                } else {
                    target.insert(key.clone(), value.clone());
                }
            }
        }
        (Value::Array(target), Value::Array(patch))
            if patch.iter().all(|p| p.get("name").is_some()) =>
        {
            for item in patch {
                match target
                    .iter_mut()
                    .find(|t| t.get("name") == item.get("name"))
                {
                    Some(existing) => strategic_merge(existing, item),
                    None => target.push(item.clone()),
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// kustomize's ConfigMap name suffix: SHA-256 of the JSON `{"data":…,"kind":"ConfigMap","name":""}`
/// (keys sorted, as Go writes maps), first ten hex digits with 0,1,3,a,e swapped for letters.
/// The name is empty because kustomize 5 looks `metadata/name` up as one (missing) field.
pub(crate) fn config_map_hash(data: &Map<String, Value>) -> String {
    use sha2::Digest;
    let sorted: BTreeMap<&String, &Value> = data.iter().collect();
    let sorted: Map<String, Value> = sorted
        .into_iter()
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let encoded = format!(
        "{{\"data\":{},\"kind\":\"ConfigMap\",\"name\":\"\"}}",
        Value::Object(sorted)
    );
    let hex = hex::encode(sha2::Sha256::digest(encoded.as_bytes()));
    hex[..10]
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> Files {
        entries
            .iter()
            .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn builds_an_overlay_over_a_base() {
        let files = files(&[
            (
                "base/kustomization.yaml",
                "resources: [deploy.yaml]\nlabels:\n  - pairs: {app: web}\n    includeSelectors: true\n",
            ),
            (
                "base/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0\n          envFrom: [{configMapRef: {name: web-config}}]\n",
            ),
            (
                "kustomization.yaml",
                "namespace: prod\nresources: [base]\nimages:\n  - name: ghcr.io/acme/web\n    newName: ghcr.io/acme/web\n    digest: sha256:abc\nreplicas:\n  - name: web\n    count: 3\nlabels:\n  - pairs: {version: \"2\"}\n    includeTemplates: true\nconfigMapGenerator:\n  - name: web-config\n    literals: [A=1]\npatches:\n  - patch: |\n      kind: Deployment\n      metadata: {name: web}\n      spec:\n        template:\n          spec:\n            containers: [{name: web, env: [{name: X, value: hello}]}]\n",
            ),
        ]);
        let objects = build(&files, "").unwrap();
        let deployment = objects.iter().find(|o| o["kind"] == "Deployment").unwrap();
        assert_eq!(deployment["metadata"]["namespace"], "prod");
        assert_eq!(deployment["spec"]["replicas"], 3);
        assert_eq!(deployment["spec"]["selector"]["matchLabels"]["app"], "web");
        assert!(
            deployment["spec"]["selector"]["matchLabels"]
                .get("version")
                .is_none()
        );
        let container = &deployment["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["image"], "ghcr.io/acme/web@sha256:abc");
        assert_eq!(container["env"][0]["value"], "hello");
        let config_map = objects.iter().find(|o| o["kind"] == "ConfigMap").unwrap();
        let name = config_map["metadata"]["name"].as_str().unwrap();
        assert!(
            name.starts_with("web-config-") && name.len() == "web-config-".len() + 10,
            "{name}"
        );
        assert_eq!(container["envFrom"][0]["configMapRef"]["name"], name);
    }

    #[test]
    fn config_map_names_hash_like_kustomize() {
        // `kubectl kustomize` (kustomize 5.8) names this generator output hello-config-47668c6k28.
        let data: Map<String, Value> = [("LOG_LEVEL".to_string(), json!("debug"))]
            .into_iter()
            .collect();
        assert_eq!(config_map_hash(&data), "47668c6k28");
    }

    #[test]
    fn files_outside_the_kustomization_root_are_refused() {
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n";
        let refused = |resource: &str, dir: &str| {
            let files = files(&[
                (
                    &inside(dir, "kustomization.yaml"),
                    &format!("resources: ['{resource}']\n"),
                ),
                ("overlays/secret.yaml", deployment),
                ("secret.yaml", deployment),
            ]);
            build(&files, dir).unwrap_err().reason
        };
        assert_eq!(
            refused("../secret.yaml", "overlays/dev"),
            "security; resource '../secret.yaml' is not in or below 'overlays/dev'"
        );
        assert_eq!(
            refused("../../../etc/passwd", "overlays/dev"),
            "security; resource '../../../etc/passwd' is not in or below '/'"
        );
        assert_eq!(
            refused("/etc/passwd", ""),
            "security; resource '/etc/passwd' is not in or below '/'"
        );
        // Another kustomization may sit anywhere in the tree: the overlay over a base.
        let files = files(&[
            (
                "overlays/dev/kustomization.yaml",
                "resources: [../../base]\n",
            ),
            ("base/kustomization.yaml", "resources: [deploy.yaml]\n"),
            ("base/deploy.yaml", deployment),
        ]);
        assert_eq!(build(&files, "overlays/dev").unwrap().len(), 1);
    }

    #[test]
    fn a_missing_file_is_a_build_error() {
        let files = files(&[("kustomization.yaml", "resources: [nope.yaml]\n")]);
        assert_eq!(build(&files, "").unwrap_err().file, "nope.yaml");
    }
}
