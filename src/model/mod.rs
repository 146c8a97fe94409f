//! Leaf types every layer shares: what kind of source an app has, which GitOps engine applies
//! it, image references, the release record an env dir holds, and file sets. This module
//! imports nothing else of forge's, so any module may use it without making a cycle.

pub mod image;
pub mod names;
pub mod release;
pub mod version;

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// Files by path relative to a directory (a bundle's source, an env dir): the shape every
/// layer passes around.
pub type Files = BTreeMap<String, Content>;

/// One file's content: bytes forge made or read (a template's output, release.json, a file
/// of the env repo), or a file on disk that goes out unchanged (a bundle's source file,
/// unpacked). A file is read only where its bytes are needed and streamed where it is written
/// or committed, so a render or a deploy never holds a big source file in memory.
///
/// Equality is by what is held: the same bytes, or the same path (not the same content).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    Bytes(Vec<u8>),
    File(PathBuf),
}

impl Content {
    /// The bytes: borrowed, or read from disk whole (for a file that must be parsed or shown).
    pub fn read(&self) -> std::io::Result<Cow<'_, [u8]>> {
        match self {
            Content::Bytes(bytes) => Ok(Cow::Borrowed(bytes)),
            Content::File(path) => std::fs::read(path).map(Cow::Owned),
        }
    }
}

impl From<Vec<u8>> for Content {
    fn from(bytes: Vec<u8>) -> Self {
        Content::Bytes(bytes)
    }
}

impl From<String> for Content {
    fn from(text: String) -> Self {
        Content::Bytes(text.into_bytes())
    }
}

impl From<&str> for Content {
    fn from(text: &str) -> Self {
        Content::Bytes(text.as_bytes().to_vec())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Kustomize,
    Helm,
}

impl SourceKind {
    /// The files that make a directory this kind of source, at its top: kustomize reads the
    /// first of its three names it finds, Helm needs Chart.yaml.
    pub fn marker_files(self) -> &'static [&'static str] {
        match self {
            SourceKind::Kustomize => &["kustomization.yaml", "kustomization.yml", "Kustomization"],
            SourceKind::Helm => &["Chart.yaml"],
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceKind::Kustomize => "kustomize",
            SourceKind::Helm => "helm",
        })
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    #[default]
    Flux,
    Argocd,
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Engine::Flux => "flux",
            Engine::Argocd => "argocd",
        })
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StrategyKind {
    #[default]
    Rolling,
    Recreate,
    Canary,
    BlueGreen,
}
