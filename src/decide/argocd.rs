//! Argo CD: is an Application synced to the commit forge pushed, and healthy after it?
//! Works on the Kubernetes object and on `GET /api/v1/applications/{name}` alike (same shape).

use super::{Verdict, describe, one_line, short};
use serde_json::Value;

/// Argo CD Application: done when synced to `commit`, Healthy, with no operation pending and
/// health reconciled after the sync finished (else Healthy may describe the old pods).
pub fn application(obj: &Value, commit: &str) -> Verdict {
    let name = describe(obj, "Application");
    let status = &obj["status"];
    let operation_state = &status["operationState"];
    let operation_revision = operation_revision(operation_state);
    let ours = !commit.is_empty() && operation_revision == Some(commit);
    let phase = operation_state["phase"].as_str();
    // A pending `.operation` is a new sync someone asked for: an older result no longer counts.
    let operation_requested = !obj["operation"].is_null();
    let message = one_line(operation_state["message"].as_str().unwrap_or_default());
    if ours && !operation_requested && matches!(phase, Some("Failed" | "Error")) {
        let phase = phase.unwrap_or_default();
        return Verdict::Failed(format!("{name}: sync {phase}: {message}"));
    }
    let synced_revision = status.pointer("/sync/revision").and_then(Value::as_str);
    let health = status.pointer("/health/status").and_then(Value::as_str);
    let reconciled_after = reconciled_after_operation(status);
    if ours
        && !operation_requested
        && phase == Some("Succeeded")
        && synced_revision == Some(commit)
        && health == Some("Degraded")
        && reconciled_after
    {
        let detail = health_message(status);
        return Verdict::Failed(format!(
            "{name}: health Degraded after syncing {}{detail}",
            short(commit)
        ));
    }
    if operation_requested {
        let running = match phase {
            Some("Running") => format!(" (running: {message})"),
            _ => String::new(),
        };
        return Verdict::Pending(format!("{name}: sync operation pending{running}"));
    }
    if synced_revision != Some(commit) {
        let synced = synced_revision.map_or("nothing".to_string(), |r| short(r).to_string());
        let mut text = format!(
            "{name}: synced to {synced}, not yet our commit {}",
            short(commit)
        );
        if let Some(condition) = first_error_condition(status) {
            text.push_str(&format!("; {condition}"));
        }
        return Verdict::Pending(text);
    }
    let sync_status = status.pointer("/sync/status").and_then(Value::as_str);
    if sync_status != Some("Synced") {
        return Verdict::Pending(format!(
            "{name}: sync status {}",
            sync_status.unwrap_or("unknown")
        ));
    }
    if !reconciled_after {
        return Verdict::Pending(format!(
            "{name}: health not reconciled since the sync finished"
        ));
    }
    if health != Some("Healthy") {
        let detail = health_message(status);
        return Verdict::Pending(format!(
            "{name}: health {}{detail}",
            health.unwrap_or("unknown")
        ));
    }
    Verdict::Done
}

/// The Application's health message as `: message` on one line, or nothing.
fn health_message(status: &Value) -> String {
    status
        .pointer("/health/message")
        .and_then(Value::as_str)
        .map(|m| format!(": {}", one_line(m)))
        .unwrap_or_default()
}

/// `reconciledAt >= operationState.finishedAt`; true when no operation finished. Timestamps
/// that do not parse count as not reconciled: waiting is safer than a wrong Done.
fn reconciled_after_operation(status: &Value) -> bool {
    let Some(finished) = status
        .pointer("/operationState/finishedAt")
        .and_then(Value::as_str)
    else {
        return true;
    };
    let reconciled = status["reconciledAt"]
        .as_str()
        .and_then(crate::time::parse_rfc3339);
    match (reconciled, crate::time::parse_rfc3339(finished)) {
        (Some(reconciled), Some(finished)) => reconciled >= finished,
        _ => false,
    }
}

/// The first `status.conditions` entry whose type ends in `Error` (ComparisonError, …).
fn first_error_condition(status: &Value) -> Option<String> {
    let condition = status["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"].as_str().is_some_and(|t| t.ends_with("Error")))?;
    Some(format!(
        "{}: {}",
        condition["type"].as_str().unwrap_or_default(),
        one_line(condition["message"].as_str().unwrap_or_default())
    ))
}

/// The commit the last (or running) sync operation is for: its result's revision, else the
/// one it was asked for.
fn operation_revision(operation_state: &Value) -> Option<&str> {
    operation_state
        .pointer("/syncResult/revision")
        .or(operation_state.pointer("/operation/sync/revision"))
        .and_then(Value::as_str)
}

/// Whether Argo CD has applied `commit`: synced to it by a finished, successful operation,
/// whatever the health says yet. Forge then watches the workloads itself, which tells a
/// crash loop from a slow start long before Argo CD's health turns Degraded.
pub fn applied(obj: &Value, commit: &str) -> bool {
    let status = &obj["status"];
    let operation_state = &status["operationState"];
    let operation_revision = operation_revision(operation_state);
    !commit.is_empty()
        && obj["operation"].is_null()
        && operation_revision == Some(commit)
        && operation_state["phase"] == "Succeeded"
        && status.pointer("/sync/revision").and_then(Value::as_str) == Some(commit)
        && status.pointer("/sync/status").and_then(Value::as_str) == Some("Synced")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::{assert_says, failed, fixture, pending};

    const APPLIED: &str = "ddf8774e80ec38ca5811982a0743cfc7cb809b34";
    const PUSHED: &str = "f53ca2cd9e2d56ca04b05ea3459fe2de6f4a28b0";

    /// The verdict on the Application in the fixture `file` for `commit`.
    fn judged(file: &str, commit: &str) -> Verdict {
        application(&fixture(file), commit)
    }

    #[test]
    fn a_healthy_application_is_done_only_for_its_synced_commit() {
        let healthy = fixture("application-healthy.json");
        assert_eq!(application(&healthy, APPLIED), Verdict::Done);
        assert_eq!(
            pending(application(&healthy, PUSHED)),
            "Application argocd/hello-dev: synced to ddf8774e80ec, not yet our commit f53ca2cd9e2d"
        );
    }

    #[test]
    fn a_progressing_rollout_is_pending() {
        let text = pending(judged("application-progressing.json", PUSHED));
        assert_eq!(text, "Application argocd/hello-dev: health Progressing");
    }

    #[test]
    fn degraded_after_our_sync_fails_fast() {
        let text = failed(judged("application-degraded.json", PUSHED));
        assert_eq!(
            text,
            "Application argocd/hello-dev: health Degraded after syncing f53ca2cd9e2d"
        );
    }

    #[test]
    fn a_failed_or_errored_sync_of_our_commit_fails_fast() {
        let text = failed(judged("application-sync-failed.json", PUSHED));
        assert!(
            text.starts_with(
                "Application argocd/hello-dev: sync Failed: one or more objects failed to apply"
            ),
            "{text}"
        );
        let text = failed(judged("application-sync-error.json", PUSHED));
        assert_says(
            &text,
            "sync Error: ComparisonError: Failed to load target state",
        );
    }

    #[test]
    fn a_failed_sync_of_another_commit_is_pending_for_ours() {
        let other = "0123456789abcdef0123456789abcdef01234567";
        let text = pending(judged("application-sync-error.json", other));
        assert_says(
            &text,
            "synced to nothing, not yet our commit 0123456789ab; ComparisonError: Failed to load target state",
        );
    }

    #[test]
    fn a_pending_operation_waits_even_over_an_old_result() {
        let text = pending(judged("application-operation-pending.json", APPLIED));
        assert_eq!(text, "Application argocd/hello-dev: sync operation pending");
        let text = pending(judged("application-sync-retrying.json", PUSHED));
        assert_says(
            &text,
            "sync operation pending (running: waiting for healthy state",
        );
    }

    #[test]
    fn health_reconciled_before_the_sync_finished_does_not_count() {
        let text = pending(judged(
            "application-reconciled-before-sync-finished.json",
            PUSHED,
        ));
        assert_says(&text, "health not reconciled since the sync finished");
    }

    #[test]
    fn missing_status_is_pending() {
        let bare = serde_json::json!({"kind": "Application", "metadata": {"name": "x"}});
        assert!(pending(application(&bare, PUSHED)).contains("synced to nothing"));
    }

    #[test]
    fn applied_once_synced_even_while_health_is_progressing() {
        let progressing = fixture("application-progressing.json");
        let commit = "f53ca2cd9e2d56ca04b05ea3459fe2de6f4a28b0";
        assert!(matches!(
            application(&progressing, commit),
            Verdict::Pending(_)
        ));
        assert!(applied(&progressing, commit));
        assert!(!applied(
            &progressing,
            "ddf8774e80ec38ca5811982a0743cfc7cb809b34"
        ));
        assert!(!applied(
            &fixture("application-operation-pending.json"),
            commit
        ));
    }
}
