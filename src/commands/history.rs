//! `forge history ENV`: the deploys of an environment, read back from commit trailers.

use super::Context;
use crate::envrepo::EnvRepo;
use crate::envrepo::trailers::parse_log;
use crate::error::CliError;
use crate::ship::environment;
use clap::Args;
use std::fmt::Write as _;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Environment, as named in forge.yaml.
    pub env: String,
    /// Show at most this many entries.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

pub fn run(ctx: &Context, args: HistoryArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    environment(&loaded, &args.env)?;
    let repo = EnvRepo::open(ctx.repo_settings(&loaded))?;
    let log = repo.log()?;
    let entries = parse_log(&log, &loaded.config.app.value, &args.env, args.limit);
    if let Some(data) = ctx.data() {
        return crate::ui::emit_data(data, &entries);
    }
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{:<20}  {:<9}  {:<20}  {:<12}  AUTHOR",
        "VERSION", "ACTION", "TIME", "COMMIT"
    );
    for entry in &entries {
        let _ = writeln!(
            text,
            "{:<20}  {:<9}  {:<20}  {:<12}  {}",
            entry.version,
            entry.action,
            entry.time,
            &entry.commit[..12.min(entry.commit.len())],
            entry.author
        );
    }
    crate::ui::emit(&text)
}
