//! `oidc-claim-for-all-values`: `ForAllValues:` on an OIDC claim
//! (`ForAllValues:StringEquals` on `…:sub`). `ForAllValues` is true when the
//! key is absent or empty, so the condition does not require the claim at
//! all; on the single-valued `sub` and `aud` claims the plain operator says
//! what was meant. It is its own rule, not part of `oidc-subject-wildcard`:
//! the value may be exact, the operator is what is wrong.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::policy::condition::SetQualifier;
use crate::policy::federation;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct OidcClaimForAllValues;

static META: RuleMeta = RuleMeta {
    name: "oidc-claim-for-all-values",
    category: Category::Trust,
    default_severity: Severity::Warning,
    summary: "`ForAllValues:` on an OIDC claim holds when the claim is absent",
    docs: include_str!("../../../rules/oidc-claim-for-all-values.md"),
};

impl Rule for OidcClaimForAllValues {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, _policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !statement.is_allow() || federation::oidc_principals(statement).is_empty() {
            return;
        }
        for c in &statement.conditions {
            let op = &c.operator.value;
            if op.set != Some(SetQualifier::ForAllValues) || op.negated {
                continue;
            }
            let Some((_, claim)) = federation::claim_key(&c.key.value) else {
                continue;
            };
            if !matches!(claim.to_ascii_lowercase().as_str(), "sub" | "aud" | "azp") {
                continue;
            }
            let plain = op
                .name
                .get("ForAllValues:".len()..)
                .unwrap_or("StringEquals");
            cx.report(
                c.key.span,
                format!(
                    "`{}` holds when the token has no `{claim}` claim: it does not require one",
                    op.name
                ),
            )
            .label(format!("`{claim}` is a single-valued claim"))
            .related(c.operator.span, "true when the key is absent")
            .help(format!("use `{plain}` without `ForAllValues:`"));
        }
    }
}
