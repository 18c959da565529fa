//! Rules about what an Allow grants: wildcards, `NotAction`/`NotResource`,
//! and the two actions that hand out other identities (`iam:PassRole`,
//! `sts:AssumeRole`). None of them reads a Deny as a grant, and none fires
//! on SCPs, RCPs or permissions boundaries, whose Allow only sets a ceiling.

pub mod admin_access;
pub mod assume_role_any_resource;
pub mod credentials_exposure;
pub mod data_read_any_resource;
mod every_resource;
pub mod not_action_allow;
pub mod not_resource_allow;
pub mod pass_role_any_resource;
pub mod permissions_management_wildcard;
pub mod privilege_escalation;
pub mod wildcard_action;
pub mod wildcard_resource;

use crate::load::PolicyDoc;
use crate::policy::condition::Condition;
use crate::policy::{Statement, scope};

/// Whether a condition scopes the resources by tag, account or
/// organization (the attribute-based pattern, where `*` is intended).
/// S3 has keys of its own for two of them, older than the global ones and
/// still what data-perimeter policies use: `s3:ResourceAccount` (the
/// bucket owner's account) and `s3:ExistingObjectTag/<key>` (an object's
/// tag, which S3 object reads check instead of `aws:ResourceTag`).
pub(crate) fn scopes_resources(c: &Condition) -> bool {
    // The key as written, not a lowercased copy: the rules about what a
    // statement allows on `*` ask this of every condition of every
    // statement (the copies were a sixth of two of those rules).
    let k = c.key.value.as_bytes();
    let starts = |prefix: &[u8]| {
        k.get(..prefix.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
    };
    // `aws:ResourceTag/…` and a service's own (`ec2:ResourceTag/…`) alike.
    let tag = b":resourcetag/";
    let resource_key = k.windows(tag.len()).any(|w| w.eq_ignore_ascii_case(tag))
        || starts(b"s3:existingobjecttag/")
        || [
            "aws:resourceaccount",
            "s3:resourceaccount",
            "aws:resourceorgid",
            "aws:resourceorgpaths",
        ]
        .iter()
        .any(|name| k.eq_ignore_ascii_case(name.as_bytes()));
    resource_key && scope::is_restrictive(c)
}

/// Whether `statement` is an Allow that grants something where it is used:
/// not in an SCP, RCP or boundary, not under a condition that can never
/// hold ([`Statement::never_holds`]), and not taken back whole by a Deny of
/// the same policy ([`Statement::denied_in_full`]).
pub(crate) fn grants(statement: &Statement, policy: &PolicyDoc) -> bool {
    statement.is_allow()
        && policy.policy.kind.allow_grants()
        && !statement.never_holds
        && !statement.denied_in_full
}

/// Whether a Deny among `statements` takes `action` (an action name) back
/// from everything `allow` grants it on, whoever asks:
/// [`Statement::denied_in_full`] for one action of a statement that grants
/// others too (a Deny of `iam:PassRole` beside an Allow of PassRole and
/// Lambda actions).
pub(crate) fn action_denied(action: &str, allow: &Statement, statements: &[Statement]) -> bool {
    let action = action.to_ascii_lowercase();
    scope::unconditional_denies(statements)
        .any(|deny| scope::denies_action(deny, &action) && scope::covers_resources(deny, allow))
}

/// Whether a Deny among `statements` leaves `action` (an action name) only
/// on the resources it names: an unconditional Deny of the action with
/// `NotResource` ("deny it everywhere but here") none of whose items covers
/// every role. An Allow of the action on `*` then reaches those roles
/// only, not any role.
pub(crate) fn action_confined(action: &str, statements: &[Statement]) -> bool {
    let action = action.to_ascii_lowercase();
    scope::unconditional_denies(statements).any(|deny| {
        deny.resource
            .as_ref()
            .is_some_and(|r| r.negated && !r.items.iter().any(|i| covers_every_role(&i.value)))
            && scope::denies_action(deny, &action)
    })
}

/// Whether a resource pattern covers every role: `*`, or an ARN pattern
/// such as `arn:aws:iam::*:role/*` (the account may be `????????????`).
fn covers_every_role(resource: &str) -> bool {
    resource == "*"
        || crate::policy::pattern::covers(
            &crate::policy::arn::with_any_account(resource),
            "arn:aws:iam::*:role/*",
        )
}

/// The one service whose actions a resource policy's statement can grant:
/// that of the resource the policy is attached to, when the input says,
/// else the one service every ARN of its `Resource` names (a bucket policy
/// grants no IAM action, whatever its `*` matches). `None` for other kinds
/// of policy, and when it cannot be told.
pub(crate) fn granted_service<'s>(
    statement: &'s Statement,
    policy: &'s PolicyDoc,
) -> Option<&'s str> {
    if policy.policy.kind != crate::policy::PolicyKind::Resource {
        return None;
    }
    if let Some(s) = policy.resource_service {
        return Some(s);
    }
    let mut service: Option<&str> = None;
    for r in statement.resources() {
        let arn = crate::policy::arn::Arn::parse(&r.value)?;
        if crate::catalog::is_wildcard(arn.service) || !crate::catalog::service_exists(arn.service)
        {
            return None;
        }
        match service {
            Some(s) if !s.eq_ignore_ascii_case(arn.service) => return None,
            _ => service = Some(arn.service),
        }
    }
    service
}

/// Whether an action pattern matches every action of every service: `*`,
/// or `*:*`, which matches the same actions. Without this,
/// `*:*` on `*` slipped past `admin-access` and was reported as "every
/// action of the service `*`".
pub(crate) fn is_every_action(action: &str) -> bool {
    action == "*" || action == "*:*"
}

/// The span of a resource of `statement` that covers every role: `*`, an
/// ARN pattern such as `arn:aws:iam::*:role/*`, or a `NotResource`.
pub(crate) fn any_role_resource(statement: &Statement) -> Option<crate::source::Span> {
    match &statement.resource {
        Some(r) if r.negated => Some(r.key),
        Some(r) => r
            .items
            .iter()
            .find(|i| covers_every_role(&i.value))
            .map(|i| i.span),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::json;
    use crate::policy::{PolicyKind, document};
    use crate::source::SourceId;

    /// The keys `scopes_resources` recognises, in any case, and keys that
    /// only look like them, as the lowercased copy it once compared: the
    /// same answers, with the operator deciding once the key fits.
    #[test]
    fn scopes_resources_reads_keys_in_any_case_as_a_lowercased_copy_did() {
        let by_copy = |key: &str| {
            let k = key.to_ascii_lowercase();
            k.starts_with("aws:resourcetag/")
                || k.contains(":resourcetag/")
                || k.starts_with("s3:existingobjecttag/")
                || k == "aws:resourceaccount"
                || k == "s3:resourceaccount"
                || k == "aws:resourceorgid"
                || k == "aws:resourceorgpaths"
        };
        let keys = [
            "aws:ResourceTag/team",
            "AWS:RESOURCETAG/team",
            "ec2:ResourceTag/env",
            "a:b:ResourceTag/x",
            "s3:ExistingObjectTag/class",
            "S3:existingobjecttag/",
            "aws:ResourceAccount",
            "s3:ResourceAccount",
            "aws:ResourceOrgID",
            "aws:ResourceOrgPaths",
            "aws:ResourceOrgPathsX",
            "aws:ResourceAccounts",
            "aws:RequestTag/team",
            "aws:PrincipalTag/team",
            "resourcetag/x",
            ":resourcetag",
            "é:ResourceTag/x",
            "",
        ];
        for key in keys {
            for (operator, restrictive) in [("StringEquals", true), ("StringNotEquals", false)] {
                let text = format!(
                    r#"{{"Statement": {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                        "Condition": {{"{operator}": {{"{key}": "x"}}}}}}}}"#
                );
                let node = json::parse(&text, SourceId(0)).expect("valid JSON");
                let built = document::build(&node, PolicyKind::Identity);
                let c = &built.policy.statements[0].conditions[0];
                assert_eq!(
                    scopes_resources(c),
                    by_copy(key) && restrictive,
                    "{operator} {key}"
                );
            }
        }
    }
}
