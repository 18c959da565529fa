//! `chain-to-admin`: a workload (a pod, an instance, a CI job) can reach,
//! through any chain of roles, a principal with administrator-equivalent
//! rights: `*` on `*`, or a policy-writing action that grants itself the rest.

use petgraph::stable_graph::NodeIndex;

use crate::diagnostic::Severity;
use crate::graph::{NodeKind, PrincipalGraph, paths};
use crate::policy::condition::RequestContext;
use crate::policy::eval::{self, Decision, Request};
use crate::rules::chain::{describe_path, is_certain, with_hops};
use crate::rules::{Category, Context, Rule, RuleMeta};
use crate::source::Span;

pub(crate) struct ChainToAdmin;

static META: RuleMeta = RuleMeta {
    name: "chain-to-admin",
    category: Category::Chain,
    default_severity: Severity::Error,
    summary: "a workload can reach administrator-equivalent rights",
    docs: include_str!("../../../rules/chain-to-admin.md"),
};

/// Actions that make a principal administrator-equivalent: with any of them
/// on every resource it can grant itself everything else.
const ADMIN_EQUIVALENT: &[&str] = &[
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:CreatePolicyVersion",
    "iam:UpdateAssumeRolePolicy",
];

impl Rule for ChainToAdmin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        let workloads: Vec<NodeIndex> = g
            .nodes()
            .filter(|&n| matches!(g.at(n).kind, NodeKind::Service | NodeKind::Federated))
            .collect();
        // Which admin-equivalent actions each AWS managed policy's Allows
        // name: computed once per policy, not once per principal holding it
        // (thousands of roles share `ReadOnlyAccess`).
        let mut managed_cover: std::collections::HashMap<String, u64> =
            std::collections::HashMap::new();
        // A role every workload reaches (a shared deploy role) is judged
        // once, not once per workload.
        let mut judged: std::collections::HashMap<NodeIndex, Option<(&'static str, Span)>> =
            std::collections::HashMap::new();
        for start in workloads {
            for (target, path) in paths::reachable(g, start) {
                let grant = *judged
                    .entry(target)
                    .or_insert_with(|| admin_grant(g, target, &mut managed_cover));
                let Some((action, span)) = grant else {
                    continue;
                };
                let may = if is_certain(g, &path) { "can" } else { "may" };
                let f = cx.report(
                    span,
                    format!(
                        "workload `{}` {may} reach `{}`, which holds `{action}` on every resource: {}",
                        g.at(start).label,
                        g.at(target).label,
                        describe_path(g, &path)
                    ),
                );
                f.label("administrator-equivalent").help(
                    "scope this role's permissions to what it deploys, or cut the chain that reaches it",
                );
                with_hops(f, g, &path);
            }
        }
    }
}

/// The administrator-equivalent action a node's policies allow on every
/// resource, with the span of the statement's action that grants it.
fn admin_grant(
    g: &PrincipalGraph<'_>,
    n: NodeIndex,
    managed_cover: &mut std::collections::HashMap<String, u64>,
) -> Option<(&'static str, Span)> {
    let h = g.holdings(n)?;
    // Only an Allow that can name an IAM action can grant one: skip the
    // evaluations for the (many) principals whose policies name none.
    let could = h.all().any(|p| {
        p.policy
            .statements
            .iter()
            .any(|s| s.is_allow() && s.may_name_service(&["iam"]))
    });
    if !could {
        return None;
    }
    // Which admin-equivalent actions some Allow names at all: bit k for
    // `ADMIN_EQUIVALENT[k]`.
    let cover = |p: &crate::load::PolicyDoc| {
        p.policy
            .statements
            .iter()
            .filter(|s| s.is_allow())
            .filter_map(|s| s.action.as_ref())
            .fold(0, |bits, e| {
                bits | eval::actions_applying(e, ADMIN_EQUIVALENT)
            })
    };
    let mut named = h.policies.iter().fold(0, |bits, p| bits | cover(p));
    for m in &h.managed {
        named |= *managed_cover
            .entry(m.arn.clone())
            .or_insert_with(|| cover(&m.policy));
    }
    let account = g.at(n).account.clone().unwrap_or_else(|| "*".into());
    let ctx = RequestContext::new();
    let resource = format!("arn:aws:iam::{account}:role/any");
    for (k, action) in ADMIN_EQUIVALENT.iter().enumerate() {
        if named & (1 << k) == 0 {
            continue;
        }
        let request = Request {
            action,
            resource: &resource,
            caller: None,
            context: &ctx,
        };
        if eval::evaluate(h.all().map(|p| &p.policy), &request) != Decision::Allowed {
            continue;
        }
        let grants = |p: &crate::load::PolicyDoc| {
            p.policy.statements.iter().find_map(|s| {
                (s.is_allow()
                    && eval::statement_applies(s, &request) != crate::policy::condition::Tri::False)
                    .then(|| {
                        s.action
                            .as_ref()
                            .map(|a| a.items.first().map_or(a.key, |i| i.span))
                    })
                    .flatten()
            })
        };
        // Point at the user's own text: the statement in their policy, or
        // where they attach an AWS managed policy that grants it.
        let span = h.policies.iter().find_map(|p| grants(p)).or_else(|| {
            h.managed
                .iter()
                .find(|m| grants(&m.policy).is_some())
                .map(|m| m.span)
        })?;
        return Some((action, span));
    }
    None
}
