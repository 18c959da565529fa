//! `admin-access`: an identity policy allows every action on every resource.

use crate::catalog;
use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::load::tree::Str;
use crate::policy::{Element, PolicyKind, Statement, scope};
use crate::rules::permissions::{grants, is_every_action};
use crate::rules::{Category, Context, Rule, RuleMeta};
use crate::source::Spanned;

pub(crate) struct AdminAccess;

static META: RuleMeta = RuleMeta {
    name: "admin-access",
    category: Category::Permissions,
    default_severity: Severity::Error,
    summary: "statement allows every action on every resource",
    docs: include_str!("../../../rules/admin-access.md"),
};

impl Rule for AdminAccess {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !grants(statement, policy) || policy.policy.kind != PolicyKind::Identity {
            return;
        }
        let Some(resource) = statement.resources().iter().find(|r| r.value == "*") else {
            return;
        };
        let (star, what) = match statement
            .actions()
            .iter()
            .find(|a| is_every_action(&a.value))
        {
            Some(star) => (star.span, format!("`{}`", star.value)),
            None => match excludes_nothing(statement) {
                Some(element) => (
                    element.key,
                    format!("`NotAction` of {} (no AWS action)", quoted(&element.items)),
                ),
                None => return,
            },
        };
        let conditional = if statement.conditions.is_empty() {
            ""
        } else {
            " whenever its conditions hold"
        };
        // A Deny of the same policy that takes back part of it: what is
        // left is not full access, and the message says what the Deny
        // leaves (a Deny with `NotAction` leaves only what it lists).
        let Some(deny) = scope::unconditional_denies(&policy.policy.statements)
            .find(|d| scope::covers_resources(d, statement) && takes_back_some(d))
        else {
            cx.report(
                star,
                format!("{what} on `*` grants full administrator access{conditional}"),
            )
            .label("every action")
            .related(resource.span, "on every resource")
            .help("grant the actions this principal needs, on the resources it needs them on");
            return;
        };
        let Some(denied) = deny.action.as_ref() else {
            return;
        };
        // `Deny` with a `NotAction` that exempts no AWS action denies
        // everything: the Allow grants nothing.
        if denied.negated && denied.items.iter().all(|i| names_nothing(&i.value)) {
            return;
        }
        let listed = quoted(&denied.items);
        let (severity, label, message) = if denied.negated {
            (
                Severity::Warning,
                "the Deny takes back everything but this",
                format!(
                    "{what} on `*` is cut down by a Deny of this policy to {listed} on every resource{conditional}; \
                     any change to that Deny grants full administrator access"
                ),
            )
        } else {
            (
                Severity::Error,
                "taken back by this Deny",
                format!(
                    "{what} on `*` grants every action except {listed}, which a Deny of this policy takes back{conditional}"
                ),
            )
        };
        cx.report_as(severity, star, message)
            .label("every action")
            .related(resource.span, "on every resource")
            .related(denied.span, label)
            .help("grant the actions this principal needs, on the resources it needs them on");
    }
}

/// The `NotAction` of `statement` when its every item names no action AWS
/// defines (`nosuch:action`): it excludes nothing, so the statement allows
/// every action, as `*` does. `None` for any other statement.
fn excludes_nothing(statement: &Statement) -> Option<&Element<Str>> {
    statement.action.as_ref().filter(|a| {
        a.negated && !a.items.is_empty() && a.items.iter().all(|i| names_nothing(&i.value))
    })
}

/// Whether an action item matches no action AWS defines.
fn names_nothing(item: &str) -> bool {
    catalog::expand(item).next().is_none()
}

/// Whether a Deny takes back some actions and leaves others: a `NotAction`
/// that exempts less than everything, or an `Action` that names an AWS
/// action. (A Deny of everything is `Statement::denied_in_full`'s.)
fn takes_back_some(deny: &Statement) -> bool {
    deny.action.as_ref().is_some_and(|a| {
        if a.negated {
            !a.items.iter().any(|i| is_every_action(&i.value))
        } else {
            a.items.iter().any(|i| !names_nothing(&i.value))
        }
    })
}

/// Up to three items, quoted, then how many more.
fn quoted(items: &[Spanned<Str>]) -> String {
    let mut out: Vec<String> = items
        .iter()
        .take(3)
        .map(|i| format!("`{}`", i.value))
        .collect();
    if items.len() > 3 {
        out.push(format!("{} more", items.len() - 3));
    }
    out.join(", ")
}
