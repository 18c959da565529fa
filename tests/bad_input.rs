//! Bad input never panics and never hides other results: every malformed,
//! oversized, deeply nested, non-UTF-8 or unreadable file gets one clear
//! finding naming the file and position, and the other files are still
//! linted. Committed cases live in `testdata/parse/`; the large and
//! filesystem-specific ones are generated here.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

fn iamchain(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("iamchain")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run iamchain")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn committed_bad_inputs_each_get_one_finding_and_neighbours_are_still_linted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = iamchain(
        root,
        &[
            "lint",
            "testdata/parse",
            "--format",
            "concise",
            "--no-config",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    expect_test::expect_file!["../testdata/parse/expected.txt"].assert_eq(&stdout(&out));
}

#[test]
fn an_empty_file_named_on_the_command_line_is_reported() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = iamchain(
        root,
        &[
            "lint",
            "testdata/parse/empty.json",
            "--format",
            "concise",
            "--no-config",
        ],
    );
    assert_eq!(
        stdout(&out),
        "testdata/parse/empty.json:1:1: error[invalid-json] empty document\n"
    );
}

#[cfg(unix)]
#[test]
fn generated_hostile_inputs_are_reported_without_hiding_the_rest() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // 10,000-deep nesting inside a policy.
    let deep = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    std::fs::write(d.join("deep.json"), deep).expect("write");
    // A 50 MB policy: many statements, one of them bad.
    let mut big = String::from("{\"Version\": \"2012-10-17\", \"Statement\": [\n");
    let stmt = "  {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::bucket/key\"},\n";
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(stmt);
    }
    big.push_str("  {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}\n]}\n");
    std::fs::write(d.join("big.json"), &big).expect("write");
    // A dangling symlink and a symlink loop.
    symlink(d.join("nowhere.json"), d.join("dangling.json")).expect("symlink");
    std::fs::create_dir(d.join("loop")).expect("mkdir");
    symlink(d.join("loop"), d.join("loop").join("again")).expect("symlink");
    // The neighbour whose finding must survive.
    std::fs::write(
        d.join("neighbour.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}"#,
    )
    .expect("write");

    let out = iamchain(d, &["lint", ".", "--format", "concise", "--no-config"]);
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    // The bad statement is on the second-to-last line.
    let big_line = big.lines().count() - 1;
    let expected = [
        format!("big.json:{big_line}:33: warning[data-read-any-resource] 2 actions on every resource read stored data: s3:GetObject (the objects of every bucket), s3:GetObjectVersion (every version of the objects of every bucket)"),
        format!("big.json:{big_line}:33: error[permissions-management-wildcard] `s3:*` allows 27 permissions-management actions, including s3:PutBucketPolicy, s3:PutBucketAcl, s3:PutObjectAcl, s3:DeleteBucketPolicy, s3:PutBucketPublicAccessBlock…"),
        format!("big.json:{big_line}:33: warning[wildcard-action] `s3:*` allows every action of `s3`, including ones added later"),
        format!("big.json:{big_line}:53: warning[wildcard-resource] `*` lets 91 write actions that could be scoped act on every resource: s3:PutBucketPolicy, s3:PutBucketAcl, s3:PutObjectAcl, s3:DeleteBucketPolicy…"),
        "dangling.json:1:1: error[unreadable-file] cannot read file: no such file (a symbolic link to nothing?)".to_string(),
        // `{"Version": "2012-10-17", "Statement": ` is 39 characters; the object is level 1.
        "deep.json:1:295: error[invalid-json] nesting deeper than 256 levels".to_string(),
        "loop/again:1:1: error[unreadable-file] symbolic link loop: it leads back to ./loop".to_string(),
        "neighbour.json:1:71: error[pass-role-any-resource] `iam:PassRole` allows passing any role to any service".to_string(),
    ];
    assert_eq!(
        lines,
        expected.iter().map(String::as_str).collect::<Vec<_>>()
    );
}
