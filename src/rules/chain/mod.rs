//! Rules about chains: launcher → deploy-role paths across files and
//! accounts, read from the principal graph. Every chain finding lists each
//! hop, in order, as a related label with its file and line.

pub mod broken_chain;
pub mod chain_to_admin;
pub mod launcher_resource_permissions;
pub mod pod_identity_chain_tag_session;
pub mod role_chain_session_too_long;
pub mod scp_management_account;
pub mod scp_principal_arn_chain;
pub mod unintended_chain;

use petgraph::stable_graph::NodeIndex;

use crate::diagnostic::{Finding, Label};
use crate::graph::{Edge, PrincipalGraph};

/// The edge `from → to`, preferring an unconditional one.
pub(crate) fn edge<'g>(
    g: &'g PrincipalGraph<'_>,
    from: NodeIndex,
    to: NodeIndex,
) -> Option<&'g Edge> {
    use petgraph::Direction::{Incoming, Outgoing};
    use petgraph::visit::EdgeRef;
    // A service trusted by 25,000 roles has 25,000 edges out, and a role
    // trusted by anyone as many in: walk both sides in step and stop at the
    // end of the shorter, which holds every edge between the two.
    let pick = |found: Vec<&'g Edge>| {
        found
            .into_iter()
            .min_by_key(|e| (e.is_conditional(), e.mechanism))
    };
    let (mut out, mut inc) = (
        g.graph.edges_directed(from, Outgoing),
        g.graph.edges_directed(to, Incoming),
    );
    let (mut via_out, mut via_in) = (Vec::new(), Vec::new());
    loop {
        match out.next() {
            None => return pick(via_out),
            Some(e) if e.target() == to => via_out.push(e.weight()),
            Some(_) => {}
        }
        match inc.next() {
            None => return pick(via_in),
            Some(e) if e.source() == from => via_in.push(e.weight()),
            Some(_) => {}
        }
    }
}

/// `A → B → C`, with node labels.
pub(crate) fn describe_path(g: &PrincipalGraph<'_>, path: &[NodeIndex]) -> String {
    path.iter()
        .map(|&n| format!("`{}`", g.at(n).label))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// One related label per hop of `path`, in order: where the target trusts
/// the caller, and where the caller's policy allows the call.
pub(crate) fn hop_labels(g: &PrincipalGraph<'_>, path: &[NodeIndex]) -> Vec<Label> {
    let mut out = Vec::new();
    for w in path.windows(2) {
        let (a, b) = (w[0], w[1]);
        let Some(e) = edge(g, a, b) else { continue };
        let cond = if e.is_conditional() {
            format!(" if {}", e.conditions.join(", "))
        } else {
            String::new()
        };
        let text = format!(
            "`{}` → `{}` ({}{cond})",
            g.at(a).label,
            g.at(b).label,
            e.mechanism.as_str()
        );
        if let Some(identity) = &e.identity {
            out.push(Label::new(
                identity.span,
                format!("{text}: the caller's policy allows it here"),
            ));
        }
        if let Some(trust) = &e.trust {
            out.push(Label::new(
                trust.span,
                format!("{text}: the role's trust policy admits the caller here"),
            ));
        }
    }
    out
}

/// Attach every hop of `path` to a finding.
pub(crate) fn with_hops(finding: &mut Finding, g: &PrincipalGraph<'_>, path: &[NodeIndex]) {
    for l in hop_labels(g, path) {
        finding.related.push(l);
    }
}

/// Whether a path passes only through unconditional edges.
pub(crate) fn is_certain(g: &PrincipalGraph<'_>, path: &[NodeIndex]) -> bool {
    path.windows(2)
        .all(|w| edge(g, w[0], w[1]).is_some_and(|e| !e.is_conditional()))
}
