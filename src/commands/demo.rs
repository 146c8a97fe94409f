//! `forge demo`: the whole flow on an embedded sample, with nothing but forge and git. It
//! makes a workspace (the sample app, a signing key, a local env repo), starts a sandbox
//! cluster in this process, and runs the real commands one after another — as a user would
//! type them — against it: build and sign, deploy dev, promote to staging and prod, deploy a
//! broken version that is rolled back automatically, and `forge status`.

use super::Context;
use crate::config::Engine;
use crate::error::CliError;
use clap::Args;
use forge_sandbox::{ArgocdDirs, Follow, Rollout, Sandbox, Settings};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the workspace and print how to look around in it.
    #[arg(long)]
    pub keep: bool,
    /// GitOps engine the sandbox plays.
    #[arg(long, value_enum, default_value_t = Engine::Flux)]
    pub engine: Engine,
}

const SAMPLE: [(&str, &str); 3] = [
    (
        "base/kustomization.yaml",
        include_str!("../../fixtures/sample/base/kustomization.yaml"),
    ),
    (
        "base/deployment.yaml",
        include_str!("../../fixtures/sample/base/deployment.yaml"),
    ),
    (
        "base/service.yaml",
        include_str!("../../fixtures/sample/base/service.yaml"),
    ),
];

/// The demo's signing key passphrase (the key lives and dies with the workspace).
const PASSPHRASE: &str = "forge-demo";
/// Images matching this crash-loop in the sandbox: the broken release uses one.
const BROKEN: &str = "*:broken";
/// Images matching this answer a fifth of requests with 5xx: the flaky release uses one.
const FLAKY: &str = "*:flaky";

/// The demo's forge.yaml; prod runs canaries judged by the sandbox's own query API.
fn forge_yaml(env_repo: &str, engine: Engine, prometheus: &str) -> String {
    format!(
        "# The forge demo: a sample app released through dev, staging and prod.
app: hello
source:
  kind: kustomize
  path: base
images:
  web: ghcr.io/forge-demo/hello@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
envRepo:
  url: {env_repo}
engine: {engine}
environments:
  - name: dev
    timeout: 1m
  - name: staging
    promoteFrom: dev
    timeout: 1m
    replicas: 2
  - name: prod
    promoteFrom: staging
    protected: true
    timeout: 1m
    replicas: 3
    policy:
      requireSignature: true
      requireDigests: false
    strategy:
      type: canary
      steps:
        - weight: 34
          pause: 4s
          analysis: true
        - weight: 100
      analysis:
        prometheus: {prometheus}
        interval: 2s
        count: 2
        metrics:
          - name: error-rate
            query: sum(rate(http_requests_total{{namespace=\"{{{{ namespace }}}}\",version=\"{{{{ version }}}}\",code=~\"5..\"}}[10s])) / sum(rate(http_requests_total{{namespace=\"{{{{ namespace }}}}\",version=\"{{{{ version }}}}\"}}[10s]))
            max: 0.05
signing:
  publicKey: keys/demo.pub
"
    )
}

/// One demo step: what it shows (empty: the same as the step before), the forge arguments,
/// and the exit code it must end with.
struct Step {
    what: &'static str,
    args: Vec<String>,
    expect: i32,
}

fn step(what: &'static str, args: &[&str], expect: i32) -> Step {
    Step {
        what,
        args: args.iter().map(|a| a.to_string()).collect(),
        expect,
    }
}

fn bundle(version: &str) -> String {
    format!("dist/hello-{version}.forge.tar.zst")
}

pub fn run(ctx: &Context, args: DemoArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let workspace = tempfile::Builder::new()
        .prefix("forge-demo-")
        .tempdir()
        .map_err(|e| CliError::operational(format!("cannot create a workspace: {e}")))?;
    let root = workspace.path().to_path_buf();
    let env_repo = setup(&root)?;
    let sandbox = Sandbox::start(
        0,
        Settings {
            gitops: Some(Follow {
                url: env_repo.clone(),
                public_url: env_repo.clone(),
                branch: "main".into(),
                apps_dir: "apps".into(),
                interval: Duration::from_secs(1),
                namespaces: Default::default(),
                argocd: match args.engine {
                    Engine::Argocd => ArgocdDirs::All,
                    Engine::Flux => ArgocdDirs::default(),
                },
                reconcile_delay: Duration::ZERO,
                bootstrap: true,
            }),
            rollout: Rollout {
                bad_images: vec![BROKEN.into()],
                progress_deadline: Duration::from_secs(60),
                ..Rollout::default()
            },
            error_rates: vec![(FLAKY.into(), 0.2)],
            log: Some(root.join("sandbox.log")),
            ..Settings::default()
        },
    )
    .map_err(|e| CliError::operational(format!("cannot start the sandbox: {e}")))?;
    write(
        &root.join("forge.yaml"),
        &forge_yaml(&env_repo, args.engine, &sandbox.url()),
    )?;
    let kubeconfig = root.join("kubeconfig");
    write(&kubeconfig, &sandbox.kubeconfig())?;
    ctx.ui.status(
        "Demo",
        format!(
            "workspace {} with a {} sandbox at {}",
            root.display(),
            args.engine,
            sandbox.url()
        ),
    );
    let steps = [
        step("make a signing key", &["keygen", "--out", "keys/demo"], 0),
        step(
            "build the release bundle",
            &["bundle", "build", "--version", "1.0.0"],
            0,
        ),
        step(
            "sign it",
            &["bundle", "sign", &bundle("1.0.0"), "--key", "keys/demo.key"],
            0,
        ),
        step(
            "deploy it to dev and wait until it is healthy",
            &["deploy", "dev", "--bundle", &bundle("1.0.0")],
            0,
        ),
        step(
            "promote dev to staging (gates: healthy at that version)",
            &["promote", "staging"],
            0,
        ),
        step(
            "promote staging to prod (protected: --yes; signature required)",
            &["promote", "prod", "--yes"],
            0,
        ),
        step(
            "build and sign 1.1.0",
            &["bundle", "build", "--version", "1.1.0"],
            0,
        ),
        step(
            "",
            &["bundle", "sign", &bundle("1.1.0"), "--key", "keys/demo.key"],
            0,
        ),
        step(
            "ship 1.1.0 to dev",
            &["deploy", "dev", "--bundle", &bundle("1.1.0")],
            0,
        ),
        step("", &["promote", "staging"], 0),
        step(
            "promote 1.1.0 to prod: a canary at 34% passes its error-rate analysis, then 100%",
            &["promote", "prod", "--yes"],
            0,
        ),
        step(
            "build and sign 1.2.0, whose image answers a fifth of requests with errors",
            &[
                "bundle",
                "build",
                "--version",
                "1.2.0",
                "--image",
                "web=ghcr.io/forge-demo/hello:flaky",
            ],
            0,
        ),
        step(
            "",
            &["bundle", "sign", &bundle("1.2.0"), "--key", "keys/demo.key"],
            0,
        ),
        step(
            "ship 1.2.0 to dev",
            &["deploy", "dev", "--bundle", &bundle("1.2.0")],
            0,
        ),
        step("", &["promote", "staging"], 0),
        step(
            "promote 1.2.0 to prod: its canary fails the analysis and prod returns to 1.1.0 (exit 3)",
            &["promote", "prod", "--yes"],
            3,
        ),
        step(
            "deploy a broken 1.3.0 to dev: it crash-loops, forge rolls it back (exit 3)",
            &[
                "deploy",
                "dev",
                "--version",
                "1.3.0",
                "--image",
                "web=ghcr.io/forge-demo/hello:broken",
            ],
            3,
        ),
        step("where every environment stands", &["status"], 0),
    ];
    for step in &steps {
        run_step(ctx, &root, &kubeconfig, step)?;
    }
    let port = sandbox.address().port();
    drop(sandbox);
    ctx.ui.status(
        "Finished",
        format!("the demo in {:.1}s", started.elapsed().as_secs_f64()),
    );
    if args.keep {
        let kept = workspace.keep();
        ctx.ui.line(keep_hints(&kept, port));
    }
    crate::ui::emit(&format!("{}\n", root.display()))
}

/// How to look around a kept workspace, as lines to paste: its cluster again (on the demo's
/// port, which forge.yaml's Prometheus URL names, with the demo's faults), then the variables
/// the demo's commands ran with. forge.yaml names the env repo and each env's engine, so
/// `sandbox up` needs no more.
fn keep_hints(dir: &Path, port: u16) -> String {
    let dir = dir.display();
    format!(
        "\nThe workspace is kept in {dir}: forge.yaml, the env repo envs.git, bundles in dist/, \
         forge's cache in cache/.\nIn one terminal, start its cluster again on port {port}:\n  \
         cd {dir} && forge sandbox up --port {port} --bad-image '{BROKEN}' --error-rate '{FLAKY}=0.2'\n\
         In another, look around:\n  cd {dir}\n  \
         export KUBECONFIG=$PWD/.forge-sandbox/kubeconfig XDG_CACHE_HOME=$PWD/cache \
         FORGE_KEY_PASSWORD={PASSPHRASE}\n  forge wait prod && forge status\n  forge history dev\n  \
         kubectl get kustomizations,applications,deploy,pods -A\n  git --git-dir envs.git log --stat"
    )
}

fn write(path: &Path, text: &str) -> Result<(), CliError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            CliError::operational(format!("cannot create {}: {e}", parent.display()))
        })?;
    }
    std::fs::write(path, text)
        .map_err(|e| CliError::operational(format!("cannot write {}: {e}", path.display())))
}

/// Writes the sample app and creates the env repo (bare, with one commit on main); returns
/// the env repo's URL.
fn setup(root: &Path) -> Result<String, CliError> {
    for (path, text) in SAMPLE {
        write(&root.join(path), text)?;
    }
    let env_repo = format!("file://{}", root.join("envs.git").display());
    let seed = root.join("seed");
    write(
        &seed.join("README.md"),
        "# Environments\n\nforge commits each app's env dirs under apps/.\n",
    )?;
    let git = |dir: &Path, args: &[&str]| -> Result<(), CliError> {
        let output = crate::git::command()
            .args([
                "-c",
                "user.name=forge demo",
                "-c",
                "user.email=demo@forge.invalid",
            ])
            .args(args)
            .current_dir(dir)
            .output()
            .map_err(|e| {
                CliError::operational(format!("cannot run git: {e}"))
                    .with_hint("forge demo needs git on PATH")
            })?;
        if output.status.success() {
            Ok(())
        } else {
            Err(CliError::operational(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            )))
        }
    };
    git(root, &["init", "-q", "--bare", "-b", "main", "envs.git"])?;
    git(&seed, &["init", "-q", "-b", "main"])?;
    git(&seed, &["add", "."])?;
    git(&seed, &["commit", "-q", "-m", "Start the env repo"])?;
    git(&seed, &["push", "-q", &env_repo, "main"])?;
    std::fs::remove_dir_all(&seed).map_err(|e| CliError::operational(e.to_string()))?;
    Ok(env_repo)
}

/// Runs one step as its own `forge` process, exactly as a user would, and checks its exit.
/// With `--quiet` only the story's headlines are shown: each step runs quietly, and its
/// output is shown only when it ends otherwise than the story expects.
fn run_step(ctx: &Context, root: &Path, kubeconfig: &PathBuf, step: &Step) -> Result<(), CliError> {
    let quiet = ctx.ui.is_quiet();
    if !step.what.is_empty() {
        if quiet {
            ctx.ui.line(step.what);
        } else {
            ctx.ui.status("Demo", step.what);
        }
    }
    if !quiet {
        ctx.ui.line(format_args!("$ forge {}", step.args.join(" ")));
    }
    let exe = std::env::current_exe()
        .map_err(|e| CliError::operational(format!("cannot find the forge binary: {e}")))?;
    let mut command = Command::new(exe);
    command
        .args(&step.args)
        .current_dir(root)
        .env("KUBECONFIG", kubeconfig)
        .env("XDG_CACHE_HOME", root.join("cache"))
        .env("FORGE_KEY_PASSWORD", PASSPHRASE)
        .env("FORGE_GIT_AUTHOR", "forge demo <demo@forge.invalid>")
        .env("FORGE_CONFIG", root.join("forge.yaml"))
        .env_remove("FORGE_OUTPUT")
        .env_remove("ARGOCD_SERVER")
        .env_remove("ARGOCD_AUTH_TOKEN");
    let output = if quiet {
        command.arg("--quiet").output()
    } else {
        // The steps' data is part of the show; the demo's own stdout is the workspace path.
        command
            .stdout(std::process::Stdio::from(std::io::stderr()))
            .status()
            .map(|status| std::process::Output {
                status,
                stdout: Vec::new(),
                stderr: Vec::new(),
            })
    }
    .map_err(|e| CliError::operational(format!("cannot run forge: {e}")))?;
    match output.status.code() {
        Some(code) if code == step.expect => Ok(()),
        code => {
            ctx.ui
                .line(String::from_utf8_lossy(&output.stderr).trim_end());
            Err(CliError::operational(format!(
                "demo step `forge {}` exited {}, expected {}",
                step.args.join(" "),
                code.map_or("on a signal".into(), |c| c.to_string()),
                step.expect
            )))
        }
    }
}
