//! The `iamchain` binary: everything happens in [`iamchain::cli::run`].

fn main() -> std::process::ExitCode {
    iamchain::cli::run()
}
