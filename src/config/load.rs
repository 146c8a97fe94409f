//! Reading forge.yaml: YAML into the model, every error with file:line:col.

use super::validate::problems;
use super::{Config, Loaded, Problem};
use crate::error::{Diagnose, ExitCode};
use serde_saphyr::Location;
use std::path::{Path, PathBuf};

/// forge.yaml is a few KiB; a larger file is a mistake, never read whole.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {0} does not exist")]
    NotFound(PathBuf),
    #[error("config file {path} {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: crate::fs::InputFileError,
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
            ConfigError::Unreadable { source, .. } => source.exit_code(),
            _ => ExitCode::Usage,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ConfigError::NotFound(_) => Some(
                "create one with `forge init`, or point -C/--config (FORGE_CONFIG) at yours".into(),
            ),
            ConfigError::Invalid { problems, .. } => problems[0].hint.clone(),
            ConfigError::Unreadable { .. } => Some(format!(
                "forge.yaml is a regular file of at most {}",
                crate::fs::human_size(MAX_CONFIG_BYTES)
            )),
        }
    }
}

impl Loaded {
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let bytes =
            crate::fs::read_bounded(path, MAX_CONFIG_BYTES).map_err(|source| match source {
                crate::fs::InputFileError::NotFound => ConfigError::NotFound(path.to_path_buf()),
                source => ConfigError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                },
            })?;
        let invalid = |problem| ConfigError::Invalid {
            path: path.to_path_buf(),
            problems: vec![problem],
        };
        let text = std::str::from_utf8(&bytes).map_err(|err| invalid(not_utf8(&bytes, &err)))?;
        let (config, mut found) = parse_reporting_all(text);
        let Some(config) = config else {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                problems: found,
            });
        };
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
        found.extend(problems(&loaded));
        tracing::debug!(path = %path.display(), problems = found.len(), "loaded config");
        if found.is_empty() {
            Ok(loaded)
        } else {
            Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                problems: found,
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

/// How many unknown keys one run reports before it stops looking.
const MAX_UNKNOWN_KEYS: usize = 50;

/// Parses YAML into the model, reporting every unknown key rather than the first: each is
/// blanked out (its value too, so lines and columns stay where they were) and the text parsed
/// again. A syntax or type error ends the list. Returns the model of what parsed (None when
/// nothing did), whose semantic problems [`Loaded::load`] adds, and the problems so far.
fn parse_reporting_all(text: &str) -> (Option<Config>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut text = text.to_string();
    loop {
        match parse_yaml(&text) {
            Ok(config) => return (Some(config), problems),
            Err(err) => {
                let problem = problem_from_yaml(&err);
                let unknown = matches!(
                    err.without_snippet(),
                    serde_saphyr::Error::SerdeUnknownField { .. }
                );
                let line = problem.line;
                let column = problem.column;
                problems.push(problem);
                if !unknown || problems.len() >= MAX_UNKNOWN_KEYS || line == 0 {
                    return (None, problems);
                }
                text = blank_entry(&text, line, column);
            }
        }
    }
}

/// `text` with the mapping entry at `line`:`column` (the key and any block value indented
/// under it) replaced by spaces.
fn blank_entry(text: &str, line: u64, column: u64) -> String {
    let start = usize::try_from(line)
        .unwrap_or(usize::MAX)
        .saturating_sub(1);
    let indent = usize::try_from(column)
        .unwrap_or(usize::MAX)
        .saturating_sub(1);
    let mut blanking = false;
    let mut out = String::with_capacity(text.len());
    for (index, original) in text.split_inclusive('\n').enumerate() {
        let content = original.trim_end_matches(['\n', '\r']);
        let ending = &original[content.len()..];
        if index == start {
            blanking = true;
            let (kept, gone) = content.split_at(
                content
                    .char_indices()
                    .nth(indent)
                    .map_or(content.len(), |(at, _)| at),
            );
            out.push_str(kept);
            out.push_str(&" ".repeat(gone.chars().count()));
        } else if blanking
            && (content.trim().is_empty() || content.len() - content.trim_start().len() > indent)
        {
            out.push_str(&" ".repeat(content.chars().count()));
        } else {
            blanking = false;
            out.push_str(content);
        }
        out.push_str(ending);
    }
    out
}

/// Parses YAML into the model; syntax, type and unknown-key errors carry line and column.
pub fn parse(text: &str) -> Result<Config, Problem> {
    parse_yaml(text).map_err(|err| problem_from_yaml(&err))
}

fn parse_yaml(text: &str) -> Result<Config, serde_saphyr::Error> {
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
    serde_saphyr::from_str_with_options(text, options)
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
            // Rust's type names mean nothing to someone writing YAML.
            let text = ["u8", "u16", "u32", "u64", "usize", "i32", "i64"]
                .iter()
                .fold(text, |text, name| {
                    text.replace(&format!("expected {name}"), "expected a whole number")
                        .replace(&format!("invalid {name}"), "expected a whole number")
                });
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
