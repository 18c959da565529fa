//! Writes every AWS managed policy of the embedded catalog (the default
//! version's document, as the published dataset has it) to `DIR/<name>.json`:
//! the folder `benches/compare-peers` times parliament and iamchain on, the
//! 1,500-odd policies the scale figure for parliament is about.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: managed-policies DIR");
        return ExitCode::from(2);
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut n = 0;
    for p in iamchain::catalog::managed_policies() {
        let path = dir.join(format!("{}.json", p.name));
        if let Err(e) = std::fs::write(&path, p.document) {
            eprintln!("{}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        n += 1;
    }
    println!("{n} policies in {}", dir.display());
    ExitCode::SUCCESS
}
