//! `unintended-chain`: a principal can reach a deploy role that the intent
//! does not give it — another principal reaching the Prod deploy role, or a
//! launcher reaching a role it is not meant to.

use crate::diagnostic::Severity;
use crate::graph::{NodeKind, PrincipalGraph, paths};
use crate::rules::chain::{describe_path, with_hops};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct UnintendedChain;

static META: RuleMeta = RuleMeta {
    name: "unintended-chain",
    category: Category::Chain,
    default_severity: Severity::Error,
    summary: "a principal can reach a deploy role it is not meant to",
    docs: include_str!("../../../rules/unintended-chain.md"),
};

impl Rule for UnintendedChain {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        let intent = &g.intent;
        let deploy_roles: Vec<_> = g.nodes().filter(|&n| intent.is_deploy_role(n)).collect();
        for target in deploy_roles {
            for (caller, edge) in g.incoming(target) {
                // Rewriting a role's trust needs IAM write access: that is
                // chain-to-admin's finding, not a chain the trust set up.
                if edge.mechanism == crate::graph::Mechanism::TrustRewrite {
                    continue;
                }
                let meant = intent
                    .launcher(caller)
                    .is_some_and(|l| l.reaches.contains(&target));
                if meant || g.at(caller).kind == NodeKind::External && g.at(caller).id == "*" {
                    continue;
                }
                let Some(at) = edge.trust.as_ref().or(edge.identity.as_ref()) else {
                    continue;
                };
                // Show how the caller is reached itself, when a chain leads to it.
                // Prefer a chain that starts at a workload (a service or an
                // identity provider): that is how the caller gets its
                // credentials in practice.
                let mut path = paths::sources_of(g, caller)
                    .into_iter()
                    .min_by_key(|p| {
                        let workload = p.first().is_some_and(|&n| {
                            matches!(g.at(n).kind, NodeKind::Service | NodeKind::Federated)
                        });
                        (!workload, p.len())
                    })
                    .unwrap_or_else(|| vec![caller]);
                path.push(target);
                let (c, t) = (&g.at(caller).label, &g.at(target).label);
                let why = match intent.launcher(caller) {
                    Some(_) => format!("launcher `{c}` is not meant to reach `{t}`"),
                    None => format!("`{c}` is not a launcher meant to reach `{t}`"),
                };
                let may = if edge.is_conditional() { "may" } else { "can" };
                let how = match edge.mechanism {
                    crate::graph::Mechanism::AssumeRole => "assume".to_string(),
                    other => format!("obtain (through {})", other.as_str()),
                };
                let f = cx.report(
                    at.span,
                    format!(
                        "`{c}` {may} {how} deploy role `{t}`: {why} ({})",
                        intent.provenance()
                    ),
                );
                f.label("admits a principal the intent does not list");
                f.help(format!(
                    "remove `{}` from `{t}`'s trust policy, or list it under `launchers:` in .iamchain.yaml if it is meant to deploy",
                    g.at(caller).id
                ));
                f.related.push(crate::diagnostic::Label::new(
                    at.span,
                    format!("chain: {}", describe_path(g, &path)),
                ));
                with_hops(f, g, &path);
            }
        }
    }
}
