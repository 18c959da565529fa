//! The command line as users run it: subcommands, every output format on
//! one mixed tree (expected output beside it in `testdata/output/`), and the
//! exit codes the README promises.

use std::path::Path;

use assert_cmd::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn iamchain(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("iamchain")
        .expect("binary")
        .current_dir(root())
        .args(args)
        .output()
        .expect("run")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_format_renders_the_mixed_tree() {
    for (format, file) in [("text", "text"), ("concise", "concise"), ("json", "json")] {
        let out = iamchain(&[
            "lint",
            "testdata/output/mixed",
            "--format",
            format,
            "--no-config",
            "--color",
            "never",
        ]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: {}",
            text(&out.stderr)
        );
        let path = root().join(format!("testdata/output/mixed.{file}.expected"));
        expect_test::expect_file![path].assert_eq(&text(&out.stdout));
    }
}

#[test]
fn json_output_follows_the_version_1_schema() {
    let out = iamchain(&[
        "lint",
        "testdata/output/mixed",
        "--format",
        "json",
        "--no-config",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["version"], 1);
    let findings = v["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    for f in findings {
        for key in ["rule", "severity", "message", "help", "location", "related"] {
            assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
        }
        let loc = &f["location"];
        for key in ["path", "line", "column", "end_line", "end_column"] {
            assert!(loc.get(key).is_some(), "location lacks {key}");
        }
        assert!(
            !loc["path"].as_str().unwrap_or("/").starts_with('/'),
            "paths are relative"
        );
    }
    assert_eq!(
        v["summary"]["findings"].as_u64(),
        Some(findings.len() as u64)
    );
}

#[test]
fn exit_codes_follow_fail_on() {
    let clean = iamchain(&[
        "lint",
        "testdata/scenarios/octopus-multi-account/prod-333333333333",
        "--no-config",
    ]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));
    let warnings_only = "testdata/scenarios/octopus-multi-account/dev-111111111111/OctoLauncherRole/irsa-trust-policy.json";
    assert_eq!(
        iamchain(&["lint", warnings_only, "--no-config"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        iamchain(&["lint", warnings_only, "--no-config", "--fail-on", "error"])
            .status
            .code(),
        Some(0)
    );
    let missing = iamchain(&["lint", "does/not/exist", "--no-config"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("does/not/exist"));
    assert_eq!(
        iamchain(&["lint", "--format", "nonsense"]).status.code(),
        Some(2)
    );
}

#[test]
fn rules_lists_the_catalogue_and_explain_prints_a_page() {
    let out = iamchain(&["rules"]);
    assert_eq!(out.status.code(), Some(0));
    let listing = text(&out.stdout);
    assert!(listing.lines().any(|l| l.starts_with("wildcard-action ")));
    assert!(
        listing
            .lines()
            .any(|l| l.starts_with("trust-any-principal "))
    );
    let page = iamchain(&["explain", "wildcard-action"]);
    assert_eq!(page.status.code(), Some(0));
    assert!(text(&page.stdout).contains("# wildcard-action"));
    let unknown = iamchain(&["explain", "no-such-rule"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn version_names_the_tool() {
    let out = iamchain(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with("iamchain "));
}

fn iamchain_in(dir: &str, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("iamchain")
        .expect("binary")
        .current_dir(root().join(dir))
        .args(args)
        .output()
        .expect("run")
}

#[test]
fn config_found_upward_applies_rules_severity_and_targeted_ignores() {
    // Run from a subdirectory: the config two levels up is found.
    let out = iamchain_in(
        "testdata/config/ignores/roles",
        &["lint", ".", "--format", "concise"],
    );
    assert_eq!(
        text(&out.stdout),
        "app-permissions.json:5:52: error[wildcard-action] `cloudformation:*` allows every action of `cloudformation`, including ones added later\n\
         app-trust-policy.json:3:46: warning[trust-account-root] every principal of account 222222222222 whose IAM policies allow `sts:AssumeRole` may assume this role\n"
    );
    // Without it, everything is reported again.
    let all = iamchain_in(
        "testdata/config/ignores/roles",
        &["lint", ".", "--format", "concise", "--no-config"],
    );
    let all = text(&all.stdout);
    assert!(all.contains("warning[policy-version]"), "{all}");
    assert!(all.contains("break-glass-trust-policy.json"), "{all}");
    assert!(all.contains("warning[wildcard-action] `logs:*`"), "{all}");
}

#[test]
fn config_exclude_globs_are_relative_to_the_config_file() {
    let out = iamchain_in("testdata/config/excluded", &["lint", "--format", "concise"]);
    let t = text(&out.stdout);
    assert!(t.contains("linted.json"), "{t}");
    assert!(!t.contains("fixtures/"), "{t}");
}

#[test]
fn an_invalid_config_is_exit_2_with_a_snippet_at_the_key() {
    let out = iamchain_in("testdata/config/unknown-key", &["lint", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("invalid configuration: unknown key `exlcude`"),
        "{err}"
    );
    assert!(err.contains(".iamchain.yaml:3:1"), "{err}");
    let explicit = iamchain(&[
        "lint",
        "testdata/parse",
        "--config",
        "testdata/config/unknown-key/.iamchain.yaml",
    ]);
    assert_eq!(explicit.status.code(), Some(2));
}
