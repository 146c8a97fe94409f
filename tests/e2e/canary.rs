//! Canary releases on a real cluster, where scaling takes time and deleted pods leave
//! endpoints at once: what the sandbox cannot show.

use crate::App;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What one look at the namespace saw: the Deployments' names and the pods serving.
struct Sample {
    deployments: Vec<(String, i64)>,
    /// Ready pods not being deleted (a deleted pod leaves its Service's endpoints at once).
    serving: usize,
}

fn sample(app: &App, namespace: &str) -> Option<Sample> {
    let output = std::process::Command::new(&app.suite.kubectl)
        .args(["get", "deployments,pods", "-n", namespace, "-o", "json"])
        .env("KUBECONFIG", &app.suite.kubeconfig)
        .output()
        .ok()?;
    let list: Value = serde_json::from_slice(&output.stdout).ok()?;
    let items = list["items"].as_array()?;
    let deployments = items
        .iter()
        .filter(|item| item["kind"] == "Deployment")
        .map(|d| {
            let name = d["metadata"]["name"].as_str().unwrap_or("?").to_string();
            (name, d["status"]["readyReplicas"].as_i64().unwrap_or(0))
        })
        .collect();
    let serving = items
        .iter()
        .filter(|item| item["kind"] == "Pod" && item["metadata"]["deletionTimestamp"].is_null())
        .filter(|pod| {
            pod["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
        .count();
    Some(Sample {
        deployments,
        serving,
    })
}

/// The final switch from the canary at 100% to the promoted release never serves from fewer
/// pods than the env's replicas: a watcher samples the namespace through the whole release.
#[test]
fn the_canarys_final_switch_never_has_fewer_ready_pods_than_replicas() {
    let app = App::start();
    app.configure(|text| {
        text.replacen(
            "  - name: dev\n",
            "  - name: dev\n    replicas: 3\n    strategy:\n      type: canary\n      steps:\n        - weight: 34\n        - weight: 100\n",
            1,
        )
    });
    let image = app.suite.image.clone();
    app.release("1.0.0", &image, &[]).expect(0, "deploy 1.0.0");
    let namespace = app.namespace("dev");
    let done = Arc::new(AtomicBool::new(false));
    let samples = std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            let mut samples = Vec::new();
            while !done.load(Ordering::SeqCst) {
                if let Some(sample) = sample(&app, &namespace) {
                    samples.push(sample);
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            samples
        });
        // Another tag of the same image: a new release that starts like the first.
        let next = format!("{}-next", image.trim_end_matches("-next"));
        let shipped = app.release("1.1.0", &next, &[]);
        done.store(true, Ordering::SeqCst);
        shipped.expect(0, "canary 1.1.0 through 34% and 100%");
        watcher.join().unwrap()
    });
    // The final switch starts once the canary serves alone at full size.
    let canary_at_full = samples
        .iter()
        .position(|s| {
            s.deployments
                .iter()
                .any(|(name, ready)| name == "web-canary" && *ready == 3)
        })
        .expect("the canary reached 3 ready pods at 100%");
    let switch = &samples[canary_at_full..];
    let fewest = switch.iter().map(|s| s.serving).min().unwrap();
    assert!(
        fewest >= 3,
        "{} samples through the final switch; the fewest serving pods was {fewest}",
        switch.len()
    );
    let last = samples.last().unwrap();
    assert_eq!(
        last.deployments,
        [("web".to_string(), 3)],
        "the promoted release runs alone"
    );
    let history = app.history("dev");
    let actions: Vec<&str> = history
        .iter()
        .take(4)
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["deploy", "handover", "canary-step", "canary-step"]
    );
}
