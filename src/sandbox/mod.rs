//! `forge sandbox`: a local stand-in for a cluster that speaks the Kubernetes API over HTTP on
//! loopback, so forge (and the real kubectl) can be exercised with no cluster. It is a server
//! that forge talks to over HTTP, never a shortcut into forge's internals.
//!
//! It serves the API (discovery, OpenAPI, get, list, watch, create, merge/JSON/apply patch,
//! status, delete) for core, apps, Flux and Argo CD resources, over HTTP or TLS; follows an env
//! repo as Flux or Argo CD would (built-in kustomize, `helm template` for HelmReleases), rolls
//! Deployments out over simulated time, serves per-version request metrics and a PromQL
//! subset, and injects faults on request.

pub mod api;
pub mod argocd;
pub mod flux;
pub mod helm;
pub mod http;
pub mod jsonpatch;
pub mod kustomize;
pub mod metrics;
pub mod openapi;
pub mod promql;
pub mod resources;
pub mod rollout;
pub mod store;
pub mod table;
pub mod tls;

use api::Cluster;
use serde_json::json;
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Namespaces a fresh sandbox has, as a real cluster with Flux and Argo CD would.
const NAMESPACES: [&str; 4] = ["default", "kube-system", "flux-system", "argocd"];

pub struct Sandbox {
    pub address: SocketAddr,
    pub cluster: Arc<Cluster>,
    /// The CA that signed the server certificate (PEM), when serving HTTPS.
    pub ca_pem: Option<String>,
}

/// The sandbox's log: one plain line per API request and per reconcile, each written with a
/// single unbuffered write so `tail -f` and tests see it at once.
#[derive(Default)]
pub struct Log(Option<Mutex<std::fs::File>>);

impl Log {
    pub fn create(path: &std::path::Path) -> std::io::Result<Log> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Log(Some(Mutex::new(file))))
    }

    pub fn line(&self, text: impl std::fmt::Display) {
        if let Some(file) = &self.0 {
            let stamp = crate::time::rfc3339(crate::time::now_epoch());
            let line = format!("{stamp} {text}\n");
            // A full disk must not take the API down: the log is a convenience.
            if let Ok(mut file) = file.lock() {
                let _ = file.write_all(line.as_bytes());
            }
        }
    }
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
    pub fn start(port: u16, options: Options) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let address = listener.local_addr()?;
        let mut token = [0u8; 16];
        getrandom::fill(&mut token).map_err(|e| std::io::Error::other(e.to_string()))?;
        let tls = if options.tls {
            Some(tls::generate().map_err(std::io::Error::other)?)
        } else {
            None
        };
        let mut cluster = Cluster::new(options.faults.clone(), hex::encode(token));
        if tls.is_some() {
            let mut api_token = [0u8; 16];
            getrandom::fill(&mut api_token).map_err(|e| std::io::Error::other(e.to_string()))?;
            cluster.api_token = Some(hex::encode(api_token));
        }
        if let Some(path) = &options.log {
            cluster.log = Log::create(path)?;
        }
        let cluster = Arc::new(cluster);
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
        let mut reconciler = options
            .flux
            .clone()
            .map(flux::Reconciler::new)
            .transpose()?;
        let controlled = Arc::clone(&cluster);
        let mut deployments = rollout::Controller::new(options.rollout.clone());
        std::thread::spawn(move || {
            let mut last = None;
            loop {
                let now = crate::time::now_precise();
                if let Some(reconciler) = reconciler.as_mut() {
                    reconciler.tick(&controlled, now);
                }
                controlled.write(|store| {
                    deployments.step(store, now);
                    let mut metrics = controlled.metrics.lock().expect("metrics lock");
                    metrics.record(store, now - last.unwrap_or(now), &options.error_rates);
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
        })
    }

    pub fn url(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.address)
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
