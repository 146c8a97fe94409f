//! `forge bundle verify BUNDLE [--key PUB]`: every digest, and the signature when a key is
//! given (or configured as signing.publicKey).

use crate::bundle::read::{Limits, verify};
use crate::commands::Context;
use crate::error::CliError;
use crate::ship::bundle::check_file_signature;
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
    let key_path = match args.key {
        Some(key) => Some(key),
        None if ctx.config_path.is_file() => ctx.load_config()?.public_key_path(),
        None => None,
    };
    let signature_path = args
        .signature
        .unwrap_or_else(|| signing::signature_path(&args.bundle));
    // The signature first, over the file's bytes: nothing untrusted is unpacked before it.
    let signed = key_path
        .as_ref()
        .map(|key_path| check_file_signature(&args.bundle, &signature_path, key_path))
        .transpose()?;
    let verified = verify(&args.bundle, &Limits::default())?;
    if let Some(signed) = &signed {
        verified.check_same_as(&args.bundle, &signed.sha256)?;
    }
    let m = &verified.manifest;
    if let Some(data) = ctx.data() {
        return crate::ui::emit_data(
            data,
            &serde_json::json!({
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
            }),
        );
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
