//! `forge render ENV`: write what `forge deploy ENV` would commit, into a directory.
//! `forge render --all` writes every env's, `DIR/<env>/`, from one bundle in one process.

use super::Context;
use super::args::BundleChoice;
use crate::config::Environment;
use crate::error::CliError;
use crate::ship::bundle::{open, render_env};
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
    // Every env renders before anything is written: one that fails leaves no output at all.
    let rendered = envs
        .into_iter()
        .map(|env| Ok((env, render_env(ctx, &loaded, env, &opened, None)?)))
        .collect::<Result<Vec<_>, CliError>>()?;
    let out = match args.out {
        Some(dir) => dir,
        // The output, so kept: not a scratch dir.
        None => tempfile::Builder::new()
            .prefix("forge-render-")
            .tempdir()
            .map_err(|e| CliError::operational(format!("cannot create a temp dir: {e}")))?
            .keep(),
    };
    let mut written = Vec::with_capacity(rendered.len());
    for (env, rendered) in rendered {
        let dir = if args.all {
            out.join(&env.name.value)
        } else {
            out.clone()
        };
        for (rel, bytes) in &rendered.files {
            let path = dir.join(rel);
            crate::fs::write_atomic(&path, bytes, 0o644).map_err(|e| {
                CliError::operational(format!("cannot write {}: {e}", path.display()))
            })?;
        }
        ctx.ui.status(
            "Rendered",
            format!(
                "{} for {} into {}",
                loaded.config.app.value,
                env.name.value,
                dir.display()
            ),
        );
        written.push(Written {
            env: env.name.value.clone(),
            dir,
            files: rendered.files.into_keys().collect(),
        });
    }
    match (ctx.json(), args.all) {
        (true, true) => crate::ui::emit_json(&serde_json::json!({ "dir": out, "envs": written })),
        (true, false) => {
            let files = written.iter().flat_map(|w| &w.files).collect::<Vec<_>>();
            crate::ui::emit_json(&serde_json::json!({ "dir": out, "files": files }))
        }
        (false, _) => crate::ui::emit(&format!("{}\n", out.display())),
    }
}

fn is_non_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}
