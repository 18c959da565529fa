//! `launcher-resource-permissions`: a launcher can do more than assume
//! roles. The launcher is what a compromised pod holds; its whole value is
//! that it can only become the deploy roles, so any other permission is
//! reachable without any hop.

use crate::diagnostic::Severity;
use crate::graph::PrincipalGraph;
use crate::graph::intent::LAUNCHER_ACTIONS;
use crate::rules::chain::with_hops;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct LauncherResourcePermissions;

static META: RuleMeta = RuleMeta {
    name: "launcher-resource-permissions",
    category: Category::Chain,
    default_severity: Severity::Warning,
    summary: "a launcher can do more than assume roles",
    docs: include_str!("../../../rules/launcher-resource-permissions.md"),
};

impl Rule for LauncherResourcePermissions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        // Inferred launchers only hold STS actions by definition.
        if !g.intent.declared {
            return;
        }
        for l in &g.intent.launchers {
            let Some(h) = g.holdings(l.node) else {
                continue;
            };
            let name = &g.at(l.node).label;
            for p in h.all() {
                for s in p.policy.statements.iter().filter(|s| s.is_allow()) {
                    let Some(action) = &s.action else { continue };
                    let extra: Vec<_> = if action.negated {
                        vec![action.key]
                    } else {
                        action
                            .items
                            .iter()
                            .filter(|a| {
                                !LAUNCHER_ACTIONS
                                    .iter()
                                    .any(|x| a.value.eq_ignore_ascii_case(x))
                            })
                            .map(|a| a.span)
                            .collect()
                    };
                    for span in extra {
                        let text = cx
                            .sources
                            .get(span.source)
                            .slice(span)
                            .trim_matches('"')
                            .to_string();
                        let f = cx.report(span, format!("launcher `{name}` can also use `{text}` directly, without assuming a deploy role"));
                        f.label("beyond sts:AssumeRole").help(
                            "move this permission to the deploy roles; keep the launcher to sts:AssumeRole and sts:TagSession",
                        );
                        if let Some(at) = l.declared_at {
                            f.related(at, "declared a launcher here");
                        }
                        let entry: Vec<_> = g
                            .incoming(l.node)
                            .into_iter()
                            .map(|(s, _)| s)
                            .take(1)
                            .collect();
                        if let Some(&src) = entry.first() {
                            with_hops(f, g, &[src, l.node]);
                        }
                    }
                }
            }
        }
    }
}
