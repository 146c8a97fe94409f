//! One module per command. Each resolves its settings and calls named steps from the library;
//! [`run`] dispatches.

pub mod bundle;
pub mod completions;
pub mod config;
pub mod init;
pub mod keygen;
pub mod render;
pub mod steps;

use crate::cli::{Cli, Command};
use crate::config::Loaded;
use crate::error::CliError;
use crate::ui::{OutputFormat, TerminalFacts, Ui};
use std::path::PathBuf;

/// Process environment variables forge reads, gathered once at start-up.
#[derive(Clone, Debug, Default)]
pub struct ProcessEnv {
    pub source_date_epoch: Option<String>,
    pub key_password: Option<String>,
}

impl ProcessEnv {
    pub fn read() -> Self {
        ProcessEnv {
            source_date_epoch: std::env::var("SOURCE_DATE_EPOCH")
                .ok()
                .filter(|v| !v.is_empty()),
            key_password: std::env::var("FORGE_KEY_PASSWORD").ok(),
        }
    }
}

/// Everything a command needs besides its own arguments, resolved once.
pub struct Context {
    pub config_path: PathBuf,
    pub output: OutputFormat,
    pub yes: bool,
    pub ui: Ui,
    pub env: ProcessEnv,
}

impl Context {
    pub fn new(cli: &Cli, facts: &TerminalFacts, env: ProcessEnv) -> Self {
        let global = &cli.global;
        Context {
            config_path: global.config.clone(),
            output: global.output,
            yes: global.yes,
            ui: Ui::new(facts, global.quiet, global.color),
            env,
        }
    }

    pub fn load_config(&self) -> Result<Loaded, CliError> {
        Ok(Loaded::load(&self.config_path)?)
    }

    pub fn json(&self) -> bool {
        self.output == OutputFormat::Json
    }

    /// The key passphrase: FORGE_KEY_PASSWORD, else a prompt on a terminal.
    pub fn passphrase(&self, prompt: &str, confirm: bool) -> Result<String, CliError> {
        match &self.env.key_password {
            Some(password) => Ok(password.clone()),
            None => self.ui.prompt_password(prompt, confirm).map_err(|err| {
                err.with_hint("set FORGE_KEY_PASSWORD when running without a terminal")
            }),
        }
    }
}

pub fn run(cli: Cli, ctx: &Context) -> Result<(), CliError> {
    match cli.command {
        Command::Init(args) => init::run(ctx, args),
        Command::Config(command) => config::run(ctx, command),
        Command::Bundle(command) => bundle::run(ctx, command),
        Command::Keygen(args) => keygen::run(ctx, args),
        Command::Render(args) => render::run(ctx, args),
        Command::Completions(args) => completions::run(args),
    }
}
