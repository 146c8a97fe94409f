//! Arguments several commands share, and how they become the operations' typed settings.

use crate::ship::bundle::Source;
use crate::ship::wait::Wait;
use clap::Args;
use std::path::PathBuf;

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
    #[arg(long = "image", value_name = "NAME=REF", value_parser = parse_image_flag)]
    pub images: Vec<(String, String)>,
}

impl From<BundleChoice> for Source {
    fn from(choice: BundleChoice) -> Self {
        match choice.bundle {
            Some(path) => Source::File(path),
            None => Source::Build {
                version: choice.release,
                images: choice.images,
            },
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct WaitArgs {
    /// How long to wait for the rollout (e.g. 90s, 5m); default: the env's `timeout`, else 5m.
    #[arg(long)]
    pub timeout: Option<crate::duration::Duration>,
    /// kubeconfig context to watch (default: the env's `context`, else the current one).
    #[arg(long)]
    pub context: Option<String>,
}

impl From<WaitArgs> for Wait {
    fn from(args: WaitArgs) -> Self {
        Wait {
            timeout: args.timeout.map(|d| d.0),
            context: args.context,
            ..Wait::default()
        }
    }
}

/// `--image NAME=REF`.
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
