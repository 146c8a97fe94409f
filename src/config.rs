//! `forge.yaml`: the typed model, loading with file:line:col errors, and semantic validation.

use crate::duration::Duration;
use crate::error::{Diagnose, ExitCode};
use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

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
    pub image_values: BTreeMap<String, crate::render::overlay::ImageValuePaths>,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Kustomize,
    Helm,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceKind::Kustomize => "kustomize",
            SourceKind::Helm => "helm",
        })
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
    pub branch: String,
    /// Where each env's files live; `{app}` and `{env}` are replaced.
    #[serde(default = "default_path_template")]
    pub path: Spanned<String>,
}

fn default_branch() -> String {
    DEFAULT_BRANCH.into()
}

fn default_path_template() -> Spanned<String> {
    Spanned {
        value: DEFAULT_PATH_TEMPLATE.into(),
        referenced: Location::UNKNOWN,
        defined: Location::UNKNOWN,
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    #[default]
    Flux,
    Argocd,
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Engine::Flux => "flux",
            Engine::Argocd => "argocd",
        })
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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StrategyKind {
    #[default]
    Rolling,
    Recreate,
    Canary,
    BlueGreen,
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

impl IntOrPercent {
    fn valid(&self) -> bool {
        match self {
            IntOrPercent::Count(_) => true,
            IntOrPercent::Percent(text) => text
                .strip_suffix('%')
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| n <= 100),
        }
    }
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

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {0} does not exist")]
    NotFound(PathBuf),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", describe_problems(.path, .problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

fn describe_problems(path: &Path, problems: &[Problem]) -> String {
    let first = &problems[0];
    let mut text = format!("{}: {}", location(path, first), first.message);
    if problems.len() > 1 {
        text.push_str(&format!(
            " (and {} more problem(s); run `forge config validate`)",
            problems.len() - 1
        ));
    }
    text
}

/// `path:line:col`, or just `path` when the place is unknown.
pub fn location(path: &Path, problem: &Problem) -> String {
    if problem.line == 0 {
        path.display().to_string()
    } else {
        format!("{}:{}:{}", path.display(), problem.line, problem.column)
    }
}

impl Diagnose for ConfigError {
    fn exit_code(&self) -> ExitCode {
        match self {
            ConfigError::Io { .. } => ExitCode::Operational,
            _ => ExitCode::Usage,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ConfigError::NotFound(_) => Some(
                "create one with `forge init`, or point -C/--config (FORGE_CONFIG) at yours".into(),
            ),
            ConfigError::Invalid { problems, .. } => problems[0].hint.clone(),
            ConfigError::Io { .. } => None,
        }
    }
}

/// A config read from disk, with the directory its relative paths start from.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub dir: PathBuf,
    pub config: Config,
}

impl Loaded {
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ConfigError::NotFound(path.to_path_buf()),
            _ => ConfigError::Io {
                path: path.to_path_buf(),
                source,
            },
        })?;
        let config = parse(&text).map_err(|problem| ConfigError::Invalid {
            path: path.to_path_buf(),
            problems: vec![problem],
        })?;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let loaded = Loaded {
            path: path.to_path_buf(),
            dir,
            config,
        };
        let problems = loaded.problems();
        tracing::debug!(path = %path.display(), problems = problems.len(), "loaded config");
        if problems.is_empty() {
            Ok(loaded)
        } else {
            Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                problems,
            })
        }
    }

    pub fn source_dir(&self) -> PathBuf {
        self.dir.join(&self.config.source.path.value)
    }

    /// The templates: embedded ones, overridden by files in the configured (or default
    /// `templates/`) directory next to forge.yaml.
    pub fn templates(&self) -> crate::render::Templates {
        let dir = self
            .dir
            .join(self.config.templates.as_deref().unwrap_or("templates"));
        crate::render::Templates {
            override_dir: dir.is_dir().then_some(dir),
        }
    }

    pub fn public_key_path(&self) -> Option<PathBuf> {
        self.config
            .signing
            .public_key
            .as_ref()
            .map(|key| self.dir.join(&key.value))
    }

    /// Semantic checks plus the filesystem facts the config relies on (source dir, key file).
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = validate(&self.config);
        let source = &self.config.source;
        let marker = match source.kind {
            SourceKind::Kustomize => "kustomization.yaml",
            SourceKind::Helm => "Chart.yaml",
        };
        let dir = self.source_dir();
        if !dir.is_dir() {
            problems.push(
                at(
                    &source.path,
                    format!("source.path '{}' is not a directory", source.path.value),
                )
                .hint("paths in forge.yaml are relative to the directory it is in".into()),
            );
        } else if !(dir.join(marker).is_file()
            || source.kind == SourceKind::Kustomize && has_kustomization(&dir))
        {
            problems.push(at(
                &source.path,
                format!("source.path '{}' has no {marker}", source.path.value),
            ));
        }
        if let Some(key) = &self.config.signing.public_key
            && !self.dir.join(&key.value).is_file()
        {
            problems.push(
                at(
                    key,
                    format!("signing.publicKey '{}' does not exist", key.value),
                )
                .hint("create a key pair with `forge keygen --out NAME`".into()),
            );
        }
        problems
    }
}

fn has_kustomization(dir: &Path) -> bool {
    ["kustomization.yml", "Kustomization"]
        .iter()
        .any(|name| dir.join(name).is_file())
}

/// Parses YAML into the model; syntax, type and unknown-key errors carry line and column.
pub fn parse(text: &str) -> Result<Config, Problem> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 32,
            max_nodes: 50_000,
            max_documents: 1,
            max_total_scalar_bytes: 8 << 20,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 20_000,
        },
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|err| problem_from_yaml(&err))
}

fn problem_from_yaml(err: &serde_saphyr::Error) -> Problem {
    let location = err.location().unwrap_or(Location::UNKNOWN);
    let (message, hint) = match err.without_snippet() {
        serde_saphyr::Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let hint = match nearest(field, expected) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("valid keys here: {}", expected.join(", ")),
            };
            (format!("unknown key `{field}`"), Some(hint))
        }
        serde_saphyr::Error::SerdeMissingField { field, .. } => {
            (format!("missing key `{field}`"), None)
        }
        other => {
            let text = other.to_string();
            // The crate appends the position; we print it in front, as file:line:col.
            let text = match text.rsplit_once(" at line ") {
                Some((message, _)) => message.to_string(),
                None => text,
            };
            (text, None)
        }
    };
    Problem {
        line: location.line(),
        column: location.column(),
        message,
        hint,
    }
}

/// The valid key closest to a misspelt one, if any is close enough to be a likely typo.
fn nearest<'a>(field: &str, expected: &[&'a str]) -> Option<&'a str> {
    expected
        .iter()
        .map(|candidate| {
            (
                strsim::jaro_winkler(&field.to_lowercase(), &candidate.to_lowercase()),
                *candidate,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

impl Problem {
    fn hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }
}

fn at<T>(spanned: &Spanned<T>, message: String) -> Problem {
    Problem {
        line: spanned.referenced.line(),
        column: spanned.referenced.column(),
        message,
        hint: None,
    }
}

/// DNS-1123 label: what Kubernetes accepts as a name, and safe as a path component.
pub fn is_dns_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// Everything that parses but cannot work, in file order.
pub fn validate(config: &Config) -> Vec<Problem> {
    let mut problems = Vec::new();
    let label_hint = || "use lowercase letters, digits and '-', at most 63 characters".to_string();
    if !is_dns_label(&config.app.value) {
        problems.push(
            at(
                &config.app,
                format!("app name '{}' is not a valid name", config.app.value),
            )
            .hint(label_hint()),
        );
    }
    for (name, reference) in &config.images {
        if let Err(err) = crate::bundle::manifest::ImageRef::parse(name, &reference.value) {
            problems.push(at(reference, err.to_string()));
        }
    }
    let repo = &config.env_repo;
    if repo.url.value.trim().is_empty() {
        problems.push(at(&repo.url, "envRepo.url is empty".into()));
    }
    if let Err(message) = check_path_template(&repo.path.value) {
        problems.push(at(&repo.path, message));
    }
    if config.environments.is_empty() {
        problems.push(Problem {
            line: 1,
            column: 1,
            message: "no environments defined".into(),
            hint: Some("add at least one entry under `environments:`".into()),
        });
    }
    let mut earlier: Vec<&str> = Vec::new();
    for env in &config.environments {
        let name = &env.value.name;
        if !is_dns_label(&name.value) {
            problems.push(
                at(
                    name,
                    format!("environment name '{}' is not a valid name", name.value),
                )
                .hint(label_hint()),
            );
        }
        if earlier.contains(&name.value.as_str()) {
            problems.push(at(
                name,
                format!("environment '{}' is defined twice", name.value),
            ));
        }
        if let Some(from) = &env.value.promote_from {
            if from.value == name.value {
                problems.push(at(
                    from,
                    format!("environment '{}' cannot promote from itself", name.value),
                ));
            } else if !earlier.contains(&from.value.as_str()) {
                let defined_later = config
                    .environments
                    .iter()
                    .any(|e| e.value.name.value == from.value);
                let message = if defined_later {
                    format!(
                        "environment '{}': promoteFrom '{}' must be listed before it",
                        name.value, from.value
                    )
                } else {
                    format!(
                        "environment '{}': promoteFrom names unknown environment '{}'",
                        name.value, from.value
                    )
                };
                problems.push(
                    at(from, message).hint("environments are listed in promotion order".into()),
                );
            }
        }
        if env.value.policy.require_signature && config.signing.public_key.is_none() {
            problems.push(at(
                env,
                format!(
                    "environment '{}' requires signatures but signing.publicKey is not set",
                    name.value
                ),
            ));
        }
        check_strategy(&env.value, &mut problems);
        earlier.push(&name.value);
    }
    problems
}

fn check_path_template(template: &str) -> Result<(), String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("envRepo.path '{template}' has an unclosed '{{'"));
        };
        let name = &rest[open + 1..open + close];
        if name != "app" && name != "env" {
            return Err(format!(
                "envRepo.path '{template}': unknown placeholder {{{name}}} (use {{app}} and {{env}})"
            ));
        }
        rest = &rest[open + close + 1..];
    }
    if !template.contains("{env}") {
        return Err(format!(
            "envRepo.path '{template}' must contain {{env}}, so that environments never share files"
        ));
    }
    if template.starts_with('/')
        || template
            .split('/')
            .any(|part| part == ".." || part.is_empty())
    {
        return Err(format!(
            "envRepo.path '{template}' must be a clean relative path"
        ));
    }
    Ok(())
}

fn check_strategy(env: &Environment, problems: &mut Vec<Problem>) {
    let strategy = &env.strategy;
    let name = &env.name.value;
    for bound in [&strategy.max_surge, &strategy.max_unavailable]
        .into_iter()
        .flatten()
    {
        if strategy.kind != StrategyKind::Rolling {
            problems.push(at(
                bound,
                format!("environment '{name}': maxSurge and maxUnavailable apply to strategy type rolling"),
            ));
        } else if !bound.value.valid() {
            problems.push(at(
                bound,
                format!(
                    "environment '{name}': a rolling bound is a count or a percentage like \"25%\""
                ),
            ));
        }
    }
    if strategy.kind != StrategyKind::Canary {
        if let Some(step) = strategy.steps.first() {
            problems.push(at(
                step,
                format!("environment '{name}': steps apply only to strategy type canary"),
            ));
        }
        if let (StrategyKind::BlueGreen, Some(analysis)) = (strategy.kind, &strategy.analysis) {
            check_analysis(name, analysis, problems);
        }
        return;
    }
    if let Some(analysis) = &strategy.analysis {
        check_analysis(name, analysis, problems);
    } else if let Some(step) = strategy.steps.iter().find(|s| s.value.analysis) {
        problems.push(at(
            step,
            format!(
                "environment '{name}': this step runs an analysis, but strategy.analysis is not set"
            ),
        ));
    }
    let Some(last) = strategy.steps.last() else {
        problems.push(at(
            &env.name,
            format!("environment '{name}': a canary strategy needs steps"),
        ));
        return;
    };
    let mut previous = 0;
    for step in &strategy.steps {
        if step.value.weight <= previous || step.value.weight > 100 {
            problems.push(at(
                step,
                format!("environment '{name}': canary weights must rise from 1 to 100"),
            ));
            return;
        }
        previous = step.value.weight;
    }
    if last.value.weight != 100 {
        problems.push(at(
            last,
            format!("environment '{name}': the last canary step must have weight 100"),
        ));
    }
}

fn check_analysis(name: &str, analysis: &Spanned<Analysis>, problems: &mut Vec<Problem>) {
    let checks = &analysis.value;
    let mut problem =
        |text: String| problems.push(at(analysis, format!("environment '{name}': {text}")));
    if checks.metrics.is_empty() && checks.http.is_empty() {
        problem("an analysis needs metrics or http checks".into());
    }
    if !checks.metrics.is_empty() && checks.prometheus.is_none() {
        problem("analysis metrics need analysis.prometheus (the Prometheus URL)".into());
    }
    if checks.count == 0 {
        problem("analysis.count must be at least 1".into());
    }
    for metric in &checks.metrics {
        if metric.min.is_none() && metric.max.is_none() {
            problem(format!("metric '{}' needs min, max or both", metric.name));
        }
    }
}

impl Config {
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments
            .iter()
            .map(|e| &e.value)
            .find(|e| e.name.value == name)
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
