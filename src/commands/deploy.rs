//! `forge deploy ENV`: verify the bundle against the env's policy, render the env dir, commit
//! it to the env repo and push (compare-and-swap, retried on a lost race), then wait until
//! Flux or Argo CD applied that commit and its workloads are Current; a failed rollout is
//! rolled back with a new commit (`rollback: auto`).

use super::Context;
use super::args::{BundleChoice, WaitArgs};
use crate::envrepo::EnvRepo;
use crate::envrepo::trailers::Action;
use crate::error::CliError;
use crate::ship::{self, Shipping};
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
    /// Deploy a version older than the one the env runs (else exit 2: going back is
    /// `forge rollback`'s).
    #[arg(long)]
    pub allow_downgrade: bool,
}

pub fn run(ctx: &Context, args: DeployArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let env = ship::environment(&loaded, &args.env)?;
    if env.protected {
        ctx.confirm(&format!(
            "Deploy {} to protected environment {}?",
            loaded.config.app.value, args.env
        ))?;
    }
    let opened = ship::bundle::open(ctx, &loaded, args.bundle.into())?;
    let repo = EnvRepo::open(ctx.repo_settings(&loaded))?;
    let shipping = Shipping {
        action: Action::Deploy,
        force: args.force,
        create_branch: args.create_branch,
        no_wait: args.no_wait,
        wait: args.wait.into(),
        allow_downgrade: args.allow_downgrade,
    };
    ship::release(ctx, &loaded, env, &repo, &opened, &shipping)?.emit(ctx.data())
}
