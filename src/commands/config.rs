//! `forge config validate` and `forge config show`.

use super::Context;
use crate::config::{self, Environment, Loaded};
use crate::error::{CliError, ExitCode};
use crate::ui::DataFormat;
use clap::Subcommand;
use serde::Serialize;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check forge.yaml; every problem is listed with file:line:col (exit 0 or 2).
    Validate,
    /// Print the resolved config: defaults filled in, per-env engine and repo path.
    Show,
}

pub fn run(ctx: &Context, command: ConfigCommand) -> Result<(), CliError> {
    match command {
        ConfigCommand::Validate => validate(ctx),
        ConfigCommand::Show => show(ctx),
    }
}

fn validate(ctx: &Context) -> Result<(), CliError> {
    match Loaded::load(&ctx.config_path) {
        Ok(loaded) => {
            if let Some(data) = ctx.data() {
                crate::ui::emit_data(
                    data,
                    &serde_json::json!({
                        "path": loaded.path, "valid": true, "problems": [],
                    }),
                )?;
            } else {
                crate::ui::emit(&format!(
                    "{}: ok (app {}, environments {})\n",
                    loaded.path.display(),
                    loaded.config.app.value,
                    loaded.config.env_names().join(", ")
                ))?;
            }
            Ok(())
        }
        Err(config::ConfigError::Invalid { path, problems }) => {
            let Some((last, earlier)) = problems.split_last() else {
                return Err(CliError::usage(format!("{} is invalid", path.display())));
            };
            if let Some(data) = ctx.data() {
                let listed: Vec<_> = problems
                    .iter()
                    .map(|p| serde_json::json!({"line": p.line, "column": p.column, "message": p.message, "hint": p.hint}))
                    .collect();
                crate::ui::emit_data(
                    data,
                    &serde_json::json!({"path": path, "valid": false, "problems": listed}),
                )?;
            } else {
                // All but the last are printed here; the last becomes the command's error.
                for problem in earlier {
                    let err = CliError::usage(format!(
                        "{}: {}",
                        config::location(&path, problem),
                        problem.message
                    ));
                    ctx.ui.error(&match &problem.hint {
                        Some(hint) => err.with_hint(hint.clone()),
                        None => err,
                    });
                }
            }
            let err = CliError::new(
                ExitCode::Usage,
                format!("{}: {}", config::location(&path, last), last.message),
            );
            Err(match &last.hint {
                Some(hint) => err.with_hint(hint.clone()),
                None => err,
            })
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResolvedEnv {
    /// Where this env's files go in the env repo.
    repo_path: String,
    #[serde(flatten)]
    env: Environment,
}

fn show(ctx: &Context) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let config = &loaded.config;
    let environments: Vec<ResolvedEnv> = config
        .environments
        .iter()
        .map(|spanned| {
            let mut env = spanned.value.clone();
            env.engine = Some(config.engine_for(&env));
            ResolvedEnv {
                repo_path: config.env_path(&env.name.value),
                env,
            }
        })
        .collect();
    let mut env_repo = config.env_repo.clone();
    env_repo.url.value = crate::git::redact_url(&env_repo.url.value);
    let resolved = serde_json::json!({
        "path": loaded.path,
        "app": config.app,
        "source": { "kind": config.source.kind, "path": loaded.source_dir() },
        "images": config.images,
        "envRepo": env_repo,
        "engine": config.engine,
        "environments": environments,
        "signing": { "publicKey": loaded.public_key_path() },
    });
    // As text too the resolved config reads best as YAML, like forge.yaml itself.
    crate::ui::emit_data(ctx.data().unwrap_or(DataFormat::Yaml), &resolved)
}
