//! The decisions forge takes while it waits: pure functions over the objects Flux, Argo CD and
//! the cluster report, tested against saved objects in `fixtures/status/`. No I/O here.

pub mod argocd;
pub mod binding;
pub mod flux;
pub mod pods;
pub mod workload;

use serde_json::Value;

/// Where one watched thing stands with respect to the commit forge waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Finished, healthy, for the commit.
    Done,
    /// Still on its way; says what is pending (shown as progress and on timeout).
    Pending(String),
    /// Will not get there without a new commit; says why.
    Failed(String),
}

/// `Kind namespace/name`, how messages name an object.
fn describe(obj: &Value, default_kind: &str) -> String {
    let kind = obj["kind"].as_str().unwrap_or(default_kind);
    let name = obj["metadata"]["name"].as_str().unwrap_or("?");
    match obj["metadata"]["namespace"].as_str() {
        Some(namespace) => format!("{kind} {namespace}/{name}"),
        None => format!("{kind} {name}"),
    }
}

/// The `status.conditions` entry of this type, if any.
fn condition<'a>(obj: &'a Value, kind: &str) -> Option<&'a Value> {
    obj.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind)
}

fn condition_is(obj: &Value, kind: &str, status: &str) -> bool {
    condition(obj, kind).is_some_and(|c| c["status"] == status)
}

/// `Type=Status Reason: message`, one line, for progress and failure texts.
fn summary(condition: &Value) -> String {
    let text = |field: &str| condition[field].as_str().unwrap_or_default().to_string();
    let mut line = format!("{}={}", text("type"), text("status"));
    if !text("reason").is_empty() {
        line.push(' ');
        line.push_str(&text("reason"));
    }
    if !text("message").is_empty() {
        line.push_str(": ");
        line.push_str(&one_line(&text("message")));
    }
    line
}

/// Controllers put multi-line tool output in messages; a verdict is one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first 12 characters of a commit, as people read them.
pub(crate) fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// The text of a Pending verdict, for the tests.
#[cfg(test)]
fn pending(verdict: Verdict) -> String {
    match verdict {
        Verdict::Pending(text) => text,
        other => panic!("expected Pending, got {other:?}"),
    }
}

/// The text of a Failed verdict, for the tests.
#[cfg(test)]
fn failed(verdict: Verdict) -> String {
    match verdict {
        Verdict::Failed(text) => text,
        other => panic!("expected Failed, got {other:?}"),
    }
}

/// Asserts that a verdict's `text` says `part`, showing the whole text when it does not.
#[cfg(test)]
#[track_caller]
fn assert_says(text: &str, part: &str) {
    assert!(text.contains(part), "{text}");
}

/// Loads `fixtures/status/<name>` for the tests.
#[cfg(test)]
fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/status")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_one_line() {
        let ready = serde_json::json!({"type": "Ready", "status": "False", "reason": "BuildFailed", "message": "kustomize build failed:\n  accumulating resources"});
        assert_eq!(
            summary(&ready),
            "Ready=False BuildFailed: kustomize build failed: accumulating resources"
        );
    }
}
