//! Where each env stands: the version git holds, what the engine applied, sync and health,
//! workloads ready, drift, the last deploy, and which promotion gate blocks.

use super::wait::observe_env;
use crate::config::{Environment, Loaded};
use crate::context::Context;
use crate::decide::Verdict;
use crate::engine::Observation;
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::read_release;
use crate::envrepo::trailers::{HistoryEntry, parse_log};
use crate::error::{CliError, ExitCode};
use crate::gate::{GateCheck, blocking};
use crate::model::release::Release;
use serde::Serialize;
use std::collections::BTreeMap;

/// One env's row.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub env: String,
    pub version: Option<String>,
    /// The commit that last changed the env dir.
    pub commit: Option<String>,
    /// A canary or blue-green release in progress: its step and weight.
    pub canary: Option<crate::model::release::CanaryState>,
    #[serde(flatten)]
    pub observed: Option<Observation>,
    pub healthy: bool,
    /// The cluster could not be read: health is unknown, which is not unhealthy.
    pub unknown: bool,
    /// Why the cluster could not be read, or what is pending.
    pub problem: Option<String>,
    pub last_deploy: Option<HistoryEntry>,
    /// For envs promoted from another: the gate that holds the next promotion back.
    pub blocked_by: Option<GateCheck>,
}

/// The rows of `envs`, each observed through `context` (else the env's own).
pub fn status(
    ctx: &Context,
    loaded: &Loaded,
    envs: &[&Environment],
    context: Option<&str>,
) -> Result<Vec<Row>, CliError> {
    let repo = EnvRepo::open(ctx.repo_settings(loaded))?;
    let tip = repo.fetch()?;
    let log = match &tip {
        Some(_) => repo.log()?,
        None => String::new(),
    };
    let app = &loaded.config.app.value;
    let mut rows = Vec::new();
    let mut health: BTreeMap<String, (Option<Release>, Option<Verdict>)> = BTreeMap::new();
    for env in envs {
        let name = &env.name.value;
        let dir = loaded.config.env_path(name);
        let last_deploy = parse_log(&log, app, name, 1).into_iter().next();
        let release = match &tip {
            Some(tip) => read_release(&repo, &tip.commit, &dir)?,
            None => None,
        };
        let commit = last_deploy.as_ref().map(|entry| entry.commit.clone());
        let (observed, problem, unknown) = match &commit {
            Some(commit) => match observe_env(ctx, loaded, env, &repo, commit, context) {
                Ok(observation) => {
                    let problem = match &observation.verdict {
                        Verdict::Done => None,
                        Verdict::Pending(text) | Verdict::Failed(text) => Some(text.clone()),
                    };
                    (Some(observation), problem, false)
                }
                // A missing or misbound GitOps object is a known verdict (exit 3); anything
                // operational (unreachable, refused, no credentials) leaves health unknown.
                Err(err) => {
                    let unknown = err.code == ExitCode::Operational;
                    (None, Some(err.message), unknown)
                }
            },
            None => (None, Some("nothing deployed".into()), false),
        };
        let verdict = observed.as_ref().map(|o| o.verdict.clone());
        health.insert(name.clone(), (release.clone(), verdict.clone()));
        rows.push(Row {
            env: name.clone(),
            canary: release.as_ref().and_then(|r| r.strategy.canary.clone()),
            version: release.map(|r| r.version),
            commit,
            healthy: verdict == Some(Verdict::Done),
            unknown,
            observed,
            problem,
            last_deploy,
            blocked_by: None,
        });
    }
    for (row, env) in rows.iter_mut().zip(envs) {
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
                    observe_env(ctx, loaded, from_env, &repo, &entry.commit, context)
                        .ok()
                        .map(|o| o.verdict)
                });
                (release, verdict)
            }
        };
        if release.as_ref().map(|r| &r.version) == row.version.as_ref() {
            continue;
        }
        let checks = super::promote::gates(&from, release.as_ref(), verdict.as_ref(), env);
        row.blocked_by = blocking(&checks).cloned();
    }
    super::freeze::mark_frozen(&repo, tip.as_ref(), app, &mut rows)?;
    Ok(rows)
}
