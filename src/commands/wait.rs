//! `forge wait ENV`: wait for the commit that last changed ENV, as deploy waits for its own.

use super::Context;
use super::args::WaitArgs;
use crate::error::CliError;
use crate::ship::{self, reattach};
use clap::Args;

#[derive(Debug, Args)]
pub struct WaitCommandArgs {
    /// Environment to wait for, as named in forge.yaml.
    pub env: String,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub fn run(ctx: &Context, args: WaitCommandArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let env = ship::environment(&loaded, &args.env)?;
    reattach::reattach(ctx, &loaded, env, &args.wait.into())?.emit(ctx.data())
}
