//! `aws-auth-invalid`: what the authenticator rejects or ignores in the
//! YAML strings of the aws-auth ConfigMap: YAML that does not parse (every
//! entry of that list is lost, admins included), entries without
//! `rolearn`/`userarn`, unknown keys (`group:` for `groups:`), unquoted
//! account ids. Findings point inside the string, at the line in the file.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct AwsAuthInvalid;

static META: RuleMeta = RuleMeta {
    name: "aws-auth-invalid",
    category: Category::Kubernetes,
    default_severity: Severity::Error,
    summary: "aws-auth ConfigMap holds a mapping the authenticator rejects or ignores",
    docs: include_str!("../../../rules/aws-auth-invalid.md"),
};

impl Rule for AwsAuthInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for map in &document.aws_auth {
            for p in &map.problems {
                cx.report(p.span, p.message.clone())
                    .label("rejected or ignored by the authenticator")
                    .help(p.help.clone());
            }
        }
    }
}
