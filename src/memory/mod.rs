//! How the process asks the kernel and the allocator for memory: transparent huge pages (off,
//! set by the binary before any stage) and when mimalloc hands freed memory back (a portfolio run keeps
//! it; the ingest stage has it handed back at once); how much it used per stage ([`peak`]); and
//! the cache hint of loops that read at random from large arrays ([`prefetch`]).

mod peak;

pub(crate) use peak::{kb_field, peak_mb, reset_peak};

/// Asks for `value`'s cache line ahead of its use: for loops that read at random from arrays
/// larger than the cache, where each read would otherwise wait for memory in turn. A hint only
/// (nothing on architectures other than x86-64).
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints the cache; it reads nothing and cannot fault.
    unsafe {
        std::arch::x86_64::_mm_prefetch(
            (value as *const T).cast::<i8>(),
            std::arch::x86_64::_MM_HINT_T0,
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Turns transparent huge pages off for this process, for the whole run (Linux; elsewhere
/// nothing to do).
///
/// mimalloc asks for huge pages on its large regions. Every fault on one then zeroes 2 MB at
/// once, and every purge of freed memory (see [`purge_at_once`]) splits or drops one that the
/// next slice of an export faults in again, zeroed again: the kernel's page zeroing then
/// dominates a large ingest, for no gain in peak memory. The later stages used to turn them
/// back on; measured again on the project's VM (docs/performance.md), huge pages made them
/// slower too (at L, prepare 1.1-1.5 s against 0.6-0.7 s, the indicators 3.6-4.0 s against
/// 2.9-3.2 s, with 60-150 MiB more peak), the kernel's time going to zeroing and splitting huge
/// pages that the allocator's purges break up.
pub fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and changes no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// The purge delay while a stage keeps what it frees ([`keep_through_stage`]): longer than the
/// indicators stage takes at L, so that nothing it frees is handed back before its end.
const STAGE_PURGE_DELAY_MS: std::ffi::c_long = 10_000;

/// The guard of [`keep_through_stage`].
pub struct KeepThroughStage(Option<std::ffi::c_long>);

/// While the guard lives, memory freed is kept for reuse instead of handed back to the kernel
/// after mimalloc's second; when it is dropped, the delay before is restored and what was freed
/// meanwhile is handed back at once. Held by the indicators stage: its few hundred queries free
/// and allocate buffers of tens of MB all along, and each one handed back was faulted in and
/// zeroed again by the next (at L its status pass alone took 79,000 page faults and 0.14 s of
/// kernel time; none with the memory kept). Kept to the stage's end only, so the render stage
/// starts from what the indicators still hold: at L, in single audits alternated with the
/// binary before, the indicators took 3.14-3.73 s against 3.12-3.89 s (3.30 s and 3.43 s
/// against 3.59 s and 3.70 s in two more pairs), their peak 3,365-3,408 MiB against
/// 3,307-3,362 MiB, the render's 3,155-3,307 against 3,234-3,323 MiB (docs/performance.md).
/// A portfolio keeps everything anyway ([`keep_freed_memory`]).
pub fn keep_through_stage() -> KeepThroughStage {
    KeepThroughStage(swap_purge_delay(STAGE_PURGE_DELAY_MS))
}

impl Drop for KeepThroughStage {
    fn drop(&mut self) {
        if restore_purge_delay(self.0) {
            // SAFETY: a plain call into the allocator; `true` also purges what is scheduled for
            // a later purge, which is what the stage freed.
            unsafe { libmimalloc_sys::mi_collect(true) };
        }
    }
}

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_e` (the version libmimalloc-sys builds
/// by default; its Rust constants list the v2 options only): how many milliseconds freed memory
/// waits before mimalloc hands it back to the kernel (1000 by default, -1 never).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Set once a portfolio keeps freed memory for the next client (see [`keep_freed_memory`]).
static KEEPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn set_purge_delay(ms: std::ffi::c_long) {
    // SAFETY: sets a process-wide integer option; mimalloc reads options atomically and every
    // value used here is documented for this one.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, ms) };
}

/// Sets the purge delay to `ms` and returns the one before, for [`restore_purge_delay`];
/// nothing while a portfolio keeps its memory.
fn swap_purge_delay(ms: std::ffi::c_long) -> Option<std::ffi::c_long> {
    if KEEPING.load(std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    // SAFETY: reads a process-wide integer option.
    let before = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
    set_purge_delay(ms);
    Some(before)
}

/// Puts back a delay [`swap_purge_delay`] returned, unless a portfolio has started keeping its
/// memory since; whether it did.
fn restore_purge_delay(before: Option<std::ffi::c_long>) -> bool {
    match before {
        Some(before) if !KEEPING.load(std::sync::atomic::Ordering::Relaxed) => {
            set_purge_delay(before);
            true
        }
        _ => false,
    }
}

/// In a portfolio each worker frees one client's tables and allocates the next one's within
/// milliseconds; memory handed back to the kernel in between is zeroed again when the next
/// client touches it, which roughly doubles a portfolio's system time. Keeping it costs little
/// peak memory there, since what is kept is what the next client reuses. A single client keeps
/// the default: there, kept memory is never reused and only raises the peak.
pub fn keep_freed_memory() {
    KEEPING.store(true, std::sync::atomic::Ordering::Relaxed);
    set_purge_delay(-1);
}

/// The guard of [`purge_at_once`].
pub struct PurgeAtOnce(Option<std::ffi::c_long>);

/// While the guard lives, memory freed is handed back to the kernel at once (unless a portfolio keeps
/// it, [`keep_freed_memory`]); the delay before is restored when it is dropped. Held by the
/// ingest stage: slice after slice it frees and allocates the same few hundred MB, and with
/// mimalloc's one-second delay the batched purges cost more system time than faulting the
/// pages in again, and raise the peak. The later stages keep the default, which suits their
/// fewer, longer-lived allocations better.
pub fn purge_at_once() -> PurgeAtOnce {
    PurgeAtOnce(swap_purge_delay(0))
}

impl Drop for PurgeAtOnce {
    fn drop(&mut self) {
        restore_purge_delay(self.0);
    }
}
