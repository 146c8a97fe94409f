//! The step shared by deploy, promote and rollback: wait until the engine has applied a
//! commit and its workloads are Current, within the env's timeout.

use crate::cluster::Cluster;
use crate::config::{Environment, Loaded};
use crate::context::Context;
use crate::engine::{ArgocdApi, Lineage, Outcome, Pending, Relation, Reporter, Target};
use crate::envrepo::EnvRepo;
use crate::error::{CliError, ExitCode};
use crate::ui::Ui;
use std::time::Duration;

/// How long a deploy waits when neither the env nor `--timeout` says.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// How to wait for a commit: for how long, through which kubeconfig context (None: the
/// env's own settings), and whether Ctrl-C ends the wait.
#[derive(Debug, Clone, Default)]
pub struct Wait {
    pub timeout: Option<Duration>,
    pub context: Option<String>,
    pub on_interrupt: OnInterrupt,
}

/// Whether Ctrl-C (SIGINT) ends a wait: a plain release stops at once (exit 130); a canary or
/// blue-green run handles the signal itself and stops at its next safe point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OnInterrupt {
    #[default]
    Stop,
    CarryOn,
}

impl Wait {
    /// The same wait, leaving Ctrl-C to the caller's own handling.
    pub(super) fn carrying_on(self) -> Wait {
        Wait {
            on_interrupt: OnInterrupt::CarryOn,
            ..self
        }
    }

    pub fn timeout(&self, env: &Environment) -> Duration {
        self.timeout
            .or(env.timeout.map(|d| d.0))
            .unwrap_or(DEFAULT_TIMEOUT)
    }
}

/// Runs the async cluster code on a small runtime of its own: only waiting commands pay for it.
pub(super) fn block_on<T>(future: impl std::future::Future<Output = T>) -> Result<T, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::operational(format!("cannot start the async runtime: {e}")))?;
    Ok(runtime.block_on(future))
}

pub(super) async fn connect(wait: &Wait, env: &Environment) -> Result<Cluster, CliError> {
    Ok(Cluster::connect(wait.context.as_deref().or(env.context.as_deref())).await?)
}

/// Checks, before anything is pushed, that the cluster configuration for `env` loads, so a
/// deploy that could not wait stops with the env repo untouched.
pub(super) fn preflight(wait: &Wait, env: &Environment) -> Result<(), CliError> {
    block_on(connect(wait, env))?.map(drop)
}

/// One look at `env` in its cluster, judged against `commit` (the env dir's latest change),
/// through `context` or else the env's own.
pub(super) fn observe_env(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    commit: &str,
    context: Option<&str>,
) -> Result<crate::engine::Observation, CliError> {
    let target = target(ctx, loaded, env, commit);
    let lineage = RepoLineage::new(repo, loaded, env, commit);
    block_on(async {
        let cluster = Cluster::connect(context.or(env.context.as_deref())).await?;
        Ok(crate::engine::observe(&cluster, &target, &lineage).await?)
    })?
}

/// What the engine must do for one env at one commit.
pub(super) fn target(ctx: &Context, loaded: &Loaded, env: &Environment, commit: &str) -> Target {
    let config = &loaded.config;
    let argocd_api = config
        .argocd
        .server
        .clone()
        .or_else(|| ctx.env.argocd_server.clone())
        .zip(ctx.env.argocd_token.clone())
        .map(|(server, token)| ArgocdApi { server, token });
    Target {
        app: config.app.value.clone(),
        env: env.name.value.clone(),
        commit: commit.to_string(),
        engine: config.engine_for(env),
        source: config.source.kind,
        flux: config.flux.clone(),
        argocd: config.argocd.clone(),
        argocd_api,
        crash: crate::decide::pods::CrashPolicy {
            max_restarts: env.fail_fast.restarts,
            max_waiting: env.fail_fast.after.0,
        },
        dir: config.env_path(&env.name.value),
        repo_url: crate::git::strip_credentials(&config.env_repo.url.value),
        branch: config.env_repo.branch.value.clone(),
        namespace: env
            .namespace
            .clone()
            .unwrap_or_else(|| config.app.value.clone()),
    }
}

/// The env repo answers how a revision the engine applied relates to our commit.
struct RepoLineage<'a> {
    repo: &'a EnvRepo,
    commit: &'a str,
    dir: String,
}

impl<'a> RepoLineage<'a> {
    fn new(repo: &'a EnvRepo, loaded: &Loaded, env: &Environment, commit: &'a str) -> Self {
        RepoLineage {
            repo,
            commit,
            dir: loaded.config.env_path(&env.name.value),
        }
    }
}

impl Lineage for RepoLineage<'_> {
    fn relation(&self, revision: &str) -> Relation {
        if !self.repo.contains(revision, self.commit) {
            Relation::Unrelated
        } else if self.repo.subtree(revision, &self.dir)
            == self.repo.subtree(self.commit, &self.dir)
        {
            Relation::Includes
        } else {
            Relation::Supersedes
        }
    }

    fn first_release(&self) -> bool {
        self.repo
            .subtree(&format!("{}^", self.commit), &self.dir)
            .is_none()
    }
}

/// Steps as status lines; on an attended terminal, what is pending on a spinner line
/// (with the time waited) instead of a new line per change.
pub(super) struct UiReporter<'a> {
    ui: &'a Ui,
    spinner: crate::ui::Spinner,
}

impl<'a> UiReporter<'a> {
    pub fn new(ui: &'a Ui) -> Self {
        UiReporter {
            ui,
            spinner: ui.spinner(),
        }
    }
}

impl Reporter for UiReporter<'_> {
    fn step(&self, verb: &str, what: &str) {
        self.spinner.suspend(|| self.ui.status(verb, what));
    }

    fn pending(&self, what: &str) {
        if !self.spinner.show(what) {
            self.ui.status("Waiting", what);
        }
    }
}

/// Waits for `commit` in `env`, which is pushed: a timeout is exit 4 naming what was still
/// pending, and any failure to learn the outcome says that the commit is pushed regardless.
pub(super) fn wait_for(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    commit: &str,
    wait: &Wait,
) -> Result<Outcome, CliError> {
    let target = target(ctx, loaded, env, commit);
    let lineage = RepoLineage::new(repo, loaded, env, commit);
    let pending = Pending::default();
    let timeout = wait.timeout(env);
    let reporter = UiReporter::new(&ctx.ui);
    let name = &env.name.value;
    let short = crate::engine::short(commit);
    repo.release_lock();
    let waited = block_on(async {
        let cluster = connect(wait, env).await?;
        let waited = tokio::time::timeout(
            timeout,
            crate::engine::wait(&cluster, &target, &lineage, &reporter, &pending),
        );
        let interrupted = async {
            if wait.on_interrupt == OnInterrupt::Stop && tokio::signal::ctrl_c().await.is_ok() {
                return;
            }
            std::future::pending::<()>().await
        };
        tokio::select! {
            waited = waited => match waited {
                Ok(outcome) => Ok(outcome?),
                Err(_) => Err(CliError::new(
                    ExitCode::Timeout,
                    format!(
                        "{short} in {name} was not healthy within {}: {}",
                        crate::duration::Duration(timeout),
                        pending.get()
                    ),
                )
                .with_hint("raise --timeout (or the env's `timeout`)")),
            },
            () = interrupted => Err(CliError::new(
                ExitCode::Interrupted,
                format!("interrupted while waiting for {short} in {name}"),
            )),
        }
    })
    .and_then(|waited| waited)
    .map_err(|err| pushed_regardless(err, short, name));
    repo.reacquire_lock()?;
    waited
}

/// A wait that ended without a verdict (cluster unreachable, timeout, Ctrl-C) has not undone
/// the push: say so, and how to look again.
fn pushed_regardless(err: CliError, short: &str, env: &str) -> CliError {
    if !matches!(
        err.code,
        ExitCode::Operational | ExitCode::Timeout | ExitCode::Interrupted
    ) {
        return err;
    }
    let look = format!(
        "`forge wait {env}` waits for it again; `forge status {env}` shows where it stands"
    );
    let hint = match &err.hint {
        Some(hint) => format!("{hint}; {look}"),
        None => look,
    };
    CliError {
        message: format!(
            "{}; commit {short} is pushed, and whether {env} applies it healthily is not known",
            err.message
        ),
        hint: Some(hint),
        code: err.code,
    }
}

/// What `settle` needs to know about the commit it judges.
pub(super) struct Settling<'a> {
    pub commit: &'a str,
    pub version: &'a str,
    /// Whether a failure is rolled back (`rollback: auto` decides whether it is): false when
    /// the env already held this release, or when this is itself a rollback.
    pub may_roll_back: bool,
    pub wait: &'a Wait,
}

/// Turns an outcome into the command's result: the applied revision when healthy; on a
/// failed rollout, the report, a rollback commit (`rollback: auto`) and exit 3; exit 5 when
/// someone else deployed over us meanwhile.
pub(super) fn settle(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    settling: Settling,
    outcome: Outcome,
) -> Result<String, CliError> {
    let name = &env.name.value;
    let Settling {
        commit, version, ..
    } = settling;
    match outcome {
        Outcome::Healthy {
            revision,
            workloads,
        } => {
            ctx.ui.status(
                "Healthy",
                format!(
                    "{version} in {name} at {} ({} workload{} Current)",
                    crate::engine::short(&revision),
                    workloads.len(),
                    if workloads.len() == 1 { "" } else { "s" }
                ),
            );
            Ok(revision)
        }
        Outcome::Superseded { by } => Err(CliError::new(
            ExitCode::Conflict,
            format!(
                "{name} was deployed again by {} while forge waited for {}",
                crate::engine::short(&by),
                crate::engine::short(commit)
            ),
        )
        .with_hint(format!("see who with `forge history {name}`"))),
        Outcome::Failed(failure) => {
            print_failure(&ctx.ui, &failure);
            if let Some(path) = ctx
                .env
                .github_summary
                .as_ref()
                .filter(|_| ctx.env.github_actions)
            {
                crate::ui::github::append_summary(path, &failure_summary(name, version, &failure));
            }
            let mut message = format!("{version} failed in {name}: {}", failure.cause);
            if env.rollback == crate::config::RollbackMode::Auto && settling.may_roll_back {
                message.push_str(&super::rollback::after_failure(
                    ctx,
                    loaded,
                    env,
                    repo,
                    commit,
                    settling.wait,
                )?);
            }
            Err(
                CliError::new(ExitCode::GateFailed, message).with_hint(format!(
                    "fix the release and deploy again; `forge status {name}` shows where it stands"
                )),
            )
        }
    }
}

/// The job summary of a failed rollout: the cause, and each stuck pod's log in a block.
fn failure_summary(env: &str, version: &str, failure: &crate::engine::Failure) -> String {
    use crate::ui::github::cell;
    let mut text = format!(
        "### forge: {} failed in {env}\n\n{}\n\n",
        cell(version),
        cell(&failure.cause)
    );
    for pod in &failure.pods {
        text.push_str(&format!(
            "<details><summary>{} ({}, {} restarts)</summary>\n\n~~~\n{}\n~~~\n</details>\n\n",
            cell(&pod.name),
            cell(&pod.reason),
            pod.restarts,
            pod.log.replace("~~~", "~ ~ ~")
        ));
    }
    text
}

fn print_failure(ui: &Ui, failure: &crate::engine::Failure) {
    ui.status("Failed", &failure.cause);
    for pod in &failure.pods {
        ui.status(
            "Pod",
            format!(
                "{} ({}, {} restarts), container {}:",
                pod.name, pod.reason, pod.restarts, pod.container
            ),
        );
        for line in pod.log.lines() {
            ui.line(format_args!("    | {line}"));
        }
    }
    for event in &failure.events {
        ui.status("Event", event);
    }
}
