//! When nothing will apply the commit: the env's GitOps object does not exist, or watches
//! another path or source than the env dir. Waiting would only run out the timeout, so the
//! wait ends at once with what forge looked for and how to create or fix it.

use super::Target;
use crate::cluster::{Cluster, ClusterError, GIT_REPOSITORY, KUSTOMIZATION, ObjectRef};
use crate::decide::binding::{Binding, normal_path};
use crate::error::{Diagnose, ExitCode};
use std::fmt;

/// What waiting for a commit can fail with, beyond a verdict on the rollout.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    #[error(transparent)]
    Unbound(Box<Unbound>),
}

impl Diagnose for WaitError {
    fn exit_code(&self) -> ExitCode {
        match self {
            WaitError::Cluster(err) => err.exit_code(),
            // The rollout cannot happen as configured: a failed deploy, not a network error.
            WaitError::Unbound(_) => ExitCode::GateFailed,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            WaitError::Cluster(err) => err.hint(),
            WaitError::Unbound(unbound) => Some(unbound.hint.clone()),
        }
    }
}

/// What is wrong with the object forge looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Missing,
    Mismatched {
        field: &'static str,
        found: String,
        expected: String,
    },
}

/// The env's GitOps object (or the source it reads) does not apply the env dir.
#[derive(Debug, thiserror::Error)]
pub struct Unbound {
    /// What forge looked for.
    pub object: ObjectRef,
    /// Where it looked: `context X (cluster Y)` or `Argo CD at URL`.
    pub place: String,
    pub problem: Problem,
    /// The commit that was pushed (and that nothing applies).
    pub commit: String,
    /// How to create or fix the object.
    pub hint: String,
}

impl fmt::Display for Unbound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            Problem::Missing => write!(f, "{} does not exist in {}", self.object, self.place)?,
            Problem::Mismatched {
                field,
                found,
                expected,
            } => write!(
                f,
                "{} in {} has {field} {found}, not {expected}",
                self.object, self.place
            )?,
        }
        write!(
            f,
            ": pushed {}; nothing applies it",
            super::short(&self.commit)
        )
    }
}

/// Where a cluster object was looked for, as messages say it.
pub(super) fn in_cluster(cluster: &Cluster) -> String {
    if cluster.cluster.is_empty() || cluster.cluster == cluster.context {
        format!("context {}", cluster.context)
    } else {
        format!("context {} (cluster {})", cluster.context, cluster.cluster)
    }
}

/// The error for a binding verdict other than Bound (None when bound).
pub(super) fn judge(
    target: &Target,
    object: &ObjectRef,
    place: &str,
    binding: Binding,
) -> Option<Box<Unbound>> {
    let problem = match binding {
        Binding::Bound => return None,
        Binding::Missing => Problem::Missing,
        Binding::Mismatched {
            field,
            found,
            expected,
        } => Problem::Mismatched {
            field,
            found,
            expected,
        },
    };
    Some(unbound(target, object, place, problem))
}

fn unbound(target: &Target, object: &ObjectRef, place: &str, problem: Problem) -> Box<Unbound> {
    let hint = hint(target, object, &problem);
    Box::new(Unbound {
        object: object.clone(),
        place: place.to_string(),
        problem,
        commit: target.commit.clone(),
        hint,
    })
}

/// The error for an object that is not there.
pub(super) fn missing(target: &Target, object: &ObjectRef, place: &str) -> Box<Unbound> {
    unbound(target, object, place, Problem::Missing)
}

/// A command line that creates the object (or points it at the env dir).
fn hint(target: &Target, object: &ObjectRef, problem: &Problem) -> String {
    let dir = normal_path(&target.dir);
    let (namespace, name) = (&object.namespace, &object.name);
    let source = &target.flux.git_repository;
    let (repo, branch) = (&target.repo_url, &target.branch);
    let kind = object.kind.kind.to_lowercase();
    let patch = |json: String| {
        format!("kubectl -n {namespace} patch {kind} {name} --type merge -p '{json}'")
    };
    match (problem, object.kind) {
        (Problem::Missing, KUSTOMIZATION) => format!(
            "create it for {}/{}: forge bootstrap {1} --out - | kubectl apply -f - (or flux create \
             kustomization {name} --namespace {namespace} --source GitRepository/{source} \
             --path ./{dir} --prune=true --interval 1m)",
            target.app, target.env
        ),
        (Problem::Missing, GIT_REPOSITORY) => format!(
            "create it: forge bootstrap {} --out - | kubectl apply -f - (or flux create source git \
             {name} --namespace {namespace} --url {} --branch {}; or set flux.gitRepository \
             in forge.yaml to the one that holds the env repo)",
            target.env, target.repo_url, target.branch
        ),
        (Problem::Missing, crate::cluster::APPLICATION) => format!(
            "create it for {}/{}: forge bootstrap {1} --out - | kubectl apply -f - (or argocd app \
             create {name} --app-namespace {namespace} --repo {} --revision {} --path {dir} \
             --dest-server {} --dest-namespace {} --sync-policy automated)",
            target.app,
            target.env,
            target.repo_url,
            target.branch,
            target.argocd.destination,
            target.namespace
        ),
        (Problem::Missing, _) => format!(
            "it is applied by the env's Kustomization: flux reconcile kustomization {} \
             --namespace {} --with-source",
            target.object_name(),
            target.flux.namespace
        ),
        (Problem::Mismatched { field, .. }, _) => {
            let (fix, setting) = match *field {
                "spec.path" => (
                    patch(format!(r#"{{"spec":{{"path":"./{dir}"}}}}"#)),
                    "envRepo.path",
                ),
                "spec.sourceRef" => (
                    patch(format!(
                        r#"{{"spec":{{"sourceRef":{{"kind":"GitRepository","name":"{source}","namespace":"{}"}}}}}}"#,
                        target.flux.namespace
                    )),
                    "flux.gitRepository",
                ),
                "spec.url" => (
                    patch(format!(r#"{{"spec":{{"url":"{repo}"}}}}"#)),
                    "envRepo.url",
                ),
                // A merge patch keeps the other ref fields, and a tag or commit wins over
                // a branch: they are cleared.
                field if field.starts_with("spec.ref") => (
                    patch(format!(
                        r#"{{"spec":{{"ref":{{"branch":"{branch}","name":null,"tag":null,"semver":null,"commit":null}}}}}}"#
                    )),
                    "envRepo.branch",
                ),
                "spec.source.repoURL" => (
                    patch(format!(r#"{{"spec":{{"source":{{"repoURL":"{repo}"}}}}}}"#)),
                    "envRepo.url",
                ),
                "spec.source.targetRevision" => (
                    patch(format!(
                        r#"{{"spec":{{"source":{{"targetRevision":"{branch}"}}}}}}"#
                    )),
                    "envRepo.branch",
                ),
                _ => (
                    patch(format!(r#"{{"spec":{{"source":{{"path":"{dir}"}}}}}}"#)),
                    "envRepo.path",
                ),
            };
            let what = match *field {
                "spec.url" | "spec.source.repoURL" => repo.as_str(),
                field if field.starts_with("spec.ref") || field.ends_with("targetRevision") => {
                    branch.as_str()
                }
                _ => dir,
            };
            format!(
                "point it at {what}: {fix} (or, if the object is right, fix {setting} in \
                 forge.yaml)"
            )
        }
    }
}
