//! `forge status [ENV…]`: one row per env — the version git holds, what the engine applied,
//! sync and health, workloads ready, drift, the last deploy, and which promotion gate blocks.

use super::Context;
use crate::error::{CliError, ExitCode};
use crate::ship::environments;
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
    /// Keep looking until interrupted: on a terminal the table is redrawn in place; otherwise
    /// a new one (or JSON document) is printed each time something changed.
    #[arg(short, long, conflicts_with = "check")]
    pub watch: bool,
}

/// How often `--watch` looks again.
const WATCH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);

pub fn run(ctx: &Context, args: StatusArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let envs = environments(&loaded, &args.envs)?;
    let context = args.context.as_deref();
    if args.watch {
        return watch(ctx, || {
            crate::ship::status::status(ctx, &loaded, &envs, context)
        });
    }
    let rows = crate::ship::status::status(ctx, &loaded, &envs, context)?;
    print(ctx, &rows)?;
    if args.check {
        check(&rows)?;
    }
    Ok(())
}

/// The rows on stdout (table or data), and each env's problem on stderr.
fn print(ctx: &Context, rows: &[Row]) -> Result<(), CliError> {
    if ctx.json() {
        return crate::ui::emit_json(&rows);
    }
    crate::ui::emit(&table(rows))?;
    for row in rows {
        if let Some(problem) = &row.problem {
            ctx.ui.status(&row.env, problem);
        }
    }
    Ok(())
}

/// `--watch`: the rows again every [`WATCH_INTERVAL`] until interrupted, redrawn in place on
/// a terminal, else printed whenever they changed.
fn watch(ctx: &Context, rows: impl Fn() -> Result<Vec<Row>, CliError>) -> Result<(), CliError> {
    let in_place = crate::ui::stdout_is_terminal() && !ctx.json();
    let mut shown: Option<String> = None;
    loop {
        let rows = rows()?;
        let text = if ctx.json() {
            crate::ui::json_text(&rows)
        } else {
            table(&rows)
        };
        if in_place {
            let previous = shown.as_deref().map_or(0, |text| text.lines().count());
            crate::ui::emit_over(previous, &text)?;
            shown = Some(text);
        } else if shown.as_deref() != Some(text.as_str()) {
            crate::ui::emit(&text)?;
            shown = Some(text);
        }
        std::thread::sleep(WATCH_INTERVAL);
    }
}

/// `--check`: exit 3 when an env is known not to be healthy at the version git holds, else
/// exit 1 when an env's health could not be learnt (unknown is not unhealthy).
fn check(rows: &[Row]) -> Result<(), CliError> {
    let names = |unknown: bool| -> Vec<&str> {
        rows.iter()
            .filter(|r| !r.healthy && r.unknown == unknown)
            .map(|r| r.env.as_str())
            .collect()
    };
    let (unhealthy, unknown) = (names(false), names(true));
    let unknown_note = if unknown.is_empty() {
        String::new()
    } else {
        format!("; unknown: {}", unknown.join(", "))
    };
    if !unhealthy.is_empty() {
        return Err(CliError::new(
            ExitCode::GateFailed,
            format!("not healthy: {}{unknown_note}", unhealthy.join(", ")),
        ));
    }
    if !unknown.is_empty() {
        return Err(CliError::operational(format!(
            "health unknown: {} (the cluster could not be read)",
            unknown.join(", ")
        ))
        .with_hint("check the kubeconfig context and that the cluster is reachable"));
    }
    Ok(())
}

const HEADERS: [&str; 9] = [
    "ENV", "VERSION", "APPLIED", "SYNC", "HEALTH", "READY", "DRIFT", "DEPLOYED", "BLOCKED",
];

/// The rows as a table whose columns are as wide as their widest cell.
fn table(rows: &[Row]) -> String {
    let cells: Vec<[String; 9]> = rows.iter().map(cells).collect();
    let mut widths = HEADERS.map(str::len);
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(HEADERS.map(String::from)).chain(cells) {
        let mut line = String::new();
        for (column, cell) in row.iter().enumerate() {
            if column + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<width$}  ", width = widths[column]);
            }
        }
        let _ = writeln!(text, "{}", line.trim_end());
    }
    text
}

fn cells(row: &Row) -> [String; 9] {
    let dash = || "-".to_string();
    let observed = row.observed.as_ref();
    let unknown = || "unknown".to_string();
    [
        row.env.clone(),
        match (&row.version, &row.canary) {
            (Some(version), Some(canary)) => format!("{version}@{}%", canary.weight),
            (Some(version), None) => version.clone(),
            (None, _) => dash(),
        },
        observed
            .and_then(|o| o.applied.as_deref())
            .map(|a| crate::engine::short(a).to_string())
            .unwrap_or_else(dash),
        observed.map(|o| o.sync.clone()).unwrap_or_else(unknown),
        observed.map(|o| o.health.clone()).unwrap_or_else(unknown),
        observed
            .map(|o| format!("{}/{}", o.ready, o.total))
            .unwrap_or_else(dash),
        observed
            .map(|o| if o.drift { "yes" } else { "no" }.to_string())
            .unwrap_or_else(dash),
        row.last_deploy
            .as_ref()
            .map(|d| format!("{} {}", d.time, d.author.split(" <").next().unwrap_or("")))
            .unwrap_or_else(dash),
        row.blocked_by
            .as_ref()
            .map(|g| format!("{}: {}", g.gate, g.detail))
            .unwrap_or_else(dash),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(env: &str, version: &str) -> Row {
        Row {
            env: env.into(),
            version: Some(version.into()),
            commit: None,
            canary: None,
            observed: None,
            healthy: false,
            unknown: true,
            problem: None,
            last_deploy: None,
            blocked_by: None,
        }
    }

    #[test]
    fn columns_line_up_for_any_name_length() {
        let text = table(&[
            row("dev", "1.0.0"),
            row("production-eu-west-1-canary", "2024.11.30-rc.1+build.77"),
        ]);
        let lines: Vec<&str> = text.lines().collect();
        let column = |line: &str, nth: usize| {
            let mut at = 0;
            let mut words = 0;
            let bytes = line.as_bytes();
            for i in 1..bytes.len() {
                if bytes[i] != b' ' && bytes[i - 1] == b' ' {
                    words += 1;
                    if words == nth {
                        at = i;
                    }
                }
            }
            at
        };
        for nth in 1..=4 {
            let starts: Vec<usize> = lines.iter().map(|line| column(line, nth)).collect();
            assert!(
                starts.windows(2).all(|w| w[0] == w[1]),
                "column {nth} starts at {starts:?} in\n{text}"
            );
        }
        assert!(lines[2].starts_with("production-eu-west-1-canary  2024.11.30-rc.1+build.77  -"));
    }
}
