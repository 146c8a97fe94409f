//! Integration tests: the real `forge` binary in a hermetic environment (own HOME, no global
//! git config, no inherited CI/terminal variables, fixed SOURCE_DATE_EPOCH).

// Test helpers (not only #[test] functions): a panic is the failure report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod analysis;
mod architecture;
mod bundle;
mod canary;
mod completions;
mod concurrency;
mod config;
mod day2;
mod demo;
mod deploy;
mod e2e;
mod fuzz;
mod help;
mod hostile;
mod init;
mod output;
mod quickstart;
mod render;
mod rollout;
mod sandbox;
mod servers;
mod signing;
mod support;
mod terminal;
mod transports;
mod verdicts;

pub use support::files::copy_dir;
pub use support::{files, free_port, interrupt, prometheus, serving};

use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub const EPOCH: &str = "1700000000";

/// `forge deploy` of release 1.0.0 to dev that commits without waiting for a cluster.
pub const DEPLOY_DEV_1_0_0_NO_WAIT: [&str; 5] =
    ["deploy", "dev", "--version", "1.0.0", "--no-wait"];

/// The repository root (where Cargo.toml is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    repo().join("fixtures").join(rel)
}

/// A private scratch directory with its own HOME.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

// Each call makes a new directory, so `Default` would hide a side effect.
#[allow(clippy::new_without_default)]
impl TestEnv {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("forge-test-")
            .tempdir()
            .unwrap();
        std::fs::create_dir(dir.path().join("home")).unwrap();
        TestEnv { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `forge` run in the scratch dir with a clean environment.
    pub fn forge(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_forge"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path().join("home"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .current_dir(self.path());
        cmd
    }

    /// `forge -C sample/forge.yaml ARGS`, as `forge`: for the sample app copied to `sample/`.
    pub fn forge_sample(&self, args: &[&str]) -> Command {
        let mut cmd = self.forge();
        cmd.args(["-C", "sample/forge.yaml"]).args(args);
        cmd
    }

    /// A copy of the sample app (forge.yaml + kustomize base + its public key) at `rel`.
    pub fn sample_app(&self, rel: &str) -> PathBuf {
        let root = self.path().join(rel);
        copy_dir(&fixture("sample"), &root);
        std::fs::create_dir_all(root.parent().unwrap().join("keys")).unwrap();
        std::fs::copy(
            fixture("keys/sample.pub"),
            root.parent().unwrap().join("keys/sample.pub"),
        )
        .unwrap();
        root
    }

    /// `forge -C APP/forge.yaml bundle build --out OUT ARGS...`, which must succeed; returns
    /// the bundle's path.
    pub fn build_bundle(&self, app: &Path, out: &str, args: &[&str]) -> PathBuf {
        let output = self
            .forge()
            .arg("-C")
            .arg(app.join("forge.yaml"))
            .args(["bundle", "build", "--out", out])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        self.path().join(stdout(&output).trim_end())
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
}

/// A tool the tests need from outside: in CI its absence fails the test; locally the test
/// says it is skipped, loudly.
pub fn require_tool(name: &str) -> bool {
    let found = std::process::Command::new(name)
        .arg("version")
        .output()
        .is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is required in CI (.ci/run installs it)"
        );
        eprintln!("SKIPPED: {name} is not installed; this test runs in CI");
    }
    found
}

/// Runs an outside tool, which must succeed; returns its stdout.
pub fn run_ok(cmd: &mut std::process::Command) -> String {
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `git ARGS` in `dir` with a fixed identity and time and no user config; returns trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let mut cmd = std::process::Command::new("git");
    cmd.args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Seed")
        .env("GIT_AUTHOR_EMAIL", "seed@example.com")
        .env("GIT_COMMITTER_NAME", "Seed")
        .env("GIT_COMMITTER_EMAIL", "seed@example.com")
        .env("GIT_AUTHOR_DATE", "2024-05-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-05-01T12:00:00Z");
    run_ok(&mut cmd).trim().to_string()
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
