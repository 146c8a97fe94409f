//! Durations are written one way everywhere, flags and config alike: `90s`, `5m`, `1h30m`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use std::time::Duration as StdDuration;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Duration(pub StdDuration);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid duration '{input}': {reason} (write it like 90s, 5m or 1h30m)")]
pub struct ParseDurationError {
    input: String,
    reason: &'static str,
}

impl FromStr for Duration {
    type Err = ParseDurationError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let fail = |reason| ParseDurationError {
            input: input.to_string(),
            reason,
        };
        if input.is_empty() {
            return Err(fail("empty"));
        }
        let mut total: u64 = 0;
        let mut rest = input;
        // Units must come in decreasing order and at most once each: "1h30m", not "30m1h".
        let mut last_unit_secs = u64::MAX;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(fail("expected a number"));
            }
            let value: u64 = rest[..digits]
                .parse()
                .map_err(|_| fail("number too large"))?;
            rest = &rest[digits..];
            let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            let unit_secs = match &rest[..unit_len] {
                "h" => 3600,
                "m" => 60,
                "s" => 1,
                "" => return Err(fail("missing unit (h, m or s)")),
                _ => return Err(fail("unknown unit (use h, m or s)")),
            };
            if unit_secs >= last_unit_secs {
                return Err(fail("units must go from hours to seconds, each once"));
            }
            last_unit_secs = unit_secs;
            rest = &rest[unit_len..];
            total = value
                .checked_mul(unit_secs)
                .and_then(|secs| total.checked_add(secs))
                .ok_or_else(|| fail("number too large"))?;
        }
        Ok(Duration(StdDuration::from_secs(total)))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs();
        if secs == 0 {
            return f.write_str("0s");
        }
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if s > 0 {
            write!(f, "{s}s")?;
        }
        Ok(())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(text: &str) -> u64 {
        text.parse::<Duration>().unwrap().0.as_secs()
    }

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(secs("90s"), 90);
        assert_eq!(secs("5m"), 300);
        assert_eq!(secs("1h30m"), 5400);
        assert_eq!(secs("1h0m5s"), 3605);
        assert_eq!(secs("0s"), 0);
    }

    #[test]
    fn rejects_what_is_ambiguous_or_malformed() {
        for bad in [
            "",
            "5",
            "m",
            "5x",
            "1m1h",
            "5m5m",
            "1.5h",
            " 5m",
            "-5m",
            "99999999999999999999h",
        ] {
            assert!(
                bad.parse::<Duration>().is_err(),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn displays_in_the_same_form_it_parses() {
        for text in ["90s", "5m", "1h30m", "2h", "1h1m1s", "0s"] {
            let parsed: Duration = text.parse().unwrap();
            let shown = parsed.to_string();
            assert_eq!(shown.parse::<Duration>().unwrap(), parsed);
        }
        assert_eq!("90s".parse::<Duration>().unwrap().to_string(), "1m30s");
    }
}
