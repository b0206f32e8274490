//! Peak resident memory per pipeline stage, for the manifest and the benchmark. Reads Linux's
//! `/proc/self/status` (VmHWM) and resets the high-water mark between stages through
//! `/proc/self/clear_refs`; elsewhere the figures are simply absent.
//!
//! The figures are the process's: when several clients run at once (`--jobs` > 1) a stage's
//! peak includes whatever the other clients held at that moment. The reset also lowers the
//! maximum resident size that time(1) reports at exit, so the run's true peak is the largest
//! stage peak (benches/run.sh prints that).

/// Starts a new measuring interval: the high-water mark drops to the current resident size.
pub(crate) fn reset_peak() {
    // Writing "5" resets VmHWM (Linux ≥ 4.0); a failure only means no per-stage figure.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The peak resident memory in MB since the last [`reset_peak`] (or process start).
pub(crate) fn peak_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    kb_field(&status, "VmHWM:").map(|kb| kb.div_ceil(1024))
}

/// The number of a `Key:   1234 kB` line of a /proc file (`/proc/self/status`, `/proc/meminfo`).
pub(crate) fn kb_field(text: &str, key: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_high_water_mark_in_kb() {
        let status = "Name:\tcrm-audit\nVmPeak:\t  900000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t 1 kB\n";
        assert_eq!(kb_field(status, "VmHWM:"), Some(204_800));
        assert_eq!(kb_field("Name: x\n", "VmHWM:"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_large_allocation_shows_in_the_peak() {
        reset_peak();
        let before = peak_mb().unwrap();
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        assert!(peak_mb().unwrap() >= before + 60, "64 MB touched");
    }
}
