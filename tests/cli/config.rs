use crate::{TestEnv, stderr, stdout};

const VALID: &str = "\
app: hello
source:
  kind: kustomize
  path: base
envRepo:
  url: https://git.example.com/envs.git
environments:
  - name: dev
  - name: prod
    promoteFrom: dev
";

fn env_with(config: &str) -> TestEnv {
    let env = TestEnv::new();
    env.write("forge.yaml", config);
    env.write("base/kustomization.yaml", "resources: []\n");
    env
}

fn validate(config: &str) -> std::process::Output {
    env_with(config)
        .forge()
        .args(["config", "validate"])
        .output()
        .unwrap()
}

#[test]
fn a_valid_config_validates() {
    let output = validate(VALID);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "forge.yaml: ok (app hello, environments dev, prod)\n"
    );
}

#[test]
fn an_unknown_key_names_file_line_column_and_the_likely_key() {
    let config = VALID.replace("  - name: dev\n", "  - name: dev\n    promotFrom: prod\n");
    let output = validate(&config);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&output), @r"
    error: forge.yaml:9:5: unknown key `promotFrom`
    hint: did you mean `promoteFrom`?
    ");
}

#[test]
fn a_syntax_error_names_its_place() {
    let output = validate("app: [hello\n");
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.starts_with("error: forge.yaml:1:"), "{err}");
}

#[test]
fn a_bad_duration_is_reported_where_it_is() {
    let config = VALID.replace(
        "    promoteFrom: dev\n",
        "    promoteFrom: dev\n    gates:\n      soak: 5 minutes\n",
    );
    let output = validate(&config);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("forge.yaml:12:13: invalid duration '5 minutes'"),
        "{err}"
    );
}

#[test]
fn every_semantic_problem_is_listed_with_its_line() {
    let config = "\
app: Hello_World
source:
  kind: kustomize
  path: missing
envRepo:
  url: https://git.example.com/envs.git
  path: apps/{app}
environments:
  - name: dev
    promoteFrom: qa
  - name: dev
";
    let output = validate(config);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&output), @r"
    error: forge.yaml:1:6: app name 'Hello_World' is not a valid name
    hint: use lowercase letters, digits and '-', at most 63 characters
    error: forge.yaml:7:9: envRepo.path 'apps/{app}' must contain {env}, so that environments never share files
    error: forge.yaml:10:18: environment 'dev': promoteFrom names unknown environment 'qa'
    hint: environments are listed in promotion order
    error: forge.yaml:11:11: environment 'dev' is defined twice
    error: forge.yaml:4:9: source.path 'missing' is not a directory
    hint: paths in forge.yaml are relative to the directory it is in
    ");
}

#[test]
fn validate_json_lists_problems() {
    let config = VALID.replace("  - name: dev\n", "  - name: dev\n    promoteFrom: prod\n");
    let output = env_with(&config)
        .forge()
        .args(["config", "validate", "--output", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["problems"][0]["line"], 9);
    assert!(
        report["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("must be listed before it")
    );
}

#[test]
fn a_missing_config_points_at_forge_init() {
    let output = TestEnv::new()
        .forge()
        .args(["config", "show"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&output), @r"
    error: config file forge.yaml does not exist
    hint: create one with `forge init`, or point -C/--config (FORGE_CONFIG) at yours
    ");
}

#[test]
fn show_resolves_defaults_and_redacts_credentials() {
    let config = VALID.replace(
        "https://git.example.com",
        "https://bot:hunter2@git.example.com",
    );
    let output = env_with(&config)
        .forge()
        .args(["config", "show", "--output", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(!text.contains("hunter2"), "{text}");
    let shown: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        shown["envRepo"]["url"],
        "https://bot:***@git.example.com/envs.git"
    );
    assert_eq!(shown["envRepo"]["branch"], "main");
    assert_eq!(shown["environments"][1]["repoPath"], "apps/hello/prod");
    assert_eq!(shown["environments"][1]["engine"], "flux");
    assert_eq!(shown["environments"][1]["gates"]["requireHealthy"], true);
}

#[test]
fn the_config_path_comes_from_flag_or_env() {
    let env = env_with(VALID);
    std::fs::rename(env.path().join("forge.yaml"), env.path().join("other.yaml")).unwrap();
    let by_flag = env
        .forge()
        .args(["config", "validate", "-C", "other.yaml"])
        .output()
        .unwrap();
    assert_eq!(by_flag.status.code(), Some(0), "{}", stderr(&by_flag));
    let by_env = env
        .forge()
        .env("FORGE_CONFIG", "other.yaml")
        .args(["config", "validate"])
        .output()
        .unwrap();
    assert_eq!(by_env.status.code(), Some(0), "{}", stderr(&by_env));
}

/// forge.example.yaml documents every key; it must load and validate as it stands.
#[test]
fn the_example_config_is_valid_and_uses_every_key() {
    let path = crate::repo().join("forge.example.yaml");
    let loaded = forge::config::Loaded::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let env = loaded.config.environments.last().unwrap();
    assert!(env.value.promote_from.is_some());
    assert!(env.value.timeout.is_some());
    assert!(!env.value.strategy.steps.is_empty());
    assert!(env.value.values.is_some());
    assert!(!env.value.config.is_empty());
    assert!(!loaded.config.environments[0].value.patches.is_empty());
    assert!(!loaded.config.image_values.is_empty());
    assert!(loaded.config.templates.is_some());
    assert!(loaded.config.helm_repository.is_some());
    let output = TestEnv::new()
        .forge()
        .args(["config", "validate", "-C"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// A canary or blue-green release runs a second copy of the release under other names, which
/// forge composes with kustomize: a Helm source is refused at validate, not half-rendered.
#[test]
fn canary_and_blue_green_need_a_kustomize_source() {
    let config = VALID
        .replace("kind: kustomize\n  path: base", "kind: helm\n  path: chart")
        .replace(
            "    promoteFrom: dev\n",
            "    promoteFrom: dev\n    strategy:\n      type: blueGreen\n",
        );
    let env = TestEnv::new();
    env.write("forge.yaml", &config);
    env.write(
        "chart/Chart.yaml",
        "apiVersion: v2\nname: hello\nversion: 0.1.0\n",
    );
    let output = env.forge().args(["config", "validate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    insta::assert_snapshot!(stderr(&output), @r"
    error: forge.yaml:9:5: environment 'prod': canary and blue-green releases need a kustomize source (a Helm release cannot run a second copy of itself under other names)
    hint: use strategy type rolling or recreate for a Helm source
    ");
    let rolling = config.replace("type: blueGreen", "type: recreate");
    env.write("forge.yaml", &rolling);
    let output = env.forge().args(["config", "validate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// What a hostile or mistaken forge.yaml could make git or the cluster do is refused at
/// validate, each at its line: transports that run commands, branch names git refuses (or
/// that would inject a refspec), env paths into `.git`, invisible characters, and a
/// namespace that is not a Kubernetes name.
#[test]
fn urls_branches_paths_and_namespaces_are_refused_where_they_are() {
    let cases = [
        (
            "url: https://git.example.com/envs.git",
            "url: 'ext::sh -c touch% /tmp/pwned'",
            "forge.yaml:6:8: envRepo.url uses git's 'ext::' transport, which forge does not allow",
        ),
        (
            "url: https://git.example.com/envs.git",
            "url: fd::17",
            "envRepo.url uses git's 'fd::' transport",
        ),
        (
            "url: https://git.example.com/envs.git",
            "url: gopher://x/envs.git",
            "envRepo.url uses the 'gopher' transport",
        ),
        (
            "url: https://git.example.com/envs.git",
            "url: --upload-pack=touch",
            "envRepo.url '--upload-pack=touch' starts with '-'",
        ),
        (
            "envRepo:\n",
            "envRepo:\n  branch: 'x:refs/heads/prod'\n",
            "forge.yaml:6:11: envRepo.branch 'x:refs/heads/prod' contains a space, a control character or one of ~ ^ : ? * [ \\",
        ),
        (
            "envRepo:\n",
            "envRepo:\n  branch: main.lock\n",
            "envRepo.branch 'main.lock' has a part that starts with '.' or ends with '.lock'",
        ),
        (
            "envRepo:\n",
            "envRepo:\n  path: '.git/{env}'\n",
            "envRepo.path for environment 'dev' ('.git/dev') has a component '.git', which is git's own",
        ),
        (
            "envRepo:\n",
            "envRepo:\n  path: 'apps/{app}/{env}\u{202E}x'\n",
            "has the invisible character U+202E",
        ),
        (
            "  - name: dev\n",
            "  - name: dev\n    namespace: '{app}-{env}'\n",
            "forge.yaml:8:5: environment 'dev': namespace '{app}-{env}' is not a valid name",
        ),
    ];
    for (from, to, expected) in cases {
        let config = VALID.replacen(from, to, 1);
        let output = validate(&config);
        assert_eq!(output.status.code(), Some(2), "{to}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(expected),
            "{to}: {}",
            stderr(&output)
        );
    }
    for url in [
        "ssh://git@example.com/envs.git",
        "git@example.com:envs.git",
        "file:///srv/envs.git",
        "/srv/envs.git",
        "git://example.com/envs.git",
    ] {
        let config = VALID.replace("https://git.example.com/envs.git", url);
        let output = validate(&config);
        assert_eq!(output.status.code(), Some(0), "{url}: {}", stderr(&output));
    }
}

/// A forge.yaml that is not UTF-8 is invalid input (exit 2) that says where, as any parse
/// error does.
#[test]
fn invalid_utf8_names_its_line_column_and_offset() {
    let env = TestEnv::new();
    let bytes = VALID
        .replace("name: prod", "name: pr\u{1}d")
        .into_bytes()
        .into_iter()
        .map(|b| if b == 1 { 0xff } else { b })
        .collect::<Vec<u8>>();
    std::fs::write(env.path().join("forge.yaml"), &bytes).unwrap();
    let output = env.forge().args(["config", "validate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let offset = VALID.find("  - name: prod").unwrap() + "  - name: pr".len();
    assert!(
        stderr(&output).contains(&format!(
            "forge.yaml:9:13: not UTF-8 text: invalid byte 0xff at offset {offset}"
        )),
        "{}",
        stderr(&output)
    );
}

/// `config validate` lists every unknown key and, once the rest parses, every semantic
/// problem, in one run; a type error says what YAML wants, not a Rust type.
#[test]
fn validate_reports_every_problem_in_one_run() {
    let config = VALID
        .replace("  path: base\n", "  path: base\n  pth: x\n")
        .replace(
            "    promoteFrom: dev\n",
            "    promoteFrom: qa\n    timout: 5m\n    gates:\n      requireHealthy: true\n      soaak:\n        nested: 1\n",
        );
    let output = validate(&config);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&output), @r"
    error: forge.yaml:5:3: unknown key `pth`
    hint: did you mean `path`?
    error: forge.yaml:12:5: unknown key `timout`
    hint: did you mean `timeout`?
    error: forge.yaml:15:7: unknown key `soaak`
    hint: did you mean `soak`?
    error: forge.yaml:11:18: environment 'prod': promoteFrom names unknown environment 'qa'
    hint: environments are listed in promotion order
    ");

    let typed = validate(&VALID.replace("  - name: dev\n", "  - name: dev\n    replicas: three\n"));
    assert_eq!(typed.status.code(), Some(2));
    assert!(
        stderr(&typed).contains("expected a whole number"),
        "{}",
        stderr(&typed)
    );
}

/// forge.yaml is read only from a regular file and at most 1 MiB of it: a FIFO is refused at
/// once (never waited on), a huge file without reading it all.
#[test]
fn a_fifo_or_huge_config_is_refused_at_once() {
    let env = TestEnv::new();
    let fifo = env.path().join("forge.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Killed after 20 s if it waits on the FIFO: then it has no exit code.
    let output = env
        .forge()
        .args(["config", "validate"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("forge.yaml is a FIFO, not a regular file"),
        "{}",
        stderr(&output)
    );

    std::fs::remove_file(&fifo).unwrap();
    let huge = std::fs::File::create(&fifo).unwrap();
    huge.set_len(3 << 30).unwrap();
    let output = env.forge().args(["config", "validate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is larger than the limit of 1.0 MiB"),
        "{}",
        stderr(&output)
    );
}
