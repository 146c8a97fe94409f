//! Reading forge.yaml: YAML into the model, every error with file:line:col.

use super::validate::problems;
use super::{Config, Loaded, Problem};
use crate::error::{Diagnose, ExitCode};
use serde_saphyr::Location;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {0} does not exist")]
    NotFound(PathBuf),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", describe_problems(.path, .problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

fn describe_problems(path: &Path, problems: &[Problem]) -> String {
    let first = &problems[0];
    let mut text = format!("{}: {}", location(path, first), first.message);
    if problems.len() > 1 {
        text.push_str(&format!(
            " (and {} more problem(s); run `forge config validate`)",
            problems.len() - 1
        ));
    }
    text
}

/// `path:line:col`, or just `path` when the place is unknown.
pub fn location(path: &Path, problem: &Problem) -> String {
    if problem.line == 0 {
        path.display().to_string()
    } else {
        format!("{}:{}:{}", path.display(), problem.line, problem.column)
    }
}

impl Diagnose for ConfigError {
    fn exit_code(&self) -> ExitCode {
        match self {
            ConfigError::Io { .. } => ExitCode::Operational,
            _ => ExitCode::Usage,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ConfigError::NotFound(_) => Some(
                "create one with `forge init`, or point -C/--config (FORGE_CONFIG) at yours".into(),
            ),
            ConfigError::Invalid { problems, .. } => problems[0].hint.clone(),
            ConfigError::Io { .. } => None,
        }
    }
}

impl Loaded {
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let bytes = std::fs::read(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ConfigError::NotFound(path.to_path_buf()),
            _ => ConfigError::Io {
                path: path.to_path_buf(),
                source,
            },
        })?;
        let invalid = |problem| ConfigError::Invalid {
            path: path.to_path_buf(),
            problems: vec![problem],
        };
        let text = std::str::from_utf8(&bytes).map_err(|err| invalid(not_utf8(&bytes, &err)))?;
        let config = parse(text).map_err(invalid)?;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let loaded = Loaded {
            path: path.to_path_buf(),
            dir,
            config,
        };
        let problems = problems(&loaded);
        tracing::debug!(path = %path.display(), problems = problems.len(), "loaded config");
        if problems.is_empty() {
            Ok(loaded)
        } else {
            Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                problems,
            })
        }
    }

    pub fn source_dir(&self) -> PathBuf {
        self.dir.join(&self.config.source.path.value)
    }

    pub fn public_key_path(&self) -> Option<PathBuf> {
        self.config
            .signing
            .public_key
            .as_ref()
            .map(|key| self.dir.join(&key.value))
    }
}

/// Where the text stops being UTF-8, as a line, column and byte offset.
fn not_utf8(bytes: &[u8], err: &std::str::Utf8Error) -> Problem {
    let valid = &bytes[..err.valid_up_to()];
    let line_start = valid
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |at| at + 1);
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count() as u64
        + 1;
    Problem {
        line: valid.iter().filter(|b| **b == b'\n').count() as u64 + 1,
        column,
        message: format!(
            "not UTF-8 text: invalid byte 0x{:02x} at offset {}",
            bytes[err.valid_up_to()],
            err.valid_up_to()
        ),
        hint: Some("save forge.yaml as UTF-8".into()),
    }
}

/// Parses YAML into the model; syntax, type and unknown-key errors carry line and column.
pub fn parse(text: &str) -> Result<Config, Problem> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 32,
            max_nodes: 50_000,
            max_documents: 1,
            max_total_scalar_bytes: 8 << 20,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 20_000,
        },
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|err| problem_from_yaml(&err))
}

fn problem_from_yaml(err: &serde_saphyr::Error) -> Problem {
    let location = err.location().unwrap_or(Location::UNKNOWN);
    let (message, hint) = match err.without_snippet() {
        serde_saphyr::Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let hint = match nearest(field, expected) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("valid keys here: {}", expected.join(", ")),
            };
            (format!("unknown key `{field}`"), Some(hint))
        }
        serde_saphyr::Error::SerdeMissingField { field, .. } => {
            (format!("missing key `{field}`"), None)
        }
        other => {
            let text = other.to_string();
            // The crate appends the position; we print it in front, as file:line:col.
            let text = match text.rsplit_once(" at line ") {
                Some((message, _)) => message.to_string(),
                None => text,
            };
            (text, None)
        }
    };
    Problem {
        line: location.line(),
        column: location.column(),
        message,
        hint,
    }
}

/// The valid key closest to a misspelt one, if any is close enough to be a likely typo.
fn nearest<'a>(field: &str, expected: &[&'a str]) -> Option<&'a str> {
    expected
        .iter()
        .map(|candidate| {
            (
                strsim::jaro_winkler(&field.to_lowercase(), &candidate.to_lowercase()),
                *candidate,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}
