//! `forge wait`: re-attach to the commit that last changed an env — after a Ctrl-C, a CI job
//! split in two, or a commit made by hand — and judge it as deploy does, pushing nothing.

use super::release::{Report, Shipped};
use super::wait::{Settling, Wait, settle, wait_for};
use crate::config::{Environment, Loaded};
use crate::context::Context;
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::read_release;
use crate::envrepo::trailers::parse_log;
use crate::error::CliError;

/// Waits until the env's latest commit is applied and healthy. A failed rollout is exit 3 and
/// is not rolled back: re-attaching never pushes.
pub fn reattach(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    wait: &Wait,
) -> Result<Report, CliError> {
    let name = &env.name.value;
    let app = &loaded.config.app.value;
    let dir = loaded.config.env_path(name);
    let repo = EnvRepo::open(ctx.repo_settings(loaded))?;
    let nothing = || {
        CliError::usage(format!(
            "nothing has been deployed to {name}: no commit to wait for"
        ))
        .with_hint(format!("deploy it first: `forge deploy {name}`"))
    };
    let tip = repo.fetch()?.ok_or_else(nothing)?;
    let latest = parse_log(&repo.log()?, app, name, 1)
        .into_iter()
        .next()
        .ok_or_else(nothing)?;
    let version = read_release(&repo, &tip.commit, &dir)?
        .map_or_else(|| latest.version.clone(), |release| release.version);
    ctx.ui.status(
        "Waiting",
        format!(
            "for {} ({} {version}) in {name}",
            crate::engine::short(&latest.commit),
            latest.action
        ),
    );
    let outcome = wait_for(ctx, loaded, env, &repo, &latest.commit, wait)?;
    let applied = settle(
        ctx,
        loaded,
        env,
        &repo,
        Settling {
            commit: &latest.commit,
            version: &version,
            may_roll_back: false,
            wait,
        },
        outcome,
    )?;
    Ok(Report::Shipped(Shipped {
        env: name.clone(),
        app: app.clone(),
        version,
        action: "wait",
        commit: latest.commit,
        changed: false,
        dir,
        applied: Some(applied),
        measurements: Vec::new(),
    }))
}
