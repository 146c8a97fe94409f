//! `forge deploy ENV`: verify the bundle against the env's policy, render the env dir, commit
//! it to the env repo and push (compare-and-swap, retried on a lost race), then wait until
//! Flux or Argo CD applied that commit and its workloads are Current; a failed rollout is
//! rolled back with a new commit (`rollback: auto`).

use super::Context;
use super::steps::{
    BundleChoice, OpenedBundle, check_signature, environment, keep_bundle, open_bundle, render_env,
};
use super::wait::{Settling, WaitArgs, preflight, settle, wait_for};
use crate::config::{Environment, Loaded};
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::{PublishRequest, Published, publish};
use crate::envrepo::trailers::Action;
use crate::error::CliError;
use crate::render::overlay::Release;
use clap::Args;

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// Environment to deploy to, as named in forge.yaml.
    pub env: String,
    #[command(flatten)]
    pub bundle: BundleChoice,
    /// Stop once the commit is pushed.
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
    /// Replace what someone else deployed to this env while forge was working.
    #[arg(long)]
    pub force: bool,
    /// Create the env repo's branch if it does not exist yet.
    #[arg(long)]
    pub create_branch: bool,
}

pub fn run(ctx: &Context, args: DeployArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let env = environment(&loaded, &args.env)?;
    if env.protected {
        ctx.confirm(&format!(
            "Deploy {} to protected environment {}?",
            loaded.config.app.value, args.env
        ))?;
    }
    let opened = open_bundle(ctx, &loaded, args.bundle)?;
    let repo = EnvRepo::open(ctx.repo_settings(&loaded))?;
    ship(
        ctx,
        &loaded,
        env,
        &repo,
        &opened,
        &Shipping {
            measurements: Vec::new(),
            action: Action::Deploy,
            force: args.force,
            create_branch: args.create_branch,
            no_wait: args.no_wait,
            wait: args.wait,
        },
    )
}

/// How a release is shipped to an env.
pub struct Shipping {
    /// What a canary's or blue-green's analysis measured (kept in the JSON report).
    pub measurements: Vec<crate::gate::analysis::Measurement>,
    pub action: Action,
    pub force: bool,
    pub create_branch: bool,
    pub no_wait: bool,
    pub wait: WaitArgs,
}

/// The steps deploy and promote share: check the bundle against the env's policy, render,
/// commit and push, wait (unless told not to), and print the commit (or a JSON report).
pub fn ship(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    opened: &OpenedBundle,
    shipping: &Shipping,
) -> Result<(), CliError> {
    let name = &env.name.value;
    let app = &loaded.config.app.value;
    let signer = check_signature(loaded, env, opened)?;
    keep_bundle(ctx, opened);
    if matches!(
        env.strategy.kind,
        crate::config::StrategyKind::Canary | crate::config::StrategyKind::BlueGreen
    ) {
        if !shipping.no_wait {
            preflight(&shipping.wait, env)?;
        }
        if super::canary::start(ctx, loaded, env, repo, opened, signer.clone(), shipping)?.is_some()
        {
            return Ok(());
        }
    }
    let rendered = render_env(ctx, loaded, env, opened, signer)?;
    let release = rendered.release();
    let dir = loaded.config.env_path(name);
    if !shipping.no_wait {
        preflight(&shipping.wait, env)?;
    }
    ctx.ui
        .status("Committing", format!("{app} {} to {dir}", release.version));
    let published = publish(
        repo,
        &PublishRequest {
            dir: &dir,
            files: rendered.files,
            release: &release,
            action: shipping.action,
            force: shipping.force,
            create_branch: shipping.create_branch,
            expect: None,
            canary: None,
        },
    )?;
    conclude(ctx, loaded, env, repo, &release, &published, shipping)
}

/// After the push: say what happened, wait for the commit (unless told not to) and print the
/// commit, or a JSON report. A failed rollout is rolled back when it changed something and
/// the action may be undone (a rollback is not rolled back).
pub fn conclude(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    release: &Release,
    published: &Published,
    shipping: &Shipping,
) -> Result<(), CliError> {
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
    let wait = if shipping.no_wait {
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
    if let Some(revision) = &wait {
        report_to_github(ctx, shipping.action, name, &release.version, revision);
    }
    if ctx.json() {
        let mut report = serde_json::json!({
            "env": name,
            "app": app,
            "version": release.version,
            "action": shipping.action.as_str(),
            "commit": commit,
            "changed": changed,
            "dir": loaded.config.env_path(name),
        });
        if let Some(revision) = wait {
            report["applied"] = revision.into();
        }
        if !shipping.measurements.is_empty() {
            report["measurements"] = serde_json::json!(shipping.measurements);
        }
        crate::ui::emit_json(&report)
    } else {
        crate::ui::emit(&format!("{commit}\n"))
    }
}

/// In GitHub Actions: a notice on the run and a line in the job summary.
fn report_to_github(ctx: &Context, action: Action, env: &str, version: &str, revision: &str) {
    if !ctx.env.github_actions {
        return;
    }
    let short = crate::engine::short(revision);
    eprintln!(
        "{}",
        crate::ui::github::notice(&format!(
            "{} {version} to {env}: healthy at {short}",
            action.as_str()
        ))
    );
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
