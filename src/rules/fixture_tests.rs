//! Every rule's fixtures: `testdata/rules/<name>/bad/*` must produce exactly
//! the rendered findings in the `.expected` file beside each case (and at
//! least one — a bad case that stops firing is a regression even if
//! blessed), `good/*` must produce nothing from the rule.
//!
//! `UPDATE_EXPECT=1 cargo test` rewrites the `.expected` files.
//!
//! A case directory may hold its own `.iamchain.yaml` (accounts, declared
//! `launchers:`): discovery never reads that file as an input, so the
//! harness loads it as the case's configuration, with only the rule under
//! test selected. Without one, the case runs with the default configuration.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostic::Report;
use crate::discover;
use crate::engine;
use crate::rules::ALL;
use crate::source::SourceMap;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules")
}

/// Cases in a `bad/` or `good/` folder: input files and directories, not `.expected` files.
fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_none_or(|e| e != "expected"))
        .collect();
    out.sort();
    out
}

/// Lint one case with only `rule` enabled; paths print relative to the
/// rule's folder. A case directory's own `.iamchain.yaml` is its
/// configuration (its ignores' rules run too, so suppression rules can be
/// tested).
pub(crate) fn lint_case(rule: &str, case: &Path, base: &Path) -> (Report, SourceMap) {
    let mut sources = SourceMap::new();
    let own = case.join(crate::config::FILE_NAME);
    let mut config = if case.is_dir() && own.is_file() {
        crate::config::load(&own, &mut sources).unwrap_or_else(|e| panic!("{}: {e}", own.display()))
    } else {
        Config::default()
    };
    let mut select = vec![rule.to_string()];
    select.extend(config.ignores.iter().map(|i| i.rule.clone()));
    config.select = Some(select);
    config.disabled.clear();
    let (candidates, errors) =
        discover::discover(&[case.to_path_buf()], &config).expect("discover");
    let mut run = engine::run(&candidates, &errors, &config, sources);
    run.sources.relativize(base);
    (run.report, run.sources)
}

fn render(report: &Report, sources: &SourceMap) -> String {
    let mut out = Vec::new();
    crate::output::text::write(report, sources, false, &mut out).expect("render");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn every_rule_has_bad_and_good_fixtures() {
    let mut failures = Vec::new();
    for rule in ALL {
        let name = rule.meta().name;
        let base = testdata().join(name);
        for (kind, must_fire) in [("bad", true), ("good", false)] {
            let dir = base.join(kind);
            if !dir.is_dir() || cases(&dir).is_empty() {
                failures.push(format!("{name}: no cases in {kind}/"));
                continue;
            }
            for case in cases(&dir) {
                let (report, sources) = lint_case(name, &case, &base);
                let own = report.findings.iter().filter(|f| f.rule == name).count();
                let label = case
                    .strip_prefix(&base)
                    .unwrap_or(&case)
                    .display()
                    .to_string();
                if must_fire {
                    if own == 0 {
                        failures.push(format!("{name}: {label} produced no finding"));
                        continue;
                    }
                    let expected = case.with_extension("expected");
                    let expected = if case.is_dir() {
                        PathBuf::from(format!("{}.expected", case.display()))
                    } else {
                        expected
                    };
                    expect_test::expect_file![expected].assert_eq(&render(&report, &sources));
                } else {
                    if own != 0 {
                        failures.push(format!(
                            "{name}: {label} must not fire but gave:\n{}",
                            render(&report, &sources)
                        ));
                    }
                    if case.with_extension("expected").exists() {
                        failures.push(format!("{name}: good case {label} has an .expected file"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_folder_names_a_rule_and_every_expected_has_its_input() {
    for entry in std::fs::read_dir(testdata()).expect("testdata/rules") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        assert!(
            ALL.iter().any(|r| r.meta().name == name),
            "testdata/rules/{name} names no rule"
        );
        for kind in ["bad", "good"] {
            let dir = path.join(kind);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries {
                let p = e.expect("entry").path();
                if p.extension().is_some_and(|x| x == "expected") {
                    let stem = p.with_extension("");
                    let has_input = stem.is_dir()
                        || std::fs::read_dir(&dir).expect("dir").any(|o| {
                            let o = o.expect("entry").path();
                            o != p && o.with_extension("") == stem
                        });
                    assert!(has_input, "{} has no input beside it", p.display());
                }
            }
        }
    }
}
