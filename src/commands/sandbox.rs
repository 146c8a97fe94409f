//! `forge sandbox up`: run the local cluster stand-in in the foreground until SIGINT/SIGTERM.
//! Hidden from `--help` until it also reconciles the env repo (see the sandbox issue).

use super::Context;
use crate::error::CliError;
use crate::sandbox::{Options, Sandbox, flux, rollout};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Serve the sandbox's Kubernetes API on loopback and write DIR/kubeconfig.
    Up(UpArgs),
}

#[derive(Debug, Args)]
pub struct UpArgs {
    /// Directory for kubeconfig and sandbox.json.
    #[arg(long, default_value = ".forge-sandbox")]
    pub dir: PathBuf,
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Env repo to follow as Flux would [default: envRepo.url of forge.yaml, when there is one]
    #[arg(long, value_name = "URL")]
    pub env_repo: Option<String>,
    /// How often the env repo is fetched.
    #[arg(long, default_value = "5s", value_name = "DURATION")]
    pub interval: crate::duration::Duration,
    /// Images matching this pattern (`*` wildcard) crash-loop (repeatable).
    #[arg(long = "bad-image", value_name = "GLOB")]
    pub bad_images: Vec<String>,
    /// How long a rollout may stall before ProgressDeadlineExceeded.
    #[arg(long, default_value = "10m", value_name = "DURATION")]
    pub progress_deadline: crate::duration::Duration,
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
    let branch = configured
        .as_ref()
        .map_or("main".to_string(), |c| c.config.env_repo.branch.clone());
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
    let options = Options {
        flux: url.map(|url| flux::Settings {
            url,
            branch,
            apps_dir: "apps".into(),
            interval: args.interval.0,
            namespaces,
        }),
        rollout: rollout::Settings {
            bad_images: args.bad_images.clone(),
            progress_deadline: args.progress_deadline.0,
            ..rollout::Settings::default()
        },
    };
    let sandbox = Sandbox::start(args.port, options).map_err(|e| {
        CliError::operational(format!("cannot listen on 127.0.0.1:{}: {e}", args.port))
    })?;
    let kubeconfig = args.dir.join("kubeconfig");
    let state = args.dir.join("sandbox.json");
    let info = serde_json::json!({
        "url": sandbox.url(),
        "port": sandbox.address.port(),
        "pid": std::process::id(),
        "kubeconfig": kubeconfig,
    });
    let write = |path: &PathBuf, bytes: &[u8]| {
        crate::fs::write_atomic(path, bytes, 0o600)
            .map_err(|e| CliError::operational(format!("cannot write {}: {e}", path.display())))
    };
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
    if ctx.json() {
        crate::ui::emit_json(&info)?;
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
    let _ = std::fs::remove_file(&state);
    Ok(())
}
