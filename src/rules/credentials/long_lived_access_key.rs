//! `long-lived-access-key`: an `AWS::IAM::AccessKey`, or a user with a
//! console password and no policy that denies access without MFA. Stored
//! keys never expire and leak through CI logs, laptops and images;
//! workloads should assume roles (IRSA, Pod Identity, instance profiles).

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::policy::Effect;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct LongLivedAccessKey;

static META: RuleMeta = RuleMeta {
    name: "long-lived-access-key",
    category: Category::Credentials,
    default_severity: Severity::Warning,
    summary: "long-lived IAM user credentials",
    docs: include_str!("../../../rules/long-lived-access-key.md"),
};

/// Whether a Deny in `policies` depends on MFA, the common "deny everything
/// unless signed in with MFA" policy
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html>).
fn enforces_mfa<'a>(mut policies: impl Iterator<Item = &'a crate::load::PolicyDoc>) -> bool {
    policies.any(|p| {
        p.policy.statements.iter().any(|s| {
            s.effect.value == Effect::Deny
                && s.conditions.iter().any(|c| {
                    c.key
                        .value
                        .eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
                })
        })
    })
}

impl Rule for LongLivedAccessKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for key in &document.resources.access_keys {
            if key
                .status
                .as_ref()
                .is_some_and(|s| s.value.eq_ignore_ascii_case("Inactive"))
            {
                continue;
            }
            let user = key
                .user
                .as_ref()
                .map_or_else(|| "a user".to_string(), |u| format!("user `{}`", u.value));
            let origin = key
                .origin
                .as_ref()
                .map(|o| format!(" in {o}"))
                .unwrap_or_default();
            let f = cx
                .report(
                    key.logical_id.span,
                    format!(
                        "access key `{}` gives {user} a secret that never expires{origin}",
                        key.logical_id.value
                    ),
                )
                .label("long-lived credential");
            if let Some(u) = &key.user {
                f.related
                    .push(crate::diagnostic::Label::new(u.span, "held by this user"));
            }
            f.help("let the workload assume a role (IRSA, EKS Pod Identity, an instance profile) instead of storing keys");
        }
        for login in &document.resources.login_profiles {
            let Some(user) = document.principals.get(login.user) else {
                continue;
            };
            let groups: Vec<&crate::model::IamPrincipal> = document
                .principals
                .iter()
                .filter(|g| {
                    g.kind == crate::model::PrincipalKind::Group
                        && user.groups.iter().any(|n| n.value == g.name.value)
                })
                .collect();
            let own = user
                .policies
                .iter()
                .filter_map(|&i| document.policies.get(i));
            let from_groups = groups
                .iter()
                .flat_map(|g| g.policies.iter().filter_map(|&i| document.policies.get(i)));
            if enforces_mfa(own.chain(from_groups)) {
                continue;
            }
            cx.report(
                login.span,
                format!(
                    "user `{}` has a console password and no policy denies access without MFA",
                    user.name.value
                ),
            )
            .label("console password")
            .help("use SSO (IAM Identity Center) for people, or attach a policy that denies everything unless `aws:MultiFactorAuthPresent` is true");
        }
    }
}
