//! The Sigstore bundle (v0.3, protobuf JSON) that travels next to a forge bundle as
//! `<bundle>.sigstore.json`. Only the key-based message-signature form is written today;
//! keyless signing adds a certificate and transparency-log entries to the same shape.

use serde::{Deserialize, Serialize};

pub const MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
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
