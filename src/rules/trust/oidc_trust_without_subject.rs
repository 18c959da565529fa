//! `oidc-trust-without-subject`: a trust lets an OIDC provider's tokens in
//! with nothing that pins the `sub` claim, so every identity that provider
//! issues tokens for may assume the role: every service account of the
//! cluster (EKS), every workflow of every repository on GitHub. A negated
//! condition (`StringNotLike`) pins nothing: it turns a few subjects away
//! and lets every other one in. A `Deny` on every other subject does.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::policy::condition::OperatorKind;
use crate::policy::federation::{self, Provider};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct OidcTrustWithoutSubject;

static META: RuleMeta = RuleMeta {
    name: "oidc-trust-without-subject",
    category: Category::Trust,
    default_severity: Severity::Error,
    summary: "trust admits an OIDC provider without pinning the token's subject",
    docs: include_str!("../../../rules/oidc-trust-without-subject.md"),
};

/// Who a trust without `sub` admits, and how bad that is.
fn admits(provider: Provider, issuer: &str) -> Option<(Severity, String)> {
    let host = issuer.split('/').next().unwrap_or(issuer);
    Some(match provider {
        Provider::Eks => (
            Severity::Error,
            "every service account in every namespace of the EKS cluster behind this provider"
                .into(),
        ),
        Provider::GitHub => (
            Severity::Error,
            "every GitHub Actions workflow of every repository on GitHub".into(),
        ),
        Provider::GitLab if host == "gitlab.com" => (
            Severity::Error,
            "every CI job of every project on gitlab.com".into(),
        ),
        Provider::GitLab => (
            Severity::Warning,
            format!("every CI job of every project on {host}"),
        ),
        Provider::TerraformCloud => (
            Severity::Error,
            "every run of every Terraform Cloud organization".into(),
        ),
        Provider::CircleCi => (
            Severity::Warning,
            "every job of every project in the CircleCI organization".into(),
        ),
        Provider::Bitbucket => (
            Severity::Warning,
            "every pipeline of every repository in the Bitbucket workspace".into(),
        ),
        Provider::Octopus => (
            Severity::Warning,
            "every space, project and environment of the Octopus server".into(),
        ),
        Provider::Generic => (
            Severity::Warning,
            "every identity this provider issues tokens for".into(),
        ),
        // Web identity federation (Cognito, Google, …) is scoped by `aud`:
        // see `oidc-trust-without-audience`.
        Provider::WebIdentity => return None,
    })
}

impl Rule for OidcTrustWithoutSubject {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !federation::allows_web_identity(statement) {
            return;
        }
        for (principal, issuer, provider) in federation::oidc_principals(statement) {
            let subs = federation::claim_conditions(statement, issuer, "sub");
            if subs.iter().any(|c| federation::pins_claim(c)) {
                continue;
            }
            // A positive `StringLike` that pins nothing holds a pattern that
            // matches every subject: `oidc-subject-wildcard` reports it at the
            // pattern, saying what it spans. One finding for one defect.
            let reported_as_wildcard = subs.iter().any(|c| {
                let op = &c.operator.value;
                !op.negated
                    && op.kind == OperatorKind::StringLike
                    && c.values
                        .iter()
                        .any(|v| federation::subject_breadth(provider, &v.value).is_some())
            });
            // A positive `sub` under another issuer keeps these tokens out;
            // a Deny on every other subject pins it.
            if reported_as_wildcard
                || federation::claim_settled_elsewhere(
                    statement,
                    &policy.policy.statements,
                    &principal.value.value,
                    issuer,
                    "sub",
                )
            {
                continue;
            }
            let Some((severity, who)) = admits(provider, issuer) else {
                continue;
            };
            let finding = cx.report_as(
                severity,
                principal.span,
                format!("this trust admits {who}: no condition pins `{issuer}:sub`"),
            );
            if subs.is_empty() {
                finding.label("no `sub` condition for this provider");
            } else {
                finding.label("no `sub` condition for this provider pins a value");
            }
            // What is there excludes a few subjects and admits every other.
            for c in subs.iter().filter(|c| c.operator.value.negated) {
                finding.related(
                    c.operator.span,
                    format!(
                        "`{}` excludes only the subjects it lists",
                        c.operator.value.name
                    ),
                );
            }
            finding.help(format!(
                "add `\"StringEquals\": {{\"{issuer}:sub\": \"{}\"}}` naming the one identity that may assume the role",
                provider.subject_example()
            ));
        }
    }
}
