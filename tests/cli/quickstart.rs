//! README's Quick start, run as written: its shell block, against a fresh and empty env repo
//! and a sandbox following it. Only the env repo's URL and the render directory are swapped
//! for this run's.

use crate::{TestEnv, git, require_tool, stderr};

/// The first `sh` block under "## Quick start".
fn quick_start() -> String {
    let readme = std::fs::read_to_string(crate::repo().join("README.md")).unwrap();
    let section = &readme[readme
        .find("## Quick start\n")
        .expect("README has a Quick start")..];
    let start = section.find("```sh\n").expect("a sh block") + "```sh\n".len();
    let end = start + section[start..].find("```").expect("the block ends");
    section[start..end].to_string()
}

#[test]
fn the_readme_quick_start_runs_as_written() {
    if !require_tool("kubectl") {
        return;
    }
    let env = TestEnv::new();
    let remote = env.path().join("srv/envs.git");
    std::fs::create_dir_all(&remote).unwrap();
    git(&remote, &["init", "-q", "--bare", "-b", "main"]);
    let url = format!("file://{}", remote.display());
    let sandbox =
        crate::sandbox::RunningSandbox::start_with(&env, &["--env-repo", &url, "--interval", "1s"]);
    let script = quick_start()
        .replace("https://git.example.com/platform/envs.git", &url)
        .replace(
            "/tmp/hello-dev",
            env.path().join("rendered").to_str().unwrap(),
        );
    let forge_dir = std::path::Path::new(env!("CARGO_BIN_EXE_forge"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(forge_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let run = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &format!("set -x\n{script}")])
        .current_dir(env.path())
        .env_clear()
        .env("PATH", &path)
        .env("HOME", env.path().join("home"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("KUBECONFIG", sandbox.dir.join("kubeconfig"))
        .env("FORGE_KEY_PASSWORD", "quick-start")
        .env("FORGE_GIT_AUTHOR", "Dee Ployer <dee@example.com>")
        .output()
        .unwrap();
    let err = stderr(&run);
    assert_eq!(
        run.status.code(),
        Some(0),
        "the Quick start stopped:\n{err}"
    );
    let history = String::from_utf8_lossy(&run.stdout);
    let last = history.lines().rev().take(4).collect::<Vec<_>>().join("\n");
    assert!(
        last.contains("1.4.2") && last.contains("rollback"),
        "history ends with the rollback:\n{history}"
    );
    assert!(
        err.contains("Rolled back") || err.contains("Healthy"),
        "{err}"
    );
}
