//! End to end against real Kubernetes and real Flux: the real `forge` binary deploys, waits,
//! promotes and rolls back while kube-apiserver, kube-controller-manager, kube-scheduler, kwok
//! and the Flux controllers (built from source by `realstack/build`) do what they do.
//!
//! By default the suite starts that stack itself, once per test run (`realstack/up`, which
//! builds the binaries first if they are not cached), with the env repo served over git smart
//! http to both forge and Flux's source-controller, and stops it when the binary exits. Set
//! `FORGE_E2E_KUBECONFIG` and `FORGE_E2E_ENV_REPO` to run the same tests against a cluster of
//! your own instead (Flux, or Argo CD with `FORGE_E2E_ENGINE=argocd`); the README's "Against a
//! real cluster" section lists every variable.
//!
//! Each test uses an app name of its own (`e2e-<random>`), applies the GitOps objects
//! `forge bootstrap` prints for it with `kubectl apply` (a Namespace per env, and a
//! GitRepository plus a Kustomization per env for Flux, or an Application per env for Argo
//! CD), runs the real `forge` binary, and deletes those objects again.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

mod argocd_schema;
mod canary;
mod differential;
mod flows;
mod helm;
mod interrupt;
mod missing;
mod strategies;
mod traffic;
mod verdicts;
mod workloads;

/// What the suite runs against.
#[derive(Clone)]
pub struct Suite {
    pub kubeconfig: PathBuf,
    pub kubectl: PathBuf,
    /// The env repo as forge pushes to it.
    pub env_repo: String,
    /// The env repo as the cluster's controller fetches it.
    pub cluster_repo: String,
    pub branch: String,
    pub engine: String,
    /// A Secret in flux-system with the GitRepository's credentials, when it needs one.
    pub git_secret: Option<String>,
    pub image: String,
    pub bad_image: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The real stack this test run started: its directory (kubeconfig, logs) and env repo.
struct RealStack {
    dir: PathBuf,
    bin: PathBuf,
    env_repo: String,
}

/// Starts the real stack once for the whole test run; it stops itself when the test process
/// exits (`--exit-with`). A stack that cannot start fails the tests: nothing skips.
fn real_stack() -> &'static RealStack {
    static STACK: OnceLock<RealStack> = OnceLock::new();
    STACK.get_or_init(|| {
        let work = std::env::temp_dir().join(format!("forge-realstack-{}", std::process::id()));
        let (dir, git_root) = (work.join("stack"), work.join("git"));
        std::fs::create_dir_all(git_root.join("envs.git")).unwrap();
        let git = |args: &[&str]| {
            let output = Command::new("git").args(args).output().unwrap();
            assert!(output.status.success(), "git {args:?}: {:?}", output);
        };
        let bare = git_root.join("envs.git");
        let bare = bare.to_str().unwrap();
        git(&["init", "-q", "--bare", "--initial-branch=main", bare]);
        git(&["-C", bare, "config", "http.receivepack", "true"]);
        let up = Path::new(env!("CARGO_MANIFEST_DIR")).join("realstack/up");
        let started = std::time::Instant::now();
        let output = Command::new(&up)
            .arg("--git-root")
            .arg(&git_root)
            .args(["--exit-with", &std::process::id().to_string()])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "realstack/up failed (logs in {}):\n{}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        eprintln!(
            "real stack up in {:.1}s: {}",
            started.elapsed().as_secs_f64(),
            dir.display()
        );
        let env = std::fs::read_to_string(dir.join("env")).unwrap();
        let setting = |name: &str| -> String {
            env.lines()
                .find_map(|line| line.strip_prefix(&format!("export {name}=")))
                .unwrap_or_else(|| panic!("{name} missing from {}/env", dir.display()))
                .to_string()
        };
        let env_repo = format!("{}/envs.git", setting("REALSTACK_GIT_URL"));
        // forge deploys onto an existing branch: give main its first commit.
        let seed = work.join("seed");
        git(&[
            "init",
            "-q",
            "--initial-branch=main",
            seed.to_str().unwrap(),
        ]);
        let seed = seed.to_str().unwrap();
        git(&[
            "-C",
            seed,
            "-c",
            "user.name=e2e",
            "-c",
            "user.email=e2e@forge.invalid",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "env repo",
        ]);
        git(&["-C", seed, "push", "-q", &env_repo, "main"]);
        RealStack {
            bin: PathBuf::from(setting("REALSTACK_BIN")),
            dir,
            env_repo,
        }
    })
}

/// `forge sandbox up` following the real stack's env repo, as a Flux stand-in with nothing of
/// its own (`--no-bootstrap`): the differential test runs the same scenario on it. Stopped
/// when dropped.
pub struct Sandbox {
    child: std::process::Child,
    dir: tempfile::TempDir,
    pub suite: Suite,
}

impl Sandbox {
    /// Started with extra `forge sandbox up` arguments (faults such as `--error-rate`).
    pub fn start(extra: &[&str]) -> Sandbox {
        let stack = real_stack();
        let dir = tempfile::Builder::new()
            .prefix("forge-e2e-sandbox-")
            .tempdir()
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_forge"))
            .args(["sandbox", "up", "--interval", "1s", "--no-bootstrap"])
            .args(["--unpullable-image", "*:pull-error"])
            .args(extra)
            // Hermetic: where programs are and a home of its own, nothing else of the caller's.
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .arg("--env-repo")
            .arg(&stack.env_repo)
            .arg("--dir")
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        // sandbox.json is written last, after the kubeconfig.
        while !dir.path().join("sandbox.json").is_file() {
            assert!(
                std::time::Instant::now() < deadline,
                "the sandbox did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Sandbox {
            child,
            dir,
            suite: Suite::on_real_stack(kubeconfig),
        }
    }

    /// Where it serves its API and `/metrics`.
    pub fn port(&self) -> u16 {
        let info = std::fs::read(self.dir.path().join("sandbox.json")).unwrap();
        let info: serde_json::Value = serde_json::from_slice(&info).unwrap();
        u16::try_from(info["port"].as_u64().unwrap()).unwrap()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Suite {
    /// The real stack's env repo and tools, with the cluster `kubeconfig` points at (the
    /// real stack's, or a sandbox following the same env repo).
    fn on_real_stack(kubeconfig: PathBuf) -> Suite {
        let stack = real_stack();
        Suite {
            kubeconfig,
            kubectl: stack.bin.join("kubectl"),
            cluster_repo: stack.env_repo.clone(),
            env_repo: stack.env_repo.clone(),
            branch: "main".into(),
            engine: "flux".into(),
            git_secret: None,
            image: "registry.k8s.io/pause:3.10".into(),
            // kwok's stages in realstack/kwok (and the sandbox's --unpullable-image) make
            // this image fail to pull.
            bad_image: "registry.invalid/forge-e2e:pull-error".into(),
        }
    }

    /// Your cluster when `FORGE_E2E_KUBECONFIG` is set (with `FORGE_E2E_ENV_REPO`), else the
    /// real stack.
    fn from_env() -> Suite {
        if var("FORGE_E2E_KUBECONFIG").is_none() {
            return Suite::on_real_stack(real_stack().dir.join("kubeconfig"));
        }
        assert!(
            var("FORGE_E2E_ENV_REPO").is_some(),
            "FORGE_E2E_KUBECONFIG is set: set FORGE_E2E_ENV_REPO too (see the README, \"Against \
             a real cluster\")"
        );
        let kubeconfig = PathBuf::from(var("FORGE_E2E_KUBECONFIG").unwrap());
        assert!(
            kubeconfig.is_file(),
            "FORGE_E2E_KUBECONFIG={} is not a file",
            kubeconfig.display()
        );
        let engine = var("FORGE_E2E_ENGINE").unwrap_or_else(|| "flux".into());
        assert!(
            engine == "flux" || engine == "argocd",
            "FORGE_E2E_ENGINE must be flux or argocd, not {engine:?}"
        );
        let env_repo = var("FORGE_E2E_ENV_REPO").unwrap();
        let kubectl = Command::new("kubectl")
            .arg("version")
            .arg("--client")
            .output();
        assert!(
            kubectl.is_ok_and(|o| o.status.success()),
            "the end-to-end suite runs kubectl to create its GitOps objects: put it on PATH"
        );
        Suite {
            kubeconfig,
            kubectl: PathBuf::from("kubectl"),
            cluster_repo: var("FORGE_E2E_CLUSTER_REPO_URL").unwrap_or_else(|| env_repo.clone()),
            env_repo,
            branch: var("FORGE_E2E_BRANCH").unwrap_or_else(|| "main".into()),
            engine,
            git_secret: var("FORGE_E2E_GIT_SECRET"),
            image: var("FORGE_E2E_IMAGE").unwrap_or_else(|| "registry.k8s.io/pause:3.10".into()),
            bad_image: var("FORGE_E2E_BAD_IMAGE")
                .unwrap_or_else(|| "registry.invalid/forge-e2e:missing".into()),
        }
    }
}

/// One finished command.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, showing everything the command said when it differs.
    pub fn expect(self, code: i32, what: &str) -> Run {
        assert_eq!(
            self.code,
            Some(code),
            "{what}: expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// A private app (`e2e-<random>`) with two environments, dev and staging (promoted from dev),
/// and the GitOps objects that apply them; they are deleted when it drops.
pub struct App {
    pub suite: Suite,
    pub name: String,
    pub dir: tempfile::TempDir,
    pub objects: PathBuf,
}

const ENVS: [&str; 2] = ["dev", "staging"];

fn random_suffix() -> String {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    hasher.write_u32(std::process::id());
    format!("{:08x}", hasher.finish() as u32)
}

impl App {
    pub fn start() -> App {
        App::start_on(Suite::from_env())
    }

    /// The same, on another suite (the sandbox, for the differential test).
    pub fn start_on(suite: Suite) -> App {
        let name = format!("e2e-{}", random_suffix());
        let dir = tempfile::Builder::new()
            .prefix("forge-e2e-")
            .tempdir()
            .unwrap();
        let objects = dir.path().join("gitops.yaml");
        let app = App {
            suite,
            name,
            dir,
            objects,
        };
        app.write_config();
        app.write_source(&app.suite.image);
        std::fs::write(&app.objects, app.gitops_objects()).unwrap();
        app.kubectl(&["apply", "-f", app.objects.to_str().unwrap()]);
        eprintln!("e2e app {} in {}", app.name, app.dir.path().display());
        app
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn namespace(&self, env: &str) -> String {
        format!("{}-{env}", self.name)
    }

    fn write_config(&self) {
        let suite = &self.suite;
        let mut envs = String::new();
        for env in ENVS {
            envs.push_str(&format!(
                "  - name: {env}\n    namespace: {}\n    timeout: 5m\n    failFast:\n      after: 15s\n",
                self.namespace(env)
            ));
            if env == "staging" {
                envs.push_str("    promoteFrom: dev\n");
            }
        }
        let config = format!(
            "# Written by tests/cli/e2e for one run.\napp: {name}\nsource:\n  kind: kustomize\n  \
             path: base\nenvRepo:\n  url: {url}\n  branch: {branch}\nengine: {engine}\n\
             environments:\n{envs}flux:\n  namespace: flux-system\n  gitRepository: {name}\n\
             argocd:\n  namespace: argocd\n",
            name = self.name,
            url = suite.env_repo,
            branch = suite.branch,
            engine = suite.engine,
        );
        std::fs::write(self.path().join("forge.yaml"), config).unwrap();
    }

    /// Edits the app's forge.yaml.
    pub fn configure(&self, edit: impl Fn(String) -> String) {
        let path = self.path().join("forge.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, edit(text)).unwrap();
    }

    /// Replaces the app's kustomize base with these manifests (file name, YAML), listed in
    /// its kustomization.yaml in order: for releases that are not one plain Deployment.
    pub fn write_base(&self, manifests: &[(&str, &str)]) {
        let base = self.path().join("base");
        if base.exists() {
            std::fs::remove_dir_all(&base).unwrap();
        }
        std::fs::create_dir_all(&base).unwrap();
        let mut kustomization =
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
                .to_string();
        for (name, text) in manifests {
            std::fs::write(base.join(name), text).unwrap();
            kustomization.push_str(&format!("  - {name}\n"));
        }
        std::fs::write(base.join("kustomization.yaml"), kustomization).unwrap();
    }

    /// The app's kustomize base: one Deployment running `image` and a Service. Changing it
    /// and deploying is what makes a new release.
    pub fn write_source(&self, image: &str) {
        let deployment = web_deployment(image, 1, false);
        let service = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app.kubernetes.io/name: web
  ports:
    - name: http
      port: 80
      targetPort: http
";
        self.write_base(&[("deployment.yaml", &deployment), ("service.yaml", service)]);
    }

    /// What `forge bootstrap` makes for this app, for the cluster to apply: the target
    /// namespaces, and per env a Flux Kustomization (with a GitRepository for the env repo) or
    /// an Argo CD Application. Every e2e test runs on these, so the real controllers judge
    /// them.
    fn gitops_objects(&self) -> String {
        let suite = &self.suite;
        let mut args = vec![
            "bootstrap",
            "--out",
            "-",
            "--source-url",
            suite.cluster_repo.as_str(),
        ];
        if let Some(secret) = &suite.git_secret {
            args.extend(["--secret-ref", secret.as_str()]);
        }
        self.forge(&args).expect(0, "forge bootstrap").stdout
    }

    pub fn kubectl(&self, args: &[&str]) -> String {
        let output = Command::new(&self.suite.kubectl)
            .args(args)
            .env("KUBECONFIG", &self.suite.kubeconfig)
            .output()
            .unwrap();
        let run = Run::from(output).expect(0, &format!("kubectl {}", args.join(" ")));
        run.stdout
    }

    /// The real forge binary, in this app's directory, with the caller's environment (git
    /// credentials such as FORGE_GIT_TOKEN pass through) but this run's config, kubeconfig
    /// and caches.
    pub fn forge(&self, args: &[&str]) -> Run {
        let run = Run::from(self.command(args).output().unwrap());
        eprintln!(
            "$ forge {} -> {:?}\n{}",
            args.join(" "),
            run.code,
            run.stderr
        );
        run
    }

    /// `forge ARGS` for this app, to run or spawn.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_forge"));
        cmd.args(args)
            .current_dir(self.path())
            .env("FORGE_CONFIG", self.path().join("forge.yaml"))
            .env("KUBECONFIG", &self.suite.kubeconfig)
            .env("XDG_CACHE_HOME", self.path().join("cache"))
            .env_remove("FORGE_OUTPUT")
            .env_remove("FORGE_LOG")
            .env_remove("SOURCE_DATE_EPOCH");
        if var("FORGE_GIT_AUTHOR").is_none() {
            cmd.env("FORGE_GIT_AUTHOR", "forge e2e <e2e@forge.invalid>");
        }
        cmd
    }

    /// Changes the source to run `image` and deploys it to dev as `version`.
    pub fn release(&self, version: &str, image: &str, extra: &[&str]) -> Run {
        self.write_source(image);
        let mut args = vec!["deploy", "dev", "--version", version];
        args.extend_from_slice(extra);
        self.forge(&args)
    }

    pub fn status_json(&self, envs: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["status", "--output", "json"];
        args.extend_from_slice(envs);
        let run = self.forge(&args).expect(0, "forge status --output json");
        serde_json::from_str::<serde_json::Value>(&run.stdout)
            .unwrap_or_else(|e| panic!("status JSON: {e}\n{}", run.stdout))
            .as_array()
            .cloned()
            .unwrap()
    }

    /// `forge history ENV --output json`, newest first.
    pub fn history(&self, env: &str) -> Vec<serde_json::Value> {
        let run = self
            .forge(&["history", env, "--output", "json"])
            .expect(0, "forge history");
        serde_json::from_str::<serde_json::Value>(&run.stdout)
            .unwrap()
            .as_array()
            .cloned()
            .unwrap()
    }

    /// Asserts what `forge status` says of one env: healthy, at `version`, applied at the
    /// commit that last changed it.
    pub fn assert_healthy_at(&self, env: &str, version: &str) {
        let rows = self.status_json(&[env]);
        let row = &rows[0];
        assert_eq!(row["env"], env, "{row:#}");
        assert_eq!(row["version"], version, "{row:#}");
        assert_eq!(row["healthy"], true, "{row:#}");
        assert_eq!(row["applied"].as_str().map(str::len), Some(40), "{row:#}");
        assert_eq!(row["problem"], serde_json::Value::Null, "{row:#}");
        assert_eq!(row["ready"], row["total"], "{row:#}");
        assert_eq!(row["drift"], false, "{row:#}");
    }
}

impl Drop for App {
    /// Deletes the GitOps objects (Flux prunes what it applied) and the namespaces. The env
    /// repo keeps this run's commits under apps/<app>/, like any audit trail.
    fn drop(&mut self) {
        let deleted = Command::new(&self.suite.kubectl)
            .args(["delete", "--ignore-not-found", "--wait=false", "-f"])
            .arg(&self.objects)
            .env("KUBECONFIG", &self.suite.kubeconfig)
            .output();
        if !deleted.is_ok_and(|o| o.status.success()) {
            eprintln!(
                "could not delete the GitOps objects of {}: kubectl delete -f {}",
                self.name,
                self.objects.display()
            );
        }
    }
}

/// An image kwok runs as it is, tagged with a release's version: the version the served
/// traffic (and the sandbox's) is counted under.
pub fn versioned_image(version: &str) -> String {
    format!("example.invalid/forge-e2e/web:{version}")
}

pub fn commit_of(run: &Run) -> String {
    let commit = run.stdout.trim().to_string();
    assert!(
        commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
        "deploy prints the commit: {:?}",
        run.stdout
    );
    commit
}

/// The Deployment `web`: `replicas` pods running `image` (no probes: the pause image serves
/// nothing); `paused` adds `spec.paused: true`, which stops the rollout of a new template.
pub fn web_deployment(image: &str, replicas: u32, paused: bool) -> String {
    let paused = if paused { "  paused: true\n" } else { "" };
    let template = pod_template("web", image);
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
{paused}  replicas: {replicas}
{template}          ports:
            - name: http
              containerPort: 8080
"
    )
}

/// The `selector` and `template` of a workload's spec (indented for a top-level `spec:`):
/// pods labelled `app.kubernetes.io/name: <name>`, stopped within a second, with one
/// container `name` running `image`, last, so that its other fields can follow.
pub fn pod_template(name: &str, image: &str) -> String {
    format!(
        "  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: {name}
          image: {image}
"
    )
}
