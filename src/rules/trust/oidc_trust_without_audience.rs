//! `oidc-trust-without-audience`: a trust lets an OIDC provider's tokens in
//! with no condition on the `aud` claim. For providers registered in IAM
//! with a client-ID list, STS checks the token's audience against that list,
//! so the trust leans on the provider's configuration alone (a note). For
//! web identity providers (Cognito, Google, Facebook, Amazon) the audience
//! is the only thing that says *which app's* users may assume the role (an
//! error).

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::policy::eval::action_applies;
use crate::policy::federation::{self, Provider};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct OidcTrustWithoutAudience;

static META: RuleMeta = RuleMeta {
    name: "oidc-trust-without-audience",
    category: Category::Trust,
    default_severity: Severity::Note,
    summary: "trust admits an OIDC provider without pinning the token's audience",
    docs: include_str!("../../../rules/oidc-trust-without-audience.md"),
};

impl Rule for OidcTrustWithoutAudience {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, _policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !statement.is_allow()
            || !action_applies(statement.action.as_ref(), "sts:AssumeRoleWithWebIdentity")
        {
            return;
        }
        // An `aud` key under another issuer is `oidc-condition-wrong-issuer`'s
        // finding: the trust is broken, not unpinned.
        let misplaced_aud = statement.conditions.iter().any(|c| {
            federation::claim_key(&c.key.value)
                .is_some_and(|(_, claim)| claim.eq_ignore_ascii_case("aud"))
        });
        for (principal, issuer, provider) in federation::oidc_principals(statement) {
            if misplaced_aud {
                continue;
            }
            let pinned = ["aud", "azp"].iter().any(|claim| {
                federation::claim_conditions(statement, issuer, claim)
                    .iter()
                    .any(|c| federation::pins_claim(c))
            });
            if pinned {
                continue;
            }
            let expected = match provider {
                Provider::Octopus => format!("\"{}\"", issuer.split('/').next().unwrap_or(issuer)),
                _ => provider
                    .default_audience()
                    .map_or_else(|| "\"<audience>\"".to_string(), |a| format!("\"{a}\"")),
            };
            let help = format!("add `\"StringEquals\": {{\"{issuer}:aud\": {expected}}}`");
            if provider == Provider::WebIdentity {
                cx.report_as(
                    Severity::Error,
                    principal.span,
                    format!("this trust admits the users of every application that signs in with `{issuer}`: no condition pins `{issuer}:aud`"),
                )
                .label("no `aud` condition for this provider")
                .help(help);
            } else {
                cx.report_as(
                    Severity::Note,
                    principal.span,
                    format!("no condition pins `{issuer}:aud`: only the provider's client-ID list in IAM checks which audience the {} token was issued for", provider.name()),
                )
                .label("no `aud` condition for this provider")
                .help(help);
            }
        }
    }
}
