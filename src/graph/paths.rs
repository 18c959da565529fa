//! Path search over the principal graph: breadth-first, so the first path
//! found to a node is a shortest one, bounded in depth, and linear in the
//! number of edges — a chain of roles is a handful of hops, not a search
//! problem.

use std::collections::{BTreeMap, VecDeque};

use petgraph::stable_graph::NodeIndex;

use crate::graph::PrincipalGraph;

/// Longest chain followed. Real launcher → deploy-role chains have two or
/// three hops; AWS itself caps role chaining only by session duration.
pub const MAX_HOPS: usize = 8;

/// Every node reachable from `start` (excluding it), with a shortest path to
/// it (the node sequence from `start` to the node, both included).
pub fn reachable(g: &PrincipalGraph<'_>, start: NodeIndex) -> BTreeMap<NodeIndex, Vec<NodeIndex>> {
    let mut previous: BTreeMap<NodeIndex, NodeIndex> = BTreeMap::new();
    let mut depth: BTreeMap<NodeIndex, usize> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    depth.insert(start, 0);
    while let Some(n) = queue.pop_front() {
        let d = depth[&n];
        if d >= MAX_HOPS {
            continue;
        }
        for (next, _) in g.outgoing(n) {
            if depth.contains_key(&next) {
                continue;
            }
            depth.insert(next, d + 1);
            previous.insert(next, n);
            queue.push_back(next);
        }
    }
    let mut out = BTreeMap::new();
    for &n in previous.keys() {
        let mut path = vec![n];
        let mut at = n;
        while let Some(&p) = previous.get(&at) {
            path.push(p);
            at = p;
        }
        path.reverse();
        out.insert(n, path);
    }
    out
}

/// The nodes with no incoming edge that reach `target`, each with a shortest
/// path: where the chains into `target` start.
pub fn sources_of(g: &PrincipalGraph<'_>, target: NodeIndex) -> Vec<Vec<NodeIndex>> {
    let mut out = Vec::new();
    for n in g.nodes() {
        if n == target || !g.incoming(n).is_empty() {
            continue;
        }
        if let Some(path) = reachable(g, n).remove(&target) {
            out.push(path);
        }
    }
    out
}
