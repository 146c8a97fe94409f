//! Flux: is a Kustomization, GitRepository or HelmRelease done with the commit forge pushed?

use super::{Verdict, condition, describe, short, summary};
use serde_json::Value;

/// Ready=False reasons of kustomize-controller that the same revision will not get past by
/// retrying; DependencyNotReady and the like resolve on their own.
const KUSTOMIZATION_TERMINAL: &[&str] = &[
    "BuildFailed",
    "HealthCheckFailed",
    "ArtifactFailed",
    "ReconciliationFailed",
];

/// Ready=False reasons of helm-controller v2 that mean our release did not go out.
/// RollbackSucceeded/UninstallSucceeded: the release failed and was remediated away.
const HELM_RELEASE_TERMINAL: &[&str] = &[
    "InstallFailed",
    "UpgradeFailed",
    "TestFailed",
    "ArtifactFailed",
    "InitFailed",
    "RollbackFailed",
    "UninstallFailed",
    "RollbackSucceeded",
    "UninstallSucceeded",
];

/// Whether a Flux revision (`<branch>@sha1:<40 hex>`) is this commit.
fn is_commit(revision: Option<&str>, commit: &str) -> bool {
    !commit.is_empty() && revision.is_some_and(|r| r.ends_with(&format!("sha1:{commit}")))
}

fn status_str<'a>(obj: &'a Value, field: &str) -> Option<&'a str> {
    obj["status"][field].as_str()
}

/// `Some(text)` while `metadata.generation` is not observed yet.
fn generation_pending(obj: &Value) -> Option<String> {
    let generation = obj.pointer("/metadata/generation").and_then(Value::as_i64);
    let observed = obj
        .pointer("/status/observedGeneration")
        .and_then(Value::as_i64);
    match (generation, observed) {
        (Some(generation), Some(observed)) if observed >= generation => None,
        // Objects without a generation (hand-made, old API servers) cannot be behind.
        (None, _) => None,
        (Some(generation), Some(observed)) => Some(format!(
            "generation {generation} not observed yet (observed {observed})"
        )),
        (Some(generation), None) => Some(format!("generation {generation} not observed yet")),
    }
}

/// `Some(text)` while the reconcile request forge made is not handled yet.
fn token_pending(obj: &Value, token: Option<&str>) -> Option<String> {
    let token = token?;
    let handled = status_str(obj, "lastHandledReconcileAt");
    (handled != Some(token)).then(|| match handled {
        Some(handled) => {
            format!("reconcile request {token} not handled yet (last handled {handled})")
        }
        None => format!("reconcile request {token} not handled yet"),
    })
}

/// The Ready condition, when it is not True, as a suffix for pending texts.
fn not_ready_suffix(obj: &Value) -> String {
    match condition(obj, "Ready") {
        Some(ready) if ready["status"] == "True" => String::new(),
        Some(ready) => format!("; {}", summary(ready)),
        None => "; no Ready condition yet".into(),
    }
}

/// Ready=False with one of `reasons`: the reason and message.
fn failed_ready(obj: &Value, reasons: &[&str]) -> Option<String> {
    let ready = condition(obj, "Ready")?;
    let reason = ready["reason"].as_str()?;
    (ready["status"] == "False" && reasons.contains(&reason)).then(|| failure_text(ready))
}

/// `Reason: message` of a condition (`Ready=False` is implied by failing).
fn failure_text(condition: &Value) -> String {
    let reason = condition["reason"].as_str().unwrap_or("Unknown");
    let message = super::one_line(condition["message"].as_str().unwrap_or_default());
    if message.is_empty() {
        reason.to_string()
    } else {
        format!("{reason}: {message}")
    }
}

/// Flux `kustomize.toolkit.fluxcd.io/v1` Kustomization: done when it applied `commit`, is Ready,
/// observed its generation and handled `token` (the `reconcile.fluxcd.io/requestedAt` value
/// forge set); failed when our commit hit a terminal failure.
pub fn kustomization(obj: &Value, commit: &str, token: Option<&str>) -> Verdict {
    let name = describe(obj, "Kustomization");
    let generation = generation_pending(obj);
    // Failures are judged first: on failure Flux keeps Reconciling=True (ProgressingWithRetry).
    // They count only for our commit and the current spec, so an older failure cannot stop us.
    if generation.is_none() && is_commit(status_str(obj, "lastAttemptedRevision"), commit) {
        if let Some(stalled) = condition(obj, "Stalled").filter(|c| c["status"] == "True") {
            return Verdict::Failed(format!("{name}: {}", failure_text(stalled)));
        }
        if let Some(cause) = failed_ready(obj, KUSTOMIZATION_TERMINAL) {
            return Verdict::Failed(format!("{name}: {cause}"));
        }
    }
    if let Some(text) = generation.or_else(|| token_pending(obj, token)) {
        return Verdict::Pending(format!("{name}: {text}{}", not_ready_suffix(obj)));
    }
    let applied = status_str(obj, "lastAppliedRevision");
    if !is_commit(applied, commit) {
        let text = match applied {
            Some(applied) => format!("applied {applied}, not yet our commit {}", short(commit)),
            None => format!("nothing applied yet (waiting for {})", short(commit)),
        };
        return Verdict::Pending(format!("{name}: {text}{}", not_ready_suffix(obj)));
    }
    for busy in ["Reconciling", "Stalled"] {
        if let Some(busy) = condition(obj, busy).filter(|c| c["status"] == "True") {
            return Verdict::Pending(format!("{name}: {}", summary(busy)));
        }
    }
    let suffix = not_ready_suffix(obj);
    if !suffix.is_empty() {
        return Verdict::Pending(format!("{name}: applied our commit{suffix}"));
    }
    Verdict::Done
}

/// Flux `source.toolkit.fluxcd.io/v1` GitRepository: done when its artifact is `commit` and it
/// is Ready; failed only when stalled (fetch errors are retried and often pass).
pub fn git_repository(obj: &Value, commit: &str) -> Verdict {
    let name = describe(obj, "GitRepository");
    if let Some(text) = generation_pending(obj) {
        return Verdict::Pending(format!("{name}: {text}{}", not_ready_suffix(obj)));
    }
    if let Some(stalled) = condition(obj, "Stalled").filter(|c| c["status"] == "True") {
        return Verdict::Failed(format!("{name}: {}", failure_text(stalled)));
    }
    let revision = obj
        .pointer("/status/artifact/revision")
        .and_then(Value::as_str);
    if !is_commit(revision, commit) {
        let text = match revision {
            Some(revision) => format!(
                "artifact is {revision}, not yet our commit {}",
                short(commit)
            ),
            None => format!("no artifact yet (waiting for {})", short(commit)),
        };
        return Verdict::Pending(format!("{name}: {text}{}", not_ready_suffix(obj)));
    }
    let suffix = not_ready_suffix(obj);
    if !suffix.is_empty() {
        return Verdict::Pending(format!("{name}: fetched our commit{suffix}"));
    }
    Verdict::Done
}

/// Flux `helm.toolkit.fluxcd.io/v2` HelmRelease: done when the release of its current spec is
/// deployed with the chart version and values it last attempted. Its revisions are chart
/// versions, so the caller ties it to a commit (the Kustomization that applied it is done).
pub fn helm_release(obj: &Value, token: Option<&str>) -> Verdict {
    let name = describe(obj, "HelmRelease");
    let status = &obj["status"];
    let generation = obj.pointer("/metadata/generation").and_then(Value::as_i64);
    // lastAttemptedGeneration says which spec a failure is about; older controllers lack it.
    let attempted_generation = status["lastAttemptedGeneration"]
        .as_i64()
        .or(status["observedGeneration"].as_i64());
    // Failures count only for the current spec: a new commit's spec deserves its own attempt.
    if generation.is_none() || attempted_generation == generation {
        if let Some(stalled) = condition(obj, "Stalled").filter(|c| c["status"] == "True") {
            return Verdict::Failed(format!("{name}: {}", failure_text(stalled)));
        }
        if let Some(cause) = failed_ready(obj, HELM_RELEASE_TERMINAL) {
            return Verdict::Failed(format!("{name}: {cause}"));
        }
    }
    if let Some(text) = generation_pending(obj).or_else(|| token_pending(obj, token)) {
        return Verdict::Pending(format!("{name}: {text}{}", not_ready_suffix(obj)));
    }
    if let Some(reconciling) = condition(obj, "Reconciling").filter(|c| c["status"] == "True") {
        return Verdict::Pending(format!("{name}: {}", summary(reconciling)));
    }
    let suffix = not_ready_suffix(obj);
    if !suffix.is_empty() {
        return Verdict::Pending(format!("{name}: release not ready{suffix}"));
    }
    let latest = &status["history"][0];
    let text = |value: &Value| value.as_str().unwrap_or("none").to_string();
    if latest.is_null() {
        return Verdict::Pending(format!("{name}: no release in its history yet"));
    }
    if latest["status"] != "deployed" {
        return Verdict::Pending(format!(
            "{name}: latest release v{} is {}, not deployed",
            latest["version"],
            text(&latest["status"])
        ));
    }
    let attempted_version = &status["lastAttemptedRevision"];
    if attempted_version.is_null() || latest["chartVersion"] != *attempted_version {
        return Verdict::Pending(format!(
            "{name}: released chart {}, attempting {}",
            text(&latest["chartVersion"]),
            text(attempted_version)
        ));
    }
    let attempted_digest = &status["lastAttemptedConfigDigest"];
    if attempted_digest.is_null() || latest["configDigest"] != *attempted_digest {
        return Verdict::Pending(format!(
            "{name}: released values {}, attempting {}",
            text(&latest["configDigest"]),
            text(attempted_digest)
        ));
    }
    Verdict::Done
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::{failed, fixture, pending};

    /// The commit the sandbox applied in the saved objects, and the one pushed after it.
    const APPLIED: &str = "ddf8774e80ec38ca5811982a0743cfc7cb809b34";
    const PUSHED: &str = "f53ca2cd9e2d56ca04b05ea3459fe2de6f4a28b0";
    const TOKEN: &str = "2026-11-24T11:52:50.123456789Z";

    #[test]
    fn a_ready_kustomization_is_done_only_for_the_commit_it_applied() {
        let ready = fixture("kustomization-ready.json");
        assert_eq!(kustomization(&ready, APPLIED, None), Verdict::Done);
        let text = pending(kustomization(&ready, PUSHED, None));
        assert!(
            text.contains(&format!(
                "applied main@sha1:{APPLIED}, not yet our commit f53ca2cd9e2d"
            )),
            "{text}"
        );
        assert!(matches!(
            kustomization(&ready, "", None),
            Verdict::Pending(_)
        ));
    }

    #[test]
    fn the_reconcile_token_must_be_echoed() {
        let ready = fixture("kustomization-ready.json");
        let text = pending(kustomization(&ready, APPLIED, Some(TOKEN)));
        assert!(
            text.contains(&format!("reconcile request {TOKEN} not handled yet")),
            "{text}"
        );
        let echoed = fixture("kustomization-ready-token.json");
        assert_eq!(kustomization(&echoed, APPLIED, Some(TOKEN)), Verdict::Done);
        let text = pending(kustomization(
            &echoed,
            APPLIED,
            Some("2026-11-24T12:00:00Z"),
        ));
        assert!(text.contains(&format!("(last handled {TOKEN})")), "{text}");
    }

    #[test]
    fn a_reconciliation_in_progress_is_pending_with_its_ready_condition() {
        let text = pending(kustomization(
            &fixture("kustomization-in-progress.json"),
            PUSHED,
            None,
        ));
        assert_eq!(
            text,
            format!(
                "Kustomization flux-system/hello-dev: applied main@sha1:{APPLIED}, not yet our commit f53ca2cd9e2d; Ready=Unknown Progressing: Reconciliation in progress"
            )
        );
    }

    #[test]
    fn a_build_failure_of_our_commit_fails_fast() {
        let text = failed(kustomization(
            &fixture("kustomization-build-failed.json"),
            PUSHED,
            None,
        ));
        assert!(
            text.starts_with("Kustomization flux-system/hello-dev: BuildFailed: kustomize build failed: accumulating resources"),
            "{text}"
        );
        assert!(!text.contains('\n'));
    }

    #[test]
    fn a_failure_of_an_older_commit_does_not_fail_ours() {
        let text = pending(kustomization(
            &fixture("kustomization-build-failed-older-commit.json"),
            PUSHED,
            None,
        ));
        assert!(text.contains("not yet our commit"), "{text}");
        assert!(text.contains("Ready=False BuildFailed"), "{text}");
    }

    #[test]
    fn health_check_failures_and_stalls_are_terminal_dependencies_are_not() {
        let text = failed(kustomization(
            &fixture("kustomization-health-check-failed.json"),
            PUSHED,
            None,
        ));
        assert!(
            text.contains(": HealthCheckFailed: health check failed after 2m0s"),
            "{text}"
        );
        let text = failed(kustomization(
            &fixture("kustomization-stalled.json"),
            PUSHED,
            None,
        ));
        assert!(
            text.contains(": InvalidPath: kustomization path not found"),
            "{text}"
        );
        let text = pending(kustomization(
            &fixture("kustomization-dependency-not-ready.json"),
            PUSHED,
            None,
        ));
        assert!(
            text.contains(
                "Ready=False DependencyNotReady: dependency 'flux-system/infra' is not ready"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_generation_not_observed_yet_is_pending_even_when_ready() {
        let text = pending(kustomization(
            &fixture("kustomization-stale-generation.json"),
            APPLIED,
            None,
        ));
        assert!(
            text.contains("generation 2 not observed yet (observed 1)"),
            "{text}"
        );
    }

    #[test]
    fn missing_status_is_pending_not_a_panic() {
        let bare = serde_json::json!({"kind": "Kustomization", "metadata": {"name": "x", "generation": 1}});
        assert!(
            pending(kustomization(&bare, APPLIED, Some(TOKEN)))
                .contains("generation 1 not observed yet")
        );
        assert!(matches!(
            git_repository(&serde_json::json!({}), APPLIED),
            Verdict::Pending(_)
        ));
        assert!(matches!(
            helm_release(&serde_json::json!(null), None),
            Verdict::Pending(_)
        ));
    }

    #[test]
    fn a_git_repository_is_done_once_its_artifact_is_our_commit() {
        let ready = fixture("gitrepository-ready.json");
        assert_eq!(git_repository(&ready, APPLIED), Verdict::Done);
        let text = pending(git_repository(&ready, PUSHED));
        assert!(
            text.contains(&format!(
                "artifact is main@sha1:{APPLIED}, not yet our commit"
            )),
            "{text}"
        );
    }

    #[test]
    fn a_git_repository_fails_only_when_stalled() {
        let text = pending(git_repository(
            &fixture("gitrepository-fetch-failed.json"),
            PUSHED,
        ));
        assert!(text.contains("Ready=False GitOperationFailed"), "{text}");
        let text = failed(git_repository(
            &fixture("gitrepository-stalled.json"),
            PUSHED,
        ));
        assert_eq!(
            text,
            "GitRepository flux-system/flux-system: AuthenticationFailed: failed to get secret 'flux-system/missing': secrets \"missing\" not found"
        );
    }

    #[test]
    fn a_deployed_helm_release_with_our_values_is_done() {
        let deployed = fixture("helmrelease-deployed.json");
        assert_eq!(helm_release(&deployed, None), Verdict::Done);
        assert_eq!(
            helm_release(&deployed, Some("2026-11-24T12:00:00.000000001Z")),
            Verdict::Done
        );
        let text = pending(helm_release(&deployed, Some("2026-11-24T12:05:00Z")));
        assert!(text.contains("not handled yet"), "{text}");
    }

    #[test]
    fn a_helm_release_whose_values_are_not_released_is_pending() {
        let text = pending(helm_release(
            &fixture("helmrelease-values-not-released.json"),
            None,
        ));
        assert!(text.contains("released values sha256:6f1c0d5b"), "{text}");
        assert!(text.contains("attempting sha256:77e0c1d2"), "{text}");
        let text = pending(helm_release(&fixture("helmrelease-upgrading.json"), None));
        assert!(
            text.contains("Reconciling=True Progressing: Running 'upgrade' action"),
            "{text}"
        );
    }

    #[test]
    fn a_failed_upgrade_of_the_current_spec_fails_fast() {
        let text = failed(helm_release(
            &fixture("helmrelease-upgrade-failed.json"),
            None,
        ));
        assert_eq!(
            text,
            "HelmRelease hello-dev/hello: UpgradeFailed: Helm upgrade failed for release hello-dev/hello with chart hello@0.2.0: context deadline exceeded"
        );
        let stalled = fixture("helmrelease-stalled.json");
        let text = failed(helm_release(&stalled, None));
        assert!(
            text.contains("RetriesExceeded: Failed to upgrade after 4 attempt(s)"),
            "{text}"
        );
        // A new commit's spec (generation 5) gets its own attempt despite the stall.
        let mut next_commit = stalled;
        next_commit["metadata"]["generation"] = 5.into();
        assert!(
            pending(helm_release(&next_commit, None)).contains("generation 5 not observed yet")
        );
    }

    #[test]
    fn a_failure_of_an_older_generation_is_pending() {
        let text = pending(helm_release(
            &fixture("helmrelease-failed-older-generation.json"),
            None,
        ));
        assert!(
            text.contains("generation 5 not observed yet (observed 4)"),
            "{text}"
        );
    }
}
