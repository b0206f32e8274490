//! Output stage: atomic writes of report folders and files, checksums, CSV fields safe for a
//! spreadsheet, and the run manifest. Depends only on the standard library, tempfile and sha2;
//! every other stage hands it bytes.

pub mod atomic;
pub mod csv;
pub mod manifest;

pub use atomic::{StagedDir, WriteError, recover, sha256_file, sha256_hex, write_file};
pub use manifest::{
    ClientEntry, InputFile, Manifest, OutputFile, RunStatus, StagePeaks, StageTimings,
};
