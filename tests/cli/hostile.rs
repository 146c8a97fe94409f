//! Hostile bundles (fixtures/hostile, written by generate.py and listed in cases.json) must be
//! refused by `forge bundle verify`/`inspect` and by `forge::bundle::read::extract`, with the
//! documented exit code and message, without a panic, and without a byte landing outside a
//! private temp dir. A bundle built by `forge bundle build` must still pass.

use forge::bundle::read::{Limits, extract};
use forge::error::Diagnose;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Set in the child process that runs the library extractions with a private TMPDIR.
const CHILD_ENV: &str = "FORGE_HOSTILE_EXTRACT_CHILD";
/// Every path a hostile bundle tries to write outside the bundle is named like this.
const TARGET_PREFIX: &str = "forge-hostile";
const SUFFIX: &str = ".forge.tar.zst";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    generator: String,
    zstd: String,
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    exit: i32,
    expect: Vec<String>,
    description: String,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile")
}

fn load_cases() -> Cases {
    let path = fixtures().join("cases.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The binary, isolated: empty HOME, no global git config, no forge.yaml, no FORGE_* settings.
fn forge(home: &Path, cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forge"));
    cmd.current_dir(cwd)
        .env("HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORGE_CONFIG")
        .env_remove("FORGE_OUTPUT")
        .env_remove("FORGE_LOG")
        .env_remove("FORGE_KEY_PASSWORD")
        .env_remove("SOURCE_DATE_EPOCH");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("forge runs")
}

fn entries(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(listing) => listing
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// At most 2000 characters of an error message, so that a bomb's output stays readable.
fn clip(text: &str) -> String {
    match text.char_indices().nth(2000) {
        Some((end, _)) => format!("{}… ({} bytes)", &text[..end], text.len()),
        None => text.to_string(),
    }
}

/// Every `forge-hostile*` name in `dirs` (not recursive: escapes land directly in one of them).
fn escaped_targets(dirs: &BTreeSet<PathBuf>) -> Vec<PathBuf> {
    dirs.iter()
        .flat_map(|dir| {
            entries(dir)
                .into_iter()
                .filter(|name| name.starts_with(TARGET_PREFIX))
                .map(move |name| dir.join(name))
        })
        .collect()
}

/// Where a reader that honoured `/abs`, `../x` or `source/../../x` would have written.
fn watched_dirs(tmp: &Path, cwd: &Path) -> BTreeSet<PathBuf> {
    let mut dirs = BTreeSet::new();
    dirs.extend(tmp.ancestors().map(Path::to_path_buf));
    dirs.extend(cwd.ancestors().map(Path::to_path_buf));
    dirs.extend(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(Path::to_path_buf),
    );
    dirs.insert(PathBuf::from("/tmp"));
    dirs
}

#[test]
fn there_are_at_least_15_cases_and_every_fixture_is_listed() {
    let cases = load_cases();
    assert_eq!(cases.generator, "fixtures/hostile/generate.py");
    assert!(cases.zstd.starts_with('v'), "zstd version {}", cases.zstd);
    assert!(
        cases.cases.len() >= 15,
        "only {} hostile cases",
        cases.cases.len()
    );
    let mut listed = BTreeSet::new();
    for case in &cases.cases {
        assert!(
            listed.insert(case.file.clone()),
            "{} listed twice",
            case.file
        );
        assert!(case.file.ends_with(SUFFIX), "{}", case.file);
        assert!(
            matches!(case.exit, 2 | 6),
            "{}: exit {}",
            case.file,
            case.exit
        );
        assert!(!case.expect.is_empty(), "{}: nothing expected", case.file);
        assert!(
            !case.description.is_empty(),
            "{}: no description",
            case.file
        );
        let size = std::fs::metadata(fixtures().join(&case.file))
            .unwrap_or_else(|e| panic!("{}: {e}", case.file))
            .len();
        assert!(size < 1 << 20, "{} is {size} bytes", case.file);
    }
    let on_disk: BTreeSet<String> = entries(&fixtures())
        .into_iter()
        .filter(|name| name.ends_with(SUFFIX))
        .collect();
    assert_eq!(on_disk, listed, "fixtures on disk and cases.json disagree");
}

#[test]
fn cli_refuses_every_hostile_bundle() {
    let cases = load_cases();
    let home = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let watched = watched_dirs(&std::env::temp_dir(), cwd.path());
    let before = escaped_targets(&watched);
    assert!(
        before.is_empty(),
        "left over from an earlier run: {before:?}"
    );

    let mut failures = Vec::new();
    for case in &cases.cases {
        let bundle = fixtures().join(&case.file);
        for command in ["verify", "inspect"] {
            let out = run(forge(home.path(), cwd.path())
                .args(["bundle", command])
                .arg(&bundle));
            let stderr = String::from_utf8_lossy(&out.stderr);
            let mut problems = Vec::new();
            if out.status.code() != Some(case.exit) {
                problems.push(format!("exit {:?}, want {}", out.status.code(), case.exit));
            }
            for want in &case.expect {
                if !stderr.contains(want.as_str()) {
                    problems.push(format!("stderr lacks {want:?}"));
                }
            }
            if stderr.contains("panicked") {
                problems.push("panicked".into());
            }
            if stderr.contains('\u{1b}') {
                problems.push("raw escape character on stderr".into());
            }
            if !stderr.starts_with("error: ") {
                problems.push("stderr does not start with `error: `".into());
            }
            if stderr.len() > 4096 {
                problems.push(format!("stderr is {} bytes", stderr.len()));
            }
            if !out.stdout.is_empty() {
                problems.push("wrote to stdout".into());
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{} ({command}): {}\n  stderr: {}",
                    case.file,
                    problems.join("; "),
                    clip(stderr.trim_end())
                ));
            }
        }
    }
    assert!(
        entries(cwd.path()).is_empty(),
        "forge wrote into its cwd: {:?}",
        entries(cwd.path())
    );
    let escaped = escaped_targets(&watched);
    assert!(
        escaped.is_empty(),
        "written outside the bundle: {escaped:?}"
    );
    assert_no_failures(&failures, cases.cases.len());
}

/// Fails listing every failing case at once, so one run shows them all.
fn assert_no_failures(failures: &[String], cases: usize) {
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `extract` makes its dir with `std::env::temp_dir()`; setting TMPDIR in a threaded test
/// harness is racy, so the extractions run in a child copy of this test binary with a private,
/// empty TMPDIR and cwd, which must still be empty after every refusal.
#[test]
fn library_extract_refuses_every_hostile_bundle() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return extract_every_case();
    }
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let watched = watched_dirs(tmp.path(), cwd.path());
    let before = escaped_targets(&watched);
    assert!(
        before.is_empty(),
        "left over from an earlier run: {before:?}"
    );

    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "hostile::library_extract_refuses_every_hostile_bundle",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .current_dir(cwd.path())
        .env(CHILD_ENV, "1")
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    let report = format!(
        "child stdout:\n{}\nchild stderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{report}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "the child ran no test\n{report}"
    );
    assert!(entries(tmp.path()).is_empty(), "{:?}", entries(tmp.path()));
    assert!(entries(cwd.path()).is_empty(), "{:?}", entries(cwd.path()));
    let escaped = escaped_targets(&watched);
    assert!(
        escaped.is_empty(),
        "written outside the bundle: {escaped:?}"
    );
}

fn extract_every_case() {
    let cases = load_cases();
    let tmp = std::env::temp_dir();
    let cwd = std::env::current_dir().unwrap();
    assert!(
        entries(&tmp).is_empty(),
        "TMPDIR {} not empty",
        tmp.display()
    );
    let watched = watched_dirs(&tmp, &cwd);

    let mut failures = Vec::new();
    for case in &cases.cases {
        let bundle = fixtures().join(&case.file);
        let mut problems = Vec::new();
        match extract(&bundle, &Limits::default()) {
            Ok(extracted) => problems.push(format!(
                "accepted, unpacked into {}",
                extracted.dir.path().display()
            )),
            Err(err) => {
                let message = err.to_string();
                if err.exit_code().code() != case.exit {
                    problems.push(format!(
                        "exit code {}, want {}",
                        err.exit_code().code(),
                        case.exit
                    ));
                }
                for want in &case.expect {
                    if !message.contains(want.as_str()) {
                        problems.push(format!("message lacks {want:?}: {}", clip(&message)));
                    }
                }
            }
        }
        let left = entries(&tmp);
        if !left.is_empty() {
            problems.push(format!("left in TMPDIR: {left:?}"));
        }
        let escaped = escaped_targets(&watched);
        if !escaped.is_empty() {
            problems.push(format!("written outside the bundle: {escaped:?}"));
        }
        if !entries(&cwd).is_empty() {
            problems.push(format!("written into the cwd: {:?}", entries(&cwd)));
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}", case.file, problems.join("; ")));
        }
    }
    assert_no_failures(&failures, cases.cases.len());
}

#[test]
fn a_bundle_built_by_forge_verifies_and_extracts() {
    let home = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample");

    let built = run(forge(home.path(), cwd.path())
        .arg("-C")
        .arg(sample.join("forge.yaml"))
        .args(["bundle", "build", "--version", "1.0.0", "--out"])
        .arg(out_dir.path())
        .env("SOURCE_DATE_EPOCH", "1700000000"));
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "build failed: {stderr}");
    let bundle = out_dir.path().join("hello-1.0.0.forge.tar.zst");
    assert!(
        bundle.is_file(),
        "{} missing; stderr: {stderr}",
        bundle.display()
    );

    let verified = run(forge(home.path(), cwd.path())
        .args(["bundle", "verify"])
        .arg(&bundle));
    let stdout = String::from_utf8_lossy(&verified.stdout);
    let stderr = String::from_utf8_lossy(&verified.stderr);
    assert_eq!(verified.status.code(), Some(0), "verify: {stderr}");
    assert!(
        stdout.contains(": ok (hello 1.0.0, 3 files, sha256:"),
        "{stdout}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let extracted = extract(&bundle, &Limits::default()).expect("a built bundle extracts");
    let manifest = &extracted.verified.manifest;
    assert_eq!(manifest.app, "hello");
    assert_eq!(manifest.version, "1.0.0");
    assert_eq!(manifest.created_at, "2023-11-14T22:13:20Z");
    let paths: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "source/deployment.yaml",
            "source/kustomization.yaml",
            "source/service.yaml"
        ]
    );
    let mut top = entries(extracted.dir.path());
    top.sort();
    assert_eq!(top, [".forge-scratch", "source"]);
    let source = extracted.source_dir();
    let mut names = entries(&source);
    names.sort();
    assert_eq!(
        names,
        ["deployment.yaml", "kustomization.yaml", "service.yaml"]
    );
    for name in &names {
        assert_eq!(
            std::fs::read(source.join(name)).unwrap(),
            std::fs::read(sample.join("base").join(name)).unwrap(),
            "{name} differs from fixtures/sample/base"
        );
    }
    let dir = extracted.dir.path().to_path_buf();
    drop(extracted);
    assert!(!dir.exists(), "{} outlived the Extracted", dir.display());
}

/// generate.py needs only python3 and the zstd CLI; zstd's output can change between releases,
/// so the bytes are compared when the local zstd is the version cases.json records.
#[test]
fn generate_py_reproduces_the_committed_fixtures() {
    let cases = load_cases();
    // Locally a missing or different tool skips with a message; in CI (CI=true) it fails.
    let skip = |why: String| {
        assert!(std::env::var_os("CI").is_none(), "in CI: {why}");
        eprintln!("SKIPPED: {why}");
    };
    let zstd = Command::new("zstd").arg("--version").output();
    let python = Command::new("python3").arg("--version").output();
    let (Ok(zstd), Ok(python)) = (zstd, python) else {
        return skip("python3 or zstd is not installed".into());
    };
    if !zstd.status.success() || !python.status.success() {
        return skip("python3 or zstd does not run".into());
    }
    let version = String::from_utf8_lossy(&zstd.stdout);
    if !version.contains(&format!("{},", cases.zstd)) {
        return skip(format!(
            "fixtures were made with zstd {}, this is {} (rerun generate.py)",
            cases.zstd,
            version.trim()
        ));
    }

    let out = tempfile::tempdir().unwrap();
    let generated = Command::new("python3")
        .arg(fixtures().join("generate.py"))
        .arg(out.path())
        .env_remove("FORGE_ZSTD")
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "generate.py failed:\n{}",
        String::from_utf8_lossy(&generated.stderr)
    );

    let committed: BTreeSet<String> = entries(&fixtures())
        .into_iter()
        .filter(|name| name != "generate.py" && name != "__pycache__")
        .collect();
    let fresh: BTreeSet<String> = entries(out.path()).into_iter().collect();
    assert_eq!(
        fresh, committed,
        "generate.py writes a different set of files"
    );
    let differing: Vec<&String> = fresh
        .iter()
        .filter(|name| {
            std::fs::read(out.path().join(name.as_str())).unwrap()
                != std::fs::read(fixtures().join(name.as_str())).unwrap()
        })
        .collect();
    assert!(
        differing.is_empty(),
        "regenerated bytes differ (rerun fixtures/hostile/generate.py): {differing:?}"
    );
}
