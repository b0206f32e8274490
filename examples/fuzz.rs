//! Runs the loaders' fuzzer (`crm_audit::ingest::fuzz`, see docs/fuzzing.md) and prints one
//! summary line (inputs, panics, hangs, unaccounted rows, time), the time per generator family
//! and the failures. Exits 1 when the property broke on any input.
//!
//! ```text
//! cargo run --release --example fuzz -- --inputs 100000 --seed 1 --jobs 2
//!     [--first I] [--budget SECS] [--progress SECS] [--dir DIR]
//! cargo run --release --example fuzz -- --seed 1 --replay INDEX [--dir DIR]
//! ```
//!
//! CSV files of 128 KB and more are read in slices (`CRM_AUDIT_CSV_SLICE_KB=64` unless the
//! environment sets another size), so the generator's long files take the sliced path.

use crm_audit::ingest::fuzz;
use std::path::PathBuf;
use std::time::Duration;

/// As the binary: the loaders run with the allocator they ship with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn number(args: &[String], name: &str, default: u64) -> u64 {
    value(args, name).map_or(default, |v| {
        v.replace('_', "").parse().unwrap_or_else(|_| {
            eprintln!("{name}: '{v}' is not a whole number");
            std::process::exit(2)
        })
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if std::env::var_os("CRM_AUDIT_CSV_SLICE_KB").is_none() {
        // SAFETY: set before any other thread of the process exists.
        unsafe { std::env::set_var("CRM_AUDIT_CSV_SLICE_KB", "64") };
    }
    let seed = number(&args, "--seed", 1);
    let mut opts = fuzz::Options::new(
        number(&args, "--inputs", 10_000),
        seed,
        number(&args, "--jobs", 2) as usize,
    );
    if let Some(dir) = value(&args, "--dir") {
        opts.dir = PathBuf::from(dir);
    }
    if value(&args, "--replay").is_some() {
        let index = number(&args, "--replay", 0);
        match fuzz::replay(seed, index, &opts.dir) {
            Ok(text) => println!("{text}\nfiles in {}", opts.dir.display()),
            Err(e) => {
                eprintln!("cannot write the input's files: {e}");
                std::process::exit(2)
            }
        }
        return;
    }
    opts.first = number(&args, "--first", 0);
    opts.budget = Duration::from_secs(number(&args, "--budget", 10));
    opts.progress =
        value(&args, "--progress").map(|_| Duration::from_secs(number(&args, "--progress", 60)));
    let summary = fuzz::run(&opts);
    print!("{}", summary.report());
    if !summary.clean() {
        std::process::exit(1);
    }
}
