//! `assume-role-any-resource`: `sts:AssumeRole` on every role: the holder
//! can become any role, in any account, whose trust policy lets it in.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{Statement, scope};
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
        // The statement's own actions first: the checks after them read
        // its conditions and every Deny of the policy, for each statement.
        let Some(action) = statement
            .items_matching("sts:AssumeRole")
            .find(|a| !is_every_action(&a.value))
        else {
            return;
        };
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
            || super::action_denied("sts:AssumeRole", statement, &policy.policy.statements)
            || super::action_confined("sts:AssumeRole", &policy.policy.statements)
        {
            return;
        }
        let (resource, every_role) = match any_role_resource(statement) {
            Some(r) => (r, true),
            None => match statement
                .resources()
                .iter()
                .find(|r| in_any_account(&r.value))
            {
                Some(r) => (r.span, false),
                None => return,
            },
        };
        // A value from an unresolved template parameter: say "may" (the
        // context names the assumption).
        let assumed = cx.assumption_at(resource).cloned();
        let may = assumed.is_some();
        let message = match (every_role, may) {
            (true, false) => format!(
                "`{}` on every role lets this principal become any role that trusts it",
                action.value
            ),
            (true, true) => format!(
                "`{}` may be on every role, letting this principal become any role that trusts it",
                action.value
            ),
            (false, false) => format!(
                "`{}` on a role name in every account lets this principal become that role in accounts outside your control",
                action.value
            ),
            (false, true) => format!(
                "`{}` may reach a role of this name in every account, including accounts outside your control",
                action.value
            ),
        };
        let related = if every_role {
            "any role, in any account"
        } else {
            "any account"
        };
        let message = match &assumed {
            Some(a) => format!("{message}, assuming {}", a.text),
            None => message,
        };
        let f = cx
            .report(action.span, message)
            .label("assumes roles")
            .related(resource, related)
            .help("list the role ARNs this principal is meant to assume");
        if let Some(src) = assumed.and_then(|a| a.source) {
            f.related(src, "the assumed value");
        }
    }
}

/// Whether a role ARN pattern leaves the account open
/// (`arn:aws:iam::*:role/Deploy`): anyone can create a role of that name in
/// an account they own and let this principal in.
fn in_any_account(resource: &str) -> bool {
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "iam"
        && crate::policy::arn::is_every_account(parts[4])
        && parts[5].starts_with("role/")
}
