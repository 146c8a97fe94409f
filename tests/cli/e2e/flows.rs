//! The everyday flows: deploy, fail fast and roll back, promote, roll back, time out.

use super::{App, commit_of};

#[test]
fn a_good_release_deploys_and_status_reports_it() {
    let app = App::start();
    let deployed = app
        .release("1.0.0", &app.suite.image, &[])
        .expect(0, "deploy 1.0.0");
    let commit = commit_of(&deployed);
    assert!(
        deployed.stderr.contains("Healthy"),
        "deploy says when it is healthy:\n{}",
        deployed.stderr
    );
    app.kubectl(&[
        "get",
        "deployment",
        "web",
        "-n",
        &app.namespace("dev"),
        "-o",
        "name",
    ]);

    let rows = app.status_json(&[]);
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert_eq!(rows[0]["env"], "dev");
    assert_eq!(rows[0]["version"], "1.0.0");
    assert_eq!(rows[0]["commit"], commit.as_str());
    // What the engine applied is our commit or a later one that left dev's dir alone (other
    // apps share the env repo).
    assert_eq!(
        rows[0]["applied"].as_str().map(str::len),
        Some(40),
        "{rows:#?}"
    );
    assert_eq!(rows[0]["healthy"], true);
    assert_eq!(rows[0]["lastDeploy"]["action"], "deploy");
    assert_eq!(rows[1]["env"], "staging");
    assert_eq!(rows[1]["healthy"], false);
    assert_eq!(rows[1]["version"], serde_json::Value::Null);
    assert_eq!(
        rows[1]["blockedBy"],
        serde_json::Value::Null,
        "staging may take dev's release: {rows:#?}"
    );

    let text = app.forge(&["status"]).expect(0, "forge status");
    let dev = text
        .stdout
        .lines()
        .find(|line| line.starts_with("dev "))
        .unwrap_or_else(|| panic!("no dev row:\n{}", text.stdout));
    assert!(dev.contains("1.0.0"), "{dev}");
    assert!(dev.contains("Healthy"), "{dev}");
    assert!(text.stdout.lines().next().unwrap().starts_with("ENV "));

    app.forge(&["status", "dev", "--check"])
        .expect(0, "status --check of a healthy env");
    app.forge(&["status", "--check"])
        .expect(3, "status --check with nothing deployed to staging");
    // Deploying the same release again commits nothing, and still waits until it is healthy.
    let again = app
        .release("1.0.0", &app.suite.image, &["--output", "json"])
        .expect(0, "deploy 1.0.0 again");
    let report: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(report["changed"], false, "{report:#}");
    assert_eq!(report["version"], "1.0.0", "{report:#}");
    assert!(report["applied"].is_string(), "{report:#}");
    assert_eq!(app.history("dev").len(), 1);
}

#[test]
fn a_release_that_cannot_start_is_rolled_back() {
    let app = App::start();
    app.release("1.0.0", &app.suite.image, &[])
        .expect(0, "deploy 1.0.0");
    let bad = app.suite.bad_image.clone();
    let failed = app
        .release("1.1.0", &bad, &[])
        .expect(3, "deploy of an image that cannot start");
    let err = &failed.stderr;
    assert!(err.contains("1.1.0 failed in dev"), "{err}");
    assert!(err.contains("rolled back to 1.0.0"), "{err}");
    // The report names the stuck pod and why, with its last log lines; a container that never
    // started (an image that cannot be pulled) has none, and the events say why instead.
    let pod = err
        .lines()
        .find(|line| line.contains("Pod") && line.contains("container web:"))
        .unwrap_or_else(|| panic!("no pod report:\n{err}"));
    assert!(pod.contains("web-"), "{pod}");
    if pod.contains("CrashLoopBackOff") {
        assert!(err.contains("    | "), "no log lines:\n{err}");
    } else {
        assert!(
            pod.contains("ImagePullBackOff") || pod.contains("ErrImagePull"),
            "{pod}"
        );
        assert!(
            err.contains(&bad),
            "neither the pod's waiting message nor an event names the image:\n{err}"
        );
    }
    let history = app.history("dev");
    assert_eq!(history[0]["action"], "rollback", "{history:#?}");
    assert_eq!(history[0]["version"], "1.0.0");
    assert_eq!(history[0]["previousVersion"], "1.1.0");
    assert_eq!(history[1]["action"], "deploy");
    assert_eq!(history[1]["version"], "1.1.0");
    app.assert_healthy_at("dev", "1.0.0");
}

#[test]
fn promote_then_roll_back_to_the_previous_release_and_to_a_version() {
    let app = App::start();
    let image = app.suite.image.clone();
    app.release("1.0.0", &image, &[]).expect(0, "deploy 1.0.0");
    app.release("1.1.0", &image, &[]).expect(0, "deploy 1.1.0");

    let promoted = app
        .forge(&["promote", "staging"])
        .expect(0, "promote dev to staging");
    commit_of(&promoted);
    assert!(promoted.stderr.contains("Gate"), "{}", promoted.stderr);
    app.assert_healthy_at("staging", "1.1.0");
    assert_eq!(app.history("staging")[0]["action"], "promote");

    app.forge(&["rollback", "dev"])
        .expect(0, "rollback dev to the previous release");
    app.assert_healthy_at("dev", "1.0.0");
    app.release("1.2.0", &image, &[]).expect(0, "deploy 1.2.0");
    app.forge(&["rollback", "dev", "--to", "1.1.0"])
        .expect(0, "rollback dev --to 1.1.0");
    app.assert_healthy_at("dev", "1.1.0");
    let history = app.history("dev");
    let trail: Vec<(&str, &str)> = history
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["version"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        trail,
        [
            ("rollback", "1.1.0"),
            ("deploy", "1.2.0"),
            ("rollback", "1.0.0"),
            ("deploy", "1.1.0"),
            ("deploy", "1.0.0"),
        ]
    );
    // Staging kept what it was promoted to.
    app.assert_healthy_at("staging", "1.1.0");
}

#[test]
fn a_rollout_that_outlasts_the_timeout_exits_4() {
    let app = App::start();
    let image = app.suite.image.clone();
    app.release("1.0.0", &image, &[]).expect(0, "deploy 1.0.0");
    // An image that cannot start is never healthy, and a few seconds are too short for forge
    // to call it stuck (it waits out a pull failure for a minute): the wait times out.
    let bad = app.suite.bad_image.clone();
    let timed_out = app
        .release("1.1.0", &bad, &["--timeout", "3s"])
        .expect(4, "deploy with --timeout 3s");
    assert!(
        timed_out
            .stderr
            .contains("in dev was not healthy within 3s"),
        "{}",
        timed_out.stderr
    );
    // A timeout is not a verdict: nothing is rolled back.
    let history = app.history("dev");
    assert_eq!(history[0]["action"], "deploy");
    assert_eq!(history[0]["version"], "1.1.0");
    app.forge(&["status", "dev", "--check"])
        .expect(3, "status --check of the unfinished release");
    app.forge(&["rollback", "dev"])
        .expect(0, "rollback after the timeout");
    app.assert_healthy_at("dev", "1.0.0");
}
