//! `trust-action-mismatch`: a trust statement whose assume action does not
//! fit its principal. OIDC and web identity principals call
//! `sts:AssumeRoleWithWebIdentity`, SAML providers
//! `sts:AssumeRoleWithSAML`, AWS principals and services `sts:AssumeRole`
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).
//! A statement that allows only another one never lets that principal in.
//!
//! Statements that allow only `sts:TagSession` or `sts:SetSourceIdentity`
//! are not flagged: those are granted alongside an assume action, often in
//! a statement of their own.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::policy::eval::action_applies;
use crate::policy::federation::{self, Federation};
use crate::policy::principal::PrincipalType;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct TrustActionMismatch;

static META: RuleMeta = RuleMeta {
    name: "trust-action-mismatch",
    category: Category::Trust,
    default_severity: Severity::Error,
    summary: "trust statement allows an assume action its principal never calls",
    docs: include_str!("../../../rules/trust-action-mismatch.md"),
};

impl Rule for TrustActionMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, _policy: &PolicyDoc, cx: &mut Context<'_>) {
        // Without a `Principal` (an identity policy's statement) there is
        // no caller to compare with.
        if !statement.is_allow() || statement.principal.is_none() {
            return;
        }
        let Some(actions) = statement.action.as_ref() else {
            return;
        };
        if actions.negated {
            return;
        }
        // The assume actions the statement names, as written.
        let Some(named) = actions.items.iter().find(|a| {
            a.value
                .as_bytes()
                .get(..b"sts:assumerole".len())
                .is_some_and(|p| p.eq_ignore_ascii_case(b"sts:assumerole"))
        }) else {
            return;
        };
        let mut reported = Vec::new();
        for p in statement.principals() {
            let (needed, who) = match p.value.ty {
                PrincipalType::Federated => match federation::classify(&p.value.value) {
                    Federation::Saml => ("sts:AssumeRoleWithSAML", "a SAML provider"),
                    Federation::Oidc { .. } => (
                        "sts:AssumeRoleWithWebIdentity",
                        "an OIDC or web identity provider",
                    ),
                },
                PrincipalType::Aws => ("sts:AssumeRole", "an AWS principal"),
                PrincipalType::Service => ("sts:AssumeRole", "a service principal"),
                _ => continue,
            };
            if action_applies(Some(actions), needed) || reported.contains(&needed) {
                continue;
            }
            reported.push(needed);
            cx.report(
                named.span,
                format!("`{}` is not what {who} calls: it calls `{needed}`, so this statement never lets it in", named.value),
            )
            .label("the wrong assume action")
            .related(p.span, who)
            .help(format!("allow `{needed}` for this principal"));
        }
    }
}
