//! Committing `forge bootstrap`'s objects to the env repo, under the directory a cluster's
//! root sync applies (`clusters/<cluster>/<app>/`), once: a second run commits nothing.

use crate::config::Loaded;
use crate::context::Context;
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::{Published, publish_files};
use crate::error::CliError;
use crate::model::Files;

/// The commit that holds the objects, and whether this run made it.
#[derive(serde::Serialize)]
pub struct Committed {
    pub commit: String,
    pub dir: String,
    pub changed: bool,
}

pub fn commit(
    ctx: &Context,
    loaded: &Loaded,
    cluster: &str,
    file: &str,
    objects: String,
) -> Result<Committed, CliError> {
    let app = &loaded.config.app.value;
    let dir = format!("clusters/{cluster}/{app}");
    if let Some(problem) = crate::model::names::path_problem(&dir) {
        return Err(CliError::usage(format!(
            "--cluster '{cluster}': {dir} {problem}"
        )));
    }
    let repo = EnvRepo::open(ctx.repo_settings(loaded))?;
    let files: Files = [(file.to_string(), objects.into())].into();
    let message = format!(
        "bootstrap {app} in {dir}: what makes the cluster apply each env dir\n\nForge-App: {app}\nForge-Action: bootstrap\n"
    );
    Ok(match publish_files(&repo, &dir, &files, &message)? {
        Published::Committed { commit, .. } => {
            ctx.ui.status(
                "Pushed",
                format!(
                    "{} {dir}/{file}: the cluster's root sync on {dir} applies it",
                    crate::engine::short(&commit)
                ),
            );
            Committed {
                commit,
                dir,
                changed: true,
            }
        }
        Published::AlreadyDeployed { commit } => {
            ctx.ui.status(
                "Unchanged",
                format!("{dir}/{file} already holds these objects"),
            );
            Committed {
                commit,
                dir,
                changed: false,
            }
        }
    })
}
