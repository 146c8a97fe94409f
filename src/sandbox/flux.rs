//! The sandbox's Flux: a GitRepository that follows the env repo's branch, a Kustomization per
//! app/env directory found there, and a reconciler that builds each directory with the
//! built-in kustomize and applies the objects, writing status exactly where Flux writes it
//! (`lastAppliedRevision`, `lastAttemptedRevision`, `observedGeneration`, Ready/Reconciling
//! conditions, `lastHandledReconcileAt` echoing `reconcile.fluxcd.io/requestedAt`).

use super::api::Cluster;
use super::kustomize::{self, Files};
use super::store::{Key, Part, Store};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

pub const NAMESPACE: &str = "flux-system";
pub const SOURCE: &str = "flux-system";
const REQUESTED_AT: &str = "reconcile.fluxcd.io/requestedAt";

#[derive(Clone, Debug)]
pub struct Settings {
    pub url: String,
    pub branch: String,
    /// The directory that holds `<app>/<env>/` (forge's default layout: `apps`).
    pub apps_dir: String,
    pub interval: Duration,
    /// Namespace per `<app>/<env>` (from forge.yaml); others get `<app>-<env>`, so that
    /// environments sharing one sandbox never overwrite each other.
    pub namespaces: std::collections::BTreeMap<String, String>,
    /// `<app>/<env>` directories that Argo CD applies (an Application each); Flux has the rest.
    pub argocd: BTreeSet<String>,
    /// Every directory goes to Argo CD (`--engine argocd`).
    pub argocd_everywhere: bool,
    /// Fault: a new revision is reported as in progress this long before it is applied.
    pub reconcile_delay: Duration,
    /// Create a Kustomization (or Application) for each app/env directory that has none, as
    /// a bootstrap would; without it only objects created through the API are reconciled.
    pub bootstrap: bool,
}

pub struct Reconciler {
    settings: Settings,
    git_dir: PathBuf,
    _scratch: tempfile::TempDir,
    last_fetch: Option<Instant>,
    /// When each Kustomization first saw the work it is doing now (for `reconcile_delay`).
    started: std::collections::HashMap<String, f64>,
}

impl Reconciler {
    pub fn new(settings: Settings) -> std::io::Result<Self> {
        let scratch = tempfile::Builder::new()
            .prefix("forge-sandbox-")
            .tempdir()?;
        let git_dir = scratch.path().join("envs.git");
        let status = Command::new("git")
            .args(["init", "--quiet", "--bare"])
            .arg(&git_dir)
            .status()?;
        if !status.success() {
            return Err(std::io::Error::other("git init failed"));
        }
        Ok(Reconciler {
            settings,
            git_dir,
            _scratch: scratch,
            last_fetch: None,
            started: std::collections::HashMap::new(),
        })
    }

    fn git(&self, args: &[&str]) -> Option<Vec<u8>> {
        let output = Command::new("git")
            .arg("--git-dir")
            .arg(&self.git_dir)
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .ok()?;
        output.status.success().then_some(output.stdout)
    }

    fn text(&self, args: &[&str]) -> Option<String> {
        self.git(args)
            .map(|out| String::from_utf8_lossy(&out).trim().to_string())
    }

    /// One pass: fetch when the interval passed or someone asked for a reconcile, then make
    /// sure every app/env directory has its Kustomization and every Kustomization is applied.
    pub fn tick(&mut self, cluster: &Cluster, now: f64) {
        let asked = cluster
            .store
            .lock()
            .map(|store| reconcile_requested(&store))
            .unwrap_or(false);
        let due = self
            .last_fetch
            .is_none_or(|at| at.elapsed() >= self.settings.interval);
        if !(due || asked) {
            return;
        }
        self.last_fetch = Some(Instant::now());
        let refspec = format!("+refs/heads/{0}:refs/heads/{0}", self.settings.branch);
        let fetched = self
            .git(&[
                "fetch",
                "--quiet",
                "--no-tags",
                &self.settings.url,
                &refspec,
            ])
            .is_some();
        let tip = if fetched {
            self.text(&[
                "rev-parse",
                "--verify",
                &format!("refs/heads/{}", self.settings.branch),
            ])
        } else {
            None
        };
        let revision = tip
            .as_ref()
            .map(|tip| format!("{}@sha1:{tip}", self.settings.branch));
        let dirs = tip
            .as_ref()
            .map(|tip| self.env_dirs(tip))
            .unwrap_or_default();
        // Argo CD builds the commit a pending operation names; everything else builds the tip.
        let requested: Vec<Option<String>> = {
            let store = cluster.store.lock().expect("store lock");
            dirs.iter()
                .map(|dir| {
                    if self.is_argocd(dir) {
                        super::argocd::requested_commit(&store, dir)
                    } else {
                        None
                    }
                })
                .collect()
        };
        // An Argo CD env dir with a Helm source brings its own Application: the sandbox adopts
        // it and renders its chart (with `helm`, outside the store lock).
        let mut builds = Vec::new();
        for (dir, requested) in dirs.iter().zip(requested) {
            let commit = requested.or(tip.clone());
            let mut adopted = None;
            let built = match &commit {
                Some(commit) => self.read_dir(commit, dir).and_then(|files| {
                    adopted = self
                        .is_argocd(dir)
                        .then(|| super::argocd::helm_application(&files, dir))
                        .flatten();
                    match &adopted {
                        Some(application) => self.render_helm_application(commit, application),
                        None => build(&files),
                    }
                }),
                None => Err("no revision".into()),
            };
            builds.push((dir.clone(), commit, built, adopted));
        }
        let mut reconciled = Vec::new();
        cluster.write(|store| {
            self.update_source(store, revision.as_deref(), now);
            for dir in dirs.iter().filter(|_| self.settings.bootstrap) {
                let namespace = self.target_namespace(dir);
                if self.is_argocd(dir) {
                    super::argocd::ensure_application(store, dir, &namespace, &self.settings, now);
                } else {
                    ensure_kustomization(store, dir, &namespace, now);
                }
            }
            if let (Some(revision), Some(tip)) = (&revision, &tip) {
                for (dir, commit, built, adopted) in &builds {
                    if self.is_argocd(dir) {
                        let commit = commit.as_deref().unwrap_or(tip);
                        if let Some(application) = adopted {
                            super::argocd::adopt(store, dir, application, now);
                        }
                        super::argocd::reconcile(store, dir, built, commit, now);
                        let key = super::argocd::key(dir);
                        reconciled.push((key.clone(), commit.to_string(), outcome(store, &key)));
                    } else {
                        let work = format!("{dir}@{revision}");
                        let since = *self.started.entry(work).or_insert(now);
                        let ready = now - since >= self.settings.reconcile_delay.as_secs_f64();
                        reconcile(store, dir, built, revision, ready, now);
                        let key = kustomization_key(dir);
                        reconciled.push((key.clone(), revision.clone(), outcome(store, &key)));
                    }
                }
            }
        });
        for (key, revision, outcome) in reconciled {
            cluster.log.line(format!(
                "reconcile {} {}/{} revision={revision} {outcome}",
                key.resource, key.namespace, key.name
            ));
        }
        if let (Some(revision), Some(tip)) = (&revision, &tip) {
            self.reconcile_helm_releases(cluster, tip, revision, now);
        }
    }

    /// Renders the HelmReleases that need it with `helm template` (outside the store lock: it
    /// runs a program) and applies the results.
    fn reconcile_helm_releases(&self, cluster: &Cluster, tip: &str, revision: &str, now: f64) {
        let pending = super::helm::pending(&cluster.store.lock().expect("store lock"), revision);
        for release in pending {
            let chart_files = match &release.chart_path {
                Some(path) => self.read_dir(tip, path),
                None => Err(unfetchable(
                    &cluster.store.lock().expect("store lock"),
                    &release.key,
                )),
            };
            let chart = chart_files
                .as_ref()
                .map(super::helm::chart_metadata)
                .unwrap_or(json!({}));
            let rendered = chart_files.and_then(|files| {
                super::helm::render(
                    &files,
                    &release.release_name,
                    &release.namespace,
                    &release.values,
                )
            });
            let outcome = cluster.write(|store| {
                super::helm::record(store, &release, &chart, rendered, revision, now);
                outcome(store, &release.key)
            });
            let key = &release.key;
            cluster.log.line(format!(
                "reconcile {} {}/{} revision={revision} {outcome}",
                key.resource, key.namespace, key.name
            ));
        }
    }

    /// Renders an Argo CD Application's Helm source at `commit`, as Argo CD's repo-server does.
    fn render_helm_application(&self, commit: &str, application: &Value) -> Built {
        let source = super::argocd::helm_source(application)?;
        let chart = self.read_dir(commit, &source.path)?;
        super::helm::render(
            &chart,
            &source.release_name,
            &source.namespace,
            &source.values,
        )
    }

    /// `<apps_dir>/<app>/<env>` directories at `tip`.
    fn env_dirs(&self, tip: &str) -> Vec<String> {
        let list = |tree: &str| -> Vec<String> {
            self.text(&["ls-tree", "-d", "--name-only", &format!("{tip}:{tree}")])
                .map(|out| out.lines().map(str::to_string).collect())
                .unwrap_or_default()
        };
        let apps_dir = &self.settings.apps_dir;
        let mut dirs = Vec::new();
        for app in list(apps_dir) {
            for env in list(&format!("{apps_dir}/{app}")) {
                dirs.push(format!("{apps_dir}/{app}/{env}"));
            }
        }
        dirs
    }

    fn is_argocd(&self, dir: &str) -> bool {
        let relative = dir
            .strip_prefix(&format!("{}/", self.settings.apps_dir))
            .unwrap_or(dir);
        self.settings.argocd_everywhere || self.settings.argocd.contains(relative)
    }

    fn target_namespace(&self, dir: &str) -> String {
        let relative = dir
            .strip_prefix(&format!("{}/", self.settings.apps_dir))
            .unwrap_or(dir);
        self.settings
            .namespaces
            .get(relative)
            .cloned()
            .unwrap_or_else(|| name_for(dir))
    }

    fn read_dir(&self, tip: &str, dir: &str) -> Result<Files, String> {
        let listing = self
            .git(&["ls-tree", "-r", "-z", &format!("{tip}:{dir}")])
            .ok_or_else(|| format!("{dir} not found"))?;
        let mut files = Files::new();
        for line in String::from_utf8_lossy(&listing)
            .split('\0')
            .filter(|l| !l.is_empty())
        {
            let Some((meta, path)) = line.split_once('\t') else {
                continue;
            };
            let id = meta.rsplit(' ').next().unwrap_or_default();
            let bytes = self
                .git(&["cat-file", "blob", id])
                .ok_or_else(|| format!("cannot read {dir}/{path}"))?;
            files.insert(path.to_string(), bytes);
        }
        Ok(files)
    }

    fn update_source(&self, store: &mut Store, revision: Option<&str>, now: f64) {
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
                "spec": {"interval": format!("{}s", self.settings.interval.as_secs().max(1)), "url": crate::git::strip_credentials(&self.settings.url), "ref": {"branch": self.settings.branch}},
            });
            store.create(key.clone(), repository, &now_text).ok();
        }
        // Every GitRepository that points at the env repo follows it, as source-controller
        // would fetch it for each (a bootstrap by hand names its own).
        let url = crate::git::strip_credentials(&self.settings.url);
        let following: Vec<Key> = store
            .list("gitrepositories.source.toolkit.fluxcd.io", Some(NAMESPACE))
            .into_iter()
            .filter(|repository| repository["spec"]["url"].as_str() == Some(url.as_str()))
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
}

pub(super) type Built = Result<Vec<Value>, String>;

fn build(files: &Files) -> Built {
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

pub(super) fn name_for(dir: &str) -> String {
    let mut parts = dir.rsplit('/');
    let env = parts.next().unwrap_or_default();
    let app = parts.next().unwrap_or_default();
    format!("{app}-{env}")
}

/// Why a HelmRelease whose chart comes from a Helm repository (not the env repo) fails, in
/// the words helm-controller uses for a HelmChart it cannot get.
fn unfetchable(store: &Store, key: &Key) -> String {
    let chart = store
        .get(key)
        .and_then(|release| release.pointer("/spec/chart/spec"))
        .cloned()
        .unwrap_or(Value::Null);
    let text = |pointer: &str| chart.pointer(pointer).and_then(Value::as_str).unwrap_or("");
    let source_namespace = match text("/sourceRef/namespace") {
        "" => key.namespace.as_str(),
        namespace => namespace,
    };
    format!(
        "HelmChart '{ns}/{ns}-{name}' is not ready: cannot fetch chart '{chart}' from {kind} '{source_namespace}/{source}': the sandbox has no network; ship the chart in the env repo and point sourceRef at the GitRepository",
        ns = key.namespace,
        name = key.name,
        chart = text("/chart"),
        kind = match text("/sourceRef/kind") {
            "" => "HelmRepository",
            kind => kind,
        },
        source = text("/sourceRef/name"),
    )
}

/// What a reconcile left in an object's status, for the sandbox log: the Ready condition
/// (Flux) or the sync and health status (Argo CD).
fn outcome(store: &Store, key: &Key) -> String {
    let Some(status) = store.get(key).map(|object| &object["status"]) else {
        return "outcome=gone".into();
    };
    let text = |value: &Value| value.as_str().unwrap_or("Unknown").to_string();
    let ready = status["conditions"]
        .as_array()
        .and_then(|conditions| conditions.iter().find(|c| c["type"] == "Ready"));
    match ready {
        Some(ready) => format!(
            "outcome=Ready={} reason={} message={:?}",
            text(&ready["status"]),
            text(&ready["reason"]),
            text(&ready["message"])
        ),
        None => format!(
            "outcome=sync={} health={}",
            text(&status["sync"]["status"]),
            text(&status["health"]["status"])
        ),
    }
}

fn kustomization_key(dir: &str) -> Key {
    Key {
        resource: "kustomizations.kustomize.toolkit.fluxcd.io".into(),
        namespace: NAMESPACE.into(),
        name: name_for(dir),
    }
}

fn ensure_kustomization(store: &mut Store, dir: &str, namespace: &str, now: f64) {
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

fn reconcile_requested(store: &Store) -> bool {
    super::argocd::refresh_requested(store) || flux_reconcile_requested(store)
}

fn flux_reconcile_requested(store: &Store) -> bool {
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
fn reconcile(store: &mut Store, dir: &str, built: &Built, revision: &str, ready: bool, now: f64) {
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

/// Applies objects (creating their namespaces), keeping what controllers wrote in `status`.
/// `target` overrides every object's namespace, as Flux's `spec.targetNamespace` does.
/// Returns each object's inventory id (`<namespace>_<name>_<group>_<Kind>`) with its key.
pub(super) fn apply(
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
        let Some((key, resource)) = super::api::key_for(object, "default") else {
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
                    super::store::merge_patch(&mut merged, ours);
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
pub(super) fn prune<'a>(
    store: &mut Store,
    previous: impl Iterator<Item = &'a str>,
    applied: &[(String, Key)],
) {
    let keep: BTreeSet<&str> = applied.iter().map(|(id, _)| id.as_str()).collect();
    for id in previous.filter(|id| !keep.contains(id)) {
        let parts: Vec<&str> = id.splitn(4, '_').collect();
        if let [namespace, name, group, kind] = parts[..]
            && let Some(resource) = super::resources::RESOURCES
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

fn condition(kind: &str, status: &str, reason: &str, message: &str, now: &str) -> Value {
    json!({"type": kind, "status": status, "reason": reason, "message": message, "lastTransitionTime": now})
}

/// Whether a status changed beyond its timestamps.
fn differs(current: &Value, new: &Value) -> bool {
    super::store::without_timestamps(current) != super::store::without_timestamps(new)
}
