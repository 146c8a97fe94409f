//! Rolling an env back: commit an earlier release's env dir again (history is never
//! rewritten). `forge rollback` and the automatic rollback after a failed rollout share
//! [`restore`] and [`commit`]; they differ in how the earlier release is chosen and what
//! follows the push.

use super::bundle::{check_signature, open_release};
use super::release::{Report, Shipping, conclude};
use super::rollout::roll_back_across;
use super::wait::{Wait, preflight, wait_for};
use crate::config::{Environment, Loaded};
use crate::context::Context;
use crate::engine::Outcome;
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::{PublishRequest, Published, publish, read_release};
use crate::envrepo::trailers::{Action, parse_log, rollback_target};
use crate::error::{CliError, ExitCode};
use crate::model::Files;
use crate::model::release::Release;
use std::path::PathBuf;

/// What `forge rollback` asks for.
pub struct Request {
    /// The version to return to; None: the release before the current one.
    pub to: Option<String>,
    /// The release's bundle, when it is not kept in forge's cache.
    pub bundle: Option<PathBuf>,
    pub no_wait: bool,
    pub wait: Wait,
}

/// An env dir as it was at an earlier commit, ready to be committed again.
pub struct Restored {
    files: Files,
    release: Release,
    /// Where it came from, for the status line.
    from: String,
}

/// The env dir `dir` as it was at `commit`, with its release's deploy time set to now. None
/// when the dir held no release there.
fn restore(
    ctx: &Context,
    repo: &EnvRepo,
    commit: &str,
    dir: &str,
    from: String,
) -> Result<Option<Restored>, CliError> {
    let Some(mut release) = read_release(repo, commit, dir)? else {
        return Ok(None);
    };
    release.deployed_at = ctx.now_rfc3339()?;
    let mut files = repo.read_dir(commit, dir)?;
    release.write_into(&mut files);
    Ok(Some(Restored {
        files,
        release,
        from,
    }))
}

/// Commits a restored env dir (Forge-Action: rollback) over the content it was decided
/// against (`expect`).
fn commit(
    ctx: &Context,
    env: &Environment,
    repo: &EnvRepo,
    dir: &str,
    restored: Restored,
    expect: Option<String>,
) -> Result<Published, CliError> {
    ctx.ui.status(
        "Rolling back",
        format!(
            "{} to {} (from {})",
            env.name.value, restored.release.version, restored.from
        ),
    );
    Ok(publish(
        repo,
        &PublishRequest {
            expect,
            ..PublishRequest::new(dir, restored.files, &restored.release, Action::Rollback)
        },
    )?)
}

/// `forge rollback`: re-verifies the earlier release's bundle, commits it again and waits.
pub fn rollback(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    request: Request,
) -> Result<Report, CliError> {
    let name = &env.name.value;
    let app = &loaded.config.app.value;
    let dir = loaded.config.env_path(name);
    let repo = EnvRepo::open(ctx.repo_settings(loaded))?;
    let tip = repo
        .fetch()?
        .ok_or_else(|| CliError::usage(format!("nothing was ever deployed to {name}")))?;
    let current = read_release(&repo, &tip.commit, &dir)?;
    let entries = parse_log(&repo.log()?, app, name, usize::MAX);
    let Some(entry) = rollback_target(
        &entries,
        current.as_ref().map(|r| r.version.as_str()),
        request.to.as_deref(),
    ) else {
        let message = match &request.to {
            Some(version) => format!("{app} {version} was never released to {name}"),
            None => format!("{name} has no earlier release to roll back to"),
        };
        return Err(CliError::usage(message)
            .with_hint(format!("see the releases with `forge history {name}`")));
    };
    let from = format!("commit {}", crate::engine::short(&entry.commit));
    let Some(restored) = restore(ctx, &repo, &entry.commit, &dir, from)? else {
        return Err(CliError::operational(format!(
            "commit {} has no release.json in {dir}",
            crate::engine::short(&entry.commit)
        )));
    };
    let release = restored.release.clone();
    if current.as_ref().is_some_and(|c| c.same_as(&release)) {
        return Err(CliError::usage(format!(
            "{name} already runs {}",
            release.version
        )));
    }
    match open_release(ctx, loaded, &release.bundle_digest, request.bundle) {
        Ok(opened) => {
            check_signature(loaded, env, &opened)?;
        }
        Err(err) if env.policy.require_signature => {
            return Err(CliError::new(
                ExitCode::Refused,
                format!(
                    "{name} requires a verified signature, and the bundle of {} cannot be checked: {}",
                    release.version, err.message
                ),
            )
            .with_hint("pass the release's bundle with --bundle"));
        }
        Err(err) => ctx.ui.warn(format!(
            "{}; rolling back without re-verifying it",
            err.message
        )),
    }
    if !request.no_wait {
        preflight(&request.wait, env)?;
    }
    if env.protected {
        ctx.confirm(&format!(
            "Roll {app} in protected environment {name} back to {}?",
            release.version
        ))?;
    }
    let shipping = rolling_back(request.no_wait, request.wait);
    if let Some(report) = across(ctx, loaded, env, &repo, &restored, &shipping)? {
        return Ok(report);
    }
    let expect = repo.subtree(&tip.commit, &dir);
    let published = commit(ctx, env, &repo, &dir, restored, expect)?;
    conclude(ctx, loaded, env, &repo, &release, &published, &shipping).map(Report::Shipped)
}

/// How a rollback ships.
fn rolling_back(no_wait: bool, wait: Wait) -> Shipping {
    Shipping {
        action: Action::Rollback,
        force: false,
        create_branch: false,
        no_wait,
        wait,
        // Going back is what a rollback is for.
        allow_downgrade: true,
    }
}

/// A rollback to a release on the other side than the live one, through blue-green's preview
/// and switch (see [`roll_back_across`]); None when one commit is safe.
fn across(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    restored: &Restored,
    shipping: &Shipping,
) -> Result<Option<Report>, CliError> {
    let pair = (&restored.files, &restored.release);
    let report = roll_back_across(ctx, loaded, env, repo, pair, shipping)?;
    if report.is_some() {
        ctx.ui.status(
            "Rolled back",
            format!(
                "{} to {} (from {}) through a blue-green switch",
                env.name.value, restored.release.version, restored.from
            ),
        );
    }
    Ok(report)
}

/// After `failed` did not become healthy (`rollback: auto`): commits the env dir as it was
/// before it and waits for that. Returns what to add to the failure message.
pub(super) fn after_failure(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    failed: &str,
    wait: &Wait,
) -> Result<String, CliError> {
    let dir = loaded.config.env_path(&env.name.value);
    let from = format!("the commit before {}", crate::engine::short(failed));
    let Some(restored) = restore(ctx, repo, &format!("{failed}^"), &dir, from)? else {
        ctx.ui
            .warn("nothing to roll back to: this was the env's first release");
        return Ok("; nothing to roll back to".into());
    };
    let previous = restored.release.version.clone();
    let shipping = rolling_back(false, wait.clone());
    match across(ctx, loaded, env, repo, &restored, &shipping) {
        Ok(None) => {}
        Ok(Some(Report::Shipped(shipped))) => {
            return Ok(format!(
                "; rolled back to {previous} ({})",
                crate::engine::short(&shipped.commit)
            ));
        }
        Ok(Some(Report::Aborted(aborted))) => {
            return Ok(format!(
                "; the rollback to {previous} failed too: {}",
                aborted.cause
            ));
        }
        Ok(Some(Report::Stopped { .. } | Report::Returned { .. })) => {
            return Ok(format!("; the rollback to {previous} stopped"));
        }
        Err(err) => {
            return Ok(format!(
                "; the rollback to {previous} failed too: {}",
                err.message
            ));
        }
    }
    let expect = repo.subtree(failed, &dir);
    let commit = match commit(ctx, env, repo, &dir, restored, expect)? {
        Published::Committed { commit, .. } | Published::AlreadyDeployed { commit } => commit,
    };
    ctx.ui.status(
        "Pushed",
        format!(
            "rollback {} to {}",
            crate::engine::short(&commit),
            env.name.value
        ),
    );
    match wait_for(ctx, loaded, env, repo, &commit, wait)? {
        Outcome::Healthy { .. } => {
            ctx.ui.status(
                "Rolled back",
                format!("{} runs {previous} again", env.name.value),
            );
            Ok(format!(
                "; rolled back to {previous} ({})",
                crate::engine::short(&commit)
            ))
        }
        Outcome::Failed(failure) => Ok(format!(
            "; the rollback to {previous} failed too: {}",
            failure.cause
        )),
        Outcome::Superseded { by } => Ok(format!(
            "; the rollback was superseded by {}",
            crate::engine::short(&by)
        )),
    }
}
