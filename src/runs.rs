//! How long the runs of items handed to one parallel task are.

/// The length of the runs `len` items are cut into: at most `most` (what
/// fits in a core's cache, or what amortises a task), and short enough that
/// every thread gets about four, so that no thread ends alone with the last
/// long run while the others wait (127 principals were two runs of 64 for
/// two threads; 211 export entries one run of 256).
pub fn run_len(len: usize, most: usize) -> usize {
    most.min(len.div_ceil(4 * rayon::current_num_threads()))
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_short_for_few_items_and_capped_for_many() {
        let threads = rayon::current_num_threads();
        assert_eq!(run_len(0, 64), 1);
        assert_eq!(run_len(1, 64), 1);
        assert_eq!(run_len(4 * threads * 10, 64), 10);
        assert_eq!(run_len(1_000_000, 64), 64);
    }
}
