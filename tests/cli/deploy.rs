//! `forge deploy --no-wait` and `forge history` against real git remotes.

use crate::servers::{self, Server};
use crate::{DEPLOY_DEV_1_0_0_NO_WAIT, TestEnv, copy_dir, fixture, git, stderr, stdout};
use std::path::PathBuf;

/// A bare env repo with one commit on main, served one of several ways, and the sample app
/// pointing at it.
pub struct EnvRepoFixture {
    pub env: TestEnv,
    pub remote: PathBuf,
    /// How forge reaches the remote.
    pub url: String,
    /// Environment a client needs for that (credentials, ssh command).
    pub client_env: Vec<(String, String)>,
    _server: Option<Server>,
}

/// The transports the env repo can be served over.
#[derive(Clone, Copy, Debug)]
pub enum Transport {
    File,
    Http,
    Daemon,
    Ssh,
}

pub const HTTP_USER: &str = "deployer";
pub const HTTP_PASSWORD: &str = "s3cret-pa55";

impl EnvRepoFixture {
    pub fn new() -> Self {
        Self::over(Transport::File).expect("file remotes need no server")
    }

    /// None when the server is not installed (only outside CI: `require_tool` fails in CI).
    pub fn over(transport: Transport) -> Option<Self> {
        let env = TestEnv::new();
        let root = env.path().join("srv");
        let remote = root.join("envs.git");
        std::fs::create_dir_all(&root).unwrap();
        git(
            env.path(),
            &[
                "init",
                "-q",
                "--bare",
                "-b",
                "main",
                remote.to_str().unwrap(),
            ],
        );
        git(&remote, &["config", "uploadpack.allowFilter", "true"]);
        git(&remote, &["config", "http.receivepack", "true"]);
        let seed = env.path().join("seed");
        git(
            env.path(),
            &["init", "-q", "-b", "main", seed.to_str().unwrap()],
        );
        std::fs::write(seed.join("README.md"), "# environments\n").unwrap();
        git(&seed, &["add", "."]);
        git(&seed, &["commit", "-q", "-m", "init"]);
        git(&seed, &["push", "-q", remote.to_str().unwrap(), "main"]);
        let (server, url, client_env) = match transport {
            Transport::File => (None, format!("file://{}", remote.display()), Vec::new()),
            Transport::Http => {
                let server = servers::http(&root, HTTP_USER, HTTP_PASSWORD)?;
                let url = format!("{}/envs.git", server.base_url);
                let creds = vec![
                    ("FORGE_GIT_USERNAME".to_string(), HTTP_USER.to_string()),
                    ("FORGE_GIT_TOKEN".to_string(), HTTP_PASSWORD.to_string()),
                ];
                (Some(server), url, creds)
            }
            Transport::Daemon => {
                let server = servers::daemon(&root);
                let url = format!("{}/envs.git", server.base_url);
                (Some(server), url, Vec::new())
            }
            Transport::Ssh => {
                let server = servers::ssh(&root)?;
                let url = format!("{}/envs.git", server.base_url);
                let client_env = server.client_env.clone();
                (Some(server), url, client_env)
            }
        };
        let fixture = EnvRepoFixture {
            env,
            remote,
            url,
            client_env,
            _server: server,
        };
        fixture.app("sample", "hello");
        Some(fixture)
    }

    /// A copy of the sample app named `name`, deploying to this fixture's remote.
    pub fn app(&self, dir: &str, name: &str) -> PathBuf {
        let app = self.env.sample_app(dir);
        let config = std::fs::read_to_string(app.join("forge.yaml"))
            .unwrap()
            .replace("app: hello", &format!("app: {name}"))
            .replace("file:///tmp/forge-sample-envs.git", &self.url);
        std::fs::write(app.join("forge.yaml"), config).unwrap();
        app
    }

    /// A copy of the Helm sample app (`shop/`), deploying to this fixture's remote; returns
    /// its forge.yaml.
    pub fn helm_app(&self) -> PathBuf {
        copy_dir(&fixture("sample-helm"), &self.env.path().join("shop"));
        let config = self.env.path().join("shop/forge.yaml");
        let text = std::fs::read_to_string(&config).unwrap().replace(
            "https://deployer:s3cret@git.example.com/platform/envs.git",
            &self.url,
        );
        std::fs::write(&config, text).unwrap();
        config
    }

    /// `forge` in this fixture's env, with what it needs to reach the remote.
    pub fn forge(&self) -> assert_cmd::Command {
        let mut cmd = self.env.forge();
        cmd.env("FORGE_GIT_AUTHOR", "Dee Ployer <dee@example.com>");
        cmd.envs(self.client_env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    /// `forge -C sample/forge.yaml ARGS` with what it needs to reach the remote.
    pub fn forge_sample(&self, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = self.forge();
        cmd.args(["-C", "sample/forge.yaml"]).args(args);
        cmd
    }

    /// `forge_sample`, run.
    pub fn sample(&self, args: &[&str]) -> std::process::Output {
        self.forge_sample(args).output().unwrap()
    }

    /// `forge history ENV --output json`, which must succeed.
    pub fn history(&self, env: &str) -> serde_json::Value {
        let output = self.sample(&["history", env, "--output", "json"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        serde_json::from_slice(&output.stdout).unwrap()
    }

    pub fn deploy(&self, app: &str, args: &[&str]) -> std::process::Output {
        self.forge()
            .args(["-C", &format!("{app}/forge.yaml"), "deploy"])
            .args(args)
            .output()
            .unwrap()
    }

    pub fn remote_git(&self, args: &[&str]) -> String {
        git(&self.remote, args)
    }
}

#[test]
fn deploy_commits_the_rendered_env_dir_with_trailers() {
    let repo = EnvRepoFixture::new();
    let output = repo.deploy("sample", &["dev", "--version", "1.0.0", "--no-wait"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let commit = stdout(&output).trim().to_string();
    assert_eq!(repo.remote_git(&["rev-parse", "main"]), commit);
    assert_eq!(
        repo.remote_git(&["log", "-1", "--format=%s", "main"]),
        "deploy hello 1.0.0 to dev"
    );
    assert_eq!(
        repo.remote_git(&["log", "-1", "--format=%an <%ae>", "main"]),
        "Dee Ployer <dee@example.com>"
    );
    let trailers = repo.remote_git(&["log", "-1", "--format=%(trailers)", "main"]);
    for expected in [
        "Forge-App: hello",
        "Forge-Env: dev",
        "Forge-Version: 1.0.0",
        "Forge-Bundle-Digest: sha256:",
        "Forge-Action: deploy",
        "Forge-Previous-Version: none",
    ] {
        assert!(
            trailers.contains(expected),
            "{expected} missing from:\n{trailers}"
        );
    }
    let files = repo.remote_git(&["ls-tree", "-r", "--name-only", "main"]);
    assert_eq!(
        files.lines().collect::<Vec<_>>(),
        [
            "README.md",
            "apps/hello/dev/base/deployment.yaml",
            "apps/hello/dev/base/kustomization.yaml",
            "apps/hello/dev/base/service.yaml",
            "apps/hello/dev/kustomization.yaml",
            "apps/hello/dev/release.json",
        ]
    );
    // The committed files are exactly what `forge render` writes.
    let render = crate::render::render_sample_dev(&repo.env, "rendered", &[]);
    assert_eq!(render.status.code(), Some(0), "{}", stderr(&render));
    let rendered = forge::fs::read_tree(&repo.env.path().join("rendered")).unwrap();
    for (path, bytes) in rendered {
        let committed = repo.remote_git(&["show", &format!("main:apps/hello/dev/{path}")]);
        assert_eq!(
            committed,
            String::from_utf8(bytes).unwrap().trim_end(),
            "{path}"
        );
    }
    // A deploy that would wait, with no cluster configured, stops before pushing anything.
    let head = repo.remote_git(&["rev-parse", "main"]);
    let again = repo.deploy("sample", &["dev", "--version", "1.0.1"]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("cannot load the cluster configuration")
            && stderr(&again).contains("--no-wait"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        repo.remote_git(&["rev-parse", "main"]),
        head,
        "nothing was pushed"
    );
}

#[test]
fn an_unchanged_deploy_is_already_deployed_and_commits_nothing() {
    let repo = EnvRepoFixture::new();
    let bundle = repo.env.build_bundle(
        &repo.env.path().join("sample"),
        "dist",
        &["--version", "1.0.0"],
    );
    let bundle = bundle.to_str().unwrap();
    let first = repo.deploy("sample", &["dev", "--bundle", bundle, "--no-wait"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let head = repo.remote_git(&["rev-parse", "main"]);
    // The same bundle later, from another machine's cache, changes nothing.
    let again = [
        "deploy",
        "dev",
        "--bundle",
        bundle,
        "--no-wait",
        "--output",
        "json",
    ];
    let second = repo
        .env
        .forge_sample(&again)
        .env("SOURCE_DATE_EPOCH", "1800000000")
        .env("XDG_CACHE_HOME", repo.env.path().join("other-cache"))
        .env("FORGE_GIT_AUTHOR", "Dee Ployer <dee@example.com>")
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("already deployed"),
        "{}",
        stderr(&second)
    );
    let report: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(report["changed"], false);
    assert_eq!(report["commit"], head.as_str());
    assert_eq!(repo.remote_git(&["rev-parse", "main"]), head);
}

#[test]
fn deploying_one_env_never_changes_another() {
    let repo = EnvRepoFixture::new();
    assert_eq!(
        repo.deploy("sample", &["staging", "--version", "1.0.0", "--no-wait"])
            .status
            .code(),
        Some(0)
    );
    let staging = repo.remote_git(&["rev-parse", "main:apps/hello/staging"]);
    for version in ["1.1.0", "1.2.0"] {
        let output = repo.deploy("sample", &["dev", "--version", version, "--no-wait"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    assert_eq!(
        repo.remote_git(&["rev-parse", "main:apps/hello/staging"]),
        staging
    );
    let trailers = repo.remote_git(&["log", "-1", "--format=%(trailers)", "main"]);
    assert!(
        trailers.contains("Forge-Previous-Version: 1.1.0"),
        "{trailers}"
    );
}

#[test]
fn history_reads_the_trailers_back() {
    let repo = EnvRepoFixture::new();
    for version in ["1.0.0", "1.1.0"] {
        assert_eq!(
            repo.deploy("sample", &["dev", "--version", version, "--no-wait"])
                .status
                .code(),
            Some(0)
        );
    }
    assert_eq!(
        repo.deploy("sample", &["staging", "--version", "1.0.0", "--no-wait"])
            .status
            .code(),
        Some(0)
    );
    let entries = repo.history("dev");
    let versions: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["1.1.0", "1.0.0"]);
    assert_eq!(entries[0]["author"], "Dee Ployer <dee@example.com>");
    assert_eq!(entries[0]["action"], "deploy");
    assert_eq!(entries[0]["previousVersion"], "1.0.0");

    let text = repo
        .env
        .forge()
        .args(["-C", "sample/forge.yaml", "history", "dev", "--limit", "1"])
        .output()
        .unwrap();
    assert_eq!(text.status.code(), Some(0));
    let lines: Vec<String> = stdout(&text).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].starts_with("1.1.0 "), "{lines:?}");
}

#[test]
fn protected_envs_need_confirmation_and_signed_bundles() {
    let repo = EnvRepoFixture::new();
    let head = repo.remote_git(&["rev-parse", "main"]);
    let unconfirmed = repo.deploy("sample", &["prod", "--version", "1.0.0", "--no-wait"]);
    assert_eq!(unconfirmed.status.code(), Some(2));
    assert!(
        stderr(&unconfirmed).contains("--yes"),
        "{}",
        stderr(&unconfirmed)
    );

    let unsigned = repo.deploy(
        "sample",
        &["prod", "--version", "1.0.0", "--no-wait", "--yes"],
    );
    assert_eq!(unsigned.status.code(), Some(6), "{}", stderr(&unsigned));
    assert!(
        stderr(&unsigned).contains("requires bundles signed with"),
        "{}",
        stderr(&unsigned)
    );
    assert_eq!(
        repo.remote_git(&["rev-parse", "main"]),
        head,
        "nothing may be pushed"
    );

    let bundle = repo.env.build_bundle(
        &repo.env.path().join("sample"),
        "dist",
        &["--version", "1.0.0"],
    );
    let signed = repo
        .env
        .forge()
        .env("FORGE_KEY_PASSWORD", "forge-sample")
        .args(["bundle", "sign"])
        .arg(&bundle)
        .arg("--key")
        .arg(fixture("keys/sample.key"))
        .output()
        .unwrap();
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));
    let deployed = repo.deploy(
        "sample",
        &[
            "prod",
            "--bundle",
            bundle.to_str().unwrap(),
            "--no-wait",
            "--yes",
        ],
    );
    assert_eq!(deployed.status.code(), Some(0), "{}", stderr(&deployed));
    let release: serde_json::Value =
        serde_json::from_str(&repo.remote_git(&["show", "main:apps/hello/prod/release.json"]))
            .unwrap();
    assert_eq!(release["signer"].as_str().unwrap().len(), 44, "{release}");

    // The same signed bundle diffs empty (signer and deploy time as deploy records them);
    // `--exit-code` says whether anything would change, as git's does.
    let diff = |args: &[&str]| repo.sample(&[&["diff", "prod", "--exit-code"], args].concat());
    let same = diff(&["--bundle", bundle.to_str().unwrap()]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert_eq!(stdout(&same), "");
    let newer = diff(&["--version", "1.1.0"]);
    assert_eq!(newer.status.code(), Some(7), "{}", stderr(&newer));
    assert!(stdout(&newer).contains("+      app.kubernetes.io/version: \"1.1.0\""));
    assert!(
        stderr(&newer).contains("deploy would refuse this bundle"),
        "{}",
        stderr(&newer)
    );
    assert!(!stderr(&newer).contains("error:"), "{}", stderr(&newer));
}

#[test]
fn bad_input_is_refused_and_nothing_is_pushed() {
    let repo = EnvRepoFixture::new();
    let head = repo.remote_git(&["rev-parse", "main"]);
    let check = |args: &[&str], code: i32, needle: &str| {
        let output = repo.deploy("sample", args);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(needle),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(
            repo.remote_git(&["rev-parse", "main"]),
            head,
            "{args:?} pushed"
        );
    };
    check(
        &["qa", "--version", "1.0.0", "--no-wait"],
        2,
        "unknown environment 'qa'",
    );
    check(
        &["dev", "--bundle", "missing.forge.tar.zst", "--no-wait"],
        2,
        "does not exist",
    );

    // A bundle of another app.
    repo.app("other", "other");
    let foreign = repo.env.build_bundle(
        &repo.env.path().join("other"),
        "dist",
        &["--version", "1.0.0"],
    );
    check(
        &["dev", "--bundle", foreign.to_str().unwrap(), "--no-wait"],
        2,
        "is for app 'other'",
    );

    // A branch the repo does not have: only with --create-branch.
    let config = repo.env.path().join("sample/forge.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("envRepo:\n", "envRepo:\n  branch: release\n"),
    )
    .unwrap();
    check(
        &["dev", "--version", "1.0.0", "--no-wait"],
        2,
        "branch 'release' does not exist",
    );
    let created = repo.deploy(
        "sample",
        &["dev", "--version", "1.0.0", "--no-wait", "--create-branch"],
    );
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    assert_eq!(
        repo.remote_git(&["log", "-1", "--format=%s", "release"]),
        "deploy hello 1.0.0 to dev"
    );
    std::fs::write(&config, &text).unwrap();

    // An unreachable remote.
    std::fs::write(
        &config,
        text.replace(&repo.url, "http://127.0.0.1:9/envs.git"),
    )
    .unwrap();
    check(
        &["dev", "--version", "1.0.0", "--no-wait"],
        1,
        "cannot reach http://127.0.0.1:9/envs.git",
    );

    // No identity to commit as.
    std::fs::write(&config, &text).unwrap();
    let anonymous = repo
        .env
        .forge_sample(&DEPLOY_DEV_1_0_0_NO_WAIT)
        .output()
        .unwrap();
    assert_eq!(anonymous.status.code(), Some(2), "{}", stderr(&anonymous));
    assert!(
        stderr(&anonymous).contains("FORGE_GIT_AUTHOR"),
        "{}",
        stderr(&anonymous)
    );
    assert_eq!(repo.remote_git(&["rev-parse", "main"]), head);
}

#[test]
fn diff_shows_what_deploy_would_change() {
    let repo = EnvRepoFixture::new();
    let diff = |version: &str, json: bool| {
        let mut cmd = repo
            .env
            .forge_sample(&["diff", "dev", "--version", version]);
        if json {
            cmd.args(["--output", "json"]);
        }
        let output = cmd.output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        output
    };
    let first: serde_json::Value = serde_json::from_slice(&diff("1.0.0", true).stdout).unwrap();
    assert_eq!(first["added"].as_array().unwrap().len(), 5, "{first}");
    assert_eq!(first["removed"], serde_json::json!([]));

    assert_eq!(
        repo.deploy("sample", &["dev", "--version", "1.0.0", "--no-wait"])
            .status
            .code(),
        Some(0)
    );
    let same: serde_json::Value = serde_json::from_slice(&diff("1.0.0", true).stdout).unwrap();
    assert_eq!(same["added"], serde_json::json!([]));
    assert_eq!(same["changed"], serde_json::json!([]));

    let text = stdout(&diff("1.1.0", false));
    assert!(
        text.contains("--- a/apps/hello/dev/kustomization.yaml"),
        "{text}"
    );
    assert!(
        text.contains("-      app.kubernetes.io/version: \"1.0.0\""),
        "{text}"
    );
    assert!(
        text.contains("+      app.kubernetes.io/version: \"1.1.0\""),
        "{text}"
    );
    assert!(
        !text.contains("base/deployment.yaml"),
        "unchanged files are not shown: {text}"
    );
    // Diff never writes: the remote is where it was.
    assert_eq!(
        repo.remote_git(&["log", "-1", "--format=%s", "main"]),
        "deploy hello 1.0.0 to dev"
    );
}

#[test]
fn credentials_in_the_url_never_reach_output_logs_or_the_cache() {
    let repo = EnvRepoFixture::new();
    let config = repo.env.path().join("sample/forge.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace(&repo.url, "http://bot:hunter2@127.0.0.1:9/envs.git"),
    )
    .unwrap();
    // -v is global: it may follow the subcommand.
    let output = repo
        .env
        .forge_sample(&DEPLOY_DEV_1_0_0_NO_WAIT)
        .arg("-vv")
        .env("FORGE_GIT_AUTHOR", "Dee <dee@example.com>")
        .env("FORGE_LOG", "debug")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert!(
        all.contains("cannot reach http://bot:***@127.0.0.1:9/envs.git"),
        "{all}"
    );
    assert!(!all.contains("hunter2"), "{all}");
    let cache = repo.env.path().join("home/.cache/forge/repos");
    for entry in std::fs::read_dir(&cache).unwrap() {
        let config = std::fs::read_to_string(entry.unwrap().path().join("config")).unwrap();
        assert!(!config.contains("hunter2"), "{config}");
    }
}

#[test]
fn diff_rendered_compares_what_kubectl_builds() {
    if !crate::require_tool("kubectl") {
        return;
    }
    let repo = EnvRepoFixture::new();
    assert_eq!(
        repo.deploy("sample", &["dev", "--version", "1.0.0", "--no-wait"])
            .status
            .code(),
        Some(0)
    );
    let output = repo.sample(&["diff", "dev", "--version", "1.1.0", "--rendered"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("b/(rendered manifests)"), "{text}");
    // In the built manifests the label is a plain YAML value, not the overlay's quoted string.
    assert!(
        text.contains("-        app.kubernetes.io/version: 1.0.0"),
        "{text}"
    );
    assert!(
        text.contains("+        app.kubernetes.io/version: 1.1.0"),
        "{text}"
    );
}

#[test]
fn diff_rendered_runs_helm_template_for_charts() {
    if !crate::require_tool("helm") {
        return;
    }
    let repo = EnvRepoFixture::new();
    let config = repo.helm_app();
    let text = std::fs::read_to_string(&config).unwrap();
    assert_eq!(
        repo.deploy("shop", &["dev", "--version", "1.4.0", "--no-wait"])
            .status
            .code(),
        Some(0)
    );
    std::fs::write(
        &config,
        text.replace("    replicas: 2\n", "    replicas: 4\n"),
    )
    .unwrap();
    let output = repo
        .forge()
        .args([
            "-C",
            "shop/forge.yaml",
            "diff",
            "dev",
            "--version",
            "1.4.0",
            "--rendered",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    // `replicas:` appears only in what helm template builds from the chart.
    assert!(
        text.contains("-  replicas: 2\n") && text.contains("+  replicas: 4\n"),
        "{text}"
    );
}

/// A push the remote refuses (a hook, branch protection) is not a lost race: one attempt,
/// exit 1 with the remote's own words, nothing on the branch.
#[test]
fn a_push_the_remote_refuses_fails_at_once_with_its_message() {
    let repo = EnvRepoFixture::new();
    let head = repo.remote_git(&["rev-parse", "main"]);
    let calls = repo.env.path().join("hook-calls");
    let hook = repo.remote.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\necho called >> '{}'\necho 'protected branch: main takes merge requests only' >&2\nexit 1\n",
            calls.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();

    let refused = repo.deploy("sample", &["dev", "--version", "1.0.0", "--no-wait"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    let err = stderr(&refused);
    assert!(
        err.contains("refused the push to main: protected branch: main takes merge requests only"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    assert_eq!(std::fs::read_to_string(&calls).unwrap().lines().count(), 1);
    assert_eq!(repo.remote_git(&["rev-parse", "main"]), head);
}

/// Moving an env to an older version than it runs is a downgrade: refused unless asked for,
/// ordered by semver, else by the env's own history.
#[test]
fn a_downgrade_is_refused_unless_allowed() {
    let repo = EnvRepoFixture::new();
    let deploy = |version: &str, extra: &[&str]| {
        repo.deploy(
            "sample",
            &[&["dev", "--version", version, "--no-wait"], extra].concat(),
        )
    };
    for version in ["1.10.0", "blue", "green"] {
        let output = deploy(version, &["--allow-downgrade"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    // green runs; blue ran before it; 1.10.0 before that.
    let head = repo.remote_git(&["rev-parse", "main"]);
    let older = deploy("blue", &[]);
    assert_eq!(older.status.code(), Some(2), "{}", stderr(&older));
    let err = stderr(&older);
    assert!(
        err.contains(
            "dev runs green, which is newer than blue: shipping blue would be a downgrade"
        ),
        "{err}"
    );
    assert!(err.contains("forge rollback dev --to blue"), "{err}");
    assert_eq!(repo.remote_git(&["rev-parse", "main"]), head);
    let never_ran = deploy("red", &[]);
    assert_eq!(never_ran.status.code(), Some(0), "{}", stderr(&never_ran));

    let newer = deploy("1.9.0", &["--allow-downgrade"]);
    assert_eq!(newer.status.code(), Some(0), "{}", stderr(&newer));
    let semver = deploy("1.2.0", &[]);
    assert_eq!(semver.status.code(), Some(2), "{}", stderr(&semver));
    assert!(stderr(&semver).contains("dev runs 1.9.0, which is newer than 1.2.0"));
    let allowed = deploy("1.2.0", &["--allow-downgrade"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    assert_eq!(repo.history("dev")[0]["version"], "1.2.0");
}
