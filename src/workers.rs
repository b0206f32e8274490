//! A fixed number of plain threads working through a list in order. Used by the portfolio run
//! (clients) and by ingest (a client's sources).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` applied to every item on `workers` threads, each taking the next item when it is done;
/// the results in the items' order.
///
/// Plain threads rather than a rayon `par_iter`: a rayon worker that waits inside an item's own
/// parallel work (rayon's or polars' pool) takes on other queued tasks meanwhile, such as whole
/// other items, so an item could finish long after its own work was done and the number of
/// items in flight would not be bounded. Each item's inner work still runs on the pools.
pub fn in_order<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, items.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    done.lock().unwrap_or_else(|e| e.into_inner()).push((i, r));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}
