//! `assume-role-any-resource`: `sts:AssumeRole` on every role: the holder
//! can become any role, in any account, whose trust policy lets it in.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{Statement, pattern, scope};
use crate::rules::permissions::{any_role_resource, grants, is_every_action};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct AssumeRoleAnyResource;

static META: RuleMeta = RuleMeta {
    name: "assume-role-any-resource",
    category: Category::Permissions,
    default_severity: Severity::Warning,
    summary: "sts:AssumeRole on every role",
    docs: include_str!("../../../rules/assume-role-any-resource.md"),
};

/// Conditions that pin which roles may be assumed.
const RESOURCE_KEYS: &[&str] = &[
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
];

impl Rule for AssumeRoleAnyResource {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !grants(statement, policy)
            || policy.policy.kind != crate::policy::PolicyKind::Identity
            || scope::has_restrictive(statement, RESOURCE_KEYS, &["aws:ResourceAccount"])
            || statement.conditions.iter().any(|c| {
                c.key
                    .value
                    .to_ascii_lowercase()
                    .starts_with("aws:resourcetag/")
                    && scope::is_restrictive(c)
            })
        {
            return;
        }
        let Some(action) = statement.actions().iter().find(|a| {
            !is_every_action(&a.value) && pattern::matches_ignore_case(&a.value, "sts:AssumeRole")
        }) else {
            return;
        };
        let Some(resource) = any_role_resource(statement) else {
            return;
        };
        cx.report(
            action.span,
            format!(
                "`{}` on every role lets this principal become any role that trusts it",
                action.value
            ),
        )
        .label("assumes roles")
        .related(resource, "any role, in any account")
        .help("list the role ARNs this principal is meant to assume");
    }
}
