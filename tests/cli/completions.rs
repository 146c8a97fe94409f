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
