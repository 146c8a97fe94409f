//! `forge bootstrap [ENV…]`: the GitOps objects that make the cluster apply each env dir (a
//! Flux Kustomization, with the env repo's GitRepository unless it is the cluster's own
//! `flux-system`, or an Argo CD Application, and the env's Namespace), named as `forge deploy`
//! waits for them — on stdout for `kubectl apply -f -`, or into a directory.

use super::Context;
use crate::error::CliError;
use crate::render::bootstrap::{Reach, render};
use crate::ship::{bootstrap, environments};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BootstrapArgs {
    /// Environments to bootstrap [default: all, in forge.yaml's order]
    pub envs: Vec<String>,
    /// Write `<app>.yaml` into this directory, or print the objects with `-`, instead of
    /// committing them to the env repo.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The cluster whose root sync applies them: they are committed under
    /// `clusters/<CLUSTER>/<app>/`, as `flux bootstrap --path clusters/<CLUSTER>` lays out.
    #[arg(long, value_name = "CLUSTER", default_value = "default")]
    pub cluster: String,
    /// The URL the cluster fetches the env repo from [default: envRepo.url without
    /// credentials]
    #[arg(long, value_name = "URL")]
    pub source_url: Option<String>,
    /// Secret in flux.namespace with the GitRepository's credentials (Flux).
    #[arg(long, value_name = "NAME")]
    pub secret_ref: Option<String>,
}

pub fn run(ctx: &Context, args: BootstrapArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let envs = environments(&loaded, &args.envs)?;
    let reach = Reach {
        source_url: args.source_url,
        secret_ref: args.secret_ref,
    };
    let objects = render(&loaded.templates(), &loaded.config, &envs, &reach)?;
    let app = &loaded.config.app.value;
    let file = format!("{app}.yaml");
    match args.out {
        Some(dir) if dir.as_os_str() == "-" => crate::ui::emit(&objects),
        Some(dir) => {
            let path = dir.join(&file);
            crate::fs::write_atomic(&path, objects.as_bytes(), 0o644).map_err(|e| {
                CliError::operational(format!("cannot write {}: {e}", path.display()))
            })?;
            ctx.ui.status(
                "Wrote",
                format!(
                    "the GitOps objects for {app} into {} (apply them with `kubectl apply -f`)",
                    path.display()
                ),
            );
            crate::ui::emit(&format!("{}\n", path.display()))
        }
        None => {
            let committed = bootstrap::commit(ctx, &loaded, &args.cluster, &file, objects)?;
            if let Some(data) = ctx.data() {
                crate::ui::emit_data(data, &committed)
            } else {
                crate::ui::emit(&format!("{}\n", committed.commit))
            }
        }
    }
}
