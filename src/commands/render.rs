//! `forge render ENV`: write what `forge deploy ENV` would commit, into a directory.

use super::Context;
use super::args::BundleChoice;
use crate::error::CliError;
use crate::ship::bundle::{open, render_env};
use crate::ship::environment;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Environment to render, as named in forge.yaml.
    pub env: String,
    #[command(flatten)]
    pub bundle: BundleChoice,
    /// Directory to write into; must be empty or new [default: a new temp dir, printed]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: RenderArgs) -> Result<(), CliError> {
    crate::fs::scratch::remove_on_signal()?;
    let loaded = ctx.load_config()?;
    let env = environment(&loaded, &args.env)?;
    let opened = open(ctx, &loaded, args.bundle.into())?;
    let rendered = render_env(ctx, &loaded, env, &opened, None)?;

    let out = match args.out {
        Some(dir) => {
            let non_empty =
                std::fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_some());
            if non_empty {
                return Err(CliError::usage(format!("{} is not empty", dir.display()))
                    .with_hint("render into a new or empty directory"));
            }
            dir
        }
        None => tempfile::Builder::new()
            .prefix("forge-render-")
            .tempdir()
            .map_err(|e| CliError::operational(format!("cannot create a temp dir: {e}")))?
            .keep(),
    };
    for (rel, bytes) in &rendered.files {
        let path = out.join(rel);
        crate::fs::write_atomic(&path, bytes, 0o644)
            .map_err(|e| CliError::operational(format!("cannot write {}: {e}", path.display())))?;
    }
    ctx.ui.status(
        "Rendered",
        format!(
            "{} for {} into {}",
            loaded.config.app.value,
            args.env,
            out.display()
        ),
    );
    if ctx.json() {
        let files: Vec<&String> = rendered.files.keys().collect();
        crate::ui::emit_json(&serde_json::json!({ "dir": out, "files": files }))
    } else {
        crate::ui::emit(&format!("{}\n", out.display()))
    }
}
