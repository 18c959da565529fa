//! Edges from trust policies: `sts:AssumeRole` from roles and users, and the
//! service and federated principals that assume roles (EKS Pod Identity,
//! instance profiles, IRSA and other OIDC issuers, SAML).
//!
//! Both sides must allow an AWS principal's hop
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>):
//! the role's trust policy must admit the caller, and the caller's identity
//! policies must allow `sts:AssumeRole` on the role — except in the same
//! account when the trust policy names the caller's ARN itself, where the
//! trust policy alone is enough. A trust that names a whole account
//! (`arn:aws:iam::ID:root`) delegates to that account's identity policies, so
//! every principal there whose policies allow the call gets an edge.
//! Candidates are found by index (named ARNs, principals of named accounts
//! that can call `sts:AssumeRole` at all), never by trying every pair.
//!
//! A trust open to anyone (`"AWS": "*"`) gets one edge from the `anyone`
//! node, and per-caller edges only from principals whose policies single the
//! role out: a caller allowed `sts:AssumeRole` on every role of the account
//! (`"Resource": "*"`, `role/*`) is one of "anyone" already, and drawing its
//! edge to every open role made a 50,000-role export quadratic (millions of
//! edges that say nothing the open trust's own finding does not).

use std::collections::{BTreeSet, HashMap};

use petgraph::stable_graph::NodeIndex;

use crate::diagnostic::Label;
use crate::graph::{BrokenHop, Edge, Grant, Mechanism, Node, NodeKind, PrincipalGraph, Side};
use crate::load::PolicyDoc;
use crate::policy::condition::{self, RequestContext, Tri};
use crate::policy::eval::{self, Caller, Decision, Request};
use crate::policy::principal::{AwsTarget, PrincipalType};
use crate::policy::{Effect, Policy, pattern};

const ASSUME_ROLE: &str = "sts:AssumeRole";

/// Add every trust-policy edge to `g`.
pub fn add(g: &mut PrincipalGraph<'_>) {
    let ctx = RequestContext::new();
    let callers = assume_capable(g);
    let roles: Vec<NodeIndex> = g
        .nodes()
        .filter(|&i| g.at(i).kind == NodeKind::Role && trust_of(g, i).is_some())
        .collect();
    let mut added: BTreeSet<(NodeIndex, NodeIndex, Mechanism)> = BTreeSet::new();
    let mut singling = Singling::default();
    for &role in &roles {
        let Some(trust) = trust_of(g, role) else {
            continue;
        };
        let role_arn = g.at(role).id.clone();
        let role_account = g.at(role).account.clone();
        let mut aws_candidates: BTreeSet<NodeIndex> = BTreeSet::new();
        for s in trust
            .policy
            .statements
            .iter()
            .filter(|s| s.effect.value == Effect::Allow)
        {
            let negated = s.principal.as_ref().is_some_and(|p| p.negated);
            if negated {
                aws_candidates.extend(
                    singling
                        .callers(g, &callers, role_account.as_deref(), &ctx)
                        .iter(),
                );
                continue;
            }
            for p in s.principals() {
                match p.value.ty {
                    PrincipalType::Aws | PrincipalType::Star => match p.value.aws_target() {
                        Some(AwsTarget::Arn(_)) => {
                            let id = p.value.value.clone();
                            let account = p.value.account().map(str::to_string);
                            let label = id.rsplit('/').next().unwrap_or(&id).to_string();
                            let i =
                                g.node(&id, || external(&id, NodeKind::External, account, label));
                            aws_candidates.insert(i);
                        }
                        Some(AwsTarget::Account(acct)) => {
                            let in_account: Vec<NodeIndex> = callers
                                .iter()
                                .filter(|(_, a)| a.as_deref() == Some(acct))
                                .map(|(i, _)| *i)
                                .collect();
                            if in_account.is_empty() {
                                // No principal of that account is in the inputs:
                                // show the account itself as the caller.
                                let id = format!("arn:aws:iam::{acct}:root");
                                let label = format!("account {acct}");
                                let i = g.node(&id, || {
                                    external(&id, NodeKind::Account, Some(acct.to_string()), label)
                                });
                                aws_candidates.insert(i);
                            }
                            aws_candidates.extend(in_account);
                        }
                        Some(AwsTarget::Anyone) => {
                            aws_candidates.extend(
                                singling
                                    .callers(g, &callers, role_account.as_deref(), &ctx)
                                    .iter(),
                            );
                            let i = g.node("*", || {
                                external("*", NodeKind::External, None, "anyone".into())
                            });
                            aws_candidates.insert(i);
                        }
                        _ => {}
                    },
                    PrincipalType::Service => {
                        let service = p.value.value.to_ascii_lowercase();
                        let mechanism = if service == "pods.eks.amazonaws.com" {
                            Mechanism::PodIdentity
                        } else {
                            Mechanism::Service
                        };
                        let id = format!("service:{service}");
                        let src = g.node(&id, || {
                            external(&id, NodeKind::Service, None, service.clone())
                        });
                        let caller = Caller::Service(&service);
                        add_trust_edge(
                            g,
                            &mut added,
                            src,
                            role,
                            &role_arn,
                            trust,
                            caller,
                            mechanism,
                            ASSUME_ROLE,
                            &ctx,
                        );
                    }
                    PrincipalType::Federated => {
                        let provider = p.value.value.clone();
                        let (mechanism, action) = if provider.contains(":saml-provider/") {
                            (Mechanism::Saml, "sts:AssumeRoleWithSAML")
                        } else {
                            (Mechanism::WebIdentity, "sts:AssumeRoleWithWebIdentity")
                        };
                        let subject = pinned_subject(s);
                        let id = match &subject {
                            Some(sub) => format!("federated:{provider}#{sub}"),
                            None => format!("federated:{provider}"),
                        };
                        let label = match &subject {
                            Some(sub) => sub.clone(),
                            None => provider.rsplit('/').next().unwrap_or(&provider).to_string(),
                        };
                        let account = p.value.account().map(str::to_string);
                        let src =
                            g.node(&id, || external(&id, NodeKind::Federated, account, label));
                        let caller = Caller::Federated(&provider);
                        let token = token_context(&provider, subject.as_deref());
                        add_trust_edge(
                            g, &mut added, src, role, &role_arn, trust, caller, mechanism, action,
                            &token,
                        );
                    }
                    PrincipalType::CanonicalUser => {}
                }
            }
        }
        for caller in aws_candidates {
            if caller == role {
                continue;
            }
            add_aws_edge(
                g,
                &mut added,
                caller,
                role,
                &role_arn,
                role_account.as_deref(),
                trust,
                &ctx,
            );
        }
    }
    add_identity_side_breaks(g, &added, &ctx);
}

/// An undefined node.
fn external<'a>(id: &str, kind: NodeKind, account: Option<String>, label: String) -> Node<'a> {
    Node {
        id: id.to_string(),
        kind,
        account,
        label,
        defined_at: None,
        holdings: None,
        definition: None,
        document: None,
    }
}

/// The trust policy of a role node.
fn trust_of<'a>(g: &PrincipalGraph<'a>, i: NodeIndex) -> Option<&'a PolicyDoc> {
    let node = g.at(i);
    let (doc, def) = (node.document?, node.definition?);
    doc.policies.get(def.trust?)
}

/// Principals the inputs define whose identity policies allow
/// `sts:AssumeRole` on something (or might): the only possible AWS callers.
fn assume_capable(g: &PrincipalGraph<'_>) -> Vec<(NodeIndex, Option<String>)> {
    g.nodes()
        .filter(|&i| g.may_grant(i, Grant::AssumeRole))
        .map(|i| (i, g.at(i).account.clone()))
        .collect()
}

/// For trusts open to anyone: which callers single a role out (their
/// policies do not allow `sts:AssumeRole` on every role of its account) and
/// so get an edge of their own. Asked with a role name no real role has;
/// once per caller when its answer cannot depend on the account (every
/// resource pattern it has for the call is `*` or has `*` as account), else
/// once per caller and account; and the resulting list once per account —
/// an organization has thousands of open roles and tens of thousands of
/// callers.
#[derive(Default)]
struct Singling {
    /// Per caller (as `callers`): whether it covers every role of every
    /// account, when that does not depend on the account.
    fixed: Option<Vec<Option<bool>>>,
    /// The callers that single out roles of each account.
    by_account: HashMap<Option<String>, std::rc::Rc<Vec<NodeIndex>>>,
}

impl Singling {
    fn callers(
        &mut self,
        g: &PrincipalGraph<'_>,
        callers: &[(NodeIndex, Option<String>)],
        account: Option<&str>,
        ctx: &RequestContext,
    ) -> std::rc::Rc<Vec<NodeIndex>> {
        let key = account.map(str::to_string);
        if let Some(list) = self.by_account.get(&key) {
            return std::rc::Rc::clone(list);
        }
        let fixed = self.fixed.get_or_insert_with(|| {
            callers
                .iter()
                .map(|&(c, _)| account_free(g, c).then(|| covers_every_role(g, c, None, ctx)))
                .collect()
        });
        let list: Vec<NodeIndex> = callers
            .iter()
            .zip(fixed.iter())
            .filter(|&(&(c, _), fixed)| {
                !fixed.unwrap_or_else(|| covers_every_role(g, c, account, ctx))
            })
            .map(|(&(c, _), _)| c)
            .collect();
        let list = std::rc::Rc::new(list);
        self.by_account.insert(key, std::rc::Rc::clone(&list));
        list
    }
}

/// Whether `caller`'s policies allow (or may allow) `sts:AssumeRole` on a
/// role of `account` that no statement names.
fn covers_every_role(
    g: &PrincipalGraph<'_>,
    caller: NodeIndex,
    account: Option<&str>,
    ctx: &RequestContext,
) -> bool {
    let probe = format!(
        "arn:aws:iam::{}:role/\u{1}iamchain-probe",
        account.unwrap_or("000000000000")
    );
    let request = Request {
        action: ASSUME_ROLE,
        resource: &probe,
        caller: None,
        context: ctx,
    };
    g.holdings(caller).is_some_and(|h| {
        let deciding = h.all().filter(|p| g.policy_decides_assume_role(p));
        !matches!(
            eval::evaluate(deciding.map(|p| &p.policy), &request),
            Decision::ExplicitDeny | Decision::ImplicitDeny
        )
    })
}

/// Whether every resource pattern of `caller`'s statements about
/// `sts:AssumeRole` (Allow or Deny, `Resource` or `NotResource`) is `*` or
/// has `*` as its account: then whether it covers every role of an account
/// is the same for every account.
fn account_free(g: &PrincipalGraph<'_>, caller: NodeIndex) -> bool {
    g.holdings(caller).is_some_and(|h| {
        h.all()
            .filter(|p| g.policy_decides_assume_role(p))
            .flat_map(|p| &p.policy.statements)
            .filter(|s| eval::action_applies(s.action.as_ref(), ASSUME_ROLE))
            .flat_map(|s| s.resources())
            .all(|r| r.value == "*" || r.value.split(':').nth(4) == Some("*"))
    })
}

/// What the web-identity token of a federated node says: the node of a
/// pinned subject is that subject (`ISSUER:sub`), and an EKS issuer's
/// tokens are the ones the pod identity webhook requests for IRSA, whose
/// audience is always `sts.amazonaws.com` (`ISSUER:aud`). Other claims stay
/// unknown, so conditions on them keep the edge conditional.
fn token_context(provider: &str, subject: Option<&str>) -> RequestContext {
    use crate::policy::federation::{Federation, Provider, classify};
    let mut ctx = RequestContext::new();
    if let (Federation::Oidc { issuer, provider }, Some(sub)) = (classify(provider), subject) {
        ctx = ctx.with(&format!("{issuer}:sub"), sub);
        if provider == Provider::Eks {
            ctx = ctx.with(&format!("{issuer}:aud"), "sts.amazonaws.com");
        }
    }
    ctx
}

/// The `sub` a web-identity statement pins with an exact match, if one.
fn pinned_subject(s: &crate::policy::Statement) -> Option<String> {
    s.conditions
        .iter()
        .find(|c| {
            c.key.value.to_ascii_lowercase().ends_with(":sub")
                && c.operator.value.kind == condition::OperatorKind::StringEquals
                && !c.operator.value.negated
                && c.values.len() == 1
        })
        .map(|c| c.values[0].value.to_string())
}

/// The condition keys that leave `policies`' answer to `request` undecided.
fn undecided<'p>(
    policies: impl IntoIterator<Item = &'p Policy>,
    request: &Request<'_>,
) -> Vec<String> {
    let mut keys = Vec::new();
    for p in policies {
        for s in &p.statements {
            if eval::statement_applies(s, request) != Tri::Unknown {
                continue;
            }
            for c in &s.conditions {
                if condition::evaluate(c, request.context) == Tri::Unknown
                    && !keys.iter().any(|k| *k == c.key.value)
                {
                    keys.push(c.key.value.to_string());
                }
            }
        }
    }
    keys
}

/// The first Allow statement of `policy` that applies to `request`, and the
/// span that best shows why: the principal entry naming the caller (trust
/// side) or the resource naming the target (identity side).
fn evidence(policy: &PolicyDoc, request: &Request<'_>, message: &str) -> Option<Label> {
    let s = policy
        .policy
        .statements
        .iter()
        .find(|s| s.is_allow() && eval::statement_applies(s, request) != Tri::False)?;
    let span = match &request.caller {
        Some(caller) => s
            .principals()
            .iter()
            .find(|p| eval::principal_names(&p.value, caller))
            .map(|p| p.span),
        None => s
            .resources()
            .iter()
            .find(|r| pattern::matches(&r.value, request.resource))
            .map(|r| r.span),
    }
    .or_else(|| s.actions().first().map(|a| a.span))
    .unwrap_or(s.span);
    Some(Label::new(span, message))
}

#[allow(clippy::too_many_arguments)]
fn add_trust_edge(
    g: &mut PrincipalGraph<'_>,
    added: &mut BTreeSet<(NodeIndex, NodeIndex, Mechanism)>,
    src: NodeIndex,
    role: NodeIndex,
    role_arn: &str,
    trust: &PolicyDoc,
    caller: Caller<'_>,
    mechanism: Mechanism,
    action: &str,
    ctx: &RequestContext,
) {
    if !added.insert((src, role, mechanism)) {
        return;
    }
    let request = Request {
        action,
        resource: role_arn,
        caller: Some(caller.clone()),
        context: ctx,
    };
    let decision = eval::evaluate([&trust.policy], &request);
    if matches!(decision, Decision::ExplicitDeny | Decision::ImplicitDeny) {
        return;
    }
    let tag = Request {
        action: "sts:TagSession",
        ..request.clone()
    };
    let edge = Edge {
        mechanism,
        conditions: undecided([&trust.policy], &request),
        trust: evidence(trust, &request, "trusted here"),
        identity: None,
        tag_session: eval::evaluate([&trust.policy], &tag) != Decision::ImplicitDeny,
    };
    g.graph.add_edge(src, role, edge);
}

#[allow(clippy::too_many_arguments)]
fn add_aws_edge(
    g: &mut PrincipalGraph<'_>,
    added: &mut BTreeSet<(NodeIndex, NodeIndex, Mechanism)>,
    caller: NodeIndex,
    role: NodeIndex,
    role_arn: &str,
    role_account: Option<&str>,
    trust: &PolicyDoc,
    ctx: &RequestContext,
) {
    let caller_id = g.at(caller).id.clone();
    // At this hop the caller and the role are known: a role or user is
    // its own `aws:PrincipalArn` (a role's, not its session's), its
    // account's `aws:PrincipalAccount`, no AWS service, and of the
    // organization when the exports list its account; the role's account
    // is `aws:ResourceAccount`. A trust, identity or RCP condition on them
    // (a data-perimeter Deny) is decided, not left as a condition of the
    // edge.
    let mut known = ctx.clone();
    if let (NodeKind::Role | NodeKind::User, Some(account)) =
        (&g.at(caller).kind, &g.at(caller).account)
    {
        known = known
            .with("aws:PrincipalArn", &caller_id)
            .with("aws:PrincipalAccount", account)
            .with("aws:PrincipalIsAWSService", "false");
        if let Some(org) = g.org.org_id_of(account) {
            known = known.with("aws:PrincipalOrgID", org);
        }
    }
    if let Some(account) = role_account {
        known = known.with("aws:ResourceAccount", account);
    }
    let ctx = &known;
    let trust_request = Request {
        action: ASSUME_ROLE,
        resource: role_arn,
        caller: Some(Caller::Aws(&caller_id)),
        context: ctx,
    };
    let trust_decision = eval::evaluate([&trust.policy], &trust_request);
    if matches!(
        trust_decision,
        Decision::ExplicitDeny | Decision::ImplicitDeny
    ) {
        return;
    }
    let names_arn = trust.policy.statements.iter().any(|s| {
        s.is_allow()
            && s.principals()
                .iter()
                .any(|p| p.value.ty == PrincipalType::Aws && p.value.value == caller_id)
    });
    let same_account = g
        .at(caller)
        .account
        .as_deref()
        .is_some_and(|a| Some(a) == role_account);
    // Same account and named by ARN: the trust policy alone grants it, and
    // the caller's policies matter only by an explicit Deny, which beats
    // every Allow wherever it is.
    let identity_needed = !(same_account && names_arn);
    // A role's permissions boundary caps it even then: a resource policy
    // that names a role's ARN (not a session's) cannot lift the boundary's
    // implicit deny; only a user's can
    // (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html>).
    let boundary_applies = identity_needed || g.at(caller).kind == NodeKind::Role;
    let trust_label = evidence(trust, &trust_request, "trusted here");
    let identity_request = Request {
        action: ASSUME_ROLE,
        resource: role_arn,
        caller: None,
        context: ctx,
    };
    let mut conditions = undecided([&trust.policy], &trust_request);
    let mut identity = None;
    if let Some(h) = g.holdings(caller) {
        // Only the policies with a statement about the action can decide
        // it (an attached `ReadOnlyAccess` lists thousands of others).
        let policies: Vec<&Policy> = h
            .all()
            .filter(|p| g.policy_decides_assume_role(p))
            .map(|p| &p.policy)
            .collect();
        let decision = eval::evaluate(policies.iter().copied(), &identity_request);
        match decision {
            // Not needed: only an explicit Deny stops the hop.
            Decision::ImplicitDeny | Decision::Allowed | Decision::Conditional
                if !identity_needed => {}
            Decision::ExplicitDeny | Decision::ImplicitDeny => {
                // The trust names this caller explicitly, but its own
                // policies do not let it make the call: a broken hop.
                if names_arn && let Some(present) = trust_label.clone() {
                    let missing_at = h.all().next().map(|p| {
                        Label::new(first_char(p.policy.span), "no statement here allows it")
                    });
                    g.broken.push(BrokenHop {
                        source: caller,
                        target: role,
                        missing: Side::Identity,
                        present,
                        missing_at,
                        denied: decision == Decision::ExplicitDeny,
                    });
                }
                return;
            }
            Decision::Allowed | Decision::Conditional => {
                for k in undecided(policies.iter().copied(), &identity_request) {
                    if !conditions.contains(&k) {
                        conditions.push(k);
                    }
                }
                identity = h
                    .all()
                    .find_map(|p| evidence(p, &identity_request, "allowed here"));
            }
        }
    }
    // A permissions boundary caps what the caller's policies grant: the
    // call must fall inside it too
    // (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>).
    if boundary_applies
        && let Some(boundary) = g.boundary(caller)
        && matches!(
            eval::evaluate([&boundary.policy], &identity_request),
            Decision::ExplicitDeny | Decision::ImplicitDeny
        )
    {
        if let Some(present) = trust_label.clone() {
            let at = g
                .at(caller)
                .definition
                .and_then(|d| d.boundary.as_ref())
                .map(|b| b.span);
            g.broken.push(BrokenHop {
                source: caller,
                target: role,
                missing: Side::Boundary,
                present,
                missing_at: at.map(|s| Label::new(s, "the permissions boundary does not allow it")),
                denied: false,
            });
        }
        return;
    }
    // An SCP on the caller's account applies to the call, with the
    // caller as `aws:PrincipalArn` at this hop.
    if let Some(account) = g.at(caller).account.clone() {
        let mut scp_ctx = RequestContext::new()
            .with("aws:PrincipalArn", &caller_id)
            .with("aws:PrincipalAccount", &account);
        if let Some(resource_account) = role_account {
            scp_ctx = scp_ctx.with("aws:ResourceAccount", resource_account);
        }
        if let Some(org) = g.org.org_id_of(&account) {
            scp_ctx = scp_ctx.with("aws:PrincipalOrgID", org);
        }
        let scp_request = Request {
            context: &scp_ctx,
            ..identity_request.clone()
        };
        match g.org.decide(&account, &scp_request) {
            Some(Decision::ExplicitDeny | Decision::ImplicitDeny) => {
                if let Some(present) = trust_label.clone() {
                    let missing_at = g
                        .org
                        .denying(&account, &scp_request)
                        .map(|(s, m)| Label::new(s, m));
                    g.broken.push(BrokenHop {
                        source: caller,
                        target: role,
                        missing: Side::Scp,
                        present,
                        missing_at,
                        denied: true,
                    });
                }
                return;
            }
            Some(Decision::Conditional) => {
                for k in undecided(g.org_policies(&account), &scp_request) {
                    if !conditions.contains(&k) {
                        conditions.push(k);
                    }
                }
            }
            _ => {}
        }
    }
    // An RCP on the role's account governs the role as a resource: a
    // Deny there (a data perimeter: only principals of the organization)
    // stops the call whatever both sides allow.
    if let Some(role_account) = role_account.filter(|_| g.org.has_rcps()) {
        let rcp_request = Request {
            context: &known,
            caller: Some(Caller::Aws(&caller_id)),
            ..identity_request.clone()
        };
        match g.org.decide_rcps(role_account, &rcp_request) {
            Some((Decision::ExplicitDeny, at)) => {
                if let Some(present) = trust_label.clone() {
                    g.broken.push(BrokenHop {
                        source: caller,
                        target: role,
                        missing: Side::Rcp,
                        present,
                        missing_at: at.map(|(s, m)| Label::new(s, m)),
                        denied: true,
                    });
                }
                return;
            }
            Some((Decision::Conditional, _)) => {
                let rcps: Vec<&Policy> = g
                    .org
                    .rcps_for(role_account)
                    .into_iter()
                    .map(|p| &p.policy)
                    .collect();
                for k in undecided(rcps, &rcp_request) {
                    if !conditions.contains(&k) {
                        conditions.push(k);
                    }
                }
            }
            _ => {}
        }
    }
    if !added.insert((caller, role, Mechanism::AssumeRole)) {
        return;
    }
    let tag = Request {
        action: "sts:TagSession",
        ..trust_request.clone()
    };
    let edge = Edge {
        mechanism: Mechanism::AssumeRole,
        conditions,
        trust: trust_label,
        identity,
        tag_session: eval::evaluate([&trust.policy], &tag) != Decision::ImplicitDeny,
    };
    g.graph.add_edge(caller, role, edge);
}

/// Identity policies that name a role the inputs define, whose trust does
/// not admit the caller: the "not authorized to perform sts:AssumeRole"
/// that would come at deploy time.
fn add_identity_side_breaks(
    g: &mut PrincipalGraph<'_>,
    added: &BTreeSet<(NodeIndex, NodeIndex, Mechanism)>,
    ctx: &RequestContext,
) {
    let mut found = Vec::new();
    for caller in g.nodes().collect::<Vec<_>>() {
        if !g.may_grant(caller, Grant::AssumeRole) {
            continue;
        }
        let Some(h) = g.holdings(caller) else {
            continue;
        };
        for p in h
            .all()
            .filter(|p| g.policy_may_grant(p, &[Grant::AssumeRole]))
        {
            for s in p.policy.statements.iter().filter(|s| s.is_allow()) {
                if !eval::action_applies(s.action.as_ref(), ASSUME_ROLE) {
                    continue;
                }
                for r in s.resources() {
                    if pattern::has_wildcard(&r.value) {
                        continue;
                    }
                    let Some(target) = g.find(&r.value) else {
                        continue;
                    };
                    if target == caller || added.contains(&(caller, target, Mechanism::AssumeRole))
                    {
                        continue;
                    }
                    let Some(trust) = trust_of(g, target) else {
                        continue;
                    };
                    let caller_id = g.at(caller).id.clone();
                    let request = Request {
                        action: ASSUME_ROLE,
                        resource: &r.value,
                        caller: Some(Caller::Aws(&caller_id)),
                        context: ctx,
                    };
                    let decision = eval::evaluate([&trust.policy], &request);
                    if matches!(decision, Decision::ExplicitDeny | Decision::ImplicitDeny) {
                        found.push(BrokenHop {
                            source: caller,
                            target,
                            missing: Side::Trust,
                            present: Label::new(r.span, "allowed here"),
                            missing_at: Some(Label::new(
                                first_char(trust.policy.span),
                                "this trust policy does not admit the caller",
                            )),
                            denied: decision == Decision::ExplicitDeny,
                        });
                    }
                }
            }
        }
    }
    g.broken.extend(found);
}

fn first_char(span: crate::source::Span) -> crate::source::Span {
    crate::source::Span {
        end: span.start.saturating_add(1).min(span.end),
        ..span
    }
}
