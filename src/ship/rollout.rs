//! Canary and blue-green releases driven through git: every step is a commit (the new version
//! beside the stable one, replicas in proportion to the step's weight), waited for like a
//! deploy, held for its pause and judged by the analysis; after 100% the promotion commit
//! makes the new version the only one. A failed step commits the stable side alone
//! (canary-abort). `forge canary status|resume|abort|promote ENV` act on the state kept in
//! release.json.

use super::bundle::{Signed, check_signature, open_release, render_env};
use super::release::{Shipping, conclude};
use super::strategy::{Action, CanaryStep, Machine, Observation, Stage, Strategy};
use super::wait::{Wait, block_on, preflight, wait_for};
use super::{Aborted, Report};
use crate::config::{Environment, Loaded, StrategyKind};
use crate::context::Context;
use crate::engine::Outcome;
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::{PublishRequest, Published, publish, read_release};
use crate::envrepo::trailers::{self, CanaryMark};
use crate::error::{CliError, ExitCode};
use crate::model::Files;
use crate::model::release::{CanaryState, Release, Side};
use crate::render::canary;
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What `forge canary resume|abort|promote` do with the canary in progress.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Go on from the step it is at.
    Resume,
    /// Return to the stable version alone.
    Abort,
    /// Skip the remaining steps.
    Promote,
}

/// How a canary control command runs.
pub struct ControlRequest {
    /// The canary's bundle, when it is not kept in forge's cache.
    pub bundle: Option<std::path::PathBuf>,
    pub no_wait: bool,
    pub wait: Wait,
}

/// The env dir at the branch tip: its files and release.
pub(super) struct Current {
    files: Files,
    /// The release the env dir records, if any.
    pub(super) release: Option<Release>,
    subtree: Option<String>,
}

impl Current {
    pub(super) fn read(repo: &EnvRepo, dir: &str) -> Result<Current, CliError> {
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

    /// The side the env's settled release serves from; None when the env holds none or a
    /// release is in progress.
    pub(super) fn settled_side(&self) -> Option<Side> {
        self.release.as_ref().and_then(Release::settled_side)
    }

    /// A canary in progress, if any.
    fn in_progress(&self) -> Option<&CanaryState> {
        self.release
            .as_ref()
            .and_then(|r| r.strategy.canary.as_ref())
    }

    /// The release to run a new one beside: None when the env holds none; an error while a
    /// canary is still in progress there.
    pub(super) fn into_stable(self, env: &str) -> Result<Option<Stable>, CliError> {
        let Some(release) = self.release else {
            return Ok(None);
        };
        if let Some(state) = release.strategy.canary.as_ref() {
            return Err(busy(env, &release, state));
        }
        Ok(Some(Stable {
            files: self.files,
            release,
            subtree: self.subtree,
        }))
    }
}

/// The release an env holds, beside which a canary or blue-green release runs.
pub(super) struct Stable {
    files: Files,
    release: Release,
    subtree: Option<String>,
}

/// The error for shipping into an env whose canary is not finished.
fn busy(env: &str, release: &Release, state: &CanaryState) -> CliError {
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

/// Where the canary in an env stands.
#[derive(Serialize)]
pub struct Status {
    pub env: String,
    pub version: Option<String>,
    pub canary: Option<CanaryState>,
    pub steps: usize,
}

impl Status {
    pub fn text(&self) -> String {
        let (name, steps) = (&self.env, self.steps);
        match (&self.version, &self.canary) {
            (Some(version), Some(state)) => format!(
                "{name}: canary of {version} at step {}/{steps}, {}% (stable {}), since {}\n",
                state.step + 1,
                state.weight,
                state.stable_version,
                state.started_at
            ),
            (Some(version), None) => format!("{name}: no canary; {version} runs alone\n"),
            (None, _) => format!("{name}: nothing deployed\n"),
        }
    }
}

pub fn status(ctx: &Context, loaded: &Loaded, env: &Environment) -> Result<Status, CliError> {
    let name = &env.name.value;
    let repo = EnvRepo::open(ctx.repo_settings(loaded))?;
    let now = Current::read(&repo, &loaded.config.env_path(name))?;
    Ok(Status {
        env: name.clone(),
        canary: now.in_progress().cloned(),
        version: now.release.map(|r| r.version),
        steps: env.strategy.steps.len(),
    })
}

/// Resumes, aborts or promotes the canary in progress in `env`.
pub fn control(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    control: Control,
    request: ControlRequest,
) -> Result<Report, CliError> {
    let name = &env.name.value;
    let dir = loaded.config.env_path(name);
    let repo = EnvRepo::open(ctx.repo_settings(loaded))?;
    let now = Current::read(&repo, &dir)?;
    let (Some(release), Some(state)) = (&now.release, now.in_progress()) else {
        return Err(CliError::usage(format!(
            "no canary is in progress in {name}"
        )));
    };
    // Aborting returns to the stable release, as a rollback does: allowed while frozen.
    if control != Control::Abort {
        super::freeze::refuse_if_frozen(loaded, env, &repo)?;
    }
    if env.protected && control != Control::Resume {
        let verb = if control == Control::Abort {
            "Abort"
        } else {
            "Promote"
        };
        ctx.confirm(&format!(
            "{verb} the canary of {} {} in protected environment {name}?",
            loaded.config.app.value, release.version
        ))?;
    }
    if !request.no_wait {
        preflight(&request.wait, env)?;
    }
    let run = Run {
        measurements: Default::default(),
        ctx,
        loaded,
        env,
        repo: &repo,
        dir: &dir,
        wait: request.wait.carrying_on(),
        no_wait: request.no_wait,
    };
    let stable = canary::stable_files(&now.files);
    if control == Control::Abort {
        run.abort(&stable, now.subtree.clone())?;
        return Ok(Report::Returned {
            stable_version: state.stable_version.clone(),
        });
    }
    let opened = open_release(ctx, loaded, &release.bundle_digest, request.bundle)?;
    let plan = Candidate {
        next: Next::Bundle(check_signature(loaded, env, &opened)?),
        stable,
        stable_state: state.clone(),
        side: release.strategy.side,
        kind: release.strategy.kind,
        action: trailers::Action::Deploy,
    };
    // Resuming goes on from the step the env is at, as the release in progress was started
    // (whatever the env's strategy says now).
    let machine = run.machine(release.strategy.kind);
    let first = match control {
        Control::Promote => machine.finish(),
        _ => machine.start(state.step),
    };
    run.drive(&plan, &machine, first, now.subtree.clone())
}

/// Starts a `kind` (canary or blue-green) release of `bundle` in `env` (from deploy or
/// promote) beside `stable`, the release the env holds.
pub(super) fn start(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    (bundle, kind): (Signed, StrategyKind),
    shipping: &Shipping,
    stable: Stable,
) -> Result<Report, CliError> {
    let dir = loaded.config.env_path(&env.name.value);
    let run = Run::new(ctx, loaded, env, repo, &dir, shipping);
    let plan = Candidate {
        next: Next::Bundle(bundle),
        stable: canary::stable_files(&stable.files),
        stable_state: beside(ctx, &stable.release)?,
        side: match kind {
            StrategyKind::BlueGreen => stable.release.strategy.side.other(),
            _ => Side::Main,
        },
        kind,
        action: shipping.action,
    };
    let machine = run.machine(kind);
    run.drive(&plan, &machine, machine.start(0), stable.subtree)
}

/// Rolls `env` back to `restored`, an env dir from history, when its release runs on the
/// other side than the live one: one commit would point the live Services at pods that only
/// start. It goes as a blue-green release without analysis instead: the restored pods
/// previewed beside the live ones, the Services switched once they are ready, then the env
/// dir committed as it was (Forge-Action: rollback), which keeps those pods. None when one
/// commit is safe: the same side, nothing deployed, or a release in progress.
pub(super) fn roll_back_across(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    repo: &EnvRepo,
    (restored, release): (&Files, &Release),
    shipping: &Shipping,
) -> Result<Option<Report>, CliError> {
    let dir = loaded.config.env_path(&env.name.value);
    let current = Current::read(repo, &dir)?;
    if current
        .settled_side()
        .is_none_or(|side| side == release.strategy.side)
    {
        return Ok(None);
    }
    let Some(live) = current.into_stable(&env.name.value)? else {
        return Ok(None);
    };
    ctx.ui.status(
        "Note",
        format!(
            "{} runs on the other side than {}: its pods start beside the live ones before the Services switch",
            release.version, live.release.version
        ),
    );
    let run = Run::new(ctx, loaded, env, repo, &dir, shipping);
    let plan = Candidate {
        next: Next::Restored {
            dir: restored.clone(),
            release: Box::new(release.clone()),
        },
        stable: canary::stable_files(&live.files),
        stable_state: beside(ctx, &live.release)?,
        side: release.strategy.side,
        kind: StrategyKind::BlueGreen,
        action: shipping.action,
    };
    // Going back skips the gates a new release passes.
    let machine = Machine {
        strategy: Strategy::BlueGreen {
            analysis: false,
            keep_old: None,
        },
        no_wait: shipping.no_wait,
    };
    run.drive(&plan, &machine, machine.start(0), live.subtree)
        .map(Some)
}

/// The state of a release started now beside `stable`.
fn beside(ctx: &Context, stable: &Release) -> Result<CanaryState, CliError> {
    Ok(CanaryState {
        stable_version: stable.version.clone(),
        stable_bundle_digest: stable.bundle_digest.clone(),
        step: 0,
        weight: 0,
        started_at: ctx.now_rfc3339()?,
    })
}

struct Run<'a> {
    /// Every measurement the analyses took, for the JSON report.
    measurements: std::cell::RefCell<Vec<crate::gate::analysis::Measurement>>,
    ctx: &'a Context,
    loaded: &'a Loaded,
    env: &'a Environment,
    repo: &'a EnvRepo,
    dir: &'a str,
    wait: Wait,
    no_wait: bool,
}

/// What a canary ships: the new release, the stable side's files and versions, the side the
/// new release runs on, the strategy it is released by, and the action the final promotion
/// commit records.
struct Candidate<'a> {
    next: Next<'a>,
    stable: Files,
    stable_state: CanaryState,
    side: Side,
    kind: StrategyKind,
    action: trailers::Action,
}

/// Where the new release comes from.
enum Next<'a> {
    /// A bundle, rendered for the env (and a canary step's replicas).
    Bundle(Signed<'a>),
    /// An env dir from history (a rollback), committed again as it was once switched to.
    Restored { dir: Files, release: Box<Release> },
}

impl<'a> Run<'a> {
    fn new(
        ctx: &'a Context,
        loaded: &'a Loaded,
        env: &'a Environment,
        repo: &'a EnvRepo,
        dir: &'a str,
        shipping: &Shipping,
    ) -> Run<'a> {
        Run {
            measurements: Default::default(),
            ctx,
            loaded,
            env,
            repo,
            dir,
            wait: shipping.wait.clone().carrying_on(),
            no_wait: shipping.no_wait,
        }
    }
}

impl Run<'_> {
    fn name(&self) -> &str {
        &self.env.name.value
    }

    /// The state machine for `kind` with this env's steps, analysis and `keepOld`.
    fn machine(&self, kind: StrategyKind) -> Machine {
        let strategy = &self.env.strategy;
        let analysis = strategy.analysis.is_some();
        let strategy = match kind {
            StrategyKind::BlueGreen => Strategy::BlueGreen {
                analysis,
                keep_old: strategy.keep_old.map(|d| d.0),
            },
            _ => Strategy::Canary(
                strategy
                    .steps
                    .iter()
                    .map(|step| CanaryStep {
                        pause: step.value.pause.map(|d| d.0),
                        analysis: analysis && step.value.analysis,
                    })
                    .collect(),
            ),
        };
        Machine {
            strategy,
            no_wait: self.no_wait,
        }
    }

    /// Carries out the machine's actions from `first` until one ends the run. Ctrl-C is
    /// noted, not fatal: the machine stops at its next safe point (holds end early).
    fn drive(
        &self,
        plan: &Candidate,
        machine: &Machine,
        first: Action,
        mut subtree: Option<String>,
    ) -> Result<Report, CliError> {
        let interrupted = interrupt_flag()?;
        let mut action = first;
        let mut commit = String::new();
        let mut namespace = String::new();
        loop {
            let seen = match &action {
                Action::Commit(stage) => {
                    commit = self.commit_stage(plan, *stage, subtree.clone())?;
                    subtree = self.repo.subtree(&commit, self.dir);
                    Observation::Done
                }
                Action::Wait(_) => match self.wait_step(&commit)? {
                    Ok(found) => {
                        namespace = found;
                        Observation::Done
                    }
                    Err(cause) => Observation::Failed(cause),
                },
                Action::Hold(stage, duration) => {
                    let (verb, what) = match stage {
                        Stage::Step(index) => (
                            "Pausing",
                            format!(
                                "{} at {}%",
                                crate::duration::Duration(*duration),
                                self.env.strategy.steps[*index].value.weight
                            ),
                        ),
                        _ => (
                            "Keeping",
                            format!(
                                "the old version for {}",
                                crate::duration::Duration(*duration)
                            ),
                        ),
                    };
                    self.ctx.ui.status(verb, what);
                    sleep_unless(*duration, &interrupted);
                    Observation::Done
                }
                Action::Analyse(_) => match &self.env.strategy.analysis {
                    Some(analysis) => match self.analyse(&analysis.value, plan, &namespace) {
                        Ok(()) => Observation::Done,
                        Err(cause) => Observation::Failed(cause),
                    },
                    None => Observation::Done,
                },
                Action::Stop(stage) => {
                    if let Stage::Step(index) = stage {
                        self.ctx.ui.status(
                            "Stopped",
                            format!(
                                "at step {} (--no-wait); `forge canary resume {}` goes on",
                                index + 1,
                                self.name()
                            ),
                        );
                    }
                    return Ok(Report::Stopped { commit });
                }
                Action::Promote => return self.promote(plan, subtree),
                Action::Abort(cause) => return self.fail(&plan.stable, subtree, cause),
                Action::Interrupted(stage) => {
                    return self.on_interrupt(&plan.stable, subtree, *stage);
                }
            };
            action = machine.next(&action, seen, interrupted.load(Ordering::SeqCst));
        }
    }

    /// Commits one stage of the release and returns the commit.
    fn commit_stage(
        &self,
        plan: &Candidate,
        stage: Stage,
        subtree: Option<String>,
    ) -> Result<String, CliError> {
        let steps = &self.env.strategy.steps;
        let (env, canary_replicas, stable_replicas) = match stage {
            Stage::Step(index) => {
                let total = self.env.replicas.unwrap_or(1);
                let (stable, canary) = canary::split(total, steps[index].value.weight);
                let mut scaled = self.env.clone();
                scaled.replicas = Some(canary);
                (std::borrow::Cow::Owned(scaled), canary, stable)
            }
            _ => (std::borrow::Cow::Borrowed(self.env), 0, 0),
        };
        let (new_files, mut release) = self.next_release(plan, &env)?;
        let (step, weight) = match stage {
            Stage::Step(index) => (index, steps[index].value.weight),
            Stage::Preview => (0, 0),
            Stage::Switch => (1, 100),
            Stage::Handover => (steps.len(), 100),
        };
        release.strategy.canary = Some(CanaryState {
            step,
            weight,
            ..plan.stable_state.clone()
        });
        release.strategy.side = plan.side;
        release.strategy.kind = plan.kind;
        let what = format!("{} {} in {}", release.app, release.version, self.name());
        let (files, action, mark) = match stage {
            Stage::Step(index) => {
                self.ctx.ui.status(
                    "Canary",
                    format!(
                        "{} step {}/{}: {weight}% ({canary_replicas} canary, {stable_replicas} stable)",
                        self.name(),
                        index + 1,
                        steps.len(),
                    ),
                );
                let workloads = crate::render::overlay::workload_names(&new_files)
                    .map_err(|e| CliError::usage(e.to_string()))?;
                let files = self.compose(
                    &new_files,
                    weight,
                    canary::Step {
                        stable: &plan.stable,
                        canary: &new_files,
                        workloads: &workloads,
                        stable_replicas,
                        release: &release,
                        route: None,
                    },
                )?;
                let mark = CanaryMark {
                    step: index + 1,
                    of: steps.len(),
                    weight,
                };
                (files, trailers::Action::CanaryStep, Some(mark))
            }
            Stage::Preview | Stage::Switch => {
                let switched = stage == Stage::Switch;
                let (verb, action) = if switched {
                    ("Switching", trailers::Action::Switch)
                } else {
                    ("Previewing", trailers::Action::Preview)
                };
                self.ctx.ui.status(verb, what);
                let files = canary::compose_blue_green(&canary::BlueGreen {
                    live: &plan.stable,
                    next: &new_files,
                    side: plan.side,
                    selectors: &selectors(&new_files)?,
                    switched,
                    release: &release,
                });
                (files, action, None)
            }
            // The canary's final switch without a moment short of ready pods: first the new
            // version at full size under the main names beside the canary, waited for; only
            // then the promotion, which removes the copy. Committing the promotion straight
            // away would delete the copy's pods while the main ones are still starting.
            Stage::Handover => {
                // Both sides run the new version: the route may send everything to the
                // stable names.
                let files = self.compose(
                    &new_files,
                    0,
                    canary::Step {
                        stable: &new_files,
                        canary: &new_files,
                        workloads: &[],
                        stable_replicas: 0,
                        release: &release,
                        route: None,
                    },
                )?;
                self.ctx.ui.status(
                    "Handing over",
                    format!("{what}: the main names at full size beside the canary"),
                );
                (files, trailers::Action::Handover, None)
            }
        };
        self.commit(files, &release, action, mark, subtree)
    }

    /// The new release as rendered for `env` (without its release.json) and its release.
    fn next_release(
        &self,
        plan: &Candidate,
        env: &Environment,
    ) -> Result<(Files, Release), CliError> {
        match &plan.next {
            Next::Bundle(bundle) => {
                let rendered = render_env(
                    self.ctx,
                    self.loaded,
                    env,
                    bundle.opened,
                    bundle.signer.clone(),
                )?;
                let mut files = rendered.files;
                Release::remove_from(&mut files);
                Ok((files, rendered.release))
            }
            Next::Restored { dir, release } => Ok((
                canary::release_files(dir, release.strategy.side),
                (**release).clone(),
            )),
        }
    }

    /// A canary env dir, with the HTTPRoute (`strategy.httpRoute`), if any, weighted to
    /// send `weight` percent to the canary. `source` is the new release's rendered env dir,
    /// whose `base/` is its source.
    fn compose(&self, source: &Files, weight: u32, step: canary::Step) -> Result<Files, CliError> {
        let Some(name) = &self.env.strategy.http_route else {
            return Ok(canary::compose(&step));
        };
        let backends = crate::render::overlay::route_backends(source, name)
            .map_err(|e| CliError::usage(e.to_string()))?
            .ok_or_else(|| {
                CliError::usage(format!(
                    "strategy.httpRoute '{name}': the source has no HTTPRoute of that name"
                ))
            })?;
        Ok(canary::compose(&canary::Step {
            route: Some(canary::Route {
                name,
                backends: &backends,
                weight,
            }),
            ..step
        }))
    }

    /// Waits for a stage's commit: its workloads' namespace when healthy, else the cause of
    /// the failed rollout; a deploy over ours is exit 5.
    fn wait_step(&self, commit: &str) -> Result<Result<String, String>, CliError> {
        match wait_for(
            self.ctx,
            self.loaded,
            self.env,
            self.repo,
            commit,
            &self.wait,
        )? {
            Outcome::Healthy { workloads, .. } => Ok(Ok(workloads
                .first()
                .map(|w| w.namespace.clone())
                .unwrap_or_default())),
            Outcome::Failed(failure) => Ok(Err(failure.cause)),
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

    /// Runs the strategy's analysis of the new release; Err with the failed measurements.
    fn analyse(
        &self,
        analysis: &crate::config::Analysis,
        plan: &Candidate,
        namespace: &str,
    ) -> Result<(), String> {
        let vars = crate::gate::analysis::Vars {
            app: self.loaded.config.app.value.clone(),
            env: self.name().to_string(),
            namespace: namespace.to_string(),
            version: match &plan.next {
                Next::Bundle(bundle) => bundle.opened.extracted.verified.manifest.version.clone(),
                Next::Restored { release, .. } => release.version.clone(),
            },
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

    /// The promotion: the new version alone on the side it runs on; under the app's own
    /// names that is the env dir a plain deploy renders. A rollback commits the restored env
    /// dir as it was.
    fn promote(&self, plan: &Candidate, subtree: Option<String>) -> Result<Report, CliError> {
        let (files, release) = match &plan.next {
            Next::Restored { dir, release } => (dir.clone(), (**release).clone()),
            Next::Bundle(_) => {
                let (mut files, mut release) = self.next_release(plan, self.env)?;
                if plan.side == Side::Preview {
                    // Blue-green settles where the switch sent the traffic: no pod of the new
                    // version starts again.
                    release.strategy.side = Side::Preview;
                    files = canary::compose_settled(&files, &selectors(&files)?, &release);
                } else {
                    release.write_into(&mut files);
                }
                (files, release)
            }
        };
        self.ctx.ui.status(
            if plan.action == trailers::Action::Rollback {
                "Rolling back"
            } else {
                "Promoting"
            },
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
                expect: subtree,
                ..PublishRequest::new(self.dir, files, &release, plan.action)
            },
        )?;
        let mut shipped = conclude(
            self.ctx,
            self.loaded,
            self.env,
            self.repo,
            &release,
            &published,
            &Shipping {
                action: plan.action,
                force: false,
                create_branch: false,
                no_wait: self.no_wait,
                wait: self.wait.clone(),
                // Checked when the release started.
                allow_downgrade: true,
            },
        )?;
        shipped.measurements = self.measurements.take();
        Ok(Report::Shipped(shipped))
    }

    /// Commits the stable side alone (canary-abort) and waits for it; returns its release.
    fn abort(&self, stable: &Files, subtree: Option<String>) -> Result<Release, CliError> {
        let release = Release::read_from(stable)
            .map_err(|e| CliError::operational(format!("the stable release.json is invalid: {e}")))?
            .ok_or_else(|| {
                CliError::operational("the stable side has no release.json to go back to")
            })?;
        self.ctx.ui.status(
            "Aborting",
            format!("the canary in {}: back to {}", self.name(), release.version),
        );
        let commit = self.commit(
            stable.clone(),
            &release,
            trailers::Action::CanaryAbort,
            None,
            subtree,
        )?;
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

    /// Aborts because a step failed: the report (with the measurements) and exit 3 with the
    /// cause.
    fn fail(
        &self,
        stable: &Files,
        subtree: Option<String>,
        cause: &str,
    ) -> Result<Report, CliError> {
        let release = self.abort(stable, subtree)?;
        let error = CliError::new(
            ExitCode::GateFailed,
            format!("the canary in {} was aborted: {cause}", self.name()),
        )
        .with_hint(format!("{} runs {} alone", self.name(), release.version));
        Ok(Report::Aborted(Aborted {
            env: self.name().to_string(),
            aborted: true,
            cause: cause.to_string(),
            version: release.version,
            measurements: self.measurements.take(),
            error,
        }))
    }

    fn commit(
        &self,
        files: Files,
        release: &Release,
        action: trailers::Action,
        canary: Option<CanaryMark>,
        expect: Option<String>,
    ) -> Result<String, CliError> {
        let published = publish(
            self.repo,
            &PublishRequest {
                expect,
                canary,
                ..PublishRequest::new(self.dir, files, release, action)
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
        stage: Stage,
    ) -> Result<Report, CliError> {
        let question = format!(
            "Abort the canary in {} and return to the stable version? (no: leave it at {})",
            self.name(),
            stage.position()
        );
        if self.ctx.ui.is_interactive() && self.ctx.ui.prompt_confirm(&question)? {
            return self.fail(stable, subtree, "aborted after an interrupt");
        }
        Err(CliError::operational(format!(
            "interrupted at {stage} in {}; the env stays as it is",
            self.name()
        ))
        .with_hint(format!(
            "go on with `forge canary resume {0}`, or stop with `forge canary abort {0}`",
            self.name()
        )))
    }
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

/// The live Services' selector labels in a rendered release (blue-green).
fn selectors(source: &Files) -> Result<std::collections::BTreeMap<String, String>, CliError> {
    crate::render::overlay::service_selectors(source).map_err(|e| CliError::usage(e.to_string()))
}
