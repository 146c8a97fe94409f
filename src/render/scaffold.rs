//! What `forge init` writes into an empty project besides forge.yaml: a kustomize base or a
//! Helm chart (as `helm create` would, smaller) serving one web container, so the first
//! `forge deploy` has something to ship. Pure: names in, files out.

use crate::model::SourceKind;
use std::collections::BTreeMap;

/// The image the scaffold runs until the project names its own.
const IMAGE_REPOSITORY: &str = "nginx";
const IMAGE_TAG: &str = "1.27-alpine";

/// The source files for `app`, relative to the source directory.
pub fn source(kind: SourceKind, app: &str) -> BTreeMap<String, String> {
    let files: Vec<(&str, String)> = match kind {
        SourceKind::Kustomize => vec![
            (
                "kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - service.yaml\n".into(),
            ),
            (
                "deployment.yaml",
                format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\n  labels:\n    app.kubernetes.io/name: {app}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {app}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: {app}\n    spec:\n      containers:\n        - name: {app}\n          image: {IMAGE_REPOSITORY}:{IMAGE_TAG}\n          ports:\n            - name: http\n              containerPort: 80\n          readinessProbe:\n            httpGet:\n              path: /\n              port: http\n"
                ),
            ),
            ("service.yaml", service(app, &format!("app.kubernetes.io/name: {app}"), "80")),
        ],
        SourceKind::Helm => vec![
            (
                "Chart.yaml",
                format!("apiVersion: v2\nname: {app}\ndescription: {app}, deployed by forge\ntype: application\nversion: 0.1.0\nappVersion: \"0.1.0\"\n"),
            ),
            (
                "values.yaml",
                format!("replicaCount: 1\nimage:\n  repository: {IMAGE_REPOSITORY}\n  tag: \"{IMAGE_TAG}\"\nservice:\n  port: 80\n"),
            ),
            (
                "templates/deployment.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    app.kubernetes.io/name: {{ .Chart.Name }}\n    app.kubernetes.io/instance: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  selector:\n    matchLabels:\n      app.kubernetes.io/instance: {{ .Release.Name }}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: {{ .Chart.Name }}\n        app.kubernetes.io/instance: {{ .Release.Name }}\n    spec:\n      containers:\n        - name: {{ .Chart.Name }}\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n          ports:\n            - name: http\n              containerPort: 80\n".into(),
            ),
            (
                "templates/service.yaml",
                service(
                    "{{ .Release.Name }}",
                    "app.kubernetes.io/instance: {{ .Release.Name }}",
                    "{{ .Values.service.port }}",
                ),
            ),
        ],
    };
    files
        .into_iter()
        .map(|(path, text)| (path.to_string(), text))
        .collect()
}

/// A Service `name` in front of the pods that carry `selector` (`key: value`).
fn service(name: &str, selector: &str, port: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    {selector}\n  ports:\n    - name: http\n      port: {port}\n      targetPort: http\n"
    )
}
