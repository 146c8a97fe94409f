//! Bundles: a deterministic `tar.zst` of the app's source plus `forge-bundle.json`.
//!
//! [`build`] writes one; [`read`] is the only way forge opens one, and refuses anything
//! hostile before a byte lands outside a temp dir.

pub mod build;
pub mod manifest;
pub mod read;

use crate::error::{Diagnose, ExitCode};
use std::path::PathBuf;

pub use manifest::Manifest;

/// The file name a bundle gets: `<app>-<version>.forge.tar.zst`.
pub fn file_name(app: &str, version: &str) -> String {
    format!("{app}-{version}.forge.tar.zst")
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("bundle {0} does not exist")]
    NotFound(PathBuf),
    #[error("bundle {path} {problem}")]
    Input {
        path: PathBuf,
        problem: crate::fs::InputFileError,
    },
    #[error(
        "bundle {path} changed while it was read: its signature covers {signed}, then {read} was read"
    )]
    Changed {
        path: PathBuf,
        signed: String,
        read: String,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("bundle {path}: not a valid forge bundle: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("bundle {path}: entry '{entry}' refused: {reason}")]
    Refused {
        path: PathBuf,
        entry: String,
        reason: String,
    },
    #[error("bundle {path}: {what} exceeds the limit of {limit}")]
    Limit {
        path: PathBuf,
        what: String,
        limit: String,
    },
    #[error("bundle {path}: entry '{entry}' does not match the manifest: {reason}")]
    DigestMismatch {
        path: PathBuf,
        entry: String,
        reason: String,
    },
    #[error("source {path}: {reason}")]
    Source { path: PathBuf, reason: String },
    #[error("invalid version '{0}': use letters, digits and . _ + - (for example 1.4.2)")]
    BadVersion(String),
}

impl Diagnose for BundleError {
    fn exit_code(&self) -> ExitCode {
        match self {
            BundleError::Io { .. } => ExitCode::Operational,
            BundleError::Input { problem, .. } => problem.exit_code(),
            BundleError::DigestMismatch { .. } | BundleError::Changed { .. } => ExitCode::Refused,
            _ => ExitCode::Usage,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            BundleError::NotFound(_) => Some("build one with `forge bundle build`".into()),
            BundleError::DigestMismatch { .. } => {
                Some("the bundle was altered after it was built; rebuild it from source".into())
            }
            BundleError::Refused { .. }
            | BundleError::Limit { .. }
            | BundleError::Corrupt { .. } => Some(
                "forge builds bundles with `forge bundle build`; do not trust this file".into(),
            ),
            _ => None,
        }
    }
}

/// Versions become file names and git trailers: keep them to a safe alphabet.
pub fn check_version(version: &str) -> Result<(), BundleError> {
    let safe = !version.is_empty()
        && version.len() <= 128
        && !version.starts_with(['.', '-'])
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-'));
    if safe {
        Ok(())
    } else {
        Err(BundleError::BadVersion(version.to_string()))
    }
}
