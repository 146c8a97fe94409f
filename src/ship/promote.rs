//! Promotion: ship what one env runs to the next once the gates hold — the source healthy at
//! exactly that version, soaked long enough, the bundle's signature good for the target's
//! policy, a protected target confirmed — then wait as a deploy does.

use super::bundle::open_release;
use super::release::{Report, Shipping, release};
use super::wait::{Wait, observe_env};
use crate::config::{Environment, Loaded};
use crate::context::Context;
use crate::decide::Verdict;
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::read_release;
use crate::envrepo::trailers::{Action, parse_log};
use crate::error::{CliError, ExitCode};
use crate::gate::{GateCheck, Rules, Source, blocking, promotion};
use crate::model::release::Release;
use std::path::PathBuf;

/// What `forge promote` asks for.
pub struct Request {
    /// The release's bundle, when it is not kept in forge's cache (its digest must match).
    pub bundle: Option<PathBuf>,
    pub no_wait: bool,
    /// Replace what someone else deployed to the target meanwhile.
    pub force: bool,
    pub wait: Wait,
    /// Take the release from an env that is not upstream of the target.
    pub from_anywhere: bool,
    /// Ship it even when the target runs a newer version.
    pub allow_downgrade: bool,
}

/// Promotes `from`'s release to `to`.
pub fn promote(
    ctx: &Context,
    loaded: &Loaded,
    from: &Environment,
    to: &Environment,
    request: Request,
) -> Result<Report, CliError> {
    let (from_name, to_name) = (&from.name.value, &to.name.value);
    if from_name == to_name {
        return Err(CliError::usage("cannot promote an environment to itself"));
    }
    let chain = loaded.config.promotion_chain(to_name);
    if !request.from_anywhere && !chain.contains(&from_name.as_str()) {
        return Err(CliError::usage(format!(
            "cannot promote {from_name} to {to_name}: {to_name} takes releases along {}",
            chain.join(" → ")
        ))
        .with_hint(format!(
            "promote from an env upstream of {to_name}, or pass --from-anywhere to ship \
             {from_name}'s release to {to_name} anyway"
        )));
    }
    let app = &loaded.config.app.value;
    let repo = EnvRepo::open(ctx.repo_settings(loaded))?;
    let tip = repo.fetch()?;
    let from_dir = loaded.config.env_path(from_name);
    let current = match &tip {
        Some(tip) => read_release(&repo, &tip.commit, &from_dir)?,
        None => None,
    };
    let health = match (&current, to.gates.require_healthy) {
        (Some(_), true) => {
            let last = parse_log(&repo.log()?, app, from_name, 1);
            let commit = last.first().map(|e| e.commit.clone()).unwrap_or_default();
            let observed = observe_env(
                ctx,
                loaded,
                from,
                &repo,
                &commit,
                request.wait.context.as_deref(),
            )?;
            Some(observed.verdict)
        }
        _ => None,
    };
    let checks = gates(from_name, current.as_ref(), health.as_ref(), to);
    for check in &checks {
        ctx.ui.status(
            if check.passed { "Gate" } else { "Blocked" },
            format!("{}: {}", check.gate, check.detail),
        );
    }
    // The release gate fails when the source env runs nothing, so a release is there to
    // promote whenever no gate blocks.
    let current = match (blocking(&checks), current) {
        (None, Some(current)) => current,
        (blocked, _) => {
            let (gate, detail) = blocked.map_or(("release", "nothing deployed"), |b| {
                (b.gate, b.detail.as_str())
            });
            return Err(CliError::new(
                ExitCode::GateFailed,
                format!("cannot promote {from_name} to {to_name}: gate '{gate}' failed: {detail}"),
            )
            .with_hint(format!(
                "`forge status {from_name} {to_name}` shows where they stand"
            )));
        }
    };
    let opened = open_release(ctx, loaded, &current.bundle_digest, request.bundle)?;
    if to.protected {
        ctx.confirm(&format!(
            "Promote {app} {} from {from_name} to protected environment {to_name}?",
            current.version
        ))?;
    }
    release(
        ctx,
        loaded,
        to,
        &repo,
        &opened,
        &Shipping {
            action: Action::Promote,
            force: request.force,
            create_branch: false,
            no_wait: request.no_wait,
            wait: request.wait,
            allow_downgrade: request.allow_downgrade,
        },
    )
}

/// The gates `to` sets for promoting `from`'s `release` (of this `health`) now.
pub(super) fn gates(
    from: &str,
    release: Option<&Release>,
    health: Option<&Verdict>,
    to: &Environment,
) -> Vec<GateCheck> {
    promotion(
        &Source {
            env: from,
            release,
            health,
        },
        &Rules {
            require_healthy: to.gates.require_healthy,
            soak: to.gates.soak.map(|d| d.0),
        },
        crate::time::now_precise(),
    )
}
