//! `managed-policy-on-user`: a managed policy is attached to a user rather
//! than to a group or a role. With `inline-policy-on-user` it completes
//! "users receive permissions only through groups".

use crate::diagnostic::Severity;
use crate::graph::PrincipalGraph;
use crate::rules::audit::users;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct ManagedPolicyOnUser;

static META: RuleMeta = RuleMeta {
    name: "managed-policy-on-user",
    category: Category::Audit,
    default_severity: Severity::Warning,
    summary: "a managed policy is attached to a user directly",
    docs: include_str!("../../../rules/managed-policy-on-user.md"),
};

impl Rule for ManagedPolicyOnUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        for user in users(g) {
            let def = user.def;
            let mut report = |span, name: &str| {
                cx.report(
                    span,
                    format!(
                        "user `{}` has the managed policy `{name}` attached directly",
                        def.name.value
                    ),
                )
                .label("attached to one user")
                .related(def.name.span, "the user")
                .help("attach it to a group the user is in (or to a role the user assumes), and detach it from the user");
            };
            // Attached by ARN: an export's `AttachedManagedPolicies`, a
            // template's `ManagedPolicyArns`.
            for arn in &def.managed {
                report(arn.span, arn.value.rsplit('/').next().unwrap_or(&arn.value));
            }
            // A template's `AWS::IAM::ManagedPolicy` naming the user in its
            // `Users`.
            for &i in &def.policies {
                if let Some(p) = user.doc.policies.get(i).filter(|p| p.managed) {
                    report(p.policy.span, p.name.as_deref().unwrap_or("managed policy"));
                }
            }
        }
    }
}
