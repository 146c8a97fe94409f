//! Fuzzing on stable Rust: proptest properties over the parsers that read what a user or an
//! attacker hands forge — forge.yaml, durations, bundles and Sigstore signatures. None may
//! panic; each answers Ok or its typed refusal.
//!
//! `cargo test --test cli fuzz::` runs every property for proptest's case count (256, or
//! `PROPTEST_CASES`); `FORGE_FUZZ_SECONDS=600` keeps each property drawing new cases for that
//! many seconds instead (README, Development).

use crate::TestEnv;
use forge::bundle::read::{Limits, extract, verify};
use forge::config::{Loaded, parse};
use forge::duration::Duration;
use forge::error::{Diagnose, ExitCode};
use forge::signing::{self, Signer, key, sigstore};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseResult, TestRunner};
use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;
use std::time::{Duration as StdDuration, Instant};

/// Checks `property` over values drawn from `strategy`: one proptest run (shrinking a failure
/// to its smallest input), repeated with fresh cases while FORGE_FUZZ_SECONDS last.
fn fuzz<S: Strategy>(name: &str, strategy: S, property: impl Fn(S::Value) -> TestCaseResult)
where
    S::Value: std::fmt::Debug,
{
    let budget = std::env::var("FORGE_FUZZ_SECONDS")
        .ok()
        .map(|secs| StdDuration::from_secs(secs.parse().expect("FORGE_FUZZ_SECONDS is seconds")));
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    let started = Instant::now();
    let mut rounds = 0u64;
    loop {
        rounds += 1;
        // A runner counts its passes and stops at `cases`: each round is a new runner, seeded
        // afresh.
        if let Err(failure) = TestRunner::new(config.clone()).run(&strategy, &property) {
            panic!("{name}: {failure}");
        }
        if budget.is_none_or(|budget| started.elapsed() >= budget) {
            break;
        }
    }
    if budget.is_some() {
        eprintln!("{name}: {rounds} rounds of {} cases", config.cases);
    }
}

/// `seed` with some of its bytes replaced, removed or repeated: inputs near a valid one reach
/// deeper than random bytes do.
fn mutated(seed: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let edit = (any::<prop::sample::Index>(), 0u8..4, any::<u8>());
    prop::collection::vec(edit, 1..8).prop_map(move |edits| {
        let mut bytes = seed.clone();
        for (at, kind, byte) in edits {
            if bytes.is_empty() {
                bytes.push(byte);
                continue;
            }
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => {
                    bytes.remove(i);
                }
                2 => bytes.insert(i, byte),
                _ => bytes.truncate(i),
            }
        }
        bytes
    })
}

// ---- forge.yaml -------------------------------------------------------------------------

static SAMPLE_CONFIG: LazyLock<Vec<u8>> =
    LazyLock::new(|| std::fs::read(crate::fixture("sample/forge.yaml")).unwrap());

/// Text built from forge.yaml's own keys and YAML's punctuation, so the fuzzer writes
/// near-configs rather than only noise.
fn yaml_like() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "app: ",
        "source:",
        "kind: ",
        "kustomize",
        "helm",
        "path: ",
        "environments:",
        "- name: ",
        "promoteFrom: ",
        "gates:",
        "soak: ",
        "5m",
        "1h30m",
        "envRepo:",
        "url: ",
        "engine: ",
        "flux",
        "argocd",
        "images:",
        "strategy:",
        "canary",
        "steps:",
        "&a ",
        "*a",
        "<<: ",
        "{",
        "}",
        "[",
        "]",
        ",",
        "\"",
        "'",
        "|",
        ">",
        "#",
        ": ",
        "\n",
        "\n  ",
        "\n    ",
        "\t",
        "---\n",
        "...\n",
        "~",
        "null",
        "true",
        "-1",
        "99999999999999999999",
        "\u{202e}",
        "\0",
        "é",
        "!!str ",
        "!!binary ",
        "? ",
    ]);
    prop::collection::vec(token, 0..48).prop_map(|tokens| tokens.concat())
}

fn check_config(text: &str) -> TestCaseResult {
    if let Err(problem) = parse(text) {
        prop_assert!(
            !problem.message.is_empty(),
            "a refusal without a message: {problem:?}"
        );
        prop_assert!(problem.line >= 1, "a refusal without a line: {problem:?}");
    }
    Ok(())
}

#[test]
fn config_parse_answers_every_text_with_a_config_or_a_located_problem() {
    fuzz("config parse (any text)", any::<String>(), |text| {
        check_config(&text)
    });
    fuzz("config parse (yaml-like)", yaml_like(), |text| {
        check_config(&text)
    });
}

#[test]
fn config_load_answers_every_mutated_file_with_a_config_or_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("forge.yaml");
    fuzz(
        "config load (mutated sample)",
        mutated(SAMPLE_CONFIG.clone()),
        |bytes| {
            std::fs::write(&path, &bytes).unwrap();
            if let Err(refused) = Loaded::load(&path) {
                prop_assert_eq!(refused.exit_code(), ExitCode::Usage, "{}", refused);
            }
            Ok(())
        },
    );
}

// ---- durations ----------------------------------------------------------------------------

#[test]
fn duration_parse_never_panics_and_reads_back_what_it_prints() {
    let parse_prints_back = |text: &str| -> TestCaseResult {
        if let Ok(parsed) = text.parse::<Duration>() {
            let shown = parsed.to_string();
            prop_assert_eq!(shown.parse::<Duration>().ok(), Some(parsed), "{}", shown);
        }
        Ok(())
    };
    fuzz("duration (any text)", any::<String>(), |text| {
        parse_prints_back(&text)
    });
    fuzz("duration (digits and units)", "[0-9hms]{0,24}", |text| {
        parse_prints_back(&text)
    });
    fuzz("duration (any seconds)", any::<u64>(), |secs| {
        let duration = Duration(StdDuration::from_secs(secs));
        let shown = duration.to_string();
        prop_assert_eq!(shown.parse::<Duration>().ok(), Some(duration), "{}", shown);
        Ok(())
    });
}

// ---- bundles ------------------------------------------------------------------------------

/// The sample app's bundle as forge builds it, and the tar inside it.
struct SampleBundle {
    compressed: Vec<u8>,
    tar: Vec<u8>,
}

static SAMPLE_BUNDLE: LazyLock<SampleBundle> = LazyLock::new(|| {
    let env = TestEnv::new();
    let app = env.sample_app("sample");
    let path = env.build_bundle(&app, "dist", &["--version", "1.0.0"]);
    let compressed = std::fs::read(path).unwrap();
    let mut tar = Vec::new();
    zstd::stream::Decoder::new(compressed.as_slice())
        .unwrap()
        .read_to_end(&mut tar)
        .unwrap();
    SampleBundle { compressed, tar }
});

/// Verifies and extracts the bundle at `path`: both agree, and a refusal is exit 2 or 6 —
/// never an I/O failure of forge's own, never a panic.
fn check_bundle(path: &Path) -> TestCaseResult {
    let limits = Limits::default();
    let verified = verify(path, &limits);
    let extracted = extract(path, &limits);
    prop_assert_eq!(verified.is_ok(), extracted.is_ok());
    extracted.map_or_else(|refused| refused_as_input(&refused), |_| Ok(()))
}

/// A refusal of hostile input is exit 2 (invalid) or 6 (verification), never forge's own
/// failure.
fn refused_as_input(refused: &impl Diagnose) -> TestCaseResult {
    prop_assert!(
        matches!(refused.exit_code(), ExitCode::Usage | ExitCode::Refused),
        "exit {:?}: {}",
        refused.exit_code(),
        refused
    );
    Ok(())
}

#[test]
fn bundle_reader_refuses_arbitrary_and_mutated_bytes_with_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fuzzed.forge.tar.zst");
    let write_and_check = |bytes: &[u8]| {
        std::fs::write(&path, bytes).unwrap();
        check_bundle(&path)
    };
    fuzz(
        "bundle (any bytes)",
        prop::collection::vec(any::<u8>(), 0..4096),
        |bytes| write_and_check(&bytes),
    );
    fuzz(
        "bundle (mutated archive)",
        mutated(SAMPLE_BUNDLE.compressed.clone()),
        |bytes| write_and_check(&bytes),
    );
    // Valid zstd around a mutated tar reaches the tar and manifest checks, not only zstd's.
    fuzz(
        "bundle (mutated tar inside)",
        mutated(SAMPLE_BUNDLE.tar.clone()),
        |tar| write_and_check(&zstd::encode_all(tar.as_slice(), 3).unwrap()),
    );
}

// ---- signatures ---------------------------------------------------------------------------

struct SampleSignature {
    key: p256::ecdsa::SigningKey,
    digest: [u8; 32],
    json: Vec<u8>,
}

static SAMPLE_SIGNATURE: LazyLock<SampleSignature> = LazyLock::new(|| {
    let key = key::generate().unwrap();
    let digest = [7u8; 32];
    let signed = signing::KeySigner::new(key.clone())
        .sign_digest(&digest)
        .unwrap();
    let json = serde_json::to_vec_pretty(&signed).unwrap();
    SampleSignature { key, digest, json }
});

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
        prop::sample::select(sigstore::KNOWN_MEDIA_TYPES.to_vec())
            .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        let key = prop::sample::select(vec![
            "mediaType",
            "verificationMaterial",
            "publicKey",
            "hint",
            "certificate",
            "x509CertificateChain",
            "tlogEntries",
            "messageSignature",
            "messageDigest",
            "algorithm",
            "digest",
            "signature",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(key, inner, 0..6).prop_map(|fields| {
                serde_json::Value::Object(
                    fields
                        .into_iter()
                        .map(|(key, value)| (key.to_string(), value))
                        .collect(),
                )
            }),
        ]
    })
}

#[test]
fn signature_reader_answers_every_file_with_a_bundle_or_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("app.forge.tar.zst");
    let path = signing::signature_path(&bundle);
    let sample = &*SAMPLE_SIGNATURE;
    let read_and_verify = |bytes: &[u8]| -> TestCaseResult {
        std::fs::write(&path, bytes).unwrap();
        let result = signing::read_signature(&bundle, &path).and_then(|signed| {
            signing::verify(
                &signed,
                &path,
                &sample.digest,
                sample.key.verifying_key(),
                Path::new("k.pub"),
            )
        });
        result.map_or_else(|refused| refused_as_input(&refused), |()| Ok(()))
    };
    fuzz(
        "signature (any bytes)",
        prop::collection::vec(any::<u8>(), 0..512),
        |bytes| read_and_verify(&bytes),
    );
    fuzz("signature (any JSON)", json_value(), |value| {
        read_and_verify(&serde_json::to_vec(&value).unwrap())
    });
    fuzz(
        "signature (mutated)",
        mutated(sample.json.clone()),
        |bytes| read_and_verify(&bytes),
    );
}
