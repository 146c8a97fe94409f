//! Verdicts against the real controllers. A GitRepository that fetches another repository
//! fails the deploy fast (exit 3) once source-controller fetched after the push without the
//! commit; one that reaches the same repository by another URL (a mirror, another host name)
//! is followed as usual (Flux only: source-controller is what tells the two apart). A Job is
//! waited for: a suspended one is done and noted, one whose pods cannot start fails the
//! release with their report. (kwok here completes no pod, so no Job here completes.)

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

/// A Job named migrate running `image`, suspended or not.
fn job(image: &str, suspend: bool) -> String {
    format!(
        "apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  suspend: {suspend}
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
        - name: migrate
          image: {image}
"
    )
}

/// Deploys a release whose base is only the Job.
fn deploy_job(app: &App, version: &str, job: &str) -> super::Run {
    app.write_base(&[("job.yaml", job)]);
    app.forge(&["deploy", "dev", "--version", version])
}

#[test]
fn a_suspended_job_is_done_and_said_so() {
    let app = App::start();
    let image = app.suite.image.clone();
    let run = deploy_job(&app, "1.0.0", &job(&image, true)).expect(0, "deploy a suspended Job");
    let namespace = app.namespace("dev");
    assert!(
        run.stderr.contains(&format!(
            "Job {namespace}/migrate is suspended (spec.suspend: true): it runs no pod until it \
             is resumed"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_job_whose_pods_cannot_start_fails_the_release() {
    let app = App::start();
    let bad = app.suite.bad_image.clone();
    let run = deploy_job(&app, "1.0.0", &job(&bad, false)).expect(3, "deploy an unpullable Job");
    let namespace = app.namespace("dev");
    let err = &run.stderr;
    assert!(
        err.contains(&format!("Job {namespace}/migrate: pod migrate-")),
        "{err}"
    );
    let pod = err
        .lines()
        .find(|line| line.contains("Pod") && line.contains("container migrate:"))
        .unwrap_or_else(|| panic!("no pod report:\n{err}"));
    assert!(
        pod.contains("ImagePullBackOff") || pod.contains("ErrImagePull"),
        "{pod}"
    );
    assert!(
        err.contains(&bad),
        "nothing in the report names the image:\n{err}"
    );
}
