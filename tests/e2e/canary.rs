//! Canary releases on a real cluster, where scaling takes time and deleted pods leave
//! endpoints at once: what the sandbox cannot show.

use crate::App;
use crate::serving::{fewest_serving_through_the_final_switch, sampled};

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
    // Another tag of the same image: a new release that starts like the first.
    let next = format!("{image}-next");
    let (shipped, samples) = sampled(
        &app.suite.kubectl,
        &app.suite.kubeconfig,
        &namespace,
        || app.release("1.1.0", &next, &[]),
    );
    shipped.expect(0, "canary 1.1.0 through 34% and 100%");
    let (fewest, seen) = fewest_serving_through_the_final_switch(&samples, "web-canary", 3);
    assert!(
        fewest >= 3,
        "{seen} samples through the final switch; the fewest serving pods was {fewest}"
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
