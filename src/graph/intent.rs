//! Intended chains: which principals are launchers and which deploy roles
//! each is meant to reach. Declared in `.iamchain.yaml` (`launchers:`), or,
//! without a declaration, inferred: a role that a workload obtains (through
//! EKS Pod Identity, IRSA or another service) and whose permissions are only
//! STS calls is a launcher, and the roles it can assume are its deploy roles.
//! Rules say which of the two they reasoned from.

use petgraph::stable_graph::NodeIndex;

use crate::config::Config;
use crate::graph::{NodeKind, PrincipalGraph};
use crate::policy::eval;
use crate::source::Span;

/// One launcher and its deploy roles.
#[derive(Clone, Debug)]
pub struct Launcher {
    /// The launcher's node.
    pub node: NodeIndex,
    /// The deploy roles it is meant to reach.
    pub reaches: Vec<NodeIndex>,
    /// Where the config declares it (`None`: inferred).
    pub declared_at: Option<Span>,
}

/// The intended chains of a run.
#[derive(Clone, Debug, Default)]
pub struct Intent {
    /// Launchers, declared or inferred.
    pub launchers: Vec<Launcher>,
    /// Whether they come from the config (else inferred).
    pub declared: bool,
}

impl Intent {
    /// The launcher entry for a node.
    pub fn launcher(&self, node: NodeIndex) -> Option<&Launcher> {
        self.launchers.iter().find(|l| l.node == node)
    }

    /// Whether `node` is a deploy role some launcher is meant to reach.
    pub fn is_deploy_role(&self, node: NodeIndex) -> bool {
        self.launchers.iter().any(|l| l.reaches.contains(&node))
    }

    /// "declared in .iamchain.yaml" or "inferred", for messages.
    pub fn provenance(&self) -> &'static str {
        if self.declared {
            "as declared in .iamchain.yaml"
        } else {
            "inferred: no `launchers:` in .iamchain.yaml"
        }
    }
}

/// STS actions a launcher may hold: it exists to become other roles.
pub const LAUNCHER_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
    "sts:GetCallerIdentity",
];

/// Find a role node by ARN or by role name.
fn lookup(g: &PrincipalGraph<'_>, name: &str) -> Option<NodeIndex> {
    g.find(name).or_else(|| {
        g.nodes().find(|&i| {
            matches!(g.at(i).kind, NodeKind::Role | NodeKind::User) && g.at(i).label == name
        })
    })
}

/// Resolve the intent from the config, or infer it.
pub fn resolve(g: &PrincipalGraph<'_>, config: &Config) -> Intent {
    if !config.launchers.is_empty() {
        let launchers = config
            .launchers
            .iter()
            .filter_map(|l| {
                Some(Launcher {
                    node: lookup(g, &l.principal.value)?,
                    reaches: l
                        .reaches
                        .iter()
                        .filter_map(|r| lookup(g, &r.value))
                        .collect(),
                    declared_at: Some(l.principal.span),
                })
            })
            .collect();
        return Intent {
            launchers,
            declared: true,
        };
    }
    let launchers = g
        .nodes()
        .filter(|&i| g.at(i).kind == NodeKind::Role && is_workload_role(g, i) && only_sts(g, i))
        .map(|i| Launcher {
            node: i,
            reaches: g
                .outgoing(i)
                .into_iter()
                .filter(|(t, _)| g.at(*t).kind == NodeKind::Role)
                .map(|(t, _)| t)
                .collect(),
            declared_at: None,
        })
        .filter(|l| !l.reaches.is_empty())
        .collect();
    Intent {
        launchers,
        declared: false,
    }
}

/// Whether a workload (a service or an identity provider) obtains this role.
pub fn is_workload_role(g: &PrincipalGraph<'_>, i: NodeIndex) -> bool {
    g.incoming(i)
        .iter()
        .any(|(s, _)| matches!(g.at(*s).kind, NodeKind::Service | NodeKind::Federated))
}

/// Whether every Allow of the principal's policies is an STS action a
/// launcher needs (and there is at least one).
fn only_sts(g: &PrincipalGraph<'_>, i: NodeIndex) -> bool {
    let Some(h) = g.holdings(i) else { return false };
    let mut any = false;
    for p in h.all() {
        for s in p.policy.statements.iter().filter(|s| s.is_allow()) {
            let Some(action) = &s.action else { continue };
            if action.negated {
                return false;
            }
            for a in &action.items {
                if !LAUNCHER_ACTIONS
                    .iter()
                    .any(|l| a.value.eq_ignore_ascii_case(l))
                {
                    return false;
                }
                any |= eval::action_applies(Some(action), "sts:AssumeRole");
            }
        }
    }
    any
}
