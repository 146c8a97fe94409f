//! A Helm source on the real stack: forge commits a HelmRelease (with the chart beside it in
//! the env dir), Flux's kustomize-controller applies it and helm-controller installs the chart.

use super::App;
use crate::files::copy_dir;
use std::path::Path;

/// Makes the app a Helm chart (tests/fixtures' sample chart) running `image`.
fn helm_source(app: &App, image: &str) {
    let chart = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample-helm/chart");
    copy_dir(&chart, &app.path().join("chart"));
    app.configure(|text| {
        text.replace(
            "source:\n  kind: kustomize\n  path: base\n",
            &format!("source:\n  kind: helm\n  path: chart\nimages:\n  web: {image}\n"),
        )
    });
}

#[test]
fn a_helm_release_is_installed_by_helm_controller_and_promoted() {
    let app = App::start();
    helm_source(&app, &app.suite.image);
    app.forge(&["deploy", "dev", "--version", "1.0.0"])
        .expect(0, "deploy the chart to dev");
    app.assert_healthy_at("dev", "1.0.0");
    // helm-controller installed the chart: its Deployment runs the image forge put in values.
    let image = app.kubectl(&[
        "get",
        "deployment",
        &app.name,
        "-n",
        &app.namespace("dev"),
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image}",
    ]);
    assert!(
        image.starts_with(app.suite.image.split(':').next().unwrap()),
        "{image}"
    );
    app.forge(&["promote", "staging", "--yes"])
        .expect(0, "promote the chart to staging");
    app.assert_healthy_at("staging", "1.0.0");
    app.assert_healthy_at("dev", "1.0.0");
}
