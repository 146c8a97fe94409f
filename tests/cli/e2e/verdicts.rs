//! A GitRepository that fetches another repository fails the deploy fast (exit 3) once
//! source-controller fetched after the push without the commit; one that reaches the same
//! repository by another URL (a mirror, another host name) is followed as usual. Flux only:
//! source-controller is what tells the two apart.

use super::App;
use std::time::{Duration, Instant};

/// Points the app's GitRepository at `url`.
fn repoint(app: &App, url: &str) {
    let patch = format!(r#"{{"spec":{{"url":"{url}"}}}}"#);
    let name = app.name.as_str();
    app.kubectl(&[
        "patch",
        "gitrepository",
        name,
        "-n",
        "flux-system",
        "--type",
        "merge",
        "-p",
        &patch,
    ]);
}

#[test]
fn a_git_repository_of_another_repository_fails_once_it_fetched() {
    let app = App::start();
    if app.suite.engine != "flux" {
        return;
    }
    let image = app.suite.image.clone();
    app.release("1.0.0", &image, &[]).expect(0, "deploy 1.0.0");
    let other = app.suite.cluster_repo.replace("envs.git", "other.git");
    repoint(&app, &other);
    let started = Instant::now();
    let run = app
        .release("1.1.0", &image, &[])
        .expect(3, "deploy 1.1.0 that nothing fetches");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "failed after {:?}, not fast:\n{}",
        started.elapsed(),
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "GitRepository flux-system/{} in context ",
            app.name
        )) && run.stderr.contains(&format!("has spec.url {other}, not ")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("fix envRepo.url in forge.yaml"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_git_repository_reaching_the_env_repo_by_another_url_is_followed() {
    let app = App::start();
    if app.suite.engine != "flux" || !app.suite.cluster_repo.contains("127.0.0.1") {
        return;
    }
    let image = app.suite.image.clone();
    let mirror = app.suite.cluster_repo.replace("127.0.0.1", "localhost");
    repoint(&app, &mirror);
    app.release("1.0.0", &image, &[]).expect(
        0,
        "deploy through the same repository under another host name",
    );
}
