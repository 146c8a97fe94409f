//! `forge bundle list`: the bundles known on this machine (dist/ beside forge.yaml and the
//! bundle cache) — app, version, digest, who signed it, which envs run it.

use crate::commands::Context;
use crate::error::CliError;
use crate::ship::bundles::KnownBundle;
use clap::Args;

#[derive(Debug, Args)]
pub struct ListArgs {}

pub fn run(ctx: &Context, _args: ListArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let bundles = crate::ship::bundles::list(ctx, &loaded)?;
    if let Some(data) = ctx.data() {
        return crate::ui::emit_data(data, &bundles);
    }
    if bundles.is_empty() {
        ctx.ui.status(
            "Bundles",
            "none in dist/ or the bundle cache (`forge bundle build` makes one)",
        );
        return Ok(());
    }
    let rows: Vec<Vec<String>> = bundles.iter().map(row).collect();
    crate::ui::emit(&crate::ui::table::table(
        &["APP", "VERSION", "DIGEST", "SIGNED", "ENVS", "PATH"],
        &rows,
    ))
}

fn row(bundle: &KnownBundle) -> Vec<String> {
    // `sha256:` and the first 12 hex digits, as people compare them.
    let digest = bundle
        .digest
        .get(..19)
        .unwrap_or(&bundle.digest)
        .to_string();
    let signed = match &bundle.signer {
        Some(hint) => format!("key {hint}"),
        None => bundle.signature.as_str().to_string(),
    };
    let envs = match &bundle.envs {
        Some(envs) if envs.is_empty() => "-".to_string(),
        Some(envs) => envs.join(","),
        None => "unknown".to_string(),
    };
    let path = bundle
        .paths
        .first()
        .map(|path| path.display().to_string())
        .unwrap_or_default();
    vec![
        bundle.app.clone(),
        bundle.version.clone(),
        digest,
        signed,
        envs,
        path,
    ]
}
