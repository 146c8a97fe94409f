//! Canary and blue-green releases as pure state machines: given what was done last and what
//! came of it, [`Machine::next`] says what to do next. No I/O here; the executor in
//! `rollout` performs each action and feeds back its observation, so every strategy shares
//! one loop and one way to handle Ctrl-C.

use std::fmt;
use std::time::Duration;

/// Where a release stands: which commit it is at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Canary step (index into the steps): the new version at the step's weight.
    Step(usize),
    /// Blue-green: the new version beside the live one, out of traffic.
    Preview,
    /// Blue-green: the live Services switched to the new version. What follows is the
    /// promotion, which leaves the new version alone on the side it runs on.
    Switch,
    /// Canary: the new version at full size under the main names beside the canary.
    Handover,
}

impl Stage {
    /// How a prompt names the point a release is left at.
    pub fn position(self) -> String {
        match self {
            Stage::Step(index) => format!("step {}", index + 1),
            Stage::Preview => "the preview".into(),
            Stage::Switch => "the switch".into(),
            Stage::Handover => "the handover".into(),
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stage::Step(index) => write!(f, "canary step {}", index + 1),
            Stage::Preview => f.write_str("the blue-green preview"),
            Stage::Switch => f.write_str("the blue-green switch"),
            Stage::Handover => f.write_str("the handover"),
        }
    }
}

/// What to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Commit this stage.
    Commit(Stage),
    /// Wait until the stage's commit is applied and healthy.
    Wait(Stage),
    /// Hold the stage this long (a canary step's pause, blue-green's `keepOld`).
    Hold(Stage, Duration),
    /// Run the analysis against the stage.
    Analyse(Stage),
    /// Stop after pushing the stage (`--no-wait`); a later command goes on.
    Stop(Stage),
    /// Commit the new version alone and wait for it as a deploy does: done.
    Promote,
    /// Return to the stable version alone: the rollout or the analysis failed.
    Abort(String),
    /// Stop at this stage after Ctrl-C; the env stays as it is.
    Interrupted(Stage),
}

impl Action {
    /// Whether the run is over once this action is carried out.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Action::Stop(_) | Action::Promote | Action::Abort(_) | Action::Interrupted(_)
        )
    }
}

/// What came of an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observation {
    /// Pushed, healthy, held or passed, as the action asked.
    Done,
    /// The rollout failed or the analysis did not pass: the cause.
    Failed(String),
}

/// A canary step as the machine needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanaryStep {
    pub pause: Option<Duration>,
    /// The step is analysed (and the env has an analysis).
    pub analysis: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Strategy {
    Canary(Vec<CanaryStep>),
    BlueGreen {
        /// The preview is analysed before the switch.
        analysis: bool,
        keep_old: Option<Duration>,
    },
}

pub struct Machine {
    pub strategy: Strategy,
    /// Stop after each commit (`--no-wait`).
    pub no_wait: bool,
}

impl Machine {
    /// The first action of a canary from step `first` (past the last step: the handover), or
    /// of a blue-green release from its preview (`first` 0) or its switch.
    pub fn start(&self, first: usize) -> Action {
        match &self.strategy {
            Strategy::Canary(_) => Action::Commit(self.canary_step(first)),
            Strategy::BlueGreen { .. } if first == 0 => Action::Commit(Stage::Preview),
            Strategy::BlueGreen { .. } => Action::Commit(Stage::Switch),
        }
    }

    /// The first action of skipping the remaining steps: a canary hands over first (its
    /// copy's pods go only once the main ones are ready); blue-green's new pods already run
    /// at full size, so it promotes at once.
    pub fn finish(&self) -> Action {
        match &self.strategy {
            Strategy::Canary(_) => Action::Commit(Stage::Handover),
            Strategy::BlueGreen { .. } => Action::Promote,
        }
    }

    /// What follows `done` given what came of it. An interrupt stops the run at the next safe
    /// point — before an analysis, the next commit or blue-green's promotion (which removes
    /// the old version) — unless a failure aborts it first; a canary's handover exists only
    /// to be promoted, so that promotion goes on.
    pub fn next(&self, done: &Action, seen: Observation, interrupted: bool) -> Action {
        if done.is_final() {
            return done.clone();
        }
        if let Observation::Failed(cause) = seen {
            return Action::Abort(cause);
        }
        let proposed = match *done {
            Action::Commit(stage) if self.no_wait => Action::Stop(stage),
            Action::Commit(stage) => Action::Wait(stage),
            Action::Wait(stage) => self.after_healthy(stage),
            Action::Hold(stage, _) => self.after_hold(stage),
            Action::Analyse(stage) => self.after_analysis(stage),
            Action::Stop(_) | Action::Promote | Action::Abort(_) | Action::Interrupted(_) => {
                done.clone()
            }
        };
        let stops = match proposed {
            Action::Commit(_) | Action::Analyse(_) => true,
            Action::Promote => !matches!(done, Action::Wait(Stage::Handover)),
            _ => false,
        };
        match done {
            Action::Wait(stage) | Action::Hold(stage, _) | Action::Analyse(stage)
                if interrupted && stops =>
            {
                Action::Interrupted(*stage)
            }
            _ => proposed,
        }
    }

    fn after_healthy(&self, stage: Stage) -> Action {
        match (&self.strategy, stage) {
            (Strategy::Canary(steps), Stage::Step(index)) => match steps.get(index) {
                Some(CanaryStep {
                    pause: Some(pause), ..
                }) => Action::Hold(stage, *pause),
                _ => self.after_hold(stage),
            },
            (
                Strategy::BlueGreen {
                    keep_old: Some(keep),
                    ..
                },
                Stage::Switch,
            ) => Action::Hold(stage, *keep),
            (_, Stage::Handover) => Action::Promote,
            _ => self.after_hold(stage),
        }
    }

    fn after_hold(&self, stage: Stage) -> Action {
        let analysed = match (&self.strategy, stage) {
            (Strategy::Canary(steps), Stage::Step(index)) => {
                steps.get(index).is_some_and(|step| step.analysis)
            }
            (Strategy::BlueGreen { analysis, .. }, Stage::Preview) => *analysis,
            _ => false,
        };
        if analysed {
            Action::Analyse(stage)
        } else {
            self.after_analysis(stage)
        }
    }

    fn after_analysis(&self, stage: Stage) -> Action {
        match stage {
            Stage::Step(index) => Action::Commit(self.canary_step(index + 1)),
            Stage::Preview => Action::Commit(Stage::Switch),
            Stage::Switch | Stage::Handover => Action::Promote,
        }
    }

    /// Canary step `index`, or the handover once past the last one.
    fn canary_step(&self, index: usize) -> Stage {
        match &self.strategy {
            Strategy::Canary(steps) if index < steps.len() => Stage::Step(index),
            _ => Stage::Handover,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Observation::*;
    use Stage::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn canary(no_wait: bool) -> Machine {
        let step = |pause, analysis| CanaryStep { pause, analysis };
        Machine {
            strategy: Strategy::Canary(vec![
                step(Some(MINUTE), true),
                step(None, true),
                step(Some(MINUTE), false),
            ]),
            no_wait,
        }
    }

    fn blue_green(analysis: bool, keep_old: Option<Duration>) -> Machine {
        Machine {
            strategy: Strategy::BlueGreen { analysis, keep_old },
            no_wait: false,
        }
    }

    /// Feeds `Done` (no interrupt) from the start until a final action.
    fn run(machine: &Machine, first: usize) -> Vec<Action> {
        let mut actions = vec![machine.start(first)];
        while !actions.last().is_some_and(Action::is_final) {
            let done = actions.last().cloned().unwrap_or(Promote);
            actions.push(machine.next(&done, Done, false));
        }
        actions
    }

    #[test]
    fn a_canary_commits_waits_holds_and_analyses_each_step_then_hands_over() {
        assert_eq!(
            run(&canary(false), 0),
            [
                Commit(Step(0)),
                Wait(Step(0)),
                Hold(Step(0), MINUTE),
                Analyse(Step(0)),
                Commit(Step(1)),
                Wait(Step(1)),
                Analyse(Step(1)),
                Commit(Step(2)),
                Wait(Step(2)),
                Hold(Step(2), MINUTE),
                Commit(Handover),
                Wait(Handover),
                Promote,
            ]
        );
    }

    #[test]
    fn resuming_starts_at_the_step_and_past_the_last_step_hands_over() {
        assert_eq!(run(&canary(false), 2)[0], Commit(Step(2)));
        assert_eq!(run(&canary(false), 3)[0], Commit(Handover));
    }

    #[test]
    fn blue_green_previews_analyses_switches_keeps_the_old_version_then_promotes() {
        assert_eq!(
            run(&blue_green(true, Some(MINUTE)), 0),
            [
                Commit(Preview),
                Wait(Preview),
                Analyse(Preview),
                Commit(Switch),
                Wait(Switch),
                Hold(Switch, MINUTE),
                Promote,
            ]
        );
        assert_eq!(
            run(&blue_green(false, None), 0),
            [
                Commit(Preview),
                Wait(Preview),
                Commit(Switch),
                Wait(Switch),
                Promote,
            ]
        );
    }

    #[test]
    fn resuming_blue_green_starts_at_its_stage_and_finishing_promotes_at_once() {
        let machine = blue_green(true, None);
        assert_eq!(run(&machine, 0)[0], Commit(Preview));
        assert_eq!(run(&machine, 1), [Commit(Switch), Wait(Switch), Promote]);
        assert_eq!(machine.finish(), Promote);
        assert_eq!(canary(false).finish(), Commit(Handover));
    }

    #[test]
    fn transitions() {
        let cause = || "the analysis failed".to_string();
        let table: &[(Machine, Action, Observation, bool, Action)] = &[
            // --no-wait stops after any commit.
            (canary(true), Commit(Step(1)), Done, false, Stop(Step(1))),
            (canary(true), Commit(Handover), Done, false, Stop(Handover)),
            (
                Machine {
                    no_wait: true,
                    ..blue_green(true, None)
                },
                Commit(Preview),
                Done,
                false,
                Stop(Preview),
            ),
            // A failed rollout or analysis aborts, even after an interrupt.
            (
                canary(false),
                Wait(Step(0)),
                Failed(cause()),
                false,
                Abort(cause()),
            ),
            (
                canary(false),
                Analyse(Step(1)),
                Failed(cause()),
                true,
                Abort(cause()),
            ),
            (
                blue_green(true, None),
                Analyse(Preview),
                Failed(cause()),
                false,
                Abort(cause()),
            ),
            // Blue-green promotes once the switch is healthy: its new pods stay.
            (blue_green(false, None), Wait(Switch), Done, false, Promote),
            // An interrupt stops before the next analysis or commit, and blue-green's promotion...
            (
                canary(false),
                Hold(Step(0), MINUTE),
                Done,
                true,
                Interrupted(Step(0)),
            ),
            (
                canary(false),
                Analyse(Step(0)),
                Done,
                true,
                Interrupted(Step(0)),
            ),
            (
                canary(false),
                Wait(Step(1)),
                Done,
                true,
                Interrupted(Step(1)),
            ),
            (
                blue_green(false, None),
                Wait(Switch),
                Done,
                true,
                Interrupted(Switch),
            ),
            (
                blue_green(true, Some(MINUTE)),
                Hold(Switch, MINUTE),
                Done,
                true,
                Interrupted(Switch),
            ),
            // ...but lets a pause begin and the promotion after the handover go on.
            (
                canary(false),
                Wait(Step(0)),
                Done,
                true,
                Hold(Step(0), MINUTE),
            ),
            (canary(false), Wait(Handover), Done, true, Promote),
            // A final action stays final.
            (canary(false), Promote, Done, false, Promote),
            (canary(false), Abort(cause()), Done, false, Abort(cause())),
        ];
        for (machine, done, seen, interrupted, expected) in table {
            assert_eq!(
                &machine.next(done, seen.clone(), *interrupted),
                expected,
                "after {done:?} with {seen:?} (interrupted: {interrupted})"
            );
        }
    }
}
