//! `prod-delete-right`: a role in a production account may delete stacks,
//! objects, images, keys or databases. Deploy roles need to create and
//! update; a delete right turns one bad pipeline run (or one stolen
//! session) into lost production state.

use crate::diagnostic::Severity;
use crate::principals::PrincipalPolicies;
use crate::rules::environment::{expand, grants, prod_account, report};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct ProdDeleteRight;

static META: RuleMeta = RuleMeta {
    name: "prod-delete-right",
    category: Category::Environment,
    default_severity: Severity::Warning,
    summary: "production role may delete resources",
    docs: include_str!("../../../rules/prod-delete-right.md"),
};

/// Destructive actions checked by default; `prod.delete_actions` in
/// `.iamchain.yaml` adds to them.
pub(crate) const DELETE_ACTIONS: &[&str] = &[
    "cloudformation:DeleteStack",
    "cloudformation:DeleteStackSet",
    "cloudformation:DeleteStackInstances",
    "s3:DeleteBucket",
    "s3:DeleteObject*",
    "ecr:BatchDeleteImage",
    "ecr:DeleteRepository",
    "kms:ScheduleKeyDeletion",
    "kms:DisableKey",
    "rds:DeleteDBInstance",
    "rds:DeleteDBCluster",
    "dynamodb:DeleteTable",
    "eks:DeleteCluster",
    "ec2:TerminateInstances",
    "logs:DeleteLogGroup",
    "secretsmanager:DeleteSecret",
];

impl Rule for ProdDeleteRight {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_principal(&self, principal: &PrincipalPolicies<'_>, cx: &mut Context<'_>) {
        let Some(account) = prod_account(principal, cx) else {
            return;
        };
        let actions = expand(DELETE_ACTIONS, &cx.config.prod.delete_actions);
        let found = grants(principal, &actions, &|_, _| true);
        report(
            cx,
            found,
            &account,
            "delete resources",
            "delete right",
            "keep delete rights out of production deploy roles (turn the parameter that grants them off for this account), or deny them explicitly",
        );
    }
}
