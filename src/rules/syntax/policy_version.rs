//! `policy-version`: a policy has no `Version`, or the 2008 one, under
//! which policy variables such as `${aws:username}` are plain text.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::rules::{Category, Context, Rule, RuleMeta};
use crate::source::Span;

pub(crate) struct PolicyVersion;

static META: RuleMeta = RuleMeta {
    name: "policy-version",
    category: Category::Syntax,
    default_severity: Severity::Warning,
    summary: "policy does not use the 2012-10-17 language version",
    docs: include_str!("../../../rules/policy-version.md"),
};

impl Rule for PolicyVersion {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !policy.policy.is_object {
            return;
        }
        let help = "add \"Version\": \"2012-10-17\" as the first element";
        match &policy.policy.version {
            None => {
                // Point at the opening brace (in YAML, the first key's first
                // character): there is no value to point at.
                let s = policy.policy.span;
                let at = cx
                    .sources
                    .try_get(s.source)
                    .map_or(Span { end: s.start, ..s }, |f| f.first_char(s));
                cx.report(
                    at,
                    "policy has no `Version`, so policy variables are treated as literal text",
                )
                .label("no Version in this document")
                .help(help);
            }
            Some(v) if v.value == "2008-10-17" => {
                cx.report(
                    v.span,
                    "version `2008-10-17` treats policy variables as literal text",
                )
                .label("the old policy language")
                .help("use \"Version\": \"2012-10-17\"");
            }
            Some(_) => {}
        }
    }
}
