//! `forge diff ENV`: what `forge deploy ENV` would change in the env repo, as a unified diff
//! of the env dir (and with --rendered, of the manifests `kubectl kustomize` builds from it).

use super::Context;
use super::args::BundleChoice;
use crate::envrepo::EnvRepo;
use crate::envrepo::publish::{keep_deploy_time, read_release};
use crate::error::{CliError, ExitCode};
use crate::model::{Content, Files};
use crate::ship::bundle::{check_signature, open, render_env};
use crate::ship::environment;
use clap::Args;
use std::fmt::Write as _;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Environment, as named in forge.yaml.
    pub env: String,
    #[command(flatten)]
    pub bundle: BundleChoice,
    /// Also diff the fully rendered manifests (needs kubectl on PATH).
    #[arg(long)]
    pub rendered: bool,
    /// Exit 7 when the env would change (0 when not), as `git diff --exit-code` does.
    #[arg(long)]
    pub exit_code: bool,
}

pub fn run(ctx: &Context, args: DiffArgs) -> Result<(), CliError> {
    crate::fs::scratch::remove_on_signal()?;
    let loaded = ctx.load_config()?;
    let env = environment(&loaded, &args.env)?;
    let opened = open(ctx, &loaded, args.bundle.into())?;
    // Rendered as deploy renders it, signer included, so an unchanged release diffs empty;
    // a signature deploy would refuse is said, and the diff shown unsigned.
    let signer = match check_signature(&loaded, env, &opened) {
        Ok(signed) => signed.signer,
        Err(refused) => {
            ctx.ui.warn(format!(
                "deploy would refuse this bundle: {}",
                refused.message
            ));
            None
        }
    };
    let rendered = render_env(ctx, &loaded, env, &opened, signer)?;
    let dir = loaded.config.env_path(&args.env);

    let repo = EnvRepo::open(ctx.repo_settings(&loaded))?;
    let (current, existing) = match repo.fetch()? {
        Some(tip) => (
            repo.read_dir(&tip.commit, &dir)?,
            read_release(&repo, &tip.commit, &dir)?,
        ),
        None => (Files::new(), None),
    };
    // An env settled on blue-green's preview side keeps an unchanged release in that layout.
    let (laid_out, release) = crate::render::canary::in_live_layout(
        &rendered.files,
        &rendered.release,
        existing.as_ref(),
    )
    .map_err(|e| CliError::usage(e.to_string()))?;
    let proposed = keep_deploy_time(&laid_out, &release, existing.as_ref());
    let changes = compare(&current, &proposed);

    let rendered_diff = if args.rendered {
        Some(manifest_diff(
            &loaded.config.app.value,
            &current,
            &proposed,
        )?)
    } else {
        None
    };
    if let Some(data) = ctx.data() {
        let list = |kind: Change| {
            changes
                .iter()
                .filter(|(_, c)| *c == kind)
                .map(|(p, _)| p.clone())
                .collect::<Vec<_>>()
        };
        crate::ui::emit_data(
            data,
            &serde_json::json!({
                "env": args.env,
                "dir": dir,
                "added": list(Change::Added),
                "changed": list(Change::Changed),
                "removed": list(Change::Removed),
                "rendered": rendered_diff,
            }),
        )?;
        return differs(args.exit_code, &changes);
    }
    let mut text = String::new();
    for (path, _) in &changes {
        let full = format!("{dir}/{path}");
        let old = current.get(path).map(|c| as_text(path, c)).transpose()?;
        let new = proposed.get(path).map(|c| as_text(path, c)).transpose()?;
        text.push_str(&unified(&full, old.as_deref(), new.as_deref()));
    }
    if let Some(diff) = rendered_diff {
        text.push_str(&diff);
    }
    if changes.is_empty() {
        ctx.ui.status(
            "Unchanged",
            format!("{} is already deployed to {}", release.version, args.env),
        );
    }
    crate::ui::emit(&text)?;
    differs(args.exit_code, &changes)
}

/// With `--exit-code`, changes end the command with exit 7 (and nothing more to say).
fn differs(exit_code: bool, changes: &[(String, Change)]) -> Result<(), CliError> {
    if exit_code && !changes.is_empty() {
        return Err(CliError::quiet(ExitCode::Differs));
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    Added,
    Changed,
    Removed,
}

fn compare(current: &Files, proposed: &Files) -> Vec<(String, Change)> {
    let mut changes: Vec<(String, Change)> = Vec::new();
    for (path, bytes) in proposed {
        match current.get(path) {
            None => changes.push((path.clone(), Change::Added)),
            // An unreadable file counts as changed; showing it says why.
            Some(old) if !same(old, bytes) => changes.push((path.clone(), Change::Changed)),
            Some(_) => {}
        }
    }
    changes.extend(
        current
            .keys()
            .filter(|p| !proposed.contains_key(*p))
            .map(|p| (p.clone(), Change::Removed)),
    );
    changes.sort();
    changes
}

/// Whether two files hold the same bytes (a source file on disk is read to tell).
fn same(old: &Content, new: &Content) -> bool {
    old == new || matches!((old.read(), new.read()), (Ok(a), Ok(b)) if a == b)
}

/// A file's bytes as text for a diff.
fn as_text(path: &str, content: &Content) -> Result<String, CliError> {
    let bytes = content
        .read()
        .map_err(|e| CliError::operational(format!("cannot read {path}: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A git-style unified diff of one file, coloured when stderr colour is on.
fn unified(path: &str, old: Option<&str>, new: Option<&str>) -> String {
    let diff = similar::TextDiff::from_lines(old.unwrap_or(""), new.unwrap_or(""));
    let (from, to) = (
        if old.is_some() {
            format!("a/{path}")
        } else {
            "/dev/null".into()
        },
        if new.is_some() {
            format!("b/{path}")
        } else {
            "/dev/null".into()
        },
    );
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}",
        console::style(format!("diff --forge a/{path} b/{path}")).bold()
    );
    for line in diff
        .unified_diff()
        .context_radius(3)
        .header(&from, &to)
        .to_string()
        .lines()
    {
        let styled = if line.starts_with("+++") || line.starts_with("---") {
            console::style(line).bold()
        } else if line.starts_with('+') {
            console::style(line).green()
        } else if line.starts_with('-') {
            console::style(line).red()
        } else if line.starts_with("@@") {
            console::style(line).cyan()
        } else {
            console::style(line)
        };
        let _ = writeln!(text, "{styled}");
    }
    text
}

/// Builds both versions of the env dir into manifests and diffs them: `helm template` with the
/// rendered values when the dir ships a chart, `kubectl kustomize` otherwise.
fn manifest_diff(app: &str, current: &Files, proposed: &Files) -> Result<String, CliError> {
    let (old, new) = (
        build_manifests(app, current)?,
        build_manifests(app, proposed)?,
    );
    if old == new {
        return Ok(String::new());
    }
    Ok(unified(
        "(rendered manifests)",
        old.as_deref(),
        new.as_deref(),
    ))
}

fn build_manifests(app: &str, files: &Files) -> Result<Option<String>, CliError> {
    if files.is_empty() {
        return Ok(None);
    }
    let dir = crate::fs::scratch::scratch_dir("diff")
        .map_err(|e| CliError::operational(format!("cannot create a temp dir: {e}")))?;
    let root = dir.path().join("env");
    crate::fs::write_dir_atomic(&root, files)
        .map_err(|e| CliError::operational(format!("cannot write {}: {e}", root.display())))?;
    let mut command = if files.contains_key("chart/Chart.yaml") {
        let values = chart_values(files)?;
        let values_path = dir.path().join("forge-values.json");
        std::fs::write(&values_path, forge_base::json::to_vec(&values)).map_err(|e| {
            CliError::operational(format!("cannot write {}: {e}", values_path.display()))
        })?;
        let mut helm = std::process::Command::new("helm");
        helm.args(["template", app])
            .arg(root.join("chart"))
            .arg("-f")
            .arg(&values_path);
        helm
    } else {
        let mut kubectl = std::process::Command::new("kubectl");
        kubectl.arg("kustomize").arg(&root);
        kubectl
    };
    let tool = command.get_program().to_string_lossy().into_owned();
    let output = command.output().map_err(|e| {
        CliError::usage(format!("--rendered needs {tool}: {e}"))
            .with_hint(format!("install {tool}, or drop --rendered"))
    })?;
    if !output.status.success() {
        return Err(CliError::usage(format!(
            "{tool} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(Some(String::from_utf8_lossy(&output.stdout).into_owned()))
}

/// The Helm values forge rendered: the HelmRelease's `spec.values` or the Application's
/// `spec.source.helm.valuesObject`.
fn chart_values(files: &Files) -> Result<serde_json::Value, CliError> {
    let read = |name: &str, pointer: &str| -> Option<serde_json::Value> {
        let bytes = files.get(name)?.read().ok()?;
        let object: serde_json::Value =
            serde_saphyr::from_str(std::str::from_utf8(&bytes).ok()?).ok()?;
        object.pointer(pointer).cloned()
    };
    read("helmrelease.yaml", "/spec/values")
        .or_else(|| read("application.yaml", "/spec/source/helm/valuesObject"))
        .ok_or_else(|| {
            CliError::usage("the env dir has a chart but no HelmRelease or Application values")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_names_added_changed_and_removed_files() {
        let current: Files = [("a", "1"), ("b", "2"), ("c", "3")]
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let proposed: Files = [("a", "1"), ("b", "9"), ("d", "4")]
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        assert_eq!(
            compare(&current, &proposed),
            [
                ("b".into(), Change::Changed),
                ("c".into(), Change::Removed),
                ("d".into(), Change::Added)
            ]
        );
    }
}
