//! Shared by the clv integration tests: where the CDNOW reference data are.

use std::path::PathBuf;

/// A file of the CDNOW folder: `../shared/data/cdnow/` from the crate root (the layout of a
/// checkout beside `shared/`), else `/work/shared/data/cdnow/` (the layout of a worktree).
pub fn cdnow(file: &str) -> PathBuf {
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/cdnow")
        .join(file);
    if beside.is_file() {
        return beside;
    }
    let fallback = PathBuf::from("/work/shared/data/cdnow").join(file);
    assert!(
        fallback.is_file(),
        "CDNOW file {file} found neither at {} nor at {}",
        beside.display(),
        fallback.display()
    );
    fallback
}
