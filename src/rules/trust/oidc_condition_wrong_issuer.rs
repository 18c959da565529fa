//! `oidc-condition-wrong-issuer`: a condition key whose issuer prefix is not
//! the `Federated` provider of its statement: a copy-pasted trust still
//! naming another cluster's id, an `https://` prefix, a trailing slash. The
//! key is never in the request, so the condition is dead: a positive one
//! never holds (the trust never matches), a negated one, `…IfExists` or
//! `ForAllValues:` always holds (it restricts nothing).

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::policy::condition::{self, RequestContext, Tri};
use crate::policy::federation;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct OidcConditionWrongIssuer;

static META: RuleMeta = RuleMeta {
    name: "oidc-condition-wrong-issuer",
    category: Category::Trust,
    default_severity: Severity::Error,
    summary: "condition key names an issuer the statement does not trust",
    docs: include_str!("../../../rules/oidc-condition-wrong-issuer.md"),
};

impl Rule for OidcConditionWrongIssuer {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, _policy: &PolicyDoc, cx: &mut Context<'_>) {
        let oidc = federation::oidc_principals(statement);
        if oidc.is_empty() {
            return;
        }
        for c in &statement.conditions {
            let Some((prefix, claim)) = federation::claim_key(&c.key.value) else {
                continue;
            };
            if oidc
                .iter()
                .any(|(_, issuer, _)| issuer.eq_ignore_ascii_case(prefix))
            {
                continue;
            }
            let trimmed = prefix
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/');
            let (why, fix) = match oidc
                .iter()
                .find(|(_, issuer, _)| issuer.eq_ignore_ascii_case(trimmed))
            {
                Some((_, issuer, _)) if prefix.ends_with('/') && !prefix.contains("://") => (
                    "has a trailing slash".to_string(),
                    format!("{issuer}:{claim}"),
                ),
                Some((_, issuer, _)) => (
                    "starts with the URL scheme; condition keys name the issuer without it"
                        .to_string(),
                    format!("{issuer}:{claim}"),
                ),
                None => {
                    let (_, issuer, _) = oidc[0];
                    (
                        format!("names `{prefix}`, but this statement trusts `{issuer}`"),
                        format!("{issuer}:{claim}"),
                    )
                }
            };
            let absent = RequestContext::new().without(&c.key.value);
            let effect = match (condition::evaluate(c, &absent), statement.is_allow()) {
                (Tri::False, true) => "this condition never holds, so the trust never matches",
                (Tri::False, false) => "this condition never holds, so the Deny never applies",
                (_, true) => "this condition always holds, so it restricts nothing",
                (_, false) => "this condition always holds, so the Deny applies to every token",
            };
            cx.report(
                c.key.span,
                format!(
                    "`{}` {why}: no token carries this key, and {effect}",
                    c.key.value
                ),
            )
            .label("never in the request")
            .help(format!("use `{fix}`"));
        }
    }
}
