//! `pod-identity-trust-mismatch`: a Pod Identity association names a role
//! whose trust policy (loaded in the same run) does not let
//! `pods.eks.amazonaws.com` call `sts:AssumeRole` and `sts:TagSession`
//! (only `sts:AssumeRole` when the association disables session tags): the
//! pods get no credentials.
//!
//! The trust is evaluated with the session tags EKS sets (cluster name and
//! ARN, namespace, service account) and the cluster's account as
//! `aws:SourceAccount` where the association says them; other keys are
//! unknown and only a certain "no" is reported.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::policy::arn::Arn;
use crate::policy::condition::RequestContext;
use crate::policy::eval::{self, Caller, Decision, Request};
use crate::rules::kubernetes::{role_name, role_trusts};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct PodIdentityTrustMismatch;

static META: RuleMeta = RuleMeta {
    name: "pod-identity-trust-mismatch",
    category: Category::Kubernetes,
    default_severity: Severity::Error,
    summary: "role of a Pod Identity association does not trust EKS Pod Identity",
    docs: include_str!("../../../rules/pod-identity-trust-mismatch.md"),
};

impl Rule for PodIdentityTrustMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_run(&self, documents: &[Document], cx: &mut Context<'_>) {
        for a in documents.iter().flat_map(|d| &d.pod_identity_associations) {
            let Some(role) = &a.role_arn else { continue };
            let trusts = role_trusts(documents, cx.sources, &role.value);
            if trusts.is_empty() {
                continue;
            }
            let mut ctx = RequestContext::new();
            let parsed = a
                .association_arn
                .as_ref()
                .and_then(|x| Arn::parse(&x.value));
            if let Some(p) = &parsed
                && !p.account.is_empty()
            {
                ctx = ctx.with("aws:SourceAccount", p.account);
            }
            if a.disable_session_tags {
                for k in [
                    "aws:RequestTag/eks-cluster-arn",
                    "aws:RequestTag/eks-cluster-name",
                    "aws:RequestTag/kubernetes-namespace",
                    "aws:RequestTag/kubernetes-service-account",
                ] {
                    ctx = ctx.without(k);
                }
            } else {
                if let Some(c) = &a.cluster {
                    ctx = ctx.with("aws:RequestTag/eks-cluster-name", &c.value);
                    if let Some(p) = &parsed {
                        ctx = ctx.with(
                            "aws:RequestTag/eks-cluster-arn",
                            &format!(
                                "arn:{}:eks:{}:{}:cluster/{}",
                                p.partition, p.region, p.account, c.value
                            ),
                        );
                    }
                }
                if let Some(ns) = &a.namespace {
                    ctx = ctx.with("aws:RequestTag/kubernetes-namespace", &ns.value);
                }
                if let Some(sa) = &a.service_account {
                    ctx = ctx.with("aws:RequestTag/kubernetes-service-account", &sa.value);
                }
            }
            let actions: &[&str] = if a.disable_session_tags {
                &["sts:AssumeRole"]
            } else {
                &["sts:AssumeRole", "sts:TagSession"]
            };
            for trust in trusts {
                let denied: Vec<&str> = actions
                    .iter()
                    .copied()
                    .filter(|action| {
                        matches!(
                            eval::evaluate(
                                [&trust.policy],
                                &Request {
                                    action,
                                    resource: &role.value,
                                    caller: Some(Caller::Service("pods.eks.amazonaws.com")),
                                    context: &ctx,
                                },
                            ),
                            Decision::ImplicitDeny | Decision::ExplicitDeny
                        )
                    })
                    .collect();
                if denied.is_empty() {
                    continue;
                }
                let who = match (&a.namespace, &a.service_account) {
                    (Some(ns), Some(sa)) => format!("service account `{}/{}`", ns.value, sa.value),
                    _ => "this association".to_string(),
                };
                let list = denied
                    .iter()
                    .map(|d| format!("`{d}`"))
                    .collect::<Vec<_>>()
                    .join(" and ");
                cx.report(
                    role.span,
                    format!(
                        "the trust policy of role `{}` does not let `pods.eks.amazonaws.com` call {list}: pods of {who} get no credentials",
                        role_name(&role.value)
                    ),
                )
                .label("this role")
                .related(trust.policy.span, "the role's trust policy")
                .help("allow `sts:AssumeRole` and `sts:TagSession` for the service principal `pods.eks.amazonaws.com`");
            }
        }
    }
}
