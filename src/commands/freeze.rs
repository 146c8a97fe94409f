//! `forge freeze ENV --reason TEXT`: records in the env repo that ENV is frozen (who, when,
//! why), so deploys, promotions and canary steps into it are refused until `forge unfreeze`;
//! rollbacks still go through. Prints the commit (`--output json`: the report).

use super::Context;
use crate::error::CliError;
use crate::ship::environment;
use clap::Args;

#[derive(Debug, Args)]
pub struct FreezeArgs {
    /// Environment, as named in forge.yaml.
    pub env: String,
    /// Why (one line): shown to whoever tries to deploy.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

pub fn run(ctx: &Context, args: FreezeArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let env = environment(&loaded, &args.env)?;
    let report = crate::ship::freeze::freeze(ctx, &loaded, env, &args.reason)?;
    if let Some(data) = ctx.data() {
        return crate::ui::emit_data(data, &report);
    }
    crate::ui::emit(&format!("{}\n", report.commit))
}
