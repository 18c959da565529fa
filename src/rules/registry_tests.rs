//! The registry and the rule pages agree: names are unique, kebab-case and
//! sorted; summaries follow the message conventions; every page has the
//! standard headings; the examples on each page are executed (`Example`
//! must fire, `Use instead` must not); `rules/README.md` is generated.
//!
//! Each example block runs as one file. Chain rules read several files
//! together, so a section may also give *context*, which every example of
//! that section runs with and which is not an example itself:
//!
//! - a ```` ```yaml .iamchain.yaml ```` block is the configuration (declared
//!   `launchers:`, accounts);
//! - a block whose info string ends in `context` (```` ```json
//!   dev-exports.json context ````) is another input file beside each
//!   example, e.g. the account export that defines the caller of a role
//!   given as `aws iam get-role` output.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::engine;
use crate::rules::ALL;

const HEADINGS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## References",
];

#[test]
fn names_are_unique_kebab_case_and_sorted() {
    let names: Vec<(&str, &str)> = ALL
        .iter()
        .map(|r| (r.meta().category.as_str(), r.meta().name))
        .collect();
    for (_, n) in &names {
        assert!(
            n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{n} is not kebab-case"
        );
        assert!(
            !n.starts_with("no-") && !n.starts_with("disallow-"),
            "{n} should name the pattern, not forbid it"
        );
    }
    let mut sorted = names.clone();
    sorted.sort_by_key(|(c, n)| {
        (
            ALL.iter().position(|r| r.meta().category.as_str() == *c),
            *n,
        )
    });
    assert_eq!(
        names, sorted,
        "ALL must be grouped by category and sorted by name"
    );
    let mut unique: Vec<&str> = names.iter().map(|(_, n)| *n).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "duplicate rule names");
}

#[test]
fn summaries_are_lowercase_without_trailing_period() {
    for r in ALL {
        let s = r.meta().summary;
        assert!(
            s.chars().next().is_some_and(|c| !c.is_uppercase()),
            "{}: summary starts uppercase",
            r.meta().name
        );
        assert!(
            !s.ends_with('.') && !s.ends_with('!'),
            "{}: summary ends with punctuation",
            r.meta().name
        );
    }
}

#[test]
fn pages_have_the_standard_headings_in_order() {
    for r in ALL {
        let m = r.meta();
        let first = m.docs.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("# {}", m.name),
            "rules/{}.md must start with its name",
            m.name
        );
        let mut at = 0;
        for h in HEADINGS {
            let pos = m.docs[at..]
                .find(h)
                .unwrap_or_else(|| panic!("rules/{}.md lacks `{h}` (in order)", m.name));
            at += pos + h.len();
        }
        assert!(
            !m.docs.contains("TODO"),
            "rules/{}.md is unfinished",
            m.name
        );
    }
}

#[test]
fn every_page_belongs_to_a_rule() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for e in std::fs::read_dir(dir).expect("rules/") {
        let p = e.expect("entry").path();
        let name = p
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if name == "README" {
            continue;
        }
        assert!(
            ALL.iter().any(|r| r.meta().name == name),
            "rules/{name}.md has no rule"
        );
    }
}

/// Code blocks under a heading: (file name from the fence's info string, text).
/// A fence may name the file it stands for (```json trust-policy.json), which
/// tells iamchain where the document is used; the default is `example.json`.
/// A block named `.iamchain.yaml`, or marked `context` after its name, is
/// not an example but context for the section's examples (see [`section`]);
/// the flag says which.
fn blocks<'a>(docs: &'a str, heading: &str) -> Vec<(PathBuf, &'a str, bool)> {
    let Some(start) = docs.find(heading) else {
        return Vec::new();
    };
    let section = &docs[start + heading.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut out = Vec::new();
    let mut rest = section;
    while let Some(open) = rest.find("```") {
        let after = &rest[open + 3..];
        let Some(nl) = after.find('\n') else { break };
        let info: Vec<&str> = after[..nl].split_whitespace().collect();
        let body = &after[nl + 1..];
        let Some(close) = body.find("```") else { break };
        if matches!(info.first(), Some(&"json") | Some(&"yaml")) {
            let name = info
                .get(1)
                .map(|s| s.to_string())
                .unwrap_or_else(|| format!("example.{}", info[0]));
            let context = name == crate::config::FILE_NAME || info.get(2) == Some(&"context");
            out.push((PathBuf::from(name), &body[..close], context));
        }
        rest = &body[close + 3..];
    }
    out
}

/// Rules about a file's bytes, whose pages show examples as text only.
const BYTE_LEVEL_RULES: &[&str] = &["unreadable-file"];

/// What a section gives besides its examples: the `.iamchain.yaml` block
/// and the context files, each run with every example of the section.
#[derive(Default)]
struct Context<'a> {
    config: Option<&'a str>,
    files: Vec<(PathBuf, &'a str)>,
}

/// A section's examples and its context.
fn section<'a>(docs: &'a str, heading: &str) -> (Vec<(PathBuf, &'a str)>, Context<'a>) {
    let mut context = Context::default();
    let mut examples = Vec::new();
    for (path, text, is_context) in blocks(docs, heading) {
        if path == Path::new(crate::config::FILE_NAME) {
            context.config = Some(text);
        } else if is_context {
            context.files.push((path, text));
        } else {
            examples.push((path, text));
        }
    }
    (examples, context)
}

/// Whether `rule` reports on one example file, run together with the
/// section's context files and configuration (only `rule` selected). With a
/// configuration the files are written to a temporary directory and linted
/// like a fixture, so spans into the configuration resolve as they do on the
/// command line.
fn fires(rule: &str, path: &Path, text: &str, context: &Context<'_>) -> bool {
    let select = Some(vec![rule.to_string()]);
    let mut files: Vec<(PathBuf, String)> = context
        .files
        .iter()
        .map(|(p, t)| (p.clone(), t.to_string()))
        .collect();
    files.push((path.to_path_buf(), text.to_string()));
    let run = match context.config {
        None => {
            let config = Config {
                select,
                ..Config::default()
            };
            engine::run_texts(files, &config)
        }
        Some(config_text) => {
            let dir = tempfile::tempdir().expect("temp dir");
            let config_path = dir.path().join(crate::config::FILE_NAME);
            std::fs::write(&config_path, config_text).expect("write config");
            for (p, t) in &files {
                std::fs::write(dir.path().join(p), t).expect("write example");
            }
            let mut sources = crate::source::SourceMap::new();
            let mut config = crate::config::load(&config_path, &mut sources)
                .unwrap_or_else(|e| panic!("rules/{rule}.md: .iamchain.yaml: {e}"));
            // The config's ignores' rules run too, so suppression rules can
            // show their examples.
            let mut select = vec![rule.to_string()];
            select.extend(config.ignores.iter().map(|i| i.rule.clone()));
            config.select = Some(select);
            let (candidates, errors) =
                crate::discover::discover(&[dir.path().to_path_buf()], &config).expect("discover");
            engine::run(&candidates, &errors, &config, sources)
        }
    };
    run.report.findings.iter().any(|f| f.rule == rule)
}

#[test]
fn page_examples_fire_and_fixes_do_not() {
    let mut failures = Vec::new();
    for r in ALL {
        let m = r.meta();
        let (examples, context) = section(m.docs, "## Example");
        // Bytes that are not text (invalid UTF-8, UTF-16) cannot be shown in
        // a Markdown code block; this rule's fixtures hold its examples.
        if examples.is_empty() && !BYTE_LEVEL_RULES.contains(&m.name) {
            failures.push(format!("rules/{}.md: no example block", m.name));
        }
        for (path, text) in examples {
            if !fires(m.name, &path, text, &context) {
                failures.push(format!(
                    "rules/{}.md: Example {} does not fire",
                    m.name,
                    path.display()
                ));
            }
        }
        let (fixes, context) = section(m.docs, "## Use instead");
        for (path, text) in fixes {
            if fires(m.name, &path, text, &context) {
                failures.push(format!(
                    "rules/{}.md: Use instead {} fires",
                    m.name,
                    path.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The index of rules, generated from the registry.
pub(crate) fn index() -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from the registry by `UPDATE_EXPECT=1 cargo test`; do not edit.\n",
    );
    let mut category = "";
    for r in ALL {
        let m = r.meta();
        if m.category.as_str() != category {
            category = m.category.as_str();
            out.push_str(&format!(
                "\n## {category}\n\n| rule | severity | what it flags |\n|---|---|---|\n"
            ));
        }
        out.push_str(&format!(
            "| [`{0}`]({0}.md) | {1} | {2} |\n",
            m.name, m.default_severity, m.summary
        ));
    }
    out
}

#[test]
fn rules_index_is_fresh() {
    expect_test::expect_file!["../../rules/README.md"].assert_eq(&index());
}
