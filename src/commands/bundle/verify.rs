//! `forge bundle verify BUNDLE [--key PUB]`: every digest, and the signature when a key is
//! given (or configured as signing.publicKey).

use crate::bundle::read::{Limits, verify};
use crate::commands::Context;
use crate::error::CliError;
use crate::signing;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Path to a .forge.tar.zst bundle.
    pub bundle: PathBuf,
    /// Public key (PEM) the bundle must be signed with [default: signing.publicKey from forge.yaml]
    #[arg(long, value_name = "PUB")]
    pub key: Option<PathBuf>,
    /// Sigstore bundle holding the signature [default: BUNDLE.sigstore.json]
    #[arg(long, value_name = "FILE")]
    pub signature: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: VerifyArgs) -> Result<(), CliError> {
    let verified = verify(&args.bundle, &Limits::default())?;
    let key_path = match args.key {
        Some(key) => Some(key),
        None if ctx.config_path.is_file() => ctx.load_config()?.public_key_path(),
        None => None,
    };
    let signature_path = args
        .signature
        .unwrap_or_else(|| signing::signature_path(&args.bundle));
    if let Some(key_path) = &key_path {
        let key = signing::key::load_public_key(key_path)?;
        let signed = signing::read_signature(&args.bundle, &signature_path)?;
        signing::verify(&signed, &signature_path, &verified.sha256, &key, key_path)?;
    }
    let m = &verified.manifest;
    if ctx.json() {
        return crate::ui::emit_json(&serde_json::json!({
            "path": args.bundle,
            "digest": verified.digest(),
            "app": m.app,
            "version": m.version,
            "files": m.files.len(),
            "signature": {
                "verified": key_path.is_some(),
                "path": key_path.as_ref().map(|_| &signature_path),
                "key": key_path,
            },
        }));
    }
    let signature = match &key_path {
        Some(key) => format!(
            "signature {} verified with {}",
            signature_path.display(),
            key.display()
        ),
        None => {
            ctx.ui.warn(
                "signature not checked: pass --key PUB (or set signing.publicKey in forge.yaml)",
            );
            "signature not checked".into()
        }
    };
    crate::ui::emit(&format!(
        "{}: ok ({} {}, {} files, {}); {signature}\n",
        args.bundle.display(),
        m.app,
        m.version,
        m.files.len(),
        verified.digest()
    ))
}
