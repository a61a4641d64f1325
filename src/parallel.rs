//! Work split across the cores: how many threads, and a slice mapped in parts.
//!
//! Built for fuzzing (`cfg(fuzzing)`), everything runs on one thread: libFuzzer's
//! coverage counters are not atomic, so threads racing on them would make a run's
//! coverage vary for the same input (docs/fuzzing.md).

/// How many threads to run `items` tasks on: one per core, at most one per task.
pub(crate) fn workers(items: usize) -> usize {
    if cfg!(fuzzing) {
        return 1;
    }
    // Asked once: the standard library reads the cgroup's quota files on every call,
    // and one `check` asks a dozen times.
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let cores = *CORES.get_or_init(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    cores.min(items)
}

/// `f` on `items` cut into one part per core, the parts' results joined in order: the
/// same as `f(items)` when `f` maps each item on its own. Fewer than `at_least` items
/// (or one core) are not worth the threads and run here.
pub(crate) fn in_parts<T: Sync, R: Send>(
    items: &[T],
    at_least: usize,
    f: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    let cores = workers(usize::MAX);
    if cores < 2 || items.len() < at_least.max(2) {
        return f(items);
    }
    let chunk = items.len().div_ceil(cores);
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || f(part)))
            .collect();
        parts
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(part) => part,
                // A panic on a part is a bug; let it surface as one.
                Err(payload) => std::panic::resume_unwind(payload),
            })
            .collect()
    })
}

/// `f` on each item, item `i` on thread `i % threads`, the results in order: for work
/// whose cost drifts along the slice, where contiguous parts would leave one thread
/// with most of it (a table's early rules are the most overridden, so their regions
/// break into the most boxes). Fewer than `at_least` items run here.
pub(crate) fn map_interleaved<T: Sync, R: Send>(
    items: &[T],
    at_least: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = workers(usize::MAX);
    if threads < 2 || items.len() < at_least.max(2) {
        return items.iter().map(f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|k| scope.spawn(move || items.iter().skip(k).step_by(threads).map(f).collect()))
            .collect();
        let mut parts: Vec<std::vec::IntoIter<R>> = handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(part) => Vec::into_iter(part),
                // A panic on a part is a bug; let it surface as one.
                Err(payload) => std::panic::resume_unwind(payload),
            })
            .collect();
        (0..items.len())
            .filter_map(|i| parts.get_mut(i % threads).and_then(Iterator::next))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn parts_join_in_order() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = super::in_parts(&items, 10, |part| part.iter().map(|x| x * 2).collect());
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        let few = super::in_parts(&items[..3], 10, |part| part.to_vec());
        assert_eq!(few, vec![0, 1, 2]);
    }

    #[test]
    fn interleaved_results_come_in_order() {
        let items: Vec<u32> = (0..1001).collect();
        let doubled = super::map_interleaved(&items, 10, |x| x * 2);
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert_eq!(
            super::map_interleaved(&items[..3], 10, |x| *x),
            vec![0, 1, 2]
        );
    }
}
