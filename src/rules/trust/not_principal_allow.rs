//! `not-principal-allow`: an Allow with `NotPrincipal` lets in every
//! principal except those listed — including anonymous callers.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{PolicyKind, Statement};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct NotPrincipalAllow;

static META: RuleMeta = RuleMeta {
    name: "not-principal-allow",
    category: Category::Trust,
    default_severity: Severity::Error,
    summary: "allow statement uses NotPrincipal",
    docs: include_str!("../../../rules/not-principal-allow.md"),
};

impl Rule for NotPrincipalAllow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        let Some(principal) = &statement.principal else {
            return;
        };
        if !principal.negated || !statement.is_allow() {
            return;
        }
        // Anonymous callers cannot call `sts:AssumeRole`; in a trust policy
        // the point is every principal of every account.
        let message = if policy.policy.kind == PolicyKind::Trust {
            "`NotPrincipal` in an Allow lets every principal not listed, in every account, assume this role"
        } else {
            "`NotPrincipal` in an Allow lets in every principal not listed, including anonymous callers"
        };
        cx.report(principal.key, message)
            .label("everyone except these")
            .help(
                "name the allowed principals in `Principal`; use `NotPrincipal` only with `Deny`",
            );
    }
}
