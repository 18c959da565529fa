//! `unused-suppression`: a config `ignore:` entry that matches no finding,
//! or whose `expires` date has passed.

use crate::config::Ignore;
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct UnusedSuppression;

static META: RuleMeta = RuleMeta {
    name: "unused-suppression",
    category: Category::Suppression,
    default_severity: Severity::Warning,
    summary: "an ignore that matches no finding, or has expired",
    docs: include_str!("../../../rules/unused-suppression.md"),
};

/// What became of one ignore in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It suppressed at least one finding.
    Used,
    /// It suppressed nothing although everything it could match was linted.
    Unused,
    /// Its `expires` date has passed, so it suppressed nothing.
    Expired,
    /// It may match files this run did not lint (pre-commit passes only the
    /// changed files, or the rule is switched off): nothing can be said.
    Unknown,
}

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}

impl UnusedSuppression {
    /// Report the ignores that did nothing.
    pub(crate) fn report(&self, outcomes: &[(&Ignore, Outcome)], cx: &mut Context<'_>) {
        for (ignore, outcome) in outcomes {
            match outcome {
                Outcome::Unused => {
                    cx.report(
                        ignore.rule_span,
                        format!("this ignore matches no `{}` finding", ignore.rule),
                    )
                    .label("suppresses nothing")
                    .help(
                        "remove the entry, or correct its `path`, `sid`, `pointer` or `principal`",
                    );
                }
                Outcome::Expired => {
                    let (span, date) = ignore
                        .expires
                        .as_ref()
                        .map(|e| (e.span, e.value.to_string()))
                        .unwrap_or((ignore.rule_span, String::new()));
                    cx.report(
                        span,
                        format!(
                            "this ignore of `{}` expired on {date}, so its findings are reported again",
                            ignore.rule
                        ),
                    )
                    .label("expired")
                    .help("fix the findings, or review the exception again and move `expires` forward");
                }
                Outcome::Used | Outcome::Unknown => {}
            }
        }
    }
}
