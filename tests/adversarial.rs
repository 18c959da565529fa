//! The adversarial suite: hostile inputs generated at test time into
//! temporary directories (nothing large is committed). Each scenario puts
//! the hostile file beside a good policy with a known finding and checks
//! that iamchain
//!
//! - finishes quickly, with a clear message on the hostile file;
//! - stays in bounded memory: the child's peak RSS is measured with
//!   `/usr/bin/time -f %M` when it exists, else by polling the child's
//!   `/proc/<pid>/status` `VmHWM` (a lower bound; the method is printed);
//! - reports the neighbouring file's finding exactly as when it is alone.
//!
//! Unreadable files: the tests often run as root, for whom `chmod 000` does
//! not stop reads. As root the permission case runs iamchain as `nobody`
//! through `setpriv` (util-linux), so the kernel really refuses the read;
//! when neither is possible the test fails loudly rather than skip.
#![cfg(unix)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Peak memory allowed for any scenario (the binary is a debug build here).
const MAX_RSS_KB: u64 = 256 * 1024;
/// Wall time allowed for any scenario (debug build, shared 2-core machine).
const MAX_SECS: u64 = 60;

const NEIGHBOUR: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]
}
"#;
const NEIGHBOUR_FINDING: &str = "good/neighbour.json:3:47: error[pass-role-any-resource] `iam:PassRole` allows passing any role to any service";

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    rss_kb: u64,
    elapsed: Duration,
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_iamchain"))
}

/// Run `iamchain lint --format concise --no-config ARGS` in `dir`, through
/// `prefix` (e.g. `setpriv …`), measuring time and peak RSS.
fn lint_with(prefix: &[&str], dir: &Path, args: &[&str]) -> Outcome {
    let time = Path::new("/usr/bin/time");
    let rss_file = dir.join(".rss");
    let mut argv: Vec<String> = Vec::new();
    let use_time = time.exists();
    if use_time {
        argv.extend([
            "/usr/bin/time".into(),
            "-f".into(),
            "%M".into(),
            "-o".into(),
        ]);
        argv.push(rss_file.display().to_string());
    }
    argv.extend(prefix.iter().map(|s| s.to_string()));
    argv.push(bin().display().to_string());
    argv.extend(
        [
            "lint",
            "--format",
            "concise",
            "--no-config",
            "--color",
            "never",
        ]
        .map(String::from),
    );
    argv.extend(args.iter().map(|s| s.to_string()));
    let start = Instant::now();
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn iamchain");
    let mut polled = 0u64;
    if !use_time {
        // Poll VmHWM until the child exits (the output pipes are small here).
        let status = format!("/proc/{}/status", child.id());
        while child.try_wait().expect("wait").is_none() {
            if let Ok(s) = fs::read_to_string(&status)
                && let Some(line) = s.lines().find(|l| l.starts_with("VmHWM:"))
            {
                let kb = line
                    .split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                polled = polled.max(kb);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    let out = child.wait_with_output().expect("wait for iamchain");
    let elapsed = start.elapsed();
    let rss_kb = if use_time {
        fs::read_to_string(&rss_file)
            .ok()
            .and_then(|s| s.lines().last().and_then(|l| l.trim().parse().ok()))
            .expect("/usr/bin/time wrote the peak RSS")
    } else {
        polled
    };
    let _ = fs::remove_file(&rss_file);
    let o = Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        rss_kb,
        elapsed,
    };
    eprintln!(
        "  {:?}: exit {:?}, {:.2} s, peak RSS {} KiB ({})",
        args,
        o.code,
        o.elapsed.as_secs_f64(),
        o.rss_kb,
        if use_time {
            "/usr/bin/time"
        } else {
            "polled /proc VmHWM"
        }
    );
    assert!(
        o.elapsed < Duration::from_secs(MAX_SECS),
        "took {:?}",
        o.elapsed
    );
    assert!(o.rss_kb < MAX_RSS_KB, "peak RSS {} KiB", o.rss_kb);
    o
}

fn lint(dir: &Path, args: &[&str]) -> Outcome {
    lint_with(&[], dir, args)
}

/// A scratch directory holding `good/neighbour.json`.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("good")).expect("mkdir");
    fs::write(dir.path().join("good/neighbour.json"), NEIGHBOUR).expect("write");
    dir
}

/// Lint the whole scratch directory: exactly `expected` lines for the
/// hostile files, plus the neighbour's finding unchanged.
fn check_dir(dir: &Path, expected: &[&str]) -> Outcome {
    let o = lint(dir, &["."]);
    assert_eq!(o.code, Some(1), "stderr: {}", o.stderr);
    let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    want.push(NEIGHBOUR_FINDING.to_string());
    want.sort();
    let mut got: Vec<String> = o.stdout.lines().map(str::to_string).collect();
    got.sort();
    assert_eq!(got, want, "stderr: {}", o.stderr);
    o
}

#[test]
fn the_neighbour_alone() {
    let dir = scratch();
    check_dir(dir.path(), &[]);
}

#[test]
fn yaml_alias_bomb_is_cut_off() {
    let dir = scratch();
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    bomb.push_str("Statement: *i\n");
    fs::write(dir.path().join("bomb.yaml"), &bomb).expect("write");
    // A quadratic variant: one alias used a million times in one sequence.
    let wide = format!(
        "big: &big [{}]\nStatement: [{}]\n",
        vec!["\"s3:GetObject\""; 1000].join(","),
        vec!["*big"; 1000].join(",")
    );
    fs::write(dir.path().join("wide.yaml"), wide).expect("write");
    check_dir(
        dir.path(),
        &[
            "bomb.yaml:5:8: error[invalid-yaml] alias expansion exceeds 10000 nodes (an alias bomb?)",
            "wide.yaml:2:58: error[invalid-yaml] alias expansion exceeds 10000 nodes (an alias bomb?)",
        ],
    );
}

#[test]
fn a_1_gib_file_is_refused_quickly_without_reading_it() {
    let dir = scratch();
    // Sparse: 1 GiB long, no blocks written, so the test is quick.
    let f = fs::File::create(dir.path().join("huge.json")).expect("create");
    f.set_len(1 << 30).expect("set_len");
    drop(f);
    let o = check_dir(
        dir.path(),
        &[
            "huge.json:1:1: error[unreadable-file] file is 1024 MiB, larger than the 512 MiB iamchain reads",
        ],
    );
    // Refused from its size alone: far less memory than the file.
    assert!(o.rss_kb < 64 * 1024, "peak RSS {} KiB", o.rss_kb);
    // Named on the command line it is refused the same way.
    let o = lint(dir.path(), &["huge.json"]);
    assert_eq!(o.code, Some(1));
    assert!(
        o.stdout.contains("larger than the 512 MiB iamchain reads"),
        "{}",
        o.stdout
    );
}

#[test]
fn a_file_just_under_the_limit_is_read_in_bounded_memory() {
    // 64 MiB of whitespace around a small policy: read, parsed, one finding.
    let dir = scratch();
    let mut f = fs::File::create(dir.path().join("padded.json")).expect("create");
    let pad = vec![b' '; 1 << 20];
    for _ in 0..64 {
        f.write_all(&pad).expect("write");
    }
    f.write_all(NEIGHBOUR.as_bytes()).expect("write");
    drop(f);
    let o = check_dir(
        dir.path(),
        &[
            "padded.json:3:47: error[pass-role-any-resource] `iam:PassRole` allows passing any role to any service",
        ],
    );
    eprintln!("  64 MiB file: peak RSS {} KiB", o.rss_kb);
}

#[test]
fn nesting_100000_deep_is_refused_in_json_and_yaml() {
    let dir = scratch();
    let n = 100_000;
    let d = dir.path();
    fs::write(
        d.join("deep.json"),
        format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": {}{}}}",
            "[".repeat(n),
            "]".repeat(n)
        ),
    )
    .expect("write");
    fs::write(
        d.join("deep-flow.yaml"),
        format!(
            "Version: \"2012-10-17\"\nStatement: {}{}\n",
            "[".repeat(n),
            "]".repeat(n)
        ),
    )
    .expect("write");
    fs::write(
        d.join("deep-map.yaml"),
        format!("Statement: {}x{}\n", "{a: ".repeat(n), "}".repeat(n)),
    )
    .expect("write");
    // Block style: `- - - … x` nests one sequence per dash on one line.
    fs::write(
        d.join("deep-block.yaml"),
        format!("Version: \"2012-10-17\"\nStatement:\n{}x\n", "- ".repeat(n)),
    )
    .expect("write");
    check_dir(
        d,
        &[
            "deep.json:1:295: error[invalid-json] nesting deeper than 256 levels",
            "deep-flow.yaml:2:267: error[invalid-yaml] nesting too deep (more than 255 flow levels)",
            "deep-map.yaml:1:1032: error[invalid-yaml] nesting too deep (more than 255 flow levels)",
            "deep-block.yaml:3:511: error[invalid-yaml] nesting deeper than 256 levels",
        ],
    );
}

#[test]
fn nul_bytes_boms_crlf_and_invalid_utf8() {
    let dir = scratch();
    let d = dir.path();
    // NUL inside a string and after the document.
    fs::write(
        d.join("nul.json"),
        b"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:Get\x00Object\", \"Resource\": \"*\"}]}\x00\n",
    )
    .expect("write");
    fs::write(
        d.join("nul-after.json"),
        format!("{}\0", NEIGHBOUR.trim_end()),
    )
    .expect("write");
    // A UTF-8 BOM, and CRLF line ends: the finding sits where it does without them.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(NEIGHBOUR.as_bytes());
    fs::write(d.join("bom.json"), bom).expect("write");
    fs::write(d.join("crlf.json"), NEIGHBOUR.replace('\n', "\r\n")).expect("write");
    fs::write(d.join("crlf.yaml"), "Version: \"2012-10-17\"\r\nStatement:\r\n  - Effect: Allow\r\n    Action: iam:PassRole\r\n    Resource: \"*\"\r\n").expect("write");
    // Invalid UTF-8 in a string, and UTF-16 with its BOM.
    fs::write(
        d.join("latin1.json"),
        b"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:\xFFGet\", \"Resource\": \"*\"}]}",
    )
    .expect("write");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(NEIGHBOUR.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    fs::write(d.join("utf16.json"), &utf16).expect("write");
    check_dir(
        d,
        &[
            "nul.json:1:78: error[invalid-json] control character in string",
            "nul-after.json:4:2: error[invalid-json] trailing characters after the document",
            "bom.json:3:47: error[pass-role-any-resource] `iam:PassRole` allows passing any role to any service",
            "crlf.json:3:47: error[pass-role-any-resource] `iam:PassRole` allows passing any role to any service",
            "crlf.yaml:4:13: error[pass-role-any-resource] `iam:PassRole` allows passing any role to any service",
            "latin1.json:1:75: error[unreadable-file] file is not valid UTF-8 (invalid byte at offset 74)",
            "utf16.json:1:1: error[unreadable-file] file is UTF-16; iamchain reads UTF-8 (convert it, e.g. `iconv -f UTF-16 -t UTF-8`)",
        ],
    );
    // UTF-16 is recognised when found by walking (above) and when named.
    let o = lint(d, &["utf16.json", "good/neighbour.json"]);
    assert_eq!(
        o.stdout,
        format!(
            "{NEIGHBOUR_FINDING}\nutf16.json:1:1: error[unreadable-file] file is UTF-16; iamchain reads UTF-8 (convert it, e.g. `iconv -f UTF-16 -t UTF-8`)\n"
        )
    );
}

fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn an_unreadable_file_is_reported_even_as_root() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch();
    let d = dir.path();
    fs::write(d.join("secret.json"), NEIGHBOUR).expect("write");
    fs::set_permissions(d.join("secret.json"), fs::Permissions::from_mode(0o000)).expect("chmod");
    let expected = "secret.json:1:1: error[unreadable-file] cannot read file: permission denied";
    let o = if is_root() {
        // Root reads mode-000 files; drop to `nobody` so the kernel refuses.
        assert!(
            Path::new("/usr/bin/setpriv").exists(),
            "running as root without setpriv: cannot make a file unreadable"
        );
        for p in [d.to_path_buf(), d.join("good")] {
            fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        fs::set_permissions(
            d.join("good/neighbour.json"),
            fs::Permissions::from_mode(0o644),
        )
        .expect("chmod");
        // The binary must be reachable by nobody too.
        let exe = d.join("iamchain");
        fs::copy(bin(), &exe).expect("copy binary");
        fs::set_permissions(&exe, fs::Permissions::from_mode(0o755)).expect("chmod");
        let o = Command::new("/usr/bin/setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&exe)
            .args(["lint", "--format", "concise", "--no-config", "."])
            .current_dir(d)
            .output()
            .expect("setpriv");
        eprintln!("  ran as nobody through setpriv");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    } else {
        let o = lint(d, &["."]);
        (o.code, o.stdout)
    };
    assert_eq!(o.0, Some(1));
    let mut got: Vec<&str> = o.1.lines().collect();
    got.sort();
    assert_eq!(got, vec![NEIGHBOUR_FINDING, expected]);
}

#[test]
fn fifos_and_directories_named_like_policies_do_not_hang_or_hide_the_rest() {
    let dir = scratch();
    let d = dir.path();
    let status = Command::new("mkfifo")
        .arg(d.join("pipe.json"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    fs::create_dir(d.join("folder.json")).expect("mkdir");
    // A FIFO found by walking is not a regular file: skipped, never opened
    // (opening it would block forever with no writer).
    check_dir(d, &[]);
}

#[test]
fn symlink_loops_are_reported() {
    use std::os::unix::fs::symlink;
    let dir = scratch();
    let d = dir.path();
    symlink("self.json", d.join("self.json")).expect("symlink");
    symlink("b.json", d.join("a.json")).expect("symlink");
    symlink("a.json", d.join("b.json")).expect("symlink");
    fs::create_dir(d.join("sub")).expect("mkdir");
    symlink("..", d.join("sub/up")).expect("symlink");
    let o = lint(d, &["."]);
    assert_eq!(o.code, Some(1), "stderr: {}", o.stderr);
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert!(lines.contains(&NEIGHBOUR_FINDING), "{}", o.stdout);
    for name in ["self.json", "a.json", "b.json"] {
        assert!(
            lines.iter().any(
                |l| l.starts_with(&format!("{name}:1:1: error[unreadable-file]"))
                    && l.contains("too many levels of symbolic links")
            ),
            "no loop finding on {name}: {}",
            o.stdout
        );
    }
    assert!(
        lines
            .contains(&"sub/up:1:1: error[unreadable-file] symbolic link loop: it leads back to ."),
        "{}",
        o.stdout
    );
    // The directory loop does not make the neighbour be read twice.
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("neighbour.json"))
            .count(),
        1
    );
    assert_eq!(lines.len(), 5, "{}", o.stdout);
}

#[test]
fn a_directory_of_100000_empty_json_files() {
    let dir = scratch();
    let many = dir.path().join("many");
    fs::create_dir(&many).expect("mkdir");
    for i in 0..100_000 {
        fs::File::create(many.join(format!("{i}.json"))).expect("create");
    }
    // Walked, they hold no IAM input: no findings, and quickly.
    let o = check_dir(dir.path(), &[]);
    assert!(o.elapsed < Duration::from_secs(30), "took {:?}", o.elapsed);
}
