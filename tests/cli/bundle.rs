use crate::{TestEnv, git, stderr, stdout};
use std::path::{Path, PathBuf};

fn inspect_json(env: &TestEnv, bundle: &Path) -> serde_json::Value {
    // Global flags go after the subcommand too.
    let output = env
        .forge()
        .args(["bundle", "inspect"])
        .arg(bundle)
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn build_prints_the_path_on_stdout_and_progress_on_stderr() {
    let env = TestEnv::new();
    env.sample_app("sample");
    let build = ["bundle", "build", "--version", "1.0.0", "--out", "dist"];
    let output = env.forge_sample(&build).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "dist/hello-1.0.0.forge.tar.zst\n");
    let err = stderr(&output);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    // No terminal: plain, timestamped lines.
    assert!(
        lines[0].starts_with("20") && lines[0].contains("Z Building hello 1.0.0"),
        "{err}"
    );
    assert!(
        lines[1].contains("Built dist/hello-1.0.0.forge.tar.zst"),
        "{err}"
    );
    let bundle = env.path().join("dist/hello-1.0.0.forge.tar.zst");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&bundle).unwrap().permissions().mode();
    assert_eq!(
        mode & 0o777,
        0o644,
        "bundles are world-readable, as tar writes them"
    );

    let quiet = env.forge_sample(&build).arg("-q").output().unwrap();
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(stderr(&quiet), "");
}

#[test]
fn the_manifest_records_app_version_images_time_and_every_file() {
    let env = TestEnv::new();
    let app = env.sample_app("sample");
    let override_ref = "ghcr.io/forge-demo/hello:2.0.0";
    let bundle = env.build_bundle(
        &app,
        "dist",
        &[
            "--version",
            "2.0.0",
            "--image",
            &format!("web={override_ref}"),
        ],
    );
    let shown = inspect_json(&env, &bundle);
    let manifest = &shown["manifest"];
    assert_eq!(manifest["app"], "hello");
    assert_eq!(manifest["version"], "2.0.0");
    assert_eq!(manifest["createdAt"], "2023-11-14T22:13:20Z");
    assert_eq!(manifest["source"]["kind"], "kustomize");
    assert_eq!(manifest["images"][0]["reference"], override_ref);
    assert!(manifest["images"][0].get("digest").is_none());
    let paths: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "source/deployment.yaml",
            "source/kustomization.yaml",
            "source/service.yaml"
        ]
    );
    let service = std::fs::read(app.join("base/service.yaml")).unwrap();
    assert_eq!(manifest["files"][2]["size"], service.len());
    let digest = forge::digest::file_sha256(&bundle).unwrap().0;
    assert_eq!(shown["digest"], forge::digest::prefixed(&digest));
}

#[test]
fn builds_are_byte_identical_across_runs_and_checkout_paths() {
    let env = TestEnv::new();
    let first = env.sample_app("a/sample");
    let second = env.sample_app("b/nested/deeper/sample");
    let one = env.build_bundle(&first, "out1", &["--version", "1.0.0"]);
    let two = env.build_bundle(&first, "out2", &["--version", "1.0.0"]);
    let three = env.build_bundle(&second, "out3", &["--version", "1.0.0"]);
    let bytes = |p: &PathBuf| std::fs::read(p).unwrap();
    assert_eq!(bytes(&one), bytes(&two));
    assert_eq!(bytes(&one), bytes(&three));
}

#[test]
fn zstd_output_does_not_depend_on_the_worker_count() {
    use forge::bundle::build::{BuildRequest, Provenance, build};
    let env = TestEnv::new();
    let source = env.path().join("src");
    std::fs::create_dir_all(&source).unwrap();
    std::fs::write(source.join("kustomization.yaml"), "resources: []\n").unwrap();
    // ~24 MiB of varied text, enough for zstd to split the work across several jobs.
    let mut state: u64 = 42;
    for file in 0..6 {
        let mut text = String::with_capacity(4 << 20);
        while text.len() < 4 << 20 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push_str(&format!("key-{}: value-{:x}\n", state >> 60, state >> 20));
        }
        std::fs::write(source.join(format!("data-{file}.yaml")), text).unwrap();
    }
    let digests: Vec<String> = [1u32, 2, 4]
        .iter()
        .map(|&workers| {
            let out = env.path().join(format!("out-{workers}"));
            let request = BuildRequest {
                app: "big",
                version: "1.0.0",
                source_kind: forge::config::SourceKind::Kustomize,
                source_dir: &source,
                images: Vec::new(),
                created_at: 1_700_000_000,
                provenance: Provenance::default(),
                out_dir: &out,
                workers,
            };
            build(&request, &()).unwrap().digest
        })
        .collect();
    assert_eq!(digests[0], digests[1]);
    assert_eq!(digests[0], digests[2]);
}

#[test]
fn in_git_the_version_and_time_come_from_the_commit() {
    let env = TestEnv::new();
    let app = env.sample_app("repo/sample");
    let repo = env.path().join("repo");
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "sample"]);
    git(&repo, &["tag", "v1.2.0"]);
    git(
        &repo,
        &[
            "remote",
            "add",
            "origin",
            "https://ci:s3cr3t-token@git.example.com/shop.git",
        ],
    );

    let build_here = |app: &Path, out: &str| {
        let output = env
            .forge()
            .env_remove("SOURCE_DATE_EPOCH")
            .arg("-C")
            .arg(app.join("forge.yaml"))
            .args(["bundle", "build", "--out", out])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        env.path().join(stdout(&output).trim_end())
    };
    let bundle = build_here(&app, "dist");
    assert!(
        bundle.ends_with("hello-1.2.0.forge.tar.zst"),
        "{}",
        bundle.display()
    );
    let manifest = &inspect_json(&env, &bundle)["manifest"];
    assert_eq!(manifest["createdAt"], "2024-05-01T12:00:00Z");
    assert_eq!(manifest["source"]["dirty"], false);
    assert_eq!(manifest["source"]["commit"].as_str().unwrap().len(), 40);
    assert_eq!(
        manifest["source"]["repo"],
        "https://ci:***@git.example.com/shop.git"
    );

    // A second clone elsewhere builds the same bytes.
    let clone = env.path().join("elsewhere/clone");
    std::fs::create_dir_all(clone.parent().unwrap()).unwrap();
    git(
        env.path(),
        &[
            "clone",
            "-q",
            repo.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
    );
    git(
        &clone,
        &[
            "remote",
            "set-url",
            "origin",
            "https://ci:s3cr3t-token@git.example.com/shop.git",
        ],
    );
    git(&clone, &["fetch", "-q", "--tags", repo.to_str().unwrap()]);
    let again = build_here(&clone.join("sample"), "dist2");
    assert_eq!(
        std::fs::read(env.path().join(&bundle)).unwrap(),
        std::fs::read(env.path().join(again)).unwrap()
    );
}

#[test]
fn outside_git_a_version_is_required() {
    let env = TestEnv::new();
    env.sample_app("sample");
    let output = env.forge_sample(&["bundle", "build"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("is not in a git repository"), "{err}");
    assert!(err.contains("hint: pass --version VERSION"), "{err}");
}

#[test]
fn bad_inputs_are_usage_errors_and_write_nothing() {
    let env = TestEnv::new();
    let app = env.sample_app("sample");
    let build = ["bundle", "build", "--out", "dist"];
    let run = |args: &[&str]| env.forge_sample(&build).args(args).output().unwrap();
    let bad_version = run(&["--version", "../1.0"]);
    assert_eq!(bad_version.status.code(), Some(2));
    assert!(stderr(&bad_version).contains("invalid version '../1.0'"));

    let bad_image = run(&["--version", "1.0.0", "--image", "web=acme/web@sha256:abc"]);
    assert_eq!(bad_image.status.code(), Some(2));
    assert!(stderr(&bad_image).contains("image 'web'"));

    let bad_flag = run(&["--version", "1.0.0", "--image", "nonsense"]);
    assert_eq!(bad_flag.status.code(), Some(2));

    std::fs::write(app.join("base/odd\\name.yaml"), "a: b\n").unwrap();
    let odd_name = run(&["--version", "1.0.0"]);
    assert_eq!(odd_name.status.code(), Some(2));
    assert!(
        stderr(&odd_name).contains("this name cannot go in a bundle"),
        "{}",
        stderr(&odd_name)
    );
    std::fs::remove_file(app.join("base/odd\\name.yaml")).unwrap();

    std::os::unix::fs::symlink("/etc/passwd", app.join("base/passwd")).unwrap();
    let symlink = run(&["--version", "1.0.0"]);
    assert_eq!(symlink.status.code(), Some(2));
    assert!(
        stderr(&symlink).contains("base/passwd: a symlink"),
        "{}",
        stderr(&symlink)
    );
    assert!(
        !env.path().join("dist").exists()
            || std::fs::read_dir(env.path().join("dist"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[test]
fn a_missing_bundle_is_a_usage_error() {
    let env = TestEnv::new();
    let output = env
        .forge()
        .args(["bundle", "inspect", "nope.forge.tar.zst"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("bundle nope.forge.tar.zst does not exist"));
}

#[test]
fn git_names_in_the_source_are_refused_not_packed() {
    let env = TestEnv::new();
    let app = env.sample_app("sample");
    let build = || {
        env.forge()
            .arg("-C")
            .arg(app.join("forge.yaml"))
            .args(["bundle", "build", "--version", "1.0.0", "--out", "dist"])
            .output()
            .unwrap()
    };
    // (file written, path named in the refusal, why)
    for (rel, refused_at, expected) in [
        (
            ".gitmodules",
            ".gitmodules",
            "component '.gitmodules', which is git's own",
        ),
        (
            ".GIT/config",
            ".GIT",
            "component '.GIT', which is git's own",
        ),
        (
            "deep/.gitattributes",
            "deep/.gitattributes",
            "component '.gitattributes', which is git's own",
        ),
        (
            "hello\u{202E}lmy.yaml",
            "hello\u{202E}lmy.yaml",
            "invisible character U+202E",
        ),
    ] {
        let path = app.join("base").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "a: b\n").unwrap();
        let refused = build();
        let err = stderr(&refused);
        assert_eq!(refused.status.code(), Some(2), "{rel}: {err}");
        let named = app.join("base").join(refused_at);
        assert!(err.contains(&named.display().to_string()), "{rel}: {err}");
        assert!(err.contains(expected), "{rel}: {err}");
        assert!(!env.path().join("dist/hello-1.0.0.forge.tar.zst").exists());
        let top = app.join("base").join(rel.split('/').next().unwrap());
        if top.is_dir() {
            std::fs::remove_dir_all(&top).unwrap();
        } else {
            std::fs::remove_file(&top).unwrap();
        }
    }

    // A repository's own `.git` (directory or worktree file) is git's data, left out.
    std::fs::create_dir_all(app.join("base/.git/objects")).unwrap();
    std::fs::write(app.join("base/.git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let built = build();
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let listed = inspect_json(&env, &env.path().join("dist/hello-1.0.0.forge.tar.zst"));
    let files = listed["manifest"]["files"].to_string();
    assert!(!files.contains(".git"), "{files}");
}

/// A build killed by SIGTERM or SIGINT takes its partial bundle with it; one a killed forge
/// left a day ago is swept by the next build, and nothing else in `--out` is touched.
#[test]
fn a_killed_build_leaves_no_partial_bundle_and_old_ones_are_swept() {
    let env = TestEnv::new();
    let app = env.sample_app("sample");
    // Big enough that packing it takes a while.
    let noise = crate::support::files::noise(96 << 20);
    std::fs::write(app.join("base/noise.bin"), noise).unwrap();
    let dist = env.path().join("dist");
    std::fs::create_dir(&dist).unwrap();
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
    for (name, written) in [
        (".forge-bundle-Ab12Cd.partial", two_days_ago),
        (".forge-bundle-Ef34Gh.partial", std::time::SystemTime::now()),
        (".forge-bundle-notes.txt", two_days_ago),
        ("bundle.partial", two_days_ago),
    ] {
        let file = std::fs::File::create(dist.join(name)).unwrap();
        file.set_modified(written).unwrap();
    }
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(&dist)
            .unwrap()
            .map(|item| item.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let kept = [
        ".forge-bundle-Ef34Gh.partial",
        ".forge-bundle-notes.txt",
        "bundle.partial",
    ];
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let mut running = std::process::Command::new(env!("CARGO_BIN_EXE_forge"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", env.path().join("home"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .current_dir(env.path())
            .args([
                "-C",
                "sample/forge.yaml",
                "bundle",
                "build",
                "--version",
                "1.0.0",
            ])
            .args(["--out", "dist"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Sent once this build's partial bundle exists.
        let planted = [".forge-bundle-Ab12Cd.partial"].iter().chain(&kept);
        let planted: Vec<&str> = planted.copied().collect();
        let writing = || {
            listing()
                .iter()
                .any(|name| name.starts_with(".forge-") && !planted.contains(&name.as_str()))
        };
        while !writing() {
            assert!(
                running.try_wait().unwrap().is_none(),
                "forge ended before it started writing: {:?}",
                listing()
            );
            std::thread::yield_now();
        }
        let sent = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &running.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let output = running.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(code), "{}", stderr(&output));
        assert_eq!(listing(), kept, "after SIG{signal}");
    }
}
