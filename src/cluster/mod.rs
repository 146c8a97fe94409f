//! The kube adapter: the only place forge talks to a cluster. It reads objects as plain JSON
//! (dynamic objects, so Flux and Argo CD resources need no generated types), patches
//! annotations, follows objects with watches, and fetches pod logs and warning events for
//! failure reports. Decisions over what it reads live in [`crate::decide`].

use crate::error::{Diagnose, ExitCode};
use futures::{Stream, StreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DynamicObject, ListParams, LogParams, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::core::{ApiResource, GroupVersionKind};
use kube::runtime::watcher;
use serde_json::Value;
use std::time::Duration;

/// A kind of object forge reads, by its API coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kind {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
}

impl Kind {
    const fn new(
        group: &'static str,
        version: &'static str,
        kind: &'static str,
        plural: &'static str,
    ) -> Kind {
        Kind {
            group,
            version,
            kind,
            plural,
        }
    }

    fn resource(&self) -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(self.group, self.version, self.kind),
            self.plural,
        )
    }

    /// The workload kinds whose rollout forge waits for.
    pub fn workload(kind: &str) -> Option<Kind> {
        [DEPLOYMENT, STATEFUL_SET, DAEMON_SET, JOB]
            .into_iter()
            .find(|k| k.kind == kind)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind)
    }
}

pub const KUSTOMIZATION: Kind = Kind::new(
    "kustomize.toolkit.fluxcd.io",
    "v1",
    "Kustomization",
    "kustomizations",
);
pub const GIT_REPOSITORY: Kind = Kind::new(
    "source.toolkit.fluxcd.io",
    "v1",
    "GitRepository",
    "gitrepositories",
);
pub const HELM_RELEASE: Kind = Kind::new(
    "helm.toolkit.fluxcd.io",
    "v2",
    "HelmRelease",
    "helmreleases",
);
pub const APPLICATION: Kind = Kind::new("argoproj.io", "v1alpha1", "Application", "applications");
pub const DEPLOYMENT: Kind = Kind::new("apps", "v1", "Deployment", "deployments");
pub const STATEFUL_SET: Kind = Kind::new("apps", "v1", "StatefulSet", "statefulsets");
pub const DAEMON_SET: Kind = Kind::new("apps", "v1", "DaemonSet", "daemonsets");
pub const JOB: Kind = Kind::new("batch", "v1", "Job", "jobs");
pub const REPLICA_SET: Kind = Kind::new("apps", "v1", "ReplicaSet", "replicasets");
pub const CONTROLLER_REVISION: Kind =
    Kind::new("apps", "v1", "ControllerRevision", "controllerrevisions");
pub const POD: Kind = Kind::new("", "v1", "Pod", "pods");
pub const EVENT: Kind = Kind::new("", "v1", "Event", "events");

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("no kubeconfig context {0:?}")]
    NoContext(String),
    #[error("cannot load the cluster configuration: {0}")]
    Config(String),
    #[error("Argo CD API {url}: {message}")]
    Argocd { url: String, message: String },
    #[error("{action} {what}: {source}")]
    Api {
        action: &'static str,
        what: String,
        source: Box<kube::Error>,
    },
}

impl Diagnose for ClusterError {
    fn exit_code(&self) -> ExitCode {
        match self {
            ClusterError::NoContext(_) => ExitCode::Usage,
            _ => ExitCode::Operational,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ClusterError::NoContext(_) => {
                Some("list contexts with `kubectl config get-contexts`; set `context:` per env in forge.yaml or pass --context".into())
            }
            ClusterError::Config(_) => Some(
                "set KUBECONFIG or ~/.kube/config (for a local try: forge sandbox up), or pass --no-wait"
                    .into(),
            ),
            ClusterError::Argocd { .. } => Some(
                "check argocd.server in forge.yaml (or ARGOCD_SERVER) and the token in ARGOCD_AUTH_TOKEN".into(),
            ),
            ClusterError::Api { .. } => {
                Some("check that the cluster is reachable and forge may read it".into())
            }
        }
    }
}

/// An object's place: kind, namespace and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
    }
}

/// What a watch reports: an object as it is now, or its deletion. `Restarted` says a relist
/// began, `Listed` that it ended (what the caller holds is complete from then on).
pub enum Change {
    Restarted,
    Listed,
    Applied(Value),
    Deleted(Value),
    /// The watch failed; it is retried with backoff.
    Broken(String),
}

#[derive(Clone)]
pub struct Cluster {
    client: kube::Client,
    /// The context in use, for messages.
    pub context: String,
    /// The kubeconfig cluster that context names (empty in-cluster), for messages.
    pub cluster: String,
}

impl Cluster {
    /// Connects with the kubeconfig (`KUBECONFIG` or `~/.kube/config`) and the given context
    /// (else its current one), falling back to the in-cluster service account.
    pub async fn connect(context: Option<&str>) -> Result<Cluster, ClusterError> {
        let options = KubeConfigOptions {
            context: context.map(str::to_string),
            ..KubeConfigOptions::default()
        };
        let config = match kube::Config::from_kubeconfig(&options).await {
            Ok(config) => config,
            Err(err) => {
                if let Some(name) = context {
                    let known = Kubeconfig::read()
                        .map(|k| k.contexts.iter().any(|c| c.name == name))
                        .unwrap_or(false);
                    if !known {
                        return Err(ClusterError::NoContext(name.to_string()));
                    }
                    return Err(ClusterError::Config(err.to_string()));
                }
                kube::Config::incluster().map_err(|_| ClusterError::Config(err.to_string()))?
            }
        };
        // The kubeconfig is read once more for names in messages (none in-cluster).
        let kubeconfig = Kubeconfig::read().ok();
        let context = context
            .map(str::to_string)
            .or_else(|| kubeconfig.as_ref()?.current_context.clone())
            .unwrap_or_else(|| "in-cluster".into());
        let cluster = kubeconfig
            .as_ref()
            .and_then(|k| k.contexts.iter().find(|c| c.name == context))
            .and_then(|c| c.context.as_ref())
            .map(|c| c.cluster.clone())
            .unwrap_or_default();
        let client =
            kube::Client::try_from(config).map_err(|e| ClusterError::Config(e.to_string()))?;
        Ok(Cluster {
            client,
            context,
            cluster,
        })
    }

    fn api(&self, kind: Kind, namespace: &str) -> Api<DynamicObject> {
        Api::namespaced_with(self.client.clone(), namespace, &kind.resource())
    }

    fn api_error(action: &'static str, what: String) -> impl FnOnce(kube::Error) -> ClusterError {
        move |source| ClusterError::Api {
            action,
            what,
            source: Box::new(source),
        }
    }

    pub async fn get(&self, object: &ObjectRef) -> Result<Option<Value>, ClusterError> {
        let api = self.api(object.kind, &object.namespace);
        let found = retrying(|| api.get_opt(&object.name))
            .await
            .map_err(Self::api_error("reading", object.to_string()))?;
        Ok(found.map(to_json))
    }

    /// Every object of a kind in a namespace; none when the server does not serve the kind.
    pub async fn list(&self, kind: Kind, namespace: &str) -> Result<Vec<Value>, ClusterError> {
        let (api, params) = (self.api(kind, namespace), ListParams::default());
        match retrying(|| api.list(&params)).await {
            Ok(list) => Ok(list.items.into_iter().map(to_json).collect()),
            Err(kube::Error::Api(status)) if status.code == 404 => Ok(Vec::new()),
            Err(err) => Err(Self::api_error(
                "listing",
                format!("{kind}s in {namespace}"),
            )(err)),
        }
    }

    /// Sets annotations with a merge patch (as `kubectl annotate` and `flux reconcile` do).
    pub async fn annotate(
        &self,
        object: &ObjectRef,
        annotations: &[(&str, &str)],
    ) -> Result<(), ClusterError> {
        let annotations: serde_json::Map<String, Value> = annotations
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(*v)))
            .collect();
        self.merge_patch(
            object,
            &serde_json::json!({"metadata": {"annotations": annotations}}),
        )
        .await
    }

    pub async fn merge_patch(&self, object: &ObjectRef, patch: &Value) -> Result<(), ClusterError> {
        let api = self.api(object.kind, &object.namespace);
        // A merge patch of the same fields is idempotent, so it may be retried.
        let (params, patch) = (PatchParams::default(), Patch::Merge(patch));
        retrying(|| api.patch(&object.name, &params, &patch))
            .await
            .map_err(Self::api_error("patching", object.to_string()))?;
        Ok(())
    }

    /// Follows objects of a kind in a namespace (one name, or all), as a stream of changes.
    /// The watch resumes, handles bookmarks and relists on 410; after an error it is retried
    /// with a short backoff, so a dropped connection costs milliseconds, not a poll period.
    pub fn watch(
        &self,
        kind: Kind,
        namespace: &str,
        name: Option<&str>,
    ) -> impl Stream<Item = Change> + Send + 'static {
        let mut config = watcher::Config::default();
        if let Some(name) = name {
            config = config.fields(&format!("metadata.name={name}"));
        }
        let events = watcher(self.api(kind, namespace), config);
        futures::stream::unfold(
            (Box::pin(events), Duration::ZERO),
            |(mut events, mut delay)| async move {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let change = match events.next().await? {
                    Ok(event) => {
                        delay = Duration::ZERO;
                        match event {
                            watcher::Event::Init => Change::Restarted,
                            watcher::Event::InitApply(obj) | watcher::Event::Apply(obj) => {
                                Change::Applied(to_json(obj))
                            }
                            watcher::Event::Delete(obj) => Change::Deleted(to_json(obj)),
                            watcher::Event::InitDone => Change::Listed,
                        }
                    }
                    Err(err) => {
                        delay = (delay * 2).clamp(Duration::from_millis(50), RETRY_CEILING);
                        Change::Broken(err.to_string())
                    }
                };
                Some((change, (events, delay)))
            },
        )
    }

    /// The last lines a pod's container printed (or its previous run, when it crashed).
    pub async fn pod_log(&self, namespace: &str, pod: &str, container: &str) -> String {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let params = |previous| LogParams {
            container: Some(container.to_string()),
            tail_lines: Some(LOG_LINES),
            previous,
            ..LogParams::default()
        };
        let (current, previous) = (params(false), params(true));
        match retrying(|| api.logs(pod, &current)).await {
            Ok(text) if !text.trim().is_empty() => text,
            _ => retrying(|| api.logs(pod, &previous))
                .await
                .unwrap_or_default(),
        }
    }
}

/// How many log lines a failure report carries per container.
const LOG_LINES: i64 = 20;
/// The longest pause between attempts to re-establish a broken watch.
const RETRY_CEILING: Duration = Duration::from_secs(2);

/// How many times a single request is tried when the API answers 429/5xx or the connection
/// fails (watches have their own retry).
const ATTEMPTS: u32 = 6;

/// Retries a request on transient failures with exponential backoff (50 ms doubling up to
/// the ceiling): API servers shed load with 429 and restart behind 5xx.
async fn retrying<T, F, Fut>(mut call: F) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, kube::Error>>,
{
    let mut delay = Duration::from_millis(50);
    let mut attempt = 1;
    loop {
        match call().await {
            Err(err) if attempt < ATTEMPTS && transient(&err) => {
                tracing::info!(%err, attempt, "retrying a cluster request");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(RETRY_CEILING);
                attempt += 1;
            }
            result => return result,
        }
    }
}

fn transient(err: &kube::Error) -> bool {
    match err {
        kube::Error::Api(status) => matches!(status.code, 429 | 500 | 502 | 503 | 504),
        kube::Error::HyperError(_) | kube::Error::Service(_) => true,
        _ => false,
    }
}

fn to_json(object: DynamicObject) -> Value {
    serde_json::to_value(object).unwrap_or(Value::Null)
}
