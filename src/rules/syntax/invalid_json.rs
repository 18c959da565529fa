//! `invalid-json`: a file meant as IAM input is not valid JSON.

use crate::diagnostic::Severity;
use crate::load::{Document, LoadErrorKind};
use crate::rules::syntax::report_load_errors;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct InvalidJson;

static META: RuleMeta = RuleMeta {
    name: "invalid-json",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "file is not valid JSON",
    docs: include_str!("../../../rules/invalid-json.md"),
};

impl Rule for InvalidJson {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        // A file that parsed but holds a broken embedded document (a trust
        // policy as a JSON string in `get-role` output) was read otherwise.
        let help = if !document.parsed {
            "fix the JSON syntax; nothing in this file was analysed"
        } else {
            "fix this document; the rest of the file was analysed"
        };
        report_load_errors(
            document,
            LoadErrorKind::Json,
            "the JSON is invalid here",
            help,
            cx,
        );
    }
}
