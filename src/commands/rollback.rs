//! `forge rollback ENV [--to VERSION]`: commit an earlier release's env dir again (history is
//! never rewritten), after re-verifying its bundle signature, and wait for it.

use super::Context;
use super::deploy::{Shipping, conclude};
use super::steps::{check_signature, environment, open_release_bundle, restore_release};
use super::wait::{WaitArgs, preflight};
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::{PublishRequest, publish, read_release};
use crate::envrepo::trailers::{Action, parse_log, rollback_target};
use crate::error::{CliError, ExitCode};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// Environment to roll back, as named in forge.yaml.
    pub env: String,
    /// Version to return to [default: the release before the current one]
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// The release's bundle, when it is not kept in forge's cache (re-verified before use).
    #[arg(long, value_name = "BUNDLE")]
    pub bundle: Option<PathBuf>,
    /// Stop once the commit is pushed.
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub fn run(ctx: &Context, args: RollbackArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let env = environment(&loaded, &args.env)?;
    let app = &loaded.config.app.value;
    let dir = loaded.config.env_path(&args.env);
    let repo = EnvRepo::open(ctx.repo_settings(&loaded))?;
    let tip = repo
        .fetch()?
        .ok_or_else(|| CliError::usage(format!("nothing was ever deployed to {}", args.env)))?;
    let current = read_release(&repo, &tip.commit, &dir)?;
    let entries = parse_log(&repo.log()?, app, &args.env, usize::MAX);
    let Some(entry) = rollback_target(
        &entries,
        current.as_ref().map(|r| r.version.as_str()),
        args.to.as_deref(),
    ) else {
        let message = match &args.to {
            Some(version) => format!("{app} {version} was never released to {}", args.env),
            None => format!("{} has no earlier release to roll back to", args.env),
        };
        return Err(CliError::usage(message).with_hint(format!(
            "see the releases with `forge history {}`",
            args.env
        )));
    };
    let Some((files, release)) = restore_release(ctx, &repo, &entry.commit, &dir)? else {
        return Err(CliError::operational(format!(
            "commit {} has no release.json in {dir}",
            crate::engine::short(&entry.commit)
        )));
    };
    if current.as_ref().is_some_and(|c| c.same_as(&release)) {
        return Err(CliError::usage(format!(
            "{} already runs {}",
            args.env, release.version
        )));
    }
    match open_release_bundle(ctx, &loaded, &release.bundle_digest, args.bundle) {
        Ok(opened) => {
            check_signature(&loaded, env, &opened)?;
        }
        Err(err) if env.policy.require_signature => {
            return Err(CliError::new(
                ExitCode::Refused,
                format!(
                    "{} requires a verified signature, and the bundle of {} cannot be checked: {}",
                    args.env, release.version, err.message
                ),
            )
            .with_hint("pass the release's bundle with --bundle"));
        }
        Err(err) => ctx.ui.warn(format!(
            "{}; rolling back without re-verifying it",
            err.message
        )),
    }
    if !args.no_wait {
        preflight(&args.wait, env)?;
    }
    if env.protected {
        ctx.confirm(&format!(
            "Roll {app} in protected environment {} back to {}?",
            args.env, release.version
        ))?;
    }
    ctx.ui.status(
        "Rolling back",
        format!(
            "{} to {} (from commit {})",
            args.env,
            release.version,
            crate::engine::short(&entry.commit)
        ),
    );
    let published = publish(
        &repo,
        &PublishRequest {
            dir: &dir,
            files,
            release: &release,
            action: Action::Rollback,
            force: false,
            create_branch: false,
            expect: repo.subtree(&tip.commit, &dir),
            canary: None,
        },
    )?;
    conclude(
        ctx,
        &loaded,
        env,
        &repo,
        &release,
        &published,
        &Shipping {
            measurements: Vec::new(),
            action: Action::Rollback,
            force: false,
            create_branch: false,
            no_wait: args.no_wait,
            wait: args.wait,
        },
    )
}
