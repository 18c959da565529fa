//! `imds-reachable-from-pods`: a launch template for nodes lets pods reach
//! the instance metadata service: `HttpTokens: optional` (IMDSv1, no hop
//! limit applies) or `HttpPutResponseHopLimit` of 2 or more (an IMDSv2
//! token reaches a pod's own network namespace). Every pod then can take
//! the node role's credentials, whatever its own IRSA or Pod Identity role
//! is (<https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html>).
//! How much that gives away is `node-role-too-broad`'s question.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct ImdsReachableFromPods;

static META: RuleMeta = RuleMeta {
    name: "imds-reachable-from-pods",
    category: Category::Kubernetes,
    default_severity: Severity::Warning,
    summary: "node launch template lets pods reach the instance metadata service",
    docs: include_str!("../../../rules/imds-reachable-from-pods.md"),
};

impl Rule for ImdsReachableFromPods {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for lt in &document.launch_templates {
            if lt
                .http_endpoint
                .as_ref()
                .is_some_and(|e| e.value.eq_ignore_ascii_case("disabled"))
            {
                continue;
            }
            let name = match (&lt.name, &lt.version) {
                (Some(n), Some(v)) => format!("launch template `{}` version {v}", n.value),
                (Some(n), None) => format!("launch template `{}`", n.value),
                _ => "this launch template".to_string(),
            };
            if let Some(tokens) = lt
                .http_tokens
                .as_ref()
                .filter(|t| t.value.eq_ignore_ascii_case("optional"))
            {
                cx.report(
                    tokens.span,
                    format!("{name} allows IMDSv1: any pod on these nodes can read the node role's credentials"),
                )
                .label("IMDSv1 allowed")
                .help("set `HttpTokens: required` and `HttpPutResponseHopLimit: 1`");
                continue;
            }
            if let Some(hop) = lt.hop_limit.as_ref().filter(|h| h.value >= 2) {
                cx.report(
                    hop.span,
                    format!("{name} sets a hop limit of {}: an IMDSv2 token reaches pods, which can read the node role's credentials", hop.value),
                )
                .label("reaches pods")
                .help("set `HttpPutResponseHopLimit: 1` (pods with `hostNetwork` still reach it) and give pods their own role through IRSA or Pod Identity");
            }
        }
    }
}
