//! kstatus semantics on real objects: DaemonSets (RollingUpdate and OnDelete), a partitioned
//! StatefulSet and a paused Deployment, rolled out by the real controllers on kwok nodes.
//!
//! Set `FORGE_E2E_CAPTURE=DIR` to save the objects (`kubectl get -o json`, managedFields
//! removed) at the moments these tests check, as material for `fixtures/status/`.

use super::{App, Run, commit_of, pod_template, web_deployment};
use serde_json::Value;

const OLD: &str = "registry.k8s.io/pause:3.10";
const NEW: &str = "registry.k8s.io/pause:3.11";

/// Ships these manifests as release `version` to dev.
fn deploy(app: &App, version: &str, manifests: &[(&str, &str)]) -> Run {
    app.write_base(manifests);
    app.forge(&["deploy", "dev", "--version", version])
}

fn daemon_set(strategy: &str, image: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  updateStrategy:
    type: {strategy}
{template}",
        template = pod_template("agent", image)
    )
}

const HEADLESS: &str = "apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector:
    app.kubernetes.io/name: db
  ports:
    - name: db
      port: 5432
";

fn stateful_set(partition: u32, image: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  podManagementPolicy: Parallel
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      partition: {partition}
{template}",
        template = pod_template("db", image)
    )
}

/// `kubectl get -o json` in dev's namespace.
fn get(app: &App, what: &str) -> Value {
    let ns = app.namespace("dev");
    let text = app.kubectl(&["get", what, "-n", &ns, "-o", "json"]);
    serde_json::from_str(&text).unwrap()
}

/// The pods of dev's namespace that are not being deleted, by name: (image, revision label).
fn live_pods(app: &App, name: &str) -> Vec<(String, String, String)> {
    let pods = get(app, "pods");
    let mut live: Vec<(String, String, String)> = pods["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|pod| pod["metadata"]["labels"]["app.kubernetes.io/name"] == name)
        .filter(|pod| pod.pointer("/metadata/deletionTimestamp").is_none())
        .map(|pod| {
            let text = |pointer: &str| pod.pointer(pointer).and_then(Value::as_str).unwrap_or("");
            (
                text("/metadata/name").to_string(),
                text("/spec/containers/0/image").to_string(),
                text("/metadata/labels/controller-revision-hash").to_string(),
            )
        })
        .collect();
    live.sort();
    live
}

/// Saves dev's workloads, ControllerRevisions and pods under `$FORGE_E2E_CAPTURE/<moment>/`.
fn capture(app: &App, moment: &str) {
    let Some(dir) = std::env::var_os("FORGE_E2E_CAPTURE") else {
        return;
    };
    let dir = std::path::Path::new(&dir).join(moment);
    std::fs::create_dir_all(&dir).unwrap();
    for kind in [
        "deployments",
        "replicasets",
        "statefulsets",
        "daemonsets",
        "controllerrevisions",
        "pods",
    ] {
        let mut list = get(app, kind);
        let items: Vec<Value> = list["items"]
            .as_array_mut()
            .unwrap()
            .drain(..)
            .map(|mut item| {
                if let Some(meta) = item["metadata"].as_object_mut() {
                    meta.remove("managedFields");
                }
                item
            })
            .collect();
        let text = serde_json::to_string_pretty(&items).unwrap();
        std::fs::write(dir.join(format!("{kind}.json")), text + "\n").unwrap();
    }
}

#[test]
fn a_rolling_daemon_set_is_done_once_every_node_runs_the_new_revision() {
    let app = App::start();
    deploy(
        &app,
        "1.0.0",
        &[("agent.yaml", &daemon_set("RollingUpdate", OLD))],
    )
    .expect(0, "deploy 1.0.0");
    let started = std::time::Instant::now();
    let run = deploy(
        &app,
        "1.1.0",
        &[("agent.yaml", &daemon_set("RollingUpdate", NEW))],
    )
    .expect(0, "deploy 1.1.0");
    commit_of(&run);
    capture(&app, "daemonset-rolled-out");
    // forge returned: every one of the 3 kwok nodes runs a pod of the new revision already.
    let ds = get(&app, "daemonset/agent");
    let status = &ds["status"];
    assert_eq!(status["desiredNumberScheduled"], 3, "{ds:#}");
    assert_eq!(status["updatedNumberScheduled"], 3, "{ds:#}");
    assert_eq!(status["numberAvailable"], 3, "{ds:#}");
    let pods = live_pods(&app, "agent");
    assert_eq!(pods.len(), 3, "{pods:?}");
    // DaemonSet pods carry the short hash its newest ControllerRevision is labelled with.
    let revisions = get(&app, "controllerrevisions");
    let newest = revisions["items"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|r| r["revision"].as_i64())
        .unwrap();
    let hash = newest["metadata"]["labels"]["controller-revision-hash"]
        .as_str()
        .unwrap();
    assert_eq!(newest["metadata"]["name"], format!("agent-{hash}"));
    for (name, image, revision) in &pods {
        assert_eq!(image, NEW, "{name}");
        assert_eq!(revision, hash, "{name}");
    }
    assert!(run.stderr.contains("Healthy"), "{}", run.stderr);
    assert!(!run.stderr.contains("OnDelete"), "{}", run.stderr);
    eprintln!(
        "1.1.0 rolled out in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    app.assert_healthy_at("dev", "1.1.0");
}

#[test]
fn an_on_delete_daemon_set_does_not_wait_for_pods_nobody_deletes() {
    let app = App::start();
    deploy(
        &app,
        "1.0.0",
        &[("agent.yaml", &daemon_set("OnDelete", OLD))],
    )
    .expect(0, "deploy 1.0.0");
    // The controller replaces no pod: updatedNumberScheduled stays at 0 for 1.1.0. forge must
    // say so and finish, not wait out its 5 minutes.
    let started = std::time::Instant::now();
    let run = deploy(
        &app,
        "1.1.0",
        &[("agent.yaml", &daemon_set("OnDelete", NEW))],
    )
    .expect(0, "deploy 1.1.0 of an OnDelete DaemonSet");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    capture(&app, "daemonset-ondelete");
    let note = run
        .stderr
        .lines()
        .find(|line| line.contains("Note"))
        .unwrap_or_else(|| panic!("no note:\n{}", run.stderr));
    assert!(
        note.contains(&format!(
            "DaemonSet {}/agent uses updateStrategy OnDelete: 3 of its 3 pods still run the \
             previous revision and are replaced only when deleted",
            app.namespace("dev")
        )),
        "{note}"
    );
    let pods = live_pods(&app, "agent");
    assert_eq!(pods.len(), 3, "{pods:?}");
    assert!(pods.iter().all(|(_, image, _)| image == OLD), "{pods:?}");
    // Done means the controller observed the new generation (as Argo CD judges OnDelete), not
    // that the old pods, started by 1.0.0's equally quick release, are all Ready yet.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while app.status_json(&["dev"])[0]["ready"] != 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the pods never got Ready"
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    app.assert_healthy_at("dev", "1.1.0");
}

#[test]
fn a_partitioned_stateful_set_is_done_once_the_ordinals_above_the_partition_are_updated() {
    let app = App::start();
    let old = stateful_set(2, OLD);
    deploy(
        &app,
        "1.0.0",
        &[("service.yaml", HEADLESS), ("db.yaml", &old)],
    )
    .expect(0, "deploy 1.0.0");
    let new = stateful_set(2, NEW);
    let run = deploy(
        &app,
        "1.1.0",
        &[("service.yaml", HEADLESS), ("db.yaml", &new)],
    )
    .expect(0, "deploy 1.1.0 with partition 2");
    capture(&app, "statefulset-partitioned");
    let sts = get(&app, "statefulset/db");
    let revision = sts["status"]["updateRevision"]
        .as_str()
        .unwrap()
        .to_string();
    // StatefulSet pods carry the full revision name.
    let pods = live_pods(&app, "db");
    let expected = [
        ("db-0", OLD, false),
        ("db-1", OLD, false),
        ("db-2", NEW, true),
    ];
    assert_eq!(pods.len(), 3, "{pods:?}");
    for ((name, image, label), (want_name, want_image, updated)) in pods.iter().zip(expected) {
        assert_eq!(name, want_name);
        assert_eq!(image, want_image, "{name}");
        assert_eq!(label == &revision, updated, "{name}: {label} vs {revision}");
    }
    assert!(
        run.stderr.contains(&format!(
            "StatefulSet {}/db has partition 2: 2 of its 3 pods (ordinals below 2) stay at the \
             previous revision until the partition is lowered",
            app.namespace("dev")
        )),
        "{}",
        run.stderr
    );
    app.assert_healthy_at("dev", "1.1.0");
}

#[test]
fn a_paused_deployment_fails_fast_and_says_how_to_resume_it() {
    let app = App::start();
    deploy(
        &app,
        "1.0.0",
        &[("web.yaml", &web_deployment(OLD, 2, false))],
    )
    .expect(0, "deploy 1.0.0");
    let started = std::time::Instant::now();
    let run = deploy(
        &app,
        "1.1.0",
        &[("web.yaml", &web_deployment(NEW, 2, true))],
    )
    .expect(3, "deploy 1.1.0 of a paused Deployment");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    let err = &run.stderr;
    assert!(
        err.contains(&format!(
            "1.1.0 failed in dev: Deployment {ns}/web: paused (spec.paused: true): 0/2 replicas updated, and none will \
             be until it is resumed; resume it with `kubectl rollout resume deployment/web -n {ns}`",
            ns = app.namespace("dev")
        )),
        "{err}"
    );
    // The failure rolls back to 1.0.0, which is not paused.
    assert!(err.contains("rolled back to 1.0.0"), "{err}");
    capture(&app, "deployment-paused-rolled-back");
    let history = app.history("dev");
    assert_eq!(history[0]["action"], "rollback", "{history:#?}");
    assert_eq!(history[0]["version"], "1.0.0");
    app.assert_healthy_at("dev", "1.0.0");
    let web = get(&app, "deployment/web");
    assert_ne!(web["spec"]["paused"], true, "{web:#}");
}
