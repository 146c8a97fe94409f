//! The Sigstore bundle (v0.3, protobuf JSON) that travels next to a forge bundle as
//! `<bundle>.sigstore.json`. Only the key-based message-signature form is written today;
//! keyless signing adds a certificate and transparency-log entries to the same shape.

use serde::{Deserialize, Serialize};

pub const MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// Every Sigstore bundle version forge reads: v0.1 and v0.2 (the form cosign wrote before
/// v0.3), and v0.3 under both of the names the specification gives it.
pub const KNOWN_MEDIA_TYPES: [&str; 4] = [
    "application/vnd.dev.sigstore.bundle+json;version=0.1",
    "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
    MEDIA_TYPE,
];
pub const SHA2_256: &str = "SHA2_256";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    pub media_type: String,
    pub verification_material: VerificationMaterial,
    pub message_signature: Option<MessageSignature>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationMaterial {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<PublicKeyHint>,
    /// Keyless material (v0.3's leaf certificate, v0.1/v0.2's chain): read only to be named
    /// when forge expects a public key, never trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x509_certificate_chain: Option<serde_json::Value>,
    // Protobuf JSON leaves out empty lists; other clients may write them empty.
    #[serde(default)]
    pub tlog_entries: Vec<serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyHint {
    pub hint: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageSignature {
    pub message_digest: MessageDigest,
    /// Base64 of the DER-encoded ECDSA signature.
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageDigest {
    pub algorithm: String,
    /// Base64 of the artifact's digest.
    pub digest: String,
}
