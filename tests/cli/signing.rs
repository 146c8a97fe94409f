use crate::{TestEnv, fixture, require_tool, stderr, stdout};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use std::path::{Path, PathBuf};

const PASSPHRASE: &str = "correct horse battery staple 7f3a";

/// A sample bundle in a fresh test env.
fn bundle(env: &TestEnv) -> PathBuf {
    env.build_bundle(&env.sample_app("sample"), "dist", &["--version", "1.0.0"])
}

fn keygen(env: &TestEnv, prefix: &str) {
    let output = env
        .forge()
        .env("FORGE_KEY_PASSWORD", PASSPHRASE)
        .args(["keygen", "--out", prefix])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

fn sign(env: &TestEnv, bundle: &Path, key: &Path, passphrase: &str) -> std::process::Output {
    env.forge()
        .env("FORGE_KEY_PASSWORD", passphrase)
        .args(["bundle", "sign"])
        .arg(bundle)
        .arg("--key")
        .arg(key)
        .output()
        .unwrap()
}

fn verify(env: &TestEnv, bundle: &Path, key: &Path) -> std::process::Output {
    env.forge()
        .args(["bundle", "verify"])
        .arg(bundle)
        .arg("--key")
        .arg(key)
        .output()
        .unwrap()
}

#[test]
fn keygen_sign_verify_round_trip() {
    let env = TestEnv::new();
    keygen(&env, "release");
    let key_text = std::fs::read_to_string(env.path().join("release.key")).unwrap();
    assert!(key_text.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
    let pub_text = std::fs::read_to_string(env.path().join("release.pub")).unwrap();
    assert!(pub_text.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.path().join("release.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    let bundle = bundle(&env);
    let signed = sign(&env, &bundle, &env.path().join("release.key"), PASSPHRASE);
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));
    let signature_path = PathBuf::from(format!("{}.sigstore.json", bundle.display()));
    assert_eq!(stdout(&signed).trim_end(), signature_path.to_str().unwrap());
    let sigstore: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&signature_path).unwrap()).unwrap();
    assert_eq!(
        sigstore["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(
        sigstore["messageSignature"]["messageDigest"]["algorithm"],
        "SHA2_256"
    );
    let digest = forge::digest::file_sha256(&bundle).unwrap().0;
    assert_eq!(
        sigstore["messageSignature"]["messageDigest"]["digest"],
        B64.encode(digest)
    );

    let ok = verify(&env, &bundle, &env.path().join("release.pub"));
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("verified with"), "{}", stdout(&ok));

    keygen(&env, "other");
    let wrong_key = verify(&env, &bundle, &env.path().join("other.pub"));
    assert_eq!(wrong_key.status.code(), Some(6));
    assert!(
        stderr(&wrong_key).contains("does not verify with the key"),
        "{}",
        stderr(&wrong_key)
    );
}

#[test]
fn the_key_files_refuse_to_be_overwritten() {
    let env = TestEnv::new();
    keygen(&env, "k");
    let before = std::fs::read(env.path().join("k.key")).unwrap();
    let again = env
        .forge()
        .env("FORGE_KEY_PASSWORD", "x")
        .args(["keygen", "--out", "k"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("k.key already exists"));
    assert_eq!(std::fs::read(env.path().join("k.key")).unwrap(), before);
}

#[test]
fn verification_refuses_missing_and_foreign_signatures() {
    let env = TestEnv::new();
    keygen(&env, "k");
    let bundle = bundle(&env);
    let missing = verify(&env, &bundle, &env.path().join("k.pub"));
    assert_eq!(missing.status.code(), Some(6));
    assert!(
        stderr(&missing).contains("no signature for"),
        "{}",
        stderr(&missing)
    );

    // Sign version 1.0.0, then rebuild the same path from changed source: the old signature
    // now belongs to another file.
    assert_eq!(
        sign(&env, &bundle, &env.path().join("k.key"), PASSPHRASE)
            .status
            .code(),
        Some(0)
    );
    let service = env.path().join("sample/base/service.yaml");
    let mut text = std::fs::read_to_string(&service).unwrap();
    text.push_str("# changed\n");
    std::fs::write(&service, text).unwrap();
    let rebuilt = self::bundle_again(&env);
    assert_eq!(rebuilt, bundle);
    let foreign = verify(&env, &bundle, &env.path().join("k.pub"));
    assert_eq!(foreign.status.code(), Some(6));
    assert!(
        stderr(&foreign).contains("was made for another file"),
        "{}",
        stderr(&foreign)
    );
}

fn bundle_again(env: &TestEnv) -> PathBuf {
    env.build_bundle(&env.path().join("sample"), "dist", &["--version", "1.0.0"])
}

#[test]
fn verify_uses_the_configured_public_key() {
    let env = TestEnv::new();
    let bundle = bundle(&env);
    let signed = sign(&env, &bundle, &fixture("keys/sample.key"), "forge-sample");
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));
    let output = env
        .forge()
        .args(["-C", "sample/forge.yaml", "bundle", "verify"])
        .arg(&bundle)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("keys/sample.pub"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn keys_made_by_cosign_sign_and_verify() {
    let env = TestEnv::new();
    let bundle = bundle(&env);
    // cosign's own test key (current PEM label, passphrase "hello") and a key from
    // sigstore/policy-controller's examples (legacy label, empty passphrase).
    for (key, passphrase) in [("cosign-sigstore", "hello"), ("cosign-legacy", "")] {
        let signed = sign(
            &env,
            &bundle,
            &fixture(&format!("keys/{key}.key")),
            passphrase,
        );
        assert_eq!(signed.status.code(), Some(0), "{key}: {}", stderr(&signed));
        let ok = verify(&env, &bundle, &fixture(&format!("keys/{key}.pub")));
        assert_eq!(ok.status.code(), Some(0), "{key}: {}", stderr(&ok));
    }
}

#[test]
fn a_wrong_passphrase_is_refused_without_echoing_it() {
    let env = TestEnv::new();
    keygen(&env, "k");
    let bundle = bundle(&env);
    let wrong = "not-the-passphrase-91c2";
    let output = sign(&env, &bundle, &env.path().join("k.key"), wrong);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("wrong passphrase"), "{err}");
    assert!(!err.contains(wrong) && !stdout(&output).contains(wrong));
}

#[test]
fn without_a_terminal_the_passphrase_must_come_from_the_environment() {
    let env = TestEnv::new();
    let output = env.forge().args(["keygen", "--out", "k"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("FORGE_KEY_PASSWORD"),
        "{}",
        stderr(&output)
    );
    assert!(!env.path().join("k.key").exists());
}

#[test]
fn secrets_never_reach_output_or_logs() {
    let env = TestEnv::new();
    let verbose = |cmd: &mut assert_cmd::Command| {
        cmd.env("FORGE_LOG", "trace").arg("-vv");
    };
    let mut outputs = Vec::new();
    let mut cmd = env.forge();
    verbose(&mut cmd);
    outputs.push(
        cmd.env("FORGE_KEY_PASSWORD", PASSPHRASE)
            .args(["keygen", "--out", "k", "--output", "json"])
            .output()
            .unwrap(),
    );
    let bundle = bundle(&env);
    for passphrase in [PASSPHRASE, "wrong-one-but-still-secret"] {
        let mut cmd = env.forge();
        verbose(&mut cmd);
        outputs.push(
            cmd.env("FORGE_KEY_PASSWORD", passphrase)
                .args(["bundle", "sign"])
                .arg(&bundle)
                .args(["--key", "k.key", "--output", "json"])
                .output()
                .unwrap(),
        );
    }
    let private_key = std::fs::read_to_string(env.path().join("k.key")).unwrap();
    let key_lines: Vec<&str> = private_key
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    for output in &outputs {
        let all = format!("{}{}", stdout(output), stderr(output));
        assert!(!all.contains(PASSPHRASE), "passphrase leaked: {all}");
        assert!(
            !all.contains("wrong-one-but-still-secret"),
            "passphrase leaked: {all}"
        );
        for line in &key_lines {
            assert!(!all.contains(line), "private key leaked: {all}");
        }
    }
}

/// The signature inside the Sigstore bundle is a plain ECDSA signature over the file's
/// SHA-256: openssl, which no one here wrote, must agree in both directions.
#[test]
fn openssl_verifies_forge_signatures_and_forge_verifies_openssl_signatures() {
    if !require_tool("openssl") {
        return;
    }
    let env = TestEnv::new();
    keygen(&env, "k");
    let bundle = bundle(&env);
    assert_eq!(
        sign(&env, &bundle, &env.path().join("k.key"), PASSPHRASE)
            .status
            .code(),
        Some(0)
    );
    let signature_path = PathBuf::from(format!("{}.sigstore.json", bundle.display()));
    let mut sigstore: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&signature_path).unwrap()).unwrap();
    let der = B64
        .decode(sigstore["messageSignature"]["signature"].as_str().unwrap())
        .unwrap();
    std::fs::write(env.path().join("sig.der"), der).unwrap();
    let openssl = |args: &[&str]| {
        std::process::Command::new("openssl")
            .args(args)
            .current_dir(env.path())
            .output()
            .unwrap()
    };
    let checked = openssl(&[
        "dgst",
        "-sha256",
        "-verify",
        "k.pub",
        "-signature",
        "sig.der",
        bundle.to_str().unwrap(),
    ]);
    assert!(
        checked.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&checked.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&checked.stdout).trim(),
        "Verified OK"
    );

    // The other way: openssl signs with the same key (exported by forge's own key loader).
    let key = forge::signing::key::load_private_key(&env.path().join("k.key"), PASSPHRASE).unwrap();
    use p256::pkcs8::EncodePrivateKey;
    let pem = key.to_pkcs8_pem(p256::pkcs8::LineEnding::LF).unwrap();
    std::fs::write(env.path().join("k.pem"), pem.as_bytes()).unwrap();
    // openssl's nonces are random, so several signatures cover both halves of s.
    for round in 0..6 {
        let made = openssl(&[
            "dgst",
            "-sha256",
            "-sign",
            "k.pem",
            "-out",
            "openssl.der",
            bundle.to_str().unwrap(),
        ]);
        assert!(
            made.status.success(),
            "openssl sign: {}",
            String::from_utf8_lossy(&made.stderr)
        );
        let der = std::fs::read(env.path().join("openssl.der")).unwrap();
        sigstore["messageSignature"]["signature"] = B64.encode(&der).into();
        std::fs::write(&signature_path, serde_json::to_vec(&sigstore).unwrap()).unwrap();
        let ok = verify(&env, &bundle, &env.path().join("k.pub"));
        assert_eq!(ok.status.code(), Some(0), "round {round}: {}", stderr(&ok));
    }
    // And a signature by another openssl key is refused.
    let other = openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        "other.pem",
    ]);
    assert!(other.status.success());
    assert!(
        openssl(&[
            "dgst",
            "-sha256",
            "-sign",
            "other.pem",
            "-out",
            "other.der",
            bundle.to_str().unwrap()
        ])
        .status
        .success()
    );
    sigstore["messageSignature"]["signature"] = B64
        .encode(std::fs::read(env.path().join("other.der")).unwrap())
        .into();
    std::fs::write(&signature_path, serde_json::to_vec(&sigstore).unwrap()).unwrap();
    assert_eq!(
        verify(&env, &bundle, &env.path().join("k.pub"))
            .status
            .code(),
        Some(6)
    );
}

/// A read of a FIFO waits for a writer forever: killed after this, the test fails instead.
const HANG: std::time::Duration = std::time::Duration::from_secs(20);

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

#[test]
fn a_fifo_as_bundle_signature_or_key_is_refused_at_once() {
    let env = TestEnv::new();
    keygen(&env, "k");
    let bundle = bundle(&env);
    let signed = sign(&env, &bundle, &env.path().join("k.key"), PASSPHRASE);
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));
    let fifo = env.path().join("fifo");
    mkfifo(&fifo);
    let verify_with = |bundle: &Path, key: &Path, signature: &Path| {
        env.forge()
            .timeout(HANG)
            .args(["bundle", "verify"])
            .arg(bundle)
            .arg("--key")
            .arg(key)
            .arg("--signature")
            .arg(signature)
            .output()
            .unwrap()
    };
    let key = env.path().join("k.pub");
    let signature = signing_path(&bundle);
    for (what, output) in [
        ("bundle fifo", verify_with(&fifo, &key, &signature)),
        ("signature fifo", verify_with(&bundle, &key, &fifo)),
        ("key file fifo", verify_with(&bundle, &fifo, &signature)),
    ] {
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{what}: {err}");
        assert!(
            err.contains("is a FIFO, not a regular file"),
            "{what}: {err}"
        );
        assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1);
    }
    for command in ["inspect", "verify"] {
        let output = env
            .forge()
            .timeout(HANG)
            .args(["bundle", command])
            .arg(&fifo)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains("is a FIFO"), "{}", stderr(&output));
    }
    let device = verify_with(Path::new("/dev/zero"), &key, &signature);
    assert_eq!(device.status.code(), Some(2), "{}", stderr(&device));
    assert!(stderr(&device).contains("is a device, not a regular file"));
}

fn signing_path(bundle: &Path) -> PathBuf {
    PathBuf::from(format!("{}.sigstore.json", bundle.display()))
}

#[test]
fn an_oversized_signature_or_key_is_refused_without_reading_it() {
    let env = TestEnv::new();
    keygen(&env, "k");
    let bundle = bundle(&env);
    // Sparse: 4 GiB that take no disk, and would take seconds and gigabytes to read.
    let huge = std::fs::File::create(signing_path(&bundle)).unwrap();
    huge.set_len(4 << 30).unwrap();
    let started = std::time::Instant::now();
    let output = verify(&env, &bundle, &env.path().join("k.pub"));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("is larger than the limit of 1.0 MiB"),
        "{}",
        stderr(&output)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    let huge_key = env.path().join("huge.pub");
    std::fs::File::create(&huge_key)
        .unwrap()
        .set_len(4 << 30)
        .unwrap();
    let output = verify(&env, &bundle, &huge_key);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("is larger than the limit of 64.0 KiB"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_tampered_byte_is_a_signature_mismatch_not_a_parse_error() {
    let env = TestEnv::new();
    let bundle = bundle(&env);
    let signed = sign(&env, &bundle, &fixture("keys/sample.key"), "forge-sample");
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));
    let mut bytes = std::fs::read(&bundle).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&bundle, bytes).unwrap();
    let unsigned = env
        .forge()
        .args(["bundle", "verify"])
        .arg(&bundle)
        .output()
        .unwrap();
    assert_eq!(unsigned.status.code(), Some(2), "unpacked without a key");

    let checked = verify(&env, &bundle, &fixture("keys/sample.pub"));
    let err = stderr(&checked);
    assert_eq!(checked.status.code(), Some(6), "{err}");
    assert!(err.contains("does not match the bundle"), "{err}");
    // Render and deploy open bundles the same way when forge.yaml names a key.
    let rendered = env
        .forge()
        .args(["-C", "sample/forge.yaml", "render", "dev", "--bundle"])
        .arg(&bundle)
        .args(["--out", "out"])
        .output()
        .unwrap();
    let err = stderr(&rendered);
    assert_eq!(rendered.status.code(), Some(6), "{err}");
    assert!(err.contains("does not match the bundle"), "{err}");
    assert!(!env.path().join("out").exists());
}
