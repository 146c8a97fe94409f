//! The bundles known on this machine — built into `dist/` beside forge.yaml, or kept in
//! forge's cache when shipped — with who signed each and which envs run it.

use crate::bundle::read::{Limits, verify};
use crate::config::Loaded;
use crate::context::Context;
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::read_release;
use crate::error::CliError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SUFFIX: &str = ".forge.tar.zst";

/// One bundle (by digest), wherever its copies are.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownBundle {
    pub app: String,
    pub version: String,
    pub digest: String,
    /// Its copies: in dist/, in the cache.
    pub paths: Vec<PathBuf>,
    pub signature: Signature,
    /// The configured key's hint, when the signature verifies with it.
    pub signer: Option<String>,
    /// The envs whose release.json records this bundle; None when the env repo could not
    /// be read.
    pub envs: Option<Vec<String>>,
}

/// What is known of a bundle's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Signature {
    /// Verified with the configured public key.
    Verified,
    /// A signature is there, but no key is configured or it does not verify with the key.
    Unverified,
    Unsigned,
}

impl Signature {
    pub fn as_str(self) -> &'static str {
        match self {
            Signature::Verified => "verified",
            Signature::Unverified => "unverified",
            Signature::Unsigned => "unsigned",
        }
    }
}

/// Every bundle in `dist/` beside forge.yaml and in the bundle cache, by app and version.
pub fn list(ctx: &Context, loaded: &Loaded) -> Result<Vec<KnownBundle>, CliError> {
    let places = [loaded.dir.join("dist"), ctx.env.cache_root.join("bundles")];
    let mut by_digest: BTreeMap<String, KnownBundle> = BTreeMap::new();
    for path in places.iter().flat_map(|dir| bundle_files(dir)) {
        let verified = match verify(&path, &Limits::default()) {
            Ok(verified) => verified,
            Err(err) => {
                ctx.ui
                    .warn(format_args!("skipping {}: {err}", path.display()));
                continue;
            }
        };
        let digest = verified.digest();
        by_digest
            .entry(digest.clone())
            .or_insert_with(|| KnownBundle {
                app: verified.manifest.app.clone(),
                version: verified.manifest.version.clone(),
                digest,
                paths: Vec::new(),
                signature: Signature::Unsigned,
                signer: None,
                envs: None,
            })
            .paths
            .push(path);
    }
    let running = running(ctx, loaded);
    let key = loaded.public_key_path();
    let mut bundles: Vec<KnownBundle> = by_digest.into_values().collect();
    for bundle in &mut bundles {
        (bundle.signature, bundle.signer) = signature(&bundle.paths, key.as_deref());
        bundle.envs = running
            .as_ref()
            .map(|running| running.get(&bundle.digest).cloned().unwrap_or_default());
    }
    bundles.sort_by(|a, b| {
        a.app.cmp(&b.app).then_with(|| {
            crate::model::version::order(&a.version, &b.version, &[])
                .unwrap_or_else(|| a.version.cmp(&b.version))
        })
    });
    Ok(bundles)
}

/// The bundle files in `dir`, by name; none when it does not exist.
fn bundle_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| {
            path.is_file()
                && path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.ends_with(SUFFIX))
        })
        .collect();
    files.sort();
    files
}

/// The signature beside the first copy that has one, checked with `key` when configured.
fn signature(paths: &[PathBuf], key: Option<&Path>) -> (Signature, Option<String>) {
    let Some((bundle, signature_path)) = paths
        .iter()
        .map(|path| (path, crate::signing::signature_path(path)))
        .find(|(_, signature)| signature.is_file())
    else {
        return (Signature::Unsigned, None);
    };
    let Some(key) = key else {
        return (Signature::Unverified, None);
    };
    match super::bundle::check_file_signature(bundle, &signature_path, key) {
        Ok(signed) => (Signature::Verified, Some(signed.signer)),
        Err(err) => {
            tracing::info!(bundle = %bundle.display(), err = %err.message, "signature does not verify");
            (Signature::Unverified, None)
        }
    }
}

/// Which envs run which bundle digest, from each env's release.json at the branch tip; None
/// (with a warning) when the env repo cannot be read: the local list still stands.
fn running(ctx: &Context, loaded: &Loaded) -> Option<BTreeMap<String, Vec<String>>> {
    let read = || -> Result<BTreeMap<String, Vec<String>>, CliError> {
        let repo = EnvRepo::open(ctx.repo_settings(loaded))?;
        let mut running: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let Some(tip) = repo.fetch()? else {
            return Ok(running);
        };
        for env in loaded.config.env_names() {
            let dir = loaded.config.env_path(env);
            if let Some(release) = read_release(&repo, &tip.commit, &dir)? {
                running
                    .entry(release.bundle_digest)
                    .or_default()
                    .push(env.to_string());
            }
        }
        Ok(running)
    };
    read()
        .inspect_err(|err| {
            ctx.ui.warn(format_args!(
                "which envs run each bundle is not known: {}",
                err.message
            ))
        })
        .ok()
}
