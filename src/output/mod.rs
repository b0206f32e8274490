//! Output stage: atomic writes of report folders and files, checksums, CSV fields safe for a
//! spreadsheet, the folder lock, and the run manifest. Depends on the standard library,
//! tempfile, sha2 and libc (the folder lock), and on the ledger's gate type for the manifest;
//! every other stage hands it bytes.

pub mod atomic;
pub mod csv;
pub mod lock;
pub mod manifest;

pub use atomic::{StagedDir, WriteError, recover, sha256_file, sha256_hex, write_dir, write_file};
pub use lock::{LockError, OutputLock};
pub use manifest::{
    ClientEntry, InputFile, Manifest, OutputFile, RunStatus, StagePeaks, StageTimings,
};
