//! The command-line surface: global flags and the command tree. Each command's own
//! arguments live beside its code in `commands/`.

use crate::commands;
use crate::ui::{ColorChoice, OutputFormat};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

pub const EXIT_CODES: &str = "\
Exit codes:
  0  success (including \"nothing to do\")
  1  operational failure (network, git, cluster, filesystem)
  2  usage or invalid input (bad flag, bad config, bad bundle)
  3  rollout or gate failed
  4  timed out waiting
  5  conflict (someone else changed the target concurrently)
  6  verification or policy refused (bad or missing signature)";

/// GitOps-first deployments: signed bundles, rendered overlays, commits that Flux and Argo CD apply.
#[derive(Debug, Parser)]
#[command(name = "forge", version, about, after_help = EXIT_CODES, max_term_width = 100)]
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
    /// Format of the data written to stdout.
    #[arg(long, global = true, env = "FORGE_OUTPUT", value_enum, default_value_t = OutputFormat::Text)]
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
    /// Look at, resume, abort or promote a canary or blue-green release in progress.
    #[command(subcommand)]
    Canary(commands::canary::CanaryCommand),
    /// Show each environment: version in git, what is applied, health, drift, blocking gates.
    Status(commands::status::StatusArgs),
    /// List the deploys of an environment, from the env repo's commit trailers.
    History(commands::history::HistoryArgs),
    /// Create a signing key pair (cosign-compatible).
    Keygen(commands::keygen::KeygenArgs),
    /// Run a local stand-in cluster with Flux or Argo CD behaviour, for trying forge.
    #[command(subcommand)]
    Sandbox(commands::sandbox::SandboxCommand),
    /// Print a shell completion script.
    Completions(commands::completions::CompletionsArgs),
}
