//! `forge bundle build`: resolve version, time and images, then pack.

use crate::commands::Context;
use crate::commands::args::parse_image_flag;
use crate::error::CliError;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Release version [default: `git describe` of the source]
    #[arg(long = "version", value_name = "VERSION")]
    pub release: Option<String>,
    /// Directory to write the bundle into.
    #[arg(long, value_name = "DIR", default_value = "dist")]
    pub out: PathBuf,
    /// Override or add an image reference (repeatable).
    #[arg(long = "image", value_name = "NAME=REF", value_parser = parse_image_flag)]
    pub images: Vec<(String, String)>,
}

pub fn run(ctx: &Context, args: BuildArgs) -> Result<(), CliError> {
    crate::fs::scratch::remove_on_signal()?;
    let loaded = ctx.load_config()?;
    let built = crate::ship::bundle::build(ctx, &loaded, args.release, args.images, &args.out)?;
    let app = &built.manifest.app;
    let version = &built.manifest.version;
    if let Some(data) = ctx.data() {
        crate::ui::emit_data(
            data,
            &serde_json::json!({
                "path": built.path,
                "digest": built.digest,
                "size": built.size,
                "app": app,
                "version": version,
            }),
        )
    } else {
        crate::ui::emit(&format!("{}\n", built.path.display()))
    }
}
