//! The overlay for one environment, as a pure function: config + bundle contents in, the env
//! directory's files out. No I/O here, so every overlay kind is tested against saved inputs.
//!
//! | source    | engine | env dir holds |
//! |-----------|--------|---------------|
//! | kustomize | flux   | `base/`, `kustomization.yaml` (images by digest, replicas, labels, config, patches) |
//! | kustomize | argocd | the same plus `application.yaml` pointing at the env dir |
//! | helm      | flux   | `chart/`, `helmrelease.yaml` (values merged), `kustomization.yaml` listing it |
//! | helm      | argocd | `chart/`, `application.yaml` with `source.helm.valuesObject` |
//!
//! Every env dir also gets `release.json`.

use super::{TemplateError, Templates};
use crate::bundle::Manifest;
use crate::config::{Config, Environment};
use crate::model::image::{ImageParts, ImageValuePaths, split_reference};
use crate::model::release::Release;
use crate::model::{Content, Engine, Files, SourceKind};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

pub struct RenderRequest<'a> {
    pub config: &'a Config,
    pub env: &'a Environment,
    pub manifest: &'a Manifest,
    /// The bundle's source files, by path relative to the source directory: the unpacked
    /// files themselves ([`Content::File`]), passed into the env dir unread; only manifests,
    /// Chart.yaml and values.yaml are read, to be parsed.
    pub source: Files,
    pub release: Release,
    pub templates: &'a Templates,
}

/// An env directory's files, by path relative to it.
#[derive(Debug, PartialEq, Eq)]
pub struct Rendered {
    pub files: Files,
    pub warnings: Vec<String>,
    /// What its release.json says.
    pub release: Release,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("environment '{env}' requires images pinned by digest, but '{image}' is {reference}")]
    UnpinnedImage {
        env: String,
        image: String,
        reference: String,
    },
    #[error("{file}: {reason}")]
    Source { file: String, reason: String },
}

impl crate::error::Diagnose for RenderError {
    fn exit_code(&self) -> crate::error::ExitCode {
        match self {
            RenderError::UnpinnedImage { .. } => crate::error::ExitCode::Refused,
            _ => crate::error::ExitCode::Usage,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            RenderError::UnpinnedImage { .. } => {
                Some("pin it as repo@sha256:... in forge.yaml images or with --image".into())
            }
            _ => None,
        }
    }
}

pub fn render(req: RenderRequest) -> Result<Rendered, RenderError> {
    let mut rendered = Rendered {
        files: Files::new(),
        warnings: Vec::new(),
        release: req.release.clone(),
    };
    let env_name = &req.env.name.value;
    for image in &req.manifest.images {
        if image.digest.is_none() {
            if req.env.policy.require_digests {
                return Err(RenderError::UnpinnedImage {
                    env: env_name.clone(),
                    image: image.name.clone(),
                    reference: image.reference.clone(),
                });
            }
            rendered.warnings.push(format!(
                "image '{}' is not pinned by digest ({})",
                image.name, image.reference
            ));
        }
    }
    let engine = req.config.engine_for(req.env);
    let copy_into = match req.manifest.source.kind {
        SourceKind::Kustomize => {
            render_kustomize(&req, engine, &mut rendered)?;
            Some("base")
        }
        SourceKind::Helm => render_helm(&req, engine, &mut rendered)?,
    };
    req.release.write_into(&mut rendered.files);
    if let Some(into) = copy_into {
        for (path, bytes) in req.source {
            // What the templates wrote wins over a source file of the same path.
            rendered
                .files
                .entry(format!("{into}/{path}"))
                .or_insert(bytes);
        }
    }
    Ok(rendered)
}

/// Common template variables.
fn base_context(req: &RenderRequest) -> Map<String, Value> {
    let mut context = Map::new();
    context.insert("app".into(), req.config.app.value.clone().into());
    context.insert("env".into(), req.env.name.value.clone().into());
    context.insert("version".into(), req.manifest.version.clone().into());
    context.insert(
        "namespace".into(),
        req.env.namespace.clone().map_or(Value::Null, Value::from),
    );
    context.insert("chart_repository".into(), Value::Null);
    context
}

fn render_kustomize(
    req: &RenderRequest,
    engine: Engine,
    rendered: &mut Rendered,
) -> Result<(), RenderError> {
    let facts = scan_manifests(&req.source)?;
    let mut images = Vec::new();
    for image in &req.manifest.images {
        let parts = split_reference(&image.reference);
        // kustomize matches images by the repository the base uses: the same one, or else
        // that of the container named like the image (moving it to another repository).
        let base_repository = if facts.images.contains(&parts.repository) {
            parts.repository.clone()
        } else if let Some(repository) = facts.containers.get(&image.name) {
            repository.clone()
        } else {
            rendered.warnings.push(format!(
                "image '{}' ({}) is not used by any container in the base",
                image.name, parts.repository
            ));
            parts.repository.clone()
        };
        images.push(serde_json::json!({
            "name": base_repository,
            "new_name": parts.repository,
            "digest": parts.digest,
            "tag": parts.tag.unwrap_or_else(|| "latest".into()),
        }));
    }
    let replicas: Vec<Value> = match req.env.replicas {
        Some(count) => facts
            .workloads
            .iter()
            .map(|name| serde_json::json!({"name": name, "count": count}))
            .collect(),
        None => Vec::new(),
    };
    let mut context = base_context(req);
    context.insert("images".into(), images.into());
    context.insert("replicas".into(), replicas.into());
    context.insert("config".into(), forge_base::json::to_value(&req.env.config));
    context.insert(
        "patches".into(),
        forge_base::json::to_value(&req.env.patches),
    );
    context.insert(
        "deployment_strategy".into(),
        deployment_strategy(&req.env.strategy).map_or(Value::Null, Value::from),
    );
    let text = req.templates.render("kustomization.yaml.j2", &context)?;
    rendered
        .files
        .insert("kustomization.yaml".into(), text.into());
    if engine == Engine::Argocd {
        let path = req.config.env_path(&req.env.name.value);
        render_application(req, &mut context, path, Value::Null, rendered)?;
    }
    Ok(())
}

/// Returns the dir the bundle's chart is copied into, if it is used.
fn render_helm(
    req: &RenderRequest,
    engine: Engine,
    rendered: &mut Rendered,
) -> Result<Option<&'static str>, RenderError> {
    let repository = req.config.helm_repository.as_ref();
    let chart = match req.source.get("Chart.yaml") {
        Some(content) => parse_yaml_value("Chart.yaml", &read_source("Chart.yaml", content)?)?,
        None => Value::Null,
    };
    let defaults = match req.source.get("values.yaml") {
        Some(content) => parse_yaml_value("values.yaml", &read_source("values.yaml", content)?)?,
        None => Value::Object(Map::new()),
    };
    let mut values = defaults.clone();
    if let Some(env_values) = &req.env.values {
        merge(&mut values, env_values);
    }
    for image in &req.manifest.images {
        let paths = req
            .config
            .image_values
            .get(&image.name)
            .cloned()
            .unwrap_or_default();
        set_image_values(
            &mut values,
            &defaults,
            &split_reference(&image.reference),
            &paths,
        );
    }
    if let Some(count) = req.env.replicas {
        set_path(&mut values, "replicaCount", count.into());
    }
    let mut context = base_context(req);
    context.insert(
        "chart_repository".into(),
        forge_base::json::to_value(&repository),
    );
    context.insert(
        "chart_name".into(),
        chart.get("name").cloned().unwrap_or(Value::Null),
    );
    context.insert(
        "chart_version".into(),
        chart.get("version").cloned().unwrap_or(Value::Null),
    );
    let chart_path = format!("./{}/chart", req.config.env_path(&req.env.name.value));
    match engine {
        Engine::Flux => {
            let flux = &req.config.flux;
            context.insert("chart_path".into(), chart_path.into());
            context.insert("flux_namespace".into(), flux.namespace.clone().into());
            context.insert("git_repository".into(), flux.git_repository.clone().into());
            context.insert("values".into(), values);
            let release = req.templates.render("helmrelease.yaml.j2", &context)?;
            rendered
                .files
                .insert("helmrelease.yaml".into(), release.into());
            let listing = req
                .templates
                .render("helm-kustomization.yaml.j2", &context)?;
            rendered
                .files
                .insert("kustomization.yaml".into(), listing.into());
        }
        Engine::Argocd => {
            let path = format!("{}/chart", req.config.env_path(&req.env.name.value));
            render_application(req, &mut context, path, values, rendered)?;
        }
    }
    // A chart from a Helm repository replaces the one the bundle ships.
    Ok(repository.is_none().then_some("chart"))
}

fn render_application(
    req: &RenderRequest,
    context: &mut Map<String, Value>,
    source_path: String,
    values: Value,
    rendered: &mut Rendered,
) -> Result<(), RenderError> {
    let argocd = &req.config.argocd;
    context.insert(
        "repo_url".into(),
        crate::git::strip_credentials(&req.config.env_repo.url.value).into(),
    );
    context.insert(
        "branch".into(),
        req.config.env_repo.branch.value.clone().into(),
    );
    context.insert("source_path".into(), source_path.into());
    context.insert("values".into(), values);
    context.insert("argocd_namespace".into(), argocd.namespace.clone().into());
    context.insert("argocd_project".into(), argocd.project.clone().into());
    context.insert(
        "argocd_destination".into(),
        argocd.destination.clone().into(),
    );
    let text = req.templates.render("application.yaml.j2", &*context)?;
    rendered
        .files
        .insert("application.yaml".into(), text.into());
    Ok(())
}

/// Writes an image into the values. The digest goes to its own key when the chart's defaults
/// have one; otherwise it rides on the tag (`1.2@sha256:…`), which charts using
/// `repository:tag` turn into a pinned reference.
fn set_image_values(
    values: &mut Value,
    defaults: &Value,
    image: &ImageParts,
    paths: &ImageValuePaths,
) {
    set_path(values, &paths.repository, image.repository.clone().into());
    let chart_has_digest = get_path(defaults, &paths.digest).is_some();
    match (&image.tag, &image.digest) {
        (tag, Some(digest)) if chart_has_digest => {
            set_path(values, &paths.digest, digest.clone().into());
            if let Some(tag) = tag {
                set_path(values, &paths.tag, tag.clone().into());
            }
        }
        (Some(tag), Some(digest)) => set_path(values, &paths.tag, format!("{tag}@{digest}").into()),
        (None, Some(digest)) => set_path(values, &paths.tag, format!("latest@{digest}").into()),
        (Some(tag), None) => set_path(values, &paths.tag, tag.clone().into()),
        (None, None) => {}
    }
}

fn get_path<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.')
        .try_fold(value, |node, key| node.as_object()?.get(key))
}

fn set_path(value: &mut Value, path: &str, new: Value) {
    let mut node = value;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let map = forge_base::json::as_map(node);
        if keys.peek().is_none() {
            map.insert(key.to_string(), new);
            return;
        }
        node = map
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// Deep merge as Helm does: maps merge key by key, anything else is replaced.
pub fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            for (key, value) in over {
                match base.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, over) => *base = over.clone(),
    }
}

/// A source file's bytes, which must be parsed (a manifest, Chart.yaml, values.yaml).
fn read_source<'a>(file: &str, content: &'a Content) -> Result<Cow<'a, [u8]>, RenderError> {
    content.read().map_err(|e| RenderError::Source {
        file: file.into(),
        reason: e.to_string(),
    })
}

fn parse_yaml_value(file: &str, bytes: &[u8]) -> Result<Value, RenderError> {
    let text = std::str::from_utf8(bytes).map_err(|_| RenderError::Source {
        file: file.into(),
        reason: "not UTF-8".into(),
    })?;
    if text.trim().is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    serde_saphyr::from_str(text).map_err(|e| RenderError::Source {
        file: file.into(),
        reason: one_line(&e),
    })
}

fn one_line(err: &serde_saphyr::Error) -> String {
    err.without_snippet().to_string()
}

/// What the overlay needs to know about the base's manifests.
#[derive(Debug, Default)]
struct ManifestFacts {
    /// Repositories of every container image.
    images: Vec<String>,
    /// Container name → its image repository, so an image named like its container can
    /// move to another repository.
    containers: BTreeMap<String, String>,
    /// Deployments and StatefulSets, whose replicas an env may set.
    workloads: Vec<String>,
    /// Gateway API HTTPRoutes by name: the first backend of each rule.
    routes: BTreeMap<String, Vec<RouteBackend>>,
    /// The labels Services select pods by (all Services together).
    selectors: BTreeMap<String, String>,
}

/// The JSON 6902 patch that sets every Deployment's update strategy: `Recreate`, or a
/// rolling update with the env's bounds; None leaves the base's own.
fn deployment_strategy(strategy: &crate::config::Strategy) -> Option<String> {
    use crate::model::StrategyKind;
    let value = match strategy.kind {
        StrategyKind::Recreate => serde_json::json!({"type": "Recreate"}),
        StrategyKind::Rolling
            if strategy.max_surge.is_some() || strategy.max_unavailable.is_some() =>
        {
            let mut bounds = Map::new();
            for (key, bound) in [
                ("maxSurge", &strategy.max_surge),
                ("maxUnavailable", &strategy.max_unavailable),
            ] {
                if let Some(bound) = bound {
                    bounds.insert(key.into(), serde_json::json!(bound.value));
                }
            }
            serde_json::json!({"type": "RollingUpdate", "rollingUpdate": bounds})
        }
        _ => return None,
    };
    Some(serde_json::json!([{"op": "add", "path": "/spec/strategy", "value": value}]).to_string())
}

/// The Deployments and StatefulSets a kustomize source defines, by name.
pub fn workload_names(source: &Files) -> Result<Vec<String>, RenderError> {
    Ok(scan_manifests(source)?.workloads)
}

/// The labels the source's Services select their pods by.
pub fn service_selectors(source: &Files) -> Result<BTreeMap<String, String>, RenderError> {
    Ok(scan_manifests(source)?.selectors)
}

/// Where one rule of an HTTPRoute sends its traffic (its first backend).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteBackend {
    pub rule: usize,
    pub service: String,
    pub port: u64,
}

/// The rules of the HTTPRoute `name` in a kustomize source; None when it has no such route.
pub fn route_backends(
    source: &Files,
    name: &str,
) -> Result<Option<Vec<RouteBackend>>, RenderError> {
    Ok(scan_manifests(source)?.routes.remove(name))
}

fn scan_manifests(source: &Files) -> Result<ManifestFacts, RenderError> {
    let mut facts = ManifestFacts::default();
    for (path, content) in source {
        let is_yaml = path.ends_with(".yaml") || path.ends_with(".yml");
        let name = path.rsplit('/').next().unwrap_or(path);
        if !is_yaml || name.starts_with("kustomization.") || name == "Kustomization" {
            continue;
        }
        let bytes = read_source(path, content)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| RenderError::Source {
            file: path.clone(),
            reason: "not UTF-8".into(),
        })?;
        let documents: Vec<Value> =
            serde_saphyr::from_multiple(text).map_err(|e| RenderError::Source {
                file: format!("base/{path}"),
                reason: one_line(&e),
            })?;
        for document in documents {
            collect_images(&document, &mut facts);
            let kind = document.get("kind").and_then(Value::as_str);
            let name = document.pointer("/metadata/name").and_then(Value::as_str);
            if let (Some("Deployment" | "StatefulSet"), Some(name)) = (kind, name) {
                facts.workloads.push(name.to_string());
            }
            if let (Some("HTTPRoute"), Some(name)) = (kind, name) {
                facts.routes.insert(name.to_string(), backends(&document));
            }
            if kind == Some("Service") {
                let selector = document
                    .pointer("/spec/selector")
                    .and_then(Value::as_object);
                for (key, value) in selector.into_iter().flatten() {
                    if let Some(value) = value.as_str() {
                        facts.selectors.insert(key.clone(), value.to_string());
                    }
                }
            }
        }
    }
    facts.images.sort();
    facts.images.dedup();
    facts.workloads.sort();
    facts.workloads.dedup();
    Ok(facts)
}

fn backends(route: &Value) -> Vec<RouteBackend> {
    let rules = route.pointer("/spec/rules").and_then(Value::as_array);
    rules
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(rule, body)| {
            let first = body.pointer("/backendRefs/0")?;
            Some(RouteBackend {
                rule,
                service: first.get("name")?.as_str()?.to_string(),
                port: first.get("port").and_then(Value::as_u64).unwrap_or(80),
            })
        })
        .collect()
}

fn collect_images(value: &Value, facts: &mut ManifestFacts) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(name)), Some(Value::String(reference))) =
                (map.get("name"), map.get("image"))
            {
                facts
                    .containers
                    .insert(name.clone(), split_reference(reference).repository);
            }
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("image", Value::String(reference)) => {
                        facts.images.push(split_reference(reference).repository)
                    }
                    _ => collect_images(child, facts),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_images(item, facts)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_maps_deeply_and_replaces_everything_else() {
        let mut base = serde_json::json!({"image": {"repository": "a", "tag": "1"}, "list": [1, 2], "keep": true});
        merge(
            &mut base,
            &serde_json::json!({"image": {"tag": "2"}, "list": [3]}),
        );
        assert_eq!(
            base,
            serde_json::json!({"image": {"repository": "a", "tag": "2"}, "list": [3], "keep": true})
        );
    }

    #[test]
    fn image_digest_goes_to_its_own_key_only_when_the_chart_has_one() {
        let image = split_reference("ghcr.io/acme/web:1.2@sha256:abc");
        let paths = ImageValuePaths::default();
        let with_digest =
            serde_json::json!({"image": {"repository": "x", "tag": "", "digest": ""}});
        let mut values = with_digest.clone();
        set_image_values(&mut values, &with_digest, &image, &paths);
        assert_eq!(
            values["image"],
            serde_json::json!({"repository": "ghcr.io/acme/web", "tag": "1.2", "digest": "sha256:abc"})
        );

        let without = serde_json::json!({"image": {"repository": "x", "tag": ""}});
        let mut values = without.clone();
        set_image_values(&mut values, &without, &image, &paths);
        assert_eq!(
            values["image"],
            serde_json::json!({"repository": "ghcr.io/acme/web", "tag": "1.2@sha256:abc"})
        );
    }
}
