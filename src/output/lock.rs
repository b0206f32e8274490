//! One run at a time per output folder (issue 17). A run holds an exclusive `flock` on
//! `OUT/.crm-audit.lock` for as long as it writes, and the file names the holder (process id,
//! host, start time), so that a second run on the same folder fails at once and says who is
//! writing there. The kernel releases the lock when its holder dies, even by SIGKILL, so a lock
//! left by a dead process is simply taken over; the file is never deleted (deleting it would let
//! two runs lock two different files of the same name).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// File name of the lock in an output folder.
pub const LOCK_FILE: &str = ".crm-audit.lock";

/// Why the output folder could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another live process holds it.
    #[error(
        "the output folder {} is in use by another crm-audit run ({holder}); wait for it to \
         finish, or write to another --out",
        folder.display()
    )]
    Busy {
        /// The output folder.
        folder: PathBuf,
        /// Who holds it, as its lock file says.
        holder: String,
    },
    /// The lock file could not be created or locked (a read-only folder, ...).
    #[error("cannot lock the output folder {}: {source}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The held lock; released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    /// What the file said when this run took it over from a process that died holding it.
    pub taken_over_from: Option<String>,
}

impl OutputLock {
    /// Takes the lock of `folder` (which must exist), or says who holds it.
    pub fn acquire(folder: &Path) -> Result<OutputLock, LockError> {
        Self::acquire_file(folder, LOCK_FILE)
    }

    /// Takes the lock of one shard of a portfolio in `folder`: the shards of one run write
    /// disjoint client folders and manifests of their own, so they run side by side, while the
    /// same shard started twice is refused.
    pub fn acquire_shard(folder: &Path, shard: &str) -> Result<OutputLock, LockError> {
        Self::acquire_file(folder, &format!(".crm-audit.shard-{shard}.lock"))
    }

    fn acquire_file(folder: &Path, name: &str) -> Result<OutputLock, LockError> {
        let path = folder.join(name);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        // SAFETY: flock on a file descriptor this function owns; no memory is shared.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
                return Err(io(err));
            }
            let holder = read_holder(&mut file).unwrap_or_default();
            return Err(LockError::Busy {
                folder: folder.to_path_buf(),
                holder: if holder.is_empty() {
                    "a process that has not yet written its name".into()
                } else {
                    holder
                },
            });
        }
        // A holder that ended normally emptied the file; text left means it died holding it.
        let taken_over_from = read_holder(&mut file).filter(|h| !h.is_empty());
        let me = format!(
            "pid {} on host {}, started {}",
            std::process::id(),
            hostname(),
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S %z")
        );
        let write = |file: &mut File| -> std::io::Result<()> {
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            file.write_all(me.as_bytes())?;
            file.sync_all()
        };
        write(&mut file).map_err(io)?;
        Ok(OutputLock {
            file,
            taken_over_from,
        })
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Emptied while still held: the next run knows this one ended normally. The kernel
        // releases the lock when the file is closed, right after.
        let _ = self.file.set_len(0);
    }
}

fn read_holder(file: &mut File) -> Option<String> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    Some(text.trim().to_string())
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_is_refused_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let held = OutputLock::acquire(dir.path()).unwrap();
        assert!(held.taken_over_from.is_none());
        let err = OutputLock::acquire(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        assert!(err.contains("in use by another crm-audit run"), "{err}");
        drop(held);
        let again = OutputLock::acquire(dir.path()).unwrap();
        assert!(again.taken_over_from.is_none(), "released cleanly");
    }

    #[test]
    fn a_lock_file_left_by_a_dead_process_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(LOCK_FILE),
            "pid 999999 on host gone, started 2026-01-01 00:00:00 +0000",
        )
        .unwrap();
        let lock = OutputLock::acquire(dir.path()).unwrap();
        assert!(
            lock.taken_over_from
                .as_deref()
                .unwrap()
                .contains("pid 999999")
        );
    }
}
