//! The "parse only" floor for benches/compare-peers: read every `.json`,
//! `.yaml` and `.yml` file under the given paths and parse it into a value
//! tree — JSON into a `serde_json::Value`, YAML into a `saphyr::Yaml` (from
//! a string input, the parser's fastest) — on all cores like iamchain.
//! With `--events`, YAML is only run through saphyr-parser's event stream
//! (no tree: lower than any YAML tool that reads the values can reach).
//! Prints the number of files and bytes; time it from outside.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            collect(&p, out);
        }
    } else if matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("json" | "yaml" | "yml")
    ) {
        out.push(path.to_path_buf());
    }
}

fn parse(path: &Path, events_only: bool) -> usize {
    let Ok(bytes) = std::fs::read(path) else {
        return 0;
    };
    if path.extension().and_then(|e| e.to_str()) == Some("json") {
        let v: Result<serde_json::Value, _> = serde_json::from_slice(&bytes);
        std::hint::black_box(v.is_ok());
    } else if let Ok(text) = std::str::from_utf8(&bytes) {
        let mut parser = saphyr_parser::Parser::new_from_str(text);
        if events_only {
            while let Some(Ok(ev)) = parser.next_event() {
                std::hint::black_box(&ev);
            }
        } else {
            use saphyr::LoadableYamlNode;
            let docs = saphyr::Yaml::load_from_parser(&mut parser);
            std::hint::black_box(docs.is_ok());
        }
    }
    bytes.len()
}

fn main() {
    let mut files = Vec::new();
    let mut events_only = false;
    for arg in std::env::args_os().skip(1) {
        if arg == "--events" {
            events_only = true;
            continue;
        }
        collect(Path::new(&arg), &mut files);
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let bytes: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut total = 0;
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(f) = files.get(i) else { break total };
                        total += parse(f, events_only);
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    println!("{} files, {} bytes", files.len(), bytes);
}
