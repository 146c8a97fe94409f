//! Ctrl-C while forge waits for real Flux and Kubernetes: the wait ends at once with exit 130,
//! and the message says the commit is pushed (an interrupt cannot take a push back).

use super::App;
use std::time::{Duration, Instant};

#[test]
fn ctrl_c_while_a_deploy_waits_says_the_commit_is_pushed() {
    let app = App::start();
    app.release("1.0.0", &app.suite.image, &[])
        .expect(0, "a first release");
    // An image nobody can pull: the wait would go on until failFast.after (15 s).
    app.write_source(&app.suite.bad_image);
    let running = app
        .command(&["deploy", "dev", "--version", "1.1.0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let pushed = loop {
        let history = app.history("dev");
        if history[0]["version"] == "1.1.0" {
            break history[0]["commit"].as_str().unwrap().to_string();
        }
        assert!(Instant::now() < deadline, "1.1.0 was never pushed");
        std::thread::sleep(Duration::from_millis(100));
    };
    let err = crate::interrupt(running, 130);
    assert!(
        err.contains(&format!(
            "interrupted while waiting for {short} in dev; commit {short} is pushed",
            short = &pushed[..12]
        )),
        "{err}"
    );
    assert!(err.contains("forge wait dev"), "{err}");
    assert!(
        !err.contains("Rolling back"),
        "an interrupt rolls nothing back: {err}"
    );
}
