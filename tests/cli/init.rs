use crate::{TestEnv, stderr, stdout};

const SCRIPTED: &[&str] = &[
    "init",
    "--yes",
    "--app",
    "shop",
    "--source",
    "helm",
    "--path",
    "chart",
    "--env-repo",
    "https://git.example.com/envs.git",
    "--envs",
    "dev,qa,prod",
    "--engine",
    "argocd",
];

#[test]
fn scripted_init_writes_a_config_that_validates() {
    let env = TestEnv::new();
    env.write(
        "chart/Chart.yaml",
        "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
    );
    let output = env.forge().args(SCRIPTED).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "forge.yaml\n");
    let loaded = forge::config::Loaded::load(&env.path().join("forge.yaml")).unwrap();
    let config = &loaded.config;
    assert_eq!(config.app.value, "shop");
    assert_eq!(config.source.kind, forge::config::SourceKind::Helm);
    assert_eq!(config.engine, forge::config::Engine::Argocd);
    assert_eq!(config.env_names(), ["dev", "qa", "prod"]);
    let prod = config.environment("prod").unwrap();
    assert_eq!(prod.promote_from.as_ref().unwrap().value, "qa");
    assert!(prod.protected);
    assert!(!config.environment("dev").unwrap().protected);

    let validate = env.forge().args(["config", "validate"]).output().unwrap();
    assert_eq!(validate.status.code(), Some(0), "{}", stderr(&validate));
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let env = TestEnv::new();
    env.write("forge.yaml", "keep me\n");
    let output = env.forge().args(SCRIPTED).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("forge.yaml already exists"));
    assert!(stderr(&output).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(env.path().join("forge.yaml")).unwrap(),
        "keep me\n"
    );

    let forced = env.forge().args(SCRIPTED).arg("--force").output().unwrap();
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(
        std::fs::read_to_string(env.path().join("forge.yaml"))
            .unwrap()
            .contains("app: \"shop\"")
    );
}

#[test]
fn without_a_terminal_or_yes_init_fails_with_a_hint() {
    let env = TestEnv::new();
    let output = env.forge().arg("init").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("there is no terminal to ask on"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert!(!env.path().join("forge.yaml").exists());
}

#[test]
fn yes_without_an_env_repo_is_a_usage_error() {
    let env = TestEnv::new();
    let output = env.forge().args(["init", "--yes"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--env-repo is required with --yes"));
}

#[test]
fn yes_fills_defaults_from_the_project() {
    let env = TestEnv::new();
    env.write("k8s/kustomization.yaml", "resources: []\n");
    let output = env
        .forge()
        .args([
            "init",
            "--yes",
            "--app",
            "web",
            "--env-repo",
            "git@example.com:envs.git",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let loaded = forge::config::Loaded::load(&env.path().join("forge.yaml")).unwrap();
    assert_eq!(loaded.config.source.path.value, "k8s");
    assert_eq!(loaded.config.env_names(), ["dev", "staging", "prod"]);
    assert_eq!(loaded.config.engine, forge::config::Engine::Flux);
}

#[test]
fn invalid_names_are_refused_before_writing() {
    let env = TestEnv::new();
    let output = env
        .forge()
        .args(["init", "--yes", "--app", "Shop!", "--env-repo", "x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("app name 'Shop!' is not valid"));
    assert!(!env.path().join("forge.yaml").exists());
}
