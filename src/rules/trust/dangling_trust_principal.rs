//! `dangling-trust-principal`: a trust policy names a principal by unique
//! id (`AROA…`, `AIDA…`). AWS writes the id in place of the ARN when the
//! named role or user is deleted; recreating it gives a new id, so the trust
//! silently stays broken
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles>).

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::principal::AwsTarget;
use crate::policy::{PolicyKind, Statement};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct DanglingTrustPrincipal;

static META: RuleMeta = RuleMeta {
    name: "dangling-trust-principal",
    category: Category::Trust,
    default_severity: Severity::Warning,
    summary: "trust policy names a deleted principal by its unique id",
    docs: include_str!("../../../rules/dangling-trust-principal.md"),
};

impl Rule for DanglingTrustPrincipal {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !statement.is_allow()
            || !matches!(policy.policy.kind, PolicyKind::Trust | PolicyKind::Resource)
        {
            return;
        }
        for p in statement.principals() {
            if let Some(AwsTarget::UniqueId(id)) = p.value.aws_target() {
                cx.report(
                    p.span,
                    format!(
                        "`{id}` is the unique id of a deleted principal: nobody can use this grant"
                    ),
                )
                .label("the named principal was deleted")
                .help("remove the id, or name the principal that should have access by its ARN");
            }
        }
    }
}
