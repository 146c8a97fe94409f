//! `forge promote [FROM] TO`: ship what FROM runs to TO once the gates hold — FROM healthy
//! at exactly that version, soaked long enough, the bundle's signature good for TO's policy,
//! a protected TO confirmed — then wait as deploy does.

use super::Context;
use super::deploy::{Shipping, ship};
use super::steps::{environment, open_release_bundle};
use super::wait::{WaitArgs, observe_env};
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::read_release;
use crate::envrepo::trailers::{Action, parse_log};
use crate::error::{CliError, ExitCode};
use crate::gate::{Rules, Source, blocking, promotion};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// Source environment, or the target when only one is given (its `promoteFrom` is the
    /// source).
    #[arg(value_name = "FROM")]
    pub first: String,
    /// Target environment.
    #[arg(value_name = "TO")]
    pub second: Option<String>,
    /// The release's bundle, when it is not kept in forge's cache (its digest must match).
    #[arg(long, value_name = "BUNDLE")]
    pub bundle: Option<PathBuf>,
    /// Stop once the commit is pushed.
    #[arg(long)]
    pub no_wait: bool,
    /// Replace what someone else deployed to TO while forge was working.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub fn run(ctx: &Context, args: PromoteArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let (from_name, to_name) = match &args.second {
        Some(to) => (args.first.clone(), to.clone()),
        None => {
            let to = environment(&loaded, &args.first)?;
            let from = to.promote_from.as_ref().ok_or_else(|| {
                CliError::usage(format!("{} has no promoteFrom in forge.yaml", args.first))
                    .with_hint(format!(
                        "name the source: forge promote FROM {}",
                        args.first
                    ))
            })?;
            (from.value.clone(), args.first.clone())
        }
    };
    let from = environment(&loaded, &from_name)?;
    let to = environment(&loaded, &to_name)?;
    if from_name == to_name {
        return Err(CliError::usage("cannot promote an environment to itself"));
    }
    let app = &loaded.config.app.value;
    let repo = EnvRepo::open(ctx.repo_settings(&loaded))?;
    let tip = repo.fetch()?;
    let from_dir = loaded.config.env_path(&from_name);
    let release = match &tip {
        Some(tip) => read_release(&repo, &tip.commit, &from_dir)?,
        None => None,
    };
    let health = match (&release, to.gates.require_healthy) {
        (Some(_), true) => {
            let last = parse_log(&repo.log()?, app, &from_name, 1);
            let commit = last.first().map(|e| e.commit.clone()).unwrap_or_default();
            let observed = observe_env(
                ctx,
                &loaded,
                from,
                &repo,
                &commit,
                args.wait.context.as_deref(),
            )?;
            Some(observed.verdict)
        }
        _ => None,
    };
    let checks = promotion(
        &Source {
            env: &from_name,
            release: release.as_ref(),
            health: health.as_ref(),
        },
        &Rules {
            require_healthy: to.gates.require_healthy,
            soak: to.gates.soak.map(|d| d.0),
        },
        crate::time::now_precise(),
    );
    for check in &checks {
        ctx.ui.status(
            if check.passed { "Gate" } else { "Blocked" },
            format!("{}: {}", check.gate, check.detail),
        );
    }
    if let Some(blocked) = blocking(&checks) {
        return Err(CliError::new(
            ExitCode::GateFailed,
            format!(
                "cannot promote {from_name} to {to_name}: gate '{}' failed: {}",
                blocked.gate, blocked.detail
            ),
        )
        .with_hint(format!(
            "`forge status {from_name} {to_name}` shows where they stand"
        )));
    }
    let release = release.expect("the release gate passed");
    let opened = open_release_bundle(ctx, &loaded, &release.bundle_digest, args.bundle)?;
    if to.protected {
        ctx.confirm(&format!(
            "Promote {app} {} from {from_name} to protected environment {to_name}?",
            release.version
        ))?;
    }
    ship(
        ctx,
        &loaded,
        to,
        &repo,
        &opened,
        &Shipping {
            measurements: Vec::new(),
            action: Action::Promote,
            force: args.force,
            create_branch: false,
            no_wait: args.no_wait,
            wait: args.wait,
        },
    )
}
