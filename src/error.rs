//! The edge between typed library errors and what a user sees: one line, a hint, an exit code.

use std::fmt;

/// The documented exit codes. [`ExitCode::meaning`] is the one description: `forge --help`
/// and README's table are generated from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    Operational = 1,
    Usage = 2,
    GateFailed = 3,
    Timeout = 4,
    Conflict = 5,
    Refused = 6,
    Differs = 7,
    Interrupted = 130,
}

impl ExitCode {
    pub const ALL: [ExitCode; 9] = [
        ExitCode::Ok,
        ExitCode::Operational,
        ExitCode::Usage,
        ExitCode::GateFailed,
        ExitCode::Timeout,
        ExitCode::Conflict,
        ExitCode::Refused,
        ExitCode::Differs,
        ExitCode::Interrupted,
    ];

    pub fn code(self) -> i32 {
        self as i32
    }

    pub fn meaning(self) -> &'static str {
        match self {
            ExitCode::Ok => "success, including \"nothing to do\"",
            ExitCode::Operational => "operational failure (network, git, cluster, filesystem)",
            ExitCode::Usage => "usage or invalid input (bad flag, bad config, bad bundle)",
            ExitCode::GateFailed => {
                "rollout or gate failed, or nothing will apply the commit (the env's Kustomization \
                 or Application is missing, or watches another path or source)"
            }
            ExitCode::Timeout => "timed out waiting",
            ExitCode::Conflict => "conflict: someone else changed the target concurrently",
            ExitCode::Refused => {
                "verification or policy refused (bad or missing signature, digest mismatch)"
            }
            ExitCode::Differs => "`forge diff --exit-code`: the env would change",
            ExitCode::Interrupted => {
                "interrupted (Ctrl-C) while waiting; a pushed commit stays pushed"
            }
        }
    }

    /// The list at the end of `forge --help`, wrapped to `width` under each meaning's start
    /// (clap would wrap it too, but back to the margin).
    pub fn help_text(width: usize) -> String {
        let mut text = String::from("Exit codes:");
        for code in Self::ALL {
            let mut line = format!("\n  {:<3} ", code.code());
            for word in code.meaning().split(' ') {
                // `line` starts with its newline, which takes no column.
                if line.len() + word.len() > width {
                    text.push_str(&line);
                    line = "\n      ".into();
                }
                line.push(' ');
                line.push_str(word);
            }
            text.push_str(&line);
        }
        text
    }

    /// README's table under "Exit codes".
    pub fn markdown_table() -> String {
        let mut table = String::from("| code | meaning |\n|---|---|\n");
        for code in Self::ALL {
            table.push_str(&format!("| {} | {} |\n", code.code(), code.meaning()));
        }
        table
    }
}

/// What the binary prints for a failed command: `error: <message>` and `hint: <hint>`.
#[derive(Debug)]
pub struct CliError {
    pub code: ExitCode,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(code: ExitCode, message: impl Into<String>) -> Self {
        CliError {
            code,
            message: message.into(),
            hint: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Usage, message)
    }

    pub fn operational(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Operational, message)
    }

    /// Ends the process with `code` and no message: the command has said all there is.
    pub fn quiet(code: ExitCode) -> Self {
        Self::new(code, "")
    }

    /// Whoever read stdout has gone (`forge … | head`): the command stops, and forge exits 0
    /// saying nothing, as the reader asked for no more.
    pub fn stdout_closed() -> Self {
        Self::quiet(ExitCode::Ok)
    }

    /// Ends the process without printing (see [`CliError::quiet`]).
    pub fn is_silent(&self) -> bool {
        self.message.is_empty()
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// Library errors say which exit code and hint they deserve; `From` below turns any of them
/// into a [`CliError`] so commands can use `?`.
pub trait Diagnose: fmt::Display {
    fn exit_code(&self) -> ExitCode;
    fn hint(&self) -> Option<String> {
        None
    }
}

impl<E: Diagnose> From<E> for CliError {
    fn from(err: E) -> Self {
        CliError {
            code: err.exit_code(),
            message: err.to_string(),
            hint: err.hint(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExitCode;

    /// README's exit-code table must be the generated one. To refresh it after changing
    /// [`ExitCode::meaning`]: `FORGE_BLESS=1 cargo test --lib exit_code`.
    #[test]
    fn readme_exit_code_table_is_fresh() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        let heading = "## Exit codes\n\n";
        let start = readme
            .find(heading)
            .expect("README has an Exit codes section")
            + heading.len();
        let end = start + readme[start..].find("\n\n").unwrap_or(readme.len() - start) + 1;
        let expected = ExitCode::markdown_table();
        if std::env::var_os("FORGE_BLESS").is_some() {
            let blessed = format!("{}{expected}{}", &readme[..start], &readme[end..]);
            std::fs::write(&path, blessed).unwrap();
        } else {
            assert!(
                readme[start..end] == expected,
                "README's exit-code table is stale; it should read:\n\n{expected}\n\
                 run FORGE_BLESS=1 cargo test --lib exit_code"
            );
        }
    }
}
