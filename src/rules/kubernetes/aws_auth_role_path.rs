//! `aws-auth-role-path`: a `mapRoles` entry whose `rolearn` includes the
//! role's IAM path (`role/teams/deploy/DeployRole`). The authenticator
//! matches the ARN of the caller's session, and an assumed-role session ARN
//! carries the role name only, so the entry never matches
//! (<https://docs.aws.amazon.com/eks/latest/userguide/security-iam-troubleshoot.html>).
//! IAM Identity Center roles (`/aws-reserved/sso.amazonaws.com/…`) are the
//! usual victims.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::model::AwsAuthSection;
use crate::policy::arn::Arn;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct AwsAuthRolePath;

static META: RuleMeta = RuleMeta {
    name: "aws-auth-role-path",
    category: Category::Kubernetes,
    default_severity: Severity::Error,
    summary: "aws-auth `rolearn` includes an IAM path and never matches",
    docs: include_str!("../../../rules/aws-auth-role-path.md"),
};

impl Rule for AwsAuthRolePath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for map in &document.aws_auth {
            for m in map
                .mappings
                .iter()
                .filter(|m| m.section == AwsAuthSection::MapRoles)
            {
                let Some(arn) = &m.arn else { continue };
                let Some(parsed) = Arn::parse(&arn.value) else {
                    continue;
                };
                let Some(rest) = parsed.resource.strip_prefix("role/") else {
                    continue;
                };
                let Some((path, name)) = rest.rsplit_once('/') else {
                    continue;
                };
                let fixed = format!(
                    "arn:{}:iam::{}:role/{name}",
                    parsed.partition, parsed.account
                );
                cx.report(
                    arn.span,
                    format!("`rolearn` includes the IAM path `/{path}/`: the session ARN of role `{name}` carries no path, so this entry never matches"),
                )
                .label("never matches")
                .help(format!("use `{fixed}`"));
            }
        }
    }
}
