//! The memory a client's audit will need, estimated from the size of its exports before any
//! is read, so that inputs larger than the machine fail at once with a clear error instead of
//! being killed by the kernel hours into a scheduled run. Part of the ingest stage.
//!
//! The factor (three times the bytes of the exports plus a fixed base for the program, fonts
//! and models) is kept above the measured peaks (docs/performance.md) on purpose: refusing a
//! client that would have fitted costs a rerun with `CRM_AUDIT_MEMORY_LIMIT_MB`, while
//! accepting one that does not fit costs the whole machine.

use super::discover;
use crate::config::AuditConfig;

/// Peak memory per byte of export read.
const PEAK_PER_INPUT_BYTE: u64 = 3;
/// Memory the run needs whatever the data (program, fonts, model fits).
const BASE_BYTES: u64 = 400 << 20;
/// Overrides the memory the check allows (MB); `0` turns the check off.
pub const LIMIT_ENV: &str = "CRM_AUDIT_MEMORY_LIMIT_MB";

/// The export files `cfg` names (globs expanded), each once.
pub fn input_files(cfg: &AuditConfig) -> Vec<std::path::PathBuf> {
    let mut files: Vec<std::path::PathBuf> = discover::plan(cfg)
        .iter()
        .filter_map(|p| p.as_ref().ok())
        .map(|p| p.path.clone())
        .collect();
    files.sort();
    files.dedup();
    files
}

/// Total bytes of the export files `cfg` names (globs expanded; missing files count 0, the
/// ingest reports them).
pub fn input_bytes(cfg: &AuditConfig) -> u64 {
    discover::plan(cfg)
        .iter()
        .filter_map(|p| p.as_ref().ok())
        .filter_map(|p| std::fs::metadata(&p.path).ok())
        .map(|m| m.len())
        .sum()
}

/// The estimated peak memory of auditing `input` bytes of exports.
pub fn estimated_peak(input: u64) -> u64 {
    input.saturating_mul(PEAK_PER_INPUT_BYTE) + BASE_BYTES
}

/// `Err` with a message naming the sizes when the estimate exceeds what the machine (or
/// [`LIMIT_ENV`]) allows.
pub fn check(cfg: &AuditConfig) -> Result<(), String> {
    let allowed = match std::env::var(LIMIT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        Some(0) => return Ok(()),
        Some(mb) => mb << 20,
        None => match available_memory() {
            Some(b) => b,
            None => return Ok(()),
        },
    };
    verdict(input_bytes(cfg), allowed)
}

fn verdict(input: u64, allowed: u64) -> Result<(), String> {
    let need = estimated_peak(input);
    if need <= allowed {
        return Ok(());
    }
    let gb = |b: u64| b as f64 / f64::from(1u32 << 30);
    Err(format!(
        "the exports total {:.1} GB and auditing them needs about {:.1} GB of memory, but only \
         {:.1} GB is available: audit a shorter span of data (the period plus the history the \
         indicators need), run with --jobs 1 so clients do not share the memory, or set {} \
         (MB, 0 = no check) if you know better",
        gb(input),
        gb(need),
        gb(allowed),
        LIMIT_ENV
    ))
}

/// Memory this process may still use: the smaller of MemAvailable and the cgroup's headroom.
fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let available = crate::memory::kb_field(&meminfo, "MemAvailable:")? * 1024;
    let cgroup = || -> Option<u64> {
        let max: u64 = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
            .ok()?
            .trim()
            .parse()
            .ok()?;
        let current: u64 = std::fs::read_to_string("/sys/fs/cgroup/memory.current")
            .ok()?
            .trim()
            .parse()
            .ok()?;
        Some(max.saturating_sub(current))
    };
    Some(cgroup().map_or(available, |c| c.min(available)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_is_three_times_the_input_plus_the_base() {
        assert_eq!(estimated_peak(0), 400 << 20);
        assert_eq!(estimated_peak(1 << 30), (3 << 30) + (400 << 20));
    }

    #[test]
    fn too_large_inputs_are_refused_with_the_sizes() {
        assert!(verdict(1 << 30, 4 << 30).is_ok());
        let e = verdict(8 << 30, 16 << 30).unwrap_err();
        assert!(
            e.contains("8.0 GB") && e.contains("24.4 GB") && e.contains("16.0 GB"),
            "{e}"
        );
        assert!(e.contains(LIMIT_ENV));
    }
}
