//! The Deployment strategies a real kube-controller-manager carries out for forge's rendered
//! overlays: `recreate` and `rolling` with its surge limits (scenario 5, with blue-green in
//! canary.rs).

use super::{App, versioned_image};
use crate::serving::{Sample, sampled};

fn images(sample: &Sample) -> Vec<String> {
    let mut images = sample.behind.get("web").cloned().unwrap_or_default();
    images.sort();
    images.dedup();
    images
}

/// `recreate` stops every old pod before a new one runs: the Service never sends traffic to
/// two versions at once. `rolling` with `maxUnavailable: 0` never serves from fewer pods than
/// the env's replicas.
#[test]
fn recreate_never_mixes_versions_and_rolling_never_drops_below_replicas() {
    let app = App::start();
    app.configure(|text| {
        text.replacen(
            "  - name: dev\n",
            "  - name: dev\n    replicas: 3\n    strategy:\n      type: recreate\n",
            1,
        )
    });
    app.release("1.0.0", &versioned_image("1.0.0"), &[])
        .expect(0, "deploy 1.0.0");
    let namespace = app.namespace("dev");
    let (shipped, samples) = sampled(
        &app.suite.kubectl,
        &app.suite.kubeconfig,
        &namespace,
        || app.release("1.1.0", &versioned_image("1.1.0"), &[]),
    );
    shipped.expect(0, "recreate 1.1.0");
    assert!(
        samples.iter().all(|s| images(s).len() <= 1),
        "recreate mixed versions: {:?}",
        samples.iter().map(images).collect::<Vec<_>>()
    );
    assert_eq!(images(samples.last().unwrap()), [versioned_image("1.1.0")]);

    app.configure(|text| {
        text.replacen(
            "      type: recreate\n",
            "      type: rolling\n      maxSurge: 1\n      maxUnavailable: 0\n",
            1,
        )
    });
    let (shipped, samples) = sampled(
        &app.suite.kubectl,
        &app.suite.kubeconfig,
        &namespace,
        || app.release("1.2.0", &versioned_image("1.2.0"), &[]),
    );
    shipped.expect(0, "rolling 1.2.0");
    let fewest = samples.iter().map(|s| s.serving).min().unwrap();
    assert!(
        fewest >= 3,
        "{} samples; the fewest serving pods was {fewest}",
        samples.len()
    );
    assert_eq!(images(samples.last().unwrap()), [versioned_image("1.2.0")]);
    app.assert_healthy_at("dev", "1.2.0");
}
