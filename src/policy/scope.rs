//! Which conditions narrow *who* a statement applies to.
//!
//! `"Principal": "*"` with `aws:PrincipalOrgID` or `aws:SourceArn` is a
//! common and safe pattern; the same principal with only
//! `aws:SecureTransport` is open to everyone. A condition narrows only when
//! it must hold for the request to match: a positive operator (not a `Not…`
//! form, not `…IfExists`, which is true when the key is absent, not
//! `ForAllValues:`, which is true when the key is absent) on a key that
//! identifies the caller or its origin, with no value that admits anyone
//! (the values are alternatives): not `*`, not an ARN whose account is a
//! wildcard, not `0.0.0.0/0` ([`matches_anyone`]).
//!
//! `Bool` on `aws:PrincipalIsAWSService` narrows when it demands `true`: only
//! AWS service principals (`cloudtrail.amazonaws.com` writing its logs) then
//! match, never an IAM principal or an anonymous caller. The key is in every
//! signed request (false for IAM principals) and absent from anonymous ones,
//! where `Bool` is false; `BoolIfExists` would let anonymous callers through
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).

use crate::policy::Statement;
use crate::policy::condition::{Condition, OperatorKind, SetQualifier};

/// Keys that identify the calling principal (its ARN, account, organization).
const PRINCIPAL_KEYS: &[&str] = &[
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:userid",
    "aws:username",
    "aws:SourceIdentity",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalIsAWSService",
];

/// Keys that pin where a request comes from (the resource or network a
/// service acts for): they narrow service principals and public policies.
const ORIGIN_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:VpcSourceIp",
    "kms:CallerAccount",
    "s3:DataAccessPointAccount",
    "s3:DataAccessPointArn",
];

/// Key prefixes for tag-based principal narrowing (`aws:PrincipalTag/team`).
const PRINCIPAL_KEY_PREFIXES: &[&str] = &["aws:PrincipalTag/"];

/// Whether the key is one of `keys` or starts with one of `prefixes`, ignoring case.
fn key_in(cond: &Condition, keys: &[&str], prefixes: &[&str]) -> bool {
    let k = cond.key.value.as_str();
    keys.iter().any(|x| x.eq_ignore_ascii_case(k))
        || prefixes.iter().any(|p| {
            k.len() > p.len() && k.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))
        })
}

/// Whether a condition must hold, and holds only for some values of its key:
/// the shape that narrows a statement.
pub fn is_restrictive(cond: &Condition) -> bool {
    is_restrictive_given(cond, &[])
}

/// [`is_restrictive`], where the keys in `always_present` are known to be in
/// every request the statement is checked for, so `…IfExists` on them is the
/// same as the plain operator (`aws:PrincipalArn` is in every signed request;
/// `iam:PassedToService` in every `iam:PassRole` check).
pub fn is_restrictive_given(cond: &Condition, always_present: &[&str]) -> bool {
    let op = &cond.operator.value;
    let if_exists_matters = op.if_exists && !always_present.iter().any(|k| cond.key_is(k));
    if op.negated || if_exists_matters || op.set == Some(SetQualifier::ForAllValues) {
        return false;
    }
    if op.kind == OperatorKind::Null {
        // `Null: {k: false}` only demands that the key exists.
        return false;
    }
    if op.kind == OperatorKind::Bool {
        // Only `aws:PrincipalIsAWSService: true` names a kind of caller;
        // `false` still admits every IAM principal.
        return cond.key_is("aws:PrincipalIsAWSService")
            && !cond.values.is_empty()
            && cond
                .values
                .iter()
                .all(|v| v.value.eq_ignore_ascii_case("true"));
    }
    // A condition's values are alternatives: one that admits anyone
    // leaves the condition admitting anyone.
    !cond.values.is_empty() && !cond.values.iter().any(|v| admits_anyone(cond, &v.value))
}

/// Whether one value of `cond` admits whoever asks: a wildcard pattern
/// that does ([`matches_anyone`]), or every address.
fn admits_anyone(cond: &Condition, value: &str) -> bool {
    let op = &cond.operator.value;
    op.has_wildcards() && matches_anyone(cond, value)
        || op.kind == OperatorKind::IpAddress && (value == "0.0.0.0/0" || value == "::/0")
}

/// Whether a condition of `statement` narrows the caller or its origin
/// ([`caller_narrowing`]), or a Deny among `statements` fences everyone
/// else out ([`fencing_deny`]).
pub fn caller_narrowed(
    statement: &Statement,
    statements: &[Statement],
    always_present: &[&str],
) -> bool {
    !caller_narrowing(statement, always_present).is_empty()
        || fencing_deny(statement, statements).is_some()
}

/// A Deny statement among `statements` that takes `allow` back from every
/// caller outside a named group — the data-perimeter pattern: `"Principal":
/// "*"`, the same actions and resources or more, and only conditions that
/// hold for whoever fails a narrowing one (`StringNotEqualsIfExists` on
/// `aws:PrincipalOrgID`, `NotIpAddress` on `aws:SourceIp`). A negated
/// operator is true when the key is absent, so such a Deny also stops
/// anonymous callers. `BoolIfExists` `aws:PrincipalIsAWSService: false`
/// beside them only exempts AWS services, as AWS's perimeter examples do
/// (anonymous callers lack the key, so it is true for them too). With
/// such a Deny, an Allow for `*` admits only the group.
pub fn fencing_deny<'s>(allow: &Statement, statements: &'s [Statement]) -> Option<&'s Statement> {
    crate::policy::document::compared(statements)
        .iter()
        .find(|deny| {
            !deny.is_allow()
                && deny.principals().iter().any(|p| p.value.is_wildcard())
                && deny.conditions.iter().any(fences)
                && deny
                    .conditions
                    .iter()
                    .all(|c| fences(c) || exempts_aws_services(c))
                && covers_actions(deny, allow)
                && covers_resources(deny, allow)
        })
}

/// A negated operator on a caller or origin key, with values that each
/// name someone: true for every caller outside them.
fn fences(cond: &Condition) -> bool {
    let op = &cond.operator.value;
    op.negated
        && op.set.is_none()
        && (key_in(cond, PRINCIPAL_KEYS, PRINCIPAL_KEY_PREFIXES) || key_in(cond, ORIGIN_KEYS, &[]))
        && !cond.key_is("aws:PrincipalIsAWSService")
        && !cond.values.is_empty()
        && !cond.values.iter().any(|v| admits_anyone(cond, &v.value))
}

/// `BoolIfExists` `aws:PrincipalIsAWSService: false`.
fn exempts_aws_services(cond: &Condition) -> bool {
    let op = &cond.operator.value;
    op.kind == OperatorKind::Bool
        && op.if_exists
        && !op.negated
        && cond.key_is("aws:PrincipalIsAWSService")
        && !cond.values.is_empty()
        && cond
            .values
            .iter()
            .all(|v| v.value.eq_ignore_ascii_case("false"))
}

/// The Deny statements that apply to every request their actions and
/// resources match: no condition, every principal (or none named, as in
/// an identity policy).
pub(crate) fn unconditional_denies(statements: &[Statement]) -> impl Iterator<Item = &Statement> {
    crate::policy::document::compared(statements)
        .iter()
        .filter(|deny| {
            !deny.is_allow()
                && deny.conditions.is_empty()
                && deny
                    .principal
                    .as_ref()
                    .is_none_or(|p| !p.negated && p.items.iter().any(|i| i.value.is_wildcard()))
        })
}

/// Whether a Deny among `statements` takes back everything `allow` grants
/// (see [`Statement::denied_in_full`]).
pub(crate) fn denied_in_full(allow: &Statement, statements: &[Statement]) -> bool {
    allow.is_allow()
        && unconditional_denies(statements)
            .any(|deny| covers_actions(deny, allow) && covers_resources(deny, allow))
}

/// Whether every action `allow` allows is among `deny`'s.
pub(crate) fn covers_actions(deny: &Statement, allow: &Statement) -> bool {
    let (Some(d), Some(a)) = (&deny.action, &allow.action) else {
        return false;
    };
    if d.negated {
        return false;
    }
    if a.negated {
        return d.items.iter().any(|i| i.value.bytes().all(|b| b == b'*'));
    }
    a.items
        .iter()
        .all(|ai| denies_action(deny, &ai.value.to_ascii_lowercase()))
}

/// Whether `deny`'s `Action` covers `action` (a name or pattern, in
/// lowercase: action names are case-insensitive).
pub(crate) fn denies_action(deny: &Statement, action: &str) -> bool {
    deny.actions().iter().any(|d| {
        // `covers` needs the item's text before its first wildcard at the
        // start of `action`: most items fail there, checked here without
        // lowering a copy of the item first (a Deny's items are asked
        // about every item of every Allow of its policy).
        let literal = crate::policy::pattern::literal_len(&d.value);
        action
            .as_bytes()
            .get(..literal)
            .is_some_and(|start| start.eq_ignore_ascii_case(&d.value.as_bytes()[..literal]))
            && crate::policy::pattern::covers(&d.value.to_ascii_lowercase(), action)
    })
}

/// Whether every resource `allow` names is among `deny`'s (trust policies
/// name none).
pub(crate) fn covers_resources(deny: &Statement, allow: &Statement) -> bool {
    match (&deny.resource, &allow.resource) {
        (None, None) => true,
        (Some(d), _) if d.negated => false,
        (Some(d), None) => d.items.iter().any(|i| i.value == "*"),
        (Some(d), Some(a)) if a.negated => d.items.iter().any(|i| i.value == "*"),
        (Some(d), Some(a)) => a.items.iter().all(|ai| {
            d.items
                .iter()
                .any(|di| crate::policy::pattern::covers(&di.value, &ai.value))
        }),
        (None, Some(_)) => false,
    }
}

/// Keys whose values are ARNs naming a caller or the resource it acts for.
const ARN_KEYS: &[&str] = &["aws:PrincipalArn", "aws:SourceArn", "s3:DataAccessPointArn"];

/// Keys whose values are 12-digit account ids.
const ACCOUNT_KEYS: &[&str] = &[
    "aws:PrincipalAccount",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:ResourceAccount",
    "kms:CallerAccount",
    "s3:DataAccessPointAccount",
];

/// Keys whose values never contain `*` or `?`, besides the ARN and account
/// keys: organization ids and paths, VPC and region ids, principal types
/// and service names.
const PLAIN_KEYS: &[&str] = &[
    "aws:PrincipalOrgID",
    "aws:ResourceOrgID",
    "aws:PrincipalOrgPaths",
    "aws:ResourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:RequestedRegion",
    "aws:PrincipalType",
    "iam:PassedToService",
    "iam:PolicyARN",
    "iam:PermissionsBoundary",
];

/// Whether no value of `key` in a request contains `*` or `?`, so that a
/// literal comparison with a value that does can never match.
pub(crate) fn never_wildcard(cond: &Condition) -> bool {
    let k = cond.key.value.as_str();
    let tag = |prefix: &str| {
        k.get(..prefix.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
    };
    ARN_KEYS
        .iter()
        .chain(ACCOUNT_KEYS)
        .chain(PLAIN_KEYS)
        .any(|known| cond.key_is(known))
        // IAM's own tags (a principal's) allow letters, digits, spaces and
        // `_ . : / = + - @`; a resource's or request's tags may be EC2's,
        // which allow any character.
        || tag("aws:PrincipalTag/")
        // An EKS token's subject (`system:serviceaccount:NS:NAME`):
        // Kubernetes names have no `*` or `?`. Other issuers' subjects
        // are theirs to shape.
        || crate::policy::federation::claim_key(k).is_some_and(|(issuer, claim)| {
            claim.eq_ignore_ascii_case("sub") && issuer.starts_with("oidc.eks.")
        })
}

/// Whether a wildcard pattern on `cond`'s key admits whoever asks: `*`;
/// an account pattern of only wildcards (`????????????` is every account);
/// an ARN whose account is a wildcard (`arn:aws:iam::*:role/deploy`: anyone
/// can name a role `deploy` in an account of their own), or, for ARNs
/// without an account (S3 buckets), whose resource is only wildcards; and a
/// service pattern that matches unrelated services (`*.amazonaws.com` for
/// `iam:PassedToService`).
fn matches_anyone(cond: &Condition, value: &str) -> bool {
    let only_wildcards = |s: &str| s.bytes().all(|b| b == b'*' || b == b'?');
    if !value.is_empty() && value.bytes().all(|b| b == b'*') {
        return true;
    }
    if ACCOUNT_KEYS.iter().any(|k| cond.key_is(k)) {
        return crate::policy::arn::is_every_account(value);
    }
    if ARN_KEYS.iter().any(|k| cond.key_is(k)) {
        // A policy variable's own `:` would split the fields wrongly.
        if crate::policy::condition::has_variable(value) {
            return false;
        }
        return crate::policy::arn::Arn::parse(value).is_some_and(|arn| {
            if arn.account.is_empty() {
                only_wildcards(arn.resource)
            } else {
                crate::policy::pattern::has_wildcard(arn.account)
            }
        });
    }
    if cond.key_is("iam:PassedToService") {
        use crate::policy::pattern::matches;
        return matches(value, "lambda.amazonaws.com") && matches(value, "ec2.amazonaws.com");
    }
    false
}

/// Keys present in every request made with AWS credentials
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn>):
/// an `sts:AssumeRole` call always carries them.
pub const SIGNED_REQUEST_KEYS: &[&str] = &[
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:userid",
    "aws:PrincipalType",
];

/// The conditions of `statement` that narrow the calling principal;
/// `always_present` as for [`is_restrictive_given`].
pub fn principal_narrowing<'s>(
    statement: &'s Statement,
    always_present: &[&str],
) -> Vec<&'s Condition> {
    let present = with_demanded(statement, always_present);
    statement
        .conditions
        .iter()
        .filter(|c| {
            key_in(c, PRINCIPAL_KEYS, PRINCIPAL_KEY_PREFIXES) && is_restrictive_given(c, &present)
        })
        .collect()
}

/// `always_present` and the keys `statement` itself demands with `Null:
/// {key: "false"}`: the statement applies only to requests that carry
/// them, so `…IfExists` on them is the plain operator
/// (`StringEqualsIfExists` beside `Null: false` on `aws:PrincipalOrgID`
/// admits only that organization).
fn with_demanded<'a>(statement: &'a Statement, always_present: &[&'a str]) -> Vec<&'a str> {
    let mut keys = always_present.to_vec();
    keys.extend(
        statement
            .conditions
            .iter()
            .filter(|c| {
                let op = &c.operator.value;
                op.kind == OperatorKind::Null
                    && op.set.is_none()
                    && !c.values.is_empty()
                    && c.values
                        .iter()
                        .all(|v| v.value.eq_ignore_ascii_case("false"))
            })
            .map(|c| c.key.value.as_str()),
    );
    keys
}

/// The conditions of `statement` that narrow the caller or its origin
/// (principal keys, source ARN/account, network).
pub fn caller_narrowing<'s>(
    statement: &'s Statement,
    always_present: &[&str],
) -> Vec<&'s Condition> {
    let present = with_demanded(statement, always_present);
    statement
        .conditions
        .iter()
        .filter(|c| {
            (key_in(c, PRINCIPAL_KEYS, PRINCIPAL_KEY_PREFIXES) || key_in(c, ORIGIN_KEYS, &[]))
                && is_restrictive_given(c, &present)
        })
        .collect()
}

/// Whether `statement` has a restrictive condition on one of `keys`;
/// `always_present` as for [`is_restrictive_given`].
pub fn has_restrictive(statement: &Statement, keys: &[&str], always_present: &[&str]) -> bool {
    statement
        .conditions
        .iter()
        .any(|c| key_in(c, keys, &[]) && is_restrictive_given(c, always_present))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        crate::policy::condition::test_condition(op, key, values)
    }

    #[test]
    fn a_principal_arn_pattern_narrows_only_to_a_named_account() {
        let arn = |v: &str| is_restrictive(&cond("ArnLike", "aws:PrincipalArn", &[v]));
        assert!(arn("arn:aws:iam::111122223333:role/*"));
        assert!(arn("arn:aws:iam::111122223333:role/launcher"));
        assert!(arn("arn:aws:iam::${aws:PrincipalAccount}:role/x"));
        // Anyone can name a role `launcher` in an account of their own.
        assert!(!arn("arn:aws:iam::*:role/launcher"));
        assert!(!arn("arn:aws:iam::*:role/*"));
        assert!(!arn("arn:aws:iam::????????????:*"));
        assert!(!arn("*"));
        // ArnEquals takes wildcards too; StringEquals compares them literally.
        assert!(!is_restrictive(&cond(
            "ArnEquals",
            "aws:PrincipalArn",
            &["arn:aws:iam::*:root"]
        )));
        assert!(is_restrictive(&cond(
            "StringEquals",
            "aws:PrincipalArn",
            &["arn:aws:iam::*:root"]
        )));
        // Values are alternatives: one open value opens the condition.
        assert!(!is_restrictive(&cond(
            "ArnLike",
            "aws:PrincipalArn",
            &["arn:aws:iam::*:role/x", "arn:aws:iam::111122223333:role/x"]
        )));
    }

    #[test]
    fn source_arns_without_an_account_narrow_by_their_resource() {
        let arn = |v: &str| is_restrictive(&cond("ArnLike", "aws:SourceArn", &[v]));
        assert!(arn("arn:aws:s3:::audit-logs"));
        assert!(!arn("arn:aws:s3:::*"));
        assert!(!arn("arn:aws:sns:*:*:alerts"));
        assert!(arn("arn:aws:sns:*:111122223333:alerts"));
    }

    #[test]
    fn wildcard_only_accounts_and_every_service_narrow_nothing() {
        let like = |key: &str, v: &str| is_restrictive(&cond("StringLike", key, &[v]));
        assert!(!like("aws:PrincipalAccount", "????????????"));
        assert!(!like("aws:SourceAccount", "*"));
        assert!(like("aws:SourceAccount", "1111222233*"));
        assert!(!like("iam:PassedToService", "*.amazonaws.com"));
        assert!(!like("iam:PassedToService", "*"));
        assert!(like("iam:PassedToService", "lambda.amazonaws.com"));
        assert!(like("iam:PassedToService", "*lambda.amazonaws.com"));
        // Under a literal operator `*` is a value like any other.
        assert!(is_restrictive(&cond(
            "StringEquals",
            "iam:PassedToService",
            &["*.amazonaws.com"]
        )));
    }

    #[test]
    fn null_false_on_a_key_makes_if_exists_on_it_plain() {
        let statement = |conditions: &str| {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": "*",
                    "Action": "sts:AssumeRole", "Condition": {conditions}}}]}}"#
            );
            let node = crate::load::json::parse(&text, crate::source::SourceId(0)).expect("JSON");
            let built =
                crate::policy::document::build(&node, crate::policy::document::PolicyKind::Trust);
            built
                .policy
                .statements
                .into_iter()
                .next()
                .expect("a statement")
        };
        let org = r#""StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}"#;
        let alone = statement(&format!("{{{org}}}"));
        assert!(caller_narrowing(&alone, &[]).is_empty());
        let demanded = statement(&format!(
            r#"{{{org}, "Null": {{"aws:PrincipalOrgID": "false"}}}}"#
        ));
        assert_eq!(caller_narrowing(&demanded, &[]).len(), 1);
        // `Null: true` demands the key's absence: nothing narrows then.
        let absent = statement(&format!(
            r#"{{{org}, "Null": {{"aws:PrincipalOrgID": "true"}}}}"#
        ));
        assert!(caller_narrowing(&absent, &[]).is_empty());
        // Demanding another key changes nothing for this one.
        let other = statement(&format!(
            r#"{{{org}, "Null": {{"aws:SourceVpce": "false"}}}}"#
        ));
        assert!(principal_narrowing(&other, &[]).is_empty());
    }
}
