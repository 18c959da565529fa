//! `scp-principal-arn-chain`: an SCP condition on `aws:PrincipalArn` meets a
//! chain of roles. `aws:PrincipalArn` is the caller *at each hop* — after
//! the launcher assumes a deploy role, the deploy role is the caller — so an
//! SCP written for the launcher's ARN stops the later hops of its own chain.

use crate::diagnostic::Severity;
use crate::graph::{PrincipalGraph, Side, paths};
use crate::rules::chain::{describe_path, with_hops};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct ScpPrincipalArnChain;

static META: RuleMeta = RuleMeta {
    name: "scp-principal-arn-chain",
    category: Category::Chain,
    default_severity: Severity::Error,
    summary: "an SCP's aws:PrincipalArn condition breaks a role chain",
    docs: include_str!("../../../rules/scp-principal-arn-chain.md"),
};

impl Rule for ScpPrincipalArnChain {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        for hop in g.broken.iter().filter(|h| h.missing == Side::Scp) {
            let Some(account) = g.at(hop.source).account.clone() else {
                continue;
            };
            // Only SCPs that condition on the caller's ARN.
            let conditioned = g.org_policies(&account).iter().any(|p| {
                p.statements
                    .iter()
                    .any(|s| s.conditions.iter().any(|c| c.key_is("aws:PrincipalArn")))
            });
            if !conditioned {
                continue;
            }
            // The caller at this hop was itself reached by role chaining:
            // an `sts:AssumeRole` from another role or user, not credentials
            // a workload got directly.
            let chained = g.incoming(hop.source).iter().any(|(s, e)| {
                e.mechanism == crate::graph::Mechanism::AssumeRole
                    && matches!(
                        g.at(*s).kind,
                        crate::graph::NodeKind::Role | crate::graph::NodeKind::User
                    )
            });
            if !chained {
                continue;
            }
            let Some(path) = paths::sources_of(g, hop.source)
                .into_iter()
                .min_by_key(Vec::len)
            else {
                continue;
            };
            let mut full = path.clone();
            full.push(hop.target);
            let Some(at) = &hop.missing_at else { continue };
            let f = cx.report(
                at.span,
                format!(
                    "this SCP tests `aws:PrincipalArn`, which is `{}` at the hop to `{}`, not the start of the chain: {}",
                    g.at(hop.source).label,
                    g.at(hop.target).label,
                    describe_path(g, &full)
                ),
            );
            f.label("evaluated with the caller of each hop").help(
                "list every role of the chain that makes the call in the condition, or condition on a session tag that chaining carries",
            );
            with_hops(f, g, &path);
            f.related(hop.present.span, "the hop the SCP stops");
        }
    }
}
