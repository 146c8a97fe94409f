//! Argo CD: ask for a refresh (and a sync to our commit when the Application does not sync
//! automatically), through the REST API when a server and token are configured, else through
//! the Application object; then follow the Application until it is synced to our commit and
//! healthy.

use super::{Failure, Lineage, Pending, Relations, Reporter, Step, Synced, Target, Watch, follow};
use crate::cluster::{APPLICATION, Cluster, ClusterError, Kind, ObjectRef};
use crate::decide::{self, Verdict};
use serde_json::{Value, json};

const REFRESH: &str = "argocd.argoproj.io/refresh";

/// Argo CD's REST API: base URL and bearer token (`ARGOCD_SERVER`, `ARGOCD_AUTH_TOKEN`).
#[derive(Clone)]
pub struct ArgocdApi {
    pub server: String,
    pub token: String,
}

impl std::fmt::Debug for ArgocdApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token never reaches a log.
        f.debug_struct("ArgocdApi")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl ArgocdApi {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, ClusterError> {
        let url = format!("{}/api/v1/{path}", self.server.trim_end_matches('/'));
        let client = reqwest::Client::new();
        let mut request = client.request(method, &url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let failed = |message: String| ClusterError::Argocd {
            url: crate::git::redact_url(&url),
            message,
        };
        let response = request.send().await.map_err(|e| failed(e.to_string()))?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            let message = body
                .get("error")
                .or_else(|| body.get("message"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            return Err(failed(format!("{status}: {message}")));
        }
        Ok(body)
    }
}

pub(super) async fn sync(
    cluster: &Cluster,
    target: &Target,
    lineage: &dyn Lineage,
    reporter: &dyn Reporter,
    pending: &Pending,
) -> Result<Step<Synced>, ClusterError> {
    let application = ObjectRef {
        kind: APPLICATION,
        namespace: target.argocd.namespace.clone(),
        name: target.object_name(),
    };
    trigger(cluster, target, &application).await?;
    reporter.step("Syncing", &format!("asked Argo CD to sync {application}"));
    let mut relations = Relations::new(lineage, &target.commit);
    let watches = [Watch {
        kind: APPLICATION,
        namespace: application.namespace.clone(),
        name: Some(application.name.clone()),
    }];
    follow(cluster, &watches, pending, reporter, |seen| {
        let Some(object) = seen.get(&application) else {
            return Step::Pending(format!("{application} does not exist yet"));
        };
        let synced = object
            .pointer("/status/sync/revision")
            .and_then(Value::as_str);
        let commit = match relations.effective(synced) {
            Ok(commit) => commit,
            Err(by) => return Step::Superseded(by),
        };
        match decide::argocd::application(object, &commit) {
            Verdict::Done => Step::Done(Synced {
                revision: commit,
                workloads: resources(object),
            }),
            // Synced but not Healthy yet: the workloads are forge's to judge from here.
            Verdict::Pending(_) if decide::argocd::applied(object, &commit) => Step::Done(Synced {
                revision: commit,
                workloads: resources(object),
            }),
            Verdict::Pending(text) => Step::Pending(text),
            Verdict::Failed(cause) => Step::Failed(Failure::new(format!("{application}: {cause}"))),
        }
    })
    .await
}

/// Refresh, and for an Application without automated sync, start a sync to our commit.
async fn trigger(
    cluster: &Cluster,
    target: &Target,
    application: &ObjectRef,
) -> Result<(), ClusterError> {
    let name = &application.name;
    if let Some(api) = &target.argocd_api {
        let current = api
            .call(
                reqwest::Method::GET,
                &format!("applications/{name}?refresh=normal"),
                None,
            )
            .await?;
        if current.pointer("/spec/syncPolicy/automated").is_none() {
            api.call(
                reqwest::Method::POST,
                &format!("applications/{name}/sync"),
                Some(json!({"revision": target.commit, "prune": true})),
            )
            .await?;
        }
        return Ok(());
    }
    let Some(current) = cluster.get(application).await? else {
        // A first deploy's Application appears on Argo CD's next look at the repo.
        return Ok(());
    };
    cluster
        .annotate(application, &[(REFRESH, "normal")])
        .await?;
    if current.pointer("/spec/syncPolicy/automated").is_none() {
        let operation = json!({"operation": {
            "sync": {"revision": target.commit, "prune": true},
            "initiatedBy": {"username": "forge"},
        }});
        cluster.merge_patch(application, &operation).await?;
    }
    Ok(())
}

/// The workloads an Application manages, from `status.resources`.
pub(super) fn resources(object: &Value) -> Vec<super::ObjectRef> {
    let entries = object
        .pointer("/status/resources")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    entries
        .iter()
        .filter_map(|resource| {
            let kind: Kind = Kind::workload(resource.get("kind")?.as_str()?)?;
            Some(ObjectRef {
                kind,
                namespace: resource.get("namespace")?.as_str()?.to_string(),
                name: resource.get("name")?.as_str()?.to_string(),
            })
        })
        .collect()
}
