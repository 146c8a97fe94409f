//! `forge bundle build|inspect|verify|sign|list`.

pub mod build;
pub mod inspect;
pub mod list;
pub mod sign;
pub mod verify;

use super::Context;
use crate::error::CliError;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Pack the app's source into a deterministic <app>-<version>.forge.tar.zst.
    Build(build::BuildArgs),
    /// Show a bundle's manifest (after checking every entry).
    Inspect(inspect::InspectArgs),
    /// Check a bundle's digests and, given a key, its signature (exit 0, 2 or 6).
    Verify(verify::VerifyArgs),
    /// Sign a bundle with a key, writing BUNDLE.sigstore.json.
    Sign(sign::SignArgs),
    /// List the bundles in dist/ and the bundle cache: version, digest, signer, envs running it.
    List(list::ListArgs),
}

pub fn run(ctx: &Context, command: BundleCommand) -> Result<(), CliError> {
    match command {
        BundleCommand::Build(args) => build::run(ctx, args),
        BundleCommand::Inspect(args) => inspect::run(ctx, args),
        BundleCommand::Verify(args) => verify::run(ctx, args),
        BundleCommand::Sign(args) => sign::run(ctx, args),
        BundleCommand::List(args) => list::run(ctx, args),
    }
}
