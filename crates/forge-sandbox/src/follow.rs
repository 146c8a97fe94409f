//! Following an env repo as a cluster bootstrapped with Flux or Argo CD does: the env repo's
//! branch fetched on an interval (or when someone asks for a reconcile), a Kustomization or an
//! Application per app/env directory found there, each directory built (the built-in
//! kustomize, or `helm template` for charts) and handed to [`flux`] or [`argocd`] to apply,
//! and HelmReleases rendered for [`helm`].

use crate::apply::{Built, Repo, name_for};
use crate::kustomize::Files;
use crate::store::{Cluster, Key, Store};
use crate::{argocd, flux, helm};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// Which env repo to follow, and how.
#[derive(Clone, Debug)]
pub struct Follow {
    /// Where to fetch from (it may carry credentials).
    pub url: String,
    /// The URL without credentials, as GitRepository and Application objects show it.
    pub public_url: String,
    pub branch: String,
    /// The directory that holds `<app>/<env>/` (forge's default layout: `apps`).
    pub apps_dir: String,
    pub interval: Duration,
    /// Namespace per `<app>/<env>` (from forge.yaml); others get `<app>-<env>`, so that
    /// environments sharing one sandbox never overwrite each other.
    pub namespaces: BTreeMap<String, String>,
    /// The `<app>/<env>` directories Argo CD applies (an Application each); Flux has the rest.
    pub argocd: ArgocdDirs,
    /// Fault: a new revision is reported as in progress this long before it is applied.
    pub reconcile_delay: Duration,
    /// Create a Kustomization (or Application) for each app/env directory that has none, as
    /// a bootstrap would; without it only objects created through the API are reconciled.
    pub bootstrap: bool,
}

/// The app/env directories Argo CD applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgocdDirs {
    /// Every one (`--engine argocd`).
    All,
    /// These `<app>/<env>` directories (none: Flux applies everything).
    Only(BTreeSet<String>),
}

impl Default for ArgocdDirs {
    fn default() -> Self {
        ArgocdDirs::Only(BTreeSet::new())
    }
}

/// The follower's own clone of the env repo, and what it remembers between ticks.
pub(crate) struct Follower {
    settings: Follow,
    git_dir: PathBuf,
    _scratch: tempfile::TempDir,
    last_fetch: Option<Instant>,
    /// When each Kustomization first saw the work it is doing now (for `reconcile_delay`).
    started: HashMap<String, f64>,
}

impl Follower {
    pub(crate) fn new(settings: Follow) -> std::io::Result<Self> {
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
        Ok(Follower {
            settings,
            git_dir,
            _scratch: scratch,
            last_fetch: None,
            started: HashMap::new(),
        })
    }

    fn git(&self, args: &[&str]) -> Option<Vec<u8>> {
        let output = Command::new("git")
            .arg("--git-dir")
            .arg(&self.git_dir)
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_ALLOW_PROTOCOL", forge_base::GIT_ALLOWED_PROTOCOLS)
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
    pub(crate) fn tick(&mut self, cluster: &Cluster, now: f64) {
        let asked = cluster
            .store
            .lock()
            .map(|store| argocd::refresh_requested(&store) || flux::reconcile_requested(&store))
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
            let store = crate::store::lock(&cluster.store);
            dirs.iter()
                .map(|dir| {
                    if self.is_argocd(dir) {
                        argocd::requested_commit(&store, dir)
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
                        .then(|| argocd::helm_application(&files, dir))
                        .flatten();
                    match &adopted {
                        Some(application) => self.render_helm_application(commit, application),
                        None => flux::build(&files),
                    }
                }),
                None => Err("no revision".into()),
            };
            builds.push((dir.clone(), commit, built, adopted));
        }
        let mut reconciled = Vec::new();
        cluster.write(|store| {
            let repo = Repo {
                url: &self.settings.public_url,
                branch: &self.settings.branch,
            };
            let interval = self.settings.interval;
            flux::update_source(store, &repo, interval, revision.as_deref(), now);
            for dir in dirs.iter().filter(|_| self.settings.bootstrap) {
                let namespace = self.target_namespace(dir);
                if self.is_argocd(dir) {
                    argocd::ensure_application(store, dir, &namespace, &repo, now);
                } else {
                    flux::ensure_kustomization(store, dir, &namespace, now);
                }
            }
            if let (Some(revision), Some(tip)) = (&revision, &tip) {
                for (dir, commit, built, adopted) in &builds {
                    if self.is_argocd(dir) {
                        let commit = commit.as_deref().unwrap_or(tip);
                        if let Some(application) = adopted {
                            argocd::adopt(store, dir, application, now);
                        }
                        argocd::reconcile(store, dir, built, commit, now);
                        let key = argocd::key(dir);
                        reconciled.push((key.clone(), commit.to_string(), outcome(store, &key)));
                    } else {
                        let work = format!("{dir}@{revision}");
                        let since = *self.started.entry(work).or_insert(now);
                        let ready = now - since >= self.settings.reconcile_delay.as_secs_f64();
                        flux::reconcile(store, dir, built, revision, ready, now);
                        let key = flux::kustomization_key(dir);
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
        let pending = helm::pending(&crate::store::lock(&cluster.store), revision);
        for release in pending {
            let chart_files = match &release.chart_path {
                Some(path) => self.read_dir(tip, path),
                None => Err(helm::unfetchable(
                    &crate::store::lock(&cluster.store),
                    &release.key,
                )),
            };
            let chart = chart_files
                .as_ref()
                .map(helm::chart_metadata)
                .unwrap_or(json!({}));
            let rendered = chart_files.and_then(|files| {
                helm::render(
                    &files,
                    &release.release_name,
                    &release.namespace,
                    &release.values,
                )
            });
            let outcome = cluster.write(|store| {
                helm::record(store, &release, &chart, rendered, revision, now);
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
        let source = argocd::helm_source(application)?;
        let chart = self.read_dir(commit, &source.path)?;
        helm::render(
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
        match &self.settings.argocd {
            ArgocdDirs::All => true,
            ArgocdDirs::Only(dirs) => dirs.contains(relative),
        }
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
