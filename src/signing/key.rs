//! Key files in cosign's format, so keys from `cosign generate-key-pair` work and ours work
//! with cosign: the private key is PKCS#8 DER sealed with NaCl secretbox under a scrypt-derived
//! key, wrapped as JSON in a PEM block; the public key is a PEM SubjectPublicKeyInfo.

use super::SignError;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use crypto_secretbox::XSalsa20Poly1305;
use crypto_secretbox::aead::{Aead, KeyInit};
use p256::ecdsa::{SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const PEM_LABEL: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
/// The label cosign used before it was renamed; still accepted when reading.
const LEGACY_PEM_LABEL: &str = "ENCRYPTED COSIGN PRIVATE KEY";
/// cosign's current scrypt cost (N = 2^16, r = 8, p = 1).
const SCRYPT_LOG_N: u8 = 16;
/// Refuse key files that ask for absurd work (N > 2^20) before deriving anything.
const MAX_SCRYPT_LOG_N: u8 = 20;

#[derive(Serialize, Deserialize)]
struct EncryptedKey {
    kdf: Kdf,
    cipher: Cipher,
    #[serde(with = "base64_bytes")]
    ciphertext: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    name: String,
    params: ScryptParams,
    #[serde(with = "base64_bytes")]
    salt: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct ScryptParams {
    #[serde(rename = "N")]
    n: u64,
    r: u32,
    p: u32,
}

#[derive(Serialize, Deserialize)]
struct Cipher {
    name: String,
    #[serde(with = "base64_bytes")]
    nonce: Vec<u8>,
}

mod base64_bytes {
    use super::B64;
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&B64.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        B64.decode(text).map_err(serde::de::Error::custom)
    }
}

/// A new random P-256 key.
pub fn generate() -> Result<SigningKey, SignError> {
    loop {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| SignError::Random(e.to_string()))?;
        // Fewer than one in 2^32 byte strings are out of range; draw again.
        if let Ok(key) = SigningKey::from_slice(&bytes) {
            return Ok(key);
        }
    }
}

/// The encrypted private key file's text.
pub fn encrypt_private_key(key: &SigningKey, passphrase: &str) -> Result<String, SignError> {
    let der = key
        .to_pkcs8_der()
        .map_err(|e| SignError::Random(e.to_string()))?;
    let mut salt = vec![0u8; 32];
    let mut nonce = vec![0u8; 24];
    getrandom::fill(&mut salt).map_err(|e| SignError::Random(e.to_string()))?;
    getrandom::fill(&mut nonce).map_err(|e| SignError::Random(e.to_string()))?;
    let params = ScryptParams {
        n: 1 << SCRYPT_LOG_N,
        r: 8,
        p: 1,
    };
    let secret = derive(passphrase, &salt, &params)?;
    let cipher = XSalsa20Poly1305::new((&secret).into());
    let ciphertext = cipher
        .encrypt(nonce.as_slice().into(), der.as_bytes())
        .map_err(|_| SignError::Random("secretbox encryption failed".into()))?;
    let body = EncryptedKey {
        kdf: Kdf {
            name: "scrypt".into(),
            params,
            salt,
        },
        cipher: Cipher {
            name: "nacl/secretbox".into(),
            nonce,
        },
        ciphertext,
    };
    let json = forge_base::json::to_vec(&body);
    Ok(pem(PEM_LABEL, &json))
}

/// Reads an encrypted private key file (ours or cosign's).
pub fn load_private_key(path: &Path, passphrase: &str) -> Result<SigningKey, SignError> {
    let bad = |reason: &str| SignError::KeyFile {
        path: path.to_path_buf(),
        reason: reason.into(),
    };
    let text = read_key_file(path)?;
    let (label, body) = unpem(&text).ok_or_else(|| bad("not a PEM file"))?;
    if label != PEM_LABEL && label != LEGACY_PEM_LABEL {
        return Err(bad(&format!(
            "expected an {PEM_LABEL} block, found {label}"
        )));
    }
    let encrypted: EncryptedKey =
        serde_json::from_slice(&body).map_err(|_| bad("the encrypted key's JSON is malformed"))?;
    if encrypted.kdf.name != "scrypt" || encrypted.cipher.name != "nacl/secretbox" {
        return Err(bad(
            "unsupported key encryption (expected scrypt + nacl/secretbox)",
        ));
    }
    if encrypted.cipher.nonce.len() != 24 {
        return Err(bad("nonce must be 24 bytes"));
    }
    let secret = derive(passphrase, &encrypted.kdf.salt, &encrypted.kdf.params)
        .map_err(|_| bad("unsupported scrypt parameters"))?;
    let cipher = XSalsa20Poly1305::new((&secret).into());
    let der = cipher
        .decrypt(
            encrypted.cipher.nonce.as_slice().into(),
            encrypted.ciphertext.as_slice(),
        )
        .map_err(|_| SignError::WrongPassphrase(path.to_path_buf()))?;
    SigningKey::from_pkcs8_der(&der)
        .map_err(|_| bad("the decrypted key is not an ECDSA P-256 PKCS#8 key"))
}

fn derive(passphrase: &str, salt: &[u8], params: &ScryptParams) -> Result<[u8; 32], SignError> {
    let invalid = || SignError::Random("invalid scrypt parameters".into());
    if !params.n.is_power_of_two() || params.n < 2 {
        return Err(invalid());
    }
    let log_n = params.n.trailing_zeros() as u8;
    if log_n > MAX_SCRYPT_LOG_N || params.r > 32 || params.p > 16 {
        return Err(invalid());
    }
    let params = scrypt::Params::new(log_n, params.r, params.p).map_err(|_| invalid())?;
    let mut secret = [0u8; 32];
    scrypt::scrypt(passphrase.as_bytes(), salt, &params, &mut secret).map_err(|_| invalid())?;
    Ok(secret)
}

/// The public key as PEM SubjectPublicKeyInfo.
pub fn public_key_pem(key: &VerifyingKey) -> String {
    pem("PUBLIC KEY", &public_key_der(key))
}

/// The DER SubjectPublicKeyInfo of a P-256 key: a fixed header (id-ecPublicKey on
/// prime256v1, then the BIT STRING's tag and length) and the uncompressed point, so encoding
/// cannot fail.
fn public_key_der(key: &VerifyingKey) -> Vec<u8> {
    const SPKI_HEADER: [u8; 26] = [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];
    let mut der = SPKI_HEADER.to_vec();
    der.extend_from_slice(key.to_sec1_point(false).as_bytes());
    der
}

pub fn load_public_key(path: &Path) -> Result<VerifyingKey, SignError> {
    let text = read_key_file(path)?;
    VerifyingKey::from_public_key_pem(text.trim()).map_err(|_| SignError::KeyFile {
        path: path.to_path_buf(),
        reason: "not a PEM ECDSA P-256 public key (-----BEGIN PUBLIC KEY-----)".into(),
    })
}

/// Base64 of the SHA-256 of the key's DER encoding: the hint a Sigstore bundle carries so a
/// verifier knows which key to use.
pub fn key_hint(key: &VerifyingKey) -> String {
    use sha2::Digest;
    B64.encode(sha2::Sha256::digest(public_key_der(key)))
}

/// The largest key file forge reads: a PEM P-256 key, even encrypted, is under 1 KiB.
pub const MAX_KEY_SIZE: u64 = 64 << 10;

/// A key file's text: a regular file of at most [`MAX_KEY_SIZE`].
fn read_key_file(path: &Path) -> Result<String, SignError> {
    let bad = |reason: String| SignError::KeyFile {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = crate::fs::read_bounded(path, MAX_KEY_SIZE).map_err(|e| bad(e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| bad("is not text (invalid UTF-8)".into()))
}

/// PEM with 64-column lines and LF endings, the canonical form other Sigstore clients expect.
fn pem(label: &str, body: &[u8]) -> String {
    let encoded = B64.encode(body);
    let mut text = format!("-----BEGIN {label}-----\n");
    let mut rest = encoded.as_str();
    while !rest.is_empty() {
        // Base64 is ASCII: any byte index is a character boundary.
        let (line, tail) = rest.split_at(rest.len().min(64));
        text.push_str(line);
        text.push('\n');
        rest = tail;
    }
    text.push_str(&format!("-----END {label}-----\n"));
    text
}

fn unpem(text: &str) -> Option<(String, Vec<u8>)> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let label = lines
        .next()?
        .strip_prefix("-----BEGIN ")?
        .strip_suffix("-----")?
        .to_string();
    let mut body = String::new();
    for line in lines {
        if let Some(end) = line.strip_prefix("-----END ") {
            return (end.strip_suffix("-----")? == label)
                .then(|| B64.decode(&body).ok())
                .flatten()
                .map(|b| (label, b));
        }
        body.push_str(line);
    }
    None
}
