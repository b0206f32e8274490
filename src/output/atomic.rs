//! Atomic writes: a reader (or a crash) sees the old file or folder or the new one, never half.
//!
//! Single files go through a temporary file in the same folder and a rename. A client's report
//! folder is written whole into a staging folder beside its final place and swapped in with two
//! renames; if the process dies between them the previous report survives under `.previous-*`
//! and the next run cleans it up.

use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A write that failed; names the path.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    /// The file or folder being written.
    pub path: PathBuf,
    /// The I/O error.
    pub source: std::io::Error,
}

fn err(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(err(dir))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(err(dir))?;
    tmp.write_all(bytes).map_err(err(path))?;
    tmp.as_file().sync_all().map_err(err(path))?;
    tmp.persist(path).map_err(|e| WriteError {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

/// A folder being filled before it replaces its final location.
#[derive(Debug)]
pub struct StagedDir {
    staging: PathBuf,
    target: PathBuf,
}

impl StagedDir {
    /// Creates an empty staging folder beside `target` (in the same parent, so the final rename
    /// stays on one file system).
    pub fn new(target: &Path) -> Result<StagedDir, WriteError> {
        let parent = target.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(err(parent))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let staging = tempfile::Builder::new()
            .prefix(&format!(".staging-{name}-"))
            .tempdir_in(parent)
            .map_err(err(parent))?
            .keep();
        Ok(StagedDir {
            staging,
            target: target.to_path_buf(),
        })
    }

    /// Where files go while staged.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Writes one file into the staging folder; `name` may hold a sub-folder (`actions/x.csv`).
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, WriteError> {
        let path = self.staging.join(name);
        if let Some(dir) = path.parent().filter(|d| *d != self.staging) {
            fs::create_dir_all(dir).map_err(err(dir))?;
        }
        fs::write(&path, bytes).map_err(err(&path))?;
        Ok(path)
    }

    /// Swaps the staged folder into place; the previous content is removed only after the new
    /// one is in place.
    pub fn commit(self) -> Result<PathBuf, WriteError> {
        let parent = self.target.parent().unwrap_or(Path::new("."));
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let previous = parent.join(format!(".previous-{name}-{}", std::process::id()));
        let had_previous = self.target.exists();
        if had_previous && let Err(e) = fs::rename(&self.target, &previous) {
            let _ = fs::remove_dir_all(&self.staging);
            return Err(err(&self.target)(e));
        }
        if let Err(source) = fs::rename(&self.staging, &self.target) {
            if had_previous {
                let _ = fs::rename(&previous, &self.target);
            }
            // A failed swap leaves no staging folder behind.
            let _ = fs::remove_dir_all(&self.staging);
            return Err(WriteError {
                path: self.target.clone(),
                source,
            });
        }
        if had_previous {
            fs::remove_dir_all(&previous).map_err(err(&previous))?;
        }
        Ok(self.target.clone())
    }

    /// Removes the staging folder, leaving the target untouched.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

/// Writes a whole folder atomically, the one staged write of every report folder: `files`
/// (names relative to `dir`, sub-folders allowed) go into a staging folder beside `dir`, which
/// then replaces it; leftovers of an interrupted run in `dir`'s parent are recovered first.
/// Returns the files as the manifest lists them, paths relative to `out`.
pub fn write_dir<N: AsRef<str> + Sync>(
    dir: &Path,
    out: &Path,
    files: &[(N, Vec<u8>)],
) -> Result<Vec<super::OutputFile>, WriteError> {
    if let Some(parent) = dir.parent() {
        recover(parent);
    }
    let staged = StagedDir::new(dir)?;
    // Files written side by side, each beside its own checksum: at L the scores (133 MB) and the
    // action lists (37 MB) took about half a second of one core, one after another. The list
    // keeps the files' order, and the first failure in that order is the one reported.
    use rayon::prelude::*;
    let results: Vec<Result<super::OutputFile, WriteError>> = files
        .par_iter()
        .map(|(name, bytes)| {
            let name = name.as_ref();
            let (wrote, sha256) = rayon::join(|| staged.write(name, bytes), || sha256_hex(bytes));
            wrote.map(|_| super::OutputFile {
                path: dir.strip_prefix(out).unwrap_or(dir).join(name),
                bytes: bytes.len() as u64,
                sha256,
            })
        })
        .collect();
    let written = match results.into_iter().collect::<Result<Vec<_>, _>>() {
        Ok(written) => written,
        Err(e) => {
            staged.abandon();
            return Err(e);
        }
    };
    // Testing aid: hold the staged folder so a test can kill the run at the worst moment.
    if let Some(pause) = std::env::var("CRM_AUDIT_PAUSE_BEFORE_COMMIT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(pause));
    }
    staged.commit()?;
    Ok(written)
}

/// Restores or removes what an interrupted run left in `dir`: a `.previous-*` folder whose
/// target is missing is put back; stale staging folders are removed.
pub fn recover(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(rest) = name.strip_prefix(".previous-") {
            let Some((target, _pid)) = rest.rsplit_once('-') else {
                continue;
            };
            let target = dir.join(target);
            if target.exists() {
                let _ = fs::remove_dir_all(entry.path());
            } else {
                let _ = fs::rename(entry.path(), target);
            }
        } else if name.starts_with(".staging-") || name.starts_with(".tmp-") {
            let _ = if entry.path().is_dir() {
                fs::remove_dir_all(entry.path())
            } else {
                fs::remove_file(entry.path())
            };
        }
    }
}

/// Hex SHA-256 of a byte string.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex SHA-256 and size of a file, streamed.
pub fn sha256_file(path: &Path) -> std::io::Result<(String, u64)> {
    use std::io::Read;
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    let digest = hasher.finalize();
    Ok((digest.iter().map(|b| format!("{b:02x}")).collect(), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_folder_replaces_previous_report_only_on_commit() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("2026-Q3");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("report.html"), "old").unwrap();

        let staged = StagedDir::new(&target).unwrap();
        staged.write("report.html", b"new").unwrap();
        assert_eq!(
            fs::read_to_string(target.join("report.html")).unwrap(),
            "old"
        );
        staged.commit().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("report.html")).unwrap(),
            "new"
        );
        let leftovers: Vec<_> = fs::read_dir(root.path()).unwrap().collect();
        assert_eq!(
            leftovers.len(),
            1,
            "no staging or previous folder left behind"
        );
    }

    #[test]
    fn abandoned_staging_leaves_the_old_report_intact() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("2026-Q3");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("report.html"), "old").unwrap();
        let staged = StagedDir::new(&target).unwrap();
        staged.write("report.html", b"half").unwrap();
        staged.abandon();
        assert_eq!(
            fs::read_to_string(target.join("report.html")).unwrap(),
            "old"
        );
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn recover_puts_back_a_previous_report_whose_swap_was_interrupted() {
        let root = tempfile::tempdir().unwrap();
        let prev = root.path().join(".previous-2026-Q3-4242");
        fs::create_dir_all(&prev).unwrap();
        fs::write(prev.join("report.html"), "old").unwrap();
        fs::create_dir_all(root.path().join(".staging-2026-Q3-abc")).unwrap();
        recover(root.path());
        let target = root.path().join("2026-Q3");
        assert_eq!(
            fs::read_to_string(target.join("report.html")).unwrap(),
            "old"
        );
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn sha256_matches_known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
