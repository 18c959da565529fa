//! `unknown-action`: an action AWS does not define in a known service
//! (`s3:GetObjekt`), or a wildcard that matches no action (`s3:Gett*`).
//! Such an item matches nothing: an Allow grants nothing by it, a Deny
//! protects nothing, and a `NotAction` exempts nothing.

use crate::catalog;
use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::rules::syntax::unknown_service::{consequence, literal_service};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct UnknownAction;

static META: RuleMeta = RuleMeta {
    name: "unknown-action",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "action that AWS does not define",
    docs: include_str!("../../../rules/unknown-action.md"),
};

impl Rule for UnknownAction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, _policy: &PolicyDoc, cx: &mut Context<'_>) {
        for (item, known) in statement.action_items() {
            let value = item.value.as_str();
            // Most items name an action the catalog defines.
            if known.is_some() {
                continue;
            }
            let Some((service, name)) = value.split_once(':') else {
                // `*` or not an action at all (`invalid-policy` reports that).
                continue;
            };
            if service.is_empty() || name.is_empty() || name.contains(':') {
                continue;
            }
            // An unknown literal prefix is `unknown-service`'s finding.
            if literal_service(value).is_some() && !catalog::service_exists(service) {
                continue;
            }
            if crate::rules::expansion::matches_any(value) {
                continue;
            }
            let what = match literal_service(value) {
                Some((s, _)) => format!("{} action", catalog::suggest_service(s).unwrap_or(s)),
                None => "action".to_string(),
            };
            let wildcard = catalog::is_wildcard(value);
            let message = if wildcard {
                format!("`{value}` matches no {what}, {}", consequence(statement))
            } else {
                format!(
                    "`{value}` is not a known {what}, {}",
                    consequence(statement)
                )
            };
            let finding = cx.report(item.span, message).label(if wildcard {
                "matches nothing"
            } else {
                "unknown action"
            });
            match catalog::suggest(value).filter(|_| !wildcard) {
                Some(a) => finding.help(format!("did you mean `{}`?", a.full_name())),
                None => finding.help(
                    "check the action name in the Service Authorization Reference, or remove it",
                ),
            };
        }
    }
}
