//! Which conditions narrow *who* a statement applies to.
//!
//! `"Principal": "*"` with `aws:PrincipalOrgID` or `aws:SourceArn` is a
//! common and safe pattern; the same principal with only
//! `aws:SecureTransport` is open to everyone. A condition narrows only when
//! it must hold for the request to match: a positive operator (not a `Not…`
//! form, not `…IfExists`, which is true when the key is absent, not
//! `ForAllValues:`, which is true when the key is absent) on a key that
//! identifies the caller or its origin, with at least one value that is not
//! a bare wildcard.
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
    let all_wild = !cond.values.is_empty()
        && cond.values.iter().all(|v| {
            op.has_wildcards() && v.value.chars().all(|c| c == '*')
                || op.kind == OperatorKind::IpAddress
                    && (v.value == "0.0.0.0/0" || v.value == "::/0")
        });
    !cond.values.is_empty() && !all_wild
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
    statement
        .conditions
        .iter()
        .filter(|c| {
            key_in(c, PRINCIPAL_KEYS, PRINCIPAL_KEY_PREFIXES)
                && is_restrictive_given(c, always_present)
        })
        .collect()
}

/// The conditions of `statement` that narrow the caller or its origin
/// (principal keys, source ARN/account, network).
pub fn caller_narrowing<'s>(
    statement: &'s Statement,
    always_present: &[&str],
) -> Vec<&'s Condition> {
    statement
        .conditions
        .iter()
        .filter(|c| {
            (key_in(c, PRINCIPAL_KEYS, PRINCIPAL_KEY_PREFIXES) || key_in(c, ORIGIN_KEYS, &[]))
                && is_restrictive_given(c, always_present)
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
