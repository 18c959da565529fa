//! `invalid-suppression`: an inline suppression (`# iamchain:
//! ignore[rule] reason`, or a resource's `Metadata`) without a reason, or
//! naming no rule. It suppresses nothing.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct InvalidSuppression;

static META: RuleMeta = RuleMeta {
    name: "invalid-suppression",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "inline suppression without a reason or a known rule",
    docs: include_str!("../../../rules/invalid-suppression.md"),
};

impl Rule for InvalidSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for s in document.suppressions.iter().filter(|s| !s.is_valid()) {
            let rule = &s.rule.value;
            if rule.is_empty() {
                cx.report(s.span, "suppression names no rule")
                    .label("suppresses nothing")
                    .help("write `# iamchain: ignore[rule-name] reason`, or `{rule: rule-name, reason: …}` in `Metadata`");
            } else if crate::rules::find(rule).is_none() {
                cx.report(s.rule.span, format!("`{rule}` is not a rule"))
                    .label("suppresses nothing")
                    .help("name a rule from `iamchain rules`");
            } else {
                cx.report(s.span, format!("suppression of `{rule}` gives no reason"))
                    .label("suppresses nothing")
                    .help("say why the finding is acceptable after the rule name");
            }
        }
    }
}
