//! `forge logs ENV [--since D] [--tail N]`: the logs of the env's pods, every container's
//! lines prefixed `[pod/<pod>/<container>]` as `kubectl logs --prefix` prints them — no
//! namespace or label selector to know.

use super::Context;
use crate::error::CliError;
use crate::ship::activity::Look;
use crate::ship::environment;
use clap::Args;
use std::fmt::Write as _;

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Environment, as named in forge.yaml.
    pub env: String,
    /// Only lines printed within this long (e.g. 90s, 10m, 1h).
    #[arg(long, value_name = "DURATION")]
    pub since: Option<crate::duration::Duration>,
    /// Only the last N lines of each container.
    #[arg(long, value_name = "N")]
    pub tail: Option<u32>,
    /// kubeconfig context to read (default: the env's `context`, else the current one).
    #[arg(long)]
    pub context: Option<String>,
}

pub fn run(ctx: &Context, args: LogsArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let env = environment(&loaded, &args.env)?;
    let look = Look {
        context: args.context.as_deref(),
    };
    let since = args.since.map(|since| since.0);
    let logs = crate::ship::activity::logs(ctx, &loaded, env, &look, since, args.tail)?;
    if let Some(data) = ctx.data() {
        return crate::ui::emit_data(data, &logs);
    }
    if logs.is_empty() {
        ctx.ui
            .status("Logs", format!("no pods run {}'s workloads", args.env));
        return Ok(());
    }
    let mut text = String::new();
    for log in &logs {
        if let Some(error) = &log.error {
            ctx.ui
                .warn(format_args!("pod/{}/{}: {error}", log.pod, log.container));
        }
        for line in &log.lines {
            let _ = writeln!(text, "[pod/{}/{}] {line}", log.pod, log.container);
        }
    }
    crate::ui::emit(&text)
}
