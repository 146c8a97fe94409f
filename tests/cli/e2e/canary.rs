//! Canary releases on a real cluster, where scaling takes time and deleted pods leave
//! endpoints at once: what the sandbox cannot show.

use super::App;
use crate::serving::{
    assert_no_way_back, fewest_behind, fewest_serving_through_the_final_switch, pods_started,
    sampled,
};

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

/// Blue-green on a real cluster: once the live Service sends traffic to the new version, it
/// never sends any to the old one again (nor when the old version's pods go), never to fewer
/// pods than the env's replicas, and the new version's pods start once. The next release
/// previews under the app's own names and switches back; a rollback after it, to the other
/// side, never has fewer ready pods behind the Service than replicas and is healthy.
#[test]
fn blue_green_never_sends_traffic_back_to_the_old_version() {
    let app = App::start();
    app.configure(|text| {
        text.replacen(
            "  - name: dev\n",
            "  - name: dev\n    replicas: 2\n    strategy:\n      type: blueGreen\n",
            1,
        )
    });
    let image = app.suite.image.clone();
    app.release("1.0.0", &image, &[]).expect(0, "deploy 1.0.0");
    let namespace = app.namespace("dev");
    let release = |version: &str, image: &str, deployment: &str| {
        let (shipped, samples) = sampled(
            &app.suite.kubectl,
            &app.suite.kubeconfig,
            &namespace,
            || app.release(version, image, &[]),
        );
        shipped.expect(0, &format!("blue-green {version}"));
        let after_switch = assert_no_way_back(&samples, "web", image, 2);
        assert!(after_switch > 0);
        assert_eq!(
            pods_started(&samples, image),
            2,
            "{version}'s pods start once"
        );
        let last = samples.last().unwrap();
        assert_eq!(last.deployments, [(deployment.to_string(), 2)]);
        assert_eq!(newest_actions(&app, 3), ["deploy", "switch", "preview"]);
    };
    let next = format!("{image}-next");
    release("1.1.0", &next, "web-preview");
    release("1.2.0", &format!("{image}-then"), "web");

    let (rolled_back, samples) = sampled(
        &app.suite.kubectl,
        &app.suite.kubeconfig,
        &namespace,
        || app.forge(&["rollback", "dev"]),
    );
    rolled_back.expect(0, "roll back to 1.1.0");
    app.assert_healthy_at("dev", "1.1.0");
    // 1.1.0 ran under the -preview names: its pods start beside 1.2.0's, out of traffic,
    // before the Service moves to them.
    let (fewest, seen) = fewest_behind(&samples, "web");
    assert!(
        fewest >= 2,
        "{seen} samples through the rollback; the fewest ready pods behind web was {fewest}"
    );
    assert_eq!(newest_actions(&app, 3), ["rollback", "switch", "preview"]);
    let last = samples.last().unwrap();
    assert_eq!(last.deployments, [("web-preview".to_string(), 2)]);
    assert_eq!(last.behind["web"], [next.clone(), next]);
}

/// The actions of dev's newest `count` commits, newest first.
fn newest_actions(app: &App, count: usize) -> Vec<String> {
    app.history("dev")
        .iter()
        .take(count)
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

/// dev as a two-step canary (half the pods, then all) whose first step is judged by the
/// error rate Prometheus measures for the new version.
pub fn configure_analysis(app: &App, prometheus: &str) {
    let query = "sum(rate(http_requests_total{namespace=\"{{ namespace }}\",version=\"{{ version }}\",code=~\"5..\"}[10s])) / sum(rate(http_requests_total{namespace=\"{{ namespace }}\",version=\"{{ version }}\"}[10s]))";
    app.configure(|text| {
        text.replacen(
            "  - name: dev\n",
            &format!(
                "  - name: dev\n    replicas: 2\n    strategy:\n      type: canary\n      steps:\n        - weight: 50\n          pause: 5s\n          analysis: true\n        - weight: 100\n      analysis:\n        prometheus: {prometheus}\n        interval: 3s\n        count: 2\n        metrics:\n          - name: error-rate\n            query: '{query}'\n            max: 0.05\n"
            ),
            1,
        )
    });
}
