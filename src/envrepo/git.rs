//! Running `git` against the cache repository: one place that sets the environment (no
//! prompts in CI, token header, no optional locks) and turns failures into typed errors with
//! credentials redacted.

use super::EnvRepoError;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Blobs above this size are streamed by every git forge runs on the cache (hash-object
/// writes them straight into a pack, pack-objects copies them into a push without a delta
/// search, index-pack reads them from a fetch piece by piece) instead of being held whole in
/// git's memory; git's own default is 512 MiB. An env repo holds YAML: a file this big is
/// data, which deltas rarely shrink.
pub const BIG_FILE: u64 = 1 << 20;

/// How much of its packs a git maps at once, and in what windows (git's defaults: 8 GiB in
/// 1 GiB windows). The pages of a mapped pack count as the process's memory: a push of big
/// files mapped them whole (400 MiB for four of 100 MiB); with small windows it stays near
/// 40 MiB, at no measurable cost for an env repo of YAML.
const PACK_WINDOW: &str = "1m";
const PACK_MAPPED: &str = "32m";

#[derive(Clone, Debug)]
pub struct Git {
    pub git_dir: PathBuf,
    /// Extra environment for every call (token header, identity, prompt policy).
    pub env: Vec<(String, String)>,
}

impl Git {
    pub fn command(&self) -> Command {
        let mut cmd = crate::git::command();
        cmd.arg("--git-dir")
            .arg(&self.git_dir)
            .arg("-c")
            .arg(format!("core.bigFileThreshold={BIG_FILE}"))
            .arg("-c")
            .arg(format!("core.packedGitWindowSize={PACK_WINDOW}"))
            .arg("-c")
            .arg(format!("core.packedGitLimit={PACK_MAPPED}"));
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        cmd
    }

    /// Runs git with `args`, feeding `input`; returns stdout, or the error with stderr.
    pub fn run_with_input(
        &self,
        args: &[&str],
        input: Option<&[u8]>,
    ) -> Result<Vec<u8>, EnvRepoError> {
        let mut cmd = self.command();
        cmd.args(args)
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .map_err(|e| EnvRepoError::GitMissing(e.to_string()))?;
        let stdin = match input {
            Some(input) => match child.stdin.take() {
                Some(stdin) => Some((stdin, input)),
                None => return Err(EnvRepoError::GitMissing("git's stdin is not a pipe".into())),
            },
            None => None,
        };
        // Fed from a scoped thread, so a large input cannot deadlock against a full stdout
        // pipe and is written from where it is, not copied first.
        let output = std::thread::scope(|scope| {
            if let Some((mut stdin, input)) = stdin {
                scope.spawn(move || {
                    let _ = stdin.write_all(input);
                });
            }
            child.wait_with_output()
        })
        .map_err(|e| EnvRepoError::GitMissing(e.to_string()))?;
        tracing::debug!(args = %shown(args), status = %output.status, "git");
        if output.status.success() {
            Ok(output.stdout)
        } else {
            Err(EnvRepoError::Git {
                args: shown(args),
                // Some commands (push --porcelain) say why on stdout.
                stderr: redact_text(
                    format!(
                        "{}\n{}",
                        String::from_utf8_lossy(&output.stderr).trim(),
                        String::from_utf8_lossy(&output.stdout).trim()
                    )
                    .trim(),
                ),
            })
        }
    }

    pub fn run(&self, args: &[&str]) -> Result<Vec<u8>, EnvRepoError> {
        self.run_with_input(args, None)
    }

    /// Trimmed stdout as text.
    pub fn text(&self, args: &[&str]) -> Result<String, EnvRepoError> {
        Ok(String::from_utf8_lossy(&self.run(args)?).trim().to_string())
    }

    /// Whether `git` succeeds (for probes like "does this object exist?").
    pub fn succeeds(&self, args: &[&str]) -> bool {
        self.command()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    pub fn path(&self) -> &Path {
        &self.git_dir
    }
}

/// The arguments for logs and messages, with credentials in URLs redacted.
fn shown(args: &[&str]) -> String {
    args.iter()
        .map(|a| crate::git::redact_url(a))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Redacts every URL with credentials in free text (git's error messages quote URLs).
pub fn redact_text(text: &str) -> String {
    text.split_inclusive(|c: char| c.is_whitespace() || c == '\'' || c == '"')
        .map(|word| {
            let trimmed =
                word.trim_end_matches(|c: char| c.is_whitespace() || c == '\'' || c == '"');
            let tail = &word[trimmed.len()..];
            if trimmed.contains("://") {
                format!("{}{tail}", crate::git::redact_url(trimmed))
            } else {
                word.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_urls_inside_messages() {
        let text = "fatal: unable to access 'https://bot:hunter2@git.example.com/envs.git/': 401";
        let shown = super::redact_text(text);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("https://bot:***@git.example.com/envs.git/"),
            "{shown}"
        );
    }
}
