//! `trust-account-root`: a trust policy trusts a whole account (a bare
//! account id or `arn:aws:iam::ID:root`) with no condition that narrows
//! which of its principals: every role and user there whose own policies
//! allow `sts:AssumeRole` can become this role.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::principal::AwsTarget;
use crate::policy::{PolicyKind, Statement, scope};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct TrustAccountRoot;

static META: RuleMeta = RuleMeta {
    name: "trust-account-root",
    category: Category::Trust,
    default_severity: Severity::Warning,
    summary: "trust policy trusts a whole account",
    docs: include_str!("../../../rules/trust-account-root.md"),
};

/// Principal keys that identify only an account or organization.
const ACCOUNT_LEVEL_KEYS: &[&str] = &[
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
];

impl Rule for TrustAccountRoot {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !statement.is_allow() || policy.policy.kind != PolicyKind::Trust {
            return;
        }
        // Keys that name an account or organization do not narrow *which*
        // principal of the trusted account may assume the role: that account
        // already is in the organization (and is the principal's account), so
        // `aws:PrincipalOrgID` next to `:root` still lets in every principal there.
        if scope::principal_narrowing(statement, scope::SIGNED_REQUEST_KEYS)
            .iter()
            .any(|c| !ACCOUNT_LEVEL_KEYS.iter().any(|k| c.key_is(k)))
        {
            return;
        }
        for p in statement.principals() {
            if let Some(AwsTarget::Account(account)) = p.value.aws_target() {
                // `arn:aws:iam::*:root` as written is no account but a
                // pattern, which AWS rejects (`invalid-policy` says so); as
                // a template's open parameter, it is whatever account is
                // given.
                if crate::policy::pattern::has_wildcard(account)
                    && cx.assumption_at(p.span).is_none()
                {
                    continue;
                }
                cx.report(
                    p.span,
                    format!("every principal of account {account} whose IAM policies allow `sts:AssumeRole` may assume this role"),
                )
                .label("the whole account")
                .help("name the role ARNs that may assume this role, or add an `aws:PrincipalArn` condition");
            }
        }
    }
}
