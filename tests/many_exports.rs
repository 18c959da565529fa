//! Many files in one run: with more files than threads, an account
//! export's trees (outside these tests, from tens of megabytes of input
//! on) and any small file's trees are dropped once the file is modelled
//! and its tree-reading rules have run (a template keeps its embedded
//! documents' trees, and is parsed again if a parameter file beside it
//! means instantiating it again).
//! Nothing about the findings may change: duplicate keys are still found,
//! once each, a broken embedded document still says the rest of the file
//! was read, and an ignore that selects by JSON pointer still works.

use std::path::Path;

use assert_cmd::Command;

/// An export of account `account` with one role whose inline policy has a
/// duplicate `Effect` and whose trust is a JSON string that does not parse.
fn export(account: u64) -> String {
    format!(
        r#"{{
  "UserDetailList": [],
  "GroupDetailList": [],
  "RoleDetailList": [
    {{
      "RoleName": "app",
      "Arn": "arn:aws:iam::{account:012}:role/app",
      "AssumeRolePolicyDocument": "{{\"Version\": \"2012-10-17\", \"Statement\": [",
      "RolePolicyList": [
        {{
          "PolicyName": "inline",
          "PolicyDocument": {{
            "Version": "2012-10-17",
            "Statement": [
              {{"Effect": "Deny", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
            ]
          }}
        }}
      ],
      "AttachedManagedPolicies": []
    }}
  ],
  "Policies": []
}}
"#
    )
}

fn lint(dir: &Path, threads: &str, config: Option<&str>) -> Vec<String> {
    let mut cmd = Command::cargo_bin("iamchain").expect("binary");
    // Trees are dropped only from some size of input on: from any here.
    // Small inputs are checked on the main thread alone: here on as many
    // threads as asked.
    cmd.current_dir(dir)
        .env("RAYON_NUM_THREADS", threads)
        .env("IAMCHAIN_ALONE_BELOW", "0")
        .env("IAMCHAIN_DROP_TREES_FROM", "0")
        .args(["lint", ".", "--format", "json"]);
    match config {
        Some(c) => {
            std::fs::write(dir.join(".iamchain.yaml"), c).expect("config");
        }
        None => {
            cmd.arg("--no-config");
        }
    }
    let out = cmd.output().expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{} {} {} | {}",
                f["location"]["path"].as_str().unwrap_or_default(),
                f["location"]["line"],
                f["location"]["column"],
                f["rule"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default(),
                f["help"].as_str().unwrap_or_default(),
            )
        })
        .collect()
}

/// The findings on `dir` with one thread (more files than threads: trees
/// dropped), checked to be those with 32 (fewer: trees kept).
fn dropped_as_kept(dir: &Path) -> Vec<String> {
    let dropped = lint(dir, "1", None);
    let kept = lint(dir, "32", None);
    assert_eq!(dropped, kept);
    dropped
}

/// How many of `findings` are of `rule`.
fn count(findings: &[String], rule: &str) -> usize {
    findings
        .iter()
        .filter(|f| f.contains(&format!(" {rule} ")))
        .count()
}

fn exports(n: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for a in 0..n {
        std::fs::write(
            dir.path().join(format!("{a}.authorization-details.json")),
            export(100_000_000_000 + a),
        )
        .expect("write");
    }
    dir
}

#[test]
fn dropping_trees_changes_no_finding() {
    let dir = exports(5);
    let dropped = dropped_as_kept(dir.path());
    assert_eq!(count(&dropped, "duplicate-key"), 5, "{dropped:#?}");
    let broken: Vec<&String> = dropped
        .iter()
        .filter(|f| f.contains(" invalid-json "))
        .collect();
    assert_eq!(broken.len(), 5, "{dropped:#?}");
    assert!(
        broken
            .iter()
            .all(|f| f.ends_with("the rest of the file was analysed")),
        "{broken:#?}"
    );
}

#[test]
fn small_files_drop_their_trees_and_change_no_finding() {
    // `duplicate-key`'s own cases: policy files, `get-role` output with a
    // duplicate inside its embedded trust policy, and a YAML template
    // (which keeps its trees) — as many findings as its expected files say.
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules/duplicate-key");
    let mut expected = 0;
    for side in ["bad", "good"] {
        for entry in std::fs::read_dir(cases.join(side)).expect("cases") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .to_string();
            if name.ends_with(".expected") {
                let text = std::fs::read_to_string(&path).expect("expected");
                expected += text.matches("error[duplicate-key]").count();
            } else {
                std::fs::copy(&path, dir.path().join(format!("{side}-{name}"))).expect("copy");
            }
        }
    }
    assert!(expected >= 6, "{expected}");
    let dropped = dropped_as_kept(dir.path());
    assert_eq!(count(&dropped, "duplicate-key"), expected, "{dropped:#?}");
}

#[test]
fn a_template_instantiated_again_with_its_parameter_file_is_parsed_again() {
    // The template's tree is dropped once it is modelled with its default
    // (an account); the parameter file beside it, read after, gives `*`,
    // and only the template's tree instantiated again says so.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("launcher.yaml"),
        "Parameters:\n  Target:\n    Type: String\n    Default: '333333333333'\nResources:\n  Launcher:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal: {Service: ec2.amazonaws.com}\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: assume-deploy\n          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n              - Effect: Allow\n                Action: sts:AssumeRole\n                Resource: !Sub arn:aws:iam::${Target}:role/Deploy\n",
    )
    .expect("template");
    std::fs::write(
        dir.path().join("launcher.parameters.json"),
        r#"[{"ParameterKey": "Target", "ParameterValue": "*"}]"#,
    )
    .expect("parameters");
    // A second IAM file: more files than the one thread.
    std::fs::write(
        dir.path().join("other.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}]}"#,
    )
    .expect("policy");
    let dropped = dropped_as_kept(dir.path());
    assert!(
        count(&dropped, "assume-role-any-resource") > 0,
        "{dropped:#?}"
    );
}

#[test]
fn an_ignore_by_pointer_keeps_the_trees_it_needs() {
    let dir = exports(5);
    let config = "ignore:\n  - rule: duplicate-key\n    pointer: /RoleDetailList/0/RolePolicyList\n    reason: test\n";
    let findings = lint(dir.path(), "1", Some(config));
    assert!(
        !findings.iter().any(|f| f.contains(" duplicate-key ")),
        "{findings:#?}"
    );
    assert!(
        !findings.iter().any(|f| f.contains("unused-suppression")),
        "{findings:#?}"
    );
    // The other findings are still there.
    assert!(
        findings.iter().any(|f| f.contains(" invalid-json ")),
        "{findings:#?}"
    );
}
