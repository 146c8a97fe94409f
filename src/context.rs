//! What every command and operation needs besides its own arguments: global flags, the
//! terminal and the process environment, resolved once at start-up.

use crate::config::Loaded;
use crate::error::CliError;
use crate::ui::{DataFormat, OutputFormat, Ui};
use std::path::PathBuf;

/// Process environment variables forge reads, gathered once at start-up.
#[derive(Clone, Debug)]
pub struct ProcessEnv {
    pub source_date_epoch: Option<String>,
    pub key_password: Option<String>,
    /// `$XDG_CACHE_HOME/forge`, else `$HOME/.cache/forge`.
    pub cache_root: PathBuf,
    /// `FORGE_GIT_TOKEN` with `FORGE_GIT_USERNAME` (default x-access-token).
    pub git_token: Option<(String, String)>,
    /// `FORGE_GIT_AUTHOR`: `Name <email>` for commits.
    pub git_author: Option<String>,
    /// `ARGOCD_SERVER` and `ARGOCD_AUTH_TOKEN`, as the argocd CLI reads them.
    pub argocd_server: Option<String>,
    pub argocd_token: Option<String>,
    /// `GITHUB_ACTIONS=true`: annotate errors and write `$GITHUB_STEP_SUMMARY`.
    pub github_summary: Option<PathBuf>,
    pub github_actions: bool,
}

impl ProcessEnv {
    pub fn read() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let cache_root = var("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".cache")))
            .unwrap_or_else(std::env::temp_dir)
            .join("forge");
        ProcessEnv {
            source_date_epoch: var("SOURCE_DATE_EPOCH"),
            key_password: std::env::var("FORGE_KEY_PASSWORD").ok(),
            cache_root,
            git_token: var("FORGE_GIT_TOKEN").map(|token| {
                let user = var("FORGE_GIT_USERNAME").unwrap_or_else(|| "x-access-token".into());
                (user, token)
            }),
            git_author: var("FORGE_GIT_AUTHOR"),
            argocd_server: var("ARGOCD_SERVER"),
            argocd_token: var("ARGOCD_AUTH_TOKEN"),
            github_summary: var("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            github_actions: var("GITHUB_ACTIONS").as_deref() == Some("true"),
        }
    }
}

/// Everything a command needs besides its own arguments, resolved once.
pub struct Context {
    pub config_path: PathBuf,
    pub output: OutputFormat,
    pub yes: bool,
    pub ui: Ui,
    pub env: ProcessEnv,
}

impl Context {
    pub fn load_config(&self) -> Result<Loaded, CliError> {
        Ok(Loaded::load(&self.config_path)?)
    }

    /// The data format stdout carries (`--output json|yaml`), else None: text for people.
    pub fn data(&self) -> Option<DataFormat> {
        self.output.data()
    }

    /// How to reach the configured env repo (warning when that is in the clear).
    pub fn repo_settings(&self, loaded: &Loaded) -> crate::envrepo::RepoSettings {
        let url = &loaded.config.env_repo.url.value;
        if url
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
        {
            self.ui.warn(
                "envRepo.url uses http://: commits and credentials travel unencrypted (use https://)",
            );
        }
        crate::envrepo::RepoSettings {
            url: loaded.config.env_repo.url.value.clone(),
            branch: loaded.config.env_repo.branch.value.clone(),
            cache_root: self.env.cache_root.clone(),
            token: self.env.git_token.clone(),
            author: self.env.git_author.clone(),
            may_prompt: self.ui.is_interactive(),
        }
    }

    /// Asks before changing a protected environment: `--yes` answers, a terminal asks, and
    /// without either the command stops with exit 2.
    pub fn confirm(&self, question: &str) -> Result<(), CliError> {
        if self.yes {
            return Ok(());
        }
        if self.ui.prompt_confirm(question)? {
            Ok(())
        } else {
            Err(CliError::usage("not confirmed; nothing was changed"))
        }
    }

    /// The key passphrase: FORGE_KEY_PASSWORD, else a prompt on a terminal.
    pub fn passphrase(&self, prompt: &str, confirm: bool) -> Result<String, CliError> {
        match &self.env.key_password {
            Some(password) => Ok(password.clone()),
            None => self.ui.prompt_password(prompt, confirm).map_err(|err| {
                err.with_hint("set FORGE_KEY_PASSWORD when running without a terminal")
            }),
        }
    }

    /// When a release is recorded: SOURCE_DATE_EPOCH (reproducible runs and tests), else now.
    pub fn now_rfc3339(&self) -> Result<String, CliError> {
        let epoch = match &self.env.source_date_epoch {
            Some(text) => text.parse().map_err(|_| {
                CliError::usage(format!(
                    "SOURCE_DATE_EPOCH '{text}' is not a number of seconds"
                ))
            })?,
            None => crate::time::now_epoch(),
        };
        Ok(crate::time::rfc3339(epoch))
    }
}
