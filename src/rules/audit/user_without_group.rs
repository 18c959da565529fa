//! `user-without-group`: a user holds permissions but belongs to no group:
//! its access is managed one user at a time.

use crate::diagnostic::Severity;
use crate::graph::PrincipalGraph;
use crate::rules::audit::users;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct UserWithoutGroup;

static META: RuleMeta = RuleMeta {
    name: "user-without-group",
    category: Category::Audit,
    default_severity: Severity::Note,
    summary: "a user with permissions belongs to no group",
    docs: include_str!("../../../rules/user-without-group.md"),
};

impl Rule for UserWithoutGroup {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        for user in users(g) {
            let def = user.def;
            if !def.groups.is_empty() || def.policies.is_empty() && def.managed.is_empty() {
                continue;
            }
            cx.report(
                def.name.span,
                format!(
                    "user `{}` holds permissions directly and is in no group",
                    def.name.value
                ),
            )
            .label("managed one user at a time")
            .help("put the user in a group that carries these permissions");
        }
    }
}
