//! No surprises: iamchain never writes a file it was not asked to write,
//! never opens a network socket, and never puts policy contents anywhere but
//! its output on stdout. (One peer writes every scanned policy to a fixed
//! temporary log file.)
//!
//! Two mechanisms, both real:
//!
//! 1. `strace -f` records every `openat`/`open`/`creat`, rename, unlink,
//!    mkdir, network and write system call of iamchain and its threads. No
//!    open may ask for writing or creation, no file may be created, renamed,
//!    removed or made, no network call may happen at all, and every write
//!    that carries a canary string planted in the policies goes to fd 1.
//!    strace is in the CI image (`apt-get install strace`); where ptrace is
//!    not allowed the test says so and relies on the second mechanism.
//! 2. Always: iamchain runs with a fresh empty `HOME` and `TMPDIR`, and the
//!    recursive listings (path, size, modification time) of those and of the
//!    linted tree are compared before and after; the canary must not appear
//!    in any file there.
#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const CANARY: &str = "Canary7f3a9e2bXq";

fn listing(root: &Path) -> BTreeMap<PathBuf, (u64, Option<std::time::SystemTime>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).expect("read_dir").flatten() {
            let p = e.path();
            let m = fs::symlink_metadata(&p).expect("metadata");
            if m.is_dir() {
                stack.push(p.clone());
            }
            out.insert(p, (m.len(), m.modified().ok()));
        }
    }
    out
}

/// A tree with identity, trust and CloudFormation-like inputs and a config,
/// each holding the canary.
fn tree(root: &Path) -> PathBuf {
    let repo = root.join("repo");
    fs::create_dir_all(repo.join("roles/deploy")).expect("mkdir");
    fs::write(
        repo.join("roles/deploy/permissions.json"),
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "{CANARY}", "Effect": "Allow", "Action": ["iam:PassRole", "s3:*"], "Resource": "*"}}]}}"#
        ),
    )
    .expect("write");
    fs::write(
        repo.join("roles/deploy/trust-policy.json"),
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "{CANARY}", "Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole"}}]}}"#
        ),
    )
    .expect("write");
    fs::write(
        repo.join("bucket.yaml"),
        format!("Version: '2012-10-17'\nStatement:\n  - Sid: {CANARY}\n    Effect: Allow\n    Principal: '*'\n    Action: s3:GetObject\n    Resource: arn:aws:s3:::b/*\n"),
    )
    .expect("write");
    fs::write(
        repo.join("broken.json"),
        format!("{{\"Statement\": [\"{CANARY}\""),
    )
    .expect("write");
    fs::write(
        repo.join(".iamchain.yaml"),
        format!("rules:\n  severity: {{wildcard-action: error}}\nignore:\n  - rule: policy-version\n    path: \"nothing/**\"\n    reason: {CANARY}\n"),
    )
    .expect("write");
    repo
}

fn strace_works() -> bool {
    Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

fn run(
    root: &Path,
    repo: &Path,
    home: &Path,
    tmp: &Path,
    args: &[&str],
    trace: Option<&Path>,
) -> String {
    let bin = env!("CARGO_BIN_EXE_iamchain");
    let mut cmd = match trace {
        Some(log) => {
            let mut c = Command::new("strace");
            c.args([
                "-f",
                "-qq",
                "-s",
                "65536",
                "-e",
                "trace=network,openat,open,creat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,unlink,unlinkat,mkdir,mkdirat,rmdir,truncate,write,writev,pwrite64,pwritev,pwritev2,sendfile,splice",
                "-o",
            ])
            .arg(log)
            .arg(bin);
            c
        }
        None => Command::new(bin),
    };
    let out = cmd
        .arg("lint")
        .args(args)
        .arg(repo)
        .current_dir(root)
        .env_clear()
        .env("HOME", home)
        .env("TMPDIR", tmp)
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("run iamchain");
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains(CANARY),
        "policy contents on stderr"
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Check the trace; return whether the canary went to stdout.
fn check_trace(log: &Path) -> bool {
    let text = fs::read_to_string(log).expect("strace log");
    let mut canary_on_stdout = false;
    for line in text.lines() {
        // `PID syscall(args) = result`; strip the pid.
        let call = line
            .split_once(' ')
            .map_or(line, |(_, rest)| rest)
            .trim_start();
        let name = call.split('(').next().unwrap_or("");
        match name {
            "openat" | "open" => {
                for flag in ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"] {
                    assert!(!call.contains(flag), "opened for writing: {line}");
                }
            }
            "write" | "writev" | "pwrite64" | "pwritev" | "pwritev2" => {
                let fd = call[name.len() + 1..]
                    .split([',', ')'])
                    .next()
                    .unwrap_or("")
                    .trim();
                assert!(
                    fd == "1" || fd == "2",
                    "write to fd {fd} (not stdout/stderr): {line}"
                );
                if call.contains(CANARY) {
                    assert_eq!(fd, "1", "policy contents written to fd {fd}: {line}");
                    canary_on_stdout = true;
                }
            }
            "" | "+++" | "---" => {}
            _ if call.starts_with("<...") || call.starts_with("+++") || call.starts_with("---") => {
            }
            // A worker thread that the process's exit ended inside a
            // system call: strace can no longer name the call.
            "???" if line.contains("<detached ...>") => {}
            other => panic!("unexpected system call `{other}`: {line}"),
        }
    }
    canary_on_stdout
}

#[test]
fn iamchain_writes_only_its_output_and_never_touches_the_network() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let repo = tree(root);
    let home = root.join("home");
    let tmp = root.join("tmp");
    fs::create_dir(&home).expect("mkdir");
    fs::create_dir(&tmp).expect("mkdir");
    let before = listing(root);
    let traced = strace_works();
    if !traced {
        eprintln!(
            "strace cannot trace here (missing, or ptrace not allowed): only the file-listing check runs"
        );
    }
    let trace = root.join("strace.log");
    for args in [
        vec!["--format", "json", "--no-config"],
        vec!["--format", "text", "--color", "always", "--no-config"],
        vec!["--format", "concise"],
    ] {
        let args = if args.contains(&"--no-config") {
            args
        } else {
            // Read the config that carries the canary too.
            vec!["--format", "concise", "--config", "repo/.iamchain.yaml"]
        };
        let stdout = run(
            root,
            &repo,
            &home,
            &tmp,
            &args,
            traced.then_some(trace.as_path()),
        );
        assert!(stdout.contains("pass-role-any-resource"), "{stdout}");
        if traced {
            // The trace must see what stdout shows (text output quotes the
            // policy lines; JSON only the messages).
            assert_eq!(check_trace(&trace), stdout.contains(CANARY), "{stdout}");
            fs::remove_file(&trace).expect("remove trace");
        }
    }
    // Nothing appeared, vanished or changed under HOME, TMPDIR or the tree.
    let after = listing(root);
    assert_eq!(before, after, "files changed during the run");
    assert!(listing(&home).is_empty() && listing(&tmp).is_empty());
    for (path, _) in after {
        if path.is_file() && !path.starts_with(&repo) {
            let text = fs::read(&path).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&text).contains(CANARY),
                "policy contents in {}",
                path.display()
            );
        }
    }
}
