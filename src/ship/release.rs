//! Releasing an opened bundle to an env: the plan its strategy and the env's current release
//! call for (plain, canary, blue-green), and how a pushed commit concludes: waited for,
//! judged, rolled back when it failed, reported.

use super::bundle::{OpenedBundle, check_signature, keep, render_env};
use super::rollout::{self, Current, Stable};
use super::wait::{Settling, Wait, preflight, settle, wait_for};
use crate::config::{Environment, Loaded, StrategyKind};
use crate::context::Context;
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::{PublishRequest, Published, publish};
use crate::envrepo::trailers::Action;
use crate::envrepo::trailers::parse_log;
use crate::error::CliError;
use crate::gate::analysis::Measurement;
use crate::model::release::{Release, Side};
use serde::Serialize;

/// How a release is shipped to an env.
pub struct Shipping {
    pub action: Action,
    /// Replace what someone else deployed to the env meanwhile.
    pub force: bool,
    pub create_branch: bool,
    /// Stop once the commit is pushed.
    pub no_wait: bool,
    pub wait: Wait,
    /// Ship a release older than the one the env runs.
    pub allow_downgrade: bool,
}

/// How a release reaches an env, from its strategy and what the env holds.
enum Plan {
    Plain,
    /// A canary or blue-green release beside the stable one.
    Strategy(Box<Stable>, StrategyKind),
}

/// What an operation that ships commits reports.
pub enum Report {
    Shipped(Shipped),
    /// A canary or blue-green release left at a step (`--no-wait`): that step's commit.
    Stopped {
        commit: String,
    },
    /// The canary stopped on request: the stable version that runs alone again.
    Returned {
        stable_version: String,
    },
    /// A canary or blue-green release whose rollout or analysis failed, aborted to the
    /// stable version: the command fails with `error` after the report.
    Aborted(Aborted),
}

/// A release aborted to the stable version.
#[derive(Serialize)]
pub struct Aborted {
    pub env: String,
    /// Always true: tells this report from a shipped one.
    pub aborted: bool,
    pub cause: String,
    /// The stable version that runs again.
    pub version: String,
    pub measurements: Vec<Measurement>,
    #[serde(skip)]
    pub error: CliError,
}

/// A release pushed (and, unless told not to wait, healthy) in an env.
#[derive(Serialize)]
pub struct Shipped {
    pub env: String,
    pub app: String,
    pub version: String,
    pub action: &'static str,
    pub commit: String,
    /// False when the env already held this release.
    pub changed: bool,
    pub dir: String,
    /// The revision the engine applied, when forge waited for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied: Option<String>,
    /// What a canary's or blue-green's analysis measured.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub measurements: Vec<Measurement>,
}

impl Report {
    /// stdout: the commit (or version) as text, or the release as data; an aborted release
    /// is the command's error.
    pub fn emit(self, data: Option<crate::ui::DataFormat>) -> Result<(), CliError> {
        match (self, data) {
            (Report::Shipped(shipped), Some(data)) => crate::ui::emit_data(data, &shipped),
            (Report::Shipped(Shipped { commit, .. }) | Report::Stopped { commit }, _) => {
                crate::ui::emit(&format!("{commit}\n"))
            }
            (Report::Returned { stable_version }, _) => {
                crate::ui::emit(&format!("{stable_version}\n"))
            }
            (Report::Aborted(aborted), _) => {
                if let Some(data) = data {
                    crate::ui::emit_data(data, &aborted)?;
                }
                Err(aborted.error)
            }
        }
    }
}

/// Ships `opened` to `env` (deploy and promote): checks the bundle against the env's policy,
/// keeps a copy, then runs the plan.
pub fn release(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    opened: &OpenedBundle,
    shipping: &Shipping,
) -> Result<Report, CliError> {
    super::freeze::refuse_if_frozen(loaded, env, repo)?;
    let signed = check_signature(loaded, env, opened)?;
    // What the env holds, read once: the downgrade check and the plan both judge it.
    let current = Current::read(repo, &loaded.config.env_path(&env.name.value))?;
    if !shipping.allow_downgrade
        && let Some(running) = &current.release
    {
        refuse_downgrade(
            loaded,
            env,
            repo,
            &running.version,
            &opened.extracted.verified.manifest.version,
        )?;
    }
    keep(ctx, opened);
    match plan(ctx, env, current, shipping)? {
        Plan::Strategy(stable, kind) => {
            rollout::start(ctx, loaded, env, repo, (signed, kind), shipping, *stable)
        }
        Plan::Plain => {
            let rendered = render_env(ctx, loaded, env, opened, signed.signer)?;
            let release = rendered.release.clone();
            let dir = loaded.config.env_path(&env.name.value);
            if !shipping.no_wait {
                preflight(&shipping.wait, env)?;
            }
            ctx.ui.status(
                "Committing",
                format!("{} {} to {dir}", loaded.config.app.value, release.version),
            );
            let published = publish(
                repo,
                &PublishRequest {
                    force: shipping.force,
                    create_branch: shipping.create_branch,
                    ..PublishRequest::new(&dir, rendered.files, &release, shipping.action)
                },
            )?;
            conclude(ctx, loaded, env, repo, &release, &published, shipping).map(Report::Shipped)
        }
    }
}

/// Refuses (exit 2) to move `env` to a version older than the one it runs: going back is
/// `forge rollback`'s, which says so in history and skips the gates a new release passes.
fn refuse_downgrade(
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    running: &str,
    version: &str,
) -> Result<(), CliError> {
    let name = &env.name.value;
    let mut order = crate::model::version::order(version, running, &[]);
    if order.is_none() {
        // Not both semver: the env's own history orders them.
        let history = parse_log(&repo.log()?, &loaded.config.app.value, name, usize::MAX);
        let past: Vec<&str> = history.iter().map(|entry| entry.version.as_str()).collect();
        order = crate::model::version::order(version, running, &past);
    }
    if order != Some(std::cmp::Ordering::Less) {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "{name} runs {running}, which is newer than {version}: shipping {version} would be a downgrade"
    ))
    .with_hint(format!(
        "`forge rollback {name} --to {version}` is the way back; or pass --allow-downgrade"
    )))
}

/// A canary or blue-green strategy runs beside the env's release; without one to run beside
/// (a first release), the release is shipped plainly. An env whose strategy is no longer
/// blue-green while its release is settled on the preview side is released blue-green once
/// more, switching back to the app's own names: a plain commit would point the live Services
/// at pods that only start.
fn plan(
    ctx: &Context,
    env: &Environment,
    current: Current,
    shipping: &Shipping,
) -> Result<Plan, CliError> {
    let kind = match env.strategy.kind {
        kind @ (StrategyKind::Canary | StrategyKind::BlueGreen) => kind,
        _ if current.settled_side() == Some(Side::Preview) => {
            ctx.ui.status(
                "Note",
                format!(
                    "{} runs under blue-green's -preview names: this release switches back to the app's own names blue-green; the env's strategy applies from the next one",
                    env.name.value
                ),
            );
            StrategyKind::BlueGreen
        }
        _ => return Ok(Plan::Plain),
    };
    if !shipping.no_wait {
        preflight(&shipping.wait, env)?;
    }
    match current.into_stable(&env.name.value)? {
        Some(stable) => Ok(Plan::Strategy(Box::new(stable), kind)),
        None => {
            ctx.ui.status(
                "Note",
                "no stable release to run a canary beside: shipping it plainly",
            );
            Ok(Plan::Plain)
        }
    }
}

/// After the push: say what happened, wait for the commit (unless told not to) and report
/// it. A failed rollout is rolled back when it changed something and the action may be
/// undone (a rollback is not rolled back).
pub(super) fn conclude(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    release: &Release,
    published: &Published,
    shipping: &Shipping,
) -> Result<Shipped, CliError> {
    let name = &env.name.value;
    let app = &loaded.config.app.value;
    let (commit, changed) = match published {
        Published::Committed {
            commit,
            previous_version,
            attempts,
        } => {
            let from = previous_version
                .as_deref()
                .map(|v| format!(" (was {v})"))
                .unwrap_or_default();
            let tries = if *attempts > 1 {
                format!(" after {attempts} attempts")
            } else {
                String::new()
            };
            ctx.ui.status(
                "Pushed",
                format!("{} to {name}{from}{tries}", crate::engine::short(commit)),
            );
            (commit, true)
        }
        Published::AlreadyDeployed { commit } => {
            ctx.ui.status(
                "Unchanged",
                format!("{app} {} is already deployed to {name}", release.version),
            );
            (commit, false)
        }
    };
    let applied = if shipping.no_wait {
        None
    } else {
        let outcome = wait_for(ctx, loaded, env, repo, commit, &shipping.wait)?;
        Some(settle(
            ctx,
            loaded,
            env,
            repo,
            Settling {
                commit,
                version: &release.version,
                may_roll_back: changed && shipping.action != Action::Rollback,
                wait: &shipping.wait,
            },
            outcome,
        )?)
    };
    if let Some(revision) = &applied {
        report_to_github(ctx, shipping.action, name, &release.version, revision);
    }
    Ok(Shipped {
        env: name.clone(),
        app: app.clone(),
        version: release.version.clone(),
        action: shipping.action.as_str(),
        commit: commit.clone(),
        changed,
        dir: loaded.config.env_path(name),
        applied,
        measurements: Vec::new(),
    })
}

/// In GitHub Actions: a notice on the run and a line in the job summary.
fn report_to_github(ctx: &Context, action: Action, env: &str, version: &str, revision: &str) {
    if !ctx.env.github_actions {
        return;
    }
    let short = crate::engine::short(revision);
    ctx.ui.line(crate::ui::github::notice(&format!(
        "{} {version} to {env}: healthy at {short}",
        action.as_str()
    )));
    if let Some(path) = &ctx.env.github_summary {
        crate::ui::github::append_summary(
            path,
            &format!(
                "### forge {} {env}\n\n| env | version | commit | result |\n|---|---|---|---|\n| {env} | {} | `{short}` | healthy |\n\n",
                action.as_str(),
                crate::ui::github::cell(version)
            ),
        );
    }
}
