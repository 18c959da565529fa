//! Rules for account audits: users with long-lived credentials and their
//! own policies (in exports and templates), roles nobody uses, drift
//! between an export and the code.

pub mod admin_user;
pub mod drift;
pub mod inline_policy_on_user;
pub mod managed_policy_on_user;
pub mod unused_role;
pub mod user_without_group;

use crate::graph::{NodeKind, PrincipalGraph};
use crate::load::Document;
use crate::model::{IamPrincipal, PrincipalKind};
use crate::principals::PrincipalPolicies;

/// A user the inputs define.
pub(crate) struct User<'g, 'a> {
    /// Its definition.
    pub def: &'a IamPrincipal,
    /// The file that defines it.
    pub doc: &'a Document,
    /// The policies it holds (its own, its groups', attached ones).
    pub holdings: Option<&'g PrincipalPolicies<'a>>,
}

/// The users the inputs define: those with an ARN once (a node of the
/// graph, whichever input defines it best), and those a template defines
/// for an account it does not name, which have no ARN and so no node.
pub(crate) fn users<'g, 'a>(g: &'g PrincipalGraph<'a>) -> impl Iterator<Item = User<'g, 'a>> + 'g {
    let with_arn = g
        .nodes()
        .filter(move |&n| g.at(n).kind == NodeKind::User)
        .filter_map(move |n| {
            let node = g.at(n);
            Some(User {
                def: node.definition?,
                doc: node.document?,
                holdings: g.holdings(n),
            })
        });
    let without = g.principals.iter().filter_map(|p| {
        let (doc, def) = p.definition?;
        (def.kind == PrincipalKind::User && def.arn.is_none()).then_some(User {
            def,
            doc,
            holdings: Some(p),
        })
    });
    with_arn.chain(without)
}
