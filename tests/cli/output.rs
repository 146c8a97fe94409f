//! `-o json`, `-o yaml` and `-o wide` through the real binary: every command that prints data
//! prints the same value in either format, and `forge status -o wide` adds what the workloads
//! run.

use crate::rollout::{Stage, json};
use crate::{stderr, stdout};
use serde_json::Value;

/// `forge ARGS -o yaml`, parsed.
fn yaml(stage: &Stage, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["-o", "yaml"]);
    let output = stage.forge_ok(&args);
    let text = stdout(&output);
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: {e}\n{text}"))
}

#[test]
fn yaml_output_holds_what_json_output_holds() {
    let stage = Stage::new(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    for args in [
        &["status"][..],
        &["history", "dev"],
        &["config", "show"],
        &["config", "validate"],
        &["bundle", "list"],
        &["events", "dev"],
    ] {
        let mut json_args = args.to_vec();
        json_args.extend(["--output", "json"]);
        let as_json = json(&stage.forge_ok(&json_args));
        let as_yaml = yaml(&stage, args);
        assert_eq!(as_yaml, as_json, "forge {}", args.join(" "));
        // Not trivially equal: each says something of the deploy.
        assert_ne!(
            as_json,
            Value::Array(Vec::new()),
            "forge {}",
            args.join(" ")
        );
    }
    let rows = yaml(&stage, &["status", "dev"]);
    assert_eq!(rows[0]["version"], "1.0.0", "{rows:#}");
    assert_eq!(rows[0]["health"], "Healthy", "{rows:#}");
    // The version stays a string in YAML, whatever it looks like.
    let history = yaml(&stage, &["history", "dev"]);
    assert_eq!(history[0]["version"], "1.0.0", "{history:#}");

    // FORGE_OUTPUT says the same as the flag.
    let from_env = stage
        .command(&["history", "dev"])
        .env("FORGE_OUTPUT", "yaml")
        .output()
        .unwrap();
    assert_eq!(
        stdout(&from_env),
        stdout(&stage.forge_ok(&["history", "dev", "-o", "yaml"]))
    );
}

#[test]
fn wide_status_adds_images_conditions_and_pods() {
    let stage = Stage::new(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let text = stdout(&stage.forge_ok(&["status", "-o", "wide"]));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        header[header.len() - 3..],
        ["IMAGES", "CONDITIONS", "PODS"],
        "{text}"
    );
    let dev = lines.find(|line| line.starts_with("dev ")).unwrap();
    for cell in [
        "ghcr.io/forge-demo/hello@sha256:2c26b46b",
        "Ready=True",
        "Deployment/hello 1/1",
    ] {
        assert!(dev.contains(cell), "{cell} in: {dev}\n{text}");
    }
    // Envs nothing was deployed to have nothing to show.
    let staging = text.lines().find(|l| l.starts_with("staging ")).unwrap();
    let cells: Vec<&str> = staging.split_whitespace().collect();
    assert_eq!(cells[cells.len() - 3..], ["-", "-", "-"], "{staging}");

    // Plain text keeps its columns; the data formats carry the same facts, structured.
    let narrow = stdout(&stage.forge_ok(&["status"]));
    assert!(!narrow.contains("IMAGES"), "{narrow}");
    let rows = json(&stage.forge_ok(&["status", "dev", "-o", "json"]));
    let workload = &rows[0]["workloads"][0];
    assert_eq!(workload["kind"], "Deployment", "{rows:#}");
    assert_eq!(workload["name"], "hello", "{rows:#}");
    assert_eq!(workload["ready"], 1, "{rows:#}");
    assert!(
        workload["images"][0]
            .as_str()
            .is_some_and(|i| i.starts_with("ghcr.io/forge-demo/hello@sha256:")),
        "{rows:#}"
    );
    assert!(
        rows[0]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True"),
        "{rows:#}"
    );
}

#[test]
fn an_unknown_output_format_is_a_usage_error() {
    let stage = Stage::new(&[]);
    let output = stage.forge(&["status", "-o", "xml"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("possible values: text, wide, json, yaml"),
        "{}",
        stderr(&output)
    );
}

/// `forge status --watch -o yaml` without a terminal is one YAML stream: a document each
/// time the rows changed.
#[test]
fn status_watch_as_yaml_is_one_stream_of_documents() {
    let stage = Stage::new(&[]);
    stage.forge_ok(&["deploy", "dev", "--version", "1.0.0"]);
    let mut watching = stage.spawn(&["status", "dev", "--watch", "-o", "yaml"]);
    std::thread::sleep(std::time::Duration::from_secs(3));
    stage.forge_ok(&["deploy", "dev", "--version", "1.1.0"]);
    std::thread::sleep(std::time::Duration::from_secs(5));
    watching.kill().unwrap();
    let text = stdout(&watching.wait_with_output().unwrap());
    let documents: Vec<Value> =
        serde_saphyr::from_multiple(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert!(documents.len() >= 2, "{text}");
    let (first, last) = (&documents[0][0], &documents[documents.len() - 1][0]);
    assert_eq!(
        (&first["version"], &first["health"]),
        (&"1.0.0".into(), &"Healthy".into()),
        "{text}"
    );
    assert_eq!(
        (&last["version"], &last["health"]),
        (&"1.1.0".into(), &"Healthy".into()),
        "{text}"
    );
}
