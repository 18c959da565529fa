//! Rules for account audits: what an export shows that infrastructure code
//! does not — users with stored credentials and their own policies, roles
//! nobody uses.

pub mod admin_user;
pub mod drift;
pub mod inline_policy_on_user;
pub mod unused_role;
pub mod user_without_group;

use petgraph::stable_graph::NodeIndex;

use crate::graph::{NodeKind, PrincipalGraph};
use crate::model::IamPrincipal;

/// The users the inputs define, with their nodes.
pub(crate) fn users<'g, 'a>(
    g: &'g PrincipalGraph<'a>,
) -> impl Iterator<Item = (NodeIndex, &'a IamPrincipal)> + 'g {
    g.nodes()
        .filter(move |&n| g.at(n).kind == NodeKind::User)
        .filter_map(move |n| Some((n, g.at(n).definition?)))
}
