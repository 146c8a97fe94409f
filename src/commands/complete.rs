//! Completion that knows the project (`source <(COMPLETE=bash forge)`, likewise zsh and fish):
//! env names from forge.yaml, versions of the bundles in its `dist/`, bundle files, and the
//! kubeconfig's contexts. clap's dynamic completion calls back into forge with the words typed
//! so far; these completers answer from local files only (no network), so a completion stays
//! within milliseconds. The static scripts in `completions/` keep working without them.

use clap_complete::{ArgValueCompleter, CompletionCandidate, PathCompleter};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// `tree` with a completer on every argument that names an env, a version, a bundle or a
/// kube context, wherever it appears.
pub fn add_to(tree: clap::Command) -> clap::Command {
    let ids: Vec<String> = tree
        .get_arguments()
        .map(|arg| arg.get_id().to_string())
        .collect();
    let tree = ids.iter().fold(tree, |tree, id| match completer(id) {
        Some(completer) => tree.mut_arg(id, |arg| arg.add(completer)),
        None => tree,
    });
    let names: Vec<String> = tree
        .get_subcommands()
        .map(|command| command.get_name().to_string())
        .collect();
    names
        .iter()
        .fold(tree, |tree, name| tree.mut_subcommand(name, add_to))
}

/// The completer for an argument, by its id (the field name in `commands/`).
fn completer(id: &str) -> Option<ArgValueCompleter> {
    match id {
        "env" | "envs" | "first" | "second" => Some(ArgValueCompleter::new(env_names)),
        "release" | "to" => Some(ArgValueCompleter::new(versions)),
        "context" => Some(ArgValueCompleter::new(contexts)),
        "bundle" => Some(ArgValueCompleter::new(PathCompleter::any().filter(
            |path| path.is_dir() || path.to_string_lossy().ends_with(".forge.tar.zst"),
        ))),
        _ => None,
    }
}

/// forge.yaml as the command will find it: `FORGE_CONFIG`, else `./forge.yaml` (a `-C` on the
/// line being completed is not visible here).
fn config_path() -> PathBuf {
    std::env::var_os("FORGE_CONFIG").map_or_else(|| PathBuf::from("forge.yaml"), PathBuf::from)
}

fn matching(current: &OsStr, values: impl IntoIterator<Item = String>) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    values
        .into_iter()
        .filter(|value| value.starts_with(typed.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

/// forge.yaml parsed (not validated: completion helps while it is being written), if it
/// reads.
fn project_config(path: &Path) -> Option<crate::config::Config> {
    let bytes = crate::fs::read_bounded(path, 1 << 20).ok()?;
    crate::config::parse(&String::from_utf8_lossy(&bytes)).ok()
}

fn env_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(config) = project_config(&config_path()) else {
        return Vec::new();
    };
    matching(current, config.env_names().into_iter().map(str::to_string))
}

/// The versions of the app's bundles in `dist/` beside forge.yaml (`<app>-<version>.forge.tar.zst`).
fn versions(current: &OsStr) -> Vec<CompletionCandidate> {
    let path = config_path();
    let dir = path.parent().unwrap_or(Path::new("")).join("dist");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let app = project_config(&path).map(|config| config.app.value);
    let mut found: Vec<String> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".forge.tar.zst")?;
            let version = match &app {
                Some(app) => stem.strip_prefix(&format!("{app}-"))?,
                None => stem.split_once('-')?.1,
            };
            Some(version.to_string())
        })
        .collect();
    found.sort();
    found.dedup();
    matching(current, found)
}

/// The contexts of the kubeconfig files kubectl would read (`KUBECONFIG`, else
/// `~/.kube/config`).
fn contexts(current: &OsStr) -> Vec<CompletionCandidate> {
    let files: Vec<PathBuf> = match std::env::var_os("KUBECONFIG") {
        Some(list) => std::env::split_paths(&list).collect(),
        None => std::env::var_os("HOME")
            .map(|home| PathBuf::from(home).join(".kube/config"))
            .into_iter()
            .collect(),
    };
    let names = files.iter().flat_map(|file| {
        let config: serde_json::Value = crate::fs::read_bounded(file, 4 << 20)
            .ok()
            .and_then(|bytes| serde_saphyr::from_slice(&bytes).ok())
            .unwrap_or_default();
        config["contexts"]
            .as_array()
            .map(|contexts| {
                contexts
                    .iter()
                    .filter_map(|context| context["name"].as_str().map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    matching(current, names)
}
