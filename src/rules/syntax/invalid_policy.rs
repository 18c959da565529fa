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
use crate::policy::PolicyKind;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct InvalidPolicy;

static META: RuleMeta = RuleMeta {
    name: "invalid-policy",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "policy does not fit the IAM policy grammar",
    docs: include_str!("../../../rules/invalid-policy.md"),
};

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
