//! The attended-terminal paths (prompts, cargo-style status lines), driven through a real
//! pseudo-terminal by tmux.

use crate::{TestEnv, require_tool};
use std::process::Command;
use std::time::{Duration, Instant};

/// A detached tmux session running one shell command in a private tmux server (also used
/// by the shell completion tests).
pub struct Tmux {
    socket: std::path::PathBuf,
}

impl Tmux {
    pub fn start(env: &TestEnv, command: &str) -> Tmux {
        // A socket per session: a server being killed may still hold the previous one.
        static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmux = Tmux {
            socket: env.path().join(format!("tmux-{n}.sock")),
        };
        let status = tmux
            .cmd()
            .args(["new-session", "-d", "-s", "t", "-x", "150", "-y", "40"])
            .arg(format!(
                "cd '{}' && env -u CI HOME='{}' GIT_CONFIG_GLOBAL=/dev/null TERM=xterm-256color NO_COLOR=1 SOURCE_DATE_EPOCH={} {command}; echo EXIT=$?; sleep 60",
                env.path().display(),
                env.path().join("home").display(),
                crate::EPOCH,
            ))
            .status()
            .unwrap();
        assert!(status.success());
        tmux
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.arg("-S").arg(&self.socket);
        cmd
    }

    pub fn screen(&self) -> String {
        let output = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "t"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Waits until the screen shows `text`; panics with the screen after 20 s.
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn keys(&self, keys: &[&str]) {
        assert!(
            self.cmd()
                .args(["send-keys", "-t", "t"])
                .args(keys)
                .status()
                .unwrap()
                .success()
        );
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

fn forge() -> &'static str {
    env!("CARGO_BIN_EXE_forge")
}

/// Answers `forge init`'s prompts with these keys for the app name, the kind of manifests
/// and the engine (the rest alike: the default directory, an env repo, envs dev and prod);
/// returns the screen once it exited.
fn answer_init(tmux: &Tmux, app: &[&str], kind: &[&str], engine: &[&str]) -> String {
    let answers: [(&str, &[&str]); 6] = [
        ("Application name", app),
        ("Manifests are a", kind),
        ("Manifests directory", &["Enter"]),
        (
            "Environment repo URL",
            &["https://git.example.com/envs.git", "Enter"],
        ),
        (
            "Environments, in promotion order",
            &["C-u", "dev,prod", "Enter"],
        ),
        ("GitOps engine", engine),
    ];
    for (prompt, keys) in answers {
        tmux.wait_for(prompt);
        tmux.keys(keys);
    }
    tmux.wait_for("EXIT=")
}

#[test]
fn init_asks_on_a_terminal() {
    if !require_tool("tmux") {
        return;
    }
    let env = TestEnv::new();
    env.write(
        "charts/shop/Chart.yaml",
        "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
    );
    let tmux = Tmux::start(&env, &format!("{} init", forge()));
    let screen = answer_init(
        &tmux,
        &["C-u", "shop", "Enter"],
        // The chart was found, so Helm is the default answer.
        &["Enter"],
        &["Down", "Enter"],
    );
    assert!(screen.contains("EXIT=0"), "{screen}");

    let loaded = forge::config::Loaded::load(&env.path().join("forge.yaml")).unwrap();
    let config = &loaded.config;
    assert_eq!(config.app.value, "shop");
    assert_eq!(config.source.kind, forge::config::SourceKind::Helm);
    assert_eq!(config.source.path.value, "charts/shop");
    assert_eq!(config.env_names(), ["dev", "prod"]);
    assert_eq!(config.engine, forge::config::Engine::Argocd);
}

/// In an empty directory the answer to "Manifests are a" decides what is scaffolded: a Helm
/// chart here, which `forge render` then renders.
#[test]
fn init_in_an_empty_dir_scaffolds_the_source_chosen_at_the_prompt() {
    if !require_tool("tmux") {
        return;
    }
    let env = TestEnv::new();
    std::fs::create_dir(env.path().join("shop")).unwrap();
    let tmux = Tmux::start(&env, &format!("{} -C shop/forge.yaml init", forge()));
    // The directory's name is the default app name; a Helm chart; Flux.
    let screen = answer_init(&tmux, &["Enter"], &["Down", "Enter"], &["Enter"]);
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(
        screen.contains("a Helm chart serving one web container"),
        "{screen}"
    );

    let project = env.path().join("shop");
    let loaded = forge::config::Loaded::load(&project.join("forge.yaml")).unwrap();
    assert_eq!(loaded.config.app.value, "shop");
    assert_eq!(loaded.config.source.kind, forge::config::SourceKind::Helm);
    let chart = project.join(&loaded.config.source.path.value);
    assert!(chart.join("Chart.yaml").is_file(), "{}", chart.display());
    let rendered = env
        .forge()
        .current_dir(&project)
        .args(["render", "dev", "--version", "0.1.0", "--out", "out"])
        .output()
        .unwrap();
    assert_eq!(
        rendered.status.code(),
        Some(0),
        "{}",
        crate::stderr(&rendered)
    );
    assert!(project.join("out/helmrelease.yaml").is_file());
}

#[test]
fn keygen_asks_for_the_passphrase_twice_without_echo() {
    if !require_tool("tmux") {
        return;
    }
    let env = TestEnv::new();
    let tmux = Tmux::start(&env, &format!("{} keygen --out k", forge()));
    tmux.wait_for("Passphrase for the new private key");
    tmux.keys(&["tty-secret-4411", "Enter"]);
    tmux.wait_for("Repeat it");
    tmux.keys(&["tty-secret-4411", "Enter"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(
        !screen.contains("tty-secret-4411"),
        "the passphrase was echoed:\n{screen}"
    );
    forge::signing::key::load_private_key(&env.path().join("k.key"), "tty-secret-4411").unwrap();
}

#[test]
fn on_a_terminal_status_lines_are_aligned_words_not_timestamps() {
    if !require_tool("tmux") {
        return;
    }
    let env = TestEnv::new();
    env.sample_app("sample");
    let tmux = Tmux::start(
        &env,
        &format!(
            "{} -C sample/forge.yaml bundle build --version 1.0.0 --out dist",
            forge()
        ),
    );
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(screen.contains("    Building hello 1.0.0"), "{screen}");
    assert!(
        screen.contains("       Built dist/hello-1.0.0.forge.tar.zst"),
        "{screen}"
    );
    assert!(!screen.contains("Z Building"), "{screen}");
}

#[test]
fn a_protected_env_asks_before_deploying() {
    if !require_tool("tmux") {
        return;
    }
    let repo = crate::deploy::EnvRepoFixture::new();
    let head = repo.remote_git(&["rev-parse", "main"]);
    let command = format!(
        "FORGE_GIT_AUTHOR='Dee <dee@example.com>' {} -C sample/forge.yaml deploy prod --version 1.0.0 --no-wait",
        forge()
    );
    let declined = Tmux::start(&repo.env, &command);
    declined.wait_for("Deploy hello to protected environment prod?");
    declined.keys(&["n"]);
    let screen = declined.wait_for("EXIT=");
    assert!(
        screen.contains("not confirmed; nothing was changed") && screen.contains("EXIT=2"),
        "{screen}"
    );
    drop(declined);

    // Confirmed, the deploy goes on to the next gate: prod requires a signed bundle.
    let confirmed = Tmux::start(&repo.env, &command);
    confirmed.wait_for("Deploy hello to protected environment prod?");
    confirmed.keys(&["y"]);
    let screen = confirmed.wait_for("EXIT=");
    assert!(
        screen.contains("requires bundles signed") && screen.contains("EXIT=6"),
        "{screen}"
    );
    assert_eq!(repo.remote_git(&["rev-parse", "main"]), head);
}

/// Ctrl-C in the middle of a canary on a terminal asks whether to abort; yes returns the env
/// to its stable version with a canary-abort commit.
#[test]
fn ctrl_c_during_a_canary_asks_whether_to_abort() {
    if !require_tool("tmux") || !require_tool("kubectl") {
        return;
    }
    let stage = crate::rollout::Stage::new(&[]);
    stage.configure(|text| {
        text.replace(
            "  - name: dev\n",
            "  - name: dev\n    replicas: 2\n    strategy:\n      type: canary\n      steps:\n        - weight: 50\n          pause: 1m\n        - weight: 100\n",
        )
    });
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let command = format!(
        "KUBECONFIG='{}' FORGE_GIT_AUTHOR='Dee <dee@example.com>' {} -C sample/forge.yaml deploy dev --version 1.1.0",
        stage.sandbox.dir.join("kubeconfig").display(),
        forge()
    );
    let tmux = Tmux::start(&stage.repo.env, &command);
    tmux.wait_for("Pausing");
    tmux.keys(&["C-c"]);
    tmux.wait_for("Abort the canary in dev and return to the stable version?");
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(
        screen.contains("aborted after an interrupt") && screen.contains("EXIT=3"),
        "{screen}"
    );
    assert_eq!(stage.deployed_version("dev"), "1.0.0");
}

/// On a terminal `forge status --watch` redraws its table in place: after a deploy the
/// screen shows the new version, with one header, not a scroll of tables.
#[test]
fn status_watch_redraws_in_place() {
    if !require_tool("tmux") || !require_tool("kubectl") {
        return;
    }
    let stage = crate::rollout::Stage::new(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let command = format!(
        "KUBECONFIG='{}' {} -C sample/forge.yaml status dev --watch",
        stage.sandbox.dir.join("kubeconfig").display(),
        forge()
    );
    let tmux = Tmux::start(&stage.repo.env, &command);
    tmux.wait_for("1.0.0");
    stage.forge_ok(&["deploy", "dev", "--version", "1.1.0"]);
    tmux.wait_for("1.1.0");
    std::thread::sleep(Duration::from_secs(3));
    let screen = tmux.screen();
    assert_eq!(screen.matches("ENV ").count(), 1, "{screen}");
    assert!(!screen.contains("1.0.0"), "{screen}");
}
