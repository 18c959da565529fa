//! `admin-user`: an IAM user — a principal with long-lived credentials —
//! holds administrator access (`*` on `*`), through its own, its groups' or
//! attached managed policies.

use crate::diagnostic::Severity;
use crate::graph::PrincipalGraph;
use crate::policy::condition::RequestContext;
use crate::policy::eval::{self, Decision, Request};
use crate::rules::audit::users;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct AdminUser;

static META: RuleMeta = RuleMeta {
    name: "admin-user",
    category: Category::Audit,
    default_severity: Severity::Error,
    summary: "an IAM user has administrator access",
    docs: include_str!("../../../rules/admin-user.md"),
};

impl Rule for AdminUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        let ctx = RequestContext::new();
        for user in users(g) {
            let (def, Some(h)) = (user.def, user.holdings) else {
                continue;
            };
            // Administrator access: an action no scoped policy grants, on
            // every resource.
            let admin = [
                "iam:CreateUser",
                "ec2:TerminateInstances",
                "kms:ScheduleKeyDeletion",
            ]
            .iter()
            .all(|action| {
                let request = Request {
                    action,
                    resource: "*",
                    caller: None,
                    context: &ctx,
                };
                eval::evaluate(h.all().map(|p| &p.policy), &request) == Decision::Allowed
            });
            if !admin {
                continue;
            }
            let f = cx.report(
                def.name.span,
                format!(
                    "user `{}` has administrator access with long-lived credentials",
                    def.name.value
                ),
            );
            f.label("administrator").help(
                "give administrators a role assumed with MFA or single sign-on, and remove the user's access",
            );
            for m in &h.managed {
                f.related(m.span, format!("`{}` attached here", m.arn));
            }
        }
    }
}
