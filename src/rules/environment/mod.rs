//! Rules that need to know which environment an account is: rights that
//! are routine in Dev and Staging but dangerous in Prod. The environment
//! comes from `.iamchain.yaml` (`accounts:`, with names such as
//! `acme-prod` read as Prod when no environment is given); the account from
//! where the policy is deployed (a StackSet instance, an account export).

pub mod prod_delete_right;
pub mod prod_push_right;

use crate::catalog;
use crate::load::PolicyDoc;
use crate::model::Environment;
use crate::policy::condition::RequestContext;
use crate::policy::eval::{self, Decision, Request};
use crate::policy::{PolicyKind, pattern};
use crate::principals::PrincipalPolicies;
use crate::rules::Context;

/// The account of a principal's policies, if it is a production account.
pub(crate) fn prod_account(principal: &PrincipalPolicies<'_>, cx: &Context<'_>) -> Option<String> {
    let account = principal.policies.iter().find_map(|p| p.account.clone())?;
    (cx.config.environment(&account) == Some(Environment::Prod)).then_some(account)
}

/// The concrete actions the patterns name, expanded with the catalog
/// (`s3:Delete*` → `s3:DeleteObject`, …); unknown literal names are kept.
/// Computed once per pattern list and configured extras: the rules ask for
/// every principal of every Prod account.
pub(crate) fn expand(
    patterns: &'static [&'static str],
    extra: &[String],
) -> std::sync::Arc<Vec<String>> {
    type Key = (usize, Vec<String>);
    static EXPANDED: crate::memo::Memo<Key, std::sync::Arc<Vec<String>>> =
        crate::memo::Memo::new(64);
    // The lists are statics: their address names them for the process.
    let key = (patterns.as_ptr() as usize, extra.to_vec());
    EXPANDED.get_or(&key, || std::sync::Arc::new(expand_now(patterns, extra)))
}

fn expand_now(patterns: &[&str], extra: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in patterns
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
    {
        let before = out.len();
        out.extend(catalog::expand(p).map(|a| a.full_name().to_string()));
        if out.len() == before && !pattern::has_wildcard(p) {
            out.push(p.to_string());
        }
    }
    out.sort_by_key(|a| a.to_ascii_lowercase());
    out.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    out
}

/// Which of `actions` (sorted by lowercase name, as [`expand`] returns
/// them) the statement's `Action` or `NotAction` applies to. An item of one
/// service is matched against that service's run of `actions` only: Prod
/// accounts of an organization hold hundreds of thousands of statements,
/// and the delete rights alone are hundreds of actions.
fn named_actions(s: &crate::policy::Statement, actions: &[String]) -> Vec<bool> {
    let mut hit = vec![false; actions.len()];
    let Some(element) = s.action.as_ref().filter(|e| !e.negated) else {
        for (h, a) in hit.iter_mut().zip(actions) {
            *h = eval::action_applies(s.action.as_ref(), a);
        }
        return hit;
    };
    for item in &element.items {
        let service = item
            .value
            .split_once(':')
            .map_or(item.value.as_str(), |(s, _)| s);
        let range = if pattern::has_wildcard(service) {
            0..actions.len()
        } else {
            let prefix = format!("{}:", service.to_ascii_lowercase());
            let below = |a: &String| a.bytes().map(|b| b.to_ascii_lowercase()).lt(prefix.bytes());
            let from = actions.partition_point(below);
            let len = actions[from..]
                .iter()
                .take_while(|a| {
                    a.get(..prefix.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(&prefix))
                })
                .count();
            from..from + len
        };
        for k in range {
            if !hit[k] && pattern::matches_ignore_case(&item.value, &actions[k]) {
                hit[k] = true;
            }
        }
    }
    hit
}

/// One statement that grants some of the rights.
pub(crate) struct Grant<'p> {
    /// The policy it is in.
    pub policy: &'p PolicyDoc,
    /// Where to point: the action item (or `NotAction` key) that grants them.
    pub span: crate::source::Span,
    /// The action pattern as written there.
    pub written: String,
    /// The rights granted, concrete.
    pub actions: Vec<String>,
}

/// The Allow statements of the principal's identity policies that grant one
/// of `actions` on a resource `resource_ok` accepts, minus what a Deny in
/// its policies takes away unconditionally.
pub(crate) fn grants<'p>(
    principal: &PrincipalPolicies<'p>,
    actions: &[String],
    resource_ok: &dyn Fn(&str, &str) -> bool,
) -> Vec<Grant<'p>> {
    // Only a Deny can make a request an explicit deny: the Allows of the
    // principal's policies need not be evaluated again for every action
    // and resource of every Allow (quadratic in its statements).
    let denies: Vec<&crate::policy::Statement> = principal
        .all()
        .filter(|p| p.policy.kind == PolicyKind::Identity)
        .flat_map(|p| &p.policy.statements)
        .filter(|s| !s.is_allow())
        .collect();
    let context = RequestContext::new();
    let mut out = Vec::new();
    for doc in principal
        .all()
        .filter(|p| p.policy.kind == PolicyKind::Identity)
    {
        for s in doc.policy.statements.iter().filter(|s| s.is_allow()) {
            let resources: Vec<&str> = match &s.resource {
                Some(r) if !r.negated => r.items.iter().map(|i| i.value.as_str()).collect(),
                _ => vec!["*"],
            };
            let named = named_actions(s, actions);
            let mut granted: Vec<String> = Vec::new();
            for (a, _) in actions.iter().zip(&named).filter(|(_, n)| **n) {
                let reachable = resources.iter().any(|r| {
                    resource_ok(a, r)
                        && eval::evaluate_statements(
                            denies.iter().copied(),
                            &Request {
                                action: a,
                                resource: r,
                                caller: None,
                                context: &context,
                            },
                        ) != Decision::ExplicitDeny
                });
                if reachable {
                    granted.push(a.clone());
                }
            }
            if granted.is_empty() {
                continue;
            }
            let Some(action) = &s.action else { continue };
            // Point at the first item, in written order, that grants one.
            let (span, written) = if action.negated {
                (action.key, "NotAction".to_string())
            } else {
                match action.items.iter().find(|i| {
                    granted
                        .iter()
                        .any(|g| pattern::matches_ignore_case(&i.value, g))
                }) {
                    Some(i) => (i.span, i.value.to_string()),
                    None => continue,
                }
            };
            out.push(Grant {
                policy: doc,
                span,
                written,
                actions: granted,
            });
        }
    }
    out
}

/// The subject of the message and its verb: "`s3:Delete*` (grants
/// `s3:DeleteBucket`, `s3:DeleteObject` and 3 more) lets", "`ecr:PutImage`
/// and 3 more push actions let".
pub(crate) fn describe(grant: &Grant<'_>) -> String {
    let list = |items: &[String]| {
        let shown: Vec<String> = items.iter().take(3).map(|a| format!("`{a}`")).collect();
        match items.len().saturating_sub(3) {
            0 => shown.join(", "),
            more => format!("{} and {more} more", shown.join(", ")),
        }
    };
    if grant.written == "NotAction" || pattern::has_wildcard(&grant.written) {
        return format!("`{}` (grants {}) lets", grant.written, list(&grant.actions));
    }
    // Literal actions: name them in the order written, the pointed-at one first.
    let mut ordered: Vec<String> = vec![grant.written.clone()];
    ordered.extend(
        grant
            .actions
            .iter()
            .filter(|a| !a.eq_ignore_ascii_case(&grant.written))
            .cloned(),
    );
    match ordered.len() {
        1 => format!("`{}` lets", grant.written),
        n => format!("`{}` and {} more let", grant.written, n - 1),
    }
}

/// Report each grant, inside its policy (so the instance is named).
pub(crate) fn report(
    cx: &mut Context<'_>,
    grants: Vec<Grant<'_>>,
    account: &str,
    verb: &str,
    label: &str,
    help: &str,
) {
    for g in grants {
        cx.enter_policy(g.policy);
        let whose = if g.policy.origin.is_some() {
            String::new()
        } else {
            format!(" (account {})", cx.config.describe_account(account))
        };
        let message = format!("{} a production role {verb}{whose}", describe(&g));
        cx.report(g.span, message).label(label).help(help);
        cx.leave_policy();
    }
}
