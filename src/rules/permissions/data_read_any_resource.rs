//! `data-read-any-resource`: an identity policy allows reading stored
//! data — secrets' values, Parameter Store parameters, S3 objects — on
//! every resource, where `wildcard-resource` deliberately leaves reads out.
//!
//! The list is cloudsplaining's data-exfiltration list (`s3:GetObject`,
//! `ssm:GetParameter*`, `secretsmanager:GetSecretValue`) with the calls
//! that read the same data another way (`s3:GetObjectVersion`,
//! `ssm:GetParameterHistory`). `secretsmanager:BatchGetSecretValue` is not
//! on it: it returns only the secrets `GetSecretValue` is allowed on.

use crate::diagnostic::Severity;
use crate::rules::permissions::every_resource::{Listed, ListedRule, Wording};
use crate::rules::{Category, RuleMeta};

static META: RuleMeta = RuleMeta {
    name: "data-read-any-resource",
    category: Category::Permissions,
    default_severity: Severity::Warning,
    summary: "secrets, parameters or S3 objects can be read on every resource",
    docs: include_str!("../../../rules/data-read-any-resource.md"),
};

/// The actions, as the catalog spells them, with what they read.
const ACTIONS: &[(&str, &str)] = &[
    ("s3:GetObject", "the objects of every bucket"),
    (
        "s3:GetObjectVersion",
        "every version of the objects of every bucket",
    ),
    ("secretsmanager:GetSecretValue", "the value of every secret"),
    ("ssm:GetParameter", "every Parameter Store parameter"),
    ("ssm:GetParameterHistory", "every parameter's past values"),
    ("ssm:GetParameters", "every Parameter Store parameter"),
    (
        "ssm:GetParametersByPath",
        "every Parameter Store parameter, by path",
    ),
];

/// The rule: [`ACTIONS`] allowed on every resource, worded as below.
pub(crate) static DATA_READ_ANY_RESOURCE: ListedRule = ListedRule {
    meta: &META,
    listed: Listed::new(ACTIONS),
    wording: Wording {
        one: "reads",
        many: "read stored data",
        help: "name the secrets, parameters or buckets this principal reads",
        label: "reads data",
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_in_the_catalog_as_spelled() {
        crate::rules::permissions::every_resource::assert_in_catalog(
            &DATA_READ_ANY_RESOURCE.listed,
        );
    }
}
