//! `forge events` and `forge logs`: what an env's workloads have been doing, read once from
//! its cluster (the workloads found as the wait finds them).

use super::wait::{block_on, target};
use crate::cluster::{Cluster, LogRange};
use crate::config::{Environment, Loaded};
use crate::context::Context;
use crate::engine::{ContainerLog, Event};
use crate::error::CliError;
use std::time::Duration;

/// Where to look: through `context`, else the env's own (else the current one).
pub struct Look<'a> {
    pub context: Option<&'a str>,
}

/// The events about the env's objects, oldest first; only those of the last `since` when given.
pub fn events(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    look: &Look,
    since: Option<Duration>,
) -> Result<Vec<Event>, CliError> {
    // Events and logs judge no commit: the target only names the env's GitOps object.
    let target = target(ctx, loaded, env, "");
    let cutoff = since.map(|since| crate::time::now_precise() - since.as_secs_f64());
    block_on(async {
        let cluster = Cluster::connect(look.context.or(env.context.as_deref())).await?;
        Ok(crate::engine::events(&cluster, &target, cutoff).await?)
    })?
}

/// Each container's log in the env's pods: the last `tail` lines, of the last `since`.
pub fn logs(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    look: &Look,
    since: Option<Duration>,
    tail: Option<u32>,
) -> Result<Vec<ContainerLog>, CliError> {
    let target = target(ctx, loaded, env, "");
    let range = LogRange {
        tail: tail.map(i64::from),
        // The API counts whole seconds; a part of one still counts.
        since: since.map(|since| since.as_secs_f64().ceil() as i64),
        previous: false,
    };
    block_on(async {
        let cluster = Cluster::connect(look.context.or(env.context.as_deref())).await?;
        Ok(crate::engine::logs(&cluster, &target, &range).await?)
    })?
}
