//! `pod-identity-trust-without-tag-session`: a trust admits EKS Pod
//! Identity (`pods.eks.amazonaws.com`) with `sts:AssumeRole` but not
//! `sts:TagSession`. EKS Pod Identity tags every session (cluster,
//! namespace, service account), so the association fails unless session
//! tags are disabled on it
//! (<https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html>).

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::policy::eval::action_applies;
use crate::policy::principal::PrincipalType;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct PodIdentityTrustWithoutTagSession;

static META: RuleMeta = RuleMeta {
    name: "pod-identity-trust-without-tag-session",
    category: Category::Trust,
    default_severity: Severity::Error,
    summary: "trust admits EKS Pod Identity without `sts:TagSession`",
    docs: include_str!("../../../rules/pod-identity-trust-without-tag-session.md"),
};

/// The service principal of EKS Pod Identity.
pub(crate) const PODS_EKS: &str = "pods.eks.amazonaws.com";

/// Whether `statement` is an Allow naming the Pod Identity service.
pub(crate) fn trusts_pods(statement: &Statement) -> bool {
    statement.is_allow()
        && statement.principals().iter().any(|p| {
            p.value.ty == PrincipalType::Service && p.value.value.eq_ignore_ascii_case(PODS_EKS)
        })
        && statement.principal.as_ref().is_some_and(|e| !e.negated)
}

impl Rule for PodIdentityTrustWithoutTagSession {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, policy: &PolicyDoc, cx: &mut Context<'_>) {
        let pods: Vec<&Statement> = policy
            .policy
            .statements
            .iter()
            .filter(|s| trusts_pods(s))
            .collect();
        if pods
            .iter()
            .any(|s| action_applies(s.action.as_ref(), "sts:TagSession"))
        {
            return;
        }
        for s in pods {
            if !action_applies(s.action.as_ref(), "sts:AssumeRole") {
                continue;
            }
            let Some(actions) = &s.action else { continue };
            cx.report(
                actions.span,
                "EKS Pod Identity tags every session it starts, and this trust does not allow `sts:TagSession`: the association fails",
            )
            .label("no `sts:TagSession`")
            .help("allow both `sts:AssumeRole` and `sts:TagSession` for `pods.eks.amazonaws.com` (only associations created with `disableSessionTags` work without it)");
        }
    }
}
