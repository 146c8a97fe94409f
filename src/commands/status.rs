//! `forge status [ENV…]`: one row per env — the version git holds, what the engine applied,
//! sync and health, workloads ready, drift, the last deploy, and which promotion gate blocks.

use super::Context;
use crate::config::Environment;
use crate::error::{CliError, ExitCode};
use crate::ship::environment;
use crate::ship::status::Row;
use clap::Args;
use std::fmt::Write as _;

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Environments to show [default: all, in forge.yaml's order]
    pub envs: Vec<String>,
    /// Exit 3 when an env is not healthy at the version git holds.
    #[arg(long)]
    pub check: bool,
    /// kubeconfig context for every env (default: each env's `context`, else the current one).
    #[arg(long)]
    pub context: Option<String>,
}

pub fn run(ctx: &Context, args: StatusArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let envs: Vec<&Environment> = if args.envs.is_empty() {
        loaded
            .config
            .environments
            .iter()
            .map(|e| &e.value)
            .collect()
    } else {
        args.envs
            .iter()
            .map(|name| environment(&loaded, name))
            .collect::<Result<_, _>>()?
    };
    let rows = crate::ship::status::status(ctx, &loaded, &envs, args.context.as_deref())?;
    let unhealthy: Vec<&str> = rows
        .iter()
        .filter(|r| !r.healthy)
        .map(|r| r.env.as_str())
        .collect();
    if ctx.json() {
        crate::ui::emit_json(&rows)?;
    } else {
        crate::ui::emit(&table(&rows))?;
        for row in &rows {
            if let Some(problem) = &row.problem {
                ctx.ui.status(&row.env, problem);
            }
        }
    }
    if args.check && !unhealthy.is_empty() {
        return Err(CliError::new(
            ExitCode::GateFailed,
            format!("not healthy: {}", unhealthy.join(", ")),
        ));
    }
    Ok(())
}

fn table(rows: &[Row]) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{:<10}  {:<12}  {:<12}  {:<22}  {:<11}  {:<5}  {:<5}  {:<24}  BLOCKED",
        "ENV", "VERSION", "APPLIED", "SYNC", "HEALTH", "READY", "DRIFT", "DEPLOYED"
    );
    for row in rows {
        let dash = || "-".to_string();
        let observed = row.observed.as_ref();
        let deployed = row
            .last_deploy
            .as_ref()
            .map(|d| format!("{} {}", d.time, d.author.split(" <").next().unwrap_or("")))
            .unwrap_or_else(dash);
        let _ = writeln!(
            text,
            "{:<10}  {:<12}  {:<12}  {:<22}  {:<11}  {:<5}  {:<5}  {:<24}  {}",
            row.env,
            match (&row.version, &row.canary) {
                (Some(version), Some(canary)) => format!("{version}@{}%", canary.weight),
                (Some(version), None) => version.clone(),
                (None, _) => dash(),
            },
            observed
                .and_then(|o| o.applied.as_deref())
                .map(|a| crate::engine::short(a).to_string())
                .unwrap_or_else(dash),
            observed
                .map(|o| o.sync.clone())
                .unwrap_or_else(|| "unknown".into()),
            observed
                .map(|o| o.health.clone())
                .unwrap_or_else(|| "unknown".into()),
            observed
                .map(|o| format!("{}/{}", o.ready, o.total))
                .unwrap_or_else(dash),
            observed
                .map(|o| if o.drift { "yes" } else { "no" }.to_string())
                .unwrap_or_else(dash),
            deployed,
            row.blocked_by
                .as_ref()
                .map(|g| format!("{}: {}", g.gate, g.detail))
                .unwrap_or_else(dash),
        );
    }
    text
}
