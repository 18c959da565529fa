//! `aws-auth-map-accounts`: `mapAccounts` lets every IAM role and user of
//! an account authenticate to the cluster (as a user named after its ARN).
//! What they may then do is up to RBAC, but the cluster no longer knows a
//! list of who may sign in.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct AwsAuthMapAccounts;

static META: RuleMeta = RuleMeta {
    name: "aws-auth-map-accounts",
    category: Category::Kubernetes,
    default_severity: Severity::Warning,
    summary: "aws-auth maps a whole AWS account",
    docs: include_str!("../../../rules/aws-auth-map-accounts.md"),
};

impl Rule for AwsAuthMapAccounts {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for map in &document.aws_auth {
            for account in &map.accounts {
                cx.report(
                    account.span,
                    format!(
                        "every IAM role and user of account {} can authenticate to this cluster",
                        cx.config.describe_account(&account.value)
                    ),
                )
                .label("a whole account")
                .help("map the roles that need access in `mapRoles` instead, or create access entries for them");
            }
        }
    }
}
