//! `release.json`: what is deployed in an env dir, written by render and read back by history,
//! status, promotion and rollback.

use serde::{Deserialize, Serialize};

pub const RELEASE_FILE: &str = "release.json";

/// What is deployed in an env dir: written as `release.json`, read back by history and status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    pub app: String,
    pub env: String,
    pub version: String,
    pub bundle_digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_commit: Option<String>,
    /// Who signed the bundle (a key hint today; an identity once keyless signing exists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    pub deployed_at: String,
    pub strategy: StrategyState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StrategyState {
    #[serde(rename = "type")]
    pub kind: super::StrategyKind,
    /// Set while a canary of this release runs beside the stable one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary: Option<CanaryState>,
}

/// Where a canary stands, kept in release.json so that a crashed run can resume.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryState {
    pub stable_version: String,
    pub stable_bundle_digest: String,
    /// Index into the env's canary steps of the step this commit runs.
    pub step: usize,
    pub weight: u32,
    pub started_at: String,
}

impl Release {
    /// The same release, whenever it was deployed: what "already deployed" compares.
    pub fn same_as(&self, other: &Release) -> bool {
        Release {
            deployed_at: String::new(),
            ..self.clone()
        } == Release {
            deployed_at: String::new(),
            ..other.clone()
        }
    }
}
