use crate::TestEnv;

fn help(args: &[&str]) -> String {
    let output = TestEnv::new().forge().args(args).output().unwrap();
    assert!(output.status.success(), "{args:?} exits 0");
    crate::stdout(&output)
}

#[test]
fn top_level_help_lists_working_commands_and_exit_codes() {
    insta::assert_snapshot!(help(&["--help"]));
}

#[test]
fn bundle_build_help() {
    insta::assert_snapshot!(help(&["bundle", "build", "--help"]));
}

#[test]
fn init_help() {
    insta::assert_snapshot!(help(&["init", "--help"]));
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let output = TestEnv::new()
        .forge()
        .args(["bundle", "build", "--frobnicate"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(crate::stderr(&output).contains("--frobnicate"));
}

#[test]
fn version_prints_the_package_version() {
    let out = help(&["--version"]);
    assert_eq!(out.trim(), format!("forge {}", env!("CARGO_PKG_VERSION")));
}

/// A reader that goes away (`forge … | head -c0`) ends forge quietly: exit 0 and not a word
/// on stderr, however much it still had to write.
#[test]
fn a_closed_stdout_ends_forge_quietly() {
    let env = TestEnv::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_forge"))
        .args(["completions", "zsh"])
        .env_clear()
        .env("HOME", env.path().join("home"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", crate::stderr(&output));
    assert_eq!(crate::stderr(&output), "");
}
