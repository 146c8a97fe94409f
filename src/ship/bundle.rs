//! The bundle a release ships: built now or given, opened and checked against the app,
//! its signature checked against an env's policy, kept by digest for promote and rollback,
//! and rendered into an env dir.

use crate::bundle::build::Built;
use crate::bundle::read::{Extracted, Limits, extract};
use crate::config::{Environment, Loaded};
use crate::context::Context;
use crate::error::CliError;
use crate::fs::scratch::{ScratchDir, scratch_dir};
use crate::model::release::{Release, Side, StrategyState};
use crate::render::overlay::{RenderRequest, Rendered, render};
use std::path::{Path, PathBuf};

/// Where the bundle comes from.
#[derive(Debug)]
pub enum Source {
    File(PathBuf),
    /// Built now from the configured source: this version (else `git describe`), these image
    /// overrides.
    Build {
        version: Option<String>,
        images: Vec<(String, String)>,
    },
}

/// A verified bundle, unpacked, and where it came from.
pub struct OpenedBundle {
    pub path: PathBuf,
    pub extracted: Extracted,
    /// The key hint of the configured key, when the signature beside the bundle verified.
    signer: Option<String>,
    /// Keeps a bundle built for this command alive until it is done.
    _built_in: Option<ScratchDir>,
}

/// A signature checked over a bundle file's bytes.
pub struct FileSignature {
    /// SHA-256 of the bytes the signature was checked over.
    pub sha256: [u8; 32],
    /// The key's hint, recorded in release.json as who signed.
    pub signer: String,
}

/// Checks the signature at `signature_path` with the public key at `key_path` over the bundle
/// file's bytes, before anything decompresses or parses them: a tampered bundle is refused
/// as not matching its signature (exit 6), never unpacked.
pub fn check_file_signature(
    bundle: &Path,
    signature_path: &Path,
    key_path: &Path,
) -> Result<FileSignature, CliError> {
    let key = crate::signing::key::load_public_key(key_path)?;
    let signed = crate::signing::read_signature(bundle, signature_path)?;
    let sha256 = crate::bundle::read::file_digest(bundle)?;
    crate::signing::verify(&signed, signature_path, &sha256, &key, key_path)?;
    Ok(FileSignature {
        sha256,
        signer: crate::signing::key::key_hint(&key),
    })
}

pub fn open(ctx: &Context, loaded: &Loaded, source: Source) -> Result<OpenedBundle, CliError> {
    let (path, built_in) = match source {
        Source::File(path) => (path, None),
        Source::Build { version, images } => {
            let dir = scratch_dir("build")
                .map_err(|e| CliError::operational(format!("cannot create a temp dir: {e}")))?;
            let built = build(ctx, loaded, version, images, dir.path())?;
            (built.path, Some(dir))
        }
    };
    // With a key configured, a signature beside the bundle is checked before the bundle is
    // unpacked; whether an env requires one is check_signature's to say.
    let signature_path = crate::signing::signature_path(&path);
    let signed = match loaded.public_key_path() {
        Some(key_path) if signature_path.exists() => {
            Some(check_file_signature(&path, &signature_path, &key_path)?)
        }
        _ => None,
    };
    let extracted = extract(&path, &Limits::default())?;
    if let Some(signed) = &signed {
        extracted.verified.check_same_as(&path, &signed.sha256)?;
    }
    let app = &extracted.verified.manifest.app;
    if *app != loaded.config.app.value {
        return Err(CliError::usage(format!(
            "bundle {} is for app '{app}', but {} configures '{}'",
            path.display(),
            loaded.path.display(),
            loaded.config.app.value
        )));
    }
    Ok(OpenedBundle {
        path,
        extracted,
        signer: signed.map(|signed| signed.signer),
        _built_in: built_in,
    })
}

/// Resolves version, time and images for the configured app, then packs its source into
/// `out_dir`. `forge bundle build` prints the result; render and deploy build this way when
/// no bundle is given.
pub fn build(
    ctx: &Context,
    loaded: &Loaded,
    release: Option<String>,
    image_overrides: Vec<(String, String)>,
    out_dir: &Path,
) -> Result<Built, CliError> {
    let config = &loaded.config;
    let source_dir = loaded.source_dir();
    let git = crate::git::source_state(&source_dir);

    let version = match release.or(git.describe.clone()) {
        Some(version) => version,
        None => {
            let (why, hint) = if crate::git::is_work_tree(&source_dir) {
                (
                    "is in a git repository with no commits yet",
                    "commit (a tag such as v0.1.0 names the version), or pass --version VERSION",
                )
            } else {
                ("is not in a git repository", "pass --version VERSION")
            };
            return Err(
                CliError::usage(format!("no version: {} {why}", source_dir.display()))
                    .with_hint(hint),
            );
        }
    };
    crate::bundle::check_version(&version)?;

    // Reproducible builds: SOURCE_DATE_EPOCH wins, then the commit time; never the clock.
    let created_at = match &ctx.env.source_date_epoch {
        Some(text) => text.parse::<i64>().map_err(|_| {
            CliError::usage(format!(
                "SOURCE_DATE_EPOCH '{text}' is not a number of seconds"
            ))
        })?,
        None => git.commit_time.unwrap_or(0),
    };

    let mut references: std::collections::BTreeMap<String, String> = config
        .images
        .iter()
        .map(|(name, r)| (name.clone(), r.value.clone()))
        .collect();
    references.extend(image_overrides);
    let images = references
        .iter()
        .map(|(name, reference)| crate::model::image::ImageRef::parse(name, reference))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::usage(e.to_string()))?;
    for image in images.iter().filter(|i| i.digest.is_none()) {
        ctx.ui.warn(format!(
            "image '{}' is not pinned by digest ({})",
            image.name, image.reference
        ));
    }
    if git.dirty == Some(true) {
        ctx.ui
            .warn(format!("{} has uncommitted changes", source_dir.display()));
    }

    let app = &config.app.value;
    ctx.ui.status(
        "Building",
        format!("{app} {version} from {}", source_dir.display()),
    );
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let request = crate::bundle::build::BuildRequest {
        app,
        version: &version,
        source_kind: config.source.kind,
        source_dir: &source_dir,
        images,
        created_at,
        provenance: crate::bundle::build::Provenance {
            repo: git.remote,
            commit: git.commit,
            dirty: git.dirty,
        },
        out_dir,
        workers,
    };
    let progress = ctx.ui.progress_bytes();
    let built = crate::bundle::build::build(&request, &progress)?;
    progress.finish();
    ctx.ui.status(
        "Built",
        format!(
            "{} ({}, {} files, {})",
            built.path.display(),
            crate::fs::human_size(built.size),
            built.manifest.files.len(),
            built.digest
        ),
    );
    Ok(built)
}

/// Where shipped bundles are kept by digest, so promote and rollback find the exact bytes
/// again: `$XDG_CACHE_HOME/forge/bundles/sha256-<hex>.forge.tar.zst` (+ its signature).
fn stored_bundle(ctx: &Context, digest: &str) -> PathBuf {
    ctx.env
        .cache_root
        .join("bundles")
        .join(format!("{}.forge.tar.zst", digest.replace(':', "-")))
}

/// Keeps a copy of a shipped bundle and its signature. Best effort: a full disk must not fail
/// a deploy that already happened, it only means `--bundle` is needed later.
pub(super) fn keep(ctx: &Context, opened: &OpenedBundle) {
    let target = stored_bundle(ctx, &opened.extracted.verified.digest());
    if opened.path == target {
        return;
    }
    let kept = target.is_file()
        || target
            .parent()
            .map(std::fs::create_dir_all)
            .transpose()
            .and_then(|_| std::fs::copy(&opened.path, &target))
            .inspect_err(|err| tracing::info!(%err, "could not keep the bundle in the cache"))
            .is_ok();
    let signature = crate::signing::signature_path(&opened.path);
    if kept && signature.is_file() {
        let _ = std::fs::copy(&signature, crate::signing::signature_path(&target));
    }
}

/// Opens the bundle of a release recorded in the env repo: `--bundle`, else the kept copy;
/// its digest must be the release's.
pub(super) fn open_release(
    ctx: &Context,
    loaded: &Loaded,
    digest: &str,
    given: Option<PathBuf>,
) -> Result<OpenedBundle, CliError> {
    let path = given.unwrap_or_else(|| stored_bundle(ctx, digest));
    if !path.is_file() {
        return Err(CliError::usage(format!(
            "the release's bundle {digest} is not in {}",
            path.parent()
                .map(Path::display)
                .map(|d| d.to_string())
                .unwrap_or_default()
        ))
        .with_hint(
            "pass the bundle file with --bundle (CI: keep the bundle as a build artifact)",
        ));
    }
    let opened = open(ctx, loaded, Source::File(path))?;
    let found = opened.extracted.verified.digest();
    if found != digest {
        return Err(CliError::new(
            crate::error::ExitCode::Refused,
            format!(
                "bundle {} is {found}, but the release records {digest}",
                opened.path.display()
            ),
        ));
    }
    Ok(opened)
}

/// Renders `env`'s directory from an opened bundle; warnings go to the terminal.
pub fn render_env(
    ctx: &Context,
    loaded: &Loaded,
    env: &Environment,
    opened: &OpenedBundle,
    signer: Option<String>,
) -> Result<Rendered, CliError> {
    let verified = &opened.extracted.verified;
    let manifest = &verified.manifest;
    // Listed, not read: the source files go out as the files they are.
    let source = crate::fs::list_tree(&opened.extracted.source_dir())?;
    let release = Release {
        app: manifest.app.clone(),
        env: env.name.value.clone(),
        version: manifest.version.clone(),
        bundle_digest: verified.digest(),
        source_commit: manifest.source.commit.clone(),
        signer,
        deployed_at: ctx.now_rfc3339()?,
        strategy: StrategyState {
            kind: env.strategy.kind,
            canary: None,
            side: Side::Main,
        },
    };
    let templates = loaded.templates();
    let rendered = render(RenderRequest {
        config: &loaded.config,
        env,
        manifest,
        source,
        release,
        templates: &templates,
    })?;
    for warning in &rendered.warnings {
        ctx.ui.warn(warning);
    }
    Ok(rendered)
}

/// An opened bundle whose signature was checked against an env's policy.
pub struct Signed<'a> {
    pub opened: &'a OpenedBundle,
    /// Who signed it (the key's hint), when a signature verified; recorded in release.json.
    pub signer: Option<String>,
}

/// Checks the bundle's signature against the env's policy: refuses (exit 6) when the policy
/// requires one and it is missing or bad, or when a present signature does not verify.
pub fn check_signature<'a>(
    loaded: &Loaded,
    env: &Environment,
    opened: &'a OpenedBundle,
) -> Result<Signed<'a>, CliError> {
    let signer = signer(loaded, env, opened)?;
    Ok(Signed { opened, signer })
}

fn signer(
    loaded: &Loaded,
    env: &Environment,
    opened: &OpenedBundle,
) -> Result<Option<String>, CliError> {
    let Some(key_path) = loaded.public_key_path() else {
        return Ok(None);
    };
    // A signature present beside the bundle was verified when it was opened.
    if opened.signer.is_some() || !env.policy.require_signature {
        return Ok(opened.signer.clone());
    }
    let missing = crate::signing::SignError::Missing {
        bundle: opened.path.clone(),
        signature: crate::signing::signature_path(&opened.path),
    };
    Err(CliError::from(missing).with_hint(format!(
        "environment '{}' requires bundles signed with {}: `forge bundle sign BUNDLE --key KEY`, then deploy with --bundle",
        env.name.value,
        key_path.display()
    )))
}
