//! `invalid-policy`: a document does not fit the IAM policy grammar for
//! where it is used (missing `Effect`, unknown element, wrong type, a
//! `Principal` in an identity policy, …).

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct InvalidPolicy;

static META: RuleMeta = RuleMeta {
    name: "invalid-policy",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "policy does not fit the IAM policy grammar",
    docs: include_str!("../../../rules/invalid-policy.md"),
};

impl Rule for InvalidPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, policy: &PolicyDoc, cx: &mut Context<'_>) {
        for p in &policy.problems {
            let f = cx.report(p.span, p.message.clone());
            if let Some(help) = &p.help {
                f.help(help.clone());
            }
        }
    }
}
