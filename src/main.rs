use forge::cli::Cli;
use forge::context::ProcessEnv;
use forge::ui::TerminalFacts;

fn main() -> std::process::ExitCode {
    std::panic::set_hook(Box::new(|info| forge::ui::bug(info)));
    // With COMPLETE=<shell> set, forge answers a completion (or prints the registration) and
    // exits here; otherwise this does nothing.
    clap_complete::CompleteEnv::with_factory(Cli::tree).complete();
    let cli = Cli::parse_args();
    let facts = TerminalFacts::detect();
    let ctx = cli.context(&facts, ProcessEnv::read());
    init_tracing(cli.global.verbose, cli.global.quiet, ctx.ui.color());
    // Returned, not `process::exit`: everything the command held is dropped first.
    let code = match cli.run(&ctx) {
        Ok(()) => 0,
        Err(err) if err.is_silent() => err.code.code(),
        Err(err) => {
            ctx.ui.error(&err);
            if ctx.env.github_actions {
                let annotation = forge::ui::github::error(&err.message, err.hint.as_deref());
                ctx.ui.line(annotation);
            }
            err.code.code()
        }
    };
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// Logs go to stderr; FORGE_LOG (tracing's filter syntax) overrides -v/-vv.
fn init_tracing(verbose: u8, quiet: bool, color: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        // kube logs every failed request at ERROR; forge retries them and reports what
        // finally failed itself.
        (false, 0) => "warn,kube_client=off,kube_runtime=off",
        (false, 1) => "forge=info",
        (false, _) => "forge=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("FORGE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false)
        .init();
}
