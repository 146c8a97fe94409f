//! Helpers every group of tests shares: file trees, a real Prometheus, the serving-pods
//! sampler, free ports.

pub mod files;
pub mod prometheus;
pub mod serving;

/// A loopback port nothing listens on right now (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
