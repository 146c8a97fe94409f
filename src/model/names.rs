//! What forge accepts as a name or a path: Kubernetes names, and path components that git,
//! the filesystem and a reader of the env repo all see the same way.

/// DNS-1123 label: what Kubernetes accepts as a name, and safe as a path component.
pub fn is_dns_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// The longest file name Linux filesystems take, in bytes.
const MAX_NAME_BYTES: usize = 255;

/// Why `path` (relative, `/`-separated) cannot name a file forge writes into a git tree, if
/// it cannot: an empty, `.` or `..` component; git's own names (`.git`, `.gitmodules`,
/// `.gitattributes`, in any case, as git itself refuses them on case-insensitive systems); a
/// NUL or control character; a component over 255 bytes; or invisible Unicode.
pub fn path_problem(path: &str) -> Option<String> {
    if path.starts_with('/') {
        return Some("is absolute".into());
    }
    path.split('/').find_map(component_problem)
}

fn component_problem(part: &str) -> Option<String> {
    if part.is_empty() || part == "." || part == ".." {
        return Some(format!("has a '{part}' component"));
    }
    // Windows and macOS drop trailing dots and spaces: `.git.` is `.git` there.
    let bare = part.trim_end_matches(['.', ' ']).to_ascii_lowercase();
    if [".git", ".gitmodules", ".gitattributes"].contains(&bare.as_str()) {
        return Some(format!("has a component '{part}', which is git's own"));
    }
    if part.len() > MAX_NAME_BYTES {
        return Some(format!(
            "has a component of {} bytes (at most {MAX_NAME_BYTES})",
            part.len()
        ));
    }
    if let Some(c) = part.chars().find(|c| c.is_control()) {
        return Some(format!("has the control character U+{:04X}", u32::from(c)));
    }
    invisible(part).map(|c| format!("has the invisible character U+{:04X}", u32::from(c)))
}

/// The first character in `text` that changes how text reads without being seen:
/// bidirectional overrides and isolates (the "Trojan Source" characters rustc and GitHub
/// flag), zero-width characters, and a soft hyphen.
pub fn invisible(text: &str) -> Option<char> {
    text.chars().find(|c| {
        matches!(
            u32::from(*c),
            0x00AD
                | 0x061C
                | 0x180E
                | 0x200B..=0x200F
                | 0x202A..=0x202E
                | 0x2060..=0x2064
                | 0x2066..=0x2069
                | 0xFEFF
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_forge_may_write() {
        for good in [
            "apps/hello/dev",
            "a/b.yaml",
            ".github/x",
            ".gitkeep",
            "git/x",
        ] {
            assert_eq!(path_problem(good), None, "{good}");
        }
        let long = "x".repeat(256);
        let bad = [
            ("/etc/passwd", "is absolute"),
            ("apps//dev", "has a '' component"),
            ("apps/./dev", "has a '.' component"),
            ("apps/../dev", "has a '..' component"),
            ("apps/.git/hooks", "git's own"),
            ("apps/.GIT/x", "git's own"),
            ("apps/.Git. /x", "git's own"),
            (".gitmodules", "git's own"),
            ("a/.GitAttributes", "git's own"),
            ("a/b\0c", "control character U+0000"),
            (long.as_str(), "256 bytes"),
            ("apps/hello\u{202E}lmy.yaml", "invisible character U+202E"),
            ("apps/zero\u{200B}width", "invisible character U+200B"),
        ];
        for (path, expected) in bad {
            let problem = path_problem(path).unwrap_or_default();
            assert!(problem.contains(expected), "{path:?}: {problem}");
        }
    }

    #[test]
    fn names_are_dns_labels() {
        assert!(is_dns_label("shop-eu-1"));
        for bad in [
            "",
            "Shop",
            "-shop",
            "shop-",
            "shop_eu",
            &"a".repeat(64),
            "shop\u{200B}",
        ] {
            assert!(!is_dns_label(bad), "{bad:?}");
        }
    }
}
