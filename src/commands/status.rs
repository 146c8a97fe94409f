//! `forge status [ENV…]`: one row per env — the version git holds, what the engine applied,
//! sync and health, workloads ready, drift, the last deploy, and which promotion gate blocks.

use super::Context;
use super::steps::environment;
use super::wait::observe_env;
use crate::config::Environment;
use crate::decide::Verdict;
use crate::engine::Observation;
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::read_release;
use crate::envrepo::trailers::{HistoryEntry, parse_log};
use crate::error::{CliError, ExitCode};
use crate::gate::{GateCheck, blocking};
use crate::render::overlay::Release;
use clap::Args;
use serde::Serialize;
use std::collections::BTreeMap;
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    env: String,
    version: Option<String>,
    /// The commit that last changed the env dir.
    commit: Option<String>,
    /// A canary or blue-green release in progress: its step and weight.
    canary: Option<crate::render::overlay::CanaryState>,
    #[serde(flatten)]
    observed: Option<Observation>,
    healthy: bool,
    /// Why the cluster could not be read, or what is pending.
    problem: Option<String>,
    last_deploy: Option<HistoryEntry>,
    /// For envs promoted from another: the gate that holds the next promotion back.
    blocked_by: Option<GateCheck>,
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
    let repo = EnvRepo::open(ctx.repo_settings(&loaded))?;
    let tip = repo.fetch()?;
    let log = match &tip {
        Some(_) => repo.log()?,
        None => String::new(),
    };
    let app = &loaded.config.app.value;
    let mut rows = Vec::new();
    let mut health: BTreeMap<String, (Option<Release>, Option<Verdict>)> = BTreeMap::new();
    for env in &envs {
        let name = &env.name.value;
        let dir = loaded.config.env_path(name);
        let last_deploy = parse_log(&log, app, name, 1).into_iter().next();
        let release = match &tip {
            Some(tip) => read_release(&repo, &tip.commit, &dir)?,
            None => None,
        };
        let commit = last_deploy.as_ref().map(|entry| entry.commit.clone());
        let (observed, problem) = match &commit {
            Some(commit) => {
                match observe_env(ctx, &loaded, env, &repo, commit, args.context.as_deref()) {
                    Ok(observation) => {
                        let problem = match &observation.verdict {
                            Verdict::Done => None,
                            Verdict::Pending(text) | Verdict::Failed(text) => Some(text.clone()),
                        };
                        (Some(observation), problem)
                    }
                    Err(err) => (None, Some(err.message)),
                }
            }
            None => (None, Some("nothing deployed".into())),
        };
        let verdict = observed.as_ref().map(|o| o.verdict.clone());
        health.insert(name.clone(), (release.clone(), verdict.clone()));
        rows.push(Row {
            env: name.clone(),
            canary: release.as_ref().and_then(|r| r.strategy.canary.clone()),
            version: release.map(|r| r.version),
            commit,
            healthy: verdict == Some(Verdict::Done),
            observed,
            problem,
            last_deploy,
            blocked_by: None,
        });
    }
    for (row, env) in rows.iter_mut().zip(&envs) {
        let Some(from) = env.promote_from.as_ref().map(|f| f.value.clone()) else {
            continue;
        };
        let Some(from_env) = loaded.config.environment(&from) else {
            continue;
        };
        let (release, verdict) = match health.get(&from).cloned() {
            Some(known) => known,
            None => {
                let release = match &tip {
                    Some(tip) => read_release(&repo, &tip.commit, &loaded.config.env_path(&from))?,
                    None => None,
                };
                let last = parse_log(&log, app, &from, 1).into_iter().next();
                let verdict = last.and_then(|entry| {
                    observe_env(
                        ctx,
                        &loaded,
                        from_env,
                        &repo,
                        &entry.commit,
                        args.context.as_deref(),
                    )
                    .ok()
                    .map(|o| o.verdict)
                });
                (release, verdict)
            }
        };
        if release.as_ref().map(|r| &r.version) == row.version.as_ref() {
            continue;
        }
        let checks = crate::gate::promotion(
            &crate::gate::Source {
                env: &from,
                release: release.as_ref(),
                health: verdict.as_ref(),
            },
            &crate::gate::Rules {
                require_healthy: env.gates.require_healthy,
                soak: env.gates.soak.map(|d| d.0),
            },
            crate::time::now_precise(),
        );
        row.blocked_by = blocking(&checks).cloned();
    }
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
