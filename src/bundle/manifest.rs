//! `forge-bundle.json`: what a bundle claims to hold. Plain data, checked by the reader.

use crate::model::SourceKind;
use crate::model::image::ImageRef;
use serde::{Deserialize, Serialize};

pub const MANIFEST_NAME: &str = "forge-bundle.json";
pub const API_VERSION: &str = "forge.dev/v1";
pub const KIND: &str = "Bundle";
/// Every source file lives under this directory inside the bundle.
pub const SOURCE_DIR: &str = "source";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Manifest {
    pub api_version: String,
    pub kind: String,
    pub app: String,
    pub version: String,
    /// RFC 3339, UTC: the source commit's time or SOURCE_DATE_EPOCH, never the build clock.
    pub created_at: String,
    pub source: SourceInfo,
    pub images: Vec<ImageRef>,
    pub files: Vec<FileEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceInfo {
    pub kind: SourceKind,
    /// Directory inside the bundle holding the kustomize base or Helm chart.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// True when the working tree had uncommitted changes at build time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dirty: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}
