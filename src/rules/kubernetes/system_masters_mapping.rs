//! `system-masters-mapping`: an aws-auth entry puts an IAM role or user in
//! `system:masters`, the group Kubernetes hard-wires to cluster-admin:
//! no RBAC binding can narrow it, and removing it needs an aws-auth edit.
//! An error for a deploy role or a principal of a Prod account, a warning
//! otherwise.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::model::Environment;
use crate::policy::arn::Arn;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct SystemMastersMapping;

static META: RuleMeta = RuleMeta {
    name: "system-masters-mapping",
    category: Category::Kubernetes,
    default_severity: Severity::Warning,
    summary: "aws-auth maps an IAM principal to `system:masters`",
    docs: include_str!("../../../rules/system-masters-mapping.md"),
};

/// Whether a role name reads as a deployment role (`DevDeployRole`,
/// `octopus-deployer`).
fn is_deploy_role(name: &str) -> bool {
    name.to_ascii_lowercase().contains("deploy")
}

impl Rule for SystemMastersMapping {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for map in &document.aws_auth {
            for m in &map.mappings {
                let Some(group) = m.groups.iter().find(|g| g.value == "system:masters") else {
                    continue;
                };
                let arn = m
                    .arn
                    .as_ref()
                    .map_or("this principal", |a| a.value.as_str());
                let parsed = m.arn.as_ref().and_then(|a| Arn::parse(&a.value));
                let prod = parsed
                    .as_ref()
                    .is_some_and(|a| cx.config.environment(a.account) == Some(Environment::Prod));
                let deploy = parsed.as_ref().is_some_and(|a| {
                    a.resource_type() == "role" && is_deploy_role(a.resource_name())
                });
                let why = match (prod, deploy) {
                    (true, _) => format!(
                        " (a principal of Prod account {})",
                        parsed
                            .as_ref()
                            .map_or(String::new(), |a| cx.config.describe_account(a.account))
                    ),
                    (false, true) => {
                        " (a deploy role: whatever runs a deployment owns the cluster)".to_string()
                    }
                    _ => String::new(),
                };
                let severity = if prod || deploy {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                let finding = cx.report_as(
                    severity,
                    group.span,
                    format!("`{arn}` is mapped to `system:masters`{why}: cluster-admin that no RBAC binding can narrow"),
                );
                finding
                    .label("cluster-admin")
                    .help("map it to a group bound by a namespaced Role (RBAC), or use an access entry with a namespace-scoped access policy");
                if let Some(a) = &m.arn {
                    finding.related(a.span, "this principal");
                }
            }
        }
    }
}
