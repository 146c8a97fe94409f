//! `forge init`: write a forge.yaml, by prompts on a terminal or entirely from flags.

use super::Context;
use crate::config::{self, Engine, SourceKind};
use crate::error::CliError;
use clap::Args;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Application name (lowercase letters, digits, '-') [default: the directory's name]
    #[arg(long)]
    pub app: Option<String>,
    /// What the app's manifests are.
    #[arg(long, value_enum)]
    pub source: Option<SourceKind>,
    /// Directory of the kustomize base or Helm chart, relative to forge.yaml.
    #[arg(long, value_name = "DIR")]
    pub path: Option<String>,
    /// URL of the environment git repo that Flux or Argo CD watches.
    #[arg(long, value_name = "URL")]
    pub env_repo: Option<String>,
    /// Environments in promotion order, comma-separated [default: dev,staging,prod]
    #[arg(long, value_delimiter = ',', value_name = "ENV,...")]
    pub envs: Vec<String>,
    /// GitOps engine that applies the env repo.
    #[arg(long, value_enum)]
    pub engine: Option<Engine>,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Serialize)]
struct InitEnv {
    name: String,
    promote_from: Option<String>,
    protected: bool,
}

pub fn run(ctx: &Context, args: InitArgs) -> Result<(), CliError> {
    let target = &ctx.config_path;
    if target.exists() && !args.force {
        return Err(
            CliError::usage(format!("{} already exists", target.display()))
                .with_hint("pass --force to overwrite it, or -C PATH to write another file"),
        );
    }
    let project_dir = std::path::absolute(target)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let ask = !ctx.yes;

    let default_app = project_dir
        .file_name()
        .map(|n| sanitize_name(&n.to_string_lossy()))
        .filter(|n| crate::model::names::is_dns_label(n))
        .unwrap_or_else(|| "app".into());
    let app = answer(
        args.app,
        ask,
        || ctx.ui.prompt_text("Application name", Some(&default_app)),
        &default_app,
    )?;
    if !crate::model::names::is_dns_label(&app) {
        return Err(CliError::usage(format!("app name '{app}' is not valid"))
            .with_hint("use lowercase letters, digits and '-', at most 63 characters"));
    }

    let (detected_kind, detected_path) = detect_source(&project_dir, &app);
    let source = match args.source {
        Some(kind) => kind,
        None if !ask => detected_kind,
        None => {
            let kinds = [SourceKind::Kustomize, SourceKind::Helm];
            let default = kinds.iter().position(|k| *k == detected_kind).unwrap_or(0);
            kinds[ctx.ui.prompt_select(
                "Manifests are a",
                &["kustomize base", "Helm chart"],
                default,
            )?]
        }
    };
    let default_path = if source == detected_kind {
        detected_path
    } else {
        default_source_path(source).into()
    };
    let path = answer(
        args.path,
        ask,
        || {
            ctx.ui
                .prompt_text("Manifests directory", Some(&default_path))
        },
        &default_path,
    )?;

    let env_repo = match args.env_repo {
        Some(url) => url,
        None if !ask => {
            return Err(CliError::usage("--env-repo is required with --yes")
                .with_hint("pass the URL of the git repo Flux or Argo CD watches, e.g. --env-repo https://git.example.com/platform/envs.git"));
        }
        None => ctx.ui.prompt_text("Environment repo URL", None)?,
    };
    if env_repo.trim().is_empty() {
        return Err(CliError::usage("the environment repo URL is empty"));
    }

    let envs = if !args.envs.is_empty() {
        args.envs
    } else if ask {
        split_list(
            &ctx.ui
                .prompt_text("Environments, in promotion order", Some("dev,staging,prod"))?,
        )
    } else {
        split_list("dev,staging,prod")
    };
    check_envs(&envs)?;

    let engine = match args.engine {
        Some(engine) => engine,
        None if !ask => Engine::Flux,
        None => [Engine::Flux, Engine::Argocd][ctx.ui.prompt_select(
            "GitOps engine",
            &["Flux", "Argo CD"],
            0,
        )?],
    };

    let text = render(&app, source, &path, &env_repo, &envs, engine)?;
    crate::fs::write_atomic(target, text.as_bytes(), 0o644)
        .map_err(|e| CliError::operational(format!("cannot write {}: {e}", target.display())))?;
    ctx.ui.status("Created", target.display());
    let source_dir = project_dir.join(&path);
    if !source_dir.exists() {
        for (rel, text) in crate::render::scaffold::source(source, &app) {
            let file = source_dir.join(rel);
            crate::fs::write_atomic(&file, text.as_bytes(), 0o644).map_err(|e| {
                CliError::operational(format!("cannot write {}: {e}", file.display()))
            })?;
        }
        let what = match source {
            SourceKind::Kustomize => "a kustomize base",
            SourceKind::Helm => "a Helm chart",
        };
        ctx.ui.status(
            "Created",
            format!("{path}/: {what} serving one web container; make it your app's"),
        );
    }
    ignore_bundles(&project_dir)?;
    if let Some(data) = ctx.data() {
        crate::ui::emit_data(data, &serde_json::json!({ "path": target }))
    } else {
        crate::ui::emit(&format!("{}\n", target.display()))
    }
}

/// Keeps built bundles (`dist/`) out of the project's git: adds the line to `.gitignore`
/// unless it is there.
fn ignore_bundles(project_dir: &Path) -> Result<(), CliError> {
    let path = project_dir.join(".gitignore");
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => {
            return Err(CliError::operational(format!(
                "cannot read {}: {err}",
                path.display()
            )));
        }
    };
    if existing
        .lines()
        .any(|line| matches!(line.trim(), "dist/" | "dist" | "/dist/"))
    {
        return Ok(());
    }
    let separator = if existing.is_empty() || existing.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    let text = format!("{existing}{separator}# bundles built by forge\ndist/\n");
    crate::fs::write_atomic(&path, text.as_bytes(), 0o644)
        .map_err(|e| CliError::operational(format!("cannot write {}: {e}", path.display())))
}

/// A flag's value, else a default (with --yes) or the answer to a prompt.
fn answer(
    flag: Option<String>,
    ask: bool,
    prompt: impl FnOnce() -> Result<String, CliError>,
    default: &str,
) -> Result<String, CliError> {
    match flag {
        Some(value) => Ok(value),
        None if ask => prompt(),
        None => Ok(default.to_string()),
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn check_envs(envs: &[String]) -> Result<(), CliError> {
    if envs.is_empty() {
        return Err(CliError::usage("at least one environment is needed"));
    }
    for (i, env) in envs.iter().enumerate() {
        if !crate::model::names::is_dns_label(env) {
            return Err(
                CliError::usage(format!("environment name '{env}' is not valid"))
                    .with_hint("use lowercase letters, digits and '-', at most 63 characters"),
            );
        }
        if envs[..i].contains(env) {
            return Err(CliError::usage(format!(
                "environment '{env}' is listed twice"
            )));
        }
    }
    Ok(())
}

/// Lowercases and replaces what a DNS label cannot hold, so `My_App` suggests `my-app`.
fn sanitize_name(name: &str) -> String {
    let mapped: String = name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    mapped.trim_matches('-').chars().take(63).collect()
}

fn default_source_path(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Kustomize => "deploy",
        SourceKind::Helm => "chart",
    }
}

/// Looks for a kustomize base or a Helm chart where projects usually keep them.
fn detect_source(dir: &Path, app: &str) -> (SourceKind, String) {
    let kustomize = [
        "deploy",
        "k8s",
        "kustomize",
        "deploy/base",
        "k8s/base",
        "base",
        ".",
    ];
    for candidate in kustomize {
        if dir.join(candidate).join("kustomization.yaml").is_file() {
            return (SourceKind::Kustomize, candidate.to_string());
        }
    }
    let charts = [
        "chart".to_string(),
        format!("charts/{app}"),
        "helm".to_string(),
    ];
    for candidate in charts {
        if dir.join(&candidate).join("Chart.yaml").is_file() {
            return (SourceKind::Helm, candidate);
        }
    }
    (
        SourceKind::Kustomize,
        default_source_path(SourceKind::Kustomize).into(),
    )
}

fn render(
    app: &str,
    source: SourceKind,
    path: &str,
    env_repo: &str,
    envs: &[String],
    engine: Engine,
) -> Result<String, CliError> {
    let last = envs.len() - 1;
    let envs: Vec<InitEnv> = envs
        .iter()
        .enumerate()
        .map(|(i, name)| InitEnv {
            name: name.clone(),
            promote_from: i.checked_sub(1).map(|prev| envs[prev].clone()),
            // The last env of several is production-like: confirm before changing it.
            protected: i == last && last > 0,
        })
        .collect();
    let text = crate::render::render(
        "forge.yaml.j2",
        minijinja::context! {
            app, source_kind => source.to_string(), source_path => path, env_repo,
            engine => engine.to_string(), envs => minijinja::value::Serde(envs),
        },
    )?;
    // What init writes must load: catch a template bug here, not in the user's next command.
    config::parse(&text).map_err(|problem| {
        CliError::operational(format!(
            "internal error: generated forge.yaml does not parse ({}:{}: {})",
            problem.line, problem.column, problem.message
        ))
    })?;
    Ok(text)
}
