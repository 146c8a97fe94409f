//! `forge completions SHELL`: the completion script, generated from the command tree.

use crate::error::CliError;
use clap::Args;
use clap_complete::Shell;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate the script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `tree` is forge's whole command tree, handed down by `cli` (which this module cannot import).
pub fn run(args: CompletionsArgs, tree: clap::Command) -> Result<(), CliError> {
    crate::ui::emit(&script(args.shell, tree))
}

/// The completion script for one shell, as `forge completions` prints it.
pub fn script(shell: Shell, mut tree: clap::Command) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut tree, "forge", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
