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
