//! One module per subcommand: each turns parsed arguments into pipeline calls and an exit code.
//! Errors are reported here, at the edge, with their whole cause chain.

use crate::cli::{Cli, Command};

pub mod clients;
pub mod clv;
pub mod init;
pub mod logging;
pub mod portfolio;
pub mod run;
pub mod sample;
pub mod validate;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: a client failed, or validation found errors.
pub const EXIT_CLIENT_FAILED: i32 = 1;
/// Exit code: usage or configuration error.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: outputs could not be written.
pub const EXIT_OUTPUT: i32 = 3;

/// Runs a parsed command line and returns the process exit code.
pub fn dispatch(cli: Cli) -> i32 {
    logging::init(cli.log_format, cli.quiet);
    if let Some(jobs) = cli.jobs {
        // The global pool serves ingest, indicators and models; `run` also audits this many
        // clients at once.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.into())
            .build_global();
    }
    let result = match cli.command {
        Command::Run(args) => run::run(&args, cli.jobs, cli.quiet),
        Command::Portfolio(args) => portfolio::run(&args, cli.quiet),
        Command::Validate(args) => validate::run(&args),
        Command::Sample(args) => sample::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Clv(args) => clv::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            EXIT_USAGE
        }
    }
}
