//! Named steps shared by the commands that ship a release: pick the bundle, open it, render
//! an environment from it.

use super::Context;
use crate::bundle::read::{Extracted, Limits, extract};
use crate::config::{Environment, Loaded};
use crate::error::CliError;
use crate::render::overlay::{Release, RenderRequest, Rendered, StrategyState, render};
use clap::Args;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which bundle a command ships: a built one, or one built now from the configured source.
#[derive(Debug, Args)]
pub struct BundleChoice {
    /// Bundle to use [default: build one from the configured source]
    #[arg(long, value_name = "BUNDLE", conflicts_with_all = ["release", "images"])]
    pub bundle: Option<PathBuf>,
    /// Version to build when no --bundle is given [default: `git describe` of the source]
    #[arg(long = "version", value_name = "VERSION")]
    pub release: Option<String>,
    /// Override an image reference for the build (repeatable).
    #[arg(long = "image", value_name = "NAME=REF", value_parser = super::bundle::build::parse_image_flag)]
    pub images: Vec<(String, String)>,
}

/// A verified bundle, unpacked, and where it came from.
pub struct OpenedBundle {
    pub path: PathBuf,
    pub extracted: Extracted,
    /// Keeps a bundle built for this command alive until it is done.
    _built_in: Option<tempfile::TempDir>,
}

pub fn open_bundle(
    ctx: &Context,
    loaded: &Loaded,
    choice: BundleChoice,
) -> Result<OpenedBundle, CliError> {
    let (path, built_in) = match choice.bundle {
        Some(path) => (path, None),
        None => {
            let dir = tempfile::Builder::new()
                .prefix("forge-build-")
                .tempdir()
                .map_err(|e| CliError::operational(format!("cannot create a temp dir: {e}")))?;
            let built = super::bundle::build::build_bundle(
                ctx,
                loaded,
                choice.release,
                choice.images,
                dir.path(),
            )?;
            (built.path, Some(dir))
        }
    };
    let extracted = extract(&path, &Limits::default())?;
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
        _built_in: built_in,
    })
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
pub fn keep_bundle(ctx: &Context, opened: &OpenedBundle) {
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
pub fn open_release_bundle(
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
    let opened = open_bundle(
        ctx,
        loaded,
        BundleChoice {
            bundle: Some(path),
            release: None,
            images: Vec::new(),
        },
    )?;
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

/// An env dir's files, by path relative to it.
type Files = BTreeMap<String, Vec<u8>>;

/// An env dir as it was at `commit`, to be committed again (a rollback): its files, with
/// release.json's deploy time set to now. None when the dir held no release there.
pub fn restore_release(
    ctx: &Context,
    repo: &crate::envrepo::EnvRepo,
    commit: &str,
    dir: &str,
) -> Result<Option<(Files, Release)>, CliError> {
    let Some(mut release) = crate::envrepo::publish::read_release(repo, commit, dir)? else {
        return Ok(None);
    };
    release.deployed_at = now_rfc3339(ctx)?;
    let mut files = repo.read_dir(commit, dir)?;
    let mut bytes = serde_json::to_vec_pretty(&release).expect("release serializes");
    bytes.push(b'\n');
    files.insert(crate::render::overlay::RELEASE_FILE.into(), bytes);
    Ok(Some((files, release)))
}

/// The environment named on the command line, or a usage error listing the known ones.
pub fn environment<'a>(loaded: &'a Loaded, name: &str) -> Result<&'a Environment, CliError> {
    loaded.config.environment(name).ok_or_else(|| {
        CliError::usage(format!("unknown environment '{name}'")).with_hint(format!(
            "{} defines: {}",
            loaded.path.display(),
            loaded.config.env_names().join(", ")
        ))
    })
}

/// Every file under `dir`, by path relative to it.
pub fn read_tree(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, CliError> {
    let mut files = BTreeMap::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    let fail = |path: &Path, e: std::io::Error| {
        CliError::operational(format!("cannot read {}: {e}", path.display()))
    };
    while let Some((current, prefix)) = pending.pop() {
        for item in std::fs::read_dir(&current).map_err(|e| fail(&current, e))? {
            let item = item.map_err(|e| fail(&current, e))?;
            let name = item.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if item
                .file_type()
                .map_err(|e| fail(&item.path(), e))?
                .is_dir()
            {
                pending.push((item.path(), rel));
            } else {
                files.insert(
                    rel,
                    std::fs::read(item.path()).map_err(|e| fail(&item.path(), e))?,
                );
            }
        }
    }
    Ok(files)
}

/// When a release is recorded: SOURCE_DATE_EPOCH (reproducible runs and tests), else now.
pub fn now_rfc3339(ctx: &Context) -> Result<String, CliError> {
    let epoch = match &ctx.env.source_date_epoch {
        Some(text) => text.parse().map_err(|_| {
            CliError::usage(format!(
                "SOURCE_DATE_EPOCH '{text}' is not a number of seconds"
            ))
        })?,
        None => crate::time::now_epoch(),
    };
    Ok(crate::time::rfc3339(epoch))
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
    let source = read_tree(&opened.extracted.source_dir())?;
    let release = Release {
        app: manifest.app.clone(),
        env: env.name.value.clone(),
        version: manifest.version.clone(),
        bundle_digest: verified.digest(),
        source_commit: manifest.source.commit.clone(),
        signer,
        deployed_at: now_rfc3339(ctx)?,
        strategy: StrategyState {
            kind: env.strategy.kind,
            canary: None,
        },
    };
    let templates = loaded.templates();
    let rendered = render(&RenderRequest {
        config: &loaded.config,
        env,
        manifest,
        source: &source,
        release,
        templates: &templates,
    })?;
    for warning in &rendered.warnings {
        ctx.ui.warn(warning);
    }
    Ok(rendered)
}

/// Checks the bundle's signature against the env's policy. Returns the signer (the key's
/// hint) when a signature verified; refuses (exit 6) when the policy requires one and it is
/// missing or bad, or when a present signature does not verify.
pub fn check_signature(
    loaded: &Loaded,
    env: &Environment,
    opened: &OpenedBundle,
) -> Result<Option<String>, CliError> {
    let signature_path = crate::signing::signature_path(&opened.path);
    let required = env.policy.require_signature;
    let Some(key_path) = loaded.public_key_path() else {
        return Ok(None);
    };
    if !required && !signature_path.is_file() {
        return Ok(None);
    }
    let refused = |err: CliError| {
        if required {
            err.with_hint(format!(
                "environment '{}' requires bundles signed with {}: `forge bundle sign BUNDLE --key KEY`, then deploy with --bundle",
                env.name.value,
                key_path.display()
            ))
        } else {
            err
        }
    };
    let key = crate::signing::key::load_public_key(&key_path)?;
    let signed = crate::signing::read_signature(&opened.path, &signature_path)
        .map_err(|e| refused(e.into()))?;
    crate::signing::verify(
        &signed,
        &signature_path,
        &opened.extracted.verified.sha256,
        &key,
        &key_path,
    )
    .map_err(|e| refused(e.into()))?;
    Ok(Some(crate::signing::key::key_hint(&key)))
}
