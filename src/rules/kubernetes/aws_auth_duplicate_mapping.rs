//! `aws-auth-duplicate-mapping`: the same role or user ARN appears twice in
//! one aws-auth list (the authenticator compares ARNs ignoring case). Only
//! one of the entries takes effect, so the groups a reviewer reads on the
//! other are not the ones the principal gets.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct AwsAuthDuplicateMapping;

static META: RuleMeta = RuleMeta {
    name: "aws-auth-duplicate-mapping",
    category: Category::Kubernetes,
    default_severity: Severity::Warning,
    summary: "aws-auth maps the same principal twice",
    docs: include_str!("../../../rules/aws-auth-duplicate-mapping.md"),
};

impl Rule for AwsAuthDuplicateMapping {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for map in &document.aws_auth {
            for (i, m) in map.mappings.iter().enumerate() {
                let Some(arn) = &m.arn else { continue };
                let first = map.mappings[..i].iter().find(|o| {
                    o.section == m.section
                        && o.arn
                            .as_ref()
                            .is_some_and(|a| a.value.eq_ignore_ascii_case(&arn.value))
                });
                let Some(first) = first else { continue };
                let finding = cx.report(
                    arn.span,
                    format!(
                        "`{}` is mapped again in `{}`: only one of its entries takes effect",
                        arn.value,
                        m.section.key()
                    ),
                );
                finding
                    .label("mapped again")
                    .help("merge the groups into one entry and remove the other");
                if let Some(a) = &first.arn {
                    finding.related(a.span, "first mapped here");
                }
            }
        }
    }
}
