//! `inline-policy-on-user`: a user has its own inline policy. Permissions
//! on individual users drift and escape review; grant them to groups or,
//! better, to roles that people and workloads assume.

use crate::diagnostic::Severity;
use crate::graph::PrincipalGraph;
use crate::rules::audit::users;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct InlinePolicyOnUser;

static META: RuleMeta = RuleMeta {
    name: "inline-policy-on-user",
    category: Category::Audit,
    default_severity: Severity::Warning,
    summary: "a user has an inline policy of its own",
    docs: include_str!("../../../rules/inline-policy-on-user.md"),
};

impl Rule for InlinePolicyOnUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        for user in users(g) {
            let def = user.def;
            for &i in &def.policies {
                // A template's managed policy attached to the user (through
                // its `Users`) is in the list too: not an inline policy.
                let Some(p) = user.doc.policies.get(i).filter(|p| !p.managed) else {
                    continue;
                };
                let name = p.name.as_deref().unwrap_or("inline policy");
                cx.report(
                    p.policy.span,
                    format!(
                        "user `{}` has its own inline policy `{name}`",
                        def.name.value
                    ),
                )
                .label("attached to one user")
                .related(def.name.span, "the user")
                .help("move the permissions to a group or a role, and remove the inline policy");
            }
        }
    }
}
