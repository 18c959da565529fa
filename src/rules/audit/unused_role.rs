//! `unused-role`: a role that a workload can reach has not been used within
//! the audit window (90 days before the newest use recorded in the inputs),
//! or never: standing access nobody needs.
//!
//! The reference date is the newest `RoleLastUsed` in the exports, not the
//! clock, so the same exports always give the same findings.

use crate::diagnostic::Severity;
use crate::graph::{NodeKind, PrincipalGraph, paths};
use crate::policy::condition::parse_date;
use crate::rules::chain::describe_path;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct UnusedRole;

static META: RuleMeta = RuleMeta {
    name: "unused-role",
    category: Category::Audit,
    default_severity: Severity::Warning,
    summary: "a reachable role has not been used within the audit window",
    docs: include_str!("../../../rules/unused-role.md"),
};

/// Days without use after which a role counts as unused.
const WINDOW_DAYS: f64 = 90.0;

impl Rule for UnusedRole {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        let recorded = |n| g.at(n).definition.and_then(|d| d.last_used.as_deref());
        let used = |n| recorded(n).and_then(parse_date);
        // Only exports record use: without any, there is nothing to judge by.
        let Some(newest) = g.nodes().filter_map(used).reduce(f64::max) else {
            return;
        };
        let workloads: Vec<_> = g
            .nodes()
            .filter(|&n| matches!(g.at(n).kind, NodeKind::Service | NodeKind::Federated))
            .collect();
        // What each workload reaches, searched once and only if some role
        // is stale: not once per stale role.
        let mut reach: Option<Vec<_>> = None;
        for n in g.nodes().filter(|&n| g.at(n).kind == NodeKind::Role) {
            let Some(def) = g.at(n).definition else {
                continue;
            };
            let stale = match used(n) {
                None if recorded(n) == Some("") => Some("has never been used".to_string()),
                None => None,
                Some(t) if newest - t > WINDOW_DAYS * 86_400.0 => Some(format!(
                    "was last used {} days before the newest use in these exports",
                    ((newest - t) / 86_400.0) as u64
                )),
                Some(_) => None,
            };
            let Some(stale) = stale else { continue };
            let Some(path) = reach
                .get_or_insert_with(|| workloads.iter().map(|&w| paths::reachable(g, w)).collect())
                .iter()
                .find_map(|r| r.get(&n))
            else {
                continue;
            };
            cx.report(
                def.name.span,
                format!(
                    "role `{}` {stale}, yet a workload can reach it: {}",
                    def.name.value,
                    describe_path(g, path)
                ),
            )
            .label("standing access nobody uses")
            .help("delete the role, or remove the trust that makes it reachable");
        }
    }
}
