//! How the process asks the kernel for memory. Part of the binary's setup, before any stage.

/// Turns transparent huge pages off for this process (Linux; elsewhere nothing to do).
///
/// mimalloc asks for huge pages on its large regions. Every fault on one then zeroes 2 MB at
/// once, and every purge of freed memory (after 10 ms by default) splits or drops one that the
/// next slice of an export faults in again, zeroed again. On the 1M-customer benchmark the
/// kernel's page zeroing was a third of the ingest's CPU; with huge pages off, reading the CSV
/// exports took 14.0–14.2 s instead of 16.8–17.3 s (system time 5–6 s instead of 11), the same
/// peak memory.
pub fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and changes no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
