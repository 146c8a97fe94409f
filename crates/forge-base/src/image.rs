//! Image references, split the way kustomize and charts want them (the sandbox's kustomize
//! and metrics, and forge's overlays, read them alike).

/// An image reference split the way kustomize and charts want it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageParts {
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// `registry:5000/acme/web:1.2@sha256:…` → repository, tag, digest (a port is not a tag).
pub fn split_reference(reference: &str) -> ImageParts {
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest.to_string())),
        None => (reference, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[last_slash..].rfind(':') {
        Some(colon) => {
            let at = last_slash + colon;
            ImageParts {
                repository: rest[..at].into(),
                tag: Some(rest[at + 1..].into()),
                digest,
            }
        }
        None => ImageParts {
            repository: rest.into(),
            tag: None,
            digest,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_references_without_mistaking_a_port_for_a_tag() {
        let parts = split_reference("registry:5000/acme/web:1.2@sha256:abc");
        assert_eq!(parts.repository, "registry:5000/acme/web");
        assert_eq!(parts.tag.as_deref(), Some("1.2"));
        assert_eq!(parts.digest.as_deref(), Some("sha256:abc"));
        let bare = split_reference("registry:5000/acme/web");
        assert_eq!(bare.repository, "registry:5000/acme/web");
        assert_eq!(bare.tag, None);
    }
}
