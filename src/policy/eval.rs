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
pub fn action_applies(element: Option<&Element<String>>, action: &str) -> bool {
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

/// Whether a resource element applies to `resource`. A statement without a
/// resource element (trust policies) applies to its own resource.
pub fn resource_applies(element: Option<&Element<String>>, resource: &str) -> bool {
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
    let (mut allow, mut deny) = (Tri::False, Tri::False);
    for policy in policies {
        for s in &policy.statements {
            let applies = statement_applies(s, request);
            match s.effect.value {
                Effect::Allow => allow = allow.or(applies),
                Effect::Deny => deny = deny.or(applies),
            }
        }
    }
    match (deny, allow) {
        (Tri::True, _) => Decision::ExplicitDeny,
        (_, Tri::False) => Decision::ImplicitDeny,
        (Tri::False, Tri::True) => Decision::Allowed,
        _ => Decision::Conditional,
    }
}
