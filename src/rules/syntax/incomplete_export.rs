//! `incomplete-export`: a file is the output of an AWS CLI command that
//! lists IAM entities without the policies that say what they may do — the
//! wrong command for an audit.

use crate::diagnostic::Severity;
use crate::load::{Document, LoadErrorKind};
use crate::rules::syntax::report_load_errors;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct IncompleteExport;

static META: RuleMeta = RuleMeta {
    name: "incomplete-export",
    category: Category::Syntax,
    default_severity: Severity::Warning,
    summary: "an AWS CLI output that lists IAM entities without their policies",
    docs: include_str!("../../../rules/incomplete-export.md"),
};

impl Rule for IncompleteExport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        report_load_errors(
            document,
            LoadErrorKind::PartialExport,
            "read only in part",
            "export the account with `aws iam get-account-authorization-details`, which holds every role, user, group and policy with its documents",
            cx,
        );
    }
}
