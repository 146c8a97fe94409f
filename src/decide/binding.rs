//! Is there a GitOps object that applies the env's dir at all? Before forge waits for a
//! commit to be applied, the Kustomization (Flux) or Application (Argo CD) it follows must
//! exist and watch the env dir of the configured source: otherwise nothing will ever apply
//! the commit and waiting only burns the timeout.

use serde_json::Value;
use std::time::Duration;

/// Where the env's GitOps object stands with respect to the env dir.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// It exists and applies the env dir from the configured source.
    Bound,
    /// It does not exist.
    Missing,
    /// It exists but watches something else: the field, what it holds, what forge expected.
    Mismatched {
        field: &'static str,
        found: String,
        expected: String,
    },
}

/// A path in the env repo as Flux and Argo CD read it: `./apps/x/`, `apps/x` and `/apps/x`
/// are the same directory.
pub fn normal_path(path: &str) -> &str {
    let mut path = path.trim();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    path.trim_start_matches('/').trim_end_matches('/')
}

/// Whether two env repo paths name the same directory.
pub fn same_path(a: &str, b: &str) -> bool {
    normal_path(a) == normal_path(b)
}

/// The GitRepository a Kustomization reads: `GitRepository <namespace>/<name>`, its
/// namespace defaulting to the Kustomization's own (as Flux defaults it).
fn source_ref(object: &Value) -> String {
    let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str);
    let namespace = text("/spec/sourceRef/namespace")
        .or(text("/metadata/namespace"))
        .unwrap_or_default();
    format!(
        "{} {namespace}/{}",
        text("/spec/sourceRef/kind").unwrap_or("(no kind)"),
        text("/spec/sourceRef/name").unwrap_or("(no name)")
    )
}

/// Judges the env's Flux Kustomization: it must build `dir` (spec.path) from the
/// GitRepository `namespace/source` (spec.sourceRef).
pub fn kustomization(object: Option<&Value>, dir: &str, namespace: &str, source: &str) -> Binding {
    let Some(object) = object else {
        return Binding::Missing;
    };
    let path = object
        .pointer("/spec/path")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !same_path(path, dir) {
        return Binding::Mismatched {
            field: "spec.path",
            found: if path.is_empty() {
                "(the repository root)".into()
            } else {
                path.to_string()
            },
            expected: format!("./{}", normal_path(dir)),
        };
    }
    let found = source_ref(object);
    let expected = format!("GitRepository {namespace}/{source}");
    if found != expected {
        return Binding::Mismatched {
            field: "spec.sourceRef",
            found,
            expected,
        };
    }
    Binding::Bound
}

/// Judges the env's Argo CD Application: a source with a path must read `dir` or a path in it
/// (forge's Helm layout points at `<dir>/chart`). A source without a path (a chart from a
/// Helm repository) cannot be judged and counts as bound.
pub fn application(object: Option<&Value>, dir: &str) -> Binding {
    let Some(object) = object else {
        return Binding::Missing;
    };
    let sources = object
        .pointer("/spec/sources")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .chain(object.pointer("/spec/source").cloned());
    let paths: Vec<String> = sources
        .filter_map(|source| source.get("path")?.as_str().map(str::to_string))
        .collect();
    let dir = normal_path(dir);
    let inside = |path: &str| {
        let path = normal_path(path);
        path == dir || path.starts_with(&format!("{dir}/"))
    };
    if paths.is_empty() || paths.iter().any(|p| inside(p)) {
        return Binding::Bound;
    }
    Binding::Mismatched {
        field: "spec.source.path",
        found: paths.join(", "),
        expected: dir.to_string(),
    }
}

/// How long, after the engine's source fetched our commit, a first release's object may
/// still be on its way (something that generates an object per env dir — an ApplicationSet,
/// a parent Kustomization, `forge sandbox` — reacts to the same fetch).
pub const GENERATED_GRACE: Duration = Duration::from_secs(5);

/// Whether an object that is absent (after the watch listed, or a GET said 404) means that
/// nothing will apply our commit.
///
/// When the env dir existed before our commit, whatever creates the object had its chance:
/// absent is final. A first release's object may be generated from the new dir, so absent
/// is final only once the engine's source has fetched our commit (`fetched_since`: how long
/// ago) and a short grace went by. Without a source to look at (Argo CD keeps its own), a
/// first release waits.
pub fn absence_is_final(first_release: bool, fetched_since: Option<Duration>) -> bool {
    !first_release || fetched_since.is_some_and(|waited| waited >= GENERATED_GRACE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::fixture;
    use serde_json::json;

    const DIR: &str = "apps/hello/dev";

    #[test]
    fn paths_match_modulo_leading_dot_slash_and_trailing_slash() {
        assert!(same_path("./apps/hello/dev", "apps/hello/dev"));
        assert!(same_path("apps/hello/dev/", "./apps/hello/dev"));
        assert!(same_path("/apps/hello/dev", "apps/hello/dev"));
        assert!(!same_path("./apps/hello/dev2", "apps/hello/dev"));
        assert!(!same_path("./", "apps/hello/dev"));
    }

    #[test]
    fn the_sandboxs_kustomization_is_bound() {
        let object = fixture("kustomization-ready.json");
        assert_eq!(
            kustomization(Some(&object), DIR, "flux-system", "flux-system"),
            Binding::Bound
        );
    }

    #[test]
    fn an_absent_kustomization_is_missing() {
        assert_eq!(
            kustomization(None, DIR, "flux-system", "flux-system"),
            Binding::Missing
        );
    }

    #[test]
    fn a_kustomization_of_another_path_says_which_path_it_expected() {
        let object = fixture("kustomization-other-path.json");
        assert_eq!(
            kustomization(Some(&object), DIR, "flux-system", "flux-system"),
            Binding::Mismatched {
                field: "spec.path",
                found: "./apps/hello/staging".into(),
                expected: "./apps/hello/dev".into(),
            }
        );
        let mut root = object.clone();
        root["spec"].as_object_mut().unwrap().remove("path");
        let Binding::Mismatched { found, .. } =
            kustomization(Some(&root), DIR, "flux-system", "flux-system")
        else {
            panic!("the repository root is not the env dir");
        };
        assert_eq!(found, "(the repository root)");
    }

    #[test]
    fn a_kustomization_of_another_source_says_which_source_it_expected() {
        let object = fixture("kustomization-other-source.json");
        assert_eq!(
            kustomization(Some(&object), DIR, "flux-system", "flux-system"),
            Binding::Mismatched {
                field: "spec.sourceRef",
                found: "GitRepository flux-system/platform".into(),
                expected: "GitRepository flux-system/flux-system".into(),
            }
        );
        // The configured name with an explicit namespace that is the default one is bound.
        assert_eq!(
            kustomization(Some(&object), DIR, "flux-system", "platform"),
            Binding::Bound
        );
        let mut bucket = fixture("kustomization-ready.json");
        bucket["spec"]["sourceRef"] = json!({"kind": "Bucket", "name": "flux-system"});
        assert!(matches!(
            kustomization(Some(&bucket), DIR, "flux-system", "flux-system"),
            Binding::Mismatched {
                field: "spec.sourceRef",
                ..
            }
        ));
    }

    #[test]
    fn an_application_of_the_env_dir_or_inside_it_is_bound() {
        let object = fixture("application-healthy.json");
        assert_eq!(application(Some(&object), DIR), Binding::Bound);
        let mut chart = object.clone();
        chart["spec"]["source"]["path"] = json!("apps/hello/dev/chart");
        assert_eq!(application(Some(&chart), DIR), Binding::Bound);
        let mut repository_chart = object.clone();
        repository_chart["spec"]["source"] =
            json!({"repoURL": "https://charts.example.com", "chart": "hello"});
        assert_eq!(application(Some(&repository_chart), DIR), Binding::Bound);
        assert_eq!(application(None, DIR), Binding::Missing);
    }

    #[test]
    fn an_application_of_another_path_says_which_path_it_expected() {
        let object = fixture("application-other-path.json");
        assert_eq!(
            application(Some(&object), DIR),
            Binding::Mismatched {
                field: "spec.source.path",
                found: "apps/hello/prod/".into(),
                expected: DIR.into(),
            }
        );
        // A sibling whose name starts like the env dir is not inside it.
        let mut sibling = object.clone();
        sibling["spec"]["source"]["path"] = json!("apps/hello/dev2");
        assert!(matches!(
            application(Some(&sibling), DIR),
            Binding::Mismatched { .. }
        ));
    }

    #[test]
    fn absence_is_final_unless_a_first_release_may_still_generate_the_object() {
        assert!(absence_is_final(false, None), "the env dir existed before");
        assert!(
            !absence_is_final(true, None),
            "the source has not fetched it"
        );
        assert!(!absence_is_final(true, Some(Duration::from_secs(1))));
        assert!(absence_is_final(true, Some(GENERATED_GRACE)));
    }
}
