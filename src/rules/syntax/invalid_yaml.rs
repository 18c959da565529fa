//! `invalid-yaml`: a file meant as IAM input is not valid YAML.

use crate::diagnostic::Severity;
use crate::load::{Document, LoadErrorKind};
use crate::rules::syntax::report_load_errors;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct InvalidYaml;

static META: RuleMeta = RuleMeta {
    name: "invalid-yaml",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "file is not valid YAML",
    docs: include_str!("../../../rules/invalid-yaml.md"),
};

impl Rule for InvalidYaml {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        report_load_errors(
            document,
            LoadErrorKind::Yaml,
            "the YAML is invalid here",
            "fix the YAML syntax; nothing in this file was analysed",
            cx,
        );
    }
}
