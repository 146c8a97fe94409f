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
    if !signed
        .media_type
        .starts_with("application/vnd.dev.sigstore.bundle")
    {
        return Err(malformed(&format!(
            "unknown media type {}",
            signed.media_type
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
