//! `literal-wildcard-in-condition`: `*` or `?` in a value of an operator
//! that compares literally (`StringEquals`, `StringNotEquals`, and their
//! `IgnoreCase` forms). The wildcard is matched as a character, so a
//! positive condition never holds and a negated one always does.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::condition::{self, without_variables};
use crate::policy::pattern::has_wildcard;
use crate::policy::{Statement, scope};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct LiteralWildcardInCondition;

static META: RuleMeta = RuleMeta {
    name: "literal-wildcard-in-condition",
    category: Category::Syntax,
    default_severity: Severity::Warning,
    summary: "wildcard under an operator that compares literally",
    docs: include_str!("../../../rules/literal-wildcard-in-condition.md"),
};

impl Rule for LiteralWildcardInCondition {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, _policy: &PolicyDoc, cx: &mut Context<'_>) {
        for c in &statement.conditions {
            let op = &c.operator.value;
            if !op.compares_strings() {
                continue;
            }
            for v in c
                .values
                .iter()
                .filter(|v| has_wildcard(&without_variables(&v.value)))
            {
                // On an OIDC subject this is the classic broken IRSA/GitHub
                // trust: say it in those terms. `oidc-subject-wildcard`
                // reports the same text under `StringLike` (too open).
                let oidc_subject = crate::policy::federation::claim_key(&c.key.value)
                    .is_some_and(|(_, claim)| claim.eq_ignore_ascii_case("sub"))
                    && !crate::policy::federation::oidc_principals(statement).is_empty();
                // The condition is decided by the mistake alone when its
                // key never holds a `*` (an ARN, an account id; a token's
                // subject, by what issuers put there) and every value is a
                // pattern. Other keys (an S3 prefix) may hold a literal
                // `*`, and another value may still match.
                let constant = condition::compares_patterns_literally(c)
                    && (oidc_subject || scope::never_wildcard(c));
                let outcome = match (op.negated, statement.is_allow()) {
                    _ if !constant => {
                        "it matches only a value with these very characters, not as a pattern"
                    }
                    (false, true) if oidc_subject => {
                        "no token has this literal subject, so this trust never matches"
                    }
                    (false, true) => {
                        "this condition never holds, so the statement never allows anything"
                    }
                    (false, false) => "this condition never holds, so the Deny never applies",
                    (true, true) => "this condition always holds, so it does not narrow the Allow",
                    (true, false) => {
                        "this condition always holds, so the Deny applies to every request"
                    }
                };
                let like = if op.negated {
                    "StringNotLike"
                } else {
                    "StringLike"
                };
                cx.report(
                    v.span,
                    format!(
                        "`{}` is compared literally under `{}`: {outcome}",
                        v.value, op.name
                    ),
                )
                .label("`*` and `?` are not wildcards here")
                .related(c.operator.span, "this operator compares literally")
                .help(format!(
                    "use `{like}` to match a pattern, or remove the wildcard"
                ));
            }
        }
    }
}
