//! `wildcard-action`: an Allow grants every action (`*`) or every action
//! of a service (`s3:*`).

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{PolicyKind, Statement};
use crate::rules::permissions::{grants, is_every_action};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct WildcardAction;

static META: RuleMeta = RuleMeta {
    name: "wildcard-action",
    category: Category::Permissions,
    default_severity: Severity::Warning,
    summary: "statement allows every action of a service",
    docs: include_str!("../../../rules/wildcard-action.md"),
};

impl Rule for WildcardAction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !grants(statement, policy) {
            return;
        }
        // `*` on `*` in an identity policy is admin-access's finding.
        let admin = policy.policy.kind == PolicyKind::Identity && statement.has_any_resource();
        for action in statement.actions() {
            let a = action.value.as_str();
            if is_every_action(a) {
                if admin {
                    continue;
                }
                cx.report(
                    action.span,
                    format!("`{a}` allows every action of every service"),
                )
                .label("every action")
                .help("list the actions this principal needs");
            } else if let Some((service, "*")) = a.split_once(':') {
                cx.report(
                    action.span,
                    format!("`{a}` allows every action of `{service}`, including ones added later"),
                )
                .label("every action of the service")
                .help("list the actions this principal needs");
            }
        }
    }
}
