//! Leaf types every layer shares: what kind of source an app has, which GitOps engine applies
//! it, image references, the release record an env dir holds, and file sets. This module
//! imports nothing else of forge's, so any module may use it without making a cycle.

pub mod image;
pub mod names;
pub mod release;
pub mod version;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Files by path relative to a directory (a bundle's source, an env dir): the shape every
/// layer passes around.
pub type Files = BTreeMap<String, Vec<u8>>;

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
