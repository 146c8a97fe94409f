//! A canary step as an env dir: the stable release and the new one side by side, traffic
//! split by replicas behind the stable Service (the canary's pods carry the same app
//! labels). Pure: files in, files out.
//!
//! ```text
//! kustomization.yaml          resources: [stable, canary]
//! stable/kustomization.yaml   resources: [release]; replicas scaled down to make room
//! stable/release/…            the env dir as it was before the canary
//! canary/kustomization.yaml   resources: [release]; nameSuffix -canary; track label
//! canary/release/…            the new release, rendered with the canary's replicas
//! release.json                version, stable version, step, weight
//! ```

use crate::model::release::Release;
use std::collections::BTreeMap;
use std::fmt::Write as _;

// commands/canary names it through here.
use crate::model::Files;

/// The label that tells canary pods (and selectors) from stable ones.
pub const TRACK_LABEL: &str = "forge.dev/track";
pub const STABLE_DIR: &str = "stable/release";

pub struct Step<'a> {
    /// The env dir before the canary (its release.json rides along, unused by kustomize).
    pub stable: &'a Files,
    /// The new release rendered for this step's replicas (without release.json).
    pub canary: &'a Files,
    /// Workload names to scale in the stable release.
    pub workloads: &'a [String],
    pub stable_replicas: u32,
    /// The step's release.
    pub release: &'a Release,
    /// With an HTTPRoute: its weights follow the step's too.
    pub route: Option<Route<'a>>,
}

/// The HTTPRoute whose rules a canary step re-weights: each rule's backend becomes the stable
/// Service at `100 - weight` and its `-canary` twin at `weight`.
pub struct Route<'a> {
    pub name: &'a str,
    pub backends: &'a [super::overlay::RouteBackend],
    pub weight: u32,
}

/// How many replicas each side runs at `weight` percent of `total` (rounded to the nearest
/// replica): the canary gets at least one, and the stable side keeps at least one until the canary takes all traffic.
pub fn split(total: u32, weight: u32) -> (u32, u32) {
    let total = total.max(1);
    let canary = ((total * weight + 50) / 100).clamp(1, total);
    let stable = if weight >= 100 {
        0
    } else {
        (total - canary).max(1)
    };
    (stable, canary)
}

/// The env dir that runs `step`.
pub fn compose(step: &Step) -> Files {
    let mut files = Files::new();
    let mut top = String::from(
        "# Rendered by forge: a canary step. The next step replaces this file.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - stable\n  - canary\n",
    );
    let mut canary = format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release\nnameSuffix: -canary\nlabels:\n  - pairs:\n      {TRACK_LABEL}: canary\n    includeSelectors: true\n"
    );
    if let Some(route) = &step.route {
        top.push_str(&route_weights(route));
        // One route for both sides: the canary side's copy is dropped.
        canary.push_str("patches:\n  - target:\n      kind: HTTPRoute\n    patch: |\n      $patch: delete\n      apiVersion: gateway.networking.k8s.io/v1\n      kind: HTTPRoute\n      metadata:\n        name: any\n");
    }
    files.insert("kustomization.yaml".into(), top.into_bytes());
    let mut stable = String::from(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release\n",
    );
    if !step.workloads.is_empty() {
        stable.push_str("replicas:\n");
        for name in step.workloads {
            let _ = writeln!(
                stable,
                "  - name: {}\n    count: {}",
                serde_json::Value::from(name.as_str()),
                step.stable_replicas
            );
        }
    }
    files.insert("stable/kustomization.yaml".into(), stable.into_bytes());
    files.insert("canary/kustomization.yaml".into(), canary.into_bytes());
    for (path, bytes) in step.stable {
        files.insert(format!("{STABLE_DIR}/{path}"), bytes.clone());
    }
    for (path, bytes) in step.canary {
        files.insert(format!("canary/release/{path}"), bytes.clone());
    }
    step.release.write_into(&mut files);
    files
}

/// A JSON 6902 patch per rule: the stable Service and its canary twin, weighted.
fn route_weights(route: &Route) -> String {
    let mut text = format!(
        "patches:\n  - target:\n      kind: HTTPRoute\n      name: {}\n    patch: |\n",
        serde_json::Value::from(route.name)
    );
    for backend in route.backends {
        let refs = serde_json::json!([
            {"name": backend.service, "port": backend.port, "weight": 100 - route.weight.min(100)},
            {"name": format!("{}-canary", backend.service), "port": backend.port, "weight": route.weight.min(100)},
        ]);
        let _ = writeln!(
            text,
            "      - op: replace\n        path: /spec/rules/{}/backendRefs\n        value: {refs}",
            backend.rule
        );
    }
    text
}

/// Blue-green, before the switch: the live env dir untouched and the new release beside it
/// as `-preview` objects whose pods carry `<value>-preview` for every Service selector label,
/// so the live Services never send them traffic. `switched` also points the live Services'
/// selectors at the preview pods.
pub fn compose_preview(
    live: &Files,
    preview: &Files,
    selectors: &BTreeMap<String, String>,
    switched: bool,
    release: &Release,
) -> Files {
    let mut files = Files::new();
    let mut top = String::from(
        "# Rendered by forge: a blue-green release. The next step replaces this file.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - stable\n  - preview\n",
    );
    let previewed: BTreeMap<&str, String> = selectors
        .iter()
        .map(|(key, value)| (key.as_str(), format!("{value}-preview")))
        .collect();
    if switched {
        let selector = forge_base::json::to_string(&previewed);
        let _ = write!(
            top,
            "patches:\n  - target:\n      kind: Service\n      labelSelector: {TRACK_LABEL}!=preview\n    patch: |\n      - op: add\n        path: /spec/selector\n        value: {selector}\n"
        );
    }
    files.insert("kustomization.yaml".into(), top.into_bytes());
    files.insert(
        "stable/kustomization.yaml".into(),
        b"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release\n".to_vec(),
    );
    let mut overlay = format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release\nnameSuffix: -preview\nlabels:\n  - pairs:\n      {TRACK_LABEL}: preview\n"
    );
    if !previewed.is_empty() {
        overlay.push_str("  - pairs:\n");
        for (key, value) in &previewed {
            let _ = writeln!(
                overlay,
                "      {}: {}",
                serde_json::Value::from(*key),
                serde_json::Value::from(value.as_str())
            );
        }
        overlay.push_str("    includeSelectors: true\n");
    }
    files.insert("preview/kustomization.yaml".into(), overlay.into_bytes());
    for (path, bytes) in live {
        files.insert(format!("{STABLE_DIR}/{path}"), bytes.clone());
    }
    for (path, bytes) in preview {
        files.insert(format!("preview/release/{path}"), bytes.clone());
    }
    release.write_into(&mut files);
    files
}

/// The stable release's env dir (with its release.json): the stable side of a canary in
/// progress, or the whole dir otherwise.
pub fn stable_files(env_dir: &Files) -> Files {
    let prefix = format!("{STABLE_DIR}/");
    let in_canary = env_dir.keys().any(|path| path.starts_with(&prefix));
    if !in_canary {
        return env_dir.clone();
    }
    env_dir
        .iter()
        .filter_map(|(path, bytes)| Some((path.strip_prefix(&prefix)?.to_string(), bytes.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_split_by_weight_and_keep_one_of_each() {
        assert_eq!(split(1, 10), (1, 1));
        assert_eq!(split(4, 10), (3, 1));
        assert_eq!(split(4, 50), (2, 2));
        assert_eq!(split(10, 90), (1, 9));
        assert_eq!(split(4, 100), (0, 4));
        assert_eq!(split(3, 34), (2, 1), "the nearest whole replica");
        assert_eq!(split(0, 50), (1, 1));
    }

    #[test]
    fn a_step_holds_both_releases_and_the_stable_side_comes_back_out() {
        let stable: Files = [
            ("kustomization.yaml".to_string(), b"old".to_vec()),
            ("base/deployment.yaml".to_string(), b"d".to_vec()),
            ("release.json".to_string(), b"{\"version\": \"1\"}".to_vec()),
        ]
        .into();
        let canary: Files = [("kustomization.yaml".to_string(), b"new".to_vec())].into();
        let release = Release {
            app: "hello".into(),
            env: "prod".into(),
            version: "2".into(),
            bundle_digest: "sha256:2".into(),
            source_commit: None,
            signer: None,
            deployed_at: "2026-01-01T00:00:00Z".into(),
            strategy: crate::model::release::StrategyState {
                kind: crate::config::StrategyKind::Canary,
                canary: None,
            },
        };
        let files = compose(&Step {
            stable: &stable,
            canary: &canary,
            workloads: &["hello".into()],
            stable_replicas: 3,
            release: &release,
            route: None,
        });
        let text = |path: &str| String::from_utf8(files[path].clone()).unwrap();
        assert!(text("stable/kustomization.yaml").contains("name: \"hello\"\n    count: 3"));
        assert!(text("canary/kustomization.yaml").contains("nameSuffix: -canary"));
        assert_eq!(text("stable/release/kustomization.yaml"), "old");
        assert_eq!(text("canary/release/kustomization.yaml"), "new");
        assert_eq!(
            Release::read_from(&files).unwrap(),
            Some(release),
            "the step's own release.json is on top"
        );
        assert_eq!(
            stable_files(&files),
            stable,
            "the next step finds the same stable side"
        );
        assert_eq!(stable_files(&stable), stable);
    }
}
