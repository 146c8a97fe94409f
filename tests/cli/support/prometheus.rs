//! A real Prometheus on loopback scraping one target's `/metrics` every second: the sandbox,
//! or the traffic the real-stack tests serve. Shared by every test that judges canary
//! analysis against a real Prometheus.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Stopped when dropped.
pub struct Prometheus {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Prometheus {
    /// Starts it with its config, data and log under `dir`, and waits until it is ready.
    pub fn start(dir: &Path, target_port: u16) -> Prometheus {
        std::fs::create_dir_all(dir).unwrap();
        let port = super::free_port();
        let config = format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: target\n    static_configs:\n      - targets: ['127.0.0.1:{target_port}']\n"
        );
        std::fs::write(dir.join("prometheus.yml"), config).unwrap();
        // Hermetic: nothing of the caller's environment but where programs are.
        let child = Command::new("prometheus")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("prometheus.log")).unwrap())
            .spawn()
            .unwrap();
        let prometheus = Prometheus {
            child,
            port,
            dir: dir.to_path_buf(),
        };
        prometheus.wait_until(|p| p.get("/-/ready").is_some(), "ready");
        prometheus
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops it, as a crashed Prometheus would be gone.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Polls until a query has data (the first scrape lands a few seconds after start).
    pub fn wait_for(&self, query: &str) {
        self.wait_until(|p| p.query(query).is_some(), &format!("answered {query}"));
    }

    fn wait_until(&self, done: impl Fn(&Prometheus) -> bool, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "Prometheus never {what}: {}",
                std::fs::read_to_string(self.dir.join("prometheus.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The instant query's first value, when it has one.
    pub fn query(&self, query: &str) -> Option<f64> {
        let body = self.get(&format!("/api/v1/query?query={}", url_encode(query)))?;
        let json: serde_json::Value = serde_json::from_str(body.trim()).ok()?;
        json.pointer("/data/result/0/value/1")?
            .as_str()?
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
    }

    /// A successful response's body.
    fn get(&self, path: &str) -> Option<String> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        // HTTP/1.0: the whole body, never chunked.
        write!(stream, "GET {path} HTTP/1.0\r\nHost: prometheus\r\n\r\n").ok()?;
        let mut response = String::new();
        stream.read_to_string(&mut response).ok()?;
        let (head, body) = response.split_once("\r\n\r\n")?;
        (head.split(' ').nth(1) == Some("200")).then(|| body.to_string())
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Percent-encodes everything but letters and digits (for PromQL in a query string).
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
