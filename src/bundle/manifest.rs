//! `forge-bundle.json`: what a bundle claims to hold. Plain data, checked by the reader.

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
    pub kind: crate::config::SourceKind,
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
pub struct ImageRef {
    pub name: String,
    pub reference: String,
    /// `sha256:<hex>` when the reference pins one; a tag alone leaves this empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageRefError {
    #[error("image '{name}': reference is empty")]
    Empty { name: String },
    #[error("image '{name}': reference '{reference}' contains whitespace")]
    Whitespace { name: String, reference: String },
    #[error("image '{name}': digest in '{reference}' is not sha256:<64 hex digits>")]
    BadDigest { name: String, reference: String },
}

impl ImageRef {
    /// Parses `repo[:tag][@sha256:<hex>]`, keeping the pinned digest when there is one.
    pub fn parse(name: &str, reference: &str) -> Result<Self, ImageRefError> {
        if reference.is_empty() {
            return Err(ImageRefError::Empty { name: name.into() });
        }
        if reference.chars().any(char::is_whitespace) {
            return Err(ImageRefError::Whitespace {
                name: name.into(),
                reference: reference.into(),
            });
        }
        let digest = match reference.split_once('@') {
            None => None,
            Some((_, digest)) if is_sha256_digest(digest) => Some(digest.to_string()),
            Some(_) => {
                return Err(ImageRefError::BadDigest {
                    name: name.into(),
                    reference: reference.into(),
                });
            }
        };
        Ok(ImageRef {
            name: name.into(),
            reference: reference.into(),
            digest,
        })
    }
}

fn is_sha256_digest(text: &str) -> bool {
    text.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn keeps_a_pinned_digest() {
        let image = ImageRef::parse("web", &format!("ghcr.io/acme/web:1.2@{DIGEST}")).unwrap();
        assert_eq!(image.digest.as_deref(), Some(DIGEST));
    }

    #[test]
    fn a_tag_alone_has_no_digest() {
        let image = ImageRef::parse("web", "ghcr.io/acme/web:1.2").unwrap();
        assert_eq!(image.digest, None);
    }

    #[test]
    fn refuses_malformed_references() {
        assert!(ImageRef::parse("web", "").is_err());
        assert!(ImageRef::parse("web", "acme/web 1.2").is_err());
        assert!(ImageRef::parse("web", "acme/web@sha256:abc").is_err());
        assert!(ImageRef::parse("web", "acme/web@md5:0123456789abcdef0123456789abcdef").is_err());
    }
}
