//! `access-entry-cluster-admin`: an EKS access entry associated with
//! `AmazonEKSClusterAdminPolicy` or `AmazonEKSAdminPolicy` at cluster scope:
//! the principal administers every namespace of the cluster. An error when
//! the principal's account is Prod (or the cluster's name says Prod), a
//! warning otherwise. Namespace-scoped associations are not flagged.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::model::Environment;
use crate::policy::arn::Arn;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct AccessEntryClusterAdmin;

static META: RuleMeta = RuleMeta {
    name: "access-entry-cluster-admin",
    category: Category::Kubernetes,
    default_severity: Severity::Warning,
    summary: "access entry grants an admin access policy on the whole cluster",
    docs: include_str!("../../../rules/access-entry-cluster-admin.md"),
};

const ADMIN_POLICIES: &[&str] = &["AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy"];

impl Rule for AccessEntryClusterAdmin {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for entry in &document.access_entries {
            let account = entry
                .principal_arn
                .as_ref()
                .and_then(|p| Arn::parse(&p.value))
                .map(|a| a.account.to_string());
            let prod = account
                .as_deref()
                .is_some_and(|a| cx.config.environment(a) == Some(Environment::Prod))
                || entry.cluster.as_ref().is_some_and(|c| {
                    Environment::guess_from_name(&c.value) == Some(Environment::Prod)
                });
            let who = entry
                .principal_arn
                .as_ref()
                .map_or("this principal", |p| p.value.as_str());
            let cluster = entry
                .cluster
                .as_ref()
                .map_or("the cluster".to_string(), |c| {
                    format!("cluster `{}`", c.value)
                });
            for p in &entry.policies {
                let Some(name) = ADMIN_POLICIES
                    .iter()
                    .find(|n| p.policy_arn.value.rsplit('/').next() == Some(**n))
                else {
                    continue;
                };
                let Some(scope) = &p.scope_type else { continue };
                if !scope.value.eq_ignore_ascii_case("cluster") {
                    continue;
                }
                let severity = if prod {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                let in_prod = if prod { " in Prod" } else { "" };
                let finding = cx.report_as(
                    severity,
                    p.policy_arn.span,
                    format!("`{who}` gets `{name}` on every namespace of {cluster}{in_prod}"),
                );
                finding
                    .label("cluster-wide admin")
                    .related(scope.span, "cluster scope")
                    .help("associate the policy with `type: namespace` and the namespaces the principal deploys to, or use `AmazonEKSEditPolicy`");
            }
        }
    }
}
