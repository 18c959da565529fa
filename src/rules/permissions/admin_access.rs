//! `admin-access`: an identity policy allows every action on every resource.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{PolicyKind, Statement};
use crate::rules::permissions::is_every_action;
use crate::rules::{Category, Context, Rule, RuleMeta};

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
        if !statement.is_allow()
            || policy.policy.kind != PolicyKind::Identity
            || super::denied_in_full(statement, &policy.policy.statements)
        {
            return;
        }
        let Some(star) = statement
            .actions()
            .iter()
            .find(|a| is_every_action(&a.value))
        else {
            return;
        };
        let Some(resource) = statement.resources().iter().find(|r| r.value == "*") else {
            return;
        };
        let message = if statement.conditions.is_empty() {
            format!("`{}` on `*` grants full administrator access", star.value)
        } else {
            format!(
                "`{}` on `*` grants full administrator access whenever its conditions hold",
                star.value
            )
        };
        cx.report(star.span, message)
            .label("every action")
            .related(resource.span, "on every resource")
            .help("grant the actions this principal needs, on the resources it needs them on");
    }
}
