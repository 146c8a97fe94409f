//! Freezing an env during an incident: a commit in the env repo that writes
//! `freezes/<app>/<env>/freeze.json` (who, when, why; trailer `Forge-Action: freeze`), which
//! deploys, promotions and canary steps into the env respect until `forge unfreeze` removes it
//! (`Forge-Action: unfreeze`). A rollback still goes through: an incident is when one is
//! needed. The record lives outside the env dir, so freezing changes nothing the cluster
//! applies.

use crate::config::{Environment, Loaded};
use crate::context::Context;
use crate::envrepo::publish::{Published, publish_files};
use crate::envrepo::{EnvRepo, Tip};
use crate::error::{CliError, ExitCode};
use crate::gate::GateCheck;
use crate::model::Files;
use serde::{Deserialize, Serialize};

const FILE: &str = "freeze.json";

/// Who froze an env, when and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freeze {
    pub by: String,
    pub at: String,
    pub reason: String,
}

impl Freeze {
    /// `by Ann <ann@x.io> at 2026-11-24T12:00:00Z: incident 42`
    fn describe(&self) -> String {
        format!("by {} at {}: {}", self.by, self.at, self.reason)
    }

    /// The freeze as the gate `forge status` shows in its BLOCKED column.
    pub fn gate(&self) -> GateCheck {
        GateCheck {
            gate: "frozen",
            passed: false,
            detail: self.describe(),
        }
    }
}

/// What `forge freeze` or `forge unfreeze` did.
#[derive(Serialize)]
pub struct Report {
    pub app: String,
    pub env: String,
    /// Whether the env is frozen now.
    pub frozen: bool,
    /// The freeze in force (freeze) or the one lifted (unfreeze); None when there was none.
    pub freeze: Option<Freeze>,
    /// The commit that recorded it, or the branch tip when nothing changed.
    pub commit: String,
    /// False when the env already was as asked.
    pub changed: bool,
}

/// The env repo directory holding an env's freeze record.
fn dir(app: &str, env: &str) -> String {
    format!("freezes/{app}/{env}")
}

/// The freeze in force for `env` at `commit`, if any.
pub fn read(
    repo: &EnvRepo,
    commit: &str,
    app: &str,
    env: &str,
) -> Result<Option<Freeze>, CliError> {
    let path = format!("{}/{FILE}", dir(app, env));
    let Some(bytes) = repo.read_file(commit, &path)? else {
        return Ok(None);
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|err| {
        CliError::usage(format!(
            "{path} in the env repo is not a freeze record: {err}"
        ))
        .with_hint(format!("`forge unfreeze {env}` removes it"))
    })
}

/// The freeze in force for `env` at the branch tip, if any.
fn current(repo: &EnvRepo, loaded: &Loaded, env: &str) -> Result<Option<Freeze>, CliError> {
    match repo.fetch()? {
        Some(tip) => read(repo, &tip.commit, &loaded.config.app.value, env),
        None => Ok(None),
    }
}

/// Deploys, promotions and canary steps into a frozen env stop here (exit 3) naming the
/// freeze; a rollback does not ask.
pub fn refuse_if_frozen(
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
) -> Result<(), CliError> {
    let name = &env.name.value;
    let Some(freeze) = current(repo, loaded, name)? else {
        return Ok(());
    };
    Err(CliError::new(
        ExitCode::GateFailed,
        format!("{name} is frozen {}", freeze.describe()),
    )
    .with_hint(format!(
        "`forge unfreeze {name}` lifts the freeze; `forge rollback {name}` is allowed while frozen"
    )))
}

/// Records a freeze of `env` with `reason`; an env already frozen keeps its freeze.
pub fn freeze(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    reason: &str,
) -> Result<Report, CliError> {
    let name = &env.name.value;
    let reason = reason.trim();
    if reason.is_empty() || reason.contains(['\n', '\r']) {
        return Err(CliError::usage(
            "--reason must be one non-empty line (it is the freeze's commit subject)",
        ));
    }
    let app = &loaded.config.app.value;
    let repo = EnvRepo::open(ctx.repo_settings(loaded))?;
    if let Some(freeze) = current(&repo, loaded, name)? {
        ctx.ui.status(
            "Unchanged",
            format!("{name} is already frozen {}", freeze.describe()),
        );
        return unchanged(&repo, app, name, Some(freeze));
    }
    let freeze = Freeze {
        by: ctx
            .env
            .git_author
            .clone()
            .or_else(crate::git::identity)
            .unwrap_or_else(|| "unknown".into()),
        at: ctx.now_rfc3339()?,
        reason: reason.to_string(),
    };
    let files: Files = [(
        FILE.to_string(),
        forge_base::json::to_vec_pretty(&freeze).into(),
    )]
    .into();
    let message = message(
        "freeze",
        &format!("freeze {app} in {name}: {reason}"),
        app,
        name,
    );
    let commit = commit(&repo, app, name, &files, &message)?;
    ctx.ui.status(
        "Frozen",
        format!(
            "{name} at {}: deploys, promotions and canary steps are refused until `forge \
             unfreeze {name}`; `forge rollback {name}` still works",
            crate::engine::short(&commit)
        ),
    );
    Ok(Report {
        app: app.clone(),
        env: name.clone(),
        frozen: true,
        freeze: Some(freeze),
        commit,
        changed: true,
    })
}

/// Lifts the freeze of `env`; an env not frozen stays as it is.
pub fn unfreeze(ctx: &Context, loaded: &Loaded, env: &Environment) -> Result<Report, CliError> {
    let name = &env.name.value;
    let app = &loaded.config.app.value;
    let repo = EnvRepo::open(ctx.repo_settings(loaded))?;
    let Some(freeze) = current(&repo, loaded, name)? else {
        ctx.ui.status("Unchanged", format!("{name} is not frozen"));
        return unchanged(&repo, app, name, None);
    };
    let message = message(
        "unfreeze",
        &format!("unfreeze {app} in {name} (frozen {})", freeze.describe()),
        app,
        name,
    );
    // No files: the record's directory is emptied.
    let commit = commit(&repo, app, name, &Files::new(), &message)?;
    ctx.ui.status(
        "Unfrozen",
        format!(
            "{name} at {}: deploys and promotions go through again",
            crate::engine::short(&commit)
        ),
    );
    Ok(Report {
        app: app.clone(),
        env: name.clone(),
        frozen: false,
        freeze: Some(freeze),
        commit,
        changed: true,
    })
}

/// The report of a freeze or unfreeze that found the env as asked.
fn unchanged(
    repo: &EnvRepo,
    app: &str,
    env: &str,
    freeze: Option<Freeze>,
) -> Result<Report, CliError> {
    Ok(Report {
        app: app.to_string(),
        env: env.to_string(),
        frozen: freeze.is_some(),
        freeze,
        commit: repo.fetch()?.map(|tip| tip.commit).unwrap_or_default(),
        changed: false,
    })
}

/// A commit message with the trailers that name the app, env and action (no Forge-Version:
/// `forge history` lists releases only).
fn message(action: &str, subject: &str, app: &str, env: &str) -> String {
    format!("{subject}\n\nForge-App: {app}\nForge-Env: {env}\nForge-Action: {action}\n")
}

/// Commits `files` as the env's freeze directory, with the publish loop's compare-and-swap.
fn commit(
    repo: &EnvRepo,
    app: &str,
    env: &str,
    files: &Files,
    message: &str,
) -> Result<String, CliError> {
    Ok(match publish_files(repo, &dir(app, env), files, message)? {
        Published::Committed { commit, .. } | Published::AlreadyDeployed { commit } => commit,
    })
}

/// Shows each frozen env's freeze in its `forge status` row, as what blocks it (over any
/// promotion gate: nothing ships into a frozen env).
pub fn mark_frozen(
    repo: &EnvRepo,
    tip: Option<&Tip>,
    app: &str,
    rows: &mut [super::status::Row],
) -> Result<(), CliError> {
    let Some(tip) = tip else {
        return Ok(());
    };
    for row in rows {
        if let Some(freeze) = read(repo, &tip.commit, app, &row.env)? {
            row.blocked_by = Some(freeze.gate());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freeze_commits_carry_no_version_so_history_lists_releases_only() {
        let text = message(
            "freeze",
            "freeze hello in prod: incident 42",
            "hello",
            "prod",
        );
        assert!(text.contains("Forge-Action: freeze\n"));
        let log = format!(
            "abc{field}Ann <a@x>{field}1700000000{field}{}{record}",
            text.split_once("\n\n").map(|(_, t)| t).unwrap_or_default(),
            field = crate::envrepo::trailers::FIELD,
            record = crate::envrepo::trailers::RECORD,
        );
        assert!(crate::envrepo::trailers::parse_log(&log, "hello", "prod", 10).is_empty());
    }

    #[test]
    fn a_freeze_blocks_with_who_when_and_why() {
        let freeze = Freeze {
            by: "Ann <ann@x.io>".into(),
            at: "2026-11-24T12:00:00Z".into(),
            reason: "incident 42".into(),
        };
        let gate = freeze.gate();
        assert!(!gate.passed);
        assert_eq!(
            gate.detail,
            "by Ann <ann@x.io> at 2026-11-24T12:00:00Z: incident 42"
        );
    }
}
