//! Helpers every group of tests shares: file trees, a real Prometheus, the serving-pods
//! sampler, free ports.

pub mod files;
pub mod prometheus;
pub mod serving;

/// Interrupts a running forge (SIGINT, half a second from now, so that it is inside what it
/// was waiting for) and returns its stderr once it has exited with `code`.
pub fn interrupt(running: std::process::Child, code: i32) -> String {
    std::thread::sleep(std::time::Duration::from_millis(500));
    let sent = std::process::Command::new("kill")
        .args(["-INT", &running.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let output = running.wait_with_output().unwrap();
    let err = crate::stderr(&output);
    assert_eq!(output.status.code(), Some(code), "{err}");
    err
}

/// A loopback port nothing listens on right now (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
