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

/// From an empty directory to a healthy first deploy with no file written by hand: `forge
/// init` scaffolds the source, `forge bootstrap` makes what applies each env dir (applied with
/// the real kubectl to a sandbox nobody bootstrapped), and `forge deploy dev` lands.
#[test]
fn init_then_bootstrap_then_deploy_in_an_empty_directory() {
    if !crate::require_tool("kubectl") {
        return;
    }
    let repo = crate::deploy::EnvRepoFixture::new();
    let sandbox = crate::sandbox::RunningSandbox::start_with(
        &repo.env,
        &[
            "--env-repo",
            &repo.url,
            "--interval",
            "1s",
            "--no-bootstrap",
        ],
    );
    let project = repo.env.path().join("shop");
    std::fs::create_dir_all(&project).unwrap();
    crate::git(&project, &["init", "-q"]);
    let forge = |args: &[&str]| {
        let output = repo
            .forge()
            .env("KUBECONFIG", sandbox.dir.join("kubeconfig"))
            .args(["-C", "shop/forge.yaml"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "forge {args:?}: {}",
            stderr(&output)
        );
        output
    };
    let init = forge(&[
        "init",
        "--yes",
        "--app",
        "shop",
        "--env-repo",
        &repo.url,
        "--envs",
        "dev,prod",
    ]);
    assert!(
        stderr(&init).contains("deploy/: a kustomize base"),
        "{}",
        stderr(&init)
    );
    assert!(project.join("deploy/kustomization.yaml").is_file());
    assert_eq!(
        std::fs::read_to_string(project.join(".gitignore")).unwrap(),
        "# bundles built by forge\ndist/\n"
    );

    // A repository without commits says so, and how to name a version.
    let unversioned = repo
        .forge()
        .args(["-C", "shop/forge.yaml", "bundle", "build"])
        .output()
        .unwrap();
    assert_eq!(unversioned.status.code(), Some(2));
    assert!(
        stderr(&unversioned).contains("with no commits yet"),
        "{}",
        stderr(&unversioned)
    );

    let objects = forge(&["bootstrap", "--out", "-"]);
    let file = repo.env.write("shop-gitops.yaml", &stdout(&objects));
    sandbox.kubectl_ok(&["apply", "-f", file.to_str().unwrap()]);
    let deployed = forge(&["deploy", "dev", "--version", "0.1.0"]);
    assert!(
        stderr(&deployed).contains("Healthy"),
        "{}",
        stderr(&deployed)
    );
    let image = sandbox.kubectl_ok(&[
        "get",
        "deployment",
        "shop",
        "-n",
        "shop-dev",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image} {.status.readyReplicas}",
    ]);
    assert_eq!(image, "nginx:1.27-alpine 1");
}

/// A Helm project starts from a chart `helm template` renders, with the image where forge
/// sets it.
#[test]
fn init_scaffolds_a_chart_helm_renders() {
    if !crate::require_tool("helm") {
        return;
    }
    let env = TestEnv::new();
    let mut args = SCRIPTED.to_vec();
    args.retain(|a| *a != "--path" && *a != "chart");
    let output = env.forge().args(&args).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rendered = std::process::Command::new("helm")
        .args(["template", "shop", "chart", "--set", "image.tag=9.9"])
        .current_dir(env.path())
        .output()
        .unwrap();
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let text = String::from_utf8_lossy(&rendered.stdout);
    assert!(text.contains("image: \"nginx:9.9\""), "{text}");
    assert!(text.contains("kind: Service"), "{text}");
    let render = env
        .forge()
        .args(["render", "dev", "--version", "0.1.0"])
        .output()
        .unwrap();
    assert_eq!(render.status.code(), Some(0), "{}", stderr(&render));
}
