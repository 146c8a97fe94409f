//! Real git servers on loopback for the tests: `git http-backend` behind lighttpd with basic
//! auth, `git daemon`, and sshd. Each is started by the test that needs it and stopped (by PID)
//! when dropped.

use crate::{free_port, require_tool};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Waits until `port` accepts connections; panics with the server's log after 10 s.
fn wait_for_port(port: u16, child: &mut Child, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "server exited ({status}): {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            Instant::now() < deadline,
            "server never listened: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running server process, killed on drop.
pub struct Server {
    child: Child,
    /// Extra environment a git client needs to reach it (ssh's command).
    pub client_env: Vec<(String, String)>,
    /// URL prefix; append the repo's path under the served root.
    pub base_url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// lighttpd serving every bare repo under `root` through git-http-backend at
/// `http://127.0.0.1:PORT/git/<repo>`, behind basic auth for `user`/`password`.
pub fn http(root: &Path, user: &str, password: &str) -> Option<Server> {
    if !require_tool("lighttpd") {
        return None;
    }
    let conf_dir = root.join("lighttpd");
    std::fs::create_dir_all(&conf_dir).unwrap();
    let exec_path = crate::run_ok(Command::new("git").arg("--exec-path"))
        .trim()
        .to_string();
    let port = free_port();
    std::fs::write(conf_dir.join("users"), format!("{user}:{password}\n")).unwrap();
    let log = conf_dir.join("error.log");
    let config = format!(
        r#"server.modules = ("mod_alias", "mod_setenv", "mod_cgi", "mod_auth", "mod_authn_file")
server.document-root = "{root}"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{log}"
alias.url = ("/git/" => "{exec_path}/git-http-backend/")
$HTTP["url"] =~ "^/git/" {{
  cgi.assign = ("" => "")
  setenv.set-environment = ("GIT_PROJECT_ROOT" => "{root}", "GIT_HTTP_EXPORT_ALL" => "1", "GIT_CONFIG_GLOBAL" => "/dev/null")
}}
auth.backend = "plain"
auth.backend.plain.userfile = "{users}"
auth.require = ("/git/" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
"#,
        root = root.display(),
        log = log.display(),
        users = conf_dir.join("users").display(),
    );
    std::fs::write(conf_dir.join("lighttpd.conf"), config).unwrap();
    let mut child = Command::new("lighttpd")
        .arg("-D")
        .arg("-f")
        .arg(conf_dir.join("lighttpd.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_port(port, &mut child, &log);
    Some(Server {
        child,
        client_env: Vec::new(),
        base_url: format!("http://127.0.0.1:{port}/git"),
    })
}

/// `git daemon` serving `root` with pushes enabled at `git://127.0.0.1:PORT/<repo>`.
pub fn daemon(root: &Path) -> Server {
    let port = free_port();
    let log = root.join("daemon.log");
    // git-daemon itself, not the `git daemon` wrapper: killing the wrapper would leave the
    // daemon listening.
    let exec_path = crate::run_ok(Command::new("git").arg("--exec-path"))
        .trim()
        .to_string();
    let mut child = Command::new(Path::new(&exec_path).join("git-daemon"))
        .args([
            "--listen=127.0.0.1",
            "--reuseaddr",
            "--export-all",
            "--enable=receive-pack",
        ])
        .arg(format!("--port={port}"))
        .arg(format!("--base-path={}", root.display()))
        .arg(root)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    wait_for_port(port, &mut child, &log);
    Server {
        child,
        client_env: Vec::new(),
        base_url: format!("git://127.0.0.1:{port}"),
    }
}

/// sshd on 127.0.0.1 accepting a fresh client key; `client_env` holds the GIT_SSH_COMMAND that
/// uses it (as a user's ssh config would).
pub fn ssh(root: &Path) -> Option<Server> {
    if !require_tool("sshd") {
        return None;
    }
    let dir = root.join("sshd");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all("/run/sshd").unwrap();
    for key in ["host_key", "client_key"] {
        crate::run_ok(
            Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(dir.join(key)),
        );
    }
    std::fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).unwrap();
    let port = free_port();
    let log = dir.join("sshd.log");
    let config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {host}\nPidFile {pid}\nAuthorizedKeysFile {auth}\nUsePAM no\nStrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nSetEnv GIT_CONFIG_GLOBAL=/dev/null\n",
        host = dir.join("host_key").display(),
        pid = dir.join("sshd.pid").display(),
        auth = dir.join("authorized_keys").display(),
    );
    std::fs::write(dir.join("sshd_config"), config).unwrap();
    let sshd = which("sshd").unwrap_or_else(|| PathBuf::from("/usr/sbin/sshd"));
    let mut child = Command::new(sshd)
        .args(["-D", "-e", "-f"])
        .arg(dir.join("sshd_config"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    wait_for_port(port, &mut child, &log);
    let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
    let ssh_command = format!(
        "ssh -i {} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes",
        dir.join("client_key").display()
    );
    Some(Server {
        child,
        client_env: vec![("GIT_SSH_COMMAND".into(), ssh_command)],
        base_url: format!("ssh://{user}@127.0.0.1:{port}{}", root.display()),
    })
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(tool))
        .find(|p| p.is_file())
}
