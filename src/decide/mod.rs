//! The decisions forge takes while it waits: pure functions over the objects Flux, Argo CD and
//! the cluster report, tested against saved objects in `fixtures/status/`. No I/O here.

/// Where one watched thing stands with respect to the commit forge waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Finished, healthy, for the commit.
    Done,
    /// Still on its way; says what is pending (shown as progress and on timeout).
    Pending(String),
    /// Will not get there without a new commit; says why.
    Failed(String),
}
pub mod argocd;
pub mod flux;
pub mod workload;
