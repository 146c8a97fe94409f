//! The operations layer (cargo's `ops`): what a command asks for, done with the adapters
//! below — [`release`] a bundle to an env (plainly, as a canary or blue-green), promote it,
//! roll back, wait for a commit (its own or, re-attaching, the env's latest), report where envs stand. Commands parse arguments into
//! these typed requests and print the typed [`Report`] they get back; nothing here knows
//! about clap, and nothing here imports `commands`.

pub mod bootstrap;
pub mod bundle;
pub mod promote;
pub mod reattach;
mod release;
pub mod rollback;
pub mod rollout;
pub mod status;
mod strategy;
pub mod wait;

pub use release::{Aborted, Report, Shipped, Shipping, release};

use crate::config::{Environment, Loaded};
use crate::error::CliError;

/// The environments named on the command line (each known), or all of them in forge.yaml's
/// order when none is named.
pub fn environments<'a>(
    loaded: &'a Loaded,
    names: &[String],
) -> Result<Vec<&'a Environment>, CliError> {
    if names.is_empty() {
        return Ok(loaded
            .config
            .environments
            .iter()
            .map(|e| &e.value)
            .collect());
    }
    names.iter().map(|name| environment(loaded, name)).collect()
}

/// The environment named on the command line, or a usage error listing the known ones.
pub fn environment<'a>(loaded: &'a Loaded, name: &str) -> Result<&'a Environment, CliError> {
    loaded.config.environment(name).ok_or_else(|| {
        CliError::usage(format!("unknown environment '{name}'")).with_hint(format!(
            "{} defines: {}",
            loaded.path.display(),
            loaded.config.env_names().join(", ")
        ))
    })
}
