//! Sorts of the hot paths, compiled in this crate at its own opt-level.
//!
//! The standard library's sort keeps its large pieces out of line (`#[inline(never)]`), and
//! rustc lets a crate link to such an out-of-line generic that a dependency already compiled
//! and exported, instead of compiling its own copy. Dependencies built at opt-level 0 or 1 (the
//! PDF, template and CLI crates, listed in Cargo.toml to shorten the first build) export theirs.
//! A plain `sort_unstable()` of `u64` or of a tuple of integers compares with the standard
//! library's own `lt`, so every crate's copy is the same function and ours could be the
//! unoptimised one a PDF crate exported: at opt-level 0 for the layout crates, that took ingest
//! at L from 12.5 to 14.3 s. A comparison closure written here is a type of this crate, which
//! no dependency can have compiled, so the sort below is always built here, at opt-level 3.

use rayon::slice::ParallelSliceMut;

/// `v.sort_unstable()`, compiled in this crate (see the module's documentation).
#[inline]
pub(crate) fn sort_unstable<T: Ord>(v: &mut [T]) {
    #[allow(clippy::unnecessary_sort_by)]
    v.sort_unstable_by(|a, b| a.cmp(b));
}

/// `v.par_sort_unstable()`, compiled in this crate (see the module's documentation).
#[inline]
pub(crate) fn par_sort_unstable<T: Ord + Send>(v: &mut [T]) {
    #[allow(clippy::unnecessary_sort_by)]
    v.par_sort_unstable_by(|a, b| a.cmp(b));
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_sort_ascending_like_the_standard_sort() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let values: Vec<(i32, u32)> = (0..10_000)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                ((state % 97) as i32 - 48, i)
            })
            .collect();
        let mut expected = values.clone();
        expected.sort_unstable();
        let (mut one, mut par) = (values.clone(), values);
        super::sort_unstable(&mut one);
        super::par_sort_unstable(&mut par);
        assert_eq!(one, expected);
        assert_eq!(par, expected);
    }
}
