//! `not-resource-allow`: an Allow with `NotResource` grants its actions on
//! every resource except those listed, in every account.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::rules::permissions::grants;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct NotResourceAllow;

static META: RuleMeta = RuleMeta {
    name: "not-resource-allow",
    category: Category::Permissions,
    default_severity: Severity::Warning,
    summary: "allow statement uses NotResource",
    docs: include_str!("../../../rules/not-resource-allow.md"),
};

impl Rule for NotResourceAllow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        let Some(resource) = &statement.resource else {
            return;
        };
        if !resource.negated || !grants(statement, policy) {
            return;
        }
        cx.report(resource.key, "`NotResource` in an Allow grants the actions on every resource not listed, in every account")
            .label("allows everything except these")
            .help("list the allowed resources in `Resource`; use `NotResource` only with `Deny`");
    }
}
