//! The command-line surface: global flags, the command tree, and the dispatch to
//! `commands/`. Each command's own arguments live beside its code there; nothing in
//! `commands/` looks back up here.

use crate::commands;
use crate::context::{Context, ProcessEnv};
use crate::error::{CliError, ExitCode};
use crate::ui::{ColorChoice, OutputFormat, TerminalFacts, Ui};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;

const HELP_WIDTH: usize = 100;

/// GitOps-first deployments: signed bundles, rendered overlays, commits that Flux and Argo CD apply.
#[derive(Debug, Parser)]
#[command(name = "forge", version, about, after_help = ExitCode::help_text(HELP_WIDTH), max_term_width = HELP_WIDTH)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Path to forge.yaml.
    #[arg(
        short = 'C',
        long = "config",
        global = true,
        env = "FORGE_CONFIG",
        value_name = "PATH",
        default_value = "forge.yaml"
    )]
    pub config: PathBuf,
    /// Format of stdout; wide is text with more columns (forge status).
    #[arg(short, long, global = true, env = "FORGE_OUTPUT", value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// Print no progress or status lines (errors and warnings still go to stderr).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More log output on stderr (-v info, -vv debug); FORGE_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Never prompt: accept defaults and confirm protected actions.
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole flow on a built-in sample app and a local sandbox cluster.
    Demo(commands::demo::DemoArgs),
    /// Write a forge.yaml for this project.
    Init(commands::init::InitArgs),
    /// Check or print forge.yaml.
    #[command(subcommand)]
    Config(commands::config::ConfigCommand),
    /// Build, inspect, sign and verify bundles.
    #[command(subcommand)]
    Bundle(commands::bundle::BundleCommand),
    /// Print the Flux or Argo CD objects that make the cluster apply each environment.
    Bootstrap(commands::bootstrap::BootstrapArgs),
    /// Write an environment's rendered overlay into a directory.
    Render(commands::render::RenderArgs),
    /// Show what `forge deploy` would change in the env repo.
    Diff(commands::diff::DiffArgs),
    /// Commit an environment's release to the env repo, wait until it is applied and healthy.
    Deploy(commands::deploy::DeployArgs),
    /// Ship what one environment runs to the next, once its gates hold.
    Promote(commands::promote::PromoteArgs),
    /// Return an environment to an earlier release, with a new commit.
    Rollback(commands::rollback::RollbackArgs),
    /// Wait until the commit that last changed an environment is applied and healthy.
    Wait(commands::wait::WaitCommandArgs),
    /// Look at, resume, abort or promote a canary or blue-green release in progress.
    #[command(subcommand)]
    Canary(commands::canary::CanaryCommand),
    /// Show each environment: version in git, what is applied, health, drift, blocking gates.
    Status(commands::status::StatusArgs),
    /// List the deploys of an environment, from the env repo's commit trailers.
    History(commands::history::HistoryArgs),
    /// Show the recent Kubernetes events of an environment's workloads.
    Events(commands::events::EventsArgs),
    /// Print the pod logs of an environment's workloads.
    Logs(commands::logs::LogsArgs),
    /// Refuse deploys and promotions into an environment (rollbacks still go), with a reason.
    Freeze(commands::freeze::FreezeArgs),
    /// Lift an environment's freeze.
    Unfreeze(commands::unfreeze::UnfreezeArgs),
    /// Create a signing key pair (cosign-compatible).
    Keygen(commands::keygen::KeygenArgs),
    /// Run a local stand-in cluster with Flux or Argo CD behaviour, for trying forge.
    #[command(subcommand)]
    Sandbox(commands::sandbox::SandboxCommand),
    /// Print a shell completion script.
    Completions(commands::completions::CompletionsArgs),
}

impl Cli {
    /// The command tree as `--help` shows it (with each command's examples) and as dynamic
    /// completion walks it (with completers that know the project).
    pub fn tree() -> clap::Command {
        commands::complete::add_to(commands::examples::add_to(Cli::command()))
    }

    /// The command line, parsed against [`Cli::tree`]; a usage error exits 2, as clap does.
    pub fn parse_args() -> Cli {
        let matches = Cli::tree().get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit())
    }

    /// Everything a command needs besides its own arguments, resolved once.
    pub fn context(&self, facts: &TerminalFacts, env: ProcessEnv) -> Context {
        let global = &self.global;
        Context {
            config_path: global.config.clone(),
            output: global.output,
            yes: global.yes,
            ui: Ui::new(facts, global.quiet, global.color),
            env,
        }
    }

    pub fn run(self, ctx: &Context) -> Result<(), CliError> {
        crate::fs::scratch::sweep_stale();
        match self.command {
            Command::Demo(args) => commands::demo::run(ctx, args),
            Command::Init(args) => commands::init::run(ctx, args),
            Command::Config(command) => commands::config::run(ctx, command),
            Command::Bundle(command) => commands::bundle::run(ctx, command),
            Command::Keygen(args) => commands::keygen::run(ctx, args),
            Command::Sandbox(command) => commands::sandbox::run(ctx, command),
            Command::Bootstrap(args) => commands::bootstrap::run(ctx, args),
            Command::Render(args) => commands::render::run(ctx, args),
            Command::Diff(args) => commands::diff::run(ctx, args),
            Command::Deploy(args) => commands::deploy::run(ctx, args),
            Command::History(args) => commands::history::run(ctx, args),
            Command::Events(args) => commands::events::run(ctx, args),
            Command::Logs(args) => commands::logs::run(ctx, args),
            Command::Freeze(args) => commands::freeze::run(ctx, args),
            Command::Unfreeze(args) => commands::unfreeze::run(ctx, args),
            Command::Status(args) => commands::status::run(ctx, args),
            Command::Promote(args) => commands::promote::run(ctx, args),
            Command::Rollback(args) => commands::rollback::run(ctx, args),
            Command::Wait(args) => commands::wait::run(ctx, args),
            Command::Canary(command) => commands::canary::run(ctx, command),
            Command::Completions(args) => commands::completions::run(args, Cli::command()),
        }
    }
}

#[cfg(test)]
mod examples_tests {
    use super::*;
    use crate::commands::examples::EXAMPLES;

    /// Every command a user can run: the leaves of the tree.
    fn leaves(command: &clap::Command, prefix: &str, found: &mut Vec<String>) {
        let children: Vec<&clap::Command> = command
            .get_subcommands()
            .filter(|c| c.get_name() != "help")
            .collect();
        if children.is_empty() {
            found.push(prefix.trim().to_string());
        }
        for child in children {
            leaves(child, &format!("{prefix} {}", child.get_name()), found);
        }
    }

    /// Words as a shell splits them: on spaces, except inside double quotes.
    fn shell_words(text: &str) -> Vec<String> {
        let mut words = vec![String::new()];
        let mut quoted = false;
        for c in text.chars() {
            match c {
                '"' => quoted = !quoted,
                ' ' if !quoted => words.push(String::new()),
                c => words.last_mut().unwrap().push(c),
            }
        }
        words.retain(|word| !word.is_empty());
        words
    }

    #[test]
    fn every_command_has_two_or_more_examples_that_parse() {
        let tree = Cli::tree();
        let mut commands = Vec::new();
        leaves(&tree, "", &mut commands);
        for command in &commands {
            let examples = EXAMPLES
                .iter()
                .find(|(path, _)| path == command)
                .map_or(&[][..], |(_, examples)| *examples);
            assert!(examples.len() >= 2, "`forge {command}` needs examples");
        }
        for (path, examples) in EXAMPLES {
            assert!(
                commands.iter().any(|c| c == path),
                "no command `forge {path}`"
            );
            for example in *examples {
                // Indented by two in a help 100 columns wide: longer would wrap mid-command.
                assert!(
                    example.chars().count() <= 96,
                    "too long for --help: {example}"
                );
                // What the shell hands forge: the words before any pipe or redirection,
                // without an environment assignment in front.
                let command = example.split(['|', '>']).next().unwrap_or_default();
                let words: Vec<String> = shell_words(command)
                    .into_iter()
                    .skip_while(|word| word.contains('=') && !word.starts_with('-'))
                    .collect();
                assert_eq!(
                    words.first().map(String::as_str),
                    Some("forge"),
                    "{example}"
                );
                let parsed = tree.clone().try_get_matches_from(&words);
                assert!(
                    parsed.is_ok(),
                    "`{example}` does not parse: {:?}",
                    parsed.err()
                );
            }
        }
    }
}
