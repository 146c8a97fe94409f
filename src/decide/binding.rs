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
    if paths.is_empty() || paths.iter().any(|p| in_dir(p, dir)) {
        return Binding::Bound;
    }
    Binding::Mismatched {
        field: "spec.source.path",
        found: paths.join(", "),
        expected: normal_path(dir).to_string(),
    }
}

/// Whether an env repo path is `dir` or inside it.
fn in_dir(path: &str, dir: &str) -> bool {
    let (path, dir) = (normal_path(path), normal_path(dir));
    path == dir || path.starts_with(&format!("{dir}/"))
}

/// A repository URL reduced to where it points, so that the spellings Flux, Argo CD and git
/// accept for one repository compare equal: no scheme, no credentials, no default port, the
/// host in lower case, no trailing `/` or `.git`; scp-like `git@host:org/repo` reads as
/// `host/org/repo` and `file:///srv/envs` as `/srv/envs`.
pub fn normal_url(url: &str) -> String {
    let url = url.trim();
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        // scp-like syntax: `[user@]host:path`, a colon before any slash.
        None => match url.split_once(':') {
            Some((host, path)) if !host.contains('/') && !path.starts_with("//") => {
                let path = path.trim_start_matches('/');
                return normal_url(&format!("ssh://{host}/{path}"));
            }
            _ => ("file".into(), url),
        },
    };
    let (authority, path) = match scheme.as_str() {
        "file" => ("", rest),
        _ => rest.split_at(rest.find('/').unwrap_or(rest.len())),
    };
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
        .to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "ssh" => ":22",
        "https" => ":443",
        "http" => ":80",
        "git" => ":9418",
        _ => "",
    };
    let host = host.strip_suffix(default_port).unwrap_or(&host);
    let path = path.trim_end_matches('/');
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    format!("{host}{path}")
}

/// Whether two repository URLs name the same repository (see [`normal_url`]).
pub fn same_repository(a: &str, b: &str) -> bool {
    normal_url(a) == normal_url(b)
}

/// A branch as Flux and Argo CD accept it: `refs/heads/main` is `main`.
fn normal_branch(branch: &str) -> &str {
    let branch = branch.trim();
    branch.strip_prefix("refs/heads/").unwrap_or(branch)
}

/// Where an engine's source reads from: the repository URL and the ref, each with the field
/// that holds it.
pub struct Source<'a> {
    pub url_field: &'static str,
    pub url: &'a str,
    pub ref_field: &'static str,
    /// The branch it follows, or the pinned ref (`tag v1.2`); None when the object leaves it
    /// to the repository (its default branch, which only the server knows).
    pub reference: Option<String>,
}

impl Source<'_> {
    /// Judges the source against the env repo's URL and branch. `fetched_ours` says what the
    /// engine fetched since forge pushed: None while it has not, else whether that holds our
    /// commit.
    ///
    /// Another branch (or a pinned tag or commit) never holds the commit forge just pushed:
    /// final at once. Another URL is not enough: the cluster may reach the env repo by
    /// another URL than forge does (an in-cluster mirror or proxy), and then it fetches our
    /// commit all the same; it is final once the engine fetched after our push and did not
    /// get our commit.
    pub fn judge(&self, url: &str, branch: &str, fetched_ours: Option<bool>) -> Binding {
        if let Some(reference) = &self.reference
            && normal_branch(reference) != normal_branch(branch)
        {
            return Binding::Mismatched {
                field: self.ref_field,
                found: reference.clone(),
                expected: branch.to_string(),
            };
        }
        if same_repository(self.url, url) || fetched_ours != Some(false) {
            return Binding::Bound;
        }
        Binding::Mismatched {
            field: self.url_field,
            found: self.url.to_string(),
            expected: url.to_string(),
        }
    }
}

/// Where a Flux GitRepository fetches from: spec.url and spec.ref (a commit, semver range or
/// tag pins it; `name` is a full ref such as `refs/heads/main`).
pub fn git_repository_source(object: &Value) -> Source<'_> {
    let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str);
    let pinned = [
        ("commit", "spec.ref.commit"),
        ("semver", "spec.ref.semver"),
        ("tag", "spec.ref.tag"),
    ]
    .into_iter()
    .find_map(|(name, field)| {
        Some((
            field,
            format!("{name} {}", text(&format!("/spec/ref/{name}"))?),
        ))
    });
    let followed = [("name", "spec.ref.name"), ("branch", "spec.ref.branch")]
        .into_iter()
        .find_map(|(name, field)| Some((field, text(&format!("/spec/ref/{name}"))?.to_string())));
    let (ref_field, reference) = match pinned.or(followed) {
        Some((field, reference)) => (field, Some(reference)),
        None => ("spec.ref", None),
    };
    Source {
        url_field: "spec.url",
        url: text("/spec/url").unwrap_or_default(),
        ref_field,
        reference,
    }
}

/// Where an Argo CD Application reads the env dir from: the source whose path is the env dir
/// (or inside it), its repoURL and targetRevision (empty or `HEAD`: the repository's default
/// branch). None when no source has a path in the env dir ([`application`] judges that).
pub fn application_source<'a>(object: &'a Value, dir: &str) -> Option<Source<'a>> {
    let single = object.pointer("/spec/source").into_iter();
    let several = object
        .pointer("/spec/sources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let source = single.chain(several).find(|source| {
        source["path"]
            .as_str()
            .is_some_and(|path| in_dir(path, dir))
    })?;
    let revision = source["targetRevision"]
        .as_str()
        .filter(|r| !r.is_empty() && *r != "HEAD");
    Some(Source {
        url_field: "spec.source.repoURL",
        url: source["repoURL"].as_str().unwrap_or_default(),
        ref_field: "spec.source.targetRevision",
        reference: revision.map(str::to_string),
    })
}

/// How long, after the engine's source fetched our commit, a first release's object may
/// still be on its way (something that generates an object per env dir — an ApplicationSet,
/// a parent Kustomization, `forge sandbox` — reacts to the same fetch).
pub const GENERATED_GRACE: Duration = Duration::from_secs(5);

/// How long after the push a first release's Argo CD Application may still be on its way.
/// Argo CD keeps its source to itself, so nothing tells when it saw our commit; an
/// ApplicationSet's git generator looks at the repository every 3 minutes by default
/// (`requeueAfterSeconds: 180`, sooner with a webhook), and this is that and a margin.
pub const APPLICATION_SET_GRACE: Duration = Duration::from_secs(190);

/// Whether an object that is absent (after the watch listed, or a GET said 404) means that
/// nothing will apply our commit.
///
/// When the env dir existed before our commit, whatever creates the object had its chance:
/// absent is final. A first release's object may be generated from the new dir, so absent
/// is final only once `grace` went by since the engine could have seen our commit (`since`:
/// how long ago; None while it cannot have). Flux tells: its source fetched our commit
/// ([`GENERATED_GRACE`]). Argo CD does not: forge counts from the push
/// ([`APPLICATION_SET_GRACE`]).
pub fn absence_is_final(first_release: bool, since: Option<Duration>, grace: Duration) -> bool {
    !first_release || since.is_some_and(|waited| waited >= grace)
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
    fn urls_of_one_repository_compare_equal() {
        let envs = "https://git.example.com/org/envs.git";
        for same in [
            "https://git.example.com/org/envs",
            "https://git.example.com/org/envs/",
            "https://forge:s3cret@git.example.com/org/envs.git",
            "HTTPS://Git.Example.com:443/org/envs.git",
            "ssh://git@git.example.com/org/envs.git",
            "ssh://git@git.example.com:22/org/envs",
            "git@git.example.com:org/envs.git",
        ] {
            assert!(same_repository(same, envs), "{same}");
        }
        for other in [
            "https://git.example.com/org/platform.git",
            "https://git.example.com/envs.git",
            "https://mirror.example.com/org/envs.git",
            "ssh://git@git.example.com:2222/org/envs.git",
        ] {
            assert!(!same_repository(other, envs), "{other}");
        }
        assert!(same_repository("file:///srv/git/envs.git", "/srv/git/envs"));
        assert!(same_repository("/srv/git/envs.git/", "/srv/git/envs.git"));
    }

    #[test]
    fn a_git_repository_of_another_branch_is_mismatched_at_once() {
        const URL: &str = "https://git.example.com/org/envs.git";
        let mut object = fixture("gitrepository-ready.json");
        object["spec"]["url"] = json!(URL);
        object["spec"]["ref"] = json!({"branch": "main"});
        let judge = |object: &Value, fetched_ours| {
            git_repository_source(object).judge(URL, "main", fetched_ours)
        };
        assert_eq!(judge(&object, None), Binding::Bound);
        object["spec"]["ref"] = json!({"name": "refs/heads/main"});
        assert_eq!(judge(&object, None), Binding::Bound);
        object["spec"]["ref"] = json!({"branch": "staging"});
        assert_eq!(
            judge(&object, None),
            Binding::Mismatched {
                field: "spec.ref.branch",
                found: "staging".into(),
                expected: "main".into(),
            }
        );
        // A tag wins over a branch in Flux: it is pinned.
        object["spec"]["ref"] = json!({"branch": "main", "tag": "v1.2.0"});
        assert_eq!(
            judge(&object, None),
            Binding::Mismatched {
                field: "spec.ref.tag",
                found: "tag v1.2.0".into(),
                expected: "main".into(),
            }
        );
        // No ref: the repository's default branch, which forge cannot tell.
        object["spec"].as_object_mut().unwrap().remove("ref");
        assert_eq!(judge(&object, None), Binding::Bound);
    }

    #[test]
    fn a_git_repository_of_another_url_is_mismatched_once_it_fetched_without_our_commit() {
        const URL: &str = "https://git.example.com/org/envs.git";
        let mut object = fixture("gitrepository-ready.json");
        object["spec"]["url"] = json!("https://git.example.com/org/platform.git");
        object["spec"]["ref"] = json!({"branch": "main"});
        let source = git_repository_source(&object);
        // Not fetched since the push, or fetched our commit (a mirror): the same repository.
        assert_eq!(source.judge(URL, "main", None), Binding::Bound);
        assert_eq!(source.judge(URL, "main", Some(true)), Binding::Bound);
        assert_eq!(
            source.judge(URL, "main", Some(false)),
            Binding::Mismatched {
                field: "spec.url",
                found: "https://git.example.com/org/platform.git".into(),
                expected: URL.into(),
            }
        );
        // The same repository spelt another way needs no fetch to tell.
        object["spec"]["url"] = json!("ssh://git@git.example.com/org/envs");
        let source = git_repository_source(&object);
        assert_eq!(source.judge(URL, "main", Some(false)), Binding::Bound);
    }

    #[test]
    fn an_applications_repo_url_and_target_revision_are_judged() {
        const URL: &str = "https://git.example.com/org/envs.git";
        let mut object = fixture("application-healthy.json");
        object["spec"]["source"]["repoURL"] = json!("https://git.example.com/org/envs");
        object["spec"]["source"]["targetRevision"] = json!("main");
        let judge = |object: &Value, fetched_ours| {
            application_source(object, DIR)
                .expect("a source of the env dir")
                .judge(URL, "main", fetched_ours)
        };
        assert_eq!(judge(&object, Some(false)), Binding::Bound);
        object["spec"]["source"]["targetRevision"] = json!("release-1");
        assert_eq!(
            judge(&object, None),
            Binding::Mismatched {
                field: "spec.source.targetRevision",
                found: "release-1".into(),
                expected: "main".into(),
            }
        );
        // HEAD is the repository's default branch: not forge's to tell.
        object["spec"]["source"]["targetRevision"] = json!("HEAD");
        assert_eq!(judge(&object, Some(false)), Binding::Bound);
        object["spec"]["source"]["repoURL"] = json!("https://git.example.com/org/other.git");
        assert_eq!(judge(&object, None), Binding::Bound);
        assert!(matches!(
            judge(&object, Some(false)),
            Binding::Mismatched {
                field: "spec.source.repoURL",
                ..
            }
        ));
        // Several sources: the one of the env dir is judged; a chart source is not.
        let mut several = object.clone();
        let source = several["spec"]["source"].take();
        several["spec"].as_object_mut().unwrap().remove("source");
        several["spec"]["sources"] =
            json!([{"repoURL": "https://charts.example.com", "chart": "hello"}, source]);
        assert!(matches!(
            application_source(&several, DIR).map(|s| s.judge(URL, "main", Some(false))),
            Some(Binding::Mismatched {
                field: "spec.source.repoURL",
                ..
            })
        ));
        assert!(application_source(&several, "apps/other/dev").is_none());
    }

    #[test]
    fn absence_is_final_unless_a_first_release_may_still_generate_the_object() {
        assert!(
            absence_is_final(false, None, GENERATED_GRACE),
            "the env dir existed before"
        );
        assert!(
            !absence_is_final(true, None, GENERATED_GRACE),
            "the source has not fetched it"
        );
        let second = Some(Duration::from_secs(1));
        assert!(!absence_is_final(true, second, GENERATED_GRACE));
        assert!(absence_is_final(
            true,
            Some(GENERATED_GRACE),
            GENERATED_GRACE
        ));
        // Argo CD: bounded by the ApplicationSet's poll, not the wait's timeout.
        assert!(!absence_is_final(true, second, APPLICATION_SET_GRACE));
        assert!(absence_is_final(
            true,
            Some(APPLICATION_SET_GRACE),
            APPLICATION_SET_GRACE
        ));
    }
}
