//! Deploys over every transport users have: smart HTTP with basic auth (lighttpd +
//! git-http-backend), `git daemon`, and ssh.

use crate::deploy::{EnvRepoFixture, HTTP_PASSWORD, HTTP_USER, Transport};
use crate::{DEPLOY_DEV_1_0_0_NO_WAIT, stderr};

fn deploy_and_read_back(transport: Transport) {
    let Some(repo) = EnvRepoFixture::over(transport) else {
        return;
    };
    let output = repo.deploy("sample", &["dev", "--version", "1.0.0", "--no-wait"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{transport:?}: {}",
        stderr(&output)
    );
    assert_eq!(
        repo.remote_git(&["log", "-1", "--format=%s", "main"]),
        "deploy hello 1.0.0 to dev"
    );
    let again = repo.deploy("sample", &["dev", "--version", "1.0.0", "--no-wait"]);
    assert!(
        stderr(&again).contains("already deployed"),
        "{transport:?}: {}",
        stderr(&again)
    );
    assert_eq!(repo.history("dev")[0]["version"], "1.0.0", "{transport:?}");
}

#[test]
fn deploys_over_http_with_basic_auth() {
    deploy_and_read_back(Transport::Http);
}

#[test]
fn deploys_over_git_daemon() {
    deploy_and_read_back(Transport::Daemon);
}

#[test]
fn deploys_over_ssh() {
    deploy_and_read_back(Transport::Ssh);
}

#[test]
fn wrong_http_credentials_fail_clearly_without_leaking() {
    let Some(repo) = EnvRepoFixture::over(Transport::Http) else {
        return;
    };
    let head = repo.remote_git(&["rev-parse", "main"]);
    let output = repo
        .forge_sample(&DEPLOY_DEV_1_0_0_NO_WAIT)
        .env("FORGE_GIT_TOKEN", "wrong-token-7781")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("authentication failed"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert!(!err.contains("wrong-token-7781"), "{err}");
    assert_eq!(repo.remote_git(&["rev-parse", "main"]), head);
}

#[test]
fn credentials_in_the_url_work_and_stay_out_of_commits() {
    let Some(repo) = EnvRepoFixture::over(Transport::Http) else {
        return;
    };
    let config = repo.env.path().join("sample/forge.yaml");
    let with_credentials = repo
        .url
        .replace("http://", &format!("http://{HTTP_USER}:{HTTP_PASSWORD}@"));
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace(&repo.url, &with_credentials);
    std::fs::write(&config, text).unwrap();
    // Not `repo.forge()`: the credentials must come from the URL alone.
    let output = repo
        .env
        .forge_sample(&DEPLOY_DEV_1_0_0_NO_WAIT)
        .env("FORGE_GIT_AUTHOR", "Dee <dee@example.com>")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains(HTTP_PASSWORD));
    let everything = repo.remote_git(&["log", "-p", "--format=%B", "main"]);
    assert!(
        !everything.contains(HTTP_PASSWORD),
        "a commit holds the password"
    );
}
