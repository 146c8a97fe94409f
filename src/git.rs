//! The git adapter: forge runs the system `git` (as jj does), so users' config, credential
//! helpers and ssh setup apply unchanged.

use forge_base::percent_decode;
use std::path::Path;
use std::process::Command;

/// `git`, as every git forge runs starts: limited to the transports of
/// [`forge_base::GIT_ALLOWED_PROTOCOLS`], and taking no optional locks (a status or log never
/// blocks a user's own git).
pub fn command() -> Command {
    let mut cmd = Command::new("git");
    cmd.env("GIT_ALLOW_PROTOCOL", forge_base::GIT_ALLOWED_PROTOCOLS)
        .env("GIT_OPTIONAL_LOCKS", "0");
    cmd
}

/// Runs `git -C dir ARGS` and returns trimmed stdout, or None when git fails (not a repo,
/// no commits, no tags...). Callers treat "no answer" as "not known".
fn query(dir: &Path, args: &[&str]) -> Option<String> {
    let output = command().arg("-C").arg(dir).args(args).output().ok()?;
    if !output.status.success() {
        tracing::debug!(dir = %dir.display(), ?args, "git failed: {}", String::from_utf8_lossy(&output.stderr).trim());
        return None;
    }
    tracing::debug!(dir = %dir.display(), ?args, "git ok");
    Some(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// What a build records about where its source came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceState {
    pub commit: Option<String>,
    pub commit_time: Option<i64>,
    /// `git describe`-style version: nearest tag (without a leading `v`), commits since, hash.
    pub describe: Option<String>,
    pub remote: Option<String>,
    pub dirty: Option<bool>,
}

/// Whether `dir` is inside a git work tree (with or without commits).
pub fn is_work_tree(dir: &Path) -> bool {
    query(dir, &["rev-parse", "--is-inside-work-tree"]).as_deref() == Some("true")
}

pub fn source_state(dir: &Path) -> SourceState {
    let commit = query(dir, &["rev-parse", "--verify", "HEAD"]);
    if commit.is_none() {
        return SourceState::default();
    }
    let dirty = query(dir, &["status", "--porcelain", "--", "."]).map(|s| !s.is_empty());
    let describe = query(dir, &["describe", "--tags", "--always", "--dirty"]).map(|d| strip_v(&d));
    SourceState {
        commit,
        commit_time: query(dir, &["log", "-1", "--format=%ct"]).and_then(|t| t.parse().ok()),
        describe,
        remote: query(dir, &["remote", "get-url", "origin"]).map(|url| redact_url(&url)),
        dirty,
    }
}

/// `v1.4.2` → `1.4.2`; other tags are kept as they are.
fn strip_v(describe: &str) -> String {
    match describe.strip_prefix('v') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest.to_string(),
        _ => describe.to_string(),
    }
}

/// Hides credentials in a URL: `https://user:token@host/x` → `https://user:***@host/x`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            if userinfo.contains(':') {
                format!("{scheme}://{user}:***@{host}{path}")
            } else {
                // A lone userinfo over https is usually a token; ssh users are plain names.
                let shown = if scheme.starts_with("http") {
                    "***"
                } else {
                    user
                };
                format!("{scheme}://{shown}@{host}{path}")
            }
        }
        None => url.to_string(),
    }
}

/// The URL without any userinfo, for places that must not hold credentials at all (rendered
/// manifests). ssh-style `git@host:path` is kept: its user is not a secret.
pub fn strip_credentials(url: &str) -> String {
    split_credentials(url).0
}

/// Splits `https://user:password@host/path` into the bare URL and the (percent-decoded)
/// user and password, so credentials can travel as a header instead of in the URL.
pub fn split_credentials(url: &str) -> (String, Option<(String, String)>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((userinfo, host)) if scheme.starts_with("http") => {
            let bare = format!("{scheme}://{host}{}", &rest[authority_end..]);
            let credentials = userinfo
                .split_once(':')
                .map(|(user, password)| (percent_decode(user), percent_decode(password)));
            (bare, credentials)
        }
        _ => (url.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_and_tokens() {
        assert_eq!(
            redact_url("https://bob:s3cret@git.example.com/a.git"),
            "https://bob:***@git.example.com/a.git"
        );
        assert_eq!(
            redact_url("https://ghp_token@github.com/a/b"),
            "https://***@github.com/a/b"
        );
        assert_eq!(
            redact_url("ssh://git@host:22/repo"),
            "ssh://git@host:22/repo"
        );
        assert_eq!(redact_url("https://host/a@b"), "https://host/a@b");
        assert_eq!(
            redact_url("git@github.com:a/b.git"),
            "git@github.com:a/b.git"
        );
    }

    #[test]
    fn splits_decoded_credentials_off_http_urls() {
        let (url, credentials) = split_credentials("https://bot:p%40ss@host/a.git");
        assert_eq!(url, "https://host/a.git");
        assert_eq!(credentials, Some(("bot".into(), "p@ss".into())));
        assert_eq!(split_credentials("https://host/a.git").1, None);
    }

    #[test]
    fn strips_credentials_from_http_urls_only() {
        assert_eq!(
            strip_credentials("https://bob:pw@host/a.git"),
            "https://host/a.git"
        );
        assert_eq!(
            strip_credentials("ssh://git@host/a.git"),
            "ssh://git@host/a.git"
        );
        assert_eq!(strip_credentials("file:///srv/a.git"), "file:///srv/a.git");
    }

    #[test]
    fn strips_a_leading_v_only_before_a_number() {
        assert_eq!(strip_v("v1.2.3-4-gabc"), "1.2.3-4-gabc");
        assert_eq!(strip_v("vendor-1"), "vendor-1");
    }
}
