//! `forge rollback ENV [--to VERSION]`: commit an earlier release's env dir again (history is
//! never rewritten), after re-verifying its bundle signature, and wait for it.

use super::Context;
use super::args::WaitArgs;
use crate::error::CliError;
use crate::ship::{self, rollback};
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
    let env = ship::environment(&loaded, &args.env)?;
    let request = rollback::Request {
        to: args.to,
        bundle: args.bundle,
        no_wait: args.no_wait,
        wait: args.wait.into(),
    };
    rollback::rollback(ctx, &loaded, env, request)?.emit(ctx.data())
}
