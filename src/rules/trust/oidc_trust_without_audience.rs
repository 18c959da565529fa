//! `oidc-trust-without-audience`: a trust lets an OIDC provider's tokens in
//! with nothing that pins the `aud` claim (a negated condition or a `*`
//! pattern admits every audience). For providers registered in IAM with a
//! client-ID list, STS checks the token's audience against that list, so
//! the trust leans on the provider's configuration alone (a note). For
//! web identity providers (Cognito, Google, Facebook, Amazon) the audience
//! is the only thing that says *which app's* users may assume the role (an
//! error).

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
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

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !federation::allows_web_identity(statement) {
            return;
        }
        for (principal, issuer, provider) in federation::oidc_principals(statement) {
            let auds: Vec<_> = ["aud", "azp"]
                .iter()
                .flat_map(|claim| federation::claim_conditions(statement, issuer, claim))
                .collect();
            // Pinned here, or by a Deny on every other audience, or kept
            // out by an `aud` under another issuer.
            if auds.iter().any(|c| federation::pins_claim(c))
                || federation::claim_settled_elsewhere(
                    statement,
                    &policy.policy.statements,
                    &principal.value.value,
                    issuer,
                    "aud",
                )
            {
                continue;
            }
            let expected = match provider {
                Provider::Octopus => format!("\"{}\"", issuer.split('/').next().unwrap_or(issuer)),
                _ => provider
                    .default_audience()
                    .map_or_else(|| "\"<audience>\"".to_string(), |a| format!("\"{a}\"")),
            };
            let help = format!("add `\"StringEquals\": {{\"{issuer}:aud\": {expected}}}`");
            let finding = if provider == Provider::WebIdentity {
                cx.report_as(
                    Severity::Error,
                    principal.span,
                    format!("this trust admits the users of every application that signs in with `{issuer}`: no condition pins `{issuer}:aud`"),
                )
            } else {
                cx.report_as(
                    Severity::Note,
                    principal.span,
                    format!("no condition pins `{issuer}:aud`: only the provider's client-ID list in IAM checks which audience the {} token was issued for", provider.name()),
                )
            };
            if auds.is_empty() {
                finding.label("no `aud` condition for this provider");
            } else {
                finding.label("no `aud` condition for this provider pins a value");
            }
            // What is there admits every audience: say where.
            for c in &auds {
                let op = &c.operator.value;
                if op.negated {
                    finding.related(
                        c.operator.span,
                        format!("`{}` excludes only the audiences it lists", op.name),
                    );
                } else if op.has_wildcards() {
                    for v in c
                        .values
                        .iter()
                        .filter(|v| federation::matches_every_claim(&v.value))
                    {
                        finding.related(v.span, format!("`{}` matches every audience", v.value));
                    }
                }
            }
            finding.help(help);
        }
    }
}
