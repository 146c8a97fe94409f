//! Publishing one env directory: build the commit on the current tip, push it as a
//! compare-and-swap, and on a lost race fetch, check that nobody else changed this env dir,
//! and try again on the new tip. Other env dirs and apps are never overwritten: every attempt
//! starts from the remote's tree.

use super::trailers::{Action, Trailers};
use super::{EnvRepo, EnvRepoError, PushOutcome, Tip};
use crate::error::{Diagnose, ExitCode};
use crate::model::Files;
use crate::model::release::Release;
use std::time::Duration;

pub const MAX_ATTEMPTS: u32 = 25;

pub struct PublishRequest<'a> {
    /// The env directory in the repo (`apps/hello/dev`).
    pub dir: &'a str,
    pub files: Files,
    pub release: &'a Release,
    pub action: Action,
    /// Overwrite changes someone else pushed to this env dir since we first read it.
    pub force: bool,
    /// Start the branch when the remote does not have it.
    pub create_branch: bool,
    /// The env dir's tree id this change was decided against (a rollback restores what was
    /// there before one commit): any other content is a conflict, even on the first attempt.
    pub expect: Option<String>,
    /// For a canary step: which one, at what weight (in the commit's trailers).
    pub canary: Option<super::trailers::CanaryMark>,
}

impl<'a> PublishRequest<'a> {
    /// `files` as `dir` for `release`, on whatever the branch holds: no --force, no new
    /// branch, no content expected, no canary step.
    pub fn new(dir: &'a str, files: Files, release: &'a Release, action: Action) -> Self {
        PublishRequest {
            dir,
            files,
            release,
            action,
            force: false,
            create_branch: false,
            expect: None,
            canary: None,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Published {
    Committed {
        commit: String,
        previous_version: Option<String>,
        attempts: u32,
    },
    /// The env dir already holds exactly this release: nothing was committed.
    AlreadyDeployed { commit: String },
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Repo(#[from] EnvRepoError),
    #[error("{dir} changed while forge was deploying: {by}")]
    Conflict { dir: String, by: String },
    #[error("gave up after {0} attempts: the branch kept moving")]
    Contended(u32),
}

impl Diagnose for PublishError {
    fn exit_code(&self) -> ExitCode {
        match self {
            PublishError::Repo(err) => err.exit_code(),
            _ => ExitCode::Conflict,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            PublishError::Repo(err) => err.hint(),
            PublishError::Conflict { .. } => {
                Some("look at what they deployed (forge history); rerun to deploy on top, or pass --force to replace it".into())
            }
            PublishError::Contended(_) => Some("rerun the deploy".into()),
        }
    }
}

/// What to do with the tip just fetched: the pure part of the loop.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// The env dir holds this release already.
    AlreadyThere,
    /// Someone else changed the env dir since `base` (and no --force).
    Conflict,
    /// Build a commit on this tip.
    Commit,
}

pub fn decide(
    base_subtree: Option<&str>,
    tip_subtree: Option<&str>,
    new_subtree: &str,
    first_attempt: bool,
    force: bool,
) -> Step {
    if tip_subtree == Some(new_subtree) {
        Step::AlreadyThere
    } else if !first_attempt && !force && tip_subtree != base_subtree {
        Step::Conflict
    } else {
        Step::Commit
    }
}

pub fn publish(repo: &EnvRepo, request: &PublishRequest) -> Result<Published, PublishError> {
    let guard = Guard {
        dir: request.dir,
        force: request.force,
        create_branch: request.create_branch,
        expect: request.expect.as_deref(),
    };
    publish_with(repo, &guard, |tip_commit| {
        let existing = match tip_commit {
            Some(commit) => read_release(repo, commit, request.dir)?,
            None => None,
        };
        let files = keep_deploy_time(&request.files, request.release, existing.as_ref());
        let previous_version = existing.map(|release| release.version);
        let trailers = Trailers {
            app: request.release.app.clone(),
            env: request.release.env.clone(),
            version: request.release.version.clone(),
            bundle_digest: request.release.bundle_digest.clone(),
            action: request.action,
            previous_version: previous_version.clone(),
            canary: request.canary,
        };
        Ok(Prepared {
            files,
            message: trailers.message(),
            previous_version,
        })
    })
}

/// Commits `files` as `dir` with `message` — for what is not a release (the GitOps objects
/// `forge bootstrap` writes) — with the same compare-and-swap and retries as a release.
pub fn publish_files(
    repo: &EnvRepo,
    dir: &str,
    files: &Files,
    message: &str,
) -> Result<Published, PublishError> {
    let guard = Guard {
        dir,
        force: false,
        create_branch: false,
        expect: None,
    };
    publish_with(repo, &guard, |_| {
        Ok(Prepared {
            files: files.clone(),
            message: message.to_string(),
            previous_version: None,
        })
    })
}

/// Where a publication goes and what it may overwrite.
struct Guard<'a> {
    dir: &'a str,
    force: bool,
    create_branch: bool,
    expect: Option<&'a str>,
}

/// What to commit on a given tip.
struct Prepared {
    files: Files,
    message: String,
    previous_version: Option<String>,
}

/// The loop every publication runs: on each fetched tip, `prepare` the dir's files and
/// message, commit them on that tip and push as a compare-and-swap; on a lost race, again.
fn publish_with(
    repo: &EnvRepo,
    guard: &Guard,
    prepare: impl Fn(Option<&str>) -> Result<Prepared, PublishError>,
) -> Result<Published, PublishError> {
    let mut base: Option<Option<String>> = None;
    let mut base_commit: Option<String> = None;
    for attempt in 0..MAX_ATTEMPTS {
        let tip = match repo.fetch()? {
            Some(tip) => Some(tip),
            // A brand-new env repo has no branch to protect: the first commit starts it.
            None if guard.create_branch || repo.has_no_branches()? => None,
            None => {
                return Err(EnvRepoError::NoBranch {
                    url: crate::git::redact_url(&repo.settings().url),
                    branch: repo.settings().branch.clone(),
                }
                .into());
            }
        };
        let tip_commit = tip.as_ref().map(|t| t.commit.as_str());
        let prepared = prepare(tip_commit)?;
        let new_subtree = repo.write_dir(&prepared.files)?;
        let tip_subtree = tip_commit.and_then(|c| repo.subtree(c, guard.dir));
        let base_subtree = base
            .get_or_insert_with(|| guard.expect.map(str::to_string).or(tip_subtree.clone()))
            .clone();
        base_commit.get_or_insert_with(|| tip_commit.unwrap_or_default().to_string());
        match decide(
            base_subtree.as_deref(),
            tip_subtree.as_deref(),
            &new_subtree,
            attempt == 0 && guard.expect.is_none(),
            guard.force,
        ) {
            Step::AlreadyThere => {
                return Ok(Published::AlreadyDeployed {
                    commit: tip_commit.unwrap_or_default().to_string(),
                });
            }
            Step::Conflict => {
                let from = base_commit.as_deref().unwrap_or_default();
                return Err(PublishError::Conflict {
                    dir: guard.dir.to_string(),
                    by: repo.last_change(from, tip_commit.unwrap_or_default(), guard.dir),
                });
            }
            Step::Commit => {}
        }
        let root = repo.splice(
            tip.as_ref().map(|t: &Tip| t.tree.as_str()),
            guard.dir,
            &new_subtree,
        )?;
        let commit = repo.commit(&root, tip_commit, &prepared.message)?;
        match repo.push(&commit, tip_commit)? {
            PushOutcome::Pushed => {
                return Ok(Published::Committed {
                    commit,
                    previous_version: prepared.previous_version,
                    attempts: attempt + 1,
                });
            }
            PushOutcome::Rejected => {
                tracing::info!(attempt, "push lost a race; fetching the new tip");
                std::thread::sleep(backoff(attempt));
            }
        }
    }
    Err(PublishError::Contended(MAX_ATTEMPTS))
}

pub fn read_release(
    repo: &EnvRepo,
    commit: &str,
    dir: &str,
) -> Result<Option<Release>, EnvRepoError> {
    let bytes = repo.read_file(commit, &Release::path_in(dir))?;
    Ok(bytes.and_then(|b| Release::parse(&b).ok()))
}

/// When the env dir already records this same release, keep its deploy time, so that an
/// unchanged deploy renders byte-identical files and is recognised as already there.
pub fn keep_deploy_time(files: &Files, release: &Release, existing: Option<&Release>) -> Files {
    let mut files = files.clone();
    if let Some(existing) = existing.filter(|e| e.same_as(release)) {
        existing.write_into(&mut files);
    }
    files
}

/// Exponential backoff with full jitter, capped at about a second.
fn backoff(attempt: u32) -> Duration {
    let ceiling = 50u64.saturating_mul(1 << attempt.min(5)).min(1000);
    let mut random = [0u8; 8];
    let _ = getrandom::fill(&mut random);
    Duration::from_millis(20 + u64::from_le_bytes(random) % ceiling)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_subtree_is_already_deployed() {
        assert_eq!(
            decide(Some("a"), Some("n"), "n", true, false),
            Step::AlreadyThere
        );
        assert_eq!(
            decide(Some("a"), Some("n"), "n", false, false),
            Step::AlreadyThere
        );
    }

    #[test]
    fn a_change_to_our_dir_after_the_first_read_is_a_conflict_unless_forced() {
        assert_eq!(
            decide(Some("a"), Some("b"), "n", false, false),
            Step::Conflict
        );
        assert_eq!(decide(Some("a"), Some("b"), "n", false, true), Step::Commit);
        assert_eq!(decide(None, Some("b"), "n", false, false), Step::Conflict);
    }

    #[test]
    fn other_dirs_moving_is_no_conflict() {
        assert_eq!(
            decide(Some("a"), Some("a"), "n", false, false),
            Step::Commit
        );
        assert_eq!(decide(None, None, "n", false, false), Step::Commit);
        assert_eq!(decide(Some("a"), Some("b"), "n", true, false), Step::Commit);
    }

    #[test]
    fn backoff_stays_bounded() {
        for attempt in 0..40 {
            let wait = backoff(attempt);
            assert!(
                wait >= Duration::from_millis(20) && wait <= Duration::from_millis(1020),
                "{wait:?}"
            );
        }
    }
}
