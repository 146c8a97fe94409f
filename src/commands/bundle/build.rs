//! `forge bundle build`: resolve version, time and images, then pack.

use crate::bundle::build::{BuildRequest, Built, Provenance, build};
use crate::commands::Context;
use crate::config::Loaded;
use crate::error::CliError;
use crate::model::image::ImageRef;
use clap::Args;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Release version [default: `git describe` of the source]
    #[arg(long = "version", value_name = "VERSION")]
    pub release: Option<String>,
    /// Directory to write the bundle into.
    #[arg(long, value_name = "DIR", default_value = "dist")]
    pub out: PathBuf,
    /// Override or add an image reference (repeatable).
    #[arg(long = "image", value_name = "NAME=REF", value_parser = parse_image_flag)]
    pub images: Vec<(String, String)>,
}

pub fn parse_image_flag(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, reference)) if !name.is_empty() && !reference.is_empty() => {
            Ok((name.to_string(), reference.to_string()))
        }
        _ => Err(format!(
            "'{text}' is not NAME=REF (for example web=ghcr.io/acme/web@sha256:...)"
        )),
    }
}

pub fn run(ctx: &Context, args: BuildArgs) -> Result<(), CliError> {
    let loaded = ctx.load_config()?;
    let built = build_bundle(ctx, &loaded, args.release, args.images, &args.out)?;
    let app = &built.manifest.app;
    let version = &built.manifest.version;
    if ctx.json() {
        crate::ui::emit_json(&serde_json::json!({
            "path": built.path,
            "digest": built.digest,
            "size": built.size,
            "app": app,
            "version": version,
        }))
    } else {
        crate::ui::emit(&format!("{}\n", built.path.display()))
    }
}

/// Resolves version, time and images for the configured app, then packs its source into
/// `out_dir`. `forge bundle build` prints the result; render and deploy build this way when
/// no bundle is given.
pub fn build_bundle(
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
            return Err(CliError::usage(format!(
                "no version: {} is not in a git repository",
                source_dir.display()
            ))
            .with_hint("pass --version VERSION"));
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

    let mut references: BTreeMap<String, String> = config
        .images
        .iter()
        .map(|(name, r)| (name.clone(), r.value.clone()))
        .collect();
    references.extend(image_overrides);
    let images = references
        .iter()
        .map(|(name, reference)| ImageRef::parse(name, reference))
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
    let request = BuildRequest {
        app,
        version: &version,
        source_kind: config.source.kind,
        source_dir: &source_dir,
        images,
        created_at,
        provenance: Provenance {
            repo: git.remote,
            commit: git.commit,
            dirty: git.dirty,
        },
        out_dir,
        workers,
    };
    let progress = ctx.ui.progress_bytes();
    let built = build(&request, &progress)?;
    progress.finish();
    ctx.ui.status(
        "Built",
        format!(
            "{} ({}, {} files, {})",
            built.path.display(),
            crate::bundle::human_size(built.size),
            built.manifest.files.len(),
            built.digest
        ),
    );
    Ok(built)
}
