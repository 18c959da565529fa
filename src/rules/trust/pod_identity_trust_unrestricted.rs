//! `pod-identity-trust-unrestricted`: a trust admits EKS Pod Identity
//! (`pods.eks.amazonaws.com`) with no condition on the account, cluster,
//! namespace or service account: any Pod Identity association in the
//! account (any cluster, any namespace) can be pointed at this role by
//! whoever may call `eks:CreatePodIdentityAssociation` and pass it. A note;
//! a warning when the role is in a Prod account.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::model::Environment;
use crate::policy::{Statement, scope};
use crate::rules::trust::pod_identity_trust_without_tag_session::trusts_pods;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct PodIdentityTrustUnrestricted;

static META: RuleMeta = RuleMeta {
    name: "pod-identity-trust-unrestricted",
    category: Category::Trust,
    default_severity: Severity::Note,
    summary: "trust admits EKS Pod Identity for any cluster, namespace and service account",
    docs: include_str!("../../../rules/pod-identity-trust-unrestricted.md"),
};

/// Keys that narrow a Pod Identity trust.
const NARROWING: &[&str] = &[
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:RequestTag/eks-cluster-arn",
    "aws:RequestTag/eks-cluster-name",
    "aws:RequestTag/kubernetes-namespace",
    "aws:RequestTag/kubernetes-service-account",
];

impl Rule for PodIdentityTrustUnrestricted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !trusts_pods(statement) {
            return;
        }
        let narrowed = statement
            .conditions
            .iter()
            .any(|c| NARROWING.iter().any(|k| c.key_is(k)) && scope::is_restrictive(c));
        if narrowed {
            return;
        }
        let Some(principal) = statement
            .principals()
            .iter()
            .find(|p| p.value.value.eq_ignore_ascii_case("pods.eks.amazonaws.com"))
        else {
            return;
        };
        let prod = policy
            .account
            .as_deref()
            .is_some_and(|a| cx.config.environment(a) == Some(Environment::Prod));
        let severity = if prod {
            Severity::Warning
        } else {
            Severity::Note
        };
        let where_ = match policy.account.as_deref() {
            Some(a) if prod => format!(" in Prod account {}", cx.config.describe_account(a)),
            _ => String::new(),
        };
        cx.report_as(
            severity,
            principal.span,
            format!("any Pod Identity association in the account, for any cluster, namespace and service account, can use this role{where_}"),
        )
        .label("no cluster, namespace or service account condition")
        .help("add `StringEquals` conditions on `aws:RequestTag/eks-cluster-arn`, `aws:RequestTag/kubernetes-namespace` and `aws:RequestTag/kubernetes-service-account`");
    }
}
