//! The terminal adapter: status lines, progress bars, prompts and data output.
//!
//! Every "is this a terminal?" and colour decision is made once, in [`TerminalFacts`] and
//! [`Ui::new`]; nothing deeper in forge asks.

// The one place that writes to the terminal.
#![allow(clippy::print_stderr, clippy::print_stdout)]

pub mod github;
pub mod table;

use crate::error::{CliError, ExitCode};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fmt::Display;
use std::io::{IsTerminal, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What stdout carries: text for people (`wide`: with more columns where a command has them)
/// or data for programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Wide,
    Json,
    Yaml,
}

impl OutputFormat {
    /// The data format, when stdout carries data rather than text.
    pub fn data(self) -> Option<DataFormat> {
        match self {
            OutputFormat::Text | OutputFormat::Wide => None,
            OutputFormat::Json => Some(DataFormat::Json),
            OutputFormat::Yaml => Some(DataFormat::Yaml),
        }
    }
}

/// How data is written to stdout: the same value either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataFormat {
    Json,
    Yaml,
}

/// Facts about the process's surroundings, read once at start-up.
#[derive(Clone, Debug, Default)]
pub struct TerminalFacts {
    pub stderr_is_terminal: bool,
    pub stdin_is_terminal: bool,
    pub term_is_dumb: bool,
    pub ci: bool,
    pub no_color: bool,
    pub force_color: bool,
}

impl TerminalFacts {
    pub fn detect() -> Self {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        TerminalFacts {
            stderr_is_terminal: std::io::stderr().is_terminal(),
            stdin_is_terminal: std::io::stdin().is_terminal(),
            term_is_dumb: std::env::var("TERM").is_ok_and(|t| t == "dumb"),
            ci: set("CI"),
            no_color: set("NO_COLOR"),
            force_color: set("FORCE_COLOR"),
        }
    }
}

/// How forge talks to the person (stderr, prompts) and to programs (stdout).
#[derive(Clone, Debug)]
pub struct Ui {
    quiet: bool,
    /// Animated bars on an attended terminal; otherwise plain, timestamped lines.
    attended: bool,
    /// Prompts are possible: stdin and stderr are terminals.
    interactive: bool,
    color: bool,
    /// The warnings said so far: each is said once, however many steps find it.
    warned: std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>,
}

impl Ui {
    pub fn new(facts: &TerminalFacts, quiet: bool, color: ColorChoice) -> Self {
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if facts.no_color => false,
            ColorChoice::Auto if facts.force_color => true,
            ColorChoice::Auto => facts.stderr_is_terminal && !facts.term_is_dumb,
        };
        console::set_colors_enabled_stderr(color);
        console::set_colors_enabled(color);
        Ui {
            quiet,
            attended: facts.stderr_is_terminal && !facts.term_is_dumb && !facts.ci && !quiet,
            interactive: facts.stdin_is_terminal && facts.stderr_is_terminal,
            color,
            warned: Default::default(),
        }
    }

    /// Whether status lines are off (`--quiet`).
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Whether stderr gets colour (also used for log lines).
    pub fn color(&self) -> bool {
        self.color
    }

    /// A progress line on stderr: `verb` is the action ("Building"), `what` the object.
    pub fn status(&self, verb: &str, what: impl Display) {
        if self.quiet {
            return;
        }
        if self.attended {
            eprintln!("{:>12} {what}", console::style(verb).green().bold());
        } else {
            eprintln!(
                "{} {verb} {what}",
                crate::time::rfc3339(crate::time::now_epoch())
            );
        }
    }

    /// One line on stderr as it is, even with --quiet (a command being run, log lines under a
    /// failure, an annotation for the CI runner).
    pub fn line(&self, text: impl Display) {
        eprintln!("{text}");
    }

    /// A warning on stderr, once per process for the same text.
    pub fn warn(&self, message: impl Display) {
        let message = message.to_string();
        let mut warned = self.warned.lock().unwrap_or_else(|e| e.into_inner());
        if warned.insert(message.clone()) {
            eprintln!("{} {message}", console::style("warning:").yellow().bold());
        }
    }

    pub fn error(&self, err: &CliError) {
        eprintln!("{} {}", console::style("error:").red().bold(), err.message);
        if let Some(hint) = &err.hint {
            eprintln!("{} {hint}", console::style("hint:").cyan().bold());
        }
    }

    /// A spinner with a changing message, drawn only on an attended terminal.
    pub fn spinner(&self) -> Spinner {
        if !self.attended {
            return Spinner(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner:.green} {elapsed:>4} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        Spinner(Some(bar))
    }

    /// A byte-count progress bar, drawn only on an attended terminal.
    pub fn progress_bytes(&self) -> Progress {
        if !self.attended {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Progress(Some(bar))
    }

    fn require_prompt(&self, what: &str) -> Result<(), CliError> {
        if self.interactive {
            Ok(())
        } else {
            Err(CliError::usage(format!("{what} needs an answer, and there is no terminal to ask on"))
                .with_hint("pass the value as a flag (or --yes to accept defaults) when running without a terminal"))
        }
    }

    pub fn prompt_text(&self, prompt: &str, default: Option<&str>) -> Result<String, CliError> {
        self.require_prompt(prompt)?;
        let theme = self.theme();
        let mut input = dialoguer::Input::<String>::with_theme(theme.as_ref()).with_prompt(prompt);
        if let Some(default) = default {
            input = input.default(default.to_string());
        }
        input.interact_text().map_err(prompt_failed)
    }

    pub fn prompt_select(
        &self,
        prompt: &str,
        items: &[&str],
        default: usize,
    ) -> Result<usize, CliError> {
        self.require_prompt(prompt)?;
        dialoguer::Select::with_theme(self.theme().as_ref())
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact()
            .map_err(prompt_failed)
    }

    pub fn is_interactive(&self) -> bool {
        self.interactive
    }

    pub fn prompt_confirm(&self, question: &str) -> Result<bool, CliError> {
        self.require_prompt(question)
            .map_err(|err| err.with_hint("pass --yes to confirm without a terminal"))?;
        let theme = self.theme();
        dialoguer::Confirm::with_theme(theme.as_ref())
            .with_prompt(question)
            .default(false)
            .interact()
            .map_err(prompt_failed)
    }

    /// Asks for a secret without echo; `confirm` asks twice (for new passphrases).
    pub fn prompt_password(&self, prompt: &str, confirm: bool) -> Result<String, CliError> {
        self.require_prompt(prompt)?;
        let theme = self.theme();
        let mut password = dialoguer::Password::with_theme(theme.as_ref())
            .with_prompt(prompt)
            .allow_empty_password(true);
        if confirm {
            password = password.with_confirmation("Repeat it", "the two entries differ");
        }
        password.interact().map_err(prompt_failed)
    }

    fn theme(&self) -> Box<dyn dialoguer::theme::Theme> {
        if self.color {
            Box::new(dialoguer::theme::ColorfulTheme::default())
        } else {
            Box::new(dialoguer::theme::SimpleTheme)
        }
    }
}

fn prompt_failed(err: dialoguer::Error) -> CliError {
    CliError::new(ExitCode::Usage, format!("prompt aborted: {err}"))
}

/// A progress bar that may not be drawn at all; every method is a no-op then.
pub struct Progress(Option<ProgressBar>);

impl crate::bundle::build::BuildProgress for Progress {
    fn total(&self, bytes: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(bytes);
        }
    }

    fn packed(&self, bytes: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(bytes);
        }
    }
}

impl Progress {
    pub fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}

/// A spinner that may not be drawn at all (then `show` says so and nothing happens).
pub struct Spinner(Option<ProgressBar>);

impl Spinner {
    /// Shows `text` in place; false when there is no spinner to show it on.
    pub fn show(&self, text: &str) -> bool {
        match &self.0 {
            Some(bar) => {
                bar.set_message(text.to_string());
                true
            }
            None => false,
        }
    }

    /// Runs `print` with the spinner hidden, so lines it writes are not drawn over.
    pub fn suspend(&self, print: impl FnOnce()) {
        match &self.0 {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// What a panic prints: a bug must still read as one line on stderr, not a backtrace dump.
pub fn bug(info: impl Display) {
    eprintln!("error: internal error in forge: {info}");
    eprintln!("hint: this is a bug; please report it with the command you ran");
}

/// Writes data to stdout. A closed pipe (`forge … | head`) ends the command quietly, as
/// ripgrep does, instead of reporting an error nobody can read: the error unwinds like any
/// other (temp dirs are removed) and the binary exits 0 without a word.
pub fn emit(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    let result = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    match result {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Err(CliError::stdout_closed()),
        Err(err) => Err(CliError::operational(format!(
            "cannot write to stdout: {err}"
        ))),
    }
}

/// Whether stdout is a terminal (a redraw in place makes sense there, not in a pipe or file).
pub fn stdout_is_terminal() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdout())
}

/// stdout on a terminal: `text` in place of the `previous` lines written last.
pub fn emit_over(previous: usize, text: &str) -> Result<(), CliError> {
    let clear = if previous > 0 {
        format!("\x1b[{previous}A\x1b[J")
    } else {
        String::new()
    };
    emit(&format!("{clear}{text}"))
}

/// Writes a value to stdout as data: every command's `--output json|yaml` goes through here.
pub fn emit_data(format: DataFormat, value: &impl serde::Serialize) -> Result<(), CliError> {
    emit(&data_text(format, value)?)
}

/// A value as stdout's data: pretty JSON, or a YAML document, with a final newline.
pub fn data_text(format: DataFormat, value: &impl serde::Serialize) -> Result<String, CliError> {
    match format {
        DataFormat::Json => {
            let mut text = forge_base::json::to_string_pretty(value);
            text.push('\n');
            Ok(text)
        }
        // Through JSON's value model, so YAML holds exactly what JSON would.
        DataFormat::Yaml => serde_saphyr::to_string(&forge_base::json::to_value(value))
            .map_err(|e| CliError::operational(format!("cannot write the output as YAML: {e}"))),
    }
}
