//! `unknown-service`: an action whose service prefix AWS does not define
//! (`s4:GetObject`). The whole item matches nothing, so an Allow grants
//! nothing by it and a Deny protects nothing.

use crate::catalog;
use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct UnknownService;

static META: RuleMeta = RuleMeta {
    name: "unknown-service",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "action names a service prefix AWS does not define",
    docs: include_str!("../../../rules/unknown-service.md"),
};

/// The service part of a well-formed `service:action` item, if it has no
/// wildcard (a wildcard service is `unknown-action`'s to judge).
pub(super) fn literal_service(item: &str) -> Option<(&str, &str)> {
    let (service, name) = item.split_once(':')?;
    if service.is_empty() || name.is_empty() || name.contains(':') || catalog::is_wildcard(service)
    {
        return None;
    }
    Some((service, name))
}

/// What a misspelt item does where it is, for the message.
pub(super) fn consequence(statement: &Statement) -> &'static str {
    let negated = statement.action.as_ref().is_some_and(|a| a.negated);
    match (statement.is_allow(), negated) {
        (true, false) => "so it allows nothing",
        (false, false) => "so this Deny silently protects nothing",
        (true, true) => {
            "so `NotAction` excludes nothing and the Allow still grants what was meant to be excluded"
        }
        (false, true) => {
            "so `NotAction` exempts nothing and the Deny also applies to what was meant to be exempt"
        }
    }
}

impl Rule for UnknownService {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, _policy: &PolicyDoc, cx: &mut Context<'_>) {
        for (item, known) in statement.action_items() {
            // A known action's service is known.
            if known.is_some() {
                continue;
            }
            let Some((service, _)) = literal_service(&item.value) else {
                continue;
            };
            if catalog::service_exists(service) {
                continue;
            }
            let finding = cx
                .report(
                    item.span,
                    format!(
                        "`{service}` is not an AWS service prefix, {}",
                        consequence(statement)
                    ),
                )
                .label("unknown service");
            // Prefer a whole action when one is close (`s4:GetObject` →
            // `s3:GetObject`), else the nearest prefix.
            let nearest = catalog::suggest_service(service);
            let suggested_action =
                nearest.and_then(|s| catalog::suggest_in_service(&item.value, s));
            match (suggested_action, nearest) {
                (Some(a), _) => finding.help(format!("did you mean `{}`?", a.full_name())),
                (None, Some(s)) => finding.help(format!("did you mean `{s}`?")),
                (None, None) => finding.help(
                    "check the prefix in the Service Authorization Reference, or remove the action",
                ),
            };
        }
    }
}
