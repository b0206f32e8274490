//! The `crm-audit` binary: parse the command line, run it, report errors with their causes.

use clap::Parser;
use crm_audit::cli::Cli;

/// Polars allocates and frees large buffers constantly; the system allocator returns them to the
/// kernel and pays for zeroed pages on every reuse. mimalloc keeps them (see README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    crm_audit::memory::no_transparent_huge_pages();
    let cli = Cli::parse();
    let code = crm_audit::cmd::dispatch(cli);
    std::process::exit(code);
}
