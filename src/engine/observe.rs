//! A single look at where an env stands in the cluster (for `forge status` and the promotion
//! gates): what the engine applied, its sync and health words, and the workloads' readiness.
//! Reads once, waits for nothing.

use super::{Lineage, Relations, Target};
use crate::cluster::{Cluster, ClusterError};
use crate::decide::{self, Verdict};
use crate::model::Engine;
use serde::Serialize;
use serde_json::Value;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    /// The commit the engine last applied.
    pub applied: Option<String>,
    /// Flux's Ready reason or Argo CD's sync status.
    pub sync: String,
    /// Healthy, Progressing, Degraded or Missing.
    pub health: String,
    pub ready: u64,
    pub total: u64,
    /// Whether the cluster runs the env dir's latest change, healthy.
    #[serde(skip)]
    pub verdict: Verdict,
    /// The engine applied something other than what git holds for this env.
    pub drift: bool,
    /// The GitOps object's conditions (Flux's Ready, Argo CD's errors and warnings).
    pub conditions: Vec<Condition>,
    /// The workloads the engine applied, as found in the cluster.
    pub workloads: Vec<Workload>,
}

/// One `status.conditions` entry, as the controller wrote it.
#[derive(Clone, Debug, Serialize)]
pub struct Condition {
    #[serde(rename = "type")]
    pub kind: String,
    /// True, False or Unknown; Argo CD's conditions have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One applied workload: its pods ready of wanted, and the images its pod template runs.
#[derive(Clone, Debug, Serialize)]
pub struct Workload {
    pub kind: String,
    pub name: String,
    pub ready: u64,
    pub total: u64,
    pub images: Vec<String>,
}

pub async fn observe(
    cluster: &Cluster,
    target: &Target,
    lineage: &dyn Lineage,
) -> Result<Observation, ClusterError> {
    let reference = target.gitops_object();
    let Some(object) = cluster.get(&reference).await? else {
        return Ok(Observation {
            applied: None,
            sync: "NotFound".into(),
            health: "Missing".into(),
            ready: 0,
            total: 0,
            verdict: Verdict::Pending(format!("{reference} does not exist")),
            drift: true,
            conditions: Vec::new(),
            workloads: Vec::new(),
        });
    };
    let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str);
    let (applied, sync) = match target.engine {
        Engine::Flux => (text("/status/lastAppliedRevision"), ready_reason(&object)),
        Engine::Argocd => (
            text("/status/sync/revision"),
            text("/status/sync/status").unwrap_or("Unknown").to_string(),
        ),
    };
    let workloads = super::applied_workloads(target.engine, &object);
    let applied = applied.map(|r| super::revision_sha(r).to_string());
    let mut relations = Relations::new(lineage, &target.commit);
    let (engine_verdict, drift) = match relations.effective(applied.as_deref()) {
        Ok(commit) => {
            let verdict = match target.engine {
                Engine::Flux => decide::flux::kustomization(&object, &commit, None),
                // As when waiting: synced is applied; the workloads say whether it is healthy.
                Engine::Argocd if decide::argocd::applied(&object, &commit) => Verdict::Done,
                Engine::Argocd => decide::argocd::application(&object, &commit),
            };
            // Drift: what the engine applied is not (a descendant of) git's latest change.
            let drift = applied.as_deref() != Some(commit.as_str());
            (verdict, drift)
        }
        Err(by) => (
            Verdict::Pending(format!("applied {by}, newer than git's")),
            true,
        ),
    };
    let (mut ready, mut total) = (0, 0);
    let mut found_workloads = Vec::new();
    let mut workload_verdict = Verdict::Done;
    for workload in workloads
        .iter()
        .filter(|w| w.kind != crate::cluster::HELM_RELEASE)
    {
        let Some(found) = cluster.get(workload).await? else {
            workload_verdict = Verdict::Pending(format!("{workload} is missing"));
            continue;
        };
        let (found_ready, found_total) = decide::workload::readiness(&found);
        ready += found_ready;
        total += found_total;
        found_workloads.push(Workload {
            kind: workload.kind.to_string(),
            name: workload.name.clone(),
            ready: found_ready,
            total: found_total,
            images: decide::workload::images(&found),
        });
        match decide::workload::workload(&found) {
            Verdict::Done => {}
            Verdict::Failed(text) => {
                workload_verdict = Verdict::Failed(format!("{workload}: {text}"))
            }
            Verdict::Pending(text) if !matches!(workload_verdict, Verdict::Failed(_)) => {
                workload_verdict = Verdict::Pending(format!("{workload}: {text}"));
            }
            Verdict::Pending(_) => {}
        }
    }
    // The workloads' kstatus, in Argo CD's words; Argo CD's own verdict wins where it knows
    // more (a Degraded or Missing resource forge does not watch).
    let health = match (target.engine, text("/status/health/status")) {
        (Engine::Argocd, Some(argo @ ("Degraded" | "Missing" | "Suspended"))) => argo,
        _ => match &workload_verdict {
            Verdict::Done => "Healthy",
            Verdict::Pending(_) => "Progressing",
            Verdict::Failed(_) => "Degraded",
        },
    }
    .to_string();
    let verdict = match (engine_verdict, workload_verdict) {
        (Verdict::Done, workloads) => workloads,
        (engine, _) => engine,
    };
    Ok(Observation {
        applied,
        sync,
        health,
        ready,
        total,
        verdict,
        drift,
        conditions: conditions(&object),
        workloads: found_workloads,
    })
}

fn conditions(object: &Value) -> Vec<Condition> {
    let text = |c: &Value, key: &str| c.get(key).and_then(Value::as_str).map(str::to_string);
    object
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some(Condition {
                kind: text(c, "type")?,
                status: text(c, "status"),
                reason: text(c, "reason"),
                message: text(c, "message"),
            })
        })
        .collect()
}

/// The Ready condition's reason (Flux's one-word sync state), or Unknown.
fn ready_reason(object: &Value) -> String {
    object
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|conditions| conditions.iter().find(|c| c["type"] == "Ready"))
        .and_then(|ready| ready.get("reason"))
        .and_then(Value::as_str)
        .unwrap_or("Unknown")
        .to_string()
}
