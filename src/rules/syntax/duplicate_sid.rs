//! `duplicate-sid`: two statements of one policy share a `Sid`.

use std::collections::BTreeMap;

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct DuplicateSid;

static META: RuleMeta = RuleMeta {
    name: "duplicate-sid",
    category: Category::Syntax,
    default_severity: Severity::Warning,
    summary: "two statements share a statement id",
    docs: include_str!("../../../rules/duplicate-sid.md"),
};

impl Rule for DuplicateSid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, policy: &PolicyDoc, cx: &mut Context<'_>) {
        let mut seen = BTreeMap::new();
        for s in &policy.policy.statements {
            let Some(sid) = &s.sid else { continue };
            if sid.value.is_empty() {
                continue;
            }
            match seen.get(sid.value.as_str()) {
                Some(first) => {
                    cx.report(
                        sid.span,
                        format!("statement id `{}` is used twice", sid.value),
                    )
                    .label("a second statement with this id")
                    .related(*first, "first used here")
                    .help("give every statement of a policy its own Sid");
                }
                None => {
                    seen.insert(sid.value.as_str(), sid.span);
                }
            }
        }
    }
}
