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
        // Markdown links follow these when set (in GitHub Actions).
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_SHA")
        .output()
        .expect("run")
}

/// A small run is checked on the main thread alone, a larger one on every
/// core: the report is the same either way, in every format.
#[test]
fn the_main_thread_alone_and_every_core_report_alike() {
    let run = |alone_below: &str, threads: &str, format: &str| {
        Command::cargo_bin("iamchain")
            .expect("binary")
            .current_dir(root())
            .env("IAMCHAIN_ALONE_BELOW", alone_below)
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "lint",
                "--no-config",
                "--format",
                format,
                "testdata/scenarios",
            ])
            .output()
            .expect("run")
    };
    for format in ["json", "sarif", "text"] {
        let alone = run("100000000", "4", format);
        let wide = run("0", "4", format);
        assert_eq!(alone.status.code(), Some(1), "{format}");
        assert!(alone.stdout.len() > 1000, "{format}");
        assert_eq!(text(&alone.stdout), text(&wide.stdout), "{format}");
        assert_eq!(alone.status.code(), wide.status.code(), "{format}");
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_format_renders_the_mixed_tree() {
    for (format, file) in [
        ("text", "text"),
        ("concise", "concise"),
        ("json", "json"),
        ("github", "github"),
        ("markdown", "md"),
        ("sarif", "sarif"),
    ] {
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
        // SARIF names the working directory as %SRCROOT%: keep the file
        // independent of where the repository is checked out.
        let srcroot = format!(
            "file://{}/",
            root()
                .to_string_lossy()
                .replace('\\', "/")
                .trim_start_matches('/')
        );
        let srcroot = srcroot.replacen("file://", "file:///", 1);
        let mut rendered = text(&out.stdout).replace(&srcroot, "file:///CHECKOUT/");
        if format == "sarif" {
            rendered = sarif_without_rule_pages(&rendered);
        }
        expect_test::expect_file![path].assert_eq(&rendered);
    }
}

/// The SARIF log with `tool.driver.rules` cut to their ids and levels (the
/// rule pages are tested on their own; a page edit must not touch this
/// file) and the catalog version masked.
fn sarif_without_rule_pages(log: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(log).expect("valid SARIF JSON");
    let driver = &mut v["runs"][0]["tool"]["driver"];
    driver["properties"]["catalogDataVersion"] = "CATALOG".into();
    let rules = driver["rules"].as_array_mut().expect("rules");
    for r in rules.iter_mut() {
        *r = serde_json::json!({
            "id": r["id"],
            "level": r["defaultConfiguration"]["level"],
            "security-severity": r["properties"]["security-severity"],
        });
    }
    let mut out = serde_json::to_string_pretty(&v).expect("json");
    out.push('\n');
    out
}

#[test]
fn sarif_rules_carry_their_pages_and_results_point_at_them() {
    let out = iamchain(&[
        "lint",
        "testdata/output/mixed",
        "--format",
        "sarif",
        "--no-config",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for r in rules {
        let id = r["id"].as_str().expect("id");
        for key in ["shortDescription", "fullDescription"] {
            assert!(
                r[key]["text"].as_str().is_some_and(|t| !t.is_empty()),
                "{id}: {key}"
            );
        }
        assert!(
            r["help"]["markdown"]
                .as_str()
                .is_some_and(|m| m.starts_with(&format!("# {id}"))),
            "{id}: help.markdown is its page"
        );
        assert!(
            r["helpUri"]
                .as_str()
                .is_some_and(|u| u.ends_with(&format!("/rules/{id}.md")))
        );
    }
    for result in run["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["iamchainMeaning/v1"].is_string());
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
    // Not the prod scenario account: its deploy role may update `prod-*`
    // stacks, which run with the stacks' own service roles
    // (`privilege-escalation`).
    let clean = iamchain(&[
        "lint",
        "testdata/rules/invalid-policy/good/identity-policy.json",
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

fn iamchain_at(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("iamchain")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run")
}

const APP_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Logs", "Effect": "Allow", "Action": "logs:*", "Resource": "*"},
  {"Effect": "Allow", "Action": ["s3:*", "iam:PassRole"], "Resource": "*"}]}
"#;

/// APP_POLICY moved around: statements swapped, keys reordered, reindented.
const APP_POLICY_REFORMATTED: &str = r#"{
    "Statement": [
        {
            "Resource": "*",
            "Action": [
                "s3:*",
                "iam:PassRole"
            ],
            "Effect": "Allow"
        },
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Resource": "*",
            "Action": "logs:*"
        }
    ],
    "Version": "2012-10-17"
}
"#;

#[test]
fn a_baseline_survives_moving_and_reformatting_the_policy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir_all(d.join("roles/app")).expect("mkdir");
    std::fs::write(d.join("roles/app/permissions.json"), APP_POLICY).expect("write");
    let wrote = iamchain_at(
        d,
        &[
            "lint",
            ".",
            "--no-config",
            "--write-baseline",
            "iamchain-baseline.json",
        ],
    );
    assert_eq!(wrote.status.code(), Some(0), "{}", text(&wrote.stderr));
    let baseline: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("iamchain-baseline.json")).expect("read"))
            .expect("json");
    assert_eq!(baseline["version"], 1);
    assert!(
        baseline["findings"]
            .as_array()
            .is_some_and(|f| f.len() >= 3)
    );

    // Move the policy to another file in another directory and reformat it.
    std::fs::remove_dir_all(d.join("roles")).expect("rm");
    std::fs::create_dir_all(d.join("iam/policies")).expect("mkdir");
    std::fs::write(
        d.join("iam/policies/application.json"),
        APP_POLICY_REFORMATTED,
    )
    .expect("write");
    let moved = iamchain_at(
        d,
        &[
            "lint",
            ".",
            "--no-config",
            "--baseline",
            "iamchain-baseline.json",
            "-f",
            "concise",
        ],
    );
    assert_eq!(text(&moved.stdout), "", "{}", text(&moved.stderr));
    assert_eq!(moved.status.code(), Some(0));

    // A second copy of a baselined value is new.
    let grown = APP_POLICY_REFORMATTED.replace("\"Version\"", "\"Id\": \"x\", \"Version\"");
    std::fs::write(d.join("iam/policies/other.json"), grown).expect("write");
    let more = iamchain_at(
        d,
        &[
            "lint",
            ".",
            "--no-config",
            "--baseline",
            "iamchain-baseline.json",
            "-f",
            "concise",
        ],
    );
    assert_eq!(more.status.code(), Some(1));
    assert!(
        text(&more.stdout).contains("other.json"),
        "{}",
        text(&more.stdout)
    );
    assert!(!text(&more.stdout).contains("application.json"));

    let missing = iamchain_at(d, &["lint", ".", "--no-config", "--baseline", "nope.json"]);
    assert_eq!(missing.status.code(), Some(2));
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn since_reports_only_what_the_change_introduced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(d.join("roles/app")).expect("mkdir");
    std::fs::write(d.join("roles/app/permissions.json"), APP_POLICY).expect("write");
    std::fs::write(
        d.join("roles/app/unchanged.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}"#,
    )
    .expect("write");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "base"]);

    // The change: the policy moves and is reformatted, and gains a statement.
    std::fs::remove_file(d.join("roles/app/permissions.json")).expect("rm");
    let changed = APP_POLICY_REFORMATTED.replace(
        "\"Statement\": [",
        "\"Statement\": [\n        {\"Sid\": \"New\", \"Effect\": \"Allow\", \"Action\": \"sqs:*\", \"Resource\": \"*\"},",
    );
    std::fs::write(d.join("roles/app/app-permissions.json"), changed).expect("write");
    let out = iamchain_at(
        d,
        &["lint", "--no-config", "--since", "main", "-f", "concise"],
    );
    // Only the new statement's findings: the moved, reformatted ones are old.
    assert_eq!(
        text(&out.stdout),
        "roles/app/app-permissions.json:3:53: error[permissions-management-wildcard] `sqs:*` allows 3 permissions-management actions, including sqs:AddPermission, sqs:RemovePermission, sqs:SetQueueAttributes\n\
         roles/app/app-permissions.json:3:53: warning[wildcard-action] `sqs:*` allows every action of `sqs`, including ones added later\n\
         roles/app/app-permissions.json:3:74: warning[wildcard-resource] `*` lets 13 write actions that could be scoped act on every resource: sqs:AddPermission, sqs:RemovePermission, sqs:SetQueueAttributes, sqs:CancelMessageMoveTask…\n",
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1));

    // From a subdirectory, with a path, against a commit id.
    let sub = iamchain_at(
        &d.join("roles"),
        &[
            "lint",
            "app",
            "--no-config",
            "--since",
            "HEAD",
            "-f",
            "concise",
        ],
    );
    assert_eq!(
        text(&sub.stdout).lines().count(),
        3,
        "{}",
        text(&sub.stderr)
    );

    // A file named on the command line that did not change: nothing new.
    let named = iamchain_at(
        d,
        &[
            "lint",
            "roles/app/unchanged.json",
            "--no-config",
            "--since",
            "main",
        ],
    );
    assert_eq!(named.status.code(), Some(0), "{}", text(&named.stdout));

    let bad = iamchain_at(d, &["lint", "--no-config", "--since", "no-such-ref"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("no-such-ref"),
        "{}",
        text(&bad.stderr)
    );
}

/// Every `--flag` written after `iamchain lint` in `text`.
fn lint_flags(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.find("iamchain lint").map(|i| &l[i..]))
        .flat_map(|l| l.split_whitespace())
        .filter(|w| w.starts_with("--"))
        .map(|w| w.split('=').next().unwrap_or(w).to_string())
        .collect()
}

#[test]
fn the_documented_workflow_parses_and_names_real_flags() {
    use iamchain::load::tree::{Node, Value};
    let path = root().join("docs/github-workflow.yml");
    let yaml = std::fs::read_to_string(&path).expect("read workflow");
    let docs = iamchain::load::yaml::parse(&yaml, iamchain::source::SourceId(0))
        .unwrap_or_else(|e| panic!("docs/github-workflow.yml: {}", e.message));
    let steps = docs[0]
        .get("jobs")
        .and_then(|j| j.get("iamchain"))
        .and_then(|j| j.get("steps"))
        .and_then(Node::as_array)
        .expect("jobs.iamchain.steps");
    let runs: Vec<String> = steps
        .iter()
        .filter_map(|s| s.get("run").and_then(Node::as_str).map(str::to_string))
        .collect();
    let help = text(&iamchain(&["lint", "--help"]).stdout);
    let mut flags = Vec::new();
    for run in &runs {
        flags.extend(lint_flags(run));
    }
    for extra in [
        include_str!("../README.md"),
        include_str!("../.pre-commit-hooks.yaml"),
    ] {
        flags.extend(lint_flags(extra));
    }
    assert!(flags.contains(&"--since".to_string()), "{flags:?}");
    for flag in &flags {
        assert!(
            help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
            "`iamchain lint` has no flag {flag}"
        );
    }
    // The SARIF written is the SARIF uploaded.
    let upload = steps
        .iter()
        .find(|s| {
            s.get("uses")
                .and_then(Node::as_str)
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    let file = upload
        .get("with")
        .and_then(|w| w.get("sarif_file"))
        .and_then(Node::as_str)
        .expect("sarif_file");
    assert!(
        runs.iter()
            .any(|r| r.contains("--format sarif") && r.contains(&format!("> {file}"))),
        "no step writes {file}"
    );
    assert!(matches!(
        docs[0].get("permissions").map(|p| &p.value),
        Some(Value::Object(_))
    ));
}

/// Run `iamchain lint testdata/scenarios/octopus-exports` with stderr on a
/// terminal (util-linux `script` gives it a pseudo-terminal) or on a pipe,
/// the progress line due at once.
fn lint_with_stderr_on(terminal: bool) -> String {
    let bin = assert_cmd::cargo::cargo_bin("iamchain");
    let command = format!(
        "{} lint testdata/scenarios/octopus-exports --no-config --format json > /dev/null",
        bin.display()
    );
    let mut cmd = if terminal {
        let mut c = std::process::Command::new("script");
        c.args(["-qefc", &command, "/dev/null"]);
        c
    } else {
        let mut c = std::process::Command::new("sh");
        c.args(["-c", &command]);
        c
    };
    let out = cmd
        .current_dir(root())
        .env("IAMCHAIN_PROGRESS_AFTER_MS", "0")
        .output()
        .expect("run");
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

#[test]
fn the_progress_line_shows_on_a_terminal_and_is_cleared() {
    let shown = lint_with_stderr_on(true);
    assert!(shown.contains("iamchain: "), "{shown:?}");
    assert!(shown.contains("files loaded"), "{shown:?}");
    // Cleared at the end: the last thing written erases the line.
    assert!(shown.trim_end().ends_with("\r\x1b[2K"), "{shown:?}");
    // Never on a pipe (CI logs, redirections).
    let piped = lint_with_stderr_on(false);
    assert!(!piped.contains("files loaded"), "{piped:?}");
}

/// The per-account summary counts the findings the report lists: repeats
/// (a YAML alias repeats its anchor's findings; two routes to one finding)
/// are dropped before it counts, as they are from every other format.
#[test]
fn the_summary_counts_what_the_json_lists() {
    let json = iamchain(&["lint", "--no-config", "--format", "json", "testdata"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let listed = v["findings"].as_array().expect("findings").len();
    let summary =
        text(&iamchain(&["lint", "--no-config", "--format", "summary", "testdata"]).stdout);
    let counted: usize = summary
        .lines()
        .filter_map(|l| l.strip_prefix("  findings: "))
        .map(|n| n.trim().parse::<usize>().expect("a count"))
        .sum();
    assert!(listed > 1000, "{listed}");
    assert_eq!(counted, listed, "{summary}");
}
