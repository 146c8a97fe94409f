//! GitHub Actions: workflow-command annotations (`::error::`, `::notice::`) that the runner
//! turns into marks on the run, and Markdown appended to `$GITHUB_STEP_SUMMARY`.

use std::io::Write as _;
use std::path::Path;

/// Escapes a message for a workflow command, as the runner's toolkit does.
pub fn escape(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `::error title=forge::message` (with the hint on the next line of the annotation).
pub fn error(message: &str, hint: Option<&str>) -> String {
    let text = match hint {
        Some(hint) => format!("{message}\nhint: {hint}"),
        None => message.to_string(),
    };
    format!("::error title=forge::{}", escape(&text))
}

pub fn notice(message: &str) -> String {
    format!("::notice title=forge::{}", escape(message))
}

/// Appends Markdown to the job summary; best effort (a summary must not fail a deploy).
pub fn append_summary(path: &Path, markdown: &str) {
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(markdown.as_bytes()));
    if let Err(err) = written {
        tracing::info!(%err, "could not write the GitHub step summary");
    }
}

/// A Markdown table cell: pipes and newlines would break the row.
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_escape_what_would_end_them() {
        assert_eq!(
            error("1.1.0 failed: 50% of\npods", Some("roll back")),
            "::error title=forge::1.1.0 failed: 50%25 of%0Apods%0Ahint: roll back"
        );
        assert_eq!(notice("ok\r\n"), "::notice title=forge::ok%0D%0A");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
