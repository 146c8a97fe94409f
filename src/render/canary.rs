//! A canary step as an env dir: the stable release and the new one side by side, traffic
//! split by replicas behind the stable Service (the canary's pods carry the same app
//! labels); and blue-green's env dirs ([`compose_blue_green`], [`compose_settled`]). Pure:
//! files in, files out.
//!
//! ```text
//! kustomization.yaml          resources: [stable, canary]
//! stable/kustomization.yaml   resources: [release]; replicas scaled down to make room
//! stable/release/…            the env dir as it was before the canary
//! canary/kustomization.yaml   resources: [release]; nameSuffix -canary; track label
//! canary/release/…            the new release, rendered with the canary's replicas
//! release.json                version, stable version, step, weight
//! ```

use crate::model::release::{Release, Side};
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
    files.insert("kustomization.yaml".into(), top.into());
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
    files.insert("stable/kustomization.yaml".into(), stable.into());
    files.insert("canary/kustomization.yaml".into(), canary.into());
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

/// A blue-green release as an env dir: the live release and the new one on opposite sides
/// (see [`Side`]), the live Services on the live side until `switched`, then on the new one.
pub struct BlueGreen<'a> {
    /// The env dir before the release (its release.json rides along, unused by kustomize).
    pub live: &'a Files,
    /// The new release (without release.json).
    pub next: &'a Files,
    /// The side the new release runs on; the live one runs on the other.
    pub side: Side,
    /// The labels the source's Services select their pods by.
    pub selectors: &'a BTreeMap<String, String>,
    /// The live Services select the new release's pods.
    pub switched: bool,
    /// The step's release.
    pub release: &'a Release,
}

/// The env dir of a blue-green step. The live env dir is kept whole under `stable/release`
/// (what an abort commits again); of it, only the live release's own side is built:
///
/// ```text
/// the new release on the preview side (the live one is plain):
///   kustomization.yaml   resources: [stable/release, preview]
///   preview/…            the new release under -preview names
/// on the main side (the live one is settled on the preview side, see compose_settled):
///   kustomization.yaml   resources: [stable/release/preview, main]
///   main/…               the new release under the app's own names
/// ```
pub fn compose_blue_green(step: &BlueGreen) -> Files {
    let mut files = Files::new();
    // A settled live dir's main part would clash with the new release's names.
    let (live_part, next_part) = match step.side {
        Side::Preview => (STABLE_DIR.to_string(), PREVIEW_DIR),
        Side::Main => (format!("{STABLE_DIR}/{PREVIEW_DIR}"), MAIN_DIR),
    };
    let serving = if step.switched {
        step.side
    } else {
        step.side.other()
    };
    let mut top = format!(
        "# Rendered by forge: a blue-green release. The next step replaces this file.\n{KUSTOMIZATION}resources:\n  - {live_part}\n  - {next_part}\n"
    );
    top.push_str(&live_services(step.selectors, serving));
    files.insert("kustomization.yaml".into(), top.into());
    for (path, bytes) in step.live {
        files.insert(format!("{STABLE_DIR}/{path}"), bytes.clone());
    }
    side_into(&mut files, step.side, step.next, step.selectors);
    step.release.write_into(&mut files);
    files
}

/// Blue-green settled on the preview side: the release's pods are the preview ones that took
/// the traffic at the switch, and the live Services keep selecting them. The app's own names
/// hold the release without its workloads, for the live Services (and what sits beside them).
/// The next blue-green release previews under the main names and switches back.
///
/// ```text
/// kustomization.yaml  resources: [main, preview]; the live Services select the preview pods
/// main/…              the release, its Deployments, StatefulSets and DaemonSets left out
/// preview/…           the release under -preview names
/// ```
pub fn compose_settled(
    release_files: &Files,
    selectors: &BTreeMap<String, String>,
    release: &Release,
) -> Files {
    let mut files = Files::new();
    let mut top = format!(
        "# Rendered by forge: a blue-green release on its preview side. The next release replaces this file.\n{KUSTOMIZATION}resources:\n  - {MAIN_DIR}\n  - {PREVIEW_DIR}\n"
    );
    top.push_str(&live_services(selectors, Side::Preview));
    files.insert("kustomization.yaml".into(), top.into());
    files.insert(
        format!("{MAIN_DIR}/kustomization.yaml"),
        release_only(true).into(),
    );
    for (path, bytes) in release_files {
        files.insert(format!("{MAIN_DIR}/release/{path}"), bytes.clone());
    }
    side_into(&mut files, Side::Preview, release_files, selectors);
    release.write_into(&mut files);
    files
}

/// The release files (as rendered, without release.json) of a settled env dir whose release
/// serves from `side`: a plain dir whole, a dir settled on the preview side from `main/`.
pub fn release_files(env_dir: &Files, side: Side) -> Files {
    let mut files = match side {
        Side::Main => env_dir.clone(),
        Side::Preview => under(env_dir, &format!("{MAIN_DIR}/release/")),
    };
    Release::remove_from(&mut files);
    files
}

/// A rendered env dir (with its release.json) as an env whose settled release is `live`
/// keeps it: when `live` is the same release settled on the preview side, in that layout
/// (what deploying it again leaves), otherwise as rendered. With the release it records.
pub fn in_live_layout(
    rendered: &Files,
    release: &Release,
    live: Option<&Release>,
) -> Result<(Files, Release), super::overlay::RenderError> {
    let settled = Release {
        strategy: crate::model::release::StrategyState {
            side: Side::Preview,
            ..release.strategy.clone()
        },
        ..release.clone()
    };
    let on_preview = live
        .is_some_and(|live| live.settled_side() == Some(Side::Preview) && live.same_as(&settled));
    if !on_preview {
        return Ok((rendered.clone(), release.clone()));
    }
    let files = release_files(rendered, Side::Main);
    let selectors = super::overlay::service_selectors(&files)?;
    Ok((compose_settled(&files, &selectors, &settled), settled))
}

const KUSTOMIZATION: &str = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
/// Where a blue-green env dir keeps the release under the app's own names.
const MAIN_DIR: &str = "main";
/// Where a blue-green env dir keeps the release under the `-preview` names.
const PREVIEW_DIR: &str = "preview";

/// A kustomization of the release in `release/`, with or without its workloads.
fn release_only(without_workloads: bool) -> String {
    let mut text = format!("{KUSTOMIZATION}resources:\n  - release\n");
    if without_workloads {
        text.push_str("patches:\n");
        for (api_version, kind) in [
            ("apps/v1", "Deployment"),
            ("apps/v1", "StatefulSet"),
            ("apps/v1", "DaemonSet"),
        ] {
            let _ = write!(
                text,
                "  - target:\n      kind: {kind}\n    patch: |\n      $patch: delete\n      apiVersion: {api_version}\n      kind: {kind}\n      metadata:\n        name: any\n"
            );
        }
    }
    text
}

/// `release` as the side `side` of a blue-green env dir: in `main/` as it is, or in
/// `preview/` under `-preview` names with `<value>-preview` for every Service selector label
/// (so the Services of the other side never pick its pods).
fn side_into(files: &mut Files, side: Side, release: &Files, selectors: &BTreeMap<String, String>) {
    let (dir, overlay) = match side {
        Side::Main => (MAIN_DIR, release_only(false)),
        Side::Preview => {
            let mut overlay = format!(
                "{KUSTOMIZATION}resources:\n  - release\nnameSuffix: -preview\nlabels:\n  - pairs:\n      {TRACK_LABEL}: preview\n"
            );
            let labels = side_labels(selectors, Side::Preview);
            if !labels.is_empty() {
                overlay.push_str("  - pairs:\n");
                for (key, value) in &labels {
                    let _ = writeln!(
                        overlay,
                        "      {}: {}",
                        serde_json::Value::from(*key),
                        serde_json::Value::from(value.as_str())
                    );
                }
                overlay.push_str("    includeSelectors: true\n");
            }
            (PREVIEW_DIR, overlay)
        }
    };
    files.insert(format!("{dir}/kustomization.yaml"), overlay.into());
    for (path, bytes) in release {
        files.insert(format!("{dir}/release/{path}"), bytes.clone());
    }
}

/// The selector labels of the pods on `side`.
fn side_labels(selectors: &BTreeMap<String, String>, side: Side) -> BTreeMap<&str, String> {
    selectors
        .iter()
        .map(|(key, value)| {
            let value = match side {
                Side::Main => value.clone(),
                Side::Preview => format!("{value}-preview"),
            };
            (key.as_str(), value)
        })
        .collect()
}

/// The patch that points the live Services (those under the app's own names) at the pods on
/// `side`; none for the main side, whose pods they select as rendered.
fn live_services(selectors: &BTreeMap<String, String>, side: Side) -> String {
    if side == Side::Main {
        return String::new();
    }
    let selector = forge_base::json::to_string(&side_labels(selectors, side));
    format!(
        "patches:\n  - target:\n      kind: Service\n      labelSelector: {TRACK_LABEL}!=preview\n    patch: |\n      - op: add\n        path: /spec/selector\n        value: {selector}\n"
    )
}

/// The stable release's env dir (with its release.json): the stable side of a canary in
/// progress, or the whole dir otherwise.
pub fn stable_files(env_dir: &Files) -> Files {
    let prefix = format!("{STABLE_DIR}/");
    let in_canary = env_dir.keys().any(|path| path.starts_with(&prefix));
    if !in_canary {
        return env_dir.clone();
    }
    under(env_dir, &prefix)
}

/// The files under `prefix` (a dir and its slash), by their path inside it.
fn under(files: &Files, prefix: &str) -> Files {
    files
        .iter()
        .filter_map(|(path, bytes)| Some((path.strip_prefix(prefix)?.to_string(), bytes.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::StrategyKind;

    fn release(version: &str, kind: StrategyKind, side: Side) -> Release {
        Release {
            app: "hello".into(),
            env: "prod".into(),
            version: version.into(),
            bundle_digest: format!("sha256:{version}"),
            source_commit: None,
            signer: None,
            deployed_at: "2026-01-01T00:00:00Z".into(),
            strategy: crate::model::release::StrategyState {
                kind,
                canary: None,
                side,
            },
        }
    }

    /// A rendered release's env dir, without its release.json.
    fn rendered(version: &str) -> Files {
        [
            ("kustomization.yaml".to_string(), version.into()),
            ("base/deployment.yaml".to_string(), "d".into()),
        ]
        .into()
    }

    fn text(files: &Files, path: &str) -> String {
        String::from_utf8(files[path].read().unwrap().into_owned()).unwrap()
    }

    #[test]
    fn blue_green_alternates_sides_and_the_switched_pods_stay() {
        let selectors: BTreeMap<String, String> =
            [("app.kubernetes.io/name".to_string(), "hello".to_string())].into();
        let to_preview = "value: {\"app.kubernetes.io/name\":\"hello-preview\"}";
        // 1.0 runs plainly under the app's own names.
        let mut plain = rendered("1.0");
        release("1.0", StrategyKind::BlueGreen, Side::Main).write_into(&mut plain);
        let step = |live: &Files, version: &str, side: Side, switched: bool| {
            compose_blue_green(&BlueGreen {
                live,
                next: &rendered(version),
                side,
                selectors: &selectors,
                switched,
                release: &release(version, StrategyKind::BlueGreen, side),
            })
        };

        // 1.1 previews under -preview names, out of traffic; the switch points the live
        // Services at its pods.
        let preview = step(&plain, "1.1", Side::Preview, false);
        let top = text(&preview, "kustomization.yaml");
        assert!(
            top.contains("resources:\n  - stable/release\n  - preview\n"),
            "{top}"
        );
        assert!(
            !top.contains("patches"),
            "the live Services untouched: {top}"
        );
        let overlay = text(&preview, "preview/kustomization.yaml");
        assert!(overlay.contains("nameSuffix: -preview"), "{overlay}");
        assert!(
            overlay.contains(
                "\"app.kubernetes.io/name\": \"hello-preview\"\n    includeSelectors: true"
            ),
            "{overlay}"
        );
        assert_eq!(stable_files(&preview), plain, "an abort commits 1.0 again");
        let switch = step(&plain, "1.1", Side::Preview, true);
        assert!(text(&switch, "kustomization.yaml").contains(to_preview));

        // 1.1 settles where the switch sent the traffic: its preview side unchanged, the
        // app's own names left without workloads, the live Services still on the preview.
        let settled = compose_settled(
            &rendered("1.1"),
            &selectors,
            &release("1.1", StrategyKind::BlueGreen, Side::Preview),
        );
        assert_eq!(under(&settled, "preview/"), under(&switch, "preview/"));
        let top = text(&settled, "kustomization.yaml");
        assert!(top.contains("resources:\n  - main\n  - preview\n"), "{top}");
        assert!(top.contains(to_preview), "{top}");
        let main = text(&settled, "main/kustomization.yaml");
        for kind in ["Deployment", "StatefulSet", "DaemonSet"] {
            assert!(
                main.contains(&format!("kind: {kind}\n    patch: |\n      $patch: delete")),
                "{main}"
            );
        }
        assert_eq!(under(&settled, "main/release/"), rendered("1.1"));
        assert_eq!(
            Release::read_from(&settled)
                .unwrap()
                .map(|r| r.strategy.side),
            Some(Side::Preview),
            "release.json says which side is live"
        );
        assert_eq!(stable_files(&settled), settled, "no release in progress");

        // 1.2 previews under the app's own names beside the settled 1.1, whose preview side
        // alone is built; the live Services stay on 1.1's pods until the switch.
        let preview = step(&settled, "1.2", Side::Main, false);
        let top = text(&preview, "kustomization.yaml");
        assert!(
            top.contains("resources:\n  - stable/release/preview\n  - main\n"),
            "{top}"
        );
        assert!(top.contains(to_preview), "{top}");
        assert_eq!(
            text(&preview, "main/kustomization.yaml"),
            release_only(false)
        );
        assert_eq!(under(&preview, "main/release/"), rendered("1.2"));
        assert_eq!(
            stable_files(&preview),
            settled,
            "an abort commits 1.1 again"
        );
        let switch = step(&settled, "1.2", Side::Main, true);
        assert!(!text(&switch, "kustomization.yaml").contains("patches"));
        assert_eq!(
            under(&switch, "main/release/"),
            rendered("1.2"),
            "its promotion, the plain env dir, keeps the same objects"
        );
    }

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
            ("kustomization.yaml".to_string(), "old".into()),
            ("base/deployment.yaml".to_string(), "d".into()),
            ("release.json".to_string(), "{\"version\": \"1\"}".into()),
        ]
        .into();
        let canary: Files = [("kustomization.yaml".to_string(), "new".into())].into();
        let release = release("2", crate::config::StrategyKind::Canary, Side::Main);
        let files = compose(&Step {
            stable: &stable,
            canary: &canary,
            workloads: &["hello".into()],
            stable_replicas: 3,
            release: &release,
            route: None,
        });
        let text = |path: &str| text(&files, path);
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
