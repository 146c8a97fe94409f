//! `forge sandbox up`: run the local cluster stand-in in the foreground until SIGINT/SIGTERM.

use super::Context;
use crate::error::CliError;
use clap::{Args, Subcommand};
use forge_sandbox::{ArgocdDirs, Faults, Follow, Rollout, Sandbox, Settings};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Serve the sandbox's Kubernetes API on loopback and write DIR/kubeconfig.
    Up(UpArgs),
}

#[derive(Debug, Args)]
pub struct UpArgs {
    /// Directory for kubeconfig, sandbox.json, sandbox.log and (with --tls) ca.crt.
    #[arg(long, default_value = ".forge-sandbox")]
    pub dir: PathBuf,
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Env repo to follow as Flux would [default: envRepo.url of forge.yaml, when there is one]
    #[arg(long, value_name = "URL")]
    pub env_repo: Option<String>,
    /// GitOps engine for every app/env [default: per env from forge.yaml, else flux]
    #[arg(long, value_enum)]
    pub engine: Option<crate::config::Engine>,
    /// How often the env repo is fetched.
    #[arg(long, default_value = "5s", value_name = "DURATION")]
    pub interval: crate::duration::Duration,
    /// Images matching this pattern (`*` wildcard) crash-loop (repeatable).
    #[arg(long = "bad-image", value_name = "GLOB")]
    pub bad_images: Vec<String>,
    /// Images matching this pattern cannot be pulled: ImagePullBackOff (repeatable).
    #[arg(long = "unpullable-image", value_name = "GLOB")]
    pub unpullable_images: Vec<String>,
    /// Pods running a matching image fail this share of requests (repeatable), e.g. '*:1.1.0=0.2'.
    #[arg(long = "error-rate", value_name = "GLOB=FRACTION", value_parser = parse_error_rate)]
    pub error_rates: Vec<(String, f64)>,
    /// Share of API requests answered 500.
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub api_error_rate: f64,
    /// Share of API requests answered 429 with Retry-After.
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub api_throttle_rate: f64,
    /// Report a new revision as in progress this long before applying it.
    #[arg(long, default_value = "0s", value_name = "DURATION")]
    pub reconcile_delay: crate::duration::Duration,
    /// Cut every watch after this long.
    #[arg(long, value_name = "DURATION")]
    pub drop_watches_after: Option<crate::duration::Duration>,
    /// Serve HTTPS with a CA generated for this run (DIR/ca.crt); the API then wants the
    /// kubeconfig's bearer token.
    #[arg(long)]
    pub tls: bool,
    /// How long a rollout may stall before ProgressDeadlineExceeded.
    #[arg(long, default_value = "10m", value_name = "DURATION")]
    pub progress_deadline: crate::duration::Duration,
    /// How long a scaled-down pod stays Terminating (a kubelet's grace period).
    #[arg(long, default_value = "2s", value_name = "DURATION")]
    pub pod_grace_period: crate::duration::Duration,
    /// Create no Kustomization or Application per app/env directory (a cluster nobody
    /// bootstrapped): only those created with kubectl are reconciled.
    #[arg(long)]
    pub no_bootstrap: bool,
    /// How long the deployment controller takes to notice a changed Deployment.
    #[arg(long, default_value = "0s", value_name = "DURATION")]
    pub controller_lag: crate::duration::Duration,
    /// Leave DIR (kubeconfig, log, state) behind on exit [default: removed when this run made
    /// it, else its files are]
    #[arg(long)]
    pub keep: bool,
}

fn parse_error_rate(text: &str) -> Result<(String, f64), String> {
    let (glob, share) = text
        .rsplit_once('=')
        .ok_or_else(|| format!("'{text}' is not GLOB=FRACTION"))?;
    match share.parse::<f64>() {
        Ok(share) if (0.0..=1.0).contains(&share) => Ok((glob.to_string(), share)),
        _ => Err(format!("'{share}' is not a fraction between 0 and 1")),
    }
}

pub fn run(ctx: &Context, command: SandboxCommand) -> Result<(), CliError> {
    let SandboxCommand::Up(args) = command;
    let configured = if ctx.config_path.is_file() {
        Some(ctx.load_config()?)
    } else {
        None
    };
    let url = args.env_repo.clone().or_else(|| {
        configured
            .as_ref()
            .map(|c| c.config.env_repo.url.value.clone())
    });
    let branch = configured.as_ref().map_or("main".to_string(), |c| {
        c.config.env_repo.branch.value.clone()
    });
    let namespaces = configured
        .iter()
        .flat_map(|loaded| {
            let app = loaded.config.app.value.clone();
            loaded.config.environments.iter().filter_map(move |env| {
                let env = &env.value;
                env.namespace
                    .clone()
                    .map(|ns| (format!("{app}/{}", env.name.value), ns))
            })
        })
        .collect();
    // Which app/env directories Argo CD applies: all with --engine argocd, else forge.yaml's
    // per-env engine.
    let argocd = match &configured {
        _ if args.engine == Some(crate::config::Engine::Argocd) => ArgocdDirs::All,
        Some(loaded) => ArgocdDirs::Only(
            loaded
                .config
                .environments
                .iter()
                .filter(|env| loaded.config.engine_for(&env.value) == crate::config::Engine::Argocd)
                .map(|env| format!("{}/{}", loaded.config.app.value, env.value.name.value))
                .collect(),
        ),
        None => ArgocdDirs::default(),
    };
    let settings = Settings {
        gitops: url.map(|url| Follow {
            public_url: crate::git::strip_credentials(&url),
            url,
            branch,
            apps_dir: "apps".into(),
            interval: args.interval.0,
            namespaces,
            argocd,
            reconcile_delay: args.reconcile_delay.0,
            bootstrap: !args.no_bootstrap,
        }),
        rollout: Rollout {
            bad_images: args.bad_images.clone(),
            unpullable_images: args.unpullable_images.clone(),
            progress_deadline: args.progress_deadline.0,
            pod_grace_period: args.pod_grace_period.0,
            controller_lag: args.controller_lag.0,
            ..Rollout::default()
        },
        error_rates: args.error_rates.clone(),
        faults: Faults {
            error_rate: args.api_error_rate,
            throttle_rate: args.api_throttle_rate,
            drop_watches_after: args.drop_watches_after.map(|d| d.0),
        },
        tls: args.tls,
        log: Some(args.dir.join("sandbox.log")),
    };
    let made_dir = !args.dir.exists();
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| CliError::operational(format!("cannot create {}: {e}", args.dir.display())))?;
    let _in_use = claim(&args.dir)?;
    let sandbox = Sandbox::start(args.port, settings).map_err(|e| {
        CliError::operational(format!(
            "cannot start the sandbox on 127.0.0.1:{}: {e}",
            args.port
        ))
    })?;
    let kubeconfig = args.dir.join("kubeconfig");
    let state = args.dir.join("sandbox.json");
    let info = serde_json::json!({
        "url": sandbox.url(),
        "port": sandbox.address().port(),
        "pid": std::process::id(),
        "kubeconfig": kubeconfig,
        "argocdToken": sandbox.argocd_token(),
        "log": args.dir.join("sandbox.log"),
        "caCert": sandbox.ca_pem().map(|_| args.dir.join("ca.crt")),
    });
    let write = |path: &PathBuf, bytes: &[u8]| {
        crate::fs::write_atomic(path, bytes, 0o600)
            .map_err(|e| CliError::operational(format!("cannot write {}: {e}", path.display())))
    };
    if let Some(ca) = sandbox.ca_pem() {
        write(&args.dir.join("ca.crt"), ca.as_bytes())?;
    }
    write(&kubeconfig, sandbox.kubeconfig().as_bytes())?;
    write(&state, format!("{info:#}\n").as_bytes())?;
    ctx.ui.status(
        "Serving",
        format!(
            "the sandbox API at {} (KUBECONFIG={})",
            sandbox.url(),
            kubeconfig.display()
        ),
    );
    if let Some(data) = ctx.data() {
        crate::ui::emit_data(data, &info)?;
    } else {
        crate::ui::emit(&format!("{}\n", kubeconfig.display()))?;
    }
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
    ])
    .map_err(|e| CliError::operational(format!("cannot handle signals: {e}")))?;
    if let Some(signal) = signals.forever().next() {
        ctx.ui.status("Stopping", format!("on signal {signal}"));
    }
    if args.keep {
        let _ = std::fs::remove_file(&state);
    } else if made_dir {
        let _ = std::fs::remove_dir_all(&args.dir);
    } else {
        for file in [STATE_FILES.as_slice(), &[LOCK_FILE]].concat() {
            let _ = std::fs::remove_file(args.dir.join(file));
        }
    }
    Ok(())
}

/// What a sandbox writes into its DIR.
const STATE_FILES: [&str; 4] = ["sandbox.json", "kubeconfig", "sandbox.log", "ca.crt"];
/// Held (flock) while a sandbox serves from DIR, so a second one is told, not mixed in.
const LOCK_FILE: &str = "sandbox.lock";

/// Takes DIR for this sandbox, or says which running one has it.
fn claim(dir: &std::path::Path) -> Result<std::fs::File, CliError> {
    let path = dir.join(LOCK_FILE);
    let lock = std::fs::File::create(&path)
        .map_err(|e| CliError::operational(format!("cannot create {}: {e}", path.display())))?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(CliError::usage(format!(
            "{} is in use by a running sandbox (see {})",
            dir.display(),
            dir.join("sandbox.json").display()
        ))
        .with_hint("stop that one (Ctrl-C where it runs), or pass another --dir")),
        Err(std::fs::TryLockError::Error(e)) => Err(CliError::operational(format!(
            "cannot lock {}: {e}",
            path.display()
        ))),
    }
}
