//! The `iamchain` binary: everything happens in [`iamchain::cli::run`].

/// mimalloc 2.x, with its default of transparent huge pages where the
/// kernel offers them: a run builds its models and findings in fresh
/// memory, and with the C library's allocator faulting that in a page at
/// a time (7,300 faults for the AWS managed policies) was a tenth of the
/// CPU time. By alternating runs: the managed policies 75.9 → 63.4 ms,
/// 1,000 templates 53.4 → 46.8, the 10k-role export 631 → 465 ms (peak
/// 301 → 317 MB), the corpus policy files 10.2 → 9.9 ms. A small run
/// gets no huge pages (`threads` turns them on for large runs only):
/// zeroing its first ones made one small file 3.3 → 3.7 ms. Without
/// huge pages (`no_thp`) the large runs gained a third as much; mimalloc
/// 3.x was as fast on large runs, slower on small ones and took a third
/// more memory (67 against 49 MB on the managed policies). The library
/// (`iamchain::…`) leaves the choice to the program that links it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    iamchain::cli::run()
}
