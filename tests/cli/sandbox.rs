//! `forge sandbox up` judged by the real kubectl: discovery, get, list with selectors, create,
//! merge patch (generation moves only with spec), annotate, the status subresource, and
//! `kubectl wait`, which watches.

use crate::deploy::EnvRepoFixture;
use crate::prometheus::{Prometheus, url_encode};
use crate::{TestEnv, require_tool, stderr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RunningSandbox {
    child: Child,
    pub dir: PathBuf,
    home: PathBuf,
}

impl RunningSandbox {
    fn start(env: &TestEnv) -> RunningSandbox {
        Self::start_with(env, &[])
    }

    pub fn start_with(env: &TestEnv, args: &[&str]) -> RunningSandbox {
        Self::launch(env, args, None)
    }

    /// The sandbox following `repo`'s env repo, reconciling every second, with `args` more.
    pub fn following(repo: &EnvRepoFixture, args: &[&str]) -> RunningSandbox {
        Self::launch(&repo.env, &follow_args(repo, args), None)
    }

    /// `following`, with only `git` on its PATH: no `helm` to render charts with.
    fn following_without_helm(repo: &EnvRepoFixture, args: &[&str]) -> RunningSandbox {
        let bin = repo.env.path().join("git-only-bin");
        std::fs::create_dir_all(&bin).unwrap();
        let git = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|dir| dir.join("git"))
            .find(|path| path.is_file())
            .expect("git is on PATH");
        std::os::unix::fs::symlink(git, bin.join("git")).unwrap();
        Self::launch(&repo.env, &follow_args(repo, args), Some(&bin))
    }

    fn launch(env: &TestEnv, args: &[&str], path: Option<&Path>) -> RunningSandbox {
        let dir = env.path().join("sandbox");
        // Hermetic: where programs are and the test's home, nothing else of the caller's.
        let path = path.map_or_else(
            || std::env::var_os("PATH").unwrap_or_default(),
            |path| path.as_os_str().to_owned(),
        );
        let child = Command::new(env!("CARGO_BIN_EXE_forge"))
            .args(["sandbox", "up", "--dir"])
            .arg(&dir)
            .args(args)
            .current_dir(env.path())
            .env_clear()
            .env("PATH", path)
            .env("HOME", env.path().join("home"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !dir.join("sandbox.json").exists() {
            assert!(
                Instant::now() < deadline,
                "the sandbox never wrote sandbox.json"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        RunningSandbox {
            child,
            dir,
            home: env.path().join("home"),
        }
    }

    /// Real kubectl against the sandbox, with a private HOME (kubectl caches discovery) and
    /// none of this machine's CA variables, so `--tls` is trusted through the kubeconfig alone.
    fn kubectl(&self, args: &[&str]) -> std::process::Output {
        Command::new("kubectl")
            .args(args)
            .env("KUBECONFIG", self.dir.join("kubeconfig"))
            .env("HOME", &self.home)
            .env_remove("SSL_CERT_FILE")
            .env_remove("SSL_CERT_DIR")
            .env_remove("CURL_CA_BUNDLE")
            .env_remove("GIT_SSL_CAINFO")
            .env_remove("REQUESTS_CA_BUNDLE")
            .output()
            .unwrap()
    }

    pub fn port(&self) -> u16 {
        let info: serde_json::Value =
            serde_json::from_slice(&std::fs::read(self.dir.join("sandbox.json")).unwrap()).unwrap();
        info["port"].as_u64().unwrap() as u16
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sandbox.log")).unwrap_or_default()
    }

    pub fn kubectl_ok(&self, args: &[&str]) -> String {
        let output = self.kubectl(args);
        assert!(
            output.status.success(),
            "kubectl {args:?}: {}",
            stderr(&output)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Runs kubectl expecting it to fail and to say `message` on stderr.
    fn kubectl_fails(&self, args: &[&str], message: &str) {
        let output = self.kubectl(args);
        assert!(!output.status.success(), "kubectl {args:?} succeeded");
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
    }

    /// Whether `kubectl get` finds `object` in `namespace`.
    fn exists(&self, object: &str, namespace: &str) -> bool {
        self.kubectl(&["get", object, "-n", namespace])
            .status
            .success()
    }

    /// Asserts that `kubectl get` finds no `object` in `namespace`; `why` says what that shows.
    #[track_caller]
    pub fn assert_absent(&self, object: &str, namespace: &str, why: &str) {
        assert!(!self.exists(object, namespace), "{why}");
    }

    /// Polls until `kubectl get` finds the object (kubectl wait fails at once on a missing one).
    fn wait_exists(&self, object: &str, namespace: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.exists(object, namespace) {
            assert!(
                Instant::now() < deadline,
                "{object} in {namespace} never appeared"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// One object's fields: `kubectl get <object> -n <namespace> -o jsonpath=<template>`.
    pub fn jsonpath(&self, object: &str, namespace: &str, template: &str) -> String {
        self.kubectl_ok(&get_args(
            object,
            namespace,
            &format!("jsonpath={template}"),
        ))
    }

    /// Polls `jsonpath` until it prints `expected`.
    fn wait_for_jsonpath(&self, object: &str, namespace: &str, template: &str, expected: &str) {
        let output = format!("jsonpath={template}");
        let args = get_args(object, namespace, &output);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let output = self.kubectl(&args);
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            if text == expected {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{args:?} printed {text:?}, never {expected:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `kubectl wait` until `object` in `namespace` is Ready, for 30 seconds at the most.
    fn wait_ready(&self, object: &str, namespace: &str) {
        let ready = ["--for=condition=Ready", object, "-n", namespace];
        self.kubectl_ok(&[&["wait"], &ready[..], &["--timeout=30s"]].concat());
    }

    /// A JSON merge patch of `object`'s status subresource, as its controller would write it.
    pub fn patch_status(&self, object: &str, namespace: &str, patch: &str) -> String {
        let status = ["--subresource=status", "--type", "merge", "-p", patch];
        self.kubectl_ok(&[&["patch", object, "-n", namespace], &status[..]].concat())
    }

    /// `kubectl patch` of `object` in `namespace` with a JSON merge patch.
    pub fn merge_patch(&self, object: &str, namespace: &str, patch: &str) -> String {
        self.kubectl_ok(&patch_args(object, namespace, "merge", patch))
    }

    pub fn apply(&self, manifest: &str) {
        let path = self.dir.join("manifest.yaml");
        std::fs::write(&path, manifest).unwrap();
        self.kubectl_ok(&["create", "--validate=false", "-f", path.to_str().unwrap()]);
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A bare sandbox in a fresh test env, both kept alive by the caller; None (the test is
/// skipped) where kubectl is missing.
fn sandbox_for_kubectl() -> Option<(TestEnv, RunningSandbox)> {
    if !require_tool("kubectl") {
        return None;
    }
    let env = TestEnv::new();
    let sandbox = RunningSandbox::start(&env);
    Some((env, sandbox))
}

/// Injected API faults: a fifth of requests fail, a tenth are throttled, watches are cut
/// after a second.
pub const API_FAULTS: [&str; 6] = [
    "--api-error-rate",
    "0.2",
    "--api-throttle-rate",
    "0.1",
    "--drop-watches-after",
    "1s",
];

fn follow_args<'a>(repo: &'a EnvRepoFixture, args: &[&'a str]) -> Vec<&'a str> {
    [&["--env-repo", &repo.url, "--interval", "1s"], args].concat()
}

/// `kubectl get <object> -n <namespace> -o <output>`.
fn get_args<'a>(object: &'a str, namespace: &'a str, output: &'a str) -> [&'a str; 6] {
    ["get", object, "-n", namespace, "-o", output]
}

/// `kubectl patch` of `object` in `namespace` with a patch of `patch_type` (json or merge).
fn patch_args<'a>(
    object: &'a str,
    namespace: &'a str,
    patch_type: &'a str,
    patch: &'a str,
) -> [&'a str; 8] {
    [
        "patch", object, "-n", namespace, "--type", patch_type, "-p", patch,
    ]
}

/// `kubectl rollout status` of `target` in `namespace`, giving up after 30 seconds.
pub fn rollout_status<'a>(target: &'a str, namespace: &'a str) -> [&'a str; 6] {
    [
        "rollout",
        "status",
        target,
        "-n",
        namespace,
        "--timeout=30s",
    ]
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
";

#[test]
fn kubectl_reads_and_writes_built_in_resources() {
    let Some((_env, sandbox)) = sandbox_for_kubectl() else {
        return;
    };
    // kubectl takes the aggregated discovery document: two requests, no per-group lists.
    let cache = sandbox.dir.join("discovery-cache");
    let discovery = sandbox.kubectl(&[
        "get",
        "deployments",
        "-v=6",
        "--cache-dir",
        cache.to_str().unwrap(),
    ]);
    assert!(discovery.status.success(), "{}", stderr(&discovery));
    let log = stderr(&discovery);
    assert!(
        log.contains("/apis?timeout") && !log.contains("/apis/apps/v1?timeout"),
        "{log}"
    );
    let namespaces = sandbox.kubectl_ok(&["get", "namespaces", "-o", "name"]);
    for ns in ["default", "flux-system", "argocd", "kube-system"] {
        assert!(
            namespaces.contains(&format!("namespace/{ns}")),
            "{namespaces}"
        );
    }
    sandbox.apply(DEPLOYMENT);
    let field = |path: &str| sandbox.jsonpath("deployment/web", "default", &format!("{{{path}}}"));
    assert_eq!(field(".metadata.generation"), "1");
    sandbox.kubectl_ok(&["annotate", "deployment", "web", "team=platform"]);
    assert_eq!(
        field(".metadata.generation"),
        "1",
        "metadata changes keep the generation"
    );
    assert_eq!(field(".metadata.annotations.team"), "platform");
    sandbox.merge_patch("deployment/web", "default", r#"{"spec":{"replicas":3}}"#);
    assert_eq!(field(".metadata.generation"), "2");
    assert_eq!(field(".spec.replicas"), "3");
    assert_eq!(
        sandbox
            .kubectl_ok(&["get", "deploy", "-l", "app=web", "-o", "name"])
            .trim(),
        "deployment.apps/web"
    );
    assert_eq!(
        sandbox
            .kubectl_ok(&["get", "deploy", "-l", "app!=web", "-o", "name"])
            .trim(),
        ""
    );
    // Server-side apply creates, then merges the applied configuration.
    let applied = sandbox.dir.join("applied.yaml");
    std::fs::write(&applied, DEPLOYMENT.replace("name: web", "name: api")).unwrap();
    let apply = [
        "apply",
        "--server-side",
        "--validate=false",
        "-f",
        applied.to_str().unwrap(),
    ];
    assert!(sandbox.kubectl_ok(&apply).contains("serverside-applied"));
    std::fs::write(
        &applied,
        DEPLOYMENT
            .replace("name: web", "name: api")
            .replace("replicas: 2", "replicas: 4"),
    )
    .unwrap();
    sandbox.kubectl_ok(&apply);
    let api = sandbox.jsonpath(
        "deployment/api",
        "default",
        "{.spec.replicas} {.metadata.generation}",
    );
    assert_eq!(api, "4 2");
    // A write naming a stale resourceVersion is a conflict.
    let stale = r#"{"metadata":{"resourceVersion":"1"},"spec":{"replicas":5}}"#;
    sandbox.kubectl_fails(
        &patch_args("deployment/web", "default", "merge", stale),
        "the object has been modified",
    );
    // Server-side printing gives kubectl the columns a real cluster shows.
    let table = sandbox.kubectl_ok(&["get", "deployment", "web"]);
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        "{table}"
    );
    sandbox.kubectl_fails(
        &["get", "deployment", "nope"],
        "deployments.apps \"nope\" not found",
    );
    // kubectl pages through long lists with limit/continue.
    let config_maps: String = (0..7)
        .map(|i| format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: page-{i}}}\ndata: {{a: b}}\n---\n"))
        .collect();
    sandbox.apply(&config_maps);
    let paged = sandbox.kubectl_ok(&["get", "configmaps", "--chunk-size=3", "-o", "name"]);
    let names: Vec<&str> = paged.lines().filter(|l| l.contains("page-")).collect();
    assert_eq!(names.len(), 7, "{paged}");
    let raw = sandbox.kubectl_ok(&[
        "get",
        "--raw",
        "/api/v1/namespaces/default/configmaps?limit=3",
    ]);
    let first_page: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(first_page["items"].as_array().unwrap().len(), 3);
    assert_eq!(first_page["metadata"]["continue"], "3");
    assert_eq!(first_page["metadata"]["remainingItemCount"], 4);
    sandbox.kubectl_ok(&["delete", "deployment", "web", "api", "--wait=false"]);
    assert_eq!(
        sandbox.kubectl_ok(&["get", "deploy", "-o", "name"]).trim(),
        ""
    );
}

#[test]
fn kubectl_waits_on_a_flux_kustomization_condition() {
    let Some((_env, sandbox)) = sandbox_for_kubectl() else {
        return;
    };
    sandbox.apply(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: hello-dev, namespace: flux-system}
spec: {interval: 1m, path: ./apps/hello/dev, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
",
    );
    let mut wait = Command::new("kubectl")
        .args([
            "wait",
            "--for=condition=Ready",
            "kustomization/hello-dev",
            "-n",
            "flux-system",
            "--timeout=20s",
        ])
        .env("KUBECONFIG", sandbox.dir.join("kubeconfig"))
        .env("HOME", &sandbox.home)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        wait.try_wait().unwrap().is_none(),
        "kubectl wait must still be waiting"
    );
    let ready = r#"{"status":{"observedGeneration":1,"conditions":[{"type":"Ready","status":"True","reason":"ReconciliationSucceeded","message":"Applied revision: main@sha1:0123","lastTransitionTime":"2026-11-24T08:00:00Z"}]}}"#;
    sandbox.patch_status("kustomization/hello-dev", "flux-system", ready);
    let output = wait.wait_with_output().unwrap();
    assert!(output.status.success(), "kubectl wait: {}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("condition met"));

    // Custom resources take merge patches only, as on a real API server.
    sandbox.kubectl_fails(
        &[
            "patch",
            "kustomization",
            "hello-dev",
            "-n",
            "flux-system",
            "--type",
            "strategic",
            "-p",
            r#"{"metadata":{"labels":{"a":"b"}}}"#,
        ],
        "strategic-merge-patch+json is not supported",
    );
}

#[test]
fn sigterm_stops_the_sandbox_cleanly() {
    let env = TestEnv::new();
    let mut sandbox = RunningSandbox::start(&env);
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sandbox.dir.join("sandbox.json")).unwrap()).unwrap();
    assert_eq!(info["pid"], sandbox.child.id());
    let kubeconfig = std::fs::read_to_string(sandbox.dir.join("kubeconfig")).unwrap();
    assert!(
        kubeconfig.contains(&format!("server: {}", info["url"].as_str().unwrap())),
        "{kubeconfig}"
    );
    assert!(kubeconfig.contains("current-context: forge-sandbox"));
    let status = Command::new("kill")
        .args(["-TERM", &sandbox.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = sandbox.child.wait().unwrap();
    assert_eq!(exit.code(), Some(0));
    assert!(
        !Path::new(&sandbox.dir.join("sandbox.json")).exists(),
        "sandbox.json is removed on exit"
    );
}

/// The sandbox's built-in kustomize must build forge's overlays exactly as kubectl does.
#[test]
fn the_built_in_kustomize_agrees_with_kubectl_on_forge_overlays() {
    if !require_tool("kubectl") {
        return;
    }
    let env = TestEnv::new();
    let app = crate::render::kustomize_app(&env);
    let dir = crate::render::render(&env, &app.join("forge.yaml"), "dev", "out");
    let by_name =
        |objects: Vec<serde_json::Value>| -> std::collections::BTreeMap<String, serde_json::Value> {
            objects
                .into_iter()
                .map(|o| {
                    (
                        format!(
                            "{}/{}",
                            o["kind"].as_str().unwrap(),
                            o["metadata"]["name"].as_str().unwrap()
                        ),
                        o,
                    )
                })
                .collect()
        };
    let files = forge::fs::read_tree(&dir).unwrap();
    let ours = by_name(forge_sandbox::kustomize::build(&files, "").unwrap());
    let built = crate::run_ok(Command::new("kubectl").arg("kustomize").arg(&dir));
    let theirs = by_name(serde_saphyr::from_multiple(&built).unwrap());
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    for (name, object) in &theirs {
        assert_eq!(&ours[name], object, "{name} differs");
    }
}

/// Deploys the sample app to dev at `version`, with `args` more, without waiting; returns
/// the env repo's new head.
fn deploy_sample(repo: &EnvRepoFixture, version: &str, args: &[&str]) -> String {
    let deploy = [&["dev", "--version", version, "--no-wait"], args].concat();
    let deployed = repo.deploy("sample", &deploy);
    assert_eq!(deployed.status.code(), Some(0), "{}", stderr(&deployed));
    repo.remote_git(&["rev-parse", "main"])
}

/// The sample app deployed at 1.0.0 to a fresh env repo, and a sandbox following that repo
/// with `args`; returns both and the commit deployed.
fn deployed_and_followed(args: &[&str]) -> (EnvRepoFixture, RunningSandbox, String) {
    let repo = EnvRepoFixture::new();
    let head = deploy_sample(&repo, "1.0.0", &[]);
    let sandbox = RunningSandbox::following(&repo, args);
    (repo, sandbox, head)
}

/// Deploys version 1.1.0 of the sample app with an image the sandbox crash-loops
/// (`--bad-image '*:bad'`); returns the new head of the env repo.
fn deploy_bad_image(repo: &EnvRepoFixture) -> String {
    deploy_sample(
        repo,
        "1.1.0",
        &["--image", "web=ghcr.io/forge-demo/hello:bad"],
    )
}

/// The whole loop with real tools: forge commits, the sandbox's Flux applies the commit, its
/// deployment controller rolls it out, and kubectl judges each step.
#[test]
fn the_sandbox_applies_what_forge_deploys_and_rolls_it_out() {
    if !require_tool("kubectl") {
        return;
    }
    let (repo, sandbox, head) =
        deployed_and_followed(&["--bad-image", "*:bad", "--progress-deadline", "3s"]);
    let ks = "kustomization/hello-dev";
    sandbox.wait_exists(ks, "flux-system");
    sandbox.wait_ready(ks, "flux-system");
    let applied = sandbox.jsonpath(ks, "flux-system", "{.status.lastAppliedRevision}");
    assert_eq!(applied, format!("main@sha1:{head}"));
    let source = sandbox.jsonpath(
        "gitrepository/flux-system",
        "flux-system",
        "{.status.artifact.revision}",
    );
    assert_eq!(source, format!("main@sha1:{head}"));
    sandbox.wait_exists("deployment/hello", "hello-dev");
    let rolled = sandbox.kubectl_ok(&rollout_status("deployment/hello", "hello-dev"));
    assert!(rolled.contains("successfully rolled out"), "{rolled}");
    let image = sandbox.jsonpath(
        "deployment/hello",
        "hello-dev",
        "{.spec.template.spec.containers[0].image}",
    );
    assert!(
        image.starts_with("ghcr.io/forge-demo/hello@sha256:"),
        "{image}"
    );

    // A bad image: pods crash-loop, the rollout fails at the progress deadline, logs say why.
    let head = deploy_bad_image(&repo);
    sandbox.kubectl_ok(&[
        "annotate",
        "--overwrite",
        "kustomization",
        "hello-dev",
        "-n",
        "flux-system",
        "reconcile.fluxcd.io/requestedAt=now-1",
    ]);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let handled = sandbox.jsonpath(
            ks,
            "flux-system",
            "{.status.lastHandledReconcileAt} {.status.lastAppliedRevision}",
        );
        if handled == format!("now-1 main@sha1:{head}") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the requested reconcile never happened: {handled}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    sandbox.kubectl_fails(
        &rollout_status("deployment/hello", "hello-dev"),
        "exceeded its progress deadline",
    );
    let pods = sandbox.kubectl_ok(&["get", "pods", "-n", "hello-dev", "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.containerStatuses[0].state.waiting.reason}{\"\\n\"}{end}"]);
    let crashing = pods
        .lines()
        .find(|l| l.ends_with("CrashLoopBackOff"))
        .unwrap_or_else(|| panic!("{pods}"));
    let pod = crashing.split(' ').next().unwrap();
    let logs = sandbox.kubectl_ok(&["logs", pod, "-n", "hello-dev"]);
    assert!(logs.contains("marked bad"), "{logs}");
}

/// A raw HTTP/1.1 GET against the sandbox: status line, headers and body as one string.
fn raw_get(sandbox: &RunningSandbox, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", sandbox.port())).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn injected_api_faults_and_dropped_watches() {
    let env = TestEnv::new();
    let sandbox = RunningSandbox::start_with(&env, &API_FAULTS);
    let statuses: Vec<String> = (0..50)
        .map(|_| {
            raw_get(&sandbox, "/api/v1/namespaces/default/configmaps")
                .lines()
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    let count = |code: &str| statuses.iter().filter(|s| s.contains(code)).count();
    // The failing share is spread evenly, not drawn at random: close to 20% and 10% at once.
    assert!((8..=12).contains(&count(" 500 ")), "{statuses:?}");
    assert!((3..=7).contains(&count(" 429 ")), "{statuses:?}");
    assert_eq!(
        count(" 200 ") + count(" 500 ") + count(" 429 "),
        50,
        "{statuses:?}"
    );
    let throttled = (0..20)
        .map(|_| raw_get(&sandbox, "/api/v1/namespaces/default/configmaps"))
        .find(|r| r.contains(" 429 "))
        .unwrap();
    assert!(throttled.contains("Retry-After: 1"), "{throttled}");
    assert!(
        throttled.contains(r#""reason":"TooManyRequests""#),
        "{throttled}"
    );
    // Discovery is never failed: clients must be able to find the API to retry against it.
    assert!((0..20).all(|_| raw_get(&sandbox, "/apis").starts_with("HTTP/1.1 200")));

    // A watch is cut after a second even though it asked for an hour.
    let started = Instant::now();
    let watched = (0..20)
        .map(|_| {
            raw_get(
                &sandbox,
                "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=3600",
            )
        })
        .find(|r| r.starts_with("HTTP/1.1 200"))
        .unwrap();
    assert!(
        watched.ends_with("0\r\n\r\n"),
        "the chunked stream ends cleanly: {watched}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn pods_serve_metrics_per_version_with_injected_errors() {
    if !require_tool("kubectl") {
        return;
    }
    let (repo, sandbox, _) = deployed_and_followed(&["--error-rate", "ghcr.io/forge-demo/*=0.25"]);
    sandbox.wait_exists("deployment/hello", "hello-dev");
    sandbox.kubectl_ok(&rollout_status("deployment/hello", "hello-dev"));
    let deadline = Instant::now() + Duration::from_secs(20);
    let (ok, failed) = loop {
        let metrics = sandbox.kubectl_ok(&["get", "--raw", "/metrics"]);
        let value = |code: &str| -> f64 {
            let series = format!(
                r#"http_requests_total{{namespace="hello-dev",app="hello",version="1.0.0",code="{code}"}} "#
            );
            metrics
                .lines()
                .find_map(|l| l.strip_prefix(&series))
                .map_or(0.0, |v| v.parse().unwrap())
        };
        if value("200") >= 30.0 || Instant::now() > deadline {
            break (value("200"), value("500"));
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(ok >= 30.0, "ready pods serve traffic: {ok}");
    let share = failed / (ok + failed);
    assert!(
        (0.2..0.3).contains(&share),
        "a quarter fails: {failed} of {}",
        ok + failed
    );
    // The sandbox answers the same PromQL itself, for analysis with no Prometheus installed.
    let query = r#"sum(rate(http_requests_total{app="hello",code=~"5.."}[10s])) / sum(rate(http_requests_total{app="hello"}[10s]))"#;
    let encoded = url_encode(query);
    let answer = sandbox.kubectl_ok(&["get", "--raw", &format!("/api/v1/query?query={encoded}")]);
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["status"], "success", "{answer}");
    let own: f64 = answer["data"]["result"][0]["value"][1]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (own - 0.25).abs() < 0.01,
        "the sandbox computes a quarter failing: {own}"
    );

    // A real Prometheus scrapes the sandbox and computes the error ratio from its counters.
    if !require_tool("prometheus") {
        return;
    }
    let prometheus = Prometheus::start(&repo.env.path().join("prometheus"), sandbox.port());
    let query = r#"sum(rate(http_requests_total{app="hello",code="500"}[10s])) / sum(rate(http_requests_total{app="hello"}[10s]))"#;
    let deadline = Instant::now() + Duration::from_secs(40);
    let ratio = loop {
        if let Some(value) = prometheus.query(query) {
            break value;
        }
        assert!(
            Instant::now() < deadline,
            "Prometheus never answered {query}"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(
        (0.2..0.3).contains(&ratio),
        "Prometheus sees a quarter failing: {ratio}"
    );
}

#[test]
fn as_argo_cd_the_sandbox_syncs_applications_and_reports_health() {
    if !require_tool("kubectl") {
        return;
    }
    let (repo, sandbox, head) = deployed_and_followed(&[
        "--engine",
        "argocd",
        "--bad-image",
        "*:bad",
        "--progress-deadline",
        "3s",
    ]);
    let app = "application/hello-dev";
    let state = "{.status.sync.status} {.status.sync.revision} {.status.health.status} {.status.operationState.phase}";
    let synced = format!("Synced {head} Healthy Succeeded");
    sandbox.wait_for_jsonpath(app, "argocd", state, &synced);
    let destination = sandbox.jsonpath(
        app,
        "argocd",
        "{.spec.destination.namespace} {.spec.source.path}",
    );
    assert_eq!(destination, "hello-dev apps/hello/dev");
    sandbox.kubectl_ok(&rollout_status("deployment/hello", "hello-dev"));

    // A refresh is handled and its annotation cleared; a sync operation runs and is removed.
    sandbox.kubectl_ok(&[
        "annotate",
        "application",
        "hello-dev",
        "-n",
        "argocd",
        "argocd.argoproj.io/refresh=normal",
    ]);
    let refresh = "{.metadata.annotations.argocd\\.argoproj\\.io/refresh}";
    sandbox.wait_for_jsonpath(app, "argocd", refresh, "");
    let operation = format!(r#"{{"operation":{{"sync":{{"revision":"{head}"}}}}}}"#);
    sandbox.merge_patch(app, "argocd", &operation);
    sandbox.wait_for_jsonpath(app, "argocd", "{.operation}", "");
    let history = sandbox.jsonpath(app, "argocd", "{.status.history[*].revision}");
    assert_eq!(history, format!("{head} {head}"));

    // A bad image makes the application Degraded once the rollout misses its deadline.
    let head = deploy_bad_image(&repo);
    let degraded = format!("Synced {head} Degraded Succeeded");
    sandbox.wait_for_jsonpath(app, "argocd", state, &degraded);
}

/// A raw HTTP/1.1 request with a bearer token and a JSON body; returns (status, body).
fn argocd_request(
    sandbox: &RunningSandbox,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, serde_json::Value) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", sandbox.port())).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: argocd\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let json = serde_json::from_str(response.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    (status, json)
}

#[test]
fn the_argo_cd_rest_api_refreshes_syncs_and_rolls_back() {
    if !require_tool("kubectl") {
        return;
    }
    let (repo, sandbox, first) = deployed_and_followed(&["--engine", "argocd"]);
    let (status, _) = argocd_request(&sandbox, "GET", "/api/v1/applications/hello-dev", None, "");
    assert_eq!(status, 401, "the token is required");
    let (status, session) = argocd_request(
        &sandbox,
        "POST",
        "/api/v1/session",
        None,
        r#"{"username":"admin","password":"x"}"#,
    );
    assert_eq!(status, 200);
    let token = session["token"].as_str().unwrap().to_string();
    let get = |path: &str| argocd_request(&sandbox, "GET", path, Some(&token), "");
    let synced_to = |revision: &str| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (status, app) = get("/api/v1/applications/hello-dev");
            if status == 200
                && app
                    .pointer("/status/sync/revision")
                    .and_then(|r| r.as_str())
                    == Some(revision)
                && app.get("operation").is_none()
            {
                return app;
            }
            assert!(
                Instant::now() < deadline,
                "never synced to {revision}: {app}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    synced_to(&first);
    assert_eq!(get("/api/v1/applications/nope").0, 404);

    // A new deploy, then a hard refresh: the application follows the new commit.
    let second = deploy_sample(&repo, "1.1.0", &[]);
    assert_eq!(get("/api/v1/applications/hello-dev?refresh=hard").0, 200);
    let app = synced_to(&second);
    assert_eq!(app["status"]["history"].as_array().unwrap().len(), 2);

    // With automated sync, Argo CD refuses a rollback.
    let rollback = |id: u64| {
        let body = format!(r#"{{"id":{id}}}"#);
        argocd_request(
            &sandbox,
            "POST",
            "/api/v1/applications/hello-dev/rollback",
            Some(&token),
            &body,
        )
    };
    let (status, refused) = rollback(0);
    assert_eq!(status, 400);
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("auto-sync is enabled"),
        "{refused}"
    );

    // Without it, a new commit leaves the application OutOfSync until someone syncs.
    let manual = r#"{"spec":{"syncPolicy":null}}"#;
    sandbox.merge_patch("application/hello-dev", "argocd", manual);
    let third = deploy_sample(&repo, "1.2.0", &[]);
    assert_eq!(get("/api/v1/applications/hello-dev?refresh=normal").0, 200);
    let deadline = Instant::now() + Duration::from_secs(30);
    while get("/api/v1/applications/hello-dev")
        .1
        .pointer("/status/sync/status")
        .and_then(|s| s.as_str())
        != Some("OutOfSync")
    {
        assert!(Instant::now() < deadline, "never OutOfSync");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, app) = argocd_request(
        &sandbox,
        "POST",
        "/api/v1/applications/hello-dev/sync",
        Some(&token),
        "{}",
    );
    assert_eq!(status, 200);
    assert_eq!(app["operation"]["sync"]["revision"], "main");
    synced_to(&third);

    // A rollback to history id 0 applies the first commit's manifests again.
    assert_eq!(rollback(0).0, 200);
    synced_to(&first);
    let version = "{.metadata.labels.app\\.kubernetes\\.io/version}";
    let image = sandbox.jsonpath("deployment/hello", "hello-dev", version);
    assert_eq!(image, "1.0.0", "the first release's manifests are back");
    assert_eq!(rollback(99).0, 400);
}

/// The image the Helm sample app's chart runs, pinned by digest.
const SHOP_IMAGE: &str = "ghcr.io/forge-demo/shop@sha256:4f8a3c2b1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a";

/// Waits for the Helm app's Deployment in `namespace` to roll out; returns its replicas and
/// image, space-separated, then its `extra` fields (a jsonpath template).
fn shop_rolled_out(sandbox: &RunningSandbox, namespace: &str, extra: &str) -> String {
    sandbox.kubectl_ok(&rollout_status("deployment/shop", namespace));
    let fields = format!("{{.spec.replicas}} {{.spec.template.spec.containers[0].image}}{extra}");
    sandbox.jsonpath("deployment/shop", namespace, &fields)
}

#[test]
fn helm_releases_are_rendered_with_helm_and_rolled_out() {
    if !require_tool("kubectl") || !require_tool("helm") {
        return;
    }
    let repo = EnvRepoFixture::new();
    repo.helm_app();
    let deployed = repo.deploy("shop", &["dev", "--version", "1.4.0", "--no-wait"]);
    assert_eq!(deployed.status.code(), Some(0), "{}", stderr(&deployed));
    let sandbox = RunningSandbox::following(&repo, &[]);
    sandbox.wait_exists("helmrelease/shop", "shop-dev");
    sandbox.wait_ready("helmrelease/shop", "shop-dev");
    let status = sandbox.jsonpath("helmrelease/shop", "shop-dev", "{.status.lastAttemptedRevision} {.status.history[0].chartName} {.status.history[0].status}");
    assert_eq!(status, "0.1.0 shop deployed");
    sandbox.wait_exists("deployment/shop", "shop-dev");
    let deployment = shop_rolled_out(&sandbox, "shop-dev", "");
    assert_eq!(deployment, format!("2 {SHOP_IMAGE}"));
}

/// forge's sample Helm app (Flux in dev, Argo CD in prod) released to dev and prod, without
/// waiting; returns the env repo and its head.
fn helm_app_released_to_dev_and_prod() -> (EnvRepoFixture, String) {
    let repo = EnvRepoFixture::new();
    repo.helm_app();
    for env in ["dev", "prod"] {
        let deployed = repo.deploy("shop", &[env, "--version", "1.4.0", "--no-wait"]);
        assert_eq!(deployed.status.code(), Some(0), "{}", stderr(&deployed));
    }
    let head = repo.remote_git(&["rev-parse", "main"]);
    (repo, head)
}

/// Argo CD's Application for the Helm app in prod.
const SHOP_PROD: &str = "application/shop-prod";

/// Waits for `SHOP_PROD` to appear and then to show `expected` as
/// `<sync status> <revision> <operation phase>`.
fn wait_for_shop_prod_sync(sandbox: &RunningSandbox, expected: &str) {
    sandbox.wait_exists(SHOP_PROD, "argocd");
    let sync = "{.status.sync.status} {.status.sync.revision} {.status.operationState.phase}";
    sandbox.wait_for_jsonpath(SHOP_PROD, "argocd", sync, expected);
}

/// On Argo CD, a Helm env dir's `application.yaml` is the Application (as an app-of-apps
/// would apply it): its chart is rendered with its values and release name into its
/// destination namespace, and the status lists what was synced.
#[test]
fn argo_cd_renders_the_env_dirs_helm_application_with_its_values() {
    if !require_tool("kubectl") || !require_tool("helm") {
        return;
    }
    let (repo, head) = helm_app_released_to_dev_and_prod();
    let sandbox = RunningSandbox::following(&repo, &["-C", "shop/forge.yaml"]);
    let app = SHOP_PROD;
    wait_for_shop_prod_sync(&sandbox, &format!("Synced {head} Succeeded"));
    let source = sandbox.jsonpath(app, "argocd", "{.spec.source.path} {.spec.source.helm.releaseName} {.spec.source.helm.valuesObject.replicaCount} {.spec.destination.namespace}");
    assert_eq!(source, "apps/shop/prod/chart shop 3 shop");
    let resources = sandbox.jsonpath(
        app,
        "argocd",
        "{range .status.resources[*]}{.kind}/{.namespace}/{.name} {end}",
    );
    let mut resources: Vec<&str> = resources.split_whitespace().collect();
    resources.sort();
    assert_eq!(resources, ["Deployment/shop/shop", "Service/shop/shop"]);
    let history = sandbox.jsonpath(
        app,
        "argocd",
        "{.status.history[*].revision} {.status.history[0].source.path}",
    );
    assert_eq!(history, format!("{head} apps/shop/prod/chart"));

    let instance = " {.metadata.labels.app\\.kubernetes\\.io/instance}";
    let deployment = shop_rolled_out(&sandbox, "shop", instance);
    assert_eq!(deployment, format!("3 {SHOP_IMAGE} shop"));
    sandbox.wait_for_jsonpath(app, "argocd", "{.status.health.status}", "Healthy");
    sandbox.assert_absent(
        "application/shop-prod",
        "shop",
        "the Application itself is not applied as a resource",
    );
}

/// Without helm, Argo CD's sync of a Helm source fails and says why.
#[test]
fn without_helm_argo_cd_fails_the_sync_of_a_helm_source() {
    if !require_tool("kubectl") {
        return;
    }
    let (repo, head) = helm_app_released_to_dev_and_prod();
    let sandbox = RunningSandbox::following_without_helm(&repo, &["-C", "shop/forge.yaml"]);
    wait_for_shop_prod_sync(&sandbox, &format!("OutOfSync {head} Failed"));
    let message = sandbox.jsonpath(SHOP_PROD, "argocd", "{.status.operationState.message}");
    assert!(
        message.starts_with(
            "ComparisonError: helm is not installed, so the sandbox cannot render charts"
        ),
        "{message}"
    );
    sandbox.assert_absent("deployment/shop", "shop", "nothing is applied");
}

#[test]
fn a_slow_reconcile_reports_progress_before_it_applies() {
    if !require_tool("kubectl") {
        return;
    }
    let (_repo, sandbox, head) = deployed_and_followed(&["--reconcile-delay", "2s"]);
    let ks = "kustomization/hello-dev";
    sandbox.wait_exists(ks, "flux-system");
    let conditions = "{.status.conditions[?(@.type==\"Reconciling\")].status} {.status.conditions[?(@.type==\"Ready\")].status}";
    sandbox.wait_for_jsonpath(ks, "flux-system", conditions, "True Unknown");
    sandbox.assert_absent("deployment/hello", "hello-dev", "nothing is applied yet");
    let applied = "{.status.conditions[?(@.type==\"Ready\")].status} {.status.lastAppliedRevision}";
    sandbox.wait_for_jsonpath(
        ks,
        "flux-system",
        applied,
        &format!("True main@sha1:{head}"),
    );
}

/// curl with only the CA given on its command line (the machine's CA variables removed);
/// returns (exit code, stdout, stderr).
fn curl(args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new("curl")
        .args(["-sS", "--max-time", "10"])
        .args(args)
        .env_remove("CURL_CA_BUNDLE")
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr(&output),
    )
}

#[test]
fn with_tls_kubectl_and_curl_trust_the_generated_ca_and_plain_http_is_refused() {
    if !require_tool("kubectl") || !require_tool("curl") {
        return;
    }
    let env = TestEnv::new();
    let sandbox = RunningSandbox::start_with(&env, &["--tls"]);
    let port = sandbox.port();
    let ca = sandbox.dir.join("ca.crt");
    let ca_pem = std::fs::read_to_string(&ca).unwrap();
    assert!(
        ca_pem.starts_with("-----BEGIN CERTIFICATE-----"),
        "{ca_pem}"
    );
    let kubeconfig = std::fs::read_to_string(sandbox.dir.join("kubeconfig")).unwrap();
    assert!(
        kubeconfig.contains(&format!("server: https://127.0.0.1:{port}"))
            && kubeconfig.contains("certificate-authority-data: ")
            && kubeconfig.contains("token: "),
        "{kubeconfig}"
    );

    let namespaces = sandbox.kubectl_ok(&["get", "ns", "-o", "name"]);
    assert!(namespaces.contains("namespace/default"), "{namespaces}");
    // The kube API wants the kubeconfig's bearer token.
    sandbox.kubectl_fails(&["get", "ns", "--token", "not-the-token"], "Unauthorized");
    // Plain HTTP on the same port is answered as Go's HTTPS servers answer it.
    let plain = sandbox.kubectl(&["get", "ns", "--server", &format!("http://127.0.0.1:{port}")]);
    assert!(!plain.status.success(), "plain HTTP was served");
    assert!(raw_get(&sandbox, "/api").contains("Client sent an HTTP request to an HTTPS server"));

    // The query API and the Argo CD REST API are served over TLS too.
    let https = format!("https://127.0.0.1:{port}");
    let cacert = ca.to_str().unwrap();
    let (code, body, err) = curl(&[
        "--cacert",
        cacert,
        &format!("{https}/api/v1/query?query=up"),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(body.contains(r#""status":"success""#), "{body}");
    let (code, body, err) = curl(&[
        "--cacert",
        cacert,
        "-X",
        "POST",
        &format!("{https}/api/v1/session"),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let (code, body, err) = curl(&[
        "--cacert",
        cacert,
        "-w",
        "%{http_code}",
        "-H",
        &format!("Authorization: Bearer {token}"),
        &format!("{https}/api/v1/applications/missing"),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        body.ends_with("404") && body.contains(r#""code":5"#),
        "{body}"
    );
    // Without the CA, curl cannot verify the sandbox (60: peer certificate not trusted).
    let (code, _, err) = curl(&[&format!("{https}/api/v1/query?query=up")]);
    assert_eq!(code, Some(60), "{err}");
}

#[test]
fn the_sandbox_logs_requests_and_reconciles_in_its_dir() {
    if !require_tool("kubectl") {
        return;
    }
    let (_repo, sandbox, head) = deployed_and_followed(&[]);
    sandbox.wait_exists("kustomization/hello-dev", "flux-system");
    sandbox.kubectl_ok(&["get", "deployments", "-n", "hello-dev"]);
    sandbox.kubectl(&["get", "deployment", "missing"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let reconciled = format!(
        "reconcile kustomizations.kustomize.toolkit.fluxcd.io flux-system/hello-dev revision=main@sha1:{head} outcome=Ready=True"
    );
    while !sandbox.log().contains(&reconciled) {
        assert!(
            Instant::now() < deadline,
            "no reconcile line {reconciled:?} in:\n{}",
            sandbox.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = sandbox.log();
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines.iter().any(|l| l
            .contains(" api GET /apis/apps/v1/namespaces/hello-dev/deployments?limit=500 200 ")),
        "{log}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l
                .contains(" api GET /apis/apps/v1/namespaces/default/deployments/missing 404 ")),
        "{log}"
    );
    // Every line is whole: a timestamp, a kind, and for requests a duration.
    for line in &lines {
        let mut words = line.split(' ');
        assert!(words.next().is_some_and(|t| t.ends_with('Z')), "{line}");
        match words.next() {
            Some("api") => assert!(line.ends_with("ms"), "{line}"),
            Some("reconcile") => assert!(line.contains(" outcome="), "{line}"),
            _ => panic!("unexpected log line {line:?}"),
        }
    }
}

#[test]
fn kubectl_json_patches_and_applies_with_validation_on() {
    let Some((_env, sandbox)) = sandbox_for_kubectl() else {
        return;
    };
    let manifest = sandbox.dir.join("web.yaml");
    std::fs::write(&manifest, DEPLOYMENT).unwrap();
    let path = manifest.to_str().unwrap();
    // No --validate=false: kubectl reads /openapi/v3 and leaves validation to the server.
    let created = sandbox.kubectl(&["apply", "-f", path, "-v=6"]);
    assert!(created.status.success(), "{}", stderr(&created));
    assert!(
        stderr(&created).contains("/openapi/v3/apis/apps/v1?hash="),
        "{}",
        stderr(&created)
    );
    std::fs::write(&manifest, DEPLOYMENT.replace("replicas: 2", "replicas: 3")).unwrap();
    assert!(
        sandbox
            .kubectl_ok(&["apply", "-f", path])
            .contains("deployment.apps/web configured")
    );
    let server_side = sandbox.dir.join("api.yaml");
    std::fs::write(&server_side, DEPLOYMENT.replace("name: web", "name: api")).unwrap();
    assert!(
        sandbox
            .kubectl_ok(&[
                "apply",
                "--server-side",
                "-f",
                server_side.to_str().unwrap()
            ])
            .contains("deployment.apps/api serverside-applied")
    );
    let field = |template: &str| sandbox.jsonpath("deployment/web", "default", template);
    assert_eq!(field("{.spec.replicas} {.metadata.generation}"), "3 2");

    // JSON patch: every operation, with ~1 for the slash in a label key.
    let ops = r#"[
        {"op": "test", "path": "/spec/replicas", "value": 3},
        {"op": "replace", "path": "/spec/replicas", "value": 5},
        {"op": "add", "path": "/metadata/labels/forge.dev~1team", "value": "platform"},
        {"op": "copy", "from": "/metadata/labels/app", "path": "/metadata/labels/copied"},
        {"op": "move", "from": "/metadata/labels/copied", "path": "/metadata/labels/moved"},
        {"op": "add", "path": "/spec/template/spec/containers/-", "value": {"name": "sidecar", "image": "busybox"}},
        {"op": "remove", "path": "/spec/template/spec/containers/0"}
    ]"#;
    let web = "deployment/web";
    sandbox.kubectl_ok(&patch_args(web, "default", "json", ops));
    assert_eq!(
        field(
            "{.spec.replicas} {.metadata.labels.forge\\.dev/team} {.metadata.labels.moved} {.metadata.labels.copied} {.spec.template.spec.containers[*].name} {.metadata.generation}"
        ),
        "5 platform web  sidecar 3"
    );
    // A failed test is 422 Invalid and changes nothing.
    let failing_test = r#"[{"op": "test", "path": "/spec/replicas", "value": 9}, {"op": "replace", "path": "/spec/replicas", "value": 7}]"#;
    sandbox.kubectl_fails(
        &patch_args(web, "default", "json", failing_test),
        "The request is invalid: testing value /spec/replicas failed",
    );
    assert_eq!(field("{.spec.replicas}"), "5");
    let remove_missing = r#"[{"op": "remove", "path": "/spec/nothing"}]"#;
    let missing = sandbox.kubectl(&patch_args(web, "default", "json", remove_missing));
    assert!(
        stderr(&missing).contains("/spec/nothing does not exist"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn a_helm_release_from_a_helm_repository_fails_as_an_unfetchable_artifact() {
    if !require_tool("kubectl") {
        return;
    }
    let (_repo, sandbox, _head) = deployed_and_followed(&[]);
    sandbox.apply(
        "apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: default
spec:
  interval: 1m
  chart:
    spec:
      chart: podinfo
      version: '6.*'
      sourceRef: {kind: HelmRepository, name: podinfo, namespace: flux-system}
",
    );
    sandbox.kubectl_ok(&[
        "wait",
        "--for=condition=Ready=False",
        "helmrelease/podinfo",
        "--timeout=30s",
    ]);
    let ready = sandbox.kubectl_ok(&[
        "get",
        "helmrelease",
        "podinfo",
        "-o",
        "jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}|{.status.conditions[?(@.type==\"Ready\")].message}",
    ]);
    let (reason, message) = ready.split_once('|').unwrap();
    assert_eq!(reason, "ArtifactFailed");
    assert!(
        message.starts_with("HelmChart 'default/default-podinfo' is not ready: cannot fetch chart 'podinfo' from HelmRepository 'flux-system/podinfo'"),
        "{message}"
    );
    assert!(
        sandbox
            .log()
            .contains("helmreleases.helm.toolkit.fluxcd.io default/podinfo")
    );
}

/// The kube-rs client (what forge's waits use) over TLS: lists the Flux custom resources,
/// watches one, and sees its own merge patch come back through the watch as the
/// reconciler's answer.
#[test]
fn kube_rs_lists_watches_and_patches_the_custom_resources_over_tls() {
    use futures::StreamExt;
    use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
    use kube::core::{ApiResource, GroupVersionKind};
    use kube::runtime::watcher;

    let (_repo, sandbox, head) = deployed_and_followed(&["--tls"]);
    let kubeconfig = kube::config::Kubeconfig::read_from(sandbox.dir.join("kubeconfig")).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
            .await
            .unwrap();
        assert!(config.cluster_url.to_string().starts_with("https://"));
        let client = kube::Client::try_from(config).unwrap();
        let resource = ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk("kustomize.toolkit.fluxcd.io", "v1", "Kustomization"),
            "kustomizations",
        );
        let api: Api<DynamicObject> =
            Api::namespaced_with(client, "flux-system", &resource);
        let deadline = Instant::now() + Duration::from_secs(30);
        let names = loop {
            let list = api.list(&ListParams::default()).await.unwrap();
            let names: Vec<String> = list.items.iter().filter_map(|o| o.metadata.name.clone()).collect();
            if !names.is_empty() || Instant::now() > deadline {
                break names;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(names, ["hello-dev"]);

        let token = "2026-11-24T12:00:00.123456789Z";
        let mut changes = Box::pin(watcher(
            api.clone(),
            watcher::Config::default().fields("metadata.name=hello-dev"),
        ));
        let patch = serde_json::json!({"metadata": {"annotations": {"reconcile.fluxcd.io/requestedAt": token}}});
        api.patch("hello-dev", &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .unwrap();
        let handled = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(event) = changes.next().await {
                if let Ok(watcher::Event::Apply(object) | watcher::Event::InitApply(object)) = event {
                    let status = &object.data["status"];
                    if status["lastHandledReconcileAt"] == token {
                        return status["lastAppliedRevision"].as_str().map(str::to_string);
                    }
                }
            }
            None
        })
        .await
        .expect("the watch delivered the reconciled object");
        assert_eq!(handled, Some(format!("main@sha1:{head}")));
    });
}

/// A sandbox's DIR is its own: a second one there is refused (exit 2) while the first runs;
/// on exit the first removes the DIR it made, unless `--keep`.
#[test]
fn a_sandbox_dir_is_claimed_and_removed_on_exit() {
    let env = TestEnv::new();
    let first = RunningSandbox::start(&env);
    let second = env
        .forge()
        .args(["sandbox", "up", "--dir"])
        .arg(&first.dir)
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("is in use by a running sandbox"),
        "{}",
        stderr(&second)
    );

    for (keep, stays) in [(false, false), (true, true)] {
        let dir = env.path().join(format!("state-{keep}"));
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_forge"));
        command.args(["sandbox", "up", "--dir"]).arg(&dir);
        if keep {
            command.arg("--keep");
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !dir.join("sandbox.json").exists() {
            assert!(Instant::now() < deadline, "it never started");
            std::thread::sleep(Duration::from_millis(20));
        }
        let id = child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &id])
                .status()
                .unwrap()
                .success()
        );
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(dir.exists(), stays, "--keep {keep}");
        if keep {
            assert!(dir.join("kubeconfig").is_file(), "the kubeconfig is kept");
        }
    }
}
