//! `irsa-trust-mismatch`: a ServiceAccount's `eks.amazonaws.com/role-arn`
//! names a role whose trust policy (loaded in the same run) does not admit
//! `system:serviceaccount:<namespace>:<name>` through an EKS OIDC provider:
//! the pods' `AssumeRoleWithWebIdentity` fails and the deploy breaks.
//!
//! The trust is evaluated for each EKS provider it names, with the token's
//! `sub` and `aud` claims set and every other key unknown; only a certain
//! "no" is reported. The manifest does not say which cluster it is applied
//! to, so any EKS provider in the trust that admits the account counts.
//! ServiceAccounts without a namespace (left to `kubectl -n`) and roles
//! whose trust is not among the inputs are skipped.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::policy::condition::RequestContext;
use crate::policy::eval::{self, Caller, Decision, Request};
use crate::policy::federation::{self, Federation, Provider};
use crate::policy::principal::PrincipalType;
use crate::rules::kubernetes::{role_name, role_trusts};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct IrsaTrustMismatch;

static META: RuleMeta = RuleMeta {
    name: "irsa-trust-mismatch",
    category: Category::Kubernetes,
    default_severity: Severity::Error,
    summary: "role annotated on a ServiceAccount does not trust that service account",
    docs: include_str!("../../../rules/irsa-trust-mismatch.md"),
};

impl Rule for IrsaTrustMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_run(&self, documents: &[Document], cx: &mut Context<'_>) {
        for sa in documents.iter().flat_map(|d| &d.service_accounts) {
            let (Some(role), Some(ns)) = (&sa.role_arn, &sa.namespace) else {
                continue;
            };
            let trusts = role_trusts(documents, cx.sources, &role.value);
            if trusts.is_empty() {
                continue;
            }
            let subject = format!("system:serviceaccount:{}:{}", ns.value, sa.name.value);
            let audience = sa
                .audience
                .as_ref()
                .map_or("sts.amazonaws.com", |a| a.value.as_str());
            for trust in trusts {
                let providers: Vec<(&str, &str)> = trust
                    .policy
                    .statements
                    .iter()
                    .flat_map(|s| s.principals())
                    .filter(|p| p.value.ty == PrincipalType::Federated)
                    .filter_map(|p| match federation::classify(&p.value.value) {
                        Federation::Oidc {
                            issuer,
                            provider: Provider::Eks,
                        } => Some((p.value.value.as_str(), issuer)),
                        _ => None,
                    })
                    .collect();
                let admitted = providers.iter().any(|(arn, issuer)| {
                    let ctx = RequestContext::new()
                        .with(&format!("{issuer}:sub"), &subject)
                        .with(&format!("{issuer}:aud"), audience);
                    let decision = eval::evaluate(
                        [&trust.policy],
                        &Request {
                            action: "sts:AssumeRoleWithWebIdentity",
                            resource: &role.value,
                            caller: Some(Caller::Federated(arn)),
                            context: &ctx,
                        },
                    );
                    matches!(decision, Decision::Allowed | Decision::Conditional)
                });
                if admitted {
                    continue;
                }
                let why = if providers.is_empty() {
                    "trusts no EKS OIDC provider".to_string()
                } else {
                    format!("does not admit `{subject}` with audience `{audience}`")
                };
                cx.report(
                    role.span,
                    format!(
                        "the trust policy of role `{}` {why}: pods using service account `{}/{}` cannot assume it",
                        role_name(&role.value),
                        ns.value,
                        sa.name.value
                    ),
                )
                .label("this role")
                .related(trust.policy.span, "the role's trust policy")
                .help(format!(
                    "allow `sts:AssumeRoleWithWebIdentity` for the cluster's OIDC provider with `StringEquals` on `<issuer>:sub` = `{subject}` and `<issuer>:aud` = `{audience}`"
                ));
            }
        }
    }
}
