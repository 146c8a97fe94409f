//! Waiting for a commit: ask Flux or Argo CD to pick it up, follow their objects until the
//! exact commit is applied, then follow the workloads it produced until they are Current.
//! Everything is watched (no poll loop); the rules that judge what is seen live in
//! [`crate::decide`], the cluster I/O in [`crate::cluster`].

mod argocd;
mod flux;
mod observe;
mod report;
mod unbound;

pub use argocd::ArgocdApi;
pub use observe::{Observation, observe};
pub use report::{Failure, PodReport};
pub use unbound::{Problem, Unbound, WaitError};

use crate::cluster::{
    CONTROLLER_REVISION, Change, Cluster, ClusterError, DAEMON_SET, DEPLOYMENT, Kind, ObjectRef,
    POD, REPLICA_SET,
};
use crate::config::{ArgocdSettings, FluxSettings};
use crate::decide::Verdict;
use crate::decide::pods::{CrashPolicy, StuckPod, by_revision, stuck_pods};
use crate::decide::workload::{note, workload};
use crate::model::{Engine, SourceKind};
use futures::StreamExt;
use futures::stream::{BoxStream, SelectAll};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::Duration;

/// What forge waits for: one app's env dir at one commit.
pub struct Target {
    pub app: String,
    pub env: String,
    pub commit: String,
    pub engine: Engine,
    pub source: SourceKind,
    pub flux: FluxSettings,
    pub argocd: ArgocdSettings,
    /// Argo CD's REST API, when a server and token are configured.
    pub argocd_api: Option<ArgocdApi>,
    pub crash: CrashPolicy,
    /// The env dir in the env repo (`apps/<app>/<env>` by default): what the GitOps object
    /// must apply.
    pub dir: String,
    /// The env repo's URL (credentials stripped) and branch, for the hint that creates a
    /// missing GitOps object.
    pub repo_url: String,
    pub branch: String,
    /// The namespace the env's workloads go to (Argo CD's destination in that hint).
    pub namespace: String,
}

impl Target {
    /// The GitOps object for this app/env: `<app>-<env>`, as `forge sandbox` and a
    /// bootstrap per app/env name them.
    pub fn object_name(&self) -> String {
        format!("{}-{}", self.app, self.env)
    }
}

/// How a later commit on the branch relates to the one forge waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Relation {
    /// It contains our commit and this env dir is as we left it: applying it applies ours.
    Includes,
    /// It contains our commit but changed this env dir again: someone deployed over us.
    Supersedes,
    /// It does not contain our commit (an older one, or unknown yet).
    Unrelated,
}

/// Answers how an applied revision relates to ours (the env repo adapter implements it).
pub trait Lineage {
    fn relation(&self, revision: &str) -> Relation;

    /// Whether our commit created the env dir (the env's first release): something that
    /// generates a GitOps object per env dir may not have created this one yet.
    fn first_release(&self) -> bool {
        false
    }
}

/// Progress as the wait goes, for the terminal or CI log.
pub trait Reporter {
    /// Something happened (`Applied`, `Reconciling`…).
    fn step(&self, verb: &str, what: &str);
    /// What is still pending changed; a terminal may show it in place.
    fn pending(&self, what: &str) {
        self.step("Waiting", what);
    }
}

#[derive(Debug)]
pub enum Outcome {
    /// Applied and every workload Current.
    Healthy {
        revision: String,
        workloads: Vec<ObjectRef>,
    },
    Failed(Failure),
    /// Someone else deployed to this env while forge was waiting.
    Superseded {
        by: String,
    },
}

/// The last thing still pending, kept for the timeout message.
#[derive(Default)]
pub struct Pending(Mutex<String>);

impl Pending {
    fn set(&self, text: &str) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = text.to_string();
    }

    pub fn get(&self) -> String {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Triggers the engine and waits (unbounded: the caller applies the timeout, and reads
/// `pending` when it strikes).
pub async fn wait(
    cluster: &Cluster,
    target: &Target,
    lineage: &dyn Lineage,
    reporter: &dyn Reporter,
    pending: &Pending,
) -> Result<Outcome, WaitError> {
    let token = crate::time::rfc3339_nanos(crate::time::now_precise());
    let synced = match target.engine {
        Engine::Flux => flux::sync(cluster, target, &token, lineage, reporter, pending).await?,
        Engine::Argocd => argocd::sync(cluster, target, lineage, reporter, pending).await?,
    };
    let Synced {
        revision,
        workloads,
    } = match synced {
        Step::Done(synced) => synced,
        Step::Failed(failure) => return Ok(Outcome::Failed(failure)),
        Step::Superseded(by) => return Ok(Outcome::Superseded { by }),
        Step::Unbound(unbound) => return Err(WaitError::Unbound(unbound)),
        Step::Pending(_) => unreachable!("sync returns when settled"),
    };
    reporter.step(
        "Applied",
        &format!("{} at {}", target.object_name(), short(&revision)),
    );
    match roll_out(cluster, target, &workloads, reporter, pending).await? {
        Step::Done(()) => Ok(Outcome::Healthy {
            revision,
            workloads,
        }),
        Step::Failed(failure) => Ok(Outcome::Failed(failure)),
        Step::Superseded(by) => Ok(Outcome::Superseded { by }),
        Step::Unbound(unbound) => Err(WaitError::Unbound(unbound)),
        Step::Pending(_) => unreachable!("roll_out returns when settled"),
    }
}

/// Where the engine stands after applying: the revision and the workloads it produced.
pub struct Synced {
    revision: String,
    workloads: Vec<ObjectRef>,
}

enum Step<T> {
    Done(T),
    Pending(String),
    Failed(Failure),
    Superseded(String),
    /// Nothing will apply the commit: the GitOps object is missing or watches elsewhere.
    Unbound(Box<Unbound>),
}

/// The objects the watches have delivered so far.
type Seen = BTreeMap<ObjectRef, Value>;

/// A watch on one kind in one namespace (one name, or all).
struct Watch {
    kind: Kind,
    namespace: String,
    name: Option<String>,
}

/// Runs watches and re-judges after every change until `judge` settles. The safety net
/// re-reads named objects now and then, in case a watch missed an update.
async fn follow<T>(
    cluster: &Cluster,
    watches: &[Watch],
    pending: &Pending,
    reporter: &dyn Reporter,
    mut judge: impl FnMut(&Seen) -> Step<T>,
) -> Result<Step<T>, ClusterError> {
    let mut streams: SelectAll<BoxStream<'static, (usize, Kind, Change)>> = SelectAll::new();
    for (index, watch) in watches.iter().enumerate() {
        let kind = watch.kind;
        streams.push(
            cluster
                .watch(kind, &watch.namespace, watch.name.as_deref())
                .map(move |change| (index, kind, change))
                .boxed(),
        );
    }
    // Judging waits until every watch has listed once, so nothing is "missing" that simply
    // has not arrived yet.
    let mut listed = vec![false; watches.len()];
    let mut seen = Seen::new();
    let mut safety_net = tokio::time::interval(SAFETY_NET);
    let mut judging = Judging::new(pending, reporter);
    let mut broken_since: HashMap<Kind, String> = HashMap::new();
    loop {
        tokio::select! {
            change = streams.next() => {
                let Some((index, kind, change)) = change else { break };
                match change {
                    Change::Applied(mut object) => {
                        broken_since.remove(&kind);
                        // Items of a list carry no kind; the rules read it.
                        if object.get("kind").is_none_or(Value::is_null) {
                            object["kind"] = kind.kind.into();
                        }
                        if let Some(key) = object_ref(kind, &object) {
                            seen.insert(key, object);
                        }
                    }
                    Change::Deleted(object) => {
                        if let Some(key) = object_ref(kind, &object) {
                            seen.remove(&key);
                        }
                    }
                    Change::Restarted => continue,
                    Change::Listed => listed[index] = true,
                    Change::Broken(error) => {
                        if broken_since.insert(kind, error.clone()).is_none() {
                            tracing::info!(%kind, %error, "watch broke; resuming");
                        }
                        continue;
                    }
                }
            }
            _ = safety_net.tick() => {
                for watch in watches {
                    if let Some(name) = &watch.name {
                        let key = ObjectRef { kind: watch.kind, namespace: watch.namespace.clone(), name: name.clone() };
                        match cluster.get(&key).await {
                            Ok(Some(object)) => { seen.insert(key, object); }
                            Ok(None) => { seen.remove(&key); }
                            Err(err) => tracing::info!(%err, "safety-net read failed"),
                        }
                    }
                }
            }
        }
        if listed.contains(&false) {
            continue;
        }
        if let Some(settled) = judging.settled(judge(&seen)) {
            return Ok(settled);
        }
    }
    Ok(Step::Pending("the watches ended".into()))
}

/// Reports what is still pending whenever it changes (and keeps it for the timeout).
struct Judging<'a> {
    pending: &'a Pending,
    reporter: &'a dyn Reporter,
    last: String,
}

impl<'a> Judging<'a> {
    fn new(pending: &'a Pending, reporter: &'a dyn Reporter) -> Self {
        Judging {
            pending,
            reporter,
            last: String::new(),
        }
    }

    /// The step once settled; a Pending one is reported (when new) and gives None.
    fn settled<T>(&mut self, step: Step<T>) -> Option<Step<T>> {
        match step {
            Step::Pending(text) => {
                if text != self.last {
                    self.reporter.pending(&text);
                    self.pending.set(&text);
                    self.last = text;
                }
                None
            }
            settled => Some(settled),
        }
    }
}

/// How often named objects are re-read, in case a watch missed an update.
const SAFETY_NET: Duration = Duration::from_secs(5);

fn object_ref(kind: Kind, object: &Value) -> Option<ObjectRef> {
    Some(ObjectRef {
        kind,
        namespace: object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        name: object.pointer("/metadata/name")?.as_str()?.to_string(),
    })
}

/// Waits until every workload is Current; fails fast on a Failed one or on pods of the
/// revision being rolled out that keep crashing or cannot pull their image.
async fn roll_out(
    cluster: &Cluster,
    target: &Target,
    workloads: &[ObjectRef],
    reporter: &dyn Reporter,
    pending: &Pending,
) -> Result<Step<()>, ClusterError> {
    if workloads.is_empty() {
        reporter.step(
            "Note",
            "the release has no Deployment, StatefulSet, DaemonSet or Job to wait for",
        );
        return Ok(Step::Done(()));
    }
    let namespaces: BTreeSet<&str> = workloads.iter().map(|w| w.namespace.as_str()).collect();
    let kinds: BTreeSet<Kind> = workloads.iter().map(|w| w.kind).collect();
    // What tells each kind's revisions apart: ReplicaSets, ControllerRevisions (DaemonSets),
    // the status itself (StatefulSets).
    let revisions = kinds.iter().filter_map(|&kind| revision_kind(kind));
    let watched: BTreeSet<Kind> = kinds
        .iter()
        .copied()
        .chain(revisions)
        .chain([POD])
        .collect();
    let mut watches = Vec::new();
    for namespace in &namespaces {
        for &kind in &watched {
            watches.push(Watch {
                kind,
                namespace: namespace.to_string(),
                name: None,
            });
        }
    }
    let mut stuck = Vec::new();
    let mut failing = None;
    let mut notes = Vec::new();
    let step = follow(cluster, &watches, pending, reporter, |seen| {
        let mut waiting = Vec::new();
        for reference in workloads {
            let Some(object) = seen.get(reference) else {
                waiting.push(format!("{reference} not found yet"));
                continue;
            };
            match workload(object) {
                Verdict::Done => {}
                // The verdict names the workload already (`Deployment ns/name: …`).
                Verdict::Failed(cause) => {
                    failing = Some(reference.clone());
                    return Step::Failed(Failure::new(cause));
                }
                Verdict::Pending(text) => {
                    let judged = judge_pods(seen, reference, object, &target.crash);
                    stuck = judged.stuck;
                    if let Some(first) = stuck.first() {
                        failing = Some(reference.clone());
                        return Step::Failed(Failure::new(format!(
                            "{reference}: pod {} container {} is {} ({} restarts)",
                            first.name, first.container, first.reason, first.restarts
                        )));
                    }
                    let mut line = format!("{}: {text}", reference.name);
                    if judged.terminating > 0 {
                        line.push_str(&format!(
                            "; {} pods terminating from the previous release",
                            judged.terminating
                        ));
                    }
                    waiting.push(line);
                }
            }
        }
        if waiting.is_empty() {
            // Done, though some pods may not run this release (OnDelete, partitions): say so.
            notes = workloads
                .iter()
                .filter_map(|reference| seen.get(reference).and_then(note))
                .collect();
            Step::Done(())
        } else {
            Step::Pending(waiting.join("; "))
        }
    })
    .await?;
    for text in &notes {
        reporter.step("Note", text);
    }
    Ok(match (step, failing) {
        (Step::Failed(failure), Some(failing)) => {
            Step::Failed(report::gather(cluster, failure, &failing, &stuck).await)
        }
        (other, _) => other,
    })
}

/// The objects that number a workload kind's revisions, when they live apart from it.
fn revision_kind(kind: Kind) -> Option<Kind> {
    match kind {
        DEPLOYMENT => Some(REPLICA_SET),
        DAEMON_SET => Some(CONTROLLER_REVISION),
        _ => None,
    }
}

/// What the pods of a rolling workload say.
#[derive(Default)]
struct JudgedPods {
    /// Pods of the revision being rolled out that will not come up.
    stuck: Vec<StuckPod>,
    /// Pods of older revisions still being deleted: reported, never held against this one.
    terminating: usize,
}

fn judge_pods(
    seen: &Seen,
    reference: &ObjectRef,
    object: &Value,
    policy: &CrashPolicy,
) -> JudgedPods {
    let in_namespace = |kind: Kind| -> Vec<Value> {
        seen.iter()
            .filter(|(k, _)| k.kind == kind && k.namespace == reference.namespace)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let owned = revision_kind(reference.kind).map_or_else(Vec::new, in_namespace);
    let pods = in_namespace(POD);
    let Some(split) = by_revision(object, &owned, &pods) else {
        return JudgedPods::default();
    };
    JudgedPods {
        stuck: stuck_pods(&split.current, policy, crate::time::now_precise()),
        terminating: split.terminating(),
    }
}

/// The first 12 characters of a revision's commit, as people read them.
pub fn short(revision: &str) -> &str {
    crate::decide::short(revision_sha(revision))
}

/// The commit sha in a revision such as `main@sha1:<sha>` (or a bare sha).
fn revision_sha(revision: &str) -> &str {
    revision.rsplit(':').next().unwrap_or(revision)
}

/// Remembers how each revision seen relates to ours (git is asked once per revision).
struct Relations<'a> {
    lineage: &'a dyn Lineage,
    commit: &'a str,
    known: HashMap<String, Relation>,
}

impl<'a> Relations<'a> {
    fn new(lineage: &'a dyn Lineage, commit: &'a str) -> Self {
        Relations {
            lineage,
            commit,
            known: HashMap::new(),
        }
    }

    /// The commit to judge the engine's object by: a later revision that includes ours
    /// counts as ours (Flux applies the branch head, not necessarily our commit).
    fn effective(&mut self, revision: Option<&str>) -> Result<String, String> {
        let Some(sha) = revision.map(revision_sha).filter(|s| !s.is_empty()) else {
            return Ok(self.commit.to_string());
        };
        if sha == self.commit {
            return Ok(sha.to_string());
        }
        let relation = self
            .known
            .entry(sha.to_string())
            .or_insert_with(|| self.lineage.relation(sha))
            .clone();
        match relation {
            Relation::Includes => Ok(sha.to_string()),
            Relation::Supersedes => Err(sha.to_string()),
            Relation::Unrelated => Ok(self.commit.to_string()),
        }
    }

    /// Whether a revision (a source's artifact) contains our commit.
    fn contains(&mut self, revision: Option<&str>) -> bool {
        let Some(sha) = revision.map(revision_sha).filter(|s| !s.is_empty()) else {
            return false;
        };
        if sha == self.commit {
            return true;
        }
        let relation = self
            .known
            .entry(sha.to_string())
            .or_insert_with(|| self.lineage.relation(sha))
            .clone();
        relation != Relation::Unrelated
    }
}
