//! `forge completions SHELL`: the completion script, generated from the command tree.

use crate::cli::Cli;
use crate::error::CliError;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate the script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: CompletionsArgs) -> Result<(), CliError> {
    crate::ui::emit(&script(args.shell))
}

/// The completion script for one shell, as `forge completions` prints it.
pub fn script(shell: Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "forge", &mut out);
    String::from_utf8(out).expect("completion scripts are UTF-8")
}
