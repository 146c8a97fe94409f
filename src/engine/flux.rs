//! Flux: request a reconcile as `flux reconcile` does (the `reconcile.fluxcd.io/requestedAt`
//! annotation on the source and the Kustomization), then follow the Kustomization — and for a
//! Helm source, the HelmRelease it applies — until our commit is applied.

use super::{Failure, Lineage, Pending, Relations, Reporter, Step, Synced, Target, Watch, follow};
use crate::cluster::{
    Cluster, ClusterError, GIT_REPOSITORY, HELM_RELEASE, KUSTOMIZATION, Kind, ObjectRef,
};
use crate::decide::{self, Verdict};
use crate::model::SourceKind;
use serde_json::Value;
use std::time::Instant;

const REQUESTED_AT: &str = "reconcile.fluxcd.io/requestedAt";

pub(super) async fn sync(
    cluster: &Cluster,
    target: &Target,
    token: &str,
    lineage: &dyn Lineage,
    reporter: &dyn Reporter,
    pending: &Pending,
) -> Result<Step<Synced>, ClusterError> {
    let namespace = &target.flux.namespace;
    let source = ObjectRef {
        kind: GIT_REPOSITORY,
        namespace: namespace.clone(),
        name: target.flux.git_repository.clone(),
    };
    let kustomization = ObjectRef {
        kind: KUSTOMIZATION,
        namespace: namespace.clone(),
        name: target.object_name(),
    };
    // A first deploy's Kustomization may not exist yet; it reconciles when created, so the
    // token is only required of one that was there to be annotated.
    let source_requested = request_reconcile(cluster, &source, token).await?;
    let requested = request_reconcile(cluster, &kustomization, token).await?;
    reporter.step(
        "Reconciling",
        &format!("asked Flux to reconcile {kustomization}"),
    );
    let mut relations = Relations::new(lineage, &target.commit);
    // The source is watched too: a first release's Kustomization that is still missing once
    // Flux fetched our commit will not come.
    let watches = [
        Watch {
            kind: KUSTOMIZATION,
            namespace: namespace.clone(),
            name: Some(kustomization.name.clone()),
        },
        Watch {
            kind: GIT_REPOSITORY,
            namespace: namespace.clone(),
            name: Some(source.name.clone()),
        },
    ];
    let place = super::unbound::in_cluster(cluster);
    let first_release = lineage.first_release();
    let mut fetched_at: Option<Instant> = None;
    let step = follow(cluster, &watches, pending, reporter, |seen| {
        let object = seen.get(&kustomization);
        let bound = decide::binding::kustomization(
            object,
            &target.dir,
            namespace,
            &target.flux.git_repository,
        );
        let Some(object) = object else {
            // Without the GitRepository (yet), a first release cannot tell whether Flux
            // fetched our commit: it waits, as for a Kustomization still to be generated.
            let artifact = seen
                .get(&source)
                .and_then(|s| s.pointer("/status/artifact/revision"))
                .and_then(Value::as_str);
            if fetched_at.is_none() && relations.contains(artifact) {
                fetched_at = Some(Instant::now());
            }
            let waited = fetched_at.map(|at| at.elapsed());
            let grace = decide::binding::GENERATED_GRACE;
            if decide::binding::absence_is_final(first_release, waited, grace) {
                return Step::Unbound(super::unbound::missing(target, &kustomization, &place));
            }
            return Step::Pending(match waited {
                None => format!(
                    "{kustomization} does not exist yet; waiting for Flux to fetch {}",
                    super::short(&target.commit)
                ),
                Some(_) => format!("{kustomization} does not exist yet"),
            });
        };
        if let Some(unbound) = super::unbound::judge(target, &kustomization, &place, bound) {
            return Step::Unbound(unbound);
        }
        if let Some(repository) = seen.get(&source) {
            // What the source fetched since forge asked (source-controller echoes the token
            // with the artifact of that fetch).
            let handled = repository
                .pointer("/status/lastHandledReconcileAt")
                .and_then(Value::as_str)
                == Some(token);
            let fetched_ours = (source_requested && handled).then(|| {
                relations.contains(
                    repository
                        .pointer("/status/artifact/revision")
                        .and_then(Value::as_str),
                )
            });
            let bound = decide::binding::git_repository_source(repository).judge(
                &target.repo_url,
                &target.branch,
                fetched_ours,
            );
            if let Some(unbound) = super::unbound::judge(target, &source, &place, bound) {
                return Step::Unbound(unbound);
            }
        }
        let attempted = object
            .pointer("/status/lastAttemptedRevision")
            .and_then(Value::as_str);
        let commit = match relations.effective(attempted) {
            Ok(commit) => commit,
            Err(by) => return Step::Superseded(by),
        };
        match decide::flux::kustomization(object, &commit, requested.then_some(token)) {
            Verdict::Done => Step::Done(Synced {
                revision: commit,
                workloads: inventory(object),
            }),
            Verdict::Pending(text) => Step::Pending(text),
            Verdict::Failed(cause) => {
                Step::Failed(Failure::new(format!("{kustomization}: {cause}")))
            }
        }
    })
    .await?;
    match (step, target.source) {
        (Step::Done(synced), SourceKind::Helm) => {
            helm_release(cluster, target, &synced, reporter, pending).await
        }
        (step, _) => Ok(step),
    }
}

/// Sets the reconcile request; false when the object does not exist (yet).
async fn request_reconcile(
    cluster: &Cluster,
    object: &ObjectRef,
    token: &str,
) -> Result<bool, ClusterError> {
    if cluster.get(object).await?.is_none() {
        return Ok(false);
    }
    cluster.annotate(object, &[(REQUESTED_AT, token)]).await?;
    Ok(true)
}

/// The HelmRelease the Kustomization applied: its revisions are chart versions, so it is
/// tied to our commit through the Kustomization (which applied our spec) and judged on its
/// own generation and the values it released.
async fn helm_release(
    cluster: &Cluster,
    target: &Target,
    synced: &Synced,
    reporter: &dyn Reporter,
    pending: &Pending,
) -> Result<Step<Synced>, ClusterError> {
    let Some(release) = synced
        .workloads
        .iter()
        .find(|o| o.kind == HELM_RELEASE)
        .cloned()
    else {
        return Ok(Step::Failed(Failure::new(
            "the Kustomization applied no HelmRelease".to_string(),
        )));
    };
    let token = crate::time::rfc3339_nanos(crate::time::now_precise());
    let requested = request_reconcile(cluster, &release, &token).await?;
    let watches = [Watch {
        kind: HELM_RELEASE,
        namespace: release.namespace.clone(),
        name: Some(release.name.clone()),
    }];
    let mut target_namespace = release.namespace.clone();
    let place = super::unbound::in_cluster(cluster);
    let step = follow(cluster, &watches, pending, reporter, |seen| {
        let Some(object) = seen.get(&release) else {
            // The Kustomization just listed it in its inventory; after the watch listed, its
            // absence is a deletion, which only the next reconcile of the Kustomization undoes.
            return Step::Unbound(super::unbound::missing(target, &release, &place));
        };
        if let Some(namespace) = object
            .pointer("/spec/targetNamespace")
            .and_then(Value::as_str)
        {
            target_namespace = namespace.to_string();
        }
        match decide::flux::helm_release(object, requested.then_some(token.as_str())) {
            Verdict::Done => Step::Done(()),
            Verdict::Pending(text) => Step::Pending(text),
            Verdict::Failed(cause) => Step::Failed(Failure::new(format!("{release}: {cause}"))),
        }
    })
    .await?;
    match step {
        Step::Done(()) => {
            // A HelmRelease reports no inventory: its workloads are those in its namespace.
            // Not its Jobs: a finished Job of an earlier release (or a Helm hook's) stays in
            // the namespace and would be judged as this release's.
            let mut workloads = Vec::new();
            for kind in [
                crate::cluster::DEPLOYMENT,
                crate::cluster::STATEFUL_SET,
                crate::cluster::DAEMON_SET,
            ] {
                for object in cluster.list(kind, &target_namespace).await? {
                    if let Some(reference) = super::object_ref(kind, &object) {
                        workloads.push(reference);
                    }
                }
            }
            Ok(Step::Done(Synced {
                revision: synced.revision.clone(),
                workloads,
            }))
        }
        Step::Pending(text) => Ok(Step::Pending(text)),
        Step::Failed(failure) => Ok(Step::Failed(failure)),
        Step::Superseded(by) => Ok(Step::Superseded(by)),
        Step::Unbound(unbound) => Ok(Step::Unbound(unbound)),
    }
}

/// The objects a Kustomization applied, from its inventory (`<ns>_<name>_<group>_<Kind>`),
/// keeping workloads and HelmReleases.
pub(super) fn inventory(object: &Value) -> Vec<ObjectRef> {
    let entries = object
        .pointer("/status/inventory/entries")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    entries
        .iter()
        .filter_map(|entry| {
            let id = entry.get("id")?.as_str()?;
            let mut parts = id.rsplitn(3, '_');
            let kind = parts.next()?;
            let _group = parts.next()?;
            let (namespace, name) = parts.next()?.split_once('_')?;
            let kind: Kind =
                Kind::workload(kind).or((kind == HELM_RELEASE.kind).then_some(HELM_RELEASE))?;
            Some(ObjectRef {
                kind,
                namespace: namespace.to_string(),
                name: name.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inventory_keeps_workloads_and_helm_releases() {
        let object = json!({"status": {"inventory": {"entries": [
            {"id": "hello-dev_hello_apps_Deployment", "v": "v1"},
            {"id": "hello-dev_migrate_batch_Job", "v": "v1"},
            {"id": "hello-dev_hello__Service", "v": "v1"},
            {"id": "flux-system_shop_helm.toolkit.fluxcd.io_HelmRelease", "v": "v2"},
            {"id": "_hello-dev__Namespace", "v": "v1"},
        ]}}});
        let found: Vec<String> = inventory(&object).iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "Deployment hello-dev/hello",
                "Job hello-dev/migrate",
                "HelmRelease flux-system/shop"
            ]
        );
    }
}
