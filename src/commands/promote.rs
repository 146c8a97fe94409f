//! `forge promote [FROM] TO`: ship what FROM runs to TO once the gates hold — FROM healthy
//! at exactly that version, soaked long enough, the bundle's signature good for TO's policy,
//! a protected TO confirmed — then wait as deploy does.

use super::Context;
use super::args::WaitArgs;
use crate::error::CliError;
use crate::ship::{environment, promote};
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
    /// Take the release from FROM even when it is not upstream of TO along `promoteFrom`.
    #[arg(long)]
    pub from_anywhere: bool,
    /// Ship FROM's release even when TO runs a newer version (else exit 2: going back is
    /// `forge rollback`'s).
    #[arg(long)]
    pub allow_downgrade: bool,
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
    let request = promote::Request {
        bundle: args.bundle,
        no_wait: args.no_wait,
        force: args.force,
        wait: args.wait.into(),
        from_anywhere: args.from_anywhere,
        allow_downgrade: args.allow_downgrade,
    };
    promote::promote(ctx, &loaded, from, to, request)?.emit(ctx.data())
}
