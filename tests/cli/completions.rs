//! The scripts in completions/ must match what `forge completions` prints. To refresh them
//! after changing the CLI: `FORGE_BLESS=1 cargo test --test cli completions`.

use clap::CommandFactory;
use clap_complete::Shell;
use forge::cli::Cli;

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
    let output = crate::TestEnv::new()
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

/// Dynamic completion through the real bash: `source <(COMPLETE=bash forge)`, then what bash
/// does on TAB. Env names come from forge.yaml, versions from dist/, contexts from the
/// kubeconfig.
#[test]
fn bash_completes_envs_versions_and_contexts_from_the_project() {
    let env = crate::TestEnv::new();
    env.sample_app("app");
    for version in ["1.4.2", "1.5.0"] {
        env.write(&format!("app/dist/hello-{version}.forge.tar.zst"), "");
    }
    let kubeconfig = env.write(
        "kubeconfig",
        "apiVersion: v1\nkind: Config\ncontexts:\n- name: kind-dev\n  context: {cluster: a}\n- name: prod-eu\n  context: {cluster: b}\n",
    );
    let forge_dir = std::path::Path::new(env!("CARGO_BIN_EXE_forge"))
        .parent()
        .unwrap();
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
            .env(
                "PATH",
                format!("{}:{}", forge_dir.display(), std::env::var("PATH").unwrap()),
            )
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
