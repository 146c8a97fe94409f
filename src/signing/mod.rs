//! Signing and verifying bundles. The signature covers the bundle file's SHA-256 (a Sigstore
//! message signature), so `openssl dgst -sha256 -verify` checks it too.

pub mod key;
pub mod sigstore;

use crate::error::{Diagnose, ExitCode};
use crate::fs::InputFileError;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("key file {path}: {reason}")]
    KeyFile { path: PathBuf, reason: String },
    #[error("cannot decrypt {0}: wrong passphrase")]
    WrongPassphrase(PathBuf),
    #[error("cannot create key material: {0}")]
    Random(String),
    #[error("no signature for {bundle}: {signature} does not exist")]
    Missing { bundle: PathBuf, signature: PathBuf },
    #[error("signature {path} is not one forge checks with a key: {found}")]
    Unexpected { path: PathBuf, found: String },
    #[error("signature {path} is malformed: {reason}")]
    Malformed { path: PathBuf, reason: String },
    #[error(
        "signature {path} does not match the bundle: it was made for another file (digest {signed}, this bundle is {actual})"
    )]
    OtherArtifact {
        path: PathBuf,
        signed: String,
        actual: String,
    },
    #[error("signature {path} does not verify with the key {key}")]
    Invalid { path: PathBuf, key: PathBuf },
    #[error("signature {path} {problem}")]
    SignatureFile {
        path: PathBuf,
        problem: InputFileError,
    },
}

impl Diagnose for SignError {
    fn exit_code(&self) -> ExitCode {
        match self {
            SignError::KeyFile { .. } | SignError::WrongPassphrase(_) => ExitCode::Usage,
            SignError::Random(_) => ExitCode::Operational,
            SignError::SignatureFile { problem, .. } => problem.exit_code(),
            _ => ExitCode::Refused,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            SignError::WrongPassphrase(_) => {
                Some("set FORGE_KEY_PASSWORD to the key's passphrase".into())
            }
            SignError::Missing { .. } => {
                Some("sign it with `forge bundle sign BUNDLE --key KEY`".into())
            }
            SignError::Invalid { .. } | SignError::OtherArtifact { .. } => Some(
                "the bundle or its signature changed after signing, or another key signed it"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// Anything that can sign a bundle digest: a key file today, keyless (Fulcio + Rekor) later.
pub trait Signer {
    /// Signs the SHA-256 of an artifact and returns the Sigstore bundle that proves it.
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<sigstore::Bundle, SignError>;
}

/// Signs with an ECDSA P-256 key (RFC 6979 nonces, so the same input signs the same way).
pub struct KeySigner {
    key: SigningKey,
}

impl KeySigner {
    pub fn new(key: SigningKey) -> Self {
        KeySigner { key }
    }
}

impl Signer for KeySigner {
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<sigstore::Bundle, SignError> {
        let signature: Signature = self
            .key
            .sign_prehash(digest)
            .map_err(|e| SignError::Random(e.to_string()))?;
        let der: DerSignature = signature.to_der();
        Ok(sigstore::Bundle {
            media_type: sigstore::MEDIA_TYPE.into(),
            verification_material: sigstore::VerificationMaterial {
                public_key: Some(sigstore::PublicKeyHint {
                    hint: key::key_hint(self.key.verifying_key()),
                }),
                certificate: None,
                x509_certificate_chain: None,
                tlog_entries: Vec::new(),
            },
            message_signature: Some(sigstore::MessageSignature {
                message_digest: sigstore::MessageDigest {
                    algorithm: sigstore::SHA2_256.into(),
                    digest: B64.encode(digest),
                },
                signature: B64.encode(der.as_bytes()),
            }),
        })
    }
}

/// Where a bundle's signature lives by default: beside it, `<bundle>.sigstore.json`.
pub fn signature_path(bundle: &Path) -> PathBuf {
    let mut name = bundle.as_os_str().to_owned();
    name.push(".sigstore.json");
    PathBuf::from(name)
}

/// The largest signature file forge reads: a key-signed Sigstore bundle is about 1 KiB, a
/// keyless one with its certificate chain and log entries a few KiB.
pub const MAX_SIGNATURE_SIZE: u64 = 1 << 20;

/// Reads a Sigstore bundle file: a regular file of at most [`MAX_SIGNATURE_SIZE`].
pub fn read_signature(bundle: &Path, path: &Path) -> Result<sigstore::Bundle, SignError> {
    let text =
        crate::fs::read_bounded(path, MAX_SIGNATURE_SIZE).map_err(|problem| match problem {
            InputFileError::NotFound => SignError::Missing {
                bundle: bundle.to_path_buf(),
                signature: path.to_path_buf(),
            },
            problem => SignError::SignatureFile {
                path: path.to_path_buf(),
                problem,
            },
        })?;
    serde_json::from_slice(&text).map_err(|e| SignError::Malformed {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Checks that `signed` is a valid signature by `key` over an artifact whose SHA-256 is `digest`.
pub fn verify(
    signed: &sigstore::Bundle,
    signature_path: &Path,
    digest: &[u8; 32],
    key: &VerifyingKey,
    key_path: &Path,
) -> Result<(), SignError> {
    let malformed = |reason: &str| SignError::Malformed {
        path: signature_path.to_path_buf(),
        reason: reason.into(),
    };
    let unexpected = |found: String| SignError::Unexpected {
        path: signature_path.to_path_buf(),
        found,
    };
    if !sigstore::KNOWN_MEDIA_TYPES.contains(&signed.media_type.as_str()) {
        return Err(unexpected(format!(
            "its media type is '{}' (forge reads Sigstore bundles v0.1 to v0.3)",
            signed.media_type.escape_debug()
        )));
    }
    let material = &signed.verification_material;
    let keyless = [
        ("a certificate", material.certificate.is_some()),
        (
            "an x509CertificateChain",
            material.x509_certificate_chain.is_some(),
        ),
    ];
    if let Some((found, _)) = keyless.iter().find(|(_, present)| *present) {
        return Err(unexpected(format!(
            "it holds {found} (keyless signing) where the public key {} was expected",
            key_path.display()
        )));
    }
    let message = signed
        .message_signature
        .as_ref()
        .ok_or_else(|| malformed("no messageSignature"))?;
    if message.message_digest.algorithm != sigstore::SHA2_256 {
        return Err(malformed(&format!(
            "digest algorithm {} (expected SHA2_256)",
            message.message_digest.algorithm
        )));
    }
    let signed_digest = B64
        .decode(&message.message_digest.digest)
        .map_err(|_| malformed("digest is not base64"))?;
    if signed_digest != digest {
        return Err(SignError::OtherArtifact {
            path: signature_path.to_path_buf(),
            signed: format!("sha256:{}", hex::encode(&signed_digest)),
            actual: format!("sha256:{}", hex::encode(digest)),
        });
    }
    let der = B64
        .decode(&message.signature)
        .map_err(|_| malformed("signature is not base64"))?;
    let signature = Signature::from_der(&der)
        .map_err(|_| malformed("signature is not a DER ECDSA signature"))?;
    key.verify_prehash(digest, &signature)
        .map_err(|_| SignError::Invalid {
            path: signature_path.to_path_buf(),
            key: key_path.to_path_buf(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed_by(key: &SigningKey, digest: &[u8; 32]) -> sigstore::Bundle {
        KeySigner::new(key.clone())
            .sign_digest(digest)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// What verifying `signed` says, "" when it verifies.
    fn check(signed: &sigstore::Bundle, digest: &[u8; 32], key: &SigningKey) -> String {
        refusal(signed, digest, key)
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    fn refusal(
        signed: &sigstore::Bundle,
        digest: &[u8; 32],
        key: &SigningKey,
    ) -> Option<SignError> {
        let path = Path::new("b.sigstore.json");
        verify(
            signed,
            path,
            digest,
            key.verifying_key(),
            Path::new("k.pub"),
        )
        .err()
    }

    #[test]
    fn every_known_media_type_verifies_and_no_other() {
        let key = key::generate().unwrap_or_else(|e| panic!("{e}"));
        let digest = [7u8; 32];
        let mut signed = signed_by(&key, &digest);
        for media_type in sigstore::KNOWN_MEDIA_TYPES {
            signed.media_type = media_type.into();
            assert_eq!(check(&signed, &digest, &key), "", "{media_type}");
        }
        for unknown in [
            "application/vnd.dev.sigstore.bundle.v0.4+json",
            "application/vnd.dev.sigstore.bundle+json;version=0.1;x=y",
            "application/vnd.dev.sigstore.bundle.v0.3+jsonx",
            "application/json",
        ] {
            signed.media_type = unknown.into();
            let refused = check(&signed, &digest, &key);
            assert!(
                refused.contains(&format!("its media type is '{unknown}'")),
                "{refused}"
            );
        }
    }

    #[test]
    fn keyless_material_is_refused_naming_what_was_found() {
        let key = key::generate().unwrap_or_else(|e| panic!("{e}"));
        let digest = [7u8; 32];
        let cert = serde_json::json!({"rawBytes": "MIIB"});
        let mut with_cert = signed_by(&key, &digest);
        with_cert.verification_material.certificate = Some(cert.clone());
        let refused = check(&with_cert, &digest, &key);
        assert!(
            refused.contains("it holds a certificate (keyless signing)"),
            "{refused}"
        );
        assert!(refused.contains("public key k.pub"), "{refused}");

        let mut with_chain = signed_by(&key, &digest);
        with_chain.verification_material.x509_certificate_chain =
            Some(serde_json::json!({"certificates": [cert]}));
        let refused = check(&with_chain, &digest, &key);
        assert!(refused.contains("an x509CertificateChain"), "{refused}");
        let exit = refusal(&with_chain, &digest, &key).map(|e| e.exit_code());
        assert!(matches!(exit, Some(ExitCode::Refused)));
    }
}
