//! `oidc-subject-wildcard`: a `StringLike` pattern on an OIDC `sub` claim
//! that admits more than one identity: every service account of a cluster
//! (`system:serviceaccount:*:*`), every repository of an owner
//! (`repo:acme/*`), every environment of a project. How bad depends on
//! what the wildcard spans: the whole provider is an error, an owner or
//! namespace-wide pattern a warning or a note.
//!
//! `StringEquals` with the same text never matches (the `*` is literal):
//! that is `literal-wildcard-in-condition`'s finding.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::policy::condition::OperatorKind;
use crate::policy::federation;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct OidcSubjectWildcard;

static META: RuleMeta = RuleMeta {
    name: "oidc-subject-wildcard",
    category: Category::Trust,
    default_severity: Severity::Warning,
    summary: "subject pattern of an OIDC trust admits more than one identity",
    docs: include_str!("../../../rules/oidc-subject-wildcard.md"),
};

impl Rule for OidcSubjectWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, _policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !statement.is_allow() {
            return;
        }
        for (_, issuer, provider) in federation::oidc_principals(statement) {
            let subs = federation::claim_conditions(statement, issuer, "sub");
            // An exact subject in another condition on the same key narrows
            // the pattern to that one identity (conditions AND together).
            let exact_elsewhere = subs.iter().any(|c| {
                let op = &c.operator.value;
                !op.negated
                    && !op.has_wildcards()
                    && op.kind != OperatorKind::Null
                    && c.values
                        .iter()
                        .all(|v| !crate::policy::pattern::has_wildcard(&v.value))
            });
            if exact_elsewhere {
                continue;
            }
            for c in subs {
                let op = &c.operator.value;
                if op.negated || op.kind != OperatorKind::StringLike {
                    continue;
                }
                for v in &c.values {
                    let Some((severity, who)) = federation::subject_breadth(provider, &v.value)
                    else {
                        continue;
                    };
                    cx.report_as(
                        severity,
                        v.span,
                        format!("`{}` admits {who}", v.value),
                    )
                    .label("this pattern")
                    .related(c.operator.span, "matched as a pattern here")
                    .help(format!(
                        "name the identity exactly under `StringEquals` (`{}`), or list each one",
                        provider.subject_example()
                    ));
                }
            }
        }
    }
}
