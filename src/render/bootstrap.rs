//! The GitOps objects that make a cluster apply each env dir — a Flux Kustomization (with the
//! env repo's GitRepository unless it is the cluster's own `flux-system` source) or an Argo CD
//! Application per env, and the env's Namespace — named as forge's wait looks for them. Pure:
//! config in, YAML out, through the overridable `bootstrap.yaml.j2`.

use super::{TemplateError, Templates};
use crate::config::{Config, Environment};
use crate::model::Engine;
use crate::model::SourceKind;
use serde::Serialize;

/// How the cluster reaches the env repo, when not as forge does.
#[derive(Clone, Debug, Default)]
pub struct Reach {
    /// The URL the cluster fetches (default: envRepo.url without credentials).
    pub source_url: Option<String>,
    /// The Secret (in flux.namespace) holding the GitRepository's credentials.
    pub secret_ref: Option<String>,
}

#[derive(Serialize)]
struct EnvObjects {
    /// The object forge waits for: `<app>-<env>`.
    object: String,
    engine: &'static str,
    path: String,
    namespace: String,
}

#[derive(Serialize)]
struct Context<'a> {
    app: &'a str,
    envs: Vec<EnvObjects>,
    helm: bool,
    engine_flux: bool,
    /// The GitRepository is rendered too: it is not the one `flux bootstrap` made.
    create_source: bool,
    git_repository: &'a str,
    flux_namespace: &'a str,
    source_url: String,
    secret_ref: Option<&'a str>,
    branch: &'a str,
    argocd_namespace: &'a str,
    argocd_project: &'a str,
    argocd_destination: &'a str,
}

/// The objects for `envs`, as one multi-document YAML text.
pub fn render(
    templates: &Templates,
    config: &Config,
    envs: &[&Environment],
    reach: &Reach,
) -> Result<String, TemplateError> {
    let app = config.app.value.as_str();
    let objects: Vec<EnvObjects> = envs
        .iter()
        .map(|env| EnvObjects {
            object: format!("{app}-{}", env.name.value),
            engine: match config.engine_for(env) {
                Engine::Flux => "flux",
                Engine::Argocd => "argocd",
            },
            path: config.env_path(&env.name.value),
            // Unset, each env gets its own, as the sandbox's stand-in bootstrap does: envs
            // sharing a cluster must not share the app's objects.
            namespace: env
                .namespace
                .clone()
                .unwrap_or_else(|| format!("{app}-{}", env.name.value)),
        })
        .collect();
    let engine_flux = objects.iter().any(|env| env.engine == "flux");
    templates.render(
        "bootstrap.yaml.j2",
        Context {
            app,
            envs: objects,
            helm: config.source.kind == SourceKind::Helm,
            engine_flux,
            create_source: config.flux.git_repository != "flux-system",
            git_repository: &config.flux.git_repository,
            flux_namespace: &config.flux.namespace,
            source_url: reach
                .source_url
                .clone()
                .unwrap_or_else(|| crate::git::strip_credentials(&config.env_repo.url.value)),
            secret_ref: reach.secret_ref.as_deref(),
            branch: &config.env_repo.branch.value,
            argocd_namespace: &config.argocd.namespace,
            argocd_project: &config.argocd.project,
            argocd_destination: &config.argocd.destination,
        },
    )
}
