//! `forge render ENV`: write what `forge deploy ENV` would commit, into a directory.
//! `forge render --all` writes every env's, `DIR/<env>/`, from one bundle in one process.

use super::Context;
use super::args::BundleChoice;
use crate::config::{Environment, Loaded};
use crate::error::CliError;
use crate::ship::bundle::{OpenedBundle, open, render_env};
use crate::ship::environment;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Environment to render, as named in forge.yaml.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub env: Option<String>,
    /// Render every environment, each into DIR/<env>/ (for CI: one bundle, one process).
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub bundle: BundleChoice,
    /// Directory to write into; must be empty or new [default: a new temp dir, printed]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// One env's rendered directory, as the JSON output lists it.
#[derive(serde::Serialize)]
struct Written {
    env: String,
    dir: PathBuf,
    files: Vec<String>,
}

pub fn run(ctx: &Context, args: RenderArgs) -> Result<(), CliError> {
    crate::fs::scratch::remove_on_signal()?;
    let loaded = ctx.load_config()?;
    let envs: Vec<&Environment> = match &args.env {
        Some(name) => vec![environment(&loaded, name)?],
        None => loaded
            .config
            .environments
            .iter()
            .map(|e| &e.value)
            .collect(),
    };
    if let Some(dir) = args.out.as_deref().filter(|dir| is_non_empty(dir)) {
        return Err(CliError::usage(format!("{} is not empty", dir.display()))
            .with_hint("render into a new or empty directory"));
    }
    let opened = open(ctx, &loaded, args.bundle.into())?;
    let (out, made_out) = match args.out {
        Some(dir) => (dir, false),
        // The output, so kept: not a scratch dir.
        None => (
            tempfile::Builder::new()
                .prefix("forge-render-")
                .tempdir()
                .map_err(|e| CliError::operational(format!("cannot create a temp dir: {e}")))?
                .keep(),
            true,
        ),
    };
    // One env at a time, written before the next renders: a render holds one env's files in
    // memory, never every env's. One that fails takes what was written with it.
    let mut written: Vec<Written> = Vec::with_capacity(envs.len());
    for env in envs {
        let dir = if args.all {
            out.join(&env.name.value)
        } else {
            out.clone()
        };
        match render_into(ctx, &loaded, env, &opened, &dir) {
            Ok(files) => written.push(Written {
                env: env.name.value.clone(),
                dir,
                files,
            }),
            Err(err) => {
                let made = written
                    .iter()
                    .map(|w| &w.dir)
                    .chain(args.all.then_some(&dir));
                let made = made.chain(made_out.then_some(&out));
                for dir in made {
                    let _ = std::fs::remove_dir_all(dir);
                }
                return Err(err);
            }
        }
    }
    match (ctx.data(), args.all) {
        (Some(data), true) => {
            crate::ui::emit_data(data, &serde_json::json!({ "dir": out, "envs": written }))
        }
        (Some(data), false) => {
            let files = written.iter().flat_map(|w| &w.files).collect::<Vec<_>>();
            crate::ui::emit_data(data, &serde_json::json!({ "dir": out, "files": files }))
        }
        (None, _) => crate::ui::emit(&format!("{}\n", out.display())),
    }
}

/// Renders `env` and writes it into `dir`; returns the paths written.
fn render_into(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    opened: &OpenedBundle,
    dir: &Path,
) -> Result<Vec<String>, CliError> {
    let rendered = render_env(ctx, loaded, env, opened, None)?;
    crate::fs::write_dir_atomic(dir, &rendered.files)
        .map_err(|e| CliError::operational(format!("cannot write {}: {e}", dir.display())))?;
    ctx.ui.status(
        "Rendered",
        format!(
            "{} for {} into {}",
            loaded.config.app.value,
            env.name.value,
            dir.display()
        ),
    );
    Ok(rendered.files.into_keys().collect())
}

fn is_non_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}
