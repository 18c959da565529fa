//! Edges through services and policy writing: ways to obtain a role's
//! permissions without calling `sts:AssumeRole` yourself.
//!
//! - `iam:PassRole` to a service that runs code: a principal that may pass
//!   role R to Lambda (`iam:PassRole` on R, with `iam:PassedToService`
//!   allowing `lambda.amazonaws.com`) and create a function
//!   (`lambda:CreateFunction`), where R trusts `lambda.amazonaws.com`, runs
//!   its own code as R
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html>).
//! - `iam:UpdateAssumeRolePolicy` on R: the principal can rewrite R's trust
//!   to admit itself, then assume it.
//!
//! Only principals whose policies name these actions are considered, so
//! the work stays proportional to the principals that can do it.

use petgraph::stable_graph::NodeIndex;

use crate::diagnostic::Label;
use crate::graph::{Edge, Grant, Mechanism, NodeKind, PrincipalGraph};
use crate::load::PolicyDoc;
use crate::policy::condition::{RequestContext, Tri};
use crate::policy::eval::{self, Caller, Decision, Request};
use crate::policy::principal::PrincipalType;
use crate::policy::{Policy, pattern};

/// Services that run code with a passed role, and the action that starts it.
const RUNS_CODE: &[(&str, &str)] = &[
    ("lambda.amazonaws.com", "lambda:CreateFunction"),
    ("ec2.amazonaws.com", "ec2:RunInstances"),
    ("ecs-tasks.amazonaws.com", "ecs:RunTask"),
    ("glue.amazonaws.com", "glue:CreateJob"),
    ("cloudformation.amazonaws.com", "cloudformation:CreateStack"),
    ("codebuild.amazonaws.com", "codebuild:CreateProject"),
    (
        "sagemaker.amazonaws.com",
        "sagemaker:CreateNotebookInstance",
    ),
    ("states.amazonaws.com", "states:CreateStateMachine"),
    ("datapipeline.amazonaws.com", "datapipeline:CreatePipeline"),
];

fn allows(policies: &[&Policy], action: &str, resource: &str, ctx: &RequestContext) -> Decision {
    let request = Request {
        action,
        resource,
        caller: None,
        context: ctx,
    };
    eval::evaluate(policies.iter().copied(), &request)
}

/// The span in `policies` that allows `action` on `resource`; for an
/// attached AWS managed policy, where it is attached (its own text is not
/// the user's file).
fn evidence(
    holders: &[(&PolicyDoc, Option<crate::source::Span>)],
    action: &str,
    resource: &str,
    ctx: &RequestContext,
    message: &str,
) -> Option<Label> {
    let request = Request {
        action,
        resource,
        caller: None,
        context: ctx,
    };
    holders.iter().find_map(|&(p, attached)| {
        let s = p
            .policy
            .statements
            .iter()
            .find(|s| s.is_allow() && eval::statement_applies(s, &request) != Tri::False)?;
        let span = s
            .resources()
            .iter()
            .find(|r| pattern::matches(&r.value, resource))
            .map(|r| r.span)
            .or_else(|| s.actions().first().map(|a| a.span))
            .unwrap_or(s.span);
        Some(Label::new(attached.unwrap_or(span), message))
    })
}

/// A service that can run code as a role, the action that starts it, and
/// where the role's trust admits the service.
type Runner = (&'static str, &'static str, Label);

/// Add PassRole and UpdateAssumeRolePolicy edges.
pub fn add(g: &mut PrincipalGraph<'_>) {
    let acts = |g: &PrincipalGraph<'_>, p: NodeIndex| {
        g.may_grant(p, Grant::PassRole) || g.may_grant(p, Grant::UpdateTrust)
    };
    if !g.nodes().any(|p| acts(g, p)) {
        return;
    }
    // The code-running services a role's trust admits, computed for the
    // roles principals name (and once each).
    let mut runners: std::collections::HashMap<NodeIndex, Vec<Runner>> =
        std::collections::HashMap::new();
    let services_of = |g: &PrincipalGraph<'_>, r: NodeIndex| -> Vec<Runner> {
        let (Some(doc), Some(def)) = (g.at(r).document, g.at(r).definition) else {
            return Vec::new();
        };
        let Some(trust) = def.trust.and_then(|t| doc.policies.get(t)) else {
            return Vec::new();
        };
        let mut services = Vec::new();
        for &(service, action) in RUNS_CODE {
            let request = Request {
                action: "sts:AssumeRole",
                resource: &g.at(r).id,
                caller: Some(Caller::Service(service)),
                context: &RequestContext::new(),
            };
            if matches!(
                eval::evaluate([&trust.policy], &request),
                Decision::Allowed | Decision::Conditional
            ) {
                let span = trust
                    .policy
                    .statements
                    .iter()
                    .flat_map(|s| s.principals())
                    .find(|p| {
                        p.value.ty == PrincipalType::Service
                            && p.value.value.eq_ignore_ascii_case(service)
                    })
                    .map_or(trust.policy.span, |p| p.span);
                services.push((
                    service,
                    action,
                    Label::new(span, format!("the role trusts {service} here")),
                ));
            }
        }
        services
    };
    let mut new_edges = Vec::new();
    for p in g.nodes().collect::<Vec<_>>() {
        if !acts(g, p) {
            continue;
        }
        let Some(h) = g.holdings(p) else { continue };
        let docs: Vec<&PolicyDoc> = h.all().collect();
        let located: Vec<(&PolicyDoc, Option<crate::source::Span>)> = h
            .policies
            .iter()
            .map(|&d| (d, None))
            .chain(h.managed.iter().map(|m| (&*m.policy, Some(m.span))))
            .collect();
        let pass = g.may_grant(p, Grant::PassRole);
        let rewrite = g.may_grant(p, Grant::UpdateTrust);
        let policies: Vec<&Policy> = docs.iter().map(|d| &d.policy).collect();
        // Only roles a statement names by ARN: a grant on `*` or a pattern
        // is every role at once — `pass-role-any-resource`,
        // `privilege-escalation` and `chain-to-admin` report it, and one
        // edge per role would make the graph quadratic in large exports.
        let mut named: Vec<(NodeIndex, String)> = docs
            .iter()
            .filter(|d| g.policy_may_grant(d, &[Grant::PassRole, Grant::UpdateTrust]))
            .flat_map(|d| &d.policy.statements)
            .filter(|s| {
                s.is_allow()
                    && (eval::action_applies(s.action.as_ref(), "iam:PassRole")
                        || eval::action_applies(s.action.as_ref(), "iam:UpdateAssumeRolePolicy"))
            })
            .flat_map(|s| s.resources())
            .filter(|r| !pattern::has_wildcard(&r.value))
            .filter_map(|r| g.find(&r.value).map(|n| (n, r.value.to_string())))
            .filter(|(n, _)| *n != p && g.at(*n).kind == NodeKind::Role)
            .collect();
        named.sort();
        named.dedup();
        for (r, arn) in &named {
            let services = runners
                .entry(*r)
                .or_insert_with(|| services_of(g, *r))
                .clone();
            let services = &services;
            for (service, action, trust_label) in services.iter().filter(|_| pass) {
                let ctx = RequestContext::new().with("iam:PassedToService", service);
                let passing = allows(&policies, "iam:PassRole", arn, &ctx);
                let running = allows(&policies, action, "*", &RequestContext::new());
                let ok = |d: Decision| matches!(d, Decision::Allowed | Decision::Conditional);
                if !ok(passing) || !ok(running) {
                    continue;
                }
                let conditional =
                    passing == Decision::Conditional || running == Decision::Conditional;
                new_edges.push((
                    p,
                    *r,
                    Edge {
                        mechanism: Mechanism::PassRole,
                        conditions: if conditional {
                            vec![format!("conditions on iam:PassRole or {action}")]
                        } else {
                            Vec::new()
                        },
                        trust: Some(trust_label.clone()),
                        identity: evidence(
                            &located,
                            "iam:PassRole",
                            arn,
                            &ctx,
                            &format!("may pass the role to {service} (with {action}) here"),
                        ),
                        tag_session: false,
                    },
                ));
                break;
            }
            if rewrite {
                let d = allows(
                    &policies,
                    "iam:UpdateAssumeRolePolicy",
                    arn,
                    &RequestContext::new(),
                );
                if matches!(d, Decision::Allowed | Decision::Conditional) {
                    new_edges.push((
                        p,
                        *r,
                        Edge {
                            mechanism: Mechanism::TrustRewrite,
                            conditions: if d == Decision::Conditional {
                                vec!["conditions on iam:UpdateAssumeRolePolicy".into()]
                            } else {
                                Vec::new()
                            },
                            trust: None,
                            identity: evidence(
                                &located,
                                "iam:UpdateAssumeRolePolicy",
                                arn,
                                &RequestContext::new(),
                                "may rewrite the role's trust policy here",
                            ),
                            tag_session: false,
                        },
                    ));
                }
            }
        }
    }
    for (a, b, e) in new_edges {
        g.graph.add_edge(a, b, e);
    }
}
