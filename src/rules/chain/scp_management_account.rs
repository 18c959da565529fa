//! `scp-management-account`: an SCP meant to guard roles is attached to the
//! management account, or a role the intent guards lives there. SCPs never
//! restrict the management account
//! (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html>),
//! so the guard does nothing there.

use crate::diagnostic::Severity;
use crate::graph::PrincipalGraph;
use crate::graph::org::{FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct ScpManagementAccount;

static META: RuleMeta = RuleMeta {
    name: "scp-management-account",
    category: Category::Chain,
    default_severity: Severity::Warning,
    summary: "an SCP is relied on where SCPs do not apply",
    docs: include_str!("../../../rules/scp-management-account.md"),
};

impl Rule for ScpManagementAccount {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        let Some((management, declared)) = g.org.management.clone() else {
            return;
        };
        for (policy, target, span) in g.org.attachments() {
            if target != management || [FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS].contains(&policy) {
                continue;
            }
            // RCPs do not govern the management account's resources either.
            let (kind, doc) = match g.org.rcp(policy) {
                Some(rcp) => ("RCP", Some(rcp)),
                None => ("SCP", g.org.policy(policy)),
            };
            let name = doc
                .and_then(|p| p.name.clone())
                .unwrap_or_else(|| policy.to_string());
            cx.report(span, format!("{kind} `{name}` is attached to the management account {management}, where {kind}s never apply"))
                .label("has no effect here")
                .related(declared, "the management account")
                .help("move the workloads it should guard to a member account, or guard the management account by other means");
        }
        if !g.org.has_scps() {
            return;
        }
        for l in &g.intent.launchers {
            for &role in std::iter::once(&l.node).chain(&l.reaches) {
                let node = g.at(role);
                if node.account.as_deref() != Some(management.as_str()) {
                    continue;
                }
                let Some(at) = node.defined_at else { continue };
                cx.report(
                    at,
                    format!(
                        "`{}` lives in the management account {management}: no SCP restricts it",
                        node.label
                    ),
                )
                .label("outside every SCP")
                .related(declared, "the management account")
                .help("run launchers and deploy roles in member accounts, where SCPs apply");
            }
        }
    }
}
