//! `forge sandbox`: a local stand-in for a cluster that speaks the Kubernetes API over HTTP on
//! loopback, so forge (and the real kubectl) can be exercised with no cluster. It is a server
//! that forge talks to over HTTP, never a shortcut into forge's internals.
//!
//! It serves the API (discovery, get, list, watch, create, merge patch, status, delete) for
//! core, apps, Flux and Argo CD resources, follows an env repo as Flux would (a Kustomization
//! per app/env directory, built with a built-in kustomize and applied), and rolls Deployments
//! out over time. Argo CD, HelmReleases, metrics and fault injection come next.

pub mod api;
pub mod argocd;
pub mod flux;
pub mod helm;
pub mod http;
pub mod kustomize;
pub mod metrics;
pub mod promql;
pub mod resources;
pub mod rollout;
pub mod store;
pub mod table;

use api::Cluster;
use serde_json::json;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

/// Namespaces a fresh sandbox has, as a real cluster with Flux and Argo CD would.
const NAMESPACES: [&str; 4] = ["default", "kube-system", "flux-system", "argocd"];

pub struct Sandbox {
    pub address: SocketAddr,
    pub cluster: Arc<Cluster>,
}

/// What the sandbox runs besides the API.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Follow an env repo as Flux would (None: serve the API only).
    pub flux: Option<flux::Settings>,
    pub rollout: rollout::Settings,
    /// Image glob → share of requests that fail, in the simulated traffic.
    pub error_rates: Vec<(String, f64)>,
    pub faults: api::Faults,
}

/// How often the controllers look at the cluster.
const TICK: std::time::Duration = std::time::Duration::from_millis(100);

impl Sandbox {
    /// Starts serving on `127.0.0.1:port` (0: any free port) and runs the controllers, all in
    /// background threads.
    pub fn start(port: u16, options: Options) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let address = listener.local_addr()?;
        let mut token = [0u8; 16];
        getrandom::fill(&mut token).map_err(|e| std::io::Error::other(e.to_string()))?;
        let cluster = Arc::new(Cluster::new(options.faults.clone(), hex::encode(token)));
        let now = crate::time::rfc3339(crate::time::now_epoch());
        cluster.write(|store| {
            for name in NAMESPACES {
                let key = store::Key {
                    resource: "namespaces".into(),
                    namespace: String::new(),
                    name: name.into(),
                };
                let namespace =
                    json!({"apiVersion": "v1", "kind": "Namespace", "status": {"phase": "Active"}});
                store.put(key, namespace, &now);
            }
        });
        let served = Arc::clone(&cluster);
        http::serve(
            listener,
            Arc::new(move |request| api::handle(&served, request)),
        );
        let mut reconciler = options
            .flux
            .clone()
            .map(flux::Reconciler::new)
            .transpose()?;
        let controlled = Arc::clone(&cluster);
        std::thread::spawn(move || {
            let mut last = None;
            loop {
                let now = crate::time::now_precise();
                if let Some(reconciler) = reconciler.as_mut() {
                    reconciler.tick(&controlled, now);
                }
                controlled.write(|store| {
                    rollout::step(store, now, &options.rollout);
                    let mut metrics = controlled.metrics.lock().expect("metrics lock");
                    metrics.record(store, now - last.unwrap_or(now), &options.error_rates);
                    metrics.sample(now);
                });
                last = Some(now);
                std::thread::sleep(TICK);
            }
        });
        Ok(Sandbox { address, cluster })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// A kubeconfig with one context, `forge-sandbox`, pointing at this sandbox.
    pub fn kubeconfig(&self) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n  - name: forge-sandbox\n    cluster:\n      server: {url}\ncontexts:\n  - name: forge-sandbox\n    context:\n      cluster: forge-sandbox\n      user: forge-sandbox\n      namespace: default\ncurrent-context: forge-sandbox\nusers:\n  - name: forge-sandbox\n    user: {{}}\n",
            url = self.url()
        )
    }
}
