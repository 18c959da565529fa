//! Fuzz the policy model and every rule: arbitrary text is parsed as JSON,
//! modelled as each kind of policy with `document::build`, and linted by
//! every rule through `engine::run_texts` under paths that make it an
//! identity policy, a trust policy, an SCP, an RCP, a boundary and a YAML
//! file. Nothing may panic: the engine turns a rule's panic into an
//! "internal error" finding, which this target treats as a crash.
//!
//! Run on stable: `cargo fuzz run -s none policy`.
#![no_main]

use std::path::PathBuf;

use iamchain::config::Config;
use iamchain::engine::run_texts;
use iamchain::load::json::parse;
use iamchain::policy::PolicyKind;
use iamchain::policy::document::build;
use iamchain::source::SourceId;
use libfuzzer_sys::fuzz_target;

mod common;

const KINDS: [PolicyKind; 6] = [
    PolicyKind::Identity,
    PolicyKind::Trust,
    PolicyKind::Resource,
    PolicyKind::ServiceControl,
    PolicyKind::ResourceControl,
    PolicyKind::Boundary,
];

const PATHS: [&str; 7] = [
    "policy.json",
    "trust/role.json",
    "scp/deny.json",
    "rcp/perimeter.json",
    "boundary/limit.json",
    "bucket-policy.yaml",
    "template.yml",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(node) = parse(text, SourceId(0)) {
        for kind in KINDS {
            let built = build(&node, kind);
            for p in &built.problems {
                assert!(
                    p.span.end as usize <= text.len(),
                    "problem span past the end"
                );
            }
        }
    }
    let files = PATHS
        .iter()
        .map(|p| (PathBuf::from(p), text.to_string()))
        .collect();
    common::assert_no_internal_error(&run_texts(files, &Config::default()));
});
