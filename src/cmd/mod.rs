//! One module per subcommand: each turns parsed arguments into pipeline calls and an exit code.
//! Errors are reported here, at the edge, with their whole cause chain.

use crate::cli::{Cli, Command};

pub mod sample;

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
    let result = match cli.command {
        Command::Run(_) | Command::Validate(_) | Command::Init(_) => {
            Err(anyhow::anyhow!("not available in this build yet"))
        }
        Command::Sample(args) => sample::run(&args),
        Command::Clv(_) => Err(anyhow::anyhow!("not available in this build yet")),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            EXIT_USAGE
        }
    }
}
