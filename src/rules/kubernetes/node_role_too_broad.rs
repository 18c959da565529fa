//! `node-role-too-broad`: a node role (one with
//! `AmazonEKSWorkerNodePolicy` attached) holds more than the standard
//! worker-node set (`AmazonEKSWorkerNodePolicy`, `AmazonEKS_CNI_Policy`,
//! `AmazonEC2ContainerRegistryReadOnly`/`PullOnly`,
//! `AmazonSSMManagedInstanceCore`, `CloudWatchAgentServerPolicy`). Every
//! pod that reaches the instance metadata service gets the node role's
//! credentials, so widening it to make a workload work hands that access to
//! every pod on the node; give the workload its own IRSA or Pod Identity
//! role instead.

use crate::diagnostic::Severity;
use crate::principals::PrincipalPolicies;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct NodeRoleTooBroad;

static META: RuleMeta = RuleMeta {
    name: "node-role-too-broad",
    category: Category::Kubernetes,
    default_severity: Severity::Warning,
    summary: "node role holds more than the standard worker-node policies",
    docs: include_str!("../../../rules/node-role-too-broad.md"),
};

/// The managed policies a worker node role normally holds.
const STANDARD: &[&str] = &[
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKSWorkerNodeMinimalPolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonSSMManagedInstanceCore",
    "CloudWatchAgentServerPolicy",
];

fn policy_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

impl Rule for NodeRoleTooBroad {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_principal(&self, principal: &PrincipalPolicies<'_>, cx: &mut Context<'_>) {
        let is_node = principal
            .managed
            .iter()
            .any(|m| policy_name(&m.arn) == "AmazonEKSWorkerNodePolicy");
        if !is_node {
            return;
        }
        // The directory or ARN the principal stands for, by its last part.
        let name = principal.name.rsplit('/').next().unwrap_or(&principal.name);
        for m in &principal.managed {
            let policy = policy_name(&m.arn);
            if STANDARD.contains(&policy) {
                continue;
            }
            cx.report(
                m.span,
                format!("node role `{name}` also holds `{policy}`: every pod that reaches the instance metadata service gets it"),
            )
            .label("beyond the worker-node set")
            .help("give the workload that needs it its own role through IRSA or Pod Identity, and detach it from the node role");
        }
        for policy in &principal.policies {
            let Some(s) = policy.policy.statements.iter().find(|s| s.is_allow()) else {
                continue;
            };
            let span = s.action.as_ref().map_or(s.span, |a| a.span);
            cx.report(
                span,
                format!("node role `{name}` holds its own policy beyond the worker-node set: every pod that reaches the instance metadata service gets it"),
            )
            .label("beyond the worker-node set")
            .help("move these permissions to a role for the workload that needs them (IRSA or Pod Identity)");
        }
    }
}
