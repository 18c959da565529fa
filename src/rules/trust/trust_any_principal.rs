//! `trust-any-principal`: a trust policy lets every principal assume the
//! role (`"Principal": "*"` or `{"AWS": "*"}`), with no condition that
//! narrows who.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{PolicyKind, Statement, scope};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct TrustAnyPrincipal;

static META: RuleMeta = RuleMeta {
    name: "trust-any-principal",
    category: Category::Trust,
    default_severity: Severity::Error,
    summary: "trust policy lets every principal assume the role",
    docs: include_str!("../../../rules/trust-any-principal.md"),
};

impl Rule for TrustAnyPrincipal {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !statement.is_allow() || policy.policy.kind != PolicyKind::Trust {
            return;
        }
        if scope::caller_narrowed(
            statement,
            &policy.policy.statements,
            scope::SIGNED_REQUEST_KEYS,
        ) {
            return;
        }
        if let Some(p) = statement
            .principals()
            .iter()
            .find(|p| p.value.is_wildcard())
        {
            let f = cx.report(
                p.span,
                "every AWS principal, in every account, may assume this role",
            );
            f.label("anyone").help(
                "name the roles or accounts that may assume it, or add an `aws:PrincipalArn` or `aws:PrincipalOrgID` condition",
            );
            if !statement.conditions.is_empty() {
                f.related(
                    statement.conditions[0].key.span,
                    "this condition does not narrow who the caller is",
                );
            }
        }
    }
}
