//! `unknown-managed-policy`: an attached `arn:aws:iam::aws:policy/…` that
//! is not an AWS managed policy — misspelt, with a wrong path, or
//! deprecated and removed (`AWSLambdaFullAccess`). AWS refuses to attach
//! it, and iamchain cannot evaluate what it would grant.

use crate::catalog;
use crate::diagnostic::Severity;
use crate::load::Document;
use crate::rules::expansion::closest;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct UnknownManagedPolicy;

static META: RuleMeta = RuleMeta {
    name: "unknown-managed-policy",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "attached AWS managed policy that does not exist",
    docs: include_str!("../../../rules/unknown-managed-policy.md"),
};

/// The partition and the part after `policy` (`/service-role/Name`) of an
/// AWS managed policy ARN; `None` for customer managed policies.
fn aws_managed(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    let path = rest.strip_prefix("iam::aws:policy")?;
    Some((partition, path))
}

/// The ARN to suggest for a policy that is not in the catalog: the same
/// name under its real path, a different case, or the nearest name.
fn suggestion(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if let Some(p) = catalog::managed_policy_by_name(name) {
        return Some(p.arn);
    }
    if let Some(p) = catalog::managed_policies().find(|p| p.name.eq_ignore_ascii_case(name)) {
        return Some(p.arn);
    }
    let names: Vec<&'static str> = catalog::managed_policies().map(|p| p.name).collect();
    closest(name, names.into_iter())
        .and_then(catalog::managed_policy_by_name)
        .map(|p| p.arn)
}

impl Rule for UnknownManagedPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for a in &document.attachments {
            let Some((partition, path)) = aws_managed(&a.value) else {
                continue;
            };
            // Only the `aws` partition is embedded; the same policies exist
            // in the other partitions under the same path.
            let canonical = format!("arn:aws:iam::aws:policy{path}");
            if catalog::managed_policy(&canonical).is_some() {
                continue;
            }
            let finding = cx
                .report(
                    a.span,
                    format!(
                        "`{}` is not an AWS managed policy (misspelt, or deprecated and removed)",
                        a.value
                    ),
                )
                .label("no such managed policy");
            match suggestion(path) {
                Some(arn) => {
                    let arn = arn.replacen("arn:aws:", &format!("arn:{partition}:"), 1);
                    finding.help(format!("did you mean `{arn}`?"))
                }
                None => finding.help(
                    "attach a current AWS managed policy, or a customer managed policy with the permissions needed",
                ),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            suggestion("/AWSLambdaBasicExecutionRole"),
            Some("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        );
        assert_eq!(
            suggestion("/AdministratorAcess"),
            Some("arn:aws:iam::aws:policy/AdministratorAccess")
        );
        assert_eq!(aws_managed("arn:aws:iam::123456789012:policy/Mine"), None);
        assert!(catalog::managed_policy("arn:aws:iam::aws:policy/AWSLambdaFullAccess").is_none());
    }
}
