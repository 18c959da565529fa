//! `pass-role-any-resource`: `iam:PassRole` on every role, without an
//! `iam:PassedToService` condition: the holder can hand any role —
//! including an administrator's — to a service that runs its code.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{Statement, scope};
use crate::rules::permissions::{any_role_resource, grants, is_every_action};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct PassRoleAnyResource;

static META: RuleMeta = RuleMeta {
    name: "pass-role-any-resource",
    category: Category::Permissions,
    default_severity: Severity::Error,
    summary: "iam:PassRole on every role",
    docs: include_str!("../../../rules/pass-role-any-resource.md"),
};

impl Rule for PassRoleAnyResource {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        // The statement's own actions first: the checks after them read
        // its conditions and every Deny of the policy, for each statement.
        // `*` alone is admin-access's finding.
        let Some(action) = statement
            .items_matching("iam:PassRole")
            .find(|a| !is_every_action(&a.value))
        else {
            return;
        };
        if !grants(statement, policy)
            || scope::has_restrictive(
                statement,
                &["iam:PassedToService"],
                &["iam:PassedToService"],
            )
            || super::action_denied("iam:PassRole", statement, &policy.policy.statements)
            || super::action_confined("iam:PassRole", &policy.policy.statements)
        {
            return;
        }
        let Some(resource) = any_role_resource(statement) else {
            return;
        };
        cx.report(action.span, format!("`{}` allows passing any role to any service", action.value))
            .label("passes roles")
            .related(resource, "to every role")
            .help("list the role ARNs this principal may pass, and add an `iam:PassedToService` condition");
    }
}
