//! The `crm-audit` binary: parse the command line, run it, report errors with their causes.

use clap::Parser;
use crm_audit::cli::Cli;

fn main() {
    let cli = Cli::parse();
    let code = crm_audit::cmd::dispatch(cli);
    std::process::exit(code);
}
