//! `forge status [ENV…]`: one row per env — the version git holds, what the engine applied,
//! sync and health, workloads ready, drift, the last deploy, and which promotion gate blocks.

use super::Context;
use crate::error::{CliError, ExitCode};
use crate::ship::environments;
use crate::ship::status::Row;
use crate::ui::{DataFormat, OutputFormat};
use clap::Args;

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
    if let Some(data) = ctx.data() {
        return crate::ui::emit_data(data, &rows);
    }
    crate::ui::emit(&table(rows, ctx.output == OutputFormat::Wide))?;
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
    let in_place = crate::ui::stdout_is_terminal() && ctx.data().is_none();
    let mut shown: Option<String> = None;
    loop {
        let rows = rows()?;
        let text = match ctx.data() {
            // One YAML stream: each document opens with its marker.
            Some(DataFormat::Yaml) => {
                format!("---\n{}", crate::ui::data_text(DataFormat::Yaml, &rows)?)
            }
            Some(data) => crate::ui::data_text(data, &rows)?,
            None => table(&rows, ctx.output == OutputFormat::Wide),
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
/// `-o wide` adds these: what the workloads run, the GitOps object's conditions, and each
/// workload's pods.
const WIDE_HEADERS: [&str; 3] = ["IMAGES", "CONDITIONS", "PODS"];

/// The rows as a table whose columns are as wide as their widest cell.
fn table(rows: &[Row], wide: bool) -> String {
    let mut headers = HEADERS.to_vec();
    if wide {
        headers.extend(WIDE_HEADERS);
    }
    let cells: Vec<Vec<String>> = rows.iter().map(|row| cells(row, wide)).collect();
    crate::ui::table::table(&headers, &cells)
}

fn cells(row: &Row, wide: bool) -> Vec<String> {
    let dash = || "-".to_string();
    let observed = row.observed.as_ref();
    let unknown = || "unknown".to_string();
    let mut cells = vec![
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
    ];
    if wide {
        cells.extend(wide_cells(observed));
    }
    cells
}

/// Comma-separated lists, `-` when empty: images (each once), `Type=Status` conditions, and
/// `Kind/name ready/total` per workload.
fn wide_cells(observed: Option<&crate::engine::Observation>) -> [String; 3] {
    let list = |items: Vec<String>| {
        if items.is_empty() {
            "-".to_string()
        } else {
            items.join(",")
        }
    };
    let Some(observed) = observed else {
        return ["-", "-", "-"].map(String::from);
    };
    let mut images: Vec<String> = Vec::new();
    for image in observed.workloads.iter().flat_map(|w| &w.images) {
        if !images.contains(image) {
            images.push(image.clone());
        }
    }
    let conditions = observed
        .conditions
        .iter()
        .map(|c| match &c.status {
            Some(status) => format!("{}={status}", c.kind),
            None => c.kind.clone(),
        })
        .collect();
    let pods = observed
        .workloads
        .iter()
        .map(|w| format!("{}/{} {}/{}", w.kind, w.name, w.ready, w.total))
        .collect();
    [list(images), list(conditions), list(pods)]
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
        let text = table(
            &[
                row("dev", "1.0.0"),
                row("production-eu-west-1-canary", "2024.11.30-rc.1+build.77"),
            ],
            false,
        );
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
