//! `forge bundle sign BUNDLE --key KEY`: a Sigstore bundle beside the forge bundle.

use crate::bundle::read::{Limits, verify};
use crate::commands::Context;
use crate::error::CliError;
use crate::signing::{self, KeySigner, Signer};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Path to a .forge.tar.zst bundle.
    pub bundle: PathBuf,
    /// Encrypted private key (from `forge keygen` or `cosign generate-key-pair`).
    #[arg(long, value_name = "KEY", env = "FORGE_SIGNING_KEY")]
    pub key: PathBuf,
    /// Where to write the signature [default: BUNDLE.sigstore.json]
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: SignArgs) -> Result<(), CliError> {
    // Never put a signature on something that is not a sound bundle.
    let verified = verify(&args.bundle, &Limits::default())?;
    let passphrase = ctx.passphrase(&format!("Passphrase for {}", args.key.display()), false)?;
    let key = signing::key::load_private_key(&args.key, &passphrase)?;
    let public = *key.verifying_key();
    let signed = KeySigner::new(key).sign_digest(&verified.sha256)?;
    let out = args
        .out
        .unwrap_or_else(|| signing::signature_path(&args.bundle));
    // Check our own work with the public half before anyone relies on it.
    signing::verify(&signed, &out, &verified.sha256, &public, &args.key)?;
    let mut json = forge_base::json::to_vec_pretty(&signed);
    json.push(b'\n');
    crate::fs::write_atomic(&out, &json, 0o644)
        .map_err(|e| CliError::operational(format!("cannot write {}: {e}", out.display())))?;
    ctx.ui.status(
        "Signed",
        format!("{} ({})", args.bundle.display(), verified.digest()),
    );
    if let Some(data) = ctx.data() {
        crate::ui::emit_data(
            data,
            &serde_json::json!({
                "signature": out,
                "digest": verified.digest(),
                "keyHint": signing::key::key_hint(&public),
            }),
        )
    } else {
        crate::ui::emit(&format!("{}\n", out.display()))
    }
}
