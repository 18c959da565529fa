//! An owned snapshot of the principal graph for `iamchain graph`: nodes with
//! their accounts and environments, edges with their mechanism and whether
//! a condition guards them, and which nodes have findings.

use std::collections::BTreeSet;

use petgraph::stable_graph::NodeIndex;

use crate::config::Config;
use crate::graph::{NodeKind, PrincipalGraph, paths};
use crate::model::Environment;

/// A node of the picture.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ViewNode {
    /// Stable id (ARN, `service:…`, `federated:…`).
    pub id: String,
    /// Short label.
    pub label: String,
    /// What it is.
    pub kind: NodeKind,
    /// Its account, if known.
    pub account: Option<String>,
    /// The account's environment, if known.
    pub environment: Option<Environment>,
    /// Whether a finding points at this principal's chain.
    pub flagged: bool,
    /// A launcher (declared or inferred).
    pub launcher: bool,
}

/// An edge of the picture.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ViewEdge {
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// How (`sts:AssumeRole`, `EKS Pod Identity`, …).
    pub mechanism: String,
    /// Condition keys that guard it (empty: unconditional).
    pub conditions: Vec<String>,
}

/// The picture.
#[derive(Clone, Debug, Default)]
pub struct View {
    /// Nodes, sorted by id.
    pub nodes: Vec<ViewNode>,
    /// Edges, sorted.
    pub edges: Vec<ViewEdge>,
}

/// Snapshot the graph; `flagged` are node ids that findings name.
pub fn snapshot(g: &PrincipalGraph<'_>, config: &Config, flagged: &BTreeSet<String>) -> View {
    let mut view = View::default();
    for n in g.nodes() {
        let node = g.at(n);
        // Principals that take part in no edge are noise in a chain picture.
        if g.outgoing(n).is_empty() && g.incoming(n).is_empty() {
            continue;
        }
        view.nodes.push(ViewNode {
            id: node.id.clone(),
            label: node.label.clone(),
            kind: node.kind,
            account: node.account.clone(),
            environment: node.account.as_deref().and_then(|a| config.environment(a)),
            flagged: flagged.contains(&node.id),
            launcher: g.intent.launcher(n).is_some(),
        });
        for (t, e) in g.outgoing(n) {
            view.edges.push(ViewEdge {
                from: node.id.clone(),
                to: g.at(t).id.clone(),
                mechanism: e.mechanism.as_str().to_string(),
                conditions: e.conditions.clone(),
            });
        }
    }
    view.nodes.sort();
    view.edges.sort();
    view
}

/// Keep only the nodes and edges on paths between `from` and `to` (either
/// may be absent: everything reachable from `from`, everything reaching `to`).
/// Nodes match by id or label.
pub fn restrict(g: &PrincipalGraph<'_>, view: &mut View, from: Option<&str>, to: Option<&str>) {
    let find = |name: &str| -> Vec<NodeIndex> {
        g.nodes()
            .filter(|&n| g.at(n).id == name || g.at(n).label == name)
            .collect()
    };
    let starts: Vec<NodeIndex> = match from {
        Some(f) => find(f),
        None => g.nodes().filter(|&n| g.incoming(n).is_empty()).collect(),
    };
    let targets: Option<Vec<NodeIndex>> = to.map(find);
    let mut keep_nodes: BTreeSet<String> = BTreeSet::new();
    let mut keep_edges: BTreeSet<(String, String)> = BTreeSet::new();
    for s in starts {
        for (t, path) in paths::reachable(g, s) {
            if targets.as_ref().is_some_and(|ts| !ts.contains(&t)) {
                continue;
            }
            for w in path.windows(2) {
                keep_edges.insert((g.at(w[0]).id.clone(), g.at(w[1]).id.clone()));
            }
            keep_nodes.extend(path.iter().map(|&n| g.at(n).id.clone()));
        }
    }
    view.nodes.retain(|n| keep_nodes.contains(&n.id));
    view.edges
        .retain(|e| keep_edges.contains(&(e.from.clone(), e.to.clone())));
}
