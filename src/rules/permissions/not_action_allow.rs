//! `not-action-allow`: an Allow with `NotAction` grants every action
//! except those listed — including every action AWS adds later.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{PolicyKind, Statement};
use crate::rules::permissions::grants;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct NotActionAllow;

static META: RuleMeta = RuleMeta {
    name: "not-action-allow",
    category: Category::Permissions,
    default_severity: Severity::Warning,
    summary: "allow statement uses NotAction",
    docs: include_str!("../../../rules/not-action-allow.md"),
};

impl Rule for NotActionAllow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        let Some(action) = &statement.action else {
            return;
        };
        if !action.negated || !grants(statement, policy) {
            return;
        }
        if policy.policy.kind == PolicyKind::Trust {
            // A trust policy grants only STS actions on its role: every
            // route to assume it and its session tags, not "every action".
            cx.report(
                action.key,
                "`NotAction` in a trust policy allows every STS action on this role except those listed, including ones added later",
            )
            .label("allows every STS action except these")
            .help("list the assume action this role's principals use in `Action` (`sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`)");
            return;
        }
        // "every action not listed on every resource" read as if the list
        // were of resources; keep the resource part apart.
        let on = if statement.has_any_resource() {
            ", on every resource"
        } else {
            ""
        };
        cx.report(
            action.key,
            format!(
                "`NotAction` in an Allow grants every action except those listed{on}, including ones added later"
            ),
        )
        .label("allows everything except these")
        .help("list the allowed actions in `Action`; use `NotAction` only with `Deny`");
    }
}
