//! `wildcard-resource`: an identity policy allows, on `Resource: "*"`,
//! write actions that could have been scoped to specific resources.
//!
//! Many actions cannot be scoped at all (`ecr:GetAuthorizationToken`,
//! `sts:GetCallerIdentity`, `s3:ListAllMyBuckets`) and legitimately need
//! `*`; flagging them is the false positive peers are most criticised for.
//! So only actions that have resource types *and* change something
//! (Write, Permissions management, Tagging) count.

use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::condition::Condition;
use crate::policy::{PolicyKind, Statement, scope};
use crate::rules::expansion::{CHANGES, expand, list, plural, sort_riskiest};
use crate::rules::permissions::grants;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct WildcardResource;

static META: RuleMeta = RuleMeta {
    name: "wildcard-resource",
    category: Category::Permissions,
    default_severity: Severity::Warning,
    summary: "write actions that could be scoped are allowed on every resource",
    docs: include_str!("../../../rules/wildcard-resource.md"),
};

/// Whether a condition scopes the resources by tag, account or
/// organization (the attribute-based pattern, where `*` is intended).
fn scopes_resources(c: &Condition) -> bool {
    let k = c.key.value.to_ascii_lowercase();
    let resource_key = k.starts_with("aws:resourcetag/")
        || k.contains(":resourcetag/")
        || k == "aws:resourceaccount"
        || k == "aws:resourceorgid"
        || k == "aws:resourceorgpaths";
    resource_key && scope::is_restrictive(c)
}

impl Rule for WildcardResource {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        // Only identity policies: in a resource policy `*` means the
        // resource the policy is attached to (a key policy always says
        // `*`), and SCPs, RCPs and boundaries only set a ceiling.
        if !grants(statement, policy) || policy.policy.kind != PolicyKind::Identity {
            return;
        }
        let Some(star) = statement.resources().iter().find(|r| r.value == "*") else {
            return;
        };
        // `NotAction` is `not-action-allow`'s, `*` on `*` is `admin-access`'s.
        let actions = statement.actions();
        if actions.is_empty() || actions.iter().any(|a| a.value == "*") {
            return;
        }
        if statement.conditions.iter().any(scopes_resources) {
            return;
        }
        // `iam:PassRole` and `sts:AssumeRole` on `*` have rules of their own
        // (`pass-role-any-resource`, `assume-role-any-resource`).
        let own_rule =
            |a: &crate::catalog::Action| matches!(a.full_name(), "iam:PassRole" | "sts:AssumeRole");
        let mut scopable = Vec::new();
        let mut contributing = Vec::new();
        for item in actions {
            let hits: Vec<_> = expand(&item.value)
                .into_iter()
                .filter(|a| {
                    !a.accepts_only_star() && a.access().intersects(CHANGES) && !own_rule(a)
                })
                .collect();
            if !hits.is_empty() {
                contributing.push(item);
            }
            scopable.extend(hits);
        }
        scopable.sort();
        scopable.dedup();
        if scopable.is_empty() {
            return;
        }
        sort_riskiest(&mut scopable);
        let n = scopable.len();
        let finding = cx
            .report(
                star.span,
                format!(
                    "`*` lets {} act on every resource: {}",
                    plural(
                        n,
                        "write action that could be scoped",
                        "write actions that could be scoped"
                    ),
                    list(&scopable, 4)
                ),
            )
            .label("every resource");
        for item in contributing.iter().take(8) {
            finding.related(item.span, "can be scoped to resources");
        }
        finding.help("list the ARNs these actions need, or move actions that only accept `*` into their own statement");
    }
}
