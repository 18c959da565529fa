//! `public-resource-policy`: a resource policy allows every principal
//! (`"*"`), with no condition that narrows who the caller is or where the
//! request comes from.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::condition::{Condition, OperatorKind, SetQualifier};
use crate::policy::{PolicyKind, Statement, scope};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct PublicResourcePolicy;

static META: RuleMeta = RuleMeta {
    name: "public-resource-policy",
    category: Category::Resource,
    default_severity: Severity::Error,
    summary: "resource policy is open to everyone",
    docs: include_str!("../../../rules/public-resource-policy.md"),
};

/// Keys that only a signed request has: an anonymous caller has no ARN,
/// account or organization. (`aws:userid` is no such key: it is
/// `anonymous` then.)
const SIGNED_ONLY_KEYS: &[&str] = &[
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
];

/// A condition of `statement` that demands one of [`SIGNED_ONLY_KEYS`]
/// (`Null: false`, or a positive operator without `IfExists`, which fails
/// on an absent key) without narrowing who the caller is: it keeps out
/// anonymous callers only.
fn keeps_out_anonymous(statement: &Statement) -> Option<&Condition> {
    statement.conditions.iter().find(|c| {
        let op = &c.operator.value;
        let demands = if op.kind == OperatorKind::Null {
            c.values
                .iter()
                .all(|v| v.value.eq_ignore_ascii_case("false"))
        } else {
            !op.negated && !op.if_exists && op.set != Some(SetQualifier::ForAllValues)
        };
        demands && SIGNED_ONLY_KEYS.iter().any(|k| c.key_is(k))
    })
}

impl Rule for PublicResourcePolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !statement.is_allow() || policy.policy.kind != PolicyKind::Resource {
            return;
        }
        if scope::caller_narrowed(statement, &policy.policy.statements, &[]) {
            return;
        }
        if let Some(p) = statement
            .principals()
            .iter()
            .find(|p| p.value.is_wildcard())
        {
            let actions: Vec<&str> = statement
                .actions()
                .iter()
                .map(|a| a.value.as_str())
                .collect();
            let what = if actions.is_empty() {
                "the listed actions".to_string()
            } else {
                actions
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let who = match keeps_out_anonymous(statement) {
                Some(_) => "any AWS principal of any account",
                None => "anyone, including anonymous callers,",
            };
            let f = cx.report(p.span, format!("{who} may perform {what}"));
            f.label("everyone")
                .help("name the principals that need access, or add an `aws:PrincipalOrgID`, `aws:SourceArn` or `aws:SourceVpce` condition");
            // As in trust-any-principal: say why a condition that is there
            // (`aws:SecureTransport`, an `…IfExists`, a negated operator) did not count.
            if let Some(c) = keeps_out_anonymous(statement) {
                f.related(
                    c.key.span,
                    "this condition keeps out anonymous callers, not other accounts",
                );
            } else if let Some(c) = statement.conditions.first() {
                f.related(
                    c.key.span,
                    "this condition does not narrow who the caller is",
                );
            }
        }
    }
}
