//! `release.json`: what is deployed in an env dir, written by render and read back by history,
//! status, promotion and rollback.

use super::Files;
use serde::{Deserialize, Serialize};

/// The env dir's record of its release; only [`Release`]'s own methods read or write it.
const RELEASE_FILE: &str = "release.json";

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
    /// The names this release's workloads run under. Blue-green alternates: a release
    /// previews on the side the live one does not run on and stays there once switched, so
    /// the pods that took the traffic are the ones that remain.
    #[serde(default, skip_serializing_if = "Side::is_main")]
    pub side: Side,
}

/// Which of blue-green's two sets of names a release's workloads run under.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    /// The app's own names and labels: every plain or canary release.
    #[default]
    Main,
    /// The `-preview` names, whose pods carry `<value>-preview` for each Service selector label.
    Preview,
}

impl Side {
    /// The side a blue-green release beside one on this side takes.
    pub fn other(self) -> Side {
        match self {
            Side::Main => Side::Preview,
            Side::Preview => Side::Main,
        }
    }

    fn is_main(&self) -> bool {
        *self == Side::Main
    }
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

    /// The side whose pods serve this release once it is settled; None while a canary or
    /// blue-green release is in progress (both sides may serve).
    pub fn settled_side(&self) -> Option<Side> {
        self.strategy.canary.is_none().then_some(self.strategy.side)
    }

    /// Writes this release as the env dir's release.json.
    pub fn write_into(&self, files: &mut Files) {
        let mut bytes = forge_base::json::to_vec_pretty(self);
        bytes.push(b'\n');
        files.insert(RELEASE_FILE.into(), bytes.into());
    }

    /// The env dir's release.json: None when it has none.
    pub fn read_from(files: &Files) -> Result<Option<Release>, serde_json::Error> {
        files
            .get(RELEASE_FILE)
            .map(|content| Release::parse(&content.read().map_err(serde_json::Error::io)?))
            .transpose()
    }

    /// Parses release.json's bytes.
    pub fn parse(bytes: &[u8]) -> Result<Release, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// Leaves an env dir without its release.json (a canary step nests a rendered release
    /// and writes its own on top).
    pub fn remove_from(files: &mut Files) {
        files.remove(RELEASE_FILE);
    }

    /// Where release.json is in the env repo, for the env dir `dir`.
    pub fn path_in(dir: &str) -> String {
        format!("{dir}/{RELEASE_FILE}")
    }
}
