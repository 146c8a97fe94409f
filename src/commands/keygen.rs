//! `forge keygen --out PREFIX`: a cosign-compatible key pair, PREFIX.key and PREFIX.pub.

use super::Context;
use crate::error::CliError;
use crate::signing::key;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Path prefix: writes PREFIX.key (encrypted) and PREFIX.pub.
    #[arg(long, value_name = "PREFIX", default_value = "forge")]
    pub out: PathBuf,
    /// Replace existing key files.
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Context, args: KeygenArgs) -> Result<(), CliError> {
    let private_path = with_suffix(&args.out, "key");
    let public_path = with_suffix(&args.out, "pub");
    for path in [&private_path, &public_path] {
        if path.exists() && !args.force {
            return Err(
                CliError::usage(format!("{} already exists", path.display()))
                    .with_hint("pass --force to replace it, or choose another --out"),
            );
        }
    }
    let passphrase = ctx.passphrase("Passphrase for the new private key", true)?;
    let signing_key = key::generate()?;
    let private_pem = key::encrypt_private_key(&signing_key, &passphrase)?;
    let public_pem = key::public_key_pem(signing_key.verifying_key());
    for (path, text, mode) in [
        (&private_path, &private_pem, 0o600),
        (&public_path, &public_pem, 0o644),
    ] {
        crate::fs::write_atomic(path, text.as_bytes(), mode)
            .map_err(|e| CliError::operational(format!("cannot write {}: {e}", path.display())))?;
    }
    ctx.ui.status(
        "Created",
        format!("{} and {}", private_path.display(), public_path.display()),
    );
    if let Some(data) = ctx.data() {
        crate::ui::emit_data(
            data,
            &serde_json::json!({
                "privateKey": private_path,
                "publicKey": public_path,
                "hint": key::key_hint(signing_key.verifying_key()),
            }),
        )
    } else {
        crate::ui::emit(&format!(
            "{}\n{}\n",
            private_path.display(),
            public_path.display()
        ))
    }
}

fn with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}
