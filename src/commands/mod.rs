//! One module per command. Each parses its arguments into typed settings, calls one operation
//! (most of them in [`crate::ship`]) and prints its report; [`run`] dispatches. No command
//! imports another; what several share lives in [`args`] or below `commands/`.

pub mod args;
pub mod bundle;
pub mod canary;
pub mod completions;
pub mod config;
pub mod demo;
pub mod deploy;
pub mod diff;
pub mod history;
pub mod init;
pub mod keygen;
pub mod promote;
pub mod render;
pub mod rollback;
pub mod sandbox;
pub mod status;

use crate::cli::{Cli, Command};
pub use crate::context::{Context, ProcessEnv};
use crate::error::CliError;
use crate::ui::{TerminalFacts, Ui};

/// Resolves the global flags, the terminal and the process environment once.
pub fn context(cli: &Cli, facts: &TerminalFacts, env: ProcessEnv) -> Context {
    let global = &cli.global;
    Context {
        config_path: global.config.clone(),
        output: global.output,
        yes: global.yes,
        ui: Ui::new(facts, global.quiet, global.color),
        env,
    }
}

pub fn run(cli: Cli, ctx: &Context) -> Result<(), CliError> {
    match cli.command {
        Command::Demo(args) => demo::run(ctx, args),
        Command::Init(args) => init::run(ctx, args),
        Command::Config(command) => config::run(ctx, command),
        Command::Bundle(command) => bundle::run(ctx, command),
        Command::Keygen(args) => keygen::run(ctx, args),
        Command::Sandbox(command) => sandbox::run(ctx, command),
        Command::Render(args) => render::run(ctx, args),
        Command::Diff(args) => diff::run(ctx, args),
        Command::Deploy(args) => deploy::run(ctx, args),
        Command::History(args) => history::run(ctx, args),
        Command::Status(args) => status::run(ctx, args),
        Command::Promote(args) => promote::run(ctx, args),
        Command::Rollback(args) => rollback::run(ctx, args),
        Command::Canary(command) => canary::run(ctx, command),
        Command::Completions(args) => completions::run(args),
    }
}
