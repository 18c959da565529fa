//! Fuzz the account export loader (`aws iam get-account-authorization-details`
//! and the other IAM CLI outputs): arbitrary text is loaded as an export,
//! every span it models must be a valid range of the text (documents written
//! as JSON or URL-encoded strings map theirs back into it), and linting the
//! export beside a second copy of itself (one account in two files: merged
//! roles, drift) must raise no internal error.
//!
//! Run on stable: `cargo fuzz run -s none gaad`.
#![no_main]

use std::path::{Path, PathBuf};

use iamchain::config::Config;
use iamchain::engine::run_texts;
use iamchain::load::{Document, load_document};
use iamchain::source::SourceId;
use libfuzzer_sys::fuzz_target;

mod common;
use common::check_span as check;

fn check_document(text: &str, doc: &Document) {
    for e in &doc.errors {
        check(text, e.span);
    }
    for p in &doc.policies {
        check(text, p.policy.span);
        for problem in &p.problems {
            check(text, problem.span);
        }
        for s in &p.policy.statements {
            check(text, s.span);
            for item in s.actions().iter().chain(s.resources()) {
                check(text, item.span);
            }
            for c in &s.conditions {
                check(text, c.key.span);
                c.values.iter().for_each(|v| check(text, v.span));
            }
        }
    }
    for p in &doc.principals {
        check(text, p.span);
        check(text, p.name.span);
        p.managed.iter().for_each(|m| check(text, m.span));
        p.boundary.iter().for_each(|b| check(text, b.span));
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("111122223333.authorization-details.json");
    check_document(text, &load_document(path, path, text, SourceId(0)));
    let files = vec![
        (PathBuf::from("a/export.json"), text.to_string()),
        (PathBuf::from("b/export.json"), text.to_string()),
    ];
    common::assert_no_internal_error(&run_texts(files, &Config::default()));
});
