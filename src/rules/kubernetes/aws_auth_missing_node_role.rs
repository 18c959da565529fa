//! `aws-auth-missing-node-role`: a whole aws-auth ConfigMap whose
//! `mapRoles` has no entry in `system:nodes`, while no EC2 (or Fargate)
//! access entry is known in the run. Applying it replaces `mapRoles`, and
//! the worker nodes can no longer join or report: the cluster loses its
//! nodes.
//!
//! Not raised for `kubectl patch` fragments (no `apiVersion`/`kind`), for
//! maps without a `mapRoles` key (applying them leaves `mapRoles` as it is),
//! or when `mapRoles` does not parse (`aws-auth-invalid` says so). Clusters
//! whose nodes get access entries from EKS (authentication mode
//! `API_AND_CONFIG_MAP`, managed node groups) do not need the entry: lint
//! the access entries with the ConfigMap, or ignore the rule for them.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::model::AwsAuthSection;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct AwsAuthMissingNodeRole;

static META: RuleMeta = RuleMeta {
    name: "aws-auth-missing-node-role",
    category: Category::Kubernetes,
    default_severity: Severity::Warning,
    summary: "aws-auth maps no node role into `system:nodes`",
    docs: include_str!("../../../rules/aws-auth-missing-node-role.md"),
};

impl Rule for AwsAuthMissingNodeRole {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_run(&self, documents: &[Document], cx: &mut Context<'_>) {
        let node_entry = documents
            .iter()
            .flat_map(|d| &d.access_entries)
            .any(|e| e.is_node_entry());
        if node_entry {
            return;
        }
        for map in documents.iter().flat_map(|d| &d.aws_auth) {
            let Some(key) = map.map_roles_key else {
                continue;
            };
            let roles = map
                .mappings
                .iter()
                .filter(|m| m.section == AwsAuthSection::MapRoles);
            let unparsed = map
                .problems
                .iter()
                .any(|p| p.message.contains("`mapRoles`"));
            if !map.complete || unparsed || roles.clone().any(|m| m.has_group("system:nodes")) {
                continue;
            }
            cx.report(
                key,
                "no `mapRoles` entry puts a node role in `system:nodes`: applying this ConfigMap locks the worker nodes out of the cluster",
            )
            .label("no node role here")
            .help("keep the node instance role's entry (`username: system:node:{{EC2PrivateDNSName}}`, groups `system:bootstrappers` and `system:nodes`), or give the nodes an EC2 access entry");
        }
    }
}
