//! `forge unfreeze ENV`: lifts the freeze `forge freeze` recorded, with a commit in the env
//! repo. Prints the commit (`--output json`: the report, with the freeze lifted).

use super::Context;
use crate::error::CliError;
use crate::ship::environment;
use clap::Args;

#[derive(Debug, Args)]
pub struct UnfreezeArgs {
    /// Environment, as named in forge.yaml.
    pub env: String,
}

pub fn run(ctx: &Context, args: UnfreezeArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let env = environment(&loaded, &args.env)?;
    let report = crate::ship::freeze::unfreeze(ctx, &loaded, env)?;
    if let Some(data) = ctx.data() {
        return crate::ui::emit_data(data, &report);
    }
    crate::ui::emit(&format!("{}\n", report.commit))
}
