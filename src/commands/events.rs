//! `forge events ENV [--since D]`: the recent Kubernetes events of the env's GitOps object and
//! of what it applied (workloads, their ReplicaSets and pods), oldest first, as `kubectl
//! events` shows them — no namespace or label selector to know.

use super::Context;
use crate::engine::Event;
use crate::error::CliError;
use crate::ship::activity::Look;
use crate::ship::environment;
use clap::Args;

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Environment, as named in forge.yaml.
    pub env: String,
    /// Only events seen within this long (e.g. 90s, 10m, 1h).
    #[arg(long, value_name = "DURATION")]
    pub since: Option<crate::duration::Duration>,
    /// kubeconfig context to read (default: the env's `context`, else the current one).
    #[arg(long)]
    pub context: Option<String>,
}

pub fn run(ctx: &Context, args: EventsArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let env = environment(&loaded, &args.env)?;
    let look = Look {
        context: args.context.as_deref(),
    };
    let since = args.since.map(|since| since.0);
    let events = crate::ship::activity::events(ctx, &loaded, env, &look, since)?;
    if let Some(data) = ctx.data() {
        return crate::ui::emit_data(data, &events);
    }
    if events.is_empty() {
        ctx.ui.status("Events", format!("none for {}", args.env));
        return Ok(());
    }
    let now = crate::time::now_precise();
    let rows: Vec<Vec<String>> = events.iter().map(|event| row(event, now)).collect();
    crate::ui::emit(&crate::ui::table::table(
        &["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        &rows,
    ))
}

/// kubectl's columns: how long ago, type, reason, object, message (with a repeat count).
fn row(event: &Event, now: f64) -> Vec<String> {
    let last_seen = match event.seen_at() {
        Some(at) => {
            let ago = std::time::Duration::from_secs((now - at).max(0.0) as u64);
            crate::duration::Duration(ago).to_string()
        }
        None => "<unknown>".to_string(),
    };
    let message = match event.count {
        0 | 1 => event.message.clone(),
        count => format!("{} (x{count})", event.message),
    };
    vec![
        last_seen,
        event.kind.clone(),
        event.reason.clone(),
        event.object.clone(),
        message,
    ]
}
