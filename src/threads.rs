//! The threads a run works on.
//!
//! A small run (a pre-commit hook's few files, a folder of a few hundred
//! small policies) works on the main thread alone: its parallel iterators
//! run in turn there. Starting a second thread cost it more than the
//! thread gave back: the thread's start and its own heap (the allocator
//! gives each thread its memory, first touched as a huge page to zero),
//! 0.6–0.9 ms, on runs of 4–12 ms, by alternating runs with one thread and
//! with two. A larger run works on [`wide`]: one thread per core (or
//! `RAYON_NUM_THREADS`), started when the run finds it is large, while the
//! main thread waits.
//!
//! Transparent huge pages follow the same line, on Linux: a large run's
//! fresh memory is cheaper to fault in 2 MB at a time (the allocator asks
//! for them), but each is zeroed whole on first touch, and a small run
//! touches only a few hundred kilobytes. So the process starts with them
//! off, and [`wide`] turns them on.

use std::sync::OnceLock;

/// Makes the calling (main) thread rayon's global pool, alone: parallel
/// iterators outside [`wide`] run on it, one item after another. Turns
/// huge pages off until [`wide`] starts its pool. Call it
/// before anything uses rayon; afterwards (or called again) it does
/// nothing. Without it (the library used by other programs, the tests),
/// the global pool is rayon's default of one thread per core.
pub fn init() {
    huge_pages(false);
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global();
}

/// Runs `f` on one thread per core, the caller waiting for it. The pool
/// is started on first use and kept for the process; `f` running on it
/// already (a large file read inside a large run) runs in place. If no
/// thread can be started, `f` runs on the caller's.
pub fn wide<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static WIDE: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    let pool = WIDE.get_or_init(|| {
        huge_pages(true);
        rayon::ThreadPoolBuilder::new().build().ok()
    });
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// Whether memory faulted in from now on may come as transparent huge
/// pages (where the kernel offers them and the allocator asks). Only a
/// cost or a saving, so a refusal is ignored.
fn huge_pages(on: bool) {
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(!on);
    #[cfg(not(target_os = "linux"))]
    let _ = on;
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn wide_runs_on_its_pool_and_in_place_when_nested() {
        let outer = wide(|| {
            let pool = rayon::current_thread_index().is_some();
            let sum: u64 = (0..1_000u64).into_par_iter().sum();
            // Nested: the same pool, no deadlock, the same answer.
            let inner = wide(|| (0..1_000u64).into_par_iter().sum::<u64>());
            (pool, sum, inner)
        });
        assert_eq!(outer, (true, 499_500, 499_500));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_turned_off_and_on_for_the_process() {
        let before = nix::sys::prctl::get_thp_disable().expect("prctl");
        huge_pages(false);
        assert_eq!(nix::sys::prctl::get_thp_disable(), Ok(true));
        huge_pages(true);
        assert_eq!(nix::sys::prctl::get_thp_disable(), Ok(false));
        huge_pages(!before);
    }
}
