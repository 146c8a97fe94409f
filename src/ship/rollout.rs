//! Canary releases driven through git: every step is a commit (the new version beside the
//! stable one, replicas in proportion to the step's weight), waited for like a deploy, held
//! for its pause and judged by the analysis; after 100% the promotion commit makes the new
//! version the only one. A failed step commits the stable side alone (canary-abort).
//! `forge canary status|resume|abort|promote ENV` act on the state kept in release.json.

use super::Context;
use super::deploy::{Shipping, conclude};
use super::steps::{OpenedBundle, environment, open_release_bundle, render_env};
use super::wait::{WaitArgs, block_on, preflight, wait_for};
use crate::config::{Environment, Loaded};
use crate::engine::Outcome;
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::{PublishRequest, Published, publish, read_release};
use crate::envrepo::trailers::{Action, CanaryMark};
use crate::error::{CliError, ExitCode};
use crate::render::canary::{self, Files};
use crate::render::overlay::{CanaryState, RELEASE_FILE, Release};
use clap::{Args, Subcommand};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[derive(Debug, Subcommand)]
pub enum CanaryCommand {
    /// Where the canary in ENV stands (step, weight, versions).
    Status(EnvArg),
    /// Go on with an interrupted canary from the step it is at.
    Resume(ControlArgs),
    /// Return ENV to the stable version alone.
    Abort(ControlArgs),
    /// Skip the remaining steps: make the canary's version the only one now.
    Promote(ControlArgs),
}

#[derive(Debug, Args)]
pub struct EnvArg {
    /// Environment, as named in forge.yaml.
    pub env: String,
}

#[derive(Debug, Args)]
pub struct ControlArgs {
    /// Environment, as named in forge.yaml.
    pub env: String,
    /// The canary's bundle, when it is not kept in forge's cache.
    #[arg(long, value_name = "BUNDLE")]
    pub bundle: Option<std::path::PathBuf>,
    /// Stop once the commit is pushed.
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub fn run(ctx: &Context, command: CanaryCommand) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    match command {
        CanaryCommand::Status(args) => status(ctx, &loaded, &args.env),
        CanaryCommand::Resume(args) => control(ctx, &loaded, args, Control::Resume),
        CanaryCommand::Abort(args) => control(ctx, &loaded, args, Control::Abort),
        CanaryCommand::Promote(args) => control(ctx, &loaded, args, Control::Promote),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Control {
    Resume,
    Abort,
    Promote,
}

/// The env dir at the branch tip: its files and release.
struct Current {
    files: Files,
    release: Option<Release>,
    subtree: Option<String>,
}

fn current(repo: &EnvRepo, dir: &str) -> Result<Current, CliError> {
    let Some(tip) = repo.fetch()? else {
        return Ok(Current {
            files: Files::new(),
            release: None,
            subtree: None,
        });
    };
    Ok(Current {
        files: repo.read_dir(&tip.commit, dir)?,
        release: read_release(repo, &tip.commit, dir)?,
        subtree: repo.subtree(&tip.commit, dir),
    })
}

/// A canary in progress in `release`, if any.
pub fn in_progress(release: Option<&Release>) -> Option<&CanaryState> {
    release.and_then(|r| r.strategy.canary.as_ref())
}

/// The error for shipping into an env whose canary is not finished.
pub fn busy(env: &str, release: &Release, state: &CanaryState) -> CliError {
    CliError::new(
        ExitCode::Conflict,
        format!(
            "a canary of {} {} is in progress in {env} (step {}, {}%, stable {})",
            release.app,
            release.version,
            state.step + 1,
            state.weight,
            state.stable_version
        ),
    )
    .with_hint(format!(
        "finish it with `forge canary resume {env}` or `forge canary promote {env}`, or stop it with `forge canary abort {env}`"
    ))
}

fn status(ctx: &Context, loaded: &Loaded, name: &str) -> Result<(), CliError> {
    let env = environment(loaded, name)?;
    let repo = EnvRepo::open(ctx.repo_settings(loaded))?;
    let now = current(&repo, &loaded.config.env_path(name))?;
    let state = in_progress(now.release.as_ref());
    let steps = env.strategy.steps.len();
    if ctx.json() {
        return crate::ui::emit_json(&serde_json::json!({
            "env": name,
            "version": now.release.as_ref().map(|r| &r.version),
            "canary": state,
            "steps": steps,
        }));
    }
    let text = match (&now.release, state) {
        (Some(release), Some(state)) => format!(
            "{name}: canary of {} at step {}/{steps}, {}% (stable {}), since {}\n",
            release.version,
            state.step + 1,
            state.weight,
            state.stable_version,
            state.started_at
        ),
        (Some(release), None) => format!("{name}: no canary; {} runs alone\n", release.version),
        (None, _) => format!("{name}: nothing deployed\n"),
    };
    crate::ui::emit(&text)
}

fn control(
    ctx: &Context,
    loaded: &Loaded,
    args: ControlArgs,
    control: Control,
) -> Result<(), CliError> {
    let env = environment(loaded, &args.env)?;
    let dir = loaded.config.env_path(&args.env);
    let repo = EnvRepo::open(ctx.repo_settings(loaded))?;
    let now = current(&repo, &dir)?;
    let (Some(release), Some(state)) = (&now.release, in_progress(now.release.as_ref())) else {
        return Err(CliError::usage(format!(
            "no canary is in progress in {}",
            args.env
        )));
    };
    if !args.no_wait {
        preflight(&args.wait, env)?;
    }
    let run = Run {
        measurements: Default::default(),
        ctx,
        loaded,
        env,
        repo: &repo,
        dir: &dir,
        wait: args.wait,
        no_wait: args.no_wait,
    };
    let stable = canary::stable_files(&now.files);
    if control == Control::Abort {
        run.abort(&stable, now.subtree)?;
        return crate::ui::emit(&format!("{}\n", state.stable_version));
    }
    let opened = open_release_bundle(ctx, loaded, &release.bundle_digest, args.bundle)?;
    let signer = super::steps::check_signature(loaded, env, &opened)?;
    let plan = Plan {
        opened: &opened,
        signer,
        stable,
        stable_state: state.clone(),
        action: Action::Deploy,
    };
    match control {
        Control::Promote => run.hand_over_and_promote(&plan, now.subtree),
        _ => run.steps(&plan, state.step, now.subtree),
    }
}

/// Starts a canary of `opened` in `env` (from deploy or promote). The env must hold a
/// release to be the stable side; a first release is shipped plainly.
pub fn start(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    opened: &OpenedBundle,
    signer: Option<String>,
    shipping: &Shipping,
) -> Result<Option<()>, CliError> {
    let dir = loaded.config.env_path(&env.name.value);
    let now = current(repo, &dir)?;
    let Some(stable_release) = now.release.clone() else {
        ctx.ui.status(
            "Note",
            "no stable release to run a canary beside: shipping it plainly",
        );
        return Ok(None);
    };
    if let Some(state) = in_progress(Some(&stable_release)) {
        return Err(busy(&env.name.value, &stable_release, state));
    }
    let run = Run {
        measurements: Default::default(),
        ctx,
        loaded,
        env,
        repo,
        dir: &dir,
        wait: shipping.wait.clone(),
        no_wait: shipping.no_wait,
    };
    let plan = Plan {
        opened,
        signer,
        stable: canary::stable_files(&now.files),
        stable_state: CanaryState {
            stable_version: stable_release.version.clone(),
            stable_bundle_digest: stable_release.bundle_digest.clone(),
            step: 0,
            weight: 0,
            started_at: super::steps::now_rfc3339(ctx)?,
        },
        action: shipping.action,
    };
    match env.strategy.kind {
        crate::config::StrategyKind::BlueGreen => run.blue_green(&plan, now.subtree).map(Some),
        _ => run.steps(&plan, 0, now.subtree).map(Some),
    }
}

struct Run<'a> {
    /// Every measurement the analyses took, for the JSON report.
    measurements: std::cell::RefCell<Vec<crate::gate::analysis::Measurement>>,
    ctx: &'a Context,
    loaded: &'a Loaded,
    env: &'a Environment,
    repo: &'a EnvRepo,
    dir: &'a str,
    wait: WaitArgs,
    no_wait: bool,
}

/// What a canary ships: the new bundle, the stable side's files and versions, and the action
/// the final promotion commit records.
struct Plan<'a> {
    opened: &'a OpenedBundle,
    /// Who signed the bundle, when a signature verified (recorded in release.json).
    signer: Option<String>,
    stable: Files,
    stable_state: CanaryState,
    action: Action,
}

impl Run<'_> {
    fn name(&self) -> &str {
        &self.env.name.value
    }

    /// Runs the steps from `first`, then promotes; aborts on a failed step.
    fn steps(
        &self,
        plan: &Plan,
        first: usize,
        mut subtree: Option<String>,
    ) -> Result<(), CliError> {
        let steps = &self.env.strategy.steps;
        let interrupted = interrupt_flag()?;
        let source = super::steps::read_tree(&plan.opened.extracted.source_dir())?;
        let workloads = crate::render::overlay::workload_names(&source)
            .map_err(|e| CliError::usage(e.to_string()))?;
        let total = self.env.replicas.unwrap_or(1);
        let route = self.route(&source)?;
        for (index, step) in steps.iter().enumerate().skip(first) {
            let step = &step.value;
            let (stable_replicas, canary_replicas) = canary::split(total, step.weight);
            let mut scaled = self.env.clone();
            scaled.replicas = Some(canary_replicas);
            let rendered = render_env(
                self.ctx,
                self.loaded,
                &scaled,
                plan.opened,
                plan.signer.clone(),
            )?;
            let mut release = rendered.release();
            release.strategy.canary = Some(CanaryState {
                step: index,
                weight: step.weight,
                ..plan.stable_state.clone()
            });
            let mut new_files = rendered.files;
            new_files.remove(RELEASE_FILE);
            let files = canary::compose(&canary::Step {
                stable: &plan.stable,
                canary: &new_files,
                workloads: &workloads,
                stable_replicas,
                release: release_bytes(&release),
                route: route.as_ref().map(|(name, backends)| canary::Route {
                    name,
                    backends,
                    weight: step.weight,
                }),
            });
            self.ctx.ui.status(
                "Canary",
                format!(
                    "{} step {}/{}: {}% ({canary_replicas} canary, {stable_replicas} stable)",
                    self.name(),
                    index + 1,
                    steps.len(),
                    step.weight
                ),
            );
            let mark = CanaryMark {
                step: index + 1,
                of: steps.len(),
                weight: step.weight,
            };
            let commit = self.commit(
                files,
                &release,
                Action::CanaryStep,
                Some(mark),
                subtree.clone(),
            )?;
            subtree = self.repo.subtree(&commit, self.dir);
            if self.no_wait {
                self.ctx.ui.status(
                    "Stopped",
                    format!(
                        "at step {} (--no-wait); `forge canary resume {}` goes on",
                        index + 1,
                        self.name()
                    ),
                );
                return crate::ui::emit(&format!("{commit}\n"));
            }
            let namespace = self.wait_step(&commit, &plan.stable, subtree.clone())?;
            if let Some(pause) = step.pause {
                self.ctx
                    .ui
                    .status("Pausing", format!("{} at {}%", pause, step.weight));
                sleep_unless(pause.0, &interrupted);
            }
            if interrupted.load(Ordering::SeqCst) {
                return self.on_interrupt(&plan.stable, subtree, index);
            }
            if step.analysis
                && let Some(analysis) = &self.env.strategy.analysis
                && let Err(cause) = self.analyse(&analysis.value, &release, plan, &namespace)
            {
                return self.fail(&plan.stable, subtree, &cause);
            }
            if interrupted.load(Ordering::SeqCst) {
                return self.on_interrupt(&plan.stable, subtree, index);
            }
        }
        self.hand_over_and_promote(plan, subtree)
    }

    /// The HTTPRoute the steps re-weight (`strategy.httpRoute`), with its backends.
    fn route(
        &self,
        source: &Files,
    ) -> Result<Option<(&str, Vec<crate::render::overlay::RouteBackend>)>, CliError> {
        let Some(name) = &self.env.strategy.http_route else {
            return Ok(None);
        };
        let backends = crate::render::overlay::route_backends(source, name)
            .map_err(|e| CliError::usage(e.to_string()))?
            .ok_or_else(|| {
                CliError::usage(format!(
                    "strategy.httpRoute '{name}': the source has no HTTPRoute of that name"
                ))
            })?;
        Ok(Some((name.as_str(), backends)))
    }

    /// The final switch without a moment short of ready pods: first the new version at full
    /// size under the main names beside the canary or preview (the handover), waited for;
    /// only then the promotion, which removes the copy. Committing the promotion straight
    /// away would delete the copy's pods while the main ones are still starting (and, for
    /// blue-green, point the live Services back at the old version's pods meanwhile).
    fn hand_over_and_promote(&self, plan: &Plan, subtree: Option<String>) -> Result<(), CliError> {
        let rendered = render_env(
            self.ctx,
            self.loaded,
            self.env,
            plan.opened,
            plan.signer.clone(),
        )?;
        let mut release = rendered.release();
        release.strategy.canary = Some(CanaryState {
            step: self.env.strategy.steps.len(),
            weight: 100,
            ..plan.stable_state.clone()
        });
        let mut new_files = rendered.files;
        new_files.remove(RELEASE_FILE);
        let source = super::steps::read_tree(&plan.opened.extracted.source_dir())?;
        let (files, beside) = match self.env.strategy.kind {
            // The live Services stay on the preview while the main names roll to the new
            // version: traffic never goes back to the old one.
            crate::config::StrategyKind::BlueGreen => {
                let selectors = crate::render::overlay::service_selectors(&source)
                    .map_err(|e| CliError::usage(e.to_string()))?;
                let files = canary::compose_preview(
                    &new_files,
                    &new_files,
                    &selectors,
                    true,
                    release_bytes(&release),
                );
                (files, "the preview")
            }
            _ => {
                let route = self.route(&source)?;
                // Both sides run the new version: the route may send everything to the
                // stable names.
                let files = canary::compose(&canary::Step {
                    stable: &new_files,
                    canary: &new_files,
                    workloads: &[],
                    stable_replicas: 0,
                    release: release_bytes(&release),
                    route: route.as_ref().map(|(name, backends)| canary::Route {
                        name,
                        backends,
                        weight: 0,
                    }),
                });
                (files, "the canary")
            }
        };
        self.ctx.ui.status(
            "Handing over",
            format!(
                "{} {} in {}: the main names at full size beside {beside}",
                release.app,
                release.version,
                self.name()
            ),
        );
        let commit = self.commit(files, &release, Action::Handover, None, subtree)?;
        let subtree = self.repo.subtree(&commit, self.dir);
        if self.no_wait {
            return crate::ui::emit(&format!("{commit}\n"));
        }
        self.wait_step(&commit, &plan.stable, subtree.clone())?;
        self.promote(plan, subtree)
    }

    /// Blue-green: the new release beside the live one out of traffic (preview), analysed;
    /// then the live Services switched to it; after `keepOld`, the new release alone.
    fn blue_green(&self, plan: &Plan, subtree: Option<String>) -> Result<(), CliError> {
        let source = super::steps::read_tree(&plan.opened.extracted.source_dir())?;
        let selectors = crate::render::overlay::service_selectors(&source)
            .map_err(|e| CliError::usage(e.to_string()))?;
        let rendered = render_env(
            self.ctx,
            self.loaded,
            self.env,
            plan.opened,
            plan.signer.clone(),
        )?;
        let mut release = rendered.release();
        let mut new_files = rendered.files;
        new_files.remove(RELEASE_FILE);
        let mut subtree = subtree;
        for (step, switched) in [(0, false), (1, true)] {
            release.strategy.canary = Some(CanaryState {
                step,
                weight: if switched { 100 } else { 0 },
                ..plan.stable_state.clone()
            });
            let files = canary::compose_preview(
                &plan.stable,
                &new_files,
                &selectors,
                switched,
                release_bytes(&release),
            );
            let (verb, action) = if switched {
                ("Switching", Action::Switch)
            } else {
                ("Previewing", Action::Preview)
            };
            self.ctx.ui.status(
                verb,
                format!("{} {} in {}", release.app, release.version, self.name()),
            );
            let commit = self.commit(files, &release, action, None, subtree.clone())?;
            subtree = self.repo.subtree(&commit, self.dir);
            if self.no_wait {
                return crate::ui::emit(&format!("{commit}\n"));
            }
            let namespace = self.wait_step(&commit, &plan.stable, subtree.clone())?;
            if !switched
                && let Some(analysis) = &self.env.strategy.analysis
                && let Err(cause) = self.analyse(&analysis.value, &release, plan, &namespace)
            {
                return self.fail(&plan.stable, subtree, &cause);
            }
        }
        if let Some(keep) = self.env.strategy.keep_old {
            self.ctx
                .ui
                .status("Keeping", format!("the old version for {keep}"));
            std::thread::sleep(keep.0);
        }
        self.hand_over_and_promote(plan, subtree)
    }

    /// Waits for a step's commit and returns its workloads' namespace; a failed rollout
    /// aborts to the stable side (exit 3), a deploy over ours is exit 5.
    fn wait_step(
        &self,
        commit: &str,
        stable: &Files,
        subtree: Option<String>,
    ) -> Result<String, CliError> {
        match wait_for(
            self.ctx,
            self.loaded,
            self.env,
            self.repo,
            commit,
            &self.wait,
        )? {
            Outcome::Healthy { workloads, .. } => Ok(workloads
                .first()
                .map(|w| w.namespace.clone())
                .unwrap_or_default()),
            Outcome::Failed(failure) => self
                .fail(stable, subtree, &failure.cause)
                .map(|()| String::new()),
            Outcome::Superseded { by } => Err(CliError::new(
                ExitCode::Conflict,
                format!(
                    "{} was deployed again by {} during the release",
                    self.name(),
                    crate::engine::short(&by)
                ),
            )),
        }
    }

    /// Runs the strategy's analysis of `release`; Err with the failed measurements.
    fn analyse(
        &self,
        analysis: &crate::config::Analysis,
        release: &Release,
        plan: &Plan,
        namespace: &str,
    ) -> Result<(), String> {
        let vars = crate::gate::analysis::Vars {
            app: self.loaded.config.app.value.clone(),
            env: self.name().to_string(),
            namespace: namespace.to_string(),
            version: release.version.clone(),
            stable_version: Some(plan.stable_state.stable_version.clone()),
            interval: crate::gate::analysis::prometheus_duration(analysis.interval.0),
        };
        let ui = &self.ctx.ui;
        let report = block_on(crate::gate::analysis::run(analysis, &vars, &|m| {
            ui.status(
                if m.passed { "Measured" } else { "Failed" },
                format!("{} #{}: {}", m.check, m.round, m.detail),
            );
        }))
        .map_err(|e| e.message)?;
        self.measurements
            .borrow_mut()
            .extend(report.measurements.iter().cloned());
        if report.passed {
            return Ok(());
        }
        let failed: Vec<String> = report
            .measurements
            .iter()
            .filter(|m| !m.passed)
            .map(|m| format!("{}: {}", m.check, m.detail))
            .collect();
        Err(format!("the analysis failed ({})", failed.join("; ")))
    }

    /// The promotion: the new version alone, as a plain deploy renders it.
    fn promote(&self, plan: &Plan, subtree: Option<String>) -> Result<(), CliError> {
        let rendered = render_env(
            self.ctx,
            self.loaded,
            self.env,
            plan.opened,
            plan.signer.clone(),
        )?;
        let release = rendered.release();
        self.ctx.ui.status(
            "Promoting",
            format!(
                "{} {} to all of {}",
                release.app,
                release.version,
                self.name()
            ),
        );
        let published = publish(
            self.repo,
            &PublishRequest {
                dir: self.dir,
                files: rendered.files,
                release: &release,
                action: plan.action,
                force: false,
                create_branch: false,
                expect: subtree,
                canary: None,
            },
        )?;
        conclude(
            self.ctx,
            self.loaded,
            self.env,
            self.repo,
            &release,
            &published,
            &Shipping {
                measurements: self.measurements.take(),
                action: plan.action,
                force: false,
                create_branch: false,
                no_wait: self.no_wait,
                wait: self.wait.clone(),
            },
        )
    }

    /// Commits the stable side alone (canary-abort) and waits for it; returns its release.
    fn abort(&self, stable: &Files, subtree: Option<String>) -> Result<Release, CliError> {
        let bytes = stable.get(RELEASE_FILE).cloned().ok_or_else(|| {
            CliError::operational("the stable side has no release.json to go back to")
        })?;
        let release: Release = serde_json::from_slice(&bytes).map_err(|e| {
            CliError::operational(format!("the stable release.json is invalid: {e}"))
        })?;
        self.ctx.ui.status(
            "Aborting",
            format!("the canary in {}: back to {}", self.name(), release.version),
        );
        let commit = self.commit(stable.clone(), &release, Action::CanaryAbort, None, subtree)?;
        if !self.no_wait {
            match wait_for(
                self.ctx,
                self.loaded,
                self.env,
                self.repo,
                &commit,
                &self.wait,
            )? {
                Outcome::Healthy { .. } => self.ctx.ui.status(
                    "Aborted",
                    format!("{} runs {} alone again", self.name(), release.version),
                ),
                Outcome::Failed(failure) => self.ctx.ui.warn(format!(
                    "the stable release is not healthy either: {}",
                    failure.cause
                )),
                Outcome::Superseded { by } => self.ctx.ui.warn(format!(
                    "{} was deployed again by {}",
                    self.name(),
                    crate::engine::short(&by)
                )),
            }
        }
        Ok(release)
    }

    /// Aborts because a step failed: exit 3 with the cause (and, with `--output json`, a
    /// report of the measurements on stdout).
    fn fail(&self, stable: &Files, subtree: Option<String>, cause: &str) -> Result<(), CliError> {
        let release = self.abort(stable, subtree)?;
        if self.ctx.json() {
            crate::ui::emit_json(&serde_json::json!({
                "env": self.name(),
                "aborted": true,
                "cause": cause,
                "version": release.version,
                "measurements": self.measurements.take(),
            }))?;
        }
        Err(CliError::new(
            ExitCode::GateFailed,
            format!("the canary in {} was aborted: {cause}", self.name()),
        )
        .with_hint(format!("{} runs {} alone", self.name(), release.version)))
    }

    fn commit(
        &self,
        files: Files,
        release: &Release,
        action: Action,
        canary: Option<CanaryMark>,
        expect: Option<String>,
    ) -> Result<String, CliError> {
        let published = publish(
            self.repo,
            &PublishRequest {
                dir: self.dir,
                files,
                release,
                action,
                force: false,
                create_branch: false,
                expect,
                canary,
            },
        )?;
        let commit = match published {
            Published::Committed { commit, .. } | Published::AlreadyDeployed { commit } => commit,
        };
        self.ctx.ui.status(
            "Pushed",
            format!("{} to {}", crate::engine::short(&commit), self.name()),
        );
        Ok(commit)
    }

    /// After Ctrl-C: on a terminal, ask whether to abort now; otherwise (CI) leave the env
    /// at its step and say how to go on.
    fn on_interrupt(
        &self,
        stable: &Files,
        subtree: Option<String>,
        index: usize,
    ) -> Result<(), CliError> {
        let question = format!(
            "Abort the canary in {} and return to the stable version? (no: leave it at step {})",
            self.name(),
            index + 1
        );
        if self.ctx.ui.is_interactive() && self.ctx.ui.prompt_confirm(&question)? {
            return self.fail(stable, subtree, "aborted after an interrupt");
        }
        Err(self.interrupted(index))
    }

    fn interrupted(&self, index: usize) -> CliError {
        CliError::operational(format!(
            "interrupted at canary step {} in {}; the env stays as it is",
            index + 1,
            self.name()
        ))
        .with_hint(format!(
            "go on with `forge canary resume {0}`, or stop with `forge canary abort {0}`",
            self.name()
        ))
    }
}

fn release_bytes(release: &Release) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(release).expect("release serializes");
    bytes.push(b'\n');
    bytes
}

/// SIGINT/SIGTERM during a canary leave the env at its step (every step is one atomic
/// commit) and the run stops at the next safe point with how to resume or abort.
fn interrupt_flag() -> Result<Arc<AtomicBool>, CliError> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&flag))
            .map_err(|e| CliError::operational(format!("cannot handle signals: {e}")))?;
    }
    Ok(flag)
}

fn sleep_unless(duration: Duration, interrupted: &AtomicBool) {
    let deadline = std::time::Instant::now() + duration;
    while std::time::Instant::now() < deadline && !interrupted.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50).min(deadline - std::time::Instant::now()));
    }
}
