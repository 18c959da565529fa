//! `invalid-policy`: a document does not fit the IAM policy grammar for
//! where it is used (missing `Effect`, unknown element, wrong type, a
//! `Principal` in an identity policy, …).
//!
//! It also checks each `Sid`'s characters where the policy is stored by IAM
//! or AWS Organizations (identity, boundary, trust and service control
//! policies): only ASCII letters and digits
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html>);
//! IAM rejects anything else as a malformed policy document. Resource
//! policies are not checked: S3 bucket and KMS key policies accept spaces.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::condition::without_variables;
use crate::policy::pattern::has_wildcard;
use crate::policy::principal::PrincipalType;
use crate::policy::{PolicyKind, Statement};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct InvalidPolicy;

static META: RuleMeta = RuleMeta {
    name: "invalid-policy",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "policy does not fit the IAM policy grammar",
    docs: include_str!("../../../rules/invalid-policy.md"),
};

/// Reports an `AWS` principal that is a pattern (`arn:aws:iam::*:root`,
/// `arn:aws:iam::111122223333:role/*`): a principal is `*` or names one
/// account or principal, and AWS rejects the policy ("Invalid principal in
/// policy"). A template's value is judged by what the template writes: a
/// `${Param}` it leaves open is read as `*`, which is not the author's.
fn wildcard_principals(statement: &Statement, cx: &mut Context<'_>) {
    let Some(element) = &statement.principal else {
        return;
    };
    for item in &element.items {
        let p = &item.value;
        if p.ty != PrincipalType::Aws || p.value == "*" || !has_wildcard(&p.value) {
            continue;
        }
        if cx.assumption_at(item.span).is_some() {
            let written = cx
                .sources
                .try_get(item.span.source)
                .and_then(|f| f.text.get(item.span.start as usize..item.span.end as usize));
            if !written.is_some_and(|w| has_wildcard(&without_variables(w))) {
                continue;
            }
        }
        cx.report(
            item.span,
            format!(
                "`{}` is a pattern, and a principal cannot be one: AWS rejects this policy (\"Invalid principal in policy\")",
                p.value
            ),
        )
        .label("wildcard in a principal")
        .help("name each principal, or use `\"AWS\": \"*\"` with an `aws:PrincipalArn` or `aws:PrincipalAccount` condition (`ArnLike`/`StringLike` accept patterns)");
    }
}

impl Rule for InvalidPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, policy: &PolicyDoc, cx: &mut Context<'_>) {
        for p in &policy.problems {
            let f = cx.report(p.span, p.message.clone());
            if let Some(help) = &p.help {
                f.help(help.clone());
            }
        }
        for statement in &policy.policy.statements {
            wildcard_principals(statement, cx);
        }
        let kind = policy.policy.kind;
        if !matches!(
            kind,
            PolicyKind::Identity
                | PolicyKind::Boundary
                | PolicyKind::Trust
                | PolicyKind::ServiceControl
        ) {
            return;
        }
        for statement in &policy.policy.statements {
            let Some(sid) = &statement.sid else { continue };
            if sid.value.bytes().all(|b| b.is_ascii_alphanumeric()) {
                continue;
            }
            // `read-build-artifacts` → `ReadBuildArtifacts`.
            let cleaned: String = sid
                .value
                .split(|c: char| !c.is_ascii_alphanumeric())
                .flat_map(|word| {
                    let mut chars = word.chars();
                    chars
                        .next()
                        .map(|c| c.to_ascii_uppercase())
                        .into_iter()
                        .chain(chars)
                })
                .collect();
            let f = cx
                .report(
                    sid.span,
                    format!(
                        "`{}` is not a valid Sid in {}: only letters A-Z, a-z and digits 0-9 are allowed",
                        sid.value,
                        kind.with_article()
                    ),
                )
                .label("characters other than letters and digits");
            if cleaned.is_empty() {
                f.help("use letters and digits only, or remove the Sid");
            } else {
                f.help(format!("use `{cleaned}`"));
            }
        }
    }
}
