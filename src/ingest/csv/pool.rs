//! Buffers of a sliced source's pieces, handed back once a slice's values are in the source's
//! gathered columns and taken again by the pieces of a later slice. Part of the CSV reader
//! (`super::direct` takes them, `super::assemble` gives them back).
//!
//! Freed instead, a piece's buffers went back to the allocator, and the next slices' pieces
//! were largely served fresh pages that the kernel faulted in and zeroed (the buffers are made
//! on one thread and freed on another, while the slice is gathered): reading L's CSV files took
//! 1.56 million page faults, 1.23 million with the pool, and about a second more of system
//! time. The pool never holds more buffers than were in use at
//! once (a buffer is made only when none is free), so the peak stays where it was; it is
//! dropped with the source.

use std::sync::{Mutex, PoisonError};

/// Free buffers of one element type.
pub(crate) struct Pool<T>(Mutex<Vec<Vec<T>>>);

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool(Mutex::new(Vec::new()))
    }
}

impl<T> Pool<T> {
    /// An empty buffer with room for at least `capacity` values: a free one when one is large
    /// enough, else a new one with an eighth more room (a piece's rows vary a little from one
    /// piece to the next, and a buffer too small for most pieces would be of little use).
    pub(crate) fn take(&self, capacity: usize) -> Vec<T> {
        let mut free = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match free.iter().position(|v| v.capacity() >= capacity) {
            Some(k) => free.swap_remove(k),
            None => Vec::with_capacity(capacity + capacity / 8),
        }
    }

    /// Keeps `buffer` for a later [`Pool::take`], emptied.
    pub(crate) fn give(&self, mut buffer: Vec<T>) {
        if buffer.capacity() == 0 {
            return;
        }
        buffer.clear();
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(buffer);
    }

    #[cfg(test)]
    fn free(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

/// The pools of one sliced source, one per kind of piece buffer.
#[derive(Default)]
pub(crate) struct PiecePool {
    pub(crate) f64s: Pool<f64>,
    pub(crate) i32s: Pool<i32>,
    pub(crate) i64s: Pool<i64>,
    /// Row hashes.
    pub(crate) u64s: Pool<u64>,
    /// Cleaned text.
    pub(crate) bytes: Pool<u8>,
    /// Where each text value ends.
    pub(crate) ends: Pool<u32>,
}

#[cfg(test)]
mod tests {
    use super::Pool;

    #[test]
    fn a_buffer_given_back_is_taken_again_empty_when_it_is_large_enough() {
        let pool: Pool<u64> = Pool::default();
        let mut a = pool.take(100);
        assert!(a.capacity() >= 100);
        a.extend([1, 2, 3]);
        let ptr = a.as_ptr();
        pool.give(a);
        assert_eq!(pool.free(), 1);
        // Too small for 1,000 values: a new buffer, the free one stays.
        let big = pool.take(1_000);
        assert!(big.capacity() >= 1_000);
        assert_eq!(pool.free(), 1);
        let again = pool.take(50);
        assert_eq!((again.as_ptr(), again.len()), (ptr, 0));
        assert_eq!(pool.free(), 0);
        // The larger of two free buffers serves a request only it can hold.
        pool.give(again);
        pool.give(big);
        let fits = pool.take(500);
        assert!(fits.capacity() >= 1_000);
        assert_eq!(pool.free(), 1);
    }

    #[test]
    fn buffers_without_room_are_not_kept() {
        let pool: Pool<u8> = Pool::default();
        pool.give(Vec::new());
        assert_eq!(pool.free(), 0);
    }
}
