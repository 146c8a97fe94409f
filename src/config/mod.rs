//! `forge.yaml`: the typed model here; reading it with file:line:col errors in `load.rs`;
//! what parses but cannot work in `validate.rs`.

mod load;
mod validate;

pub use load::{ConfigError, location, parse};
pub use validate::validate;
// Defined in the leaf `model`, as lower layers share them; they are config's vocabulary too.
pub use crate::model::{Engine, SourceKind, StrategyKind};

use crate::duration::Duration;
use crate::model::image::ImageValuePaths;
use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub const DEFAULT_PATH_TEMPLATE: &str = "apps/{app}/{env}";
pub const DEFAULT_BRANCH: &str = "main";

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    pub app: Spanned<String>,
    pub source: Source,
    /// Image name → reference (`repo:tag` or `repo@sha256:…`); `--image NAME=REF` overrides.
    #[serde(default)]
    pub images: BTreeMap<String, Spanned<String>>,
    pub env_repo: EnvRepo,
    #[serde(default)]
    pub engine: Engine,
    pub environments: Vec<Spanned<Environment>>,
    #[serde(default)]
    pub signing: Signing,
    /// For a Helm source: where each image goes in the chart's values (default: image.repository,
    /// image.tag, image.digest).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub image_values: BTreeMap<String, ImageValuePaths>,
    /// For a Helm source: publish the chart through this Helm repository instead of shipping
    /// it in each env dir.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helm_repository: Option<HelmRepository>,
    #[serde(default)]
    pub flux: FluxSettings,
    #[serde(default)]
    pub argocd: ArgocdSettings,
    /// Directory of template overrides, relative to forge.yaml (default: `templates`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<String>,
}

/// A Helm chart repository that serves the app's chart (by its Chart.yaml name and version).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HelmRepository {
    /// Repository URL (Argo CD's `source.repoURL`).
    pub url: String,
    /// Name of the Flux HelmRepository object for it, in `flux.namespace`.
    pub name: String,
}

/// Where the Flux objects live in the cluster (defaults as `flux bootstrap` makes them).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FluxSettings {
    #[serde(default = "flux_system")]
    pub namespace: String,
    /// The GitRepository that holds the env repo.
    #[serde(default = "flux_system")]
    pub git_repository: String,
}

fn flux_system() -> String {
    "flux-system".into()
}

impl Default for FluxSettings {
    fn default() -> Self {
        FluxSettings {
            namespace: flux_system(),
            git_repository: flux_system(),
        }
    }
}

/// Where Argo CD Applications live and deploy to.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ArgocdSettings {
    #[serde(default = "argocd_namespace")]
    pub namespace: String,
    #[serde(default = "argocd_project")]
    pub project: String,
    /// Cluster API server the Applications deploy to.
    #[serde(default = "argocd_destination")]
    pub destination: String,
    /// Argo CD's API server URL; with a token in ARGOCD_AUTH_TOKEN, forge refreshes and syncs
    /// through it (else through the Application object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
}

fn argocd_namespace() -> String {
    "argocd".into()
}
fn argocd_project() -> String {
    "default".into()
}
fn argocd_destination() -> String {
    "https://kubernetes.default.svc".into()
}

impl Default for ArgocdSettings {
    fn default() -> Self {
        ArgocdSettings {
            namespace: argocd_namespace(),
            project: argocd_project(),
            destination: argocd_destination(),
            server: None,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Source {
    pub kind: SourceKind,
    /// Directory of the kustomize base or Helm chart, relative to forge.yaml.
    pub path: Spanned<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnvRepo {
    pub url: Spanned<String>,
    #[serde(default = "default_branch")]
    pub branch: Spanned<String>,
    /// Where each env's files live; `{app}` and `{env}` are replaced.
    #[serde(default = "default_path_template")]
    pub path: Spanned<String>,
}

fn default_branch() -> Spanned<String> {
    Spanned {
        value: DEFAULT_BRANCH.into(),
        referenced: Location::UNKNOWN,
        defined: Location::UNKNOWN,
    }
}

fn default_path_template() -> Spanned<String> {
    Spanned {
        value: DEFAULT_PATH_TEMPLATE.into(),
        referenced: Location::UNKNOWN,
        defined: Location::UNKNOWN,
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Environment {
    pub name: Spanned<String>,
    /// The env whose release `forge promote` copies into this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promote_from: Option<Spanned<String>>,
    /// Deploys need confirmation on a terminal, or `--yes`.
    #[serde(default)]
    pub protected: bool,
    /// Overrides the top-level engine for this env.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<Engine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// kubeconfig context used to watch this env's cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Helm values merged over the chart's defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<serde_json::Value>,
    /// Literal key/values rendered into a per-env ConfigMap.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, String>,
    /// Kustomize patches (strategic merge or JSON 6902, as YAML text) applied in this env.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patches: Vec<String>,
    #[serde(default)]
    pub gates: Gates,
    #[serde(default)]
    pub strategy: Strategy,
    #[serde(default)]
    pub policy: Policy,
    /// How long `forge deploy` waits for the rollout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// When pods of a new release that cannot start fail the rollout, before any deadline.
    #[serde(default)]
    pub fail_fast: FailFast,
    #[serde(default)]
    pub rollback: RollbackMode,
}

/// Pods of the new ReplicaSet crash-looping or unable to pull their image fail the rollout
/// after this many restarts, or after this long in that state, whichever comes first.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FailFast {
    #[serde(default = "three")]
    pub restarts: u32,
    #[serde(default = "one_minute")]
    pub after: Duration,
}

fn three() -> u32 {
    3
}

fn one_minute() -> Duration {
    Duration(std::time::Duration::from_secs(60))
}

impl Default for FailFast {
    fn default() -> Self {
        FailFast {
            restarts: three(),
            after: one_minute(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Gates {
    /// Minimum time the source env must have run the release before promotion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soak: Option<Duration>,
    /// The source env must be healthy at exactly the promoted version.
    #[serde(default = "yes")]
    pub require_healthy: bool,
}

fn yes() -> bool {
    true
}

impl Default for Gates {
    fn default() -> Self {
        Gates {
            soak: None,
            require_healthy: true,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Strategy {
    #[serde(default, rename = "type")]
    pub kind: StrategyKind,
    /// Canary steps, ending at weight 100.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Spanned<CanaryStep>>,
    /// The checks a canary step with `analysis: true` (or a blue-green switch) must pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Spanned<Analysis>>,
    /// Split a canary's traffic by weights on this Gateway API HTTPRoute of the source
    /// (besides the replicas).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_route: Option<String>,
    /// Blue-green: how long the old version keeps running after the switch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_old: Option<Duration>,
    /// Rolling: extra pods allowed during a rollout (a count or "25%").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<Spanned<IntOrPercent>>,
    /// Rolling: pods that may be unavailable during a rollout (a count or "25%").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<Spanned<IntOrPercent>>,
}

/// A pod count or a percentage, as a Deployment's rolling update takes them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum IntOrPercent {
    Count(u32),
    Percent(String),
}

/// Measurements that judge a new version, as Flagger's and Argo Rollouts' analyses do.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Analysis {
    /// Prometheus base URL for the metric queries (its `/api/v1/query` is called).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<String>,
    /// Time between measurements, and the `interval` the queries may use in range vectors.
    #[serde(default = "thirty_seconds")]
    pub interval: Duration,
    /// Measurements per analysis.
    #[serde(default = "one")]
    pub count: u32,
    /// Failed measurements tolerated; one more fails the analysis.
    #[serde(default)]
    pub failure_limit: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub http: Vec<HttpCheck>,
}

fn thirty_seconds() -> Duration {
    Duration(std::time::Duration::from_secs(30))
}

fn one() -> u32 {
    1
}

/// A PromQL instant query (a minijinja template: app, env, namespace, version,
/// stable_version, interval) whose value must lie within `min`..=`max`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Metric {
    pub name: String,
    pub query: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// An HTTP GET that must answer `status` (and contain `body`, when given).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpCheck {
    pub name: String,
    pub url: String,
    #[serde(default = "http_ok")]
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

fn http_ok() -> u16 {
    200
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CanaryStep {
    pub weight: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<Duration>,
    #[serde(default)]
    pub analysis: bool,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Policy {
    /// Refuse bundles without a valid signature from `signing.publicKey`.
    #[serde(default)]
    pub require_signature: bool,
    /// Refuse images referenced by tag alone.
    #[serde(default)]
    pub require_digests: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RollbackMode {
    #[default]
    Auto,
    Manual,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Signing {
    /// Public key (PEM) that bundles must be signed with, relative to forge.yaml.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<Spanned<String>>,
}

/// One thing wrong with a config file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub column: u64,
    pub message: String,
    pub hint: Option<String>,
}

/// A config read from disk, with the directory its relative paths start from.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub dir: PathBuf,
    pub config: Config,
}

impl Config {
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments
            .iter()
            .map(|e| &e.value)
            .find(|e| e.name.value == name)
    }

    /// The promotion chain that ends at `env`: its `promoteFrom`, that env's, and so on up to
    /// an env promoted from none, first to last (`[dev, staging, prod]` for prod). A cycle
    /// (refused by validation) ends the walk where it would repeat.
    pub fn promotion_chain<'a>(&'a self, env: &'a str) -> Vec<&'a str> {
        let mut chain = vec![env];
        while let Some(from) = chain
            .last()
            .and_then(|name| self.environment(name))
            .and_then(|e| e.promote_from.as_ref())
            .map(|from| from.value.as_str())
            .filter(|from| !chain.contains(from))
        {
            chain.push(from);
        }
        chain.reverse();
        chain
    }

    pub fn env_names(&self) -> Vec<&str> {
        self.environments
            .iter()
            .map(|e| e.value.name.value.as_str())
            .collect()
    }

    /// The env repo directory for one env: the path template with `{app}`/`{env}` filled in.
    pub fn env_path(&self, env: &str) -> String {
        self.env_repo
            .path
            .value
            .replace("{app}", &self.app.value)
            .replace("{env}", env)
    }

    pub fn engine_for(&self, env: &Environment) -> Engine {
        env.engine.unwrap_or(self.engine)
    }
}
