//! `invalid-arn`: a `Resource` or `NotResource` ARN with a field no AWS
//! resource can have: an account that is not a 12-digit id
//! (`arn:aws:iam::12345678901:role/x`), a region that is not a region code
//! (`us-east1`), or a service namespace with capitals or other characters
//! no namespace has (`arn:aws:S3:::bucket`), or an example's `<region>`
//! left unfilled. AWS accepts such a policy and
//! matches the ARN, case-sensitively, against the resources requests act
//! on, which never have it: an Allow grants nothing by it, a Deny protects
//! nothing by it, and a `NotResource` exempts nothing.
//!
//! What the grammar rejects (no `arn:` prefix, fewer than six fields, an
//! unknown partition) is `invalid-policy`'s. A field with a wildcard, a
//! policy variable (`${aws:PrincipalAccount}`, whose `:` would also split
//! the fields wrongly) or a value a template leaves open (`*`) could be
//! anything and is not judged. Accounts the reference writes literally
//! (`aws` in AWS managed policy ARNs, `offering` in MediaConnect's) are
//! valid. Regions are judged by their shape (`us-gov-west-1`,
//! `eusc-de-east-1`), not by a list, so a region launched after this build
//! is no finding.

use crate::catalog;
use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{Statement, arn::Arn, pattern};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct InvalidArn;

static META: RuleMeta = RuleMeta {
    name: "invalid-arn",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "resource ARN with an account, region or service no resource has",
    docs: include_str!("../../../rules/invalid-arn.md"),
};

/// What is wrong with an ARN's fields, as (what, help).
fn defect(arn: &Arn<'_>) -> Option<(String, &'static str)> {
    let open = |field: &str| pattern::has_wildcard(field);
    // `<region>`, `<account-id>`: an example's blank, copied unfilled.
    let placeholder = |field: &str| field.starts_with('<') && field.ends_with('>');
    let service = arn.service;
    if !open(service) {
        if service.is_empty() {
            return Some((
                "names no service".into(),
                "write the service namespace, e.g. `arn:aws:s3:::bucket`",
            ));
        }
        if !service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Some((
                format!(
                    "has service `{service}`, and service namespaces are lowercase letters, digits and `-`"
                ),
                "write the service as the reference does, e.g. `s3`, `iam`, `execute-api`",
            ));
        }
    }
    let region = arn.region;
    if placeholder(region) {
        return Some((
            format!("has `{region}` for its region, a placeholder left unfilled"),
            "write the region code, such as `us-east-1`, or `*`",
        ));
    }
    if !region.is_empty() && !open(region) && !region_shaped(region) {
        return Some((
            format!("has region `{region}`, which is no region code"),
            "write a region code such as `us-east-1`, `*`, or nothing for a global service",
        ));
    }
    let account = arn.account;
    let id = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    if !account.is_empty()
        && !open(account)
        && !id
        && account != "aws"
        && !catalog::arn_account_is_literal(service, account)
    {
        let what = if placeholder(account) {
            format!("has `{account}` for its account, a placeholder left unfilled")
        } else if account.bytes().all(|b| b.is_ascii_digit()) {
            format!(
                "has account `{account}` of {} digits, and account ids have 12",
                account.len()
            )
        } else {
            format!("has account `{account}`, and account ids are 12 digits")
        };
        return Some((
            what,
            "write the 12-digit account id (with its leading zeros), `*`, or nothing where the service omits it",
        ));
    }
    None
}

/// A region code: a lowercase area of two to four letters, lowercase words,
/// then a number — `us-east-1`, `ap-southeast-7`, `us-gov-west-1`,
/// `us-isob-east-1`, `eusc-de-east-1`.
fn region_shaped(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let [area, words @ .., number] = parts.as_slice() else {
        return false;
    };
    let letters = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase());
    (2..=4).contains(&area.len())
        && letters(area)
        && !words.is_empty()
        && words.iter().all(|w| letters(w))
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// What a resource that matches nothing means where it is written.
fn consequence(statement: &Statement, negated: bool) -> &'static str {
    match (statement.is_allow(), negated) {
        (true, false) => "so it matches no resource and the statement grants nothing on it",
        (false, false) => "so it matches no resource and the Deny protects nothing by it",
        (true, true) => {
            "so `NotResource` excludes nothing by it and the Allow still grants what was meant to be excluded"
        }
        (false, true) => {
            "so `NotResource` exempts nothing by it and the Deny also applies to what was meant to be exempt"
        }
    }
}

impl Rule for InvalidArn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, _policy: &PolicyDoc, cx: &mut Context<'_>) {
        let Some(element) = &statement.resource else {
            return;
        };
        for item in &element.items {
            let value = item.value.as_str();
            // A policy variable's own `:` would split the fields wrongly.
            if crate::policy::condition::has_variable(value) {
                continue;
            }
            // Not an ARN, or an unknown partition: `invalid-policy`'s.
            let Some(arn) = Arn::parse(value) else {
                continue;
            };
            if !arn.partition_could_be_known() {
                continue;
            }
            if let Some((what, help)) = defect(&arn) {
                cx.report(
                    item.span,
                    format!(
                        "`{value}` {what}, {}",
                        consequence(statement, element.negated)
                    ),
                )
                .label("matches no resource")
                .help(help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(text: &str) -> Option<String> {
        defect(&Arn::parse(text).expect("an ARN")).map(|(what, _)| what)
    }

    #[test]
    fn valid_arns_have_no_defect() {
        for arn in [
            "arn:aws:s3:::bucket/*",
            "arn:aws:iam::123456789012:role/path/Name",
            "arn:aws:iam::012345678901:root",
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            "arn:aws:mediaconnect:us-east-1:offering:offering-id",
            "arn:aws:ec2:*::image/ami-*",
            "arn:aws:ec2:us-east-1:*:instance/*",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x:*",
            "arn:aws-us-gov:s3:::bucket",
            "arn:aws:dynamodb:us-gov-west-1:123456789012:table/t",
            "arn:aws:kms:us-isob-east-1:123456789012:key/k",
            "arn:aws-eusc:kms:eusc-de-east-1:123456789012:key/k",
            "arn:aws:lambda:ap-southeast-7:123456789012:function:f",
            "arn:aws:execute-api:us-east-1:123456789012:api/stage/GET/*",
            "arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/ap",
            // Wildcards could be anything.
            "arn:aws:iam::1234*:role/x",
            "arn:aws:*:us-east-?:*:*",
            "arn:*:S3*:::bucket",
        ] {
            assert_eq!(judged(arn), None, "{arn}");
        }
    }

    #[test]
    fn each_field_has_its_defect() {
        for (arn, what) in [
            (
                "arn:aws:iam::12345678901:role/x",
                "has account `12345678901` of 11 digits, and account ids have 12",
            ),
            (
                "arn:aws:iam::1234567890123:role/x",
                "has account `1234567890123` of 13 digits, and account ids have 12",
            ),
            (
                "arn:aws:sqs:us-east-1:prod:queue",
                "has account `prod`, and account ids are 12 digits",
            ),
            (
                "arn:aws:ec2:us-east1:123456789012:instance/*",
                "has region `us-east1`, which is no region code",
            ),
            (
                "arn:aws:ec2:us-east-1a:123456789012:instance/*",
                "has region `us-east-1a`, which is no region code",
            ),
            (
                "arn:aws:ec2:US-EAST-1:123456789012:instance/*",
                "has region `US-EAST-1`, which is no region code",
            ),
            (
                "arn:aws:S3:::bucket",
                "has service `S3`, and service namespaces are lowercase letters, digits and `-`",
            ),
            ("arn:aws::us-east-1:123456789012:thing", "names no service"),
            (
                "arn:aws:ssm:<region>::parameter/aws/*",
                "has `<region>` for its region, a placeholder left unfilled",
            ),
            (
                "arn:aws:lambda:*:<service-account-id>:layer:*",
                "has `<service-account-id>` for its account, a placeholder left unfilled",
            ),
        ] {
            assert_eq!(judged(arn).as_deref(), Some(what), "{arn}");
        }
    }

    #[test]
    fn regions_are_judged_by_shape() {
        for r in [
            "us-east-1",
            "eu-central-2",
            "cn-northwest-1",
            "us-gov-west-1",
            "us-iso-east-1",
            "eusc-de-east-1",
            "mx-central-1",
            "ap-southeast-12",
        ] {
            assert!(region_shaped(r), "{r}");
        }
        for r in [
            "us",
            "us-east",
            "east-1",
            "us-east-",
            "-east-1",
            "us-east-123",
            "useast1",
            "us_east_1",
            "u-east-1",
            "europe-west-1",
        ] {
            assert!(!region_shaped(r), "{r}");
        }
    }
}
