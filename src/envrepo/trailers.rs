//! Commit messages with `Forge-*` trailers, and reading them back: `git log` alone is the
//! audit trail.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Deploy,
    Promote,
    Rollback,
    CanaryStep,
    CanaryAbort,
    /// Blue-green: the new version runs beside the live one, out of traffic.
    Preview,
    /// Blue-green: the live Service points at the new version.
    Switch,
    /// Canary: the new version at full size under the main names beside the canary, so the
    /// copy's pods go only once the main ones are ready.
    Handover,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Deploy => "deploy",
            Action::Promote => "promote",
            Action::Rollback => "rollback",
            Action::CanaryStep => "canary-step",
            Action::CanaryAbort => "canary-abort",
            Action::Preview => "preview",
            Action::Switch => "switch",
            Action::Handover => "handover",
        }
    }
}

/// What one forge commit says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trailers {
    pub app: String,
    pub env: String,
    pub version: String,
    pub bundle_digest: String,
    pub action: Action,
    pub previous_version: Option<String>,
    pub canary: Option<CanaryMark>,
}

/// Where a canary-step commit stands: step `step` of `of`, at `weight` percent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CanaryMark {
    pub step: usize,
    pub of: usize,
    pub weight: u32,
}

impl Trailers {
    /// `deploy hello 1.4.2 to staging` plus the trailer block.
    pub fn message(&self) -> String {
        let subject = match self.action {
            Action::Deploy => format!("deploy {} {} to {}", self.app, self.version, self.env),
            Action::Promote => format!("promote {} {} to {}", self.app, self.version, self.env),
            Action::Rollback => {
                format!("roll back {} in {} to {}", self.app, self.env, self.version)
            }
            Action::CanaryStep => {
                let at = self
                    .canary
                    .map(|m| format!(": step {}/{} at {}%", m.step, m.of, m.weight))
                    .unwrap_or_default();
                format!("canary {} {} in {}{at}", self.app, self.version, self.env)
            }
            Action::Preview => format!(
                "preview {} {} in {} beside the live version",
                self.app, self.version, self.env
            ),
            Action::Switch => format!(
                "switch {} traffic to {} {}",
                self.env, self.app, self.version
            ),
            Action::CanaryAbort => format!(
                "abort the canary in {}: back to {} {}",
                self.env, self.app, self.version
            ),
            Action::Handover => format!(
                "hand {} {} over to the main names in {}",
                self.app, self.version, self.env
            ),
        };
        let canary = self
            .canary
            .map(|m| {
                format!(
                    "Forge-Canary-Step: {}/{}\nForge-Canary-Weight: {}\n",
                    m.step, m.of, m.weight
                )
            })
            .unwrap_or_default();
        format!(
            "{subject}\n\nForge-App: {}\nForge-Env: {}\nForge-Version: {}\nForge-Bundle-Digest: {}\nForge-Action: {}\nForge-Previous-Version: {}\n{canary}",
            self.app,
            self.env,
            self.version,
            self.bundle_digest,
            self.action.as_str(),
            self.previous_version.as_deref().unwrap_or("none"),
        )
    }
}

/// One entry of `forge history`, from a commit's metadata and trailers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub commit: String,
    pub version: String,
    pub action: String,
    pub author: String,
    pub time: String,
    pub bundle_digest: String,
    pub previous_version: Option<String>,
}

/// The separator `git log` prints between fields and records (unit and record separators).
pub const FIELD: char = '\u{1f}';
pub const RECORD: char = '\u{1e}';
/// The `git log --format` that [`parse_log`] reads.
pub const LOG_FORMAT: &str = "%H%x1f%an <%ae>%x1f%ct%x1f%(trailers:only,unfold)%x1e";

/// Keeps the commits whose trailers name `app` and `env`, newest first, at most `limit`.
pub fn parse_log(log: &str, app: &str, env: &str, limit: usize) -> Vec<HistoryEntry> {
    log.split(RECORD)
        .filter_map(|record| {
            let mut fields = record.trim_start_matches('\n').splitn(4, FIELD);
            let commit = fields.next()?.to_string();
            let author = fields.next()?.to_string();
            let time: i64 = fields.next()?.parse().ok()?;
            let trailers = fields.next()?;
            let get = |key: &str| {
                trailers.lines().find_map(|line| {
                    let (k, v) = line.split_once(':')?;
                    (k.trim() == key).then(|| v.trim().to_string())
                })
            };
            if get("Forge-App")? != app || get("Forge-Env")? != env {
                return None;
            }
            Some(HistoryEntry {
                commit,
                version: get("Forge-Version")?,
                action: get("Forge-Action").unwrap_or_else(|| "deploy".into()),
                author,
                time: crate::time::rfc3339(time),
                bundle_digest: get("Forge-Bundle-Digest").unwrap_or_default(),
                previous_version: get("Forge-Previous-Version").filter(|v| v != "none"),
            })
        })
        .take(limit)
        .collect()
}

/// The release `forge rollback` restores, from an env's history (newest first): the named
/// version's newest release, or else the newest release of another version than `current`
/// that was not itself rolled back (a release directly followed by a rollback failed).
pub fn rollback_target<'a>(
    entries: &'a [HistoryEntry],
    current: Option<&str>,
    to: Option<&str>,
) -> Option<&'a HistoryEntry> {
    let failed = |index: usize| {
        index > 0
            && entries[index - 1].action == Action::Rollback.as_str()
            && entries[index - 1].previous_version.as_deref() == Some(&entries[index].version)
    };
    entries.iter().enumerate().find_map(|(index, entry)| {
        let wanted = match to {
            Some(version) => entry.version == version,
            None => Some(entry.version.as_str()) != current && !failed(index),
        };
        wanted.then_some(entry)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(version: &str, action: &str, previous: Option<&str>) -> HistoryEntry {
        HistoryEntry {
            commit: format!("{action}-{version}"),
            version: version.into(),
            action: action.into(),
            author: "Ann <a@x>".into(),
            time: "2026-11-24T12:00:00Z".into(),
            bundle_digest: String::new(),
            previous_version: previous.map(str::to_string),
        }
    }

    #[test]
    fn rollback_skips_releases_that_were_rolled_back() {
        // Newest first: 1.2 was deployed, failed and was rolled back to 1.1.
        let entries = [
            entry("1.1", "rollback", Some("1.2")),
            entry("1.2", "deploy", Some("1.1")),
            entry("1.1", "deploy", Some("1.0")),
            entry("1.0", "deploy", None),
        ];
        let target = rollback_target(&entries, Some("1.1"), None).unwrap();
        assert_eq!(target.commit, "deploy-1.0");
        let named = rollback_target(&entries, Some("1.1"), Some("1.2")).unwrap();
        assert_eq!(named.commit, "deploy-1.2");
        assert!(rollback_target(&entries, Some("1.1"), Some("0.9")).is_none());
        assert!(rollback_target(&entries[3..], Some("1.0"), None).is_none());
    }

    fn trailers() -> Trailers {
        Trailers {
            app: "hello".into(),
            env: "staging".into(),
            version: "1.4.2".into(),
            bundle_digest: "sha256:abc".into(),
            action: Action::Deploy,
            previous_version: Some("1.4.1".into()),
            canary: None,
        }
    }

    #[test]
    fn the_message_has_a_human_subject_and_every_trailer() {
        let message = trailers().message();
        assert!(message.starts_with("deploy hello 1.4.2 to staging\n\n"));
        assert!(message.contains("Forge-Previous-Version: 1.4.1\n"));
        assert!(message.contains("Forge-Action: deploy\n"));
    }

    #[test]
    fn history_keeps_only_this_app_and_env() {
        let record = |commit: &str, app: &str, env: &str, version: &str| {
            format!(
                "{commit}{FIELD}Ann <a@x>{FIELD}1700000000{FIELD}Forge-App: {app}\nForge-Env: {env}\nForge-Version: {version}\nForge-Action: deploy\nForge-Previous-Version: none\n{RECORD}\n"
            )
        };
        let log = [
            record("c3", "hello", "dev", "3"),
            record("c2", "other", "dev", "9"),
            record("c1", "hello", "prod", "1"),
            record("c0", "hello", "dev", "2"),
        ]
        .concat();
        let entries = parse_log(&log, "hello", "dev", 10);
        assert_eq!(
            entries
                .iter()
                .map(|e| e.commit.as_str())
                .collect::<Vec<_>>(),
            ["c3", "c0"]
        );
        assert_eq!(entries[0].time, "2023-11-14T22:13:20Z");
        assert_eq!(entries[0].previous_version, None);
        assert_eq!(parse_log(&log, "hello", "dev", 1).len(), 1);
    }
}
