//! `forge canary status|resume|abort|promote ENV`: where a canary stands, and going on with
//! it, stopping it or finishing it early, from the state kept in the env repo.

use super::Context;
use super::args::WaitArgs;
use crate::error::CliError;
use crate::ship::rollout::{self, Control, ControlRequest};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum CanaryCommand {
    /// Where the canary in ENV stands (step, weight, versions).
    Status(EnvArg),
    /// Go on with an interrupted canary from the step it is at.
    Resume(ControlArgs),
    /// Return ENV to the stable version alone.
    Abort(ControlArgs),
    /// Skip the remaining steps: make the canary's version the only one now.
    Promote(ControlArgs),
}

#[derive(Debug, Args)]
pub struct EnvArg {
    /// Environment, as named in forge.yaml.
    pub env: String,
}

#[derive(Debug, Args)]
pub struct ControlArgs {
    /// Environment, as named in forge.yaml.
    pub env: String,
    /// The canary's bundle, when it is not kept in forge's cache.
    #[arg(long, value_name = "BUNDLE")]
    pub bundle: Option<std::path::PathBuf>,
    /// Stop once the commit is pushed.
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub fn run(ctx: &Context, command: CanaryCommand) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let (args, control) = match command {
        CanaryCommand::Status(args) => {
            let env = crate::ship::environment(&loaded, &args.env)?;
            let status = rollout::status(ctx, &loaded, env)?;
            return if let Some(data) = ctx.data() {
                crate::ui::emit_data(data, &status)
            } else {
                crate::ui::emit(&status.text())
            };
        }
        CanaryCommand::Resume(args) => (args, Control::Resume),
        CanaryCommand::Abort(args) => (args, Control::Abort),
        CanaryCommand::Promote(args) => (args, Control::Promote),
    };
    let env = crate::ship::environment(&loaded, &args.env)?;
    let request = ControlRequest {
        bundle: args.bundle,
        no_wait: args.no_wait,
        wait: args.wait.into(),
    };
    rollout::control(ctx, &loaded, env, control, request)?.emit(ctx.data())
}
