//! The decisions forge takes while it waits: pure functions over the objects Flux, Argo CD and
//! the cluster report, tested against saved objects in `fixtures/status/`. No I/O here.

pub mod argocd;
pub mod flux;
pub mod workload;

use serde_json::Value;

/// Where one watched thing stands with respect to the commit forge waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Finished, healthy, for the commit.
    Done,
    /// Still on its way; says what is pending (shown as progress and on timeout).
    Pending(String),
    /// Will not get there without a new commit; says why.
    Failed(String),
}

/// `Kind namespace/name`, how messages name an object.
fn describe(obj: &Value, default_kind: &str) -> String {
    let kind = obj["kind"].as_str().unwrap_or(default_kind);
    let name = obj["metadata"]["name"].as_str().unwrap_or("?");
    match obj["metadata"]["namespace"].as_str() {
        Some(namespace) => format!("{kind} {namespace}/{name}"),
        None => format!("{kind} {name}"),
    }
}

/// The `status.conditions` entry of this type, if any.
fn condition<'a>(obj: &'a Value, kind: &str) -> Option<&'a Value> {
    obj.pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind)
}

fn condition_is(obj: &Value, kind: &str, status: &str) -> bool {
    condition(obj, kind).is_some_and(|c| c["status"] == status)
}

/// `Type=Status Reason: message`, one line, for progress and failure texts.
fn summary(condition: &Value) -> String {
    let text = |field: &str| condition[field].as_str().unwrap_or_default().to_string();
    let mut line = format!("{}={}", text("type"), text("status"));
    if !text("reason").is_empty() {
        line.push(' ');
        line.push_str(&text("reason"));
    }
    if !text("message").is_empty() {
        line.push_str(": ");
        line.push_str(&one_line(&text("message")));
    }
    line
}

/// Controllers put multi-line tool output in messages; a verdict is one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first 12 characters of a commit, as people read them.
fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// Seconds since the Unix epoch for an RFC 3339 timestamp (`2026-11-24T11:53:24Z`, with an
/// optional fraction and `Z` or `±HH:MM` offset), as Kubernetes and Argo CD write them.
fn unix_seconds(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || bytes[13] != b':' {
        return None;
    }
    if !matches!(bytes[10], b'T' | b't' | b' ') || bytes[16] != b':' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = &text[19..];
    let mut fraction = 0.0;
    if let Some(after_dot) = rest.strip_prefix('.') {
        let digits = after_dot.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        fraction = format!("0.{}", &after_dot[..digits]).parse().ok()?;
        rest = &after_dot[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            let hours: i64 = rest[1..3].parse().ok()?;
            let minutes: i64 = rest[4..6].parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(seconds as f64 + fraction)
}

// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar), the inverse of
// the one `crate::time` formats with.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Loads `fixtures/status/<name>` for the tests.
#[cfg(test)]
fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/status")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_timestamps_controllers_write() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            unix_seconds("2026-11-24T06:00:00Z"),
            Some(1_795_500_000.0),
            "agrees with crate::time::rfc3339"
        );
        assert_eq!(
            unix_seconds("2026-11-24T07:00:00+01:00"),
            Some(1_795_500_000.0)
        );
        assert_eq!(
            unix_seconds("2026-11-24T06:00:00.25Z"),
            Some(1_795_500_000.25)
        );
        assert_eq!(unix_seconds("2000-02-29T00:00:00Z"), Some(951_782_400.0));
        assert_eq!(unix_seconds("yesterday"), None);
        assert_eq!(unix_seconds("2026-11-24T06:00:00"), None, "no offset");
    }

    #[test]
    fn round_trips_through_crate_time() {
        for secs in [0, 951_782_400, 1_795_521_174, 4_102_444_800] {
            assert_eq!(unix_seconds(&crate::time::rfc3339(secs)), Some(secs as f64));
        }
    }

    #[test]
    fn summaries_are_one_line() {
        let ready = serde_json::json!({"type": "Ready", "status": "False", "reason": "BuildFailed", "message": "kustomize build failed:\n  accumulating resources"});
        assert_eq!(
            summary(&ready),
            "Ready=False BuildFailed: kustomize build failed: accumulating resources"
        );
    }
}
