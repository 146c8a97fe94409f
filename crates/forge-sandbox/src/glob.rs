//! Image patterns (`--bad-image`, `--unpullable-image`, `--error-rate`).

/// `*` matches any run of characters; everything else matches itself.
pub(crate) fn glob_matches(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(remainder) = text.strip_prefix(head) else {
                return false;
            };
            (0..=remainder.len())
                .any(|i| remainder.is_char_boundary(i) && glob_matches(rest, &remainder[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_wildcards() {
        assert!(glob_matches("*:bad", "ghcr.io/a/web:bad"));
        assert!(glob_matches("ghcr.io/*/web*", "ghcr.io/a/web:1"));
        assert!(!glob_matches("*:bad", "ghcr.io/a/web:good"));
    }
}
