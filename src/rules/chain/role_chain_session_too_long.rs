//! `role-chain-session-too-long`: a role reachable only by role chaining
//! has a `MaxSessionDuration` above one hour. AWS caps a chained session at
//! one hour whatever the role says
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining>),
//! so a deploy that counts on the longer session fails midway.

use crate::diagnostic::Severity;
use crate::graph::{NodeKind, PrincipalGraph};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct RoleChainSessionTooLong;

static META: RuleMeta = RuleMeta {
    name: "role-chain-session-too-long",
    category: Category::Chain,
    default_severity: Severity::Warning,
    summary: "a chained role asks for sessions longer than the one-hour cap",
    docs: include_str!("../../../rules/role-chain-session-too-long.md"),
};

impl Rule for RoleChainSessionTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        // Any definition of a role may carry it: `aws iam get-role` output
        // does, an account export of the same role beside it does not.
        let mut durations: std::collections::BTreeMap<&str, &crate::source::Spanned<u32>> =
            std::collections::BTreeMap::new();
        for (_, d) in g.principals.iter().filter_map(|p| p.definition) {
            if let (Some(arn), Some(max)) = (d.arn.as_deref(), d.max_session_duration.as_ref()) {
                durations.entry(arn).or_insert(max);
            }
        }
        for (arn, max) in durations {
            let Some(n) = g.find(arn) else { continue };
            if max.value <= 3600 {
                continue;
            }
            let incoming = g.incoming(n);
            // Only role sessions assume it: every use is a chained session.
            // Only `sts:AssumeRole` from role sessions is chaining; a role a
            // service runs (passed with `iam:PassRole`) gets full sessions.
            let chained_only = !incoming.is_empty()
                && incoming.iter().all(|(s, e)| {
                    g.at(*s).kind == NodeKind::Role
                        && e.mechanism == crate::graph::Mechanism::AssumeRole
                });
            if !chained_only {
                continue;
            }
            let f = cx.report(
                max.span,
                format!(
                    "`{}` allows {}-hour sessions, but it is only reached by role chaining, which AWS caps at one hour",
                    g.at(n).label,
                    max.value / 3600
                ),
            );
            f.label("never usable beyond 3600").help(
                "set MaxSessionDuration to 3600, or let the workload assume this role directly",
            );
            for (s, e) in incoming {
                if let Some(t) = &e.trust {
                    f.related(t.span, format!("chained from `{}`", g.at(s).label));
                }
            }
        }
    }
}
