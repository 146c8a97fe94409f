//! The scripts in completions/ must match what `forge completions` prints. To refresh them
//! after changing the CLI: `FORGE_BLESS=1 cargo test --test cli completions`.

use crate::terminal::Tmux;
use crate::{TestEnv, require_tool};
use clap::CommandFactory;
use clap_complete::Shell;
use forge::cli::Cli;
use std::path::{Path, PathBuf};

fn script(shell: Shell) -> String {
    forge::commands::completions::script(shell, Cli::command())
}

fn file_name(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "forge.bash",
        Shell::Zsh => "_forge",
        Shell::Fish => "forge.fish",
        Shell::PowerShell => "_forge.ps1",
        Shell::Elvish => "forge.elv",
        _ => unreachable!("only the shells listed below are generated"),
    }
}

#[test]
fn completion_files_are_fresh() {
    let dir = crate::repo().join("completions");
    let bless = std::env::var_os("FORGE_BLESS").is_some();
    let mut stale = Vec::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let path = dir.join(file_name(shell));
        let expected = script(shell);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &expected).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(expected.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale completion scripts {stale:?}; run FORGE_BLESS=1 cargo test --test cli completions"
    );
}

#[test]
fn the_command_prints_the_same_script() {
    let output = TestEnv::new()
        .forge()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(crate::stdout(&output), script(Shell::Bash));
    assert!(crate::stdout(&output).contains("bundle"));
}

#[test]
fn the_command_tree_passes_clap_debug_asserts() {
    Cli::command().debug_assert();
}

/// A project to complete from: the sample app in `app/` (envs dev, staging, prod), bundles
/// 1.4.2 and 1.5.0 in its dist/, and a kubeconfig with two contexts; returns the kubeconfig.
fn project(env: &TestEnv) -> PathBuf {
    env.sample_app("app");
    for version in ["1.4.2", "1.5.0"] {
        env.write(&format!("app/dist/hello-{version}.forge.tar.zst"), "");
    }
    env.write(
        "kubeconfig",
        "apiVersion: v1\nkind: Config\ncontexts:\n- name: kind-dev\n  context: {cluster: a}\n- name: prod-eu\n  context: {cluster: b}\n",
    )
}

/// PATH with the forge under test first.
fn path_with_forge() -> String {
    let forge_dir = Path::new(env!("CARGO_BIN_EXE_forge")).parent().unwrap();
    format!("{}:{}", forge_dir.display(), std::env::var("PATH").unwrap())
}

/// Dynamic completion through the real bash: `source <(COMPLETE=bash forge)`, then what bash
/// does on TAB. Env names come from forge.yaml, versions from dist/, contexts from the
/// kubeconfig.
#[test]
fn bash_completes_envs_versions_and_contexts_from_the_project() {
    let env = TestEnv::new();
    let kubeconfig = project(&env);
    let complete = |words: &[&str]| -> Vec<String> {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let script = format!(
            "source <(COMPLETE=bash forge)\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_TYPE=9\n_clap_complete_forge forge '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
            quoted.join(" "),
            words.len() - 1,
            words[words.len() - 1],
            words[words.len() - 2],
        );
        let output = std::process::Command::new("bash")
            .args(["-c", &script])
            .current_dir(env.path().join("app"))
            .env("PATH", path_with_forge())
            .env("KUBECONFIG", &kubeconfig)
            .env_remove("FORGE_CONFIG")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", crate::stderr(&output));
        crate::stdout(&output).lines().map(str::to_string).collect()
    };
    assert_eq!(
        complete(&["forge", "deploy", ""])[..3],
        ["dev", "staging", "prod"]
    );
    assert_eq!(complete(&["forge", "promote", "st"]), ["staging"]);
    assert_eq!(
        complete(&["forge", "deploy", "dev", "--version", ""]),
        ["1.4.2", "1.5.0"]
    );
    assert_eq!(
        complete(&["forge", "rollback", "prod", "--to", "1.5"]),
        ["1.5.0"]
    );
    assert_eq!(
        complete(&["forge", "status", "--context", "p"]),
        ["prod-eu"]
    );
}

/// What the real fish completes for `line` (`complete -C`), after running `setup`: one
/// candidate per line, without descriptions.
fn fish_complete(env: &TestEnv, kubeconfig: &Path, setup: &str, line: &str) -> Vec<String> {
    let home = env.path().join("home");
    let output = std::process::Command::new("fish")
        .args([
            "--no-config",
            "-c",
            &format!("{setup}\ncomplete -C '{line}'"),
        ])
        .current_dir(env.path().join("app"))
        .env("PATH", path_with_forge())
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("KUBECONFIG", kubeconfig)
        .env_remove("FORGE_CONFIG")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", crate::stderr(&output));
    crate::stdout(&output)
        .lines()
        .map(|line| line.split('\t').next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn fish_completes_envs_versions_and_contexts_from_the_project() {
    if !require_tool("fish") {
        return;
    }
    let env = TestEnv::new();
    let kubeconfig = project(&env);
    let complete =
        |line: &str| fish_complete(&env, &kubeconfig, "COMPLETE=fish forge | source", line);
    assert_eq!(complete("forge deploy ")[..3], ["dev", "staging", "prod"]);
    assert_eq!(complete("forge promote st"), ["staging"]);
    assert_eq!(complete("forge deploy dev --version "), ["1.4.2", "1.5.0"]);
    assert_eq!(complete("forge rollback prod --to 1.5"), ["1.5.0"]);
    assert_eq!(complete("forge status --context p"), ["prod-eu"]);
}

/// The static script in completions/ works without forge's help: commands and flag values.
#[test]
fn fish_loads_the_static_script() {
    if !require_tool("fish") {
        return;
    }
    let env = TestEnv::new();
    let kubeconfig = project(&env);
    let script = crate::repo().join("completions/forge.fish");
    let setup = format!("source '{}'", script.display());
    let complete = |line: &str| fish_complete(&env, &kubeconfig, &setup, line);
    assert_eq!(complete("forge depl"), ["deploy"]);
    assert_eq!(
        complete("forge status --output "),
        ["json", "text", "wide", "yaml"],
        "fish sorts them"
    );
}

/// An interactive zsh (no rc files) on a real terminal, `cd`'d into the project after
/// running `setup`; ready for keys once the setup line has run.
fn zsh(env: &TestEnv, kubeconfig: &Path, setup: &str) -> Tmux {
    let tmux = Tmux::start(
        env,
        &format!(
            "env -u FORGE_CONFIG KUBECONFIG='{}' PATH='{}' zsh -f",
            kubeconfig.display(),
            path_with_forge()
        ),
    );
    // Typed ahead, read once zsh is up; the marker is written split in the typed line, so
    // only its output matches.
    tmux.keys(&[
        &format!("cd app && autoload -U compinit && compinit -u && {setup} && print RE''ADY"),
        "Enter",
    ]);
    tmux.wait_for("\nREADY");
    tmux
}

#[test]
fn zsh_completes_envs_versions_and_contexts_from_the_project() {
    if !require_tool("tmux") || !require_tool("zsh") {
        return;
    }
    let env = TestEnv::new();
    let kubeconfig = project(&env);
    let tmux = zsh(&env, &kubeconfig, "source <(COMPLETE=zsh forge)");
    tmux.keys(&["forge promote st", "Tab"]);
    tmux.wait_for("forge promote staging");
    tmux.keys(&["C-u", "forge deploy dev --version ", "Tab"]);
    // The candidates' common part first, then (second TAB) the list.
    tmux.wait_for("--version 1.");
    tmux.keys(&["Tab"]);
    let screen = tmux.wait_for("1.5.0");
    assert!(screen.contains("1.4.2"), "{screen}");
    tmux.keys(&["C-u", "forge status --context p", "Tab"]);
    tmux.wait_for("--context prod-eu");
    tmux.keys(&["C-u", "C-l", "forge deploy ", "Tab"]);
    let screen = tmux.wait_for("staging");
    for env_name in ["dev", "prod"] {
        assert!(
            screen.lines().any(|line| line.trim() == env_name
                || line.split_whitespace().any(|word| word == env_name)),
            "{env_name} in:\n{screen}"
        );
    }
}

/// The static `_forge` in completions/, found on zsh's fpath as a user installs it.
#[test]
fn zsh_loads_the_static_script() {
    if !require_tool("tmux") || !require_tool("zsh") {
        return;
    }
    let env = TestEnv::new();
    let kubeconfig = project(&env);
    let dir = crate::repo().join("completions");
    let tmux = zsh(
        &env,
        &kubeconfig,
        &format!("fpath=('{}' $fpath) && compinit -u", dir.display()),
    );
    tmux.keys(&["forge depl", "Tab"]);
    tmux.wait_for("forge deploy");
    tmux.keys(&["C-u", "forge status --output y", "Tab"]);
    tmux.wait_for("--output yaml");
}
