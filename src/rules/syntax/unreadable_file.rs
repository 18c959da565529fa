//! `unreadable-file`: a file could not be read (permissions, a symlink
//! loop, not UTF-8, too large).

use crate::diagnostic::Severity;
use crate::load::{Document, LoadErrorKind};
use crate::rules::syntax::report_load_errors;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct UnreadableFile;

static META: RuleMeta = RuleMeta {
    name: "unreadable-file",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "file could not be read",
    docs: include_str!("../../../rules/unreadable-file.md"),
};

impl Rule for UnreadableFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        report_load_errors(
            document,
            LoadErrorKind::Io,
            "reading stopped here",
            "make the file readable, or exclude it in .iamchain.yaml",
            cx,
        );
    }
}
