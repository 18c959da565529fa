//! Edges from IAM principals into Kubernetes: an `aws-auth` `mapRoles` /
//! `mapUsers` entry or an EKS access entry makes the principal a member of
//! Kubernetes groups (`system:masters`) or gives it an EKS access policy
//! (`AmazonEKSClusterAdminPolicy`). The targets are nodes named after the
//! group or policy; the cluster is named when the input says which.

use crate::diagnostic::Label;
use crate::graph::{Edge, Mechanism, Node, NodeKind, PrincipalGraph};
use crate::load::Document;

/// Add the edges for every mapping in `documents`.
pub fn add<'a>(g: &mut PrincipalGraph<'a>, documents: &'a [Document]) {
    let mut new_edges = Vec::new();
    for doc in documents {
        for auth in &doc.aws_auth {
            for m in &auth.mappings {
                let Some(arn) = &m.arn else { continue };
                for group in &m.groups {
                    new_edges.push((
                        arn.value.clone(),
                        format!("kubernetes group {}", group.value),
                        Label::new(group.span, "mapped here"),
                    ));
                }
            }
        }
        for entry in &doc.access_entries {
            let Some(arn) = &entry.principal_arn else {
                continue;
            };
            let cluster = entry
                .cluster
                .as_ref()
                .map_or(String::new(), |c| format!(" on {}", c.value));
            for group in &entry.kubernetes_groups {
                new_edges.push((
                    arn.value.clone(),
                    format!("kubernetes group {}{cluster}", group.value),
                    Label::new(group.span, "access entry group"),
                ));
            }
            for p in &entry.policies {
                let name = p
                    .policy_arn
                    .value
                    .rsplit('/')
                    .next()
                    .unwrap_or(&p.policy_arn.value);
                new_edges.push((
                    arn.value.clone(),
                    format!("EKS {name}{cluster}"),
                    Label::new(p.policy_arn.span, "access policy associated here"),
                ));
            }
        }
    }
    for (arn, target, label) in new_edges {
        // Only principals the graph knows: a mapping of an unknown role is
        // the kubernetes rules' to judge.
        let Some(from) = g.find(&arn) else { continue };
        let id = format!("k8s:{target}");
        let to = g.node(&id, || Node {
            id: id.clone(),
            kind: NodeKind::Kubernetes,
            account: None,
            label: target.clone(),
            defined_at: Some(label.span),
            holdings: None,
            definition: None,
            document: None,
        });
        g.graph.add_edge(
            from,
            to,
            Edge {
                mechanism: Mechanism::Kubernetes,
                conditions: Vec::new(),
                trust: Some(label),
                identity: None,
                tag_session: false,
            },
        );
    }
}
