//! `permissions-management-wildcard`: a wildcard (`iam:*`, `iam:*Policy*`,
//! `s3:Put*`, `*`, or a `NotAction`) in an Allow expands to
//! Permissions-management actions — the ones that grant or change
//! permissions, and so let the holder give itself more.

use crate::catalog::{AccessLevel, is_wildcard};
use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{PolicyKind, Statement};
use crate::rules::expansion::{expand, expand_element, list, plural, sort_riskiest};
use crate::rules::permissions::{granted_service, grants};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct PermissionsManagementWildcard;

static META: RuleMeta = RuleMeta {
    name: "permissions-management-wildcard",
    category: Category::Permissions,
    default_severity: Severity::Error,
    summary: "wildcard allows permissions-management actions",
    docs: include_str!("../../../rules/permissions-management-wildcard.md"),
};

fn permissions_management(mut actions: Vec<crate::catalog::Action>) -> Vec<crate::catalog::Action> {
    actions.retain(|a| a.access().contains(AccessLevel::PERMISSIONS_MANAGEMENT));
    sort_riskiest(&mut actions);
    actions
}

/// The permissions-management actions `pattern` matches, riskiest first.
/// A pattern whose service is a wildcard (`*`, `*:Put*`) is matched
/// against the catalog's list of such actions; one of a single service
/// expands within it.
fn permissions_management_matching(pattern: &str) -> Vec<crate::catalog::Action> {
    let any_service = pattern
        .split_once(':')
        .is_none_or(|(service, _)| is_wildcard(service));
    if !any_service {
        return permissions_management(expand(pattern));
    }
    let mut actions: Vec<_> = crate::catalog::permissions_management_actions()
        .filter(|a| a.matches(pattern))
        .collect();
    sort_riskiest(&mut actions);
    actions
}

/// Whether `action` can be granted where only `service`'s can (any, when
/// `None`).
fn of_service(action: &crate::catalog::Action, service: Option<&str>) -> bool {
    service.is_none_or(|s| action.service().eq_ignore_ascii_case(s))
}

impl Rule for PermissionsManagementWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        // A role's trust policy grants only the STS actions on the role
        // (assuming it, tagging its sessions): `*` there lets nobody change
        // permissions. `wildcard-action` reports what it does allow.
        if !grants(statement, policy) || policy.policy.kind == PolicyKind::Trust {
            return;
        }
        let Some(element) = &statement.action else {
            return;
        };
        let when = if statement.conditions.is_empty() {
            ""
        } else {
            " whenever its conditions hold"
        };
        let only = granted_service(statement, policy);
        if element.negated {
            let mut pm = permissions_management(expand_element(element));
            pm.retain(|a| of_service(a, only));
            if pm.is_empty() {
                return;
            }
            cx.report(
                element.key,
                format!(
                    "`NotAction` allows {}{when}, including {}",
                    plural(
                        pm.len(),
                        "permissions-management action",
                        "permissions-management actions"
                    ),
                    list(&pm, 5)
                ),
            )
            .label("allows everything not listed")
            .help("list the actions this principal needs with `Action` instead of excluding some");
            return;
        }
        // `*` on `*` in an identity policy is admin-access's finding.
        let admin = policy.policy.kind == PolicyKind::Identity && statement.has_any_resource();
        for (item, known) in statement.action_items() {
            // An action named exactly is no wildcard.
            if known.is_some()
                || !is_wildcard(&item.value)
                || (admin && super::is_every_action(&item.value))
            {
                continue;
            }
            // The same few patterns (`*`, `iam:*`, `s3:*`) recur in file
            // after file; `*` expands to every action in the catalog.
            static PM: crate::memo::Memo<String, std::sync::Arc<Vec<crate::catalog::Action>>> =
                crate::memo::Memo::new(4_096);
            let all = PM.get_or(&*item.value, || {
                std::sync::Arc::new(permissions_management_matching(&item.value))
            });
            let of_one: Vec<crate::catalog::Action>;
            let pm: &[crate::catalog::Action] = if only.is_some() {
                of_one = all
                    .iter()
                    .filter(|a| of_service(a, only))
                    .copied()
                    .collect();
                &of_one
            } else {
                &all
            };
            if pm.is_empty() {
                continue;
            }
            cx.report(
                item.span,
                format!(
                    "`{}` allows {}{when}, including {}",
                    item.value,
                    plural(pm.len(), "permissions-management action", "permissions-management actions"),
                    list(pm, 5)
                ),
            )
            .label("grants the right to change permissions")
            .help("list the actions this principal needs; grant permissions-management actions only on the resources that need them");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_through_the_list_is_matching_through_expansion() {
        for pattern in [
            "*",
            "*:*",
            "*:Put*",
            "iam*",
            "i?m:*",
            "*:*Policy",
            "iam:*",
            "s3:Put*",
            "s3:*Acl",
            "*:",
            ":*",
            "",
            "*:*:*",
            "IAM:*ROLE*",
            "kms:?reateGrant",
        ] {
            assert_eq!(
                permissions_management_matching(pattern),
                permissions_management(expand(pattern)),
                "{pattern}"
            );
        }
    }
}
