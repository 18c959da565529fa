//! `aws-auth-map-users`: the aws-auth ConfigMap maps IAM users. Users sign
//! in with long-lived access keys, which leak, are shared and outlive the
//! person; a role assumed through SSO or an access entry leaves a session
//! name in the audit log and expires.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::model::AwsAuthSection;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct AwsAuthMapUsers;

static META: RuleMeta = RuleMeta {
    name: "aws-auth-map-users",
    category: Category::Kubernetes,
    default_severity: Severity::Warning,
    summary: "aws-auth maps an IAM user",
    docs: include_str!("../../../rules/aws-auth-map-users.md"),
};

impl Rule for AwsAuthMapUsers {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for map in &document.aws_auth {
            for m in map
                .mappings
                .iter()
                .filter(|m| m.section == AwsAuthSection::MapUsers)
            {
                let Some(arn) = &m.arn else { continue };
                cx.report(
                    arn.span,
                    format!("IAM user `{}` is mapped into the cluster: its long-lived access keys sign in to Kubernetes", arn.value),
                )
                .label("an IAM user")
                .help("map a role that people assume (IAM Identity Center) instead, or create an access entry for it");
            }
        }
    }
}
