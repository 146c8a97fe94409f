//! Many forge processes pushing to one env repo over HTTP at once, and forge killed
//! mid-deploy.

use crate::deploy::{EnvRepoFixture, Transport};
use crate::stderr;
use std::process::{Child, Command, Stdio};

fn spawn_deploy(repo: &EnvRepoFixture, app: &str, version: &str, cache: &str) -> Child {
    spawn_deploy_with(repo, app, version, cache, &[])
}

fn spawn_deploy_with(
    repo: &EnvRepoFixture,
    app: &str,
    version: &str,
    cache: &str,
    extra: &[&str],
) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forge"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", repo.env.path().join("home"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("SOURCE_DATE_EPOCH", crate::EPOCH)
        .env("XDG_CACHE_HOME", repo.env.path().join(cache))
        .env("FORGE_GIT_AUTHOR", format!("{app} <{app}@example.com>"))
        .envs(repo.client_env.iter().map(|(k, v)| (k, v)))
        .current_dir(repo.env.path())
        .args([
            "-C",
            &format!("{app}/forge.yaml"),
            "deploy",
            "dev",
            "--version",
            version,
            "--no-wait",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

/// The Forge-Version trailer of every commit to hello's dev env dir, newest first, one a
/// line (blank for a commit without one).
fn dev_version_trailers(repo: &EnvRepoFixture) -> String {
    let format = "--format=%(trailers:key=Forge-Version,valueonly)";
    repo.remote_git(&["log", format, "main", "--", "apps/hello/dev"])
}

/// The env repo's history stays linear (every commit has one parent but the first) and its
/// objects pass `git fsck`.
fn linear_and_sound(repo: &EnvRepoFixture) {
    assert_eq!(repo.remote_git(&["rev-list", "--merges", "main"]), "");
    fsck(&repo.remote);
}

fn fsck(dir: &std::path::Path) {
    let output = Command::new("git")
        .arg("--git-dir")
        .arg(dir)
        .args(["fsck", "--no-progress"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git fsck {}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn sixteen_apps_deploying_at_once_all_land() {
    let Some(repo) = EnvRepoFixture::over(Transport::Http) else {
        return;
    };
    let apps: Vec<String> = (0..16).map(|i| format!("app-{i}")).collect();
    for app in &apps {
        repo.app(app, app);
    }
    let children: Vec<Child> = apps
        .iter()
        .map(|app| spawn_deploy(&repo, app, "1.0.0", &format!("cache-{app}")))
        .collect();
    for (app, child) in apps.iter().zip(children) {
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{app}: {}", stderr(&output));
    }
    let subjects = repo.remote_git(&["log", "--format=%s", "main"]);
    for app in &apps {
        assert!(
            subjects.contains(&format!("deploy {app} 1.0.0 to dev")),
            "{app} is missing:\n{subjects}"
        );
        repo.remote_git(&["rev-parse", &format!("main:apps/{app}/dev/release.json")]);
    }
    assert_eq!(subjects.lines().count(), 17, "{subjects}");
    linear_and_sound(&repo);
}

#[test]
fn racing_deploys_of_one_env_never_lose_a_commit() {
    let Some(repo) = EnvRepoFixture::over(Transport::Http) else {
        return;
    };
    let children: Vec<(String, Child)> = (0..8)
        .map(|i| {
            let version = format!("2.0.{i}");
            let child = spawn_deploy(&repo, "sample", &version, &format!("cache-{i}"));
            (version, child)
        })
        .collect();
    let mut landed = Vec::new();
    for (version, child) in children {
        let output = child.wait_with_output().unwrap();
        match output.status.code() {
            Some(0) => landed.push(version),
            Some(5) => {
                let err = stderr(&output);
                assert!(
                    err.contains("apps/hello/dev changed while forge was deploying"),
                    "{err}"
                );
                assert!(
                    err.contains("deploy hello 2.0."),
                    "the other commit is named: {err}"
                );
            }
            other => panic!("{version}: exit {other:?}: {}", stderr(&output)),
        }
    }
    assert!(!landed.is_empty(), "at least one deploy wins");
    let deployed = dev_version_trailers(&repo);
    let mut versions: Vec<&str> = deployed.lines().filter(|l| !l.is_empty()).collect();
    versions.sort();
    landed.sort();
    assert_eq!(
        versions,
        landed.iter().map(String::as_str).collect::<Vec<_>>(),
        "every winner is in history exactly once"
    );
    linear_and_sound(&repo);
}

#[test]
fn with_force_racing_deploys_all_land_one_after_another() {
    let Some(repo) = EnvRepoFixture::over(Transport::Http) else {
        return;
    };
    let children: Vec<Child> = (0..4)
        .map(|i| {
            spawn_deploy_with(
                &repo,
                "sample",
                &format!("4.0.{i}"),
                &format!("cache-{i}"),
                &["--force"],
            )
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let deployed = dev_version_trailers(&repo);
    assert_eq!(
        deployed.lines().filter(|l| !l.is_empty()).count(),
        4,
        "{deployed}"
    );
    fsck(&repo.remote);
}

#[test]
fn a_deploy_killed_at_any_moment_leaves_everything_consistent() {
    let repo = EnvRepoFixture::new();
    for (round, delay_ms) in [2u64, 10, 25, 40, 60, 90].into_iter().enumerate() {
        let version = format!("3.0.{round}");
        let mut child = spawn_deploy(&repo, "sample", &version, "cache");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        fsck(&repo.remote);
        let rerun = spawn_deploy(&repo, "sample", &version, "cache")
            .wait_with_output()
            .unwrap();
        assert_eq!(
            rerun.status.code(),
            Some(0),
            "rerun after kill at {delay_ms} ms: {}",
            stderr(&rerun)
        );
        let release = repo.remote_git(&["show", "main:apps/hello/dev/release.json"]);
        assert!(
            release.contains(&format!("\"version\": \"{version}\"")),
            "{release}"
        );
        fsck(&repo.remote);
        let cache = std::fs::read_dir(repo.env.path().join("cache/forge/repos"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        fsck(&cache);
    }
}

/// The cache's repo, once a deploy has made it.
fn cache_repo(repo: &EnvRepoFixture, cache: &str) -> std::path::PathBuf {
    std::fs::read_dir(repo.env.path().join(cache).join("forge/repos"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
}

/// Lock files a killed git left in forge's cache do not block later deploys, and a forge that
/// finds the cache in use waits for it, saying so.
#[test]
fn stale_git_locks_are_cleared_and_a_busy_cache_is_waited_for() {
    let repo = EnvRepoFixture::new();
    let first = spawn_deploy(&repo, "sample", "1.0.0", "cache")
        .wait_with_output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let cache = cache_repo(&repo, "cache");
    for stale in ["shallow.lock", "packed-refs.lock", "refs/forge/tip.lock"] {
        std::fs::create_dir_all(cache.join(stale).parent().unwrap()).unwrap();
        std::fs::write(cache.join(stale), "").unwrap();
    }
    let second = spawn_deploy(&repo, "sample", "1.1.0", "cache")
        .wait_with_output()
        .unwrap();
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("removed a stale git lock"),
        "{}",
        stderr(&second)
    );
    assert!(!cache.join("shallow.lock").exists());

    // Another forge holds the cache: this one waits, says so, and goes on once it is free.
    let held = std::fs::File::create(cache.join("forge.lock")).unwrap();
    held.lock().unwrap();
    let mut third = spawn_deploy(&repo, "sample", "1.2.0", "cache");
    let mut err = third.stderr.take().unwrap();
    let said = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut err, &mut text).unwrap();
        text
    });
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(third.try_wait().unwrap(), None, "it waits for the lock");
    drop(held);
    let status = third.wait().unwrap();
    let text = said.join().unwrap();
    assert_eq!(status.code(), Some(0), "{text}");
    assert!(
        text.contains("waiting for another forge to finish with the env repo cache"),
        "{text}"
    );
    assert_eq!(repo.history("dev")[0]["version"], "1.2.0");
}
