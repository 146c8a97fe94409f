//! Which of two release versions is the older: what a downgrade is.

use std::cmp::Ordering;

/// How `candidate` compares with `current`, the version an env runs: by semver when both
/// parse (a leading `v` allowed, as `git describe` tags have), else by the env's own
/// history (`past`: the versions it ran, newest first) — a version it ran before `current`
/// is older. None when neither tells.
pub fn order(candidate: &str, current: &str, past: &[&str]) -> Option<Ordering> {
    if candidate == current {
        return Some(Ordering::Equal);
    }
    let semver = |text: &str| semver::Version::parse(text.strip_prefix('v').unwrap_or(text)).ok();
    if let (Some(candidate), Some(current)) = (semver(candidate), semver(current)) {
        return Some(candidate.cmp_precedence(&current));
    }
    let newest = |version: &str| past.iter().position(|v| *v == version);
    match (newest(candidate), newest(current)) {
        (Some(candidate), Some(current)) => Some(current.cmp(&candidate)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::order;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn semver_decides_when_both_parse() {
        let cases = [
            ("1.2.0", "1.10.0", Some(Less)),
            ("v2.0.0", "1.9.9", Some(Greater)),
            ("1.0.0-rc.1", "1.0.0", Some(Less)),
            ("1.0.0+build.7", "1.0.0+build.3", Some(Equal)),
            ("1.0.0", "1.0.0", Some(Equal)),
        ];
        for (candidate, current, expected) in cases {
            // Semver wins over a history that says otherwise.
            let past = [candidate, current];
            assert_eq!(
                order(candidate, current, &past),
                expected,
                "{candidate} vs {current}"
            );
        }
    }

    #[test]
    fn otherwise_the_envs_history_decides() {
        // Newest first: the env ran blue, then green, and runs red now.
        let past = ["red", "green", "blue", "green"];
        assert_eq!(order("green", "red", &past), Some(Less));
        assert_eq!(order("blue", "red", &past), Some(Less));
        assert_eq!(order("red", "green", &past), Some(Greater));
        assert_eq!(order("purple", "red", &past), None, "never ran here");
        assert_eq!(order("2024-06-01", "1.0.0", &past), None);
    }
}
