//! Request traffic the test controls, for the real stack (kwok's pods serve nothing): every
//! ready pod not being deleted in a namespace serves 10 requests a second, a share of them
//! failing when its image ends with a given suffix, counted as the sandbox counts them
//! (`http_requests_total{namespace,app,version,code}`, version from the pod's
//! `app.kubernetes.io/version` label or else its image tag) and served on `/metrics` for a
//! real Prometheus to scrape.

use crate::serving::is_serving;
use forge_base::image::split_reference;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REQUESTS_PER_POD: f64 = 10.0;

/// namespace, app, version, code.
type Series = (String, String, String, u16);

/// Stopped when dropped.
pub struct Traffic {
    port: u16,
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Traffic {
    /// Serves traffic from `namespace`'s pods; images ending with `failing.0` fail that share
    /// (`failing.1`) of their requests.
    pub fn start(
        kubectl: PathBuf,
        kubeconfig: PathBuf,
        namespace: String,
        failing: (String, f64),
    ) -> Traffic {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(Mutex::new(BTreeMap::<Series, f64>::new()));
        let count = {
            let (stop, counters) = (stop.clone(), counters.clone());
            std::thread::spawn(move || {
                let mut last = Instant::now();
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(500));
                    let Some(pods) = pods(&kubectl, &kubeconfig, &namespace) else {
                        continue;
                    };
                    let seconds = last.elapsed().as_secs_f64();
                    last = Instant::now();
                    let mut counters = counters.lock().unwrap();
                    for (app, version, image) in pods {
                        let share = if image.ends_with(&failing.0) {
                            failing.1
                        } else {
                            0.0
                        };
                        let requests = REQUESTS_PER_POD * seconds;
                        for (code, part) in [(200, 1.0 - share), (500, share)] {
                            let series = (namespace.clone(), app.clone(), version.clone(), code);
                            *counters.entry(series).or_default() += requests * part;
                        }
                    }
                }
            })
        };
        let serve = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((mut stream, _)) => {
                            let _ = stream.set_nonblocking(false);
                            let mut request = [0u8; 1024];
                            let _ = stream.read(&mut request);
                            let body = exposition(&counters.lock().unwrap());
                            let _ = write!(
                                stream,
                                "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\n\r\n{body}",
                                body.len()
                            );
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(50)),
                    }
                }
            })
        };
        Traffic {
            port,
            stop,
            threads: vec![count, serve],
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for Traffic {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// The (app, version, image) of every ready pod not being deleted.
fn pods(
    kubectl: &Path,
    kubeconfig: &Path,
    namespace: &str,
) -> Option<Vec<(String, String, String)>> {
    let output = Command::new(kubectl)
        .args(["get", "pods", "-n", namespace, "-o", "json"])
        .env("KUBECONFIG", kubeconfig)
        .output()
        .ok()?;
    let list: Value = serde_json::from_slice(&output.stdout).ok()?;
    let serving = list["items"]
        .as_array()?
        .iter()
        .filter(|pod| is_serving(pod))
        .map(|pod| {
            let labels = &pod["metadata"]["labels"];
            let label = |key: &str| labels[key].as_str().map(str::to_string);
            let image = pod["spec"]["containers"][0]["image"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let app = label("app.kubernetes.io/name").unwrap_or_else(|| "unknown".into());
            // The sandbox's own splitter, so both count a version alike.
            let version = label("app.kubernetes.io/version")
                .unwrap_or_else(|| split_reference(&image).tag.unwrap_or_default());
            (app, version, image)
        })
        .collect();
    Some(serving)
}

/// The counters in Prometheus's text format.
fn exposition(counters: &BTreeMap<Series, f64>) -> String {
    let mut text = String::from("# TYPE http_requests_total counter\n");
    for ((namespace, app, version, code), value) in counters {
        let _ = writeln!(
            text,
            "http_requests_total{{namespace=\"{namespace}\",app=\"{app}\",version=\"{version}\",code=\"{code}\"}} {value}"
        );
    }
    text
}
