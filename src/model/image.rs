//! Image references: the one parser (`repo[:tag][@sha256:<hex>]`), and where a chart wants
//! an image in its values.

use serde::{Deserialize, Serialize};

/// An image a bundle pins: forge.yaml's `images` entry or `--image NAME=REF`, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageRef {
    pub name: String,
    pub reference: String,
    /// `sha256:<hex>` when the reference pins one; a tag alone leaves this empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
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
        let digest = split_reference(reference).digest;
        if digest
            .as_deref()
            .is_some_and(|digest| !is_sha256_digest(digest))
        {
            return Err(ImageRefError::BadDigest {
                name: name.into(),
                reference: reference.into(),
            });
        }
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

// The one splitter, shared with the sandbox: a reference as it is (images found in manifests
// too); [`ImageRef::parse`] checks.
pub use forge_base::image::{ImageParts, split_reference};

/// Where an image goes in a chart's values; the default follows `helm create`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageValuePaths {
    #[serde(default = "default_repository_path")]
    pub repository: String,
    #[serde(default = "default_tag_path")]
    pub tag: String,
    #[serde(default = "default_digest_path")]
    pub digest: String,
}

fn default_repository_path() -> String {
    "image.repository".into()
}
fn default_tag_path() -> String {
    "image.tag".into()
}
fn default_digest_path() -> String {
    "image.digest".into()
}

impl Default for ImageValuePaths {
    fn default() -> Self {
        ImageValuePaths {
            repository: default_repository_path(),
            tag: default_tag_path(),
            digest: default_digest_path(),
        }
    }
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
