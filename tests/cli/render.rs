//! `forge render`: every overlay kind, judged by the real `kubectl kustomize` and
//! `helm template`.

use crate::{TestEnv, copy_dir, fixture, require_tool, run_ok, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DIGEST: &str = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

/// `forge -C sample/forge.yaml render dev --version 1.0.0 --out OUT ARGS`, as it ends.
pub fn render_sample_dev(env: &TestEnv, out: &str, args: &[&str]) -> Output {
    let render = ["render", "dev", "--version", "1.0.0", "--out", out];
    env.forge_sample(&render).args(args).output().unwrap()
}

pub fn render(env: &TestEnv, config: &Path, target: &str, out: &str) -> PathBuf {
    let output = env
        .forge()
        .arg("-C")
        .arg(config)
        .args(["render", target, "--version", "1.0.0", "--out", out])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{out}\n"));
    env.path().join(out)
}

/// The sample app with a dev env that sets everything an overlay can carry.
pub fn kustomize_app(env: &TestEnv) -> PathBuf {
    let app = env.sample_app("sample");
    let config = std::fs::read_to_string(app.join("forge.yaml")).unwrap().replace(
        "  - name: dev\n",
        "  - name: dev\n    namespace: hello-dev\n    replicas: 3\n    config:\n      LOG_LEVEL: debug\n    patches:\n      - |\n        apiVersion: apps/v1\n        kind: Deployment\n        metadata:\n          name: hello\n        spec:\n          minReadySeconds: 7\n",
    );
    std::fs::write(app.join("forge.yaml"), config).unwrap();
    app
}

fn kubectl_kustomize(dir: &Path) -> String {
    run_ok(Command::new("kubectl").arg("kustomize").arg(dir))
}

#[test]
fn kustomize_overlay_builds_with_kubectl_and_pins_everything() {
    if !require_tool("kubectl") {
        return;
    }
    let env = TestEnv::new();
    let app = kustomize_app(&env);
    let dir = render(&env, &app.join("forge.yaml"), "dev", "out");
    let built = kubectl_kustomize(&dir);
    assert!(
        built.contains(&format!("image: ghcr.io/forge-demo/hello@{DIGEST}")),
        "{built}"
    );
    assert!(built.contains("replicas: 3"), "{built}");
    assert!(built.contains("namespace: hello-dev"), "{built}");
    assert!(
        built.contains("app.kubernetes.io/version: 1.0.0"),
        "{built}"
    );
    assert!(
        built.contains("LOG_LEVEL: debug") && built.contains("name: hello-config-"),
        "{built}"
    );
    assert!(built.contains("minReadySeconds: 7"), "{built}");
    // Selectors are immutable: the version label must stay out of them.
    assert!(
        !built.contains(
            "matchLabels:\n      app.kubernetes.io/name: hello\n      app.kubernetes.io/version"
        ),
        "{built}"
    );

    let release: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("release.json")).unwrap()).unwrap();
    assert_eq!(release["app"], "hello");
    assert_eq!(release["env"], "dev");
    assert_eq!(release["version"], "1.0.0");
    assert_eq!(release["deployedAt"], "2023-11-14T22:13:20Z");
    assert!(
        release["bundleDigest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
}

#[test]
fn rendering_is_deterministic_and_lists_files_as_json() {
    let env = TestEnv::new();
    let app = kustomize_app(&env);
    let one = render(&env, &app.join("forge.yaml"), "dev", "one");
    let two = render(&env, &app.join("forge.yaml"), "dev", "two");
    let read = |dir: &Path| forge::fs::read_tree(dir).unwrap();
    assert_eq!(read(&one), read(&two));

    let output = render_sample_dev(&env, "three", &["--output", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let files: Vec<&str> = listed["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "base/deployment.yaml",
            "base/kustomization.yaml",
            "base/service.yaml",
            "kustomization.yaml",
            "release.json"
        ]
    );
}

#[test]
fn kustomize_with_argocd_adds_an_application_without_credentials() {
    let env = TestEnv::new();
    let app = env.sample_app("sample");
    let config = std::fs::read_to_string(app.join("forge.yaml"))
        .unwrap()
        .replace(
            "file:///tmp/forge-sample-envs.git",
            "https://bot:hunter2@git.example.com/envs.git",
        )
        .replace("engine: flux", "engine: argocd");
    std::fs::write(app.join("forge.yaml"), config).unwrap();
    let dir = render(&env, &app.join("forge.yaml"), "staging", "out");
    let text = std::fs::read_to_string(dir.join("application.yaml")).unwrap();
    assert!(
        !text.contains("hunter2") && !text.contains("bot@"),
        "{text}"
    );
    let application: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(application["kind"], "Application");
    assert_eq!(application["metadata"]["name"], "hello-staging");
    assert_eq!(
        application["spec"]["source"]["repoURL"],
        "https://git.example.com/envs.git"
    );
    assert_eq!(application["spec"]["source"]["path"], "apps/hello/staging");
    assert!(application["spec"]["source"].get("helm").is_none());
}

fn helm_template(chart: &Path, values: &serde_json::Value, namespace: &str) -> String {
    let values_file = chart.parent().unwrap().join("values-under-test.json");
    std::fs::write(&values_file, serde_json::to_vec(values).unwrap()).unwrap();
    run_ok(
        Command::new("helm")
            .args(["template", "shop"])
            .arg(chart)
            .arg("-f")
            .arg(&values_file)
            .args(["--namespace", namespace])
            .env("HOME", chart.parent().unwrap()),
    )
}

#[test]
fn helm_overlays_render_with_helm_template() {
    if !require_tool("helm") {
        return;
    }
    let env = TestEnv::new();
    copy_dir(&fixture("sample-helm"), &env.path().join("shop"));
    let config = env.path().join("shop/forge.yaml");
    let digest = "sha256:4f8a3c2b1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a";

    // Flux: a HelmRelease whose values merge chart defaults, env values and the image.
    let dev = render(&env, &config, "dev", "dev");
    let release: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(dev.join("helmrelease.yaml")).unwrap())
            .unwrap();
    assert_eq!(release["apiVersion"], "helm.toolkit.fluxcd.io/v2");
    assert_eq!(
        release["spec"]["chart"]["spec"]["chart"],
        "./apps/shop/dev/chart"
    );
    assert_eq!(release["spec"]["targetNamespace"], "shop-dev");
    let values = &release["spec"]["values"];
    assert_eq!(values["service"]["port"], 80, "chart defaults are kept");
    let manifests = helm_template(&dev.join("chart"), values, "shop-dev");
    assert!(
        manifests.contains(&format!("image: \"ghcr.io/forge-demo/shop@{digest}\"")),
        "{manifests}"
    );
    assert!(manifests.contains("replicas: 2"), "{manifests}");
    assert!(manifests.contains("value: \"debug\""), "{manifests}");
    let listing = std::fs::read_to_string(dev.join("kustomization.yaml")).unwrap();
    assert!(listing.contains("- helmrelease.yaml"), "{listing}");

    // Argo CD: an Application with the same values as valuesObject.
    let prod = render(&env, &config, "prod", "prod");
    let application: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(prod.join("application.yaml")).unwrap())
            .unwrap();
    assert_eq!(
        application["spec"]["source"]["path"],
        "apps/shop/prod/chart"
    );
    assert_eq!(
        application["spec"]["source"]["repoURL"],
        "https://git.example.com/platform/envs.git"
    );
    let values = &application["spec"]["source"]["helm"]["valuesObject"];
    let manifests = helm_template(&prod.join("chart"), values, "shop");
    assert!(
        manifests.contains(&format!("image: \"ghcr.io/forge-demo/shop@{digest}\"")),
        "{manifests}"
    );
    assert!(manifests.contains("replicas: 3"), "{manifests}");
    assert!(manifests.contains("value: \"info\""), "{manifests}");
}

#[test]
fn bad_inputs_are_refused_and_nothing_is_written() {
    let env = TestEnv::new();
    let app = env.sample_app("sample");
    let run = |args: &[&str]| env.forge_sample(&["render"]).args(args).output().unwrap();

    let unknown = run(&["qa", "--version", "1.0.0", "--out", "x"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unknown environment 'qa'"),
        "{}",
        stderr(&unknown)
    );
    assert!(
        stderr(&unknown).contains("defines: dev, staging, prod"),
        "{}",
        stderr(&unknown)
    );

    let missing = run(&["dev", "--bundle", "nope.forge.tar.zst", "--out", "x"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("does not exist"));

    // prod requires digests: a tag-only image is refused.
    let unpinned = run(&[
        "prod",
        "--version",
        "1.0.0",
        "--image",
        "web=ghcr.io/forge-demo/hello:1.0",
        "--out",
        "x",
    ]);
    assert_eq!(unpinned.status.code(), Some(6), "{}", stderr(&unpinned));
    assert!(
        stderr(&unpinned).contains("requires images pinned by digest"),
        "{}",
        stderr(&unpinned)
    );

    // A bundle of another app.
    copy_dir(&fixture("sample-helm"), &env.path().join("shop"));
    let other = env.build_bundle(&env.path().join("shop"), "dist", &["--version", "1.0.0"]);
    let foreign = run(&["dev", "--bundle", other.to_str().unwrap(), "--out", "x"]);
    assert_eq!(foreign.status.code(), Some(2));
    assert!(
        stderr(&foreign).contains("is for app 'shop'"),
        "{}",
        stderr(&foreign)
    );
    assert!(!env.path().join("x").exists());
    let _ = app;
}

#[test]
fn project_templates_override_the_embedded_ones() {
    let env = TestEnv::new();
    let app = env.sample_app("sample");
    env.write(
        "sample/templates/kustomization.yaml.j2",
        "resources: [base]\n# custom for {{ env }}\n",
    );
    let dir = render(&env, &app.join("forge.yaml"), "dev", "out");
    assert_eq!(
        std::fs::read_to_string(dir.join("kustomization.yaml")).unwrap(),
        "resources: [base]\n# custom for dev\n"
    );

    env.write(
        "sample/templates/kustomization.yaml.j2",
        "resources: [base]\n\n{{ no_such_thing }}\n",
    );
    let output = render_sample_dev(&env, "bad", &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("template kustomization.yaml.j2: line 3"),
        "{err}"
    );
    assert!(err.contains("undefined"), "{err}");
}

#[test]
fn a_helm_repository_replaces_the_shipped_chart() {
    let env = TestEnv::new();
    copy_dir(&fixture("sample-helm"), &env.path().join("shop"));
    let config = env.path().join("shop/forge.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("helmRepository:\n  url: https://charts.example.com/acme\n  name: acme-charts\n");
    std::fs::write(&config, text).unwrap();

    let dev = render(&env, &config, "dev", "dev");
    assert!(
        !dev.join("chart").exists(),
        "the chart comes from the repository"
    );
    let release: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(dev.join("helmrelease.yaml")).unwrap())
            .unwrap();
    let spec = &release["spec"]["chart"]["spec"];
    assert_eq!(spec["chart"], "shop");
    assert_eq!(spec["version"], "0.1.0");
    assert_eq!(spec["sourceRef"]["kind"], "HelmRepository");
    assert_eq!(spec["sourceRef"]["name"], "acme-charts");

    let prod = render(&env, &config, "prod", "prod");
    let application: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(prod.join("application.yaml")).unwrap())
            .unwrap();
    let source = &application["spec"]["source"];
    assert_eq!(source["repoURL"], "https://charts.example.com/acme");
    assert_eq!(source["chart"], "shop");
    assert_eq!(source["targetRevision"], "0.1.0");
    assert!(source.get("path").is_none());
    assert_eq!(source["helm"]["valuesObject"]["replicaCount"], 3);
}

/// `--image web=REF` in another repository than the base's moves the container named `web`
/// there (kustomize matches the base's repository, not the new one).
#[test]
fn an_image_override_may_change_the_repository() {
    if !require_tool("kubectl") {
        return;
    }
    let env = TestEnv::new();
    let app = env.sample_app("sample");
    let output = env
        .forge()
        .arg("-C")
        .arg(app.join("forge.yaml"))
        .args(["render", "dev", "--version", "1.0.0", "--out", "out"])
        .args(["--image", "web=registry.example/mirror/hello:2.0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("not used by any container"),
        "{}",
        stderr(&output)
    );
    let built = kubectl_kustomize(&env.path().join("out"));
    assert!(
        built.contains("image: registry.example/mirror/hello:2.0"),
        "{built}"
    );
}

/// `recreate`, and `rolling` with bounds, are rendered into every Deployment's strategy.
#[test]
fn rolling_and_recreate_strategies_reach_the_deployments() {
    if !require_tool("kubectl") {
        return;
    }
    let env = TestEnv::new();
    let app = env.sample_app("sample");
    let config = std::fs::read_to_string(app.join("forge.yaml")).unwrap().replace(
        "  - name: dev\n",
        "  - name: dev\n    strategy:\n      type: recreate\n  - name: qa\n    strategy:\n      type: rolling\n      maxSurge: 1\n      maxUnavailable: \"25%\"\n",
    );
    std::fs::write(app.join("forge.yaml"), config).unwrap();
    let strategy = |target: &str| {
        let dir = render(
            &env,
            &app.join("forge.yaml"),
            target,
            &format!("out-{target}"),
        );
        let built = kubectl_kustomize(&dir);
        let documents: Vec<serde_json::Value> = serde_saphyr::from_multiple(&built).unwrap();
        documents
            .into_iter()
            .find(|d| d["kind"] == "Deployment")
            .unwrap()["spec"]["strategy"]
            .clone()
    };
    assert_eq!(strategy("dev"), serde_json::json!({"type": "Recreate"}));
    assert_eq!(
        strategy("qa"),
        serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}})
    );
    // Bounds belong to rolling only, and must be counts or percentages.
    let bad = std::fs::read_to_string(app.join("forge.yaml"))
        .unwrap()
        .replace("maxUnavailable: \"25%\"", "maxUnavailable: \"lots\"");
    std::fs::write(app.join("forge.yaml"), bad).unwrap();
    let output = env
        .forge()
        .arg("-C")
        .arg(app.join("forge.yaml"))
        .args(["config", "validate"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("a count or a percentage"),
        "{}",
        stderr(&output)
    );
}

/// forge's scratch dirs (and anything else) in `tmp`, sorted.
fn temp_entries(tmp: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(tmp)
        .unwrap()
        .map(|item| item.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_start_sweeps_marked_scratch_dirs_a_day_old_and_nothing_else() {
    let env = TestEnv::new();
    env.sample_app("sample");
    let tmp = env.path().join("tmp");
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
    for (name, marked, written) in [
        ("forge-bundle-killed", true, two_days_ago),
        ("forge-build-running", true, std::time::SystemTime::now()),
        ("forge-render-output", false, two_days_ago),
    ] {
        let dir = tmp.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let file = if marked {
            ".forge-scratch"
        } else {
            "kustomization.yaml"
        };
        let file = std::fs::File::create(dir.join(file)).unwrap();
        file.set_modified(written).unwrap();
    }
    let render = ["render", "dev", "--version", "1.0.0", "--out", "out"];
    let output = env
        .forge_sample(&render)
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        temp_entries(&tmp),
        [".forge-swept", "forge-build-running", "forge-render-output"]
    );
}

#[test]
fn sigterm_while_rendering_leaves_no_scratch_dir() {
    let env = TestEnv::new();
    let app = env.sample_app("sample");
    // Big enough that building, unpacking and rendering it takes a while.
    let noise = crate::support::files::noise(96 << 20);
    std::fs::write(app.join("base/noise.bin"), noise).unwrap();
    let tmp = env.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let render = ["render", "dev", "--version", "1.0.0", "--out", "out"];
    let mut running = Command::new(env!("CARGO_BIN_EXE_forge"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.path().join("home"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("TMPDIR", &tmp)
        .current_dir(env.path())
        .args(["-C", "sample/forge.yaml"])
        .args(render)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let scratch_dirs = || {
        let mut names = temp_entries(&tmp);
        names.retain(|name| name.starts_with("forge-"));
        names
    };
    // Sent once a scratch dir exists, whichever step forge is in.
    while scratch_dirs().is_empty() {
        assert!(
            running.try_wait().unwrap().is_none(),
            "forge ended before it made a scratch dir"
        );
        std::thread::yield_now();
    }
    let sent = Command::new("kill")
        .args(["-TERM", &running.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let output = running.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(143), "{}", stderr(&output));
    assert_eq!(scratch_dirs(), Vec::<String>::new());
}

#[test]
fn render_all_writes_every_env_as_its_own_render_would() {
    let env = TestEnv::new();
    env.sample_app("sample");
    let all = [
        "render",
        "--all",
        "--version",
        "1.0.0",
        "--out",
        "all",
        "--output",
        "json",
    ];
    let output = env.forge_sample(&all).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).matches("Building").count(),
        1,
        "one bundle for every env: {}",
        stderr(&output)
    );
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let envs: Vec<&str> = listed["envs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["env"].as_str().unwrap())
        .collect();
    assert_eq!(envs, ["dev", "staging", "prod"]);
    let read = |dir: &Path| forge::fs::read_tree(dir).unwrap();
    for name in envs {
        let alone = ["render", name, "--version", "1.0.0", "--out", name];
        let output = env.forge_sample(&alone).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(
            read(&env.path().join("all").join(name)),
            read(&env.path().join(name)),
            "{name}"
        );
    }

    let both = env
        .forge_sample(&["render", "dev", "--all"])
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
    let neither = env.forge_sample(&["render"]).output().unwrap();
    assert_eq!(neither.status.code(), Some(2), "{}", stderr(&neither));
}
