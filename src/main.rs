//! The `iamchain` binary: everything happens in [`iamchain::cli::run`].

/// mimalloc 2.x, with transparent huge pages where the kernel offers them
/// (for large runs: see `threads`): a run builds its models and findings
/// in fresh memory, and the C library's allocator faulting that in a page
/// at a time (7,300 faults for the AWS managed policies) was a tenth of
/// the CPU time. Against it, by alternating runs in one hour: the managed
/// policies 85.5 → 66.7 ms, 1,000 templates 59.9 → 51.7, the 1k-role
/// export 65.1 → 47.2. Without huge pages the large runs gained a third
/// as much; mimalloc 3.x was as fast on large runs, slower on small ones
/// and took a third more memory (67 against 49 MB on the managed
/// policies). The library (`iamchain::…`) leaves the choice of allocator
/// to the program that links it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    iamchain::cli::run()
}
