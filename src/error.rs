//! The edge between typed library errors and what a user sees: one line, a hint, an exit code.

use std::fmt;

/// The documented exit codes (README, `forge --help`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    /// Network, git, cluster, filesystem: something outside forge failed.
    Operational = 1,
    /// Bad flag, bad config, bad bundle.
    Usage = 2,
    /// A rollout or a gate failed.
    GateFailed = 3,
    /// Waiting ran out of time.
    Timeout = 4,
    /// Someone else changed the target concurrently.
    Conflict = 5,
    /// A signature or policy check refused the input.
    Refused = 6,
}

impl ExitCode {
    pub fn code(self) -> i32 {
        self as i32
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
