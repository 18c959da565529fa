//! `pod-identity-chain-tag-session`: a chain that starts from EKS Pod
//! Identity reaches a role whose trust policy does not allow
//! `sts:TagSession`. Pod Identity sets session tags that are transitive, so
//! every later `sts:AssumeRole` in the chain passes them on and needs
//! `sts:TagSession` in the next role's trust, or the hop is denied
//! (<https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html>).

use crate::diagnostic::Severity;
use crate::graph::{Mechanism, PrincipalGraph, paths};
use crate::rules::chain::{describe_path, edge, with_hops};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct PodIdentityChainTagSession;

static META: RuleMeta = RuleMeta {
    name: "pod-identity-chain-tag-session",
    category: Category::Chain,
    default_severity: Severity::Error,
    summary: "a pod identity chain reaches a trust without sts:TagSession",
    docs: include_str!("../../../rules/pod-identity-chain-tag-session.md"),
};

impl Rule for PodIdentityChainTagSession {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        let Some(start) = g.find("service:pods.eks.amazonaws.com") else {
            return;
        };
        for (target, path) in paths::reachable(g, start) {
            // Report each failing hop once, at the last hop of its shortest path.
            let [.., a, b] = path[..] else { continue };
            let Some(e) = edge(g, a, b) else { continue };
            if e.mechanism != Mechanism::AssumeRole || e.tag_session {
                continue;
            }
            let Some(at) = &e.trust else { continue };
            let f = cx.report(
                at.span,
                format!(
                    "`{}` does not allow `sts:TagSession` for `{}`, so the transitive session tags of EKS Pod Identity make this hop fail: {}",
                    g.at(target).label,
                    g.at(a).label,
                    describe_path(g, &path)
                ),
            );
            f.label("needs sts:TagSession")
                .help("add \"sts:TagSession\" to the Action of this trust statement");
            with_hops(f, g, &path);
        }
    }
}
