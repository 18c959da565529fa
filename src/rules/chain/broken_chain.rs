//! `broken-chain`: one side of a role hop allows it and the other does not.
//! The caller's policy allows `sts:AssumeRole` on a role whose trust policy
//! does not admit it, or a trust policy names a caller whose own policies do
//! not allow the call (cross-account, or through an account-root trust).
//! Either way the deploy fails with "is not authorized to perform:
//! sts:AssumeRole" — found here before it happens.

use crate::diagnostic::Severity;
use crate::graph::{PrincipalGraph, Side};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct BrokenChain;

static META: RuleMeta = RuleMeta {
    name: "broken-chain",
    category: Category::Chain,
    default_severity: Severity::Error,
    summary: "one side of a role hop allows it and the other does not",
    docs: include_str!("../../../rules/broken-chain.md"),
};

impl Rule for BrokenChain {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        for hop in &g.broken {
            // An SCP or RCP that stops a hop nobody intends is the guard working;
            // it breaks a chain only when the hop is an intended one.
            let intended = g
                .intent
                .launcher(hop.source)
                .is_some_and(|l| l.reaches.contains(&hop.target));
            if matches!(hop.missing, Side::Scp | Side::Rcp) && !intended {
                continue;
            }
            let (caller, target) = (&g.at(hop.source).label, &g.at(hop.target).label);
            let (message, help) = match (hop.missing, hop.denied) {
                (Side::Trust, false) => (
                    format!(
                        "`{caller}` is allowed to assume `{target}`, but `{target}`'s trust policy does not admit it"
                    ),
                    format!(
                        "add `{}` as a principal in `{target}`'s trust policy, or remove this grant",
                        g.at(hop.source).id
                    ),
                ),
                (Side::Trust, true) => (
                    format!(
                        "`{caller}` is allowed to assume `{target}`, but `{target}`'s trust policy denies it"
                    ),
                    format!(
                        "remove the Deny for `{caller}` from `{target}`'s trust policy, or remove this grant"
                    ),
                ),
                (Side::Identity, false) => (
                    format!(
                        "`{target}` trusts `{caller}`, but no policy of `{caller}` allows `sts:AssumeRole` on it"
                    ),
                    format!(
                        "allow `sts:AssumeRole` on `{}` in a policy of `{caller}`, or remove it from the trust policy",
                        g.at(hop.target).id
                    ),
                ),
                (Side::Boundary, _) => (
                    format!("`{target}` trusts `{caller}`, but the permissions boundary of `{caller}` does not allow the call"),
                    format!("allow `sts:AssumeRole` on `{}` in `{caller}`'s permissions boundary", g.at(hop.target).id),
                ),
                (Side::Scp, _) => (
                    format!(
                        "`{target}` trusts `{caller}` and its policies allow the call, but an SCP on account {} denies `sts:AssumeRole`",
                        g.at(hop.source).account.as_deref().unwrap_or("?")
                    ),
                    "allow the call in the SCP, or move the caller to an account the SCP does not govern".to_string(),
                ),
                (Side::Rcp, _) => (
                    format!(
                        "`{target}` trusts `{caller}` and its policies allow the call, but an RCP on account {} denies `sts:AssumeRole` on `{target}`",
                        g.at(hop.target).account.as_deref().unwrap_or("?")
                    ),
                    "exempt the caller in the RCP (it governs the role's account), or move the role out of its reach".to_string(),
                ),
                (Side::Identity, true) => (
                    format!(
                        "`{target}` trusts `{caller}`, but a policy of `{caller}` denies `sts:AssumeRole` on it"
                    ),
                    format!(
                        "remove the Deny in `{caller}`'s policies, or remove it from the trust policy"
                    ),
                ),
            };
            let f = cx.report(hop.present.span, message);
            f.label(hop.present.message.clone()).help(help);
            if let Some(missing) = &hop.missing_at {
                f.related(missing.span, missing.message.clone());
            }
        }
    }
}
