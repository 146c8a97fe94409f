//! `forge sandbox`: a local stand-in for a cluster that speaks the Kubernetes API over HTTP on
//! loopback, so forge (and the real kubectl) can be exercised with no cluster. It is a server
//! that forge talks to over HTTP, never a shortcut into forge's internals.
//!
//! It serves the API (discovery, OpenAPI, get, list, watch, create, merge/JSON/apply patch,
//! status, delete) for core, apps, Flux and Argo CD resources, over HTTP or TLS; follows an env
//! repo as Flux or Argo CD would (built-in kustomize, `helm template` for HelmReleases), rolls
//! Deployments out over simulated time, serves per-version request metrics and a PromQL
//! subset, and injects faults on request.
//!
//! It depends on nothing of forge's; forge uses it for `forge demo` and `forge sandbox`, and
//! shares its pure helpers through the leaf crate `forge-base`. Inside, arrows
//! point down:
//!
//! ```text
//! lib (Sandbox, Settings)   starts the server and the controller loop
//! api, argocd_api           HTTP handlers: the Kubernetes API, Argo CD's REST API and stream
//! follow                    fetches the env repo, hands each app/env dir to flux or argocd
//! flux, argocd, helm        the GitOps controllers' reconcile logic
//! apply, rollout            applying and pruning built objects; the deployment controller
//! kustomize, jsonpatch      building env dirs; JSON patches
//! store                     all state: objects, watch events, metrics counters, faults, log
//! metrics, promql, http, resources, table, openapi, glob, tls, log (and forge-base: image, time)
//! ```

mod api;
mod apply;
mod argocd;
mod argocd_api;
mod flux;
mod follow;
mod glob;
mod helm;
pub mod http;
mod jsonpatch;
pub mod kustomize;
mod log;
mod metrics;
mod openapi;
mod promql;
mod resources;
mod rollout;
mod store;
mod table;
mod tls;

pub use follow::{ArgocdDirs, Follow};
pub use rollout::Rollout;
pub use store::{ApiError, Faults, Key, Part, Store};

use forge_base::{image, time};
use serde_json::json;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use store::Cluster;

/// Namespaces a fresh sandbox has, as a real cluster with Flux and Argo CD would.
const NAMESPACES: [&str; 4] = ["default", "kube-system", "flux-system", "argocd"];

/// A running sandbox: the API served on loopback and the controllers, in background threads.
/// Dropping it stops the controllers.
pub struct Sandbox {
    address: SocketAddr,
    cluster: Arc<Cluster>,
    /// The CA that signed the server certificate (PEM), when serving HTTPS.
    ca_pem: Option<String>,
    stopping: Arc<AtomicBool>,
    controllers: Option<JoinHandle<()>>,
}

/// What the sandbox runs besides the API.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Follow an env repo as Flux or Argo CD would (None: serve the API only).
    pub gitops: Option<Follow>,
    pub rollout: Rollout,
    /// Image glob → share of requests that fail, in the simulated traffic.
    pub error_rates: Vec<(String, f64)>,
    pub faults: Faults,
    /// Serve HTTPS with a generated CA, and demand a bearer token on the Kubernetes API.
    pub tls: bool,
    /// Where to write the request and reconcile log (None: no log).
    pub log: Option<PathBuf>,
}

/// How often the controllers look at the cluster.
const TICK: std::time::Duration = std::time::Duration::from_millis(100);

impl Sandbox {
    /// Starts serving on `127.0.0.1:port` (0: any free port) and runs the controllers, all in
    /// background threads.
    pub fn start(port: u16, settings: Settings) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let address = listener.local_addr()?;
        let tls = if settings.tls {
            Some(tls::generate().map_err(std::io::Error::other)?)
        } else {
            None
        };
        let mut cluster = Cluster::new(settings.faults.clone(), random_token()?);
        if tls.is_some() {
            cluster.api_token = Some(random_token()?);
        }
        if let Some(path) = &settings.log {
            cluster.log = log::Log::create(path)?;
        }
        let cluster = Arc::new(cluster);
        let now = time::rfc3339(time::now_epoch());
        cluster.write(|store| {
            for name in NAMESPACES {
                let key = Key {
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
            tls.as_ref().map(|tls| Arc::clone(&tls.config)),
            Arc::new(move |request| {
                let started = std::time::Instant::now();
                let line = request_line(&request);
                let response = api::handle(&served, request);
                let took = started.elapsed().as_secs_f64() * 1000.0;
                // A watch is logged when it starts; its stream goes on afterwards.
                served
                    .log
                    .line(format!("api {line} {} {took:.1}ms", response.status));
                response
            }),
        );
        let mut follower = settings
            .gitops
            .clone()
            .map(follow::Follower::new)
            .transpose()?;
        let controlled = Arc::clone(&cluster);
        let mut deployments = rollout::Controller::new(settings.rollout.clone());
        let stopping = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stopping);
        let controllers = std::thread::spawn(move || {
            let mut last = None;
            while !stop.load(Ordering::Relaxed) {
                let now = time::now_precise();
                if let Some(follower) = follower.as_mut() {
                    follower.tick(&controlled, now);
                }
                controlled.write(|store| {
                    deployments.step(store, now);
                    let mut metrics = crate::store::lock(&controlled.metrics);
                    let pods = store.list("pods", None);
                    metrics.record(pods, now - last.unwrap_or(now), &settings.error_rates);
                    metrics.sample(now);
                });
                last = Some(now);
                std::thread::sleep(TICK);
            }
        });
        Ok(Sandbox {
            address,
            cluster,
            ca_pem: tls.map(|tls| tls.ca_pem),
            stopping,
            controllers: Some(controllers),
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn url(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.address)
    }

    /// The CA certificate clients trust (PEM), when serving HTTPS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The bearer token of the Argo CD REST API.
    pub fn argocd_token(&self) -> &str {
        &self.cluster.argocd_token
    }

    /// Changes the cluster's objects directly, as a controller would (watchers see it).
    pub fn write<T>(&self, write: impl FnOnce(&mut Store) -> T) -> T {
        self.cluster.write(write)
    }

    /// A kubeconfig with one context, `forge-sandbox`, pointing at this sandbox.
    pub fn kubeconfig(&self) -> String {
        use base64::Engine;
        let ca = self
            .ca_pem
            .as_ref()
            .map(|pem| {
                let data = base64::engine::general_purpose::STANDARD.encode(pem);
                format!("      certificate-authority-data: {data}\n")
            })
            .unwrap_or_default();
        let user = match &self.cluster.api_token {
            Some(token) => format!("\n      token: {token}"),
            None => " {}".into(),
        };
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n  - name: forge-sandbox\n    cluster:\n      server: {url}\n{ca}contexts:\n  - name: forge-sandbox\n    context:\n      cluster: forge-sandbox\n      user: forge-sandbox\n      namespace: default\ncurrent-context: forge-sandbox\nusers:\n  - name: forge-sandbox\n    user:{user}\n",
            url = self.url()
        )
    }
}

impl Drop for Sandbox {
    /// Stops the controllers and waits for the one at work, so the follower's clone of the env
    /// repo is removed.
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::Relaxed);
        if let Some(controllers) = self.controllers.take() {
            let _ = controllers.join();
        }
    }
}

/// 16 random bytes, hex: a bearer token.
fn random_token() -> std::io::Result<String> {
    let mut token = [0u8; 16];
    getrandom::fill(&mut token).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(hex::encode(token))
}

/// `GET /apis/apps/v1/deployments?watch=true` for the log: method, path and query, no headers
/// (they may hold tokens).
fn request_line(request: &http::Request) -> String {
    let query: Vec<String> = request
        .query
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    if query.is_empty() {
        format!("{} {}", request.method, request.path)
    } else {
        format!("{} {}?{}", request.method, request.path, query.join("&"))
    }
}
