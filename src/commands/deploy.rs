//! `forge deploy ENV`: verify the bundle against the env's policy, render the env dir, commit
//! it to the env repo and push (compare-and-swap, retried on a lost race), then wait until
//! Flux or Argo CD applied that commit and its workloads are Current; a failed rollout is
//! rolled back with a new commit (`rollback: auto`).

use super::Context;
use super::steps::{BundleChoice, check_signature, environment, open_bundle, render_env};
use super::wait::{Settling, WaitArgs, settle, wait_for};
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::{PublishRequest, Published, publish};
use crate::envrepo::trailers::Action;
use crate::error::CliError;
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
    let app = &loaded.config.app.value;
    if env.protected {
        ctx.confirm(&format!(
            "Deploy {app} to protected environment {}?",
            args.env
        ))?;
    }
    let opened = open_bundle(ctx, &loaded, args.bundle)?;
    let signer = check_signature(&loaded, env, &opened)?;
    let rendered = render_env(ctx, &loaded, env, &opened, signer)?;
    let release: crate::render::overlay::Release =
        serde_json::from_slice(&rendered.files[crate::render::overlay::RELEASE_FILE])
            .expect("render writes a valid release.json");
    let dir = loaded.config.env_path(&args.env);

    let repo = EnvRepo::open(ctx.repo_settings(&loaded))?;
    ctx.ui
        .status("Committing", format!("{app} {} to {dir}", release.version));
    let published = publish(
        &repo,
        &PublishRequest {
            dir: &dir,
            files: rendered.files,
            release: &release,
            action: Action::Deploy,
            force: args.force,
            create_branch: args.create_branch,
            expect: None,
        },
    )?;
    let (commit, changed) = match &published {
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
                format!("{} to {}{from}{tries}", &commit[..12], args.env),
            );
            (commit, true)
        }
        Published::AlreadyDeployed { commit } => {
            ctx.ui.status(
                "Unchanged",
                format!(
                    "{app} {} is already deployed to {}",
                    release.version, args.env
                ),
            );
            (commit, false)
        }
    };
    let wait = if args.no_wait {
        None
    } else {
        let outcome = wait_for(ctx, &loaded, env, &repo, commit, &args.wait)?;
        Some(settle(
            ctx,
            &loaded,
            env,
            &repo,
            Settling {
                commit,
                version: &release.version,
                changed,
                wait: &args.wait,
            },
            outcome,
        )?)
    };
    if ctx.json() {
        let mut report = serde_json::json!({
            "env": args.env,
            "app": app,
            "version": release.version,
            "commit": commit,
            "changed": changed,
            "dir": dir,
        });
        if let Some(revision) = wait {
            report["applied"] = revision.into();
        }
        crate::ui::emit_json(&report)
    } else {
        crate::ui::emit(&format!("{commit}\n"))
    }
}
