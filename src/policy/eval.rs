//! Evaluating statements and policies against a request, in three values.
//!
//! The order of IAM's decision
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>):
//! an explicit Deny that applies wins; otherwise an Allow that applies
//! grants; otherwise the request is implicitly denied. `NotAction` and
//! `NotResource` apply to everything *except* what they list — including
//! actions AWS adds later — and `NotPrincipal` to every principal except
//! those listed. Where a condition depends on a value the analysis does not
//! know, the answer is [`Decision::Conditional`], never a guess.

use crate::policy::condition::{self, RequestContext, Tri};
use crate::policy::document::{Effect, Element, Policy, Statement};
use crate::policy::pattern;
use crate::policy::principal::{AwsTarget, Principal, PrincipalType};

/// Who makes a request, for matching `Principal` elements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller<'a> {
    /// An IAM role, user or session, by ARN (`arn:aws:iam::1:role/R`).
    Aws(&'a str),
    /// An AWS service principal (`pods.eks.amazonaws.com`).
    Service(&'a str),
    /// A federated identity from an OIDC or SAML provider (provider ARN or name).
    Federated(&'a str),
    /// An unauthenticated caller.
    Anonymous,
}

/// A request to evaluate.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// The action, e.g. `sts:AssumeRole` (matched case-insensitively).
    pub action: &'a str,
    /// The resource ARN (matched case-sensitively).
    pub resource: &'a str,
    /// The caller, for policies with principals.
    pub caller: Option<Caller<'a>>,
    /// Condition keys.
    pub context: &'a RequestContext,
}

/// The outcome of evaluating policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// An Allow applies and no Deny can.
    Allowed,
    /// A Deny applies.
    ExplicitDeny,
    /// Nothing allows it.
    ImplicitDeny,
    /// Allowed or denied depending on a condition the analysis cannot decide.
    Conditional,
}

/// Whether an action element applies to `action`.
pub fn action_applies(element: Option<&Element<crate::load::tree::Str>>, action: &str) -> bool {
    match element {
        None => false,
        Some(e) => {
            let listed = e
                .items
                .iter()
                .any(|p| pattern::matches_ignore_case(&p.value, action));
            listed != e.negated
        }
    }
}

/// [`action_applies`] for each of `actions` (at most 64) at once: bit `k`
/// is set when the element applies to `actions[k]`. One pass over the
/// items, where asking per action was one pass each (an AWS managed
/// policy's statement lists thousands of actions of every service).
pub fn actions_applying(element: &Element<crate::load::tree::Str>, actions: &[&str]) -> u64 {
    let all = match actions.len() {
        64.. => u64::MAX,
        n => (1u64 << n) - 1,
    };
    // The lowercase first letters of the actions: an item that starts with
    // another literal letter (another service) matches none of them. Only
    // when every action starts with an ASCII letter.
    let firsts = actions
        .iter()
        .try_fold(0u32, |bits, a| match a.as_bytes().first() {
            Some(f) if f.is_ascii_alphabetic() => Some(bits | 1 << (f.to_ascii_lowercase() - b'a')),
            _ => None,
        });
    let mut listed = 0u64;
    for item in &element.items {
        if let (Some(firsts), Some(f)) = (firsts, item.value.as_bytes().first())
            && f.is_ascii_alphabetic()
            && firsts & (1 << (f.to_ascii_lowercase() - b'a')) == 0
        {
            continue;
        }
        for (k, action) in actions.iter().enumerate().take(64) {
            if listed & (1 << k) == 0 && pattern::matches_ignore_case(&item.value, action) {
                listed |= 1 << k;
            }
        }
        if listed == all {
            break;
        }
    }
    if element.negated {
        all & !listed
    } else {
        listed
    }
}

/// Whether a resource element applies to `resource`. A statement without a
/// resource element (trust policies) applies to its own resource.
pub fn resource_applies(element: Option<&Element<crate::load::tree::Str>>, resource: &str) -> bool {
    match element {
        None => true,
        Some(e) => {
            let listed = e.items.iter().any(|p| pattern::matches(&p.value, resource));
            listed != e.negated
        }
    }
}

/// Whether one principal entry names `caller`.
pub fn principal_names(principal: &Principal, caller: &Caller<'_>) -> bool {
    match (principal.ty, caller) {
        (PrincipalType::Star, _) => true,
        (PrincipalType::Aws, Caller::Anonymous) => principal.value == "*",
        (PrincipalType::Aws, Caller::Aws(arn)) => match principal.aws_target() {
            Some(AwsTarget::Anyone) => true,
            // The whole account: any principal of it (its own IAM policies decide).
            Some(AwsTarget::Account(acct)) => {
                crate::policy::arn::Arn::parse(arn).is_some_and(|a| a.account == acct)
            }
            Some(AwsTarget::Arn(named)) => principal.value == *arn || is_session_of(arn, &named),
            _ => false,
        },
        (PrincipalType::Service, Caller::Service(s)) => principal.value.eq_ignore_ascii_case(s),
        (PrincipalType::Federated, Caller::Federated(f)) => principal.value == *f,
        _ => false,
    }
}

/// Whether `caller` is a session (`arn:aws:sts::1:assumed-role/R/s`) of the
/// role `named`: a policy that names a role ARN matches its sessions.
fn is_session_of(caller: &str, named: &crate::policy::arn::Arn<'_>) -> bool {
    let Some(session) = crate::policy::arn::Arn::parse(caller) else {
        return false;
    };
    let mut parts = session.resource.splitn(3, '/');
    session.service == "sts"
        && parts.next() == Some("assumed-role")
        && parts.next() == Some(named.resource_name())
        && named.service == "iam"
        && named.resource_type() == "role"
        && named.account == session.account
        && named.partition == session.partition
}

/// Whether a principal element applies to `caller`.
pub fn principal_applies(
    element: Option<&Element<Principal>>,
    caller: Option<&Caller<'_>>,
) -> bool {
    match (element, caller) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(e), Some(c)) => {
            let listed = e.items.iter().any(|p| principal_names(&p.value, c));
            listed != e.negated
        }
    }
}

/// Whether `statement` applies to `request`: its action, resource and
/// principal match and its conditions hold (three-valued).
pub fn statement_applies(statement: &Statement, request: &Request<'_>) -> Tri {
    if !action_applies(statement.action.as_ref(), request.action)
        || !resource_applies(statement.resource.as_ref(), request.resource)
        || !principal_applies(statement.principal.as_ref(), request.caller.as_ref())
    {
        return Tri::False;
    }
    condition::evaluate_all(&statement.conditions, request.context)
}

/// Evaluate policies that together decide a request (e.g. a role's identity
/// policies): Deny beats Allow, and nothing allowed is an implicit deny.
pub fn evaluate<'p>(
    policies: impl IntoIterator<Item = &'p Policy>,
    request: &Request<'_>,
) -> Decision {
    evaluate_statements(policies.into_iter().flat_map(|p| &p.statements), request)
}

/// [`evaluate`] over statements gathered from the policies that decide a
/// request, for callers that already know which statements can apply.
pub fn evaluate_statements<'s>(
    statements: impl IntoIterator<Item = &'s Statement>,
    request: &Request<'_>,
) -> Decision {
    combine(
        statements
            .into_iter()
            .map(|s| (s, statement_applies(s, request))),
    )
}

/// The decision of statements, each with whether it applies to the
/// request: Deny beats Allow, and nothing allowed is an implicit deny. For
/// callers that ask one action about many resources and work out which
/// statements apply once rather than per request.
pub fn combine<'s>(applying: impl IntoIterator<Item = (&'s Statement, Tri)>) -> Decision {
    let (mut allow, mut deny) = (Tri::False, Tri::False);
    for (s, applies) in applying {
        match s.effect.value {
            Effect::Allow => allow = allow.or(applies),
            Effect::Deny => deny = deny.or(applies),
        }
    }
    match (deny, allow) {
        (Tri::True, _) => Decision::ExplicitDeny,
        (_, Tri::False) => Decision::ImplicitDeny,
        (Tri::False, Tri::True) => Decision::Allowed,
        _ => Decision::Conditional,
    }
}

/// Action items of every kind, for the tests that check a one-pass answer
/// against `action_applies` per action: other services, wildcards first,
/// case, and items the first-letter filter cannot describe.
#[cfg(test)]
pub(crate) const ACTION_ITEMS: &[&str] = &[
    "s3:GetObject",
    "sts:AssumeRole",
    "STS:assumerole",
    "sts:*",
    "?ts:Assume*",
    "iam:Pass*",
    "iam:passrole",
    "IAM:Update*Policy",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePolicy",
    "iam:GetRole",
    "ec2:*",
    "sqs:*",
    "*",
    "*:*",
    "",
    "i*",
    "s*Role",
    "9am:x",
    "éam:x",
];

/// JSON arrays of `items`, for tests that try an element over many item
/// lists: each item alone, every pair, and all of them.
#[cfg(test)]
pub(crate) fn item_arrays(items: &[&str]) -> Vec<String> {
    let array = |list: &[&str]| {
        let quoted: Vec<String> = list.iter().map(|i| format!("{i:?}")).collect();
        format!("[{}]", quoted.join(", "))
    };
    let mut out: Vec<String> = items.iter().map(|i| array(&[i])).collect();
    for (k, a) in items.iter().enumerate() {
        for b in &items[k + 1..] {
            out.push(array(&[a, b]));
        }
    }
    out.push(array(items));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::json;
    use crate::policy::document::{self, PolicyKind};
    use crate::source::SourceId;

    fn policy(kind: PolicyKind, text: &str) -> Policy {
        let node = json::parse(text, SourceId(0)).expect("valid JSON");
        let built = document::build(&node, kind);
        assert!(built.problems.is_empty(), "{:?}", built.problems);
        built.policy
    }

    fn decide(p: &Policy, action: &str, resource: &str) -> Decision {
        let ctx = RequestContext::new();
        evaluate(
            [p],
            &Request {
                action,
                resource,
                caller: None,
                context: &ctx,
            },
        )
    }

    const S3_OBJECT: &str = "arn:aws:s3:::bucket/key";

    #[test]
    fn action_names_are_case_insensitive_with_wildcards() {
        let p = policy(
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["S3:get*","iam:?assRole"],"Resource":"*"}]}"#,
        );
        assert_eq!(decide(&p, "s3:GetObject", S3_OBJECT), Decision::Allowed);
        assert_eq!(
            decide(&p, "IAM:PassRole", "arn:aws:iam::1:role/x"),
            Decision::Allowed
        );
        assert_eq!(
            decide(&p, "s3:PutObject", S3_OBJECT),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn resources_match_case_sensitively_without_character_classes() {
        let p = policy(
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::Bucket/*","arn:aws:s3:::b[12]/*"]}]}"#,
        );
        assert_eq!(
            decide(&p, "s3:GetObject", "arn:aws:s3:::Bucket/k"),
            Decision::Allowed
        );
        assert_eq!(
            decide(&p, "s3:GetObject", "arn:aws:s3:::bucket/k"),
            Decision::ImplicitDeny
        );
        assert_eq!(
            decide(&p, "s3:GetObject", "arn:aws:s3:::b1/k"),
            Decision::ImplicitDeny
        );
    }

    /// `actions_applying` is `action_applies` per action, over `Action`
    /// and `NotAction`, items of other services, wildcards first, case,
    /// and action lists the first-letter filter cannot describe.
    #[test]
    fn actions_applying_is_action_applies_per_action() {
        let action_lists: [&[&str]; 4] = [
            &[
                "sts:AssumeRole",
                "iam:PassRole",
                "iam:UpdateAssumeRolePolicy",
            ],
            &[
                "iam:PutRolePolicy",
                "iam:AttachRolePolicy",
                "iam:CreatePolicyVersion",
            ],
            &["s3:GetObject", "9am:x", "éam:x"],
            &[],
        ];
        for array in item_arrays(ACTION_ITEMS) {
            for key in ["Action", "NotAction"] {
                let text = format!(
                    r#"{{"Statement": [{{"Effect": "Allow", "{key}": {array}, "Resource": "*"}}]}}"#
                );
                let node = json::parse(&text, SourceId(0)).expect("valid JSON");
                let built = document::build(&node, PolicyKind::Identity);
                let element = built.policy.statements[0]
                    .action
                    .as_ref()
                    .expect("an action");
                for actions in action_lists {
                    let mut want = 0u64;
                    for (k, a) in actions.iter().enumerate() {
                        if action_applies(Some(element), a) {
                            want |= 1 << k;
                        }
                    }
                    assert_eq!(
                        actions_applying(element, actions),
                        want,
                        "{text} {actions:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn not_action_with_allow_grants_everything_else_including_unknown_actions() {
        let p = policy(
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#,
        );
        assert_eq!(
            decide(&p, "s3:DeleteBucket", "arn:aws:s3:::b"),
            Decision::Allowed
        );
        assert_eq!(
            decide(&p, "newservice:FutureAction", "*"),
            Decision::Allowed
        );
        assert_eq!(decide(&p, "iam:CreateUser", "*"), Decision::ImplicitDeny);
    }

    #[test]
    fn not_resource_with_allow_grants_everything_else() {
        let p = policy(
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}]}"#,
        );
        assert_eq!(
            decide(&p, "s3:GetObject", "arn:aws:s3:::other-account-bucket/x"),
            Decision::Allowed
        );
        assert_eq!(
            decide(&p, "s3:GetObject", "arn:aws:s3:::secret/x"),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn deny_beats_allow_and_never_grants() {
        let p = policy(
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"*","Resource":"*"},
                {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#,
        );
        assert_eq!(
            decide(&p, "s3:DeleteObject", S3_OBJECT),
            Decision::ExplicitDeny
        );
        assert_eq!(decide(&p, "s3:GetObject", S3_OBJECT), Decision::Allowed);
        let deny_only = policy(
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"*"}]}"#,
        );
        assert_eq!(
            decide(&deny_only, "s3:GetObject", S3_OBJECT),
            Decision::ImplicitDeny
        );
        assert_eq!(
            decide(&deny_only, "s3:PutObject", S3_OBJECT),
            Decision::ExplicitDeny
        );
    }

    #[test]
    fn unknown_condition_makes_the_decision_conditional() {
        let p = policy(
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
                "Condition":{"StringEquals":{"aws:PrincipalTag/team":"platform"}}}]}"#,
        );
        assert_eq!(decide(&p, "s3:GetObject", S3_OBJECT), Decision::Conditional);
        let ctx = RequestContext::new().with("aws:PrincipalTag/team", "platform");
        let req = Request {
            action: "s3:GetObject",
            resource: S3_OBJECT,
            caller: None,
            context: &ctx,
        };
        assert_eq!(evaluate([&p], &req), Decision::Allowed);
        // A conditional Deny does not make an unconditional Allow certain.
        let q = policy(
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
                {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
        );
        assert_eq!(decide(&q, "s3:GetObject", S3_OBJECT), Decision::Conditional);
    }

    fn trust(p: &Policy, caller: Caller<'_>) -> Decision {
        let ctx = RequestContext::new();
        evaluate(
            [p],
            &Request {
                action: "sts:AssumeRole",
                resource: "arn:aws:iam::333333333333:role/ProdDeployRole",
                caller: Some(caller),
                context: &ctx,
            },
        )
    }

    #[test]
    fn account_principal_is_every_principal_of_that_account_not_anyone() {
        for principal in [r#""111111111111""#, r#""arn:aws:iam::111111111111:root""#] {
            let p = policy(
                PolicyKind::Trust,
                &format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":{principal}}},"Action":"sts:AssumeRole"}}]}}"#
                ),
            );
            assert_eq!(
                trust(&p, Caller::Aws("arn:aws:iam::111111111111:role/Any")),
                Decision::Allowed
            );
            assert_eq!(
                trust(&p, Caller::Aws("arn:aws:iam::222222222222:role/Any")),
                Decision::ImplicitDeny
            );
            assert_eq!(trust(&p, Caller::Anonymous), Decision::ImplicitDeny);
        }
    }

    #[test]
    fn role_principal_matches_the_role_and_its_sessions_only() {
        let p = policy(
            PolicyKind::Trust,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/OctoLauncherRole"},"Action":"sts:AssumeRole"}]}"#,
        );
        assert_eq!(
            trust(
                &p,
                Caller::Aws("arn:aws:iam::111111111111:role/OctoLauncherRole")
            ),
            Decision::Allowed
        );
        assert_eq!(
            trust(
                &p,
                Caller::Aws("arn:aws:sts::111111111111:assumed-role/OctoLauncherRole/calamari")
            ),
            Decision::Allowed
        );
        assert_eq!(
            trust(&p, Caller::Aws("arn:aws:iam::111111111111:role/Other")),
            Decision::ImplicitDeny
        );
        assert_eq!(
            trust(&p, Caller::Service("pods.eks.amazonaws.com")),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn not_principal_with_allow_admits_everyone_else() {
        let p = policy(
            PolicyKind::Resource,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::1:role/A"},"Action":"s3:GetObject","Resource":"*"}]}"#,
        );
        let ctx = RequestContext::new();
        let req = |caller| Request {
            action: "s3:GetObject",
            resource: S3_OBJECT,
            caller: Some(caller),
            context: &ctx,
        };
        assert_eq!(evaluate([&p], &req(Caller::Anonymous)), Decision::Allowed);
        assert_eq!(
            evaluate([&p], &req(Caller::Aws("arn:aws:iam::9:user/x"))),
            Decision::Allowed
        );
        assert_eq!(
            evaluate([&p], &req(Caller::Aws("arn:aws:iam::1:role/A"))),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn star_and_aws_star_admit_everyone_including_anonymous() {
        for principal in [r#""*""#, r#"{"AWS":"*"}"#] {
            let p = policy(
                PolicyKind::Resource,
                &format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"*"}}]}}"#
                ),
            );
            let ctx = RequestContext::new();
            let req = Request {
                action: "s3:GetObject",
                resource: S3_OBJECT,
                caller: Some(Caller::Anonymous),
                context: &ctx,
            };
            assert_eq!(evaluate([&p], &req), Decision::Allowed, "{principal}");
        }
    }

    #[test]
    fn service_principals_compare_ignoring_case_federated_exactly() {
        let p = policy(
            PolicyKind::Trust,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#,
        );
        assert_eq!(
            trust(&p, Caller::Service("PODS.eks.amazonaws.com")),
            Decision::Allowed
        );
        assert_eq!(
            trust(&p, Caller::Federated("pods.eks.amazonaws.com")),
            Decision::ImplicitDeny
        );
    }
}
