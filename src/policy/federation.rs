//! Knowledge of identity providers behind `Federated` principals: which
//! issuer a provider ARN stands for, which claims its condition keys name
//! (`<issuer>:sub`, `<issuer>:aud`), what its subjects look like and how
//! wide a `sub` pattern is.
//!
//! For an OIDC provider `arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH` the
//! condition keys are `HOST/PATH:aud`, `HOST/PATH:sub`, … — without
//! `https://` and without a trailing slash
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif>).

use crate::diagnostic::Severity;
use crate::policy::Statement;
use crate::policy::condition::{Condition, OperatorKind};
use crate::policy::eval::{Caller, action_applies, principal_applies};
use crate::policy::pattern;
use crate::policy::principal::PrincipalType;
use crate::source::Spanned;

/// A known OIDC issuer family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    /// EKS cluster issuer `oidc.eks.<region>.amazonaws.com/id/<ID>` (IRSA).
    Eks,
    /// GitHub Actions, `token.actions.githubusercontent.com`.
    GitHub,
    /// GitLab CI, `gitlab.com` (or a self-managed GitLab).
    GitLab,
    /// HCP Terraform / Terraform Cloud, `app.terraform.io`.
    TerraformCloud,
    /// Bitbucket Pipelines, `api.bitbucket.org/2.0/workspaces/<ws>/pipelines-config/identity/oidc`.
    Bitbucket,
    /// CircleCI, `oidc.circleci.com/org/<org-id>`.
    CircleCi,
    /// Octopus Deploy: the server's own host (`*.octopus.app`).
    Octopus,
    /// Web identity providers that AWS names without an ARN (Cognito,
    /// Google, Facebook, Login with Amazon): any app's token is theirs.
    WebIdentity,
    /// Any other OIDC issuer.
    Generic,
}

impl Provider {
    /// A name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Eks => "EKS",
            Provider::GitHub => "GitHub Actions",
            Provider::GitLab => "GitLab",
            Provider::TerraformCloud => "Terraform Cloud",
            Provider::Bitbucket => "Bitbucket Pipelines",
            Provider::CircleCi => "CircleCI",
            Provider::Octopus => "Octopus Deploy",
            Provider::WebIdentity => "web identity",
            Provider::Generic => "OIDC",
        }
    }

    /// The audience the provider's tokens carry by default, when one is
    /// standard.
    pub fn default_audience(self) -> Option<&'static str> {
        match self {
            Provider::Eks | Provider::GitHub => Some("sts.amazonaws.com"),
            Provider::TerraformCloud => Some("aws.workload.identity"),
            _ => None,
        }
    }

    /// What the subject claim names, for messages.
    pub fn subject_example(self) -> &'static str {
        match self {
            Provider::Eks => "system:serviceaccount:<namespace>:<service-account>",
            Provider::GitHub => "repo:<org>/<repo>:ref:refs/heads/<branch>",
            Provider::GitLab => "project_path:<group>/<project>:ref_type:branch:ref:<branch>",
            Provider::TerraformCloud => {
                "organization:<org>:project:<project>:workspace:<workspace>:run_phase:<phase>"
            }
            Provider::Bitbucket => "{<repository-uuid>}:{<step-uuid>}",
            Provider::CircleCi => "org/<org-id>/project/<project-id>/user/<user-id>",
            Provider::Octopus => "space:<space>:project:<project>:environment:<environment>",
            Provider::WebIdentity | Provider::Generic => "the identity the token is for",
        }
    }
}

/// What a `Federated` principal value stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Federation<'a> {
    /// An OIDC provider: its issuer as condition keys name it, and family.
    Oidc {
        /// `HOST/PATH` from the provider ARN (or the bare name).
        issuer: &'a str,
        /// Which family.
        provider: Provider,
    },
    /// A SAML provider (`arn:aws:iam::ACCOUNT:saml-provider/NAME`).
    Saml,
}

/// Classify a `Federated` principal value.
pub fn classify(value: &str) -> Federation<'_> {
    if value.contains(":saml-provider/") {
        return Federation::Saml;
    }
    let issuer = value
        .split_once(":oidc-provider/")
        .map_or(value, |(_, issuer)| issuer);
    Federation::Oidc {
        issuer,
        provider: provider_of(issuer),
    }
}

/// The family of an issuer (`HOST/PATH`).
pub fn provider_of(issuer: &str) -> Provider {
    let lower = issuer.to_ascii_lowercase();
    let host = lower.split('/').next().unwrap_or("");
    if host.starts_with("oidc.eks.") && lower.contains("/id/") {
        Provider::Eks
    } else if host == "token.actions.githubusercontent.com" {
        Provider::GitHub
    } else if host == "gitlab.com" || host.starts_with("gitlab.") {
        Provider::GitLab
    } else if host == "app.terraform.io" {
        Provider::TerraformCloud
    } else if host == "api.bitbucket.org" {
        Provider::Bitbucket
    } else if host == "oidc.circleci.com" {
        Provider::CircleCi
    } else if host.ends_with(".octopus.app") || host.contains("octopus") {
        Provider::Octopus
    } else if matches!(
        host,
        "cognito-identity.amazonaws.com"
            | "accounts.google.com"
            | "graph.facebook.com"
            | "www.amazon.com"
    ) {
        Provider::WebIdentity
    } else {
        Provider::Generic
    }
}

/// Whether `statement` is an Allow of `sts:AssumeRoleWithWebIdentity`
/// that names a principal: a trust the OIDC rules read. The principal is
/// looked at before the actions: an identity policy's statements, nearly
/// all a run sees, name none.
pub fn allows_web_identity(statement: &Statement) -> bool {
    statement.is_allow()
        && !statement.principals().is_empty()
        && action_applies(statement.action.as_ref(), "sts:AssumeRoleWithWebIdentity")
}

/// The OIDC issuers a statement's `Federated` principals name, with their
/// principal values.
pub fn oidc_principals(
    statement: &Statement,
) -> Vec<(
    &Spanned<crate::policy::principal::Principal>,
    &str,
    Provider,
)> {
    statement
        .principals()
        .iter()
        .filter(|p| p.value.ty == PrincipalType::Federated)
        .filter_map(|p| match classify(&p.value.value) {
            Federation::Oidc { issuer, provider } => Some((p, issuer, provider)),
            Federation::Saml => None,
        })
        .collect()
}

/// Split a condition key into an issuer-like prefix and a claim
/// (`oidc.eks.…/id/X:sub` → (`oidc.eks.…/id/X`, `sub`)). Only prefixes that
/// look like a host (a `.` or `/` in them) count: `aws:`, `sts:` are
/// service prefixes.
pub fn claim_key(key: &str) -> Option<(&str, &str)> {
    let (prefix, claim) = key.rsplit_once(':')?;
    (prefix.contains('.') || prefix.contains('/')).then_some((prefix, claim))
}

/// The conditions of `statement` on `issuer:claim` (names compared ignoring case).
pub fn claim_conditions<'s>(
    statement: &'s Statement,
    issuer: &str,
    claim: &str,
) -> Vec<&'s Condition> {
    statement
        .conditions
        .iter()
        .filter(|c| {
            claim_key(&c.key.value).is_some_and(|(p, k)| {
                p.eq_ignore_ascii_case(issuer) && k.eq_ignore_ascii_case(claim)
            })
        })
        .collect()
}

/// Whether a pattern under a wildcard operator matches every claim value:
/// one made only of `*` and `?` with at least one `*` (`*`, `**`, `?*`).
/// `?` needs a character, but no token carries an empty `sub` or `aud`.
pub fn matches_every_claim(pattern: &str) -> bool {
    pattern.contains('*') && pattern.chars().all(|c| c == '*' || c == '?')
}

/// Whether a string condition names some values and not all of them: a
/// string operator (either form) with at least one value, none of them a
/// pattern that matches every claim. Under `StringEquals` a `*` is literal,
/// so it names one (never-issued) value: a broken trust, which
/// `literal-wildcard-in-condition` reports, not an open one.
fn names_values(c: &Condition) -> bool {
    let op = &c.operator.value;
    matches!(
        op.kind,
        OperatorKind::StringEquals
            | OperatorKind::StringLike
            | OperatorKind::StringEqualsIgnoreCase
    ) && !c.values.is_empty()
        && !(op.has_wildcards() && c.values.iter().any(|v| matches_every_claim(&v.value)))
}

/// Whether a condition pins a claim to the values it names: a positive
/// string operator — `StringEquals`, `StringLike`, `StringEqualsIgnoreCase`,
/// with or without a set qualifier or `IfExists` (OIDC tokens always carry
/// `sub` and `aud`, so `IfExists` does not open them) — none of whose
/// values matches every claim (`StringLike` `*`: any one value matching is
/// enough, so one such pattern admits everything). The negated forms
/// (`StringNotEquals`, `ForAllValues:StringNotLike`, …) exclude the values
/// they list and admit every other one: they pin nothing.
pub fn pins_claim(c: &Condition) -> bool {
    !c.operator.value.negated && names_values(c)
}

/// Whether `statement` has a positive condition on `claim` under a key
/// prefix other than `issuer`. Tokens of `issuer` do not carry that key, so
/// the condition never holds for them: either the prefix names no provider
/// of the statement (`oidc-condition-wrong-issuer`'s finding: the trust is
/// broken, not open) or it names another provider the statement trusts,
/// whose condition then keeps this provider's tokens out.
pub fn claim_under_other_issuer(statement: &Statement, issuer: &str, claim: &str) -> bool {
    statement.conditions.iter().any(|c| {
        !c.operator.value.negated
            && claim_key(&c.key.value).is_some_and(|(p, k)| {
                k.eq_ignore_ascii_case(claim) && !p.eq_ignore_ascii_case(issuer)
            })
    })
}

/// Whether something other than a condition of `statement` on the claim
/// settles it for `issuer`'s tokens: a positive condition on the claim under
/// another issuer, which keeps them out ([`claim_under_other_issuer`]: a
/// broken trust, not an open one), or a Deny on every other value
/// ([`denied_unless_claim`]). What both claim rules ask before reporting.
pub fn claim_settled_elsewhere(
    statement: &Statement,
    statements: &[Statement],
    federated: &str,
    issuer: &str,
    claim: &str,
) -> bool {
    claim_under_other_issuer(statement, issuer, claim)
        || denied_unless_claim(statements, federated, issuer, claim)
}

/// Whether a `Deny` statement among `statements` refuses every token of
/// the provider `federated` (its `Federated` principal value) whose
/// `issuer:claim` is not one of the values it names: `"Effect": "Deny"` for
/// `sts:AssumeRoleWithWebIdentity` with only negated conditions on that
/// claim (`StringNotEquals`, `StringNotLike`, …). An explicit Deny beats any
/// Allow, so such a statement pins the claim for the whole trust as a
/// positive condition in the Allow would. A Deny with any other condition
/// applies only when that one holds too, so it pins nothing.
pub fn denied_unless_claim(
    statements: &[Statement],
    federated: &str,
    issuer: &str,
    claim: &str,
) -> bool {
    let caller = Caller::Federated(federated);
    crate::policy::document::compared(statements)
        .iter()
        .any(|d| {
            !d.is_allow()
                && action_applies(d.action.as_ref(), "sts:AssumeRoleWithWebIdentity")
                && principal_applies(d.principal.as_ref(), Some(&caller))
                && !d.conditions.is_empty()
                && d.conditions.iter().all(|c| {
                    c.operator.value.negated
                        && names_values(c)
                        && claim_key(&c.key.value).is_some_and(|(p, k)| {
                            p.eq_ignore_ascii_case(issuer) && k.eq_ignore_ascii_case(claim)
                        })
                })
        })
}

/// How wide a `sub` pattern (under a wildcard operator) is for a provider:
/// the severity and what it admits, or `None` when it names one identity.
pub fn subject_breadth(provider: Provider, value: &str) -> Option<(Severity, String)> {
    if !pattern::has_wildcard(value) {
        return None;
    }
    let all = |what: &str| Some((Severity::Error, what.to_string()));
    match provider {
        Provider::Eks => {
            if pattern::matches(value, "system:serviceaccount:iamchain-ns:iamchain-sa") {
                return all("every service account in every namespace of the cluster");
            }
            let rest = value.strip_prefix("system:serviceaccount:")?;
            let (ns, sa) = rest.split_once(':')?;
            match (pattern::has_wildcard(ns), pattern::has_wildcard(sa)) {
                (true, false) => Some((
                    Severity::Warning,
                    format!(
                        "a service account named `{sa}` in any namespace matching `{ns}`: whoever can create one there gets this role"
                    ),
                )),
                (true, true) => Some((
                    Severity::Warning,
                    format!("every service account in every namespace matching `{ns}`"),
                )),
                (false, true) => Some((
                    Severity::Note,
                    format!("every service account in namespace `{ns}`"),
                )),
                (false, false) => None,
            }
        }
        Provider::GitHub => {
            if pattern::matches(
                value,
                "repo:iamchain-owner/iamchain-repo:ref:refs/heads/main",
            ) {
                return all("every repository of every GitHub user and organization");
            }
            let rest = value.strip_prefix("repo:")?;
            let (owner, rest) = rest.split_once('/').unwrap_or((rest, ""));
            if pattern::has_wildcard(owner) {
                return all(&format!(
                    "repositories of any GitHub owner matching `{owner}`, which anyone can register"
                ));
            }
            let (repo, qualifier) = rest.split_once(':').unwrap_or((rest, ""));
            if pattern::has_wildcard(repo) {
                let which = if repo == "*" {
                    format!("every repository of `{owner}`")
                } else {
                    format!("every repository of `{owner}` matching `{repo}`")
                };
                return Some((Severity::Warning, which));
            }
            pattern::has_wildcard(qualifier).then(|| {
                (
                    Severity::Note,
                    format!("every branch, tag, environment and pull request of `{owner}/{repo}` matching `{qualifier}`"),
                )
            })
        }
        Provider::GitLab => {
            if pattern::matches(
                value,
                "project_path:iamchain-group/iamchain-project:ref_type:branch:ref:main",
            ) {
                return all("every project of every GitLab group and user");
            }
            let rest = value.strip_prefix("project_path:")?;
            let (path, qualifier) = rest.split_once(':').unwrap_or((rest, ""));
            let top = path.split('/').next().unwrap_or("");
            if path.contains('/') && pattern::has_wildcard(top) {
                return all(&format!("projects of any GitLab group matching `{path}`"));
            }
            if pattern::has_wildcard(path) {
                return Some((
                    Severity::Warning,
                    format!("every project matching `{path}`"),
                ));
            }
            pattern::has_wildcard(qualifier).then(|| {
                (
                    Severity::Note,
                    format!("every branch and tag of `{path}` matching `{qualifier}`"),
                )
            })
        }
        Provider::TerraformCloud => {
            if pattern::matches(
                value,
                "organization:iamchain-org:project:p:workspace:w:run_phase:apply",
            ) {
                return all("every workspace of every Terraform Cloud organization");
            }
            let parts: Vec<&str> = value.split(':').collect();
            let field = |name: &str| {
                parts
                    .iter()
                    .position(|p| *p == name)
                    .and_then(|i| parts.get(i + 1))
                    .copied()
            };
            if field("organization").is_none_or(pattern::has_wildcard) {
                return all("workspaces of any Terraform Cloud organization");
            }
            let wide = ["project", "workspace"]
                .iter()
                .any(|f| field(f).is_none_or(pattern::has_wildcard));
            Some(if wide {
                (
                    Severity::Warning,
                    "every workspace matching it in the organization".to_string(),
                )
            } else {
                (
                    Severity::Note,
                    "every run phase of the workspace".to_string(),
                )
            })
        }
        Provider::CircleCi => {
            let parts: Vec<&str> = value.split('/').collect();
            let project = parts
                .iter()
                .position(|p| *p == "project")
                .and_then(|i| parts.get(i + 1));
            Some(match project {
                Some(p) if !pattern::has_wildcard(p) => (
                    Severity::Note,
                    format!("every user and job of project `{p}`"),
                ),
                _ => (
                    Severity::Warning,
                    "every project of the CircleCI organization".to_string(),
                ),
            })
        }
        Provider::Octopus => {
            let parts: Vec<&str> = value.split(':').collect();
            let field = |name: &str| {
                parts
                    .iter()
                    .position(|p| *p == name)
                    .and_then(|i| parts.get(i + 1))
                    .copied()
            };
            if field("space").is_none_or(pattern::has_wildcard) {
                return Some((
                    Severity::Warning,
                    "every space of the Octopus server".to_string(),
                ));
            }
            if ["project", "account", "runbook"]
                .iter()
                .filter_map(|f| field(f))
                .any(pattern::has_wildcard)
                || (field("project").is_none()
                    && field("account").is_none()
                    && field("runbook").is_none())
            {
                return Some((
                    Severity::Warning,
                    "every project of the Octopus space".to_string(),
                ));
            }
            Some((
                Severity::Note,
                match field("project") {
                    Some(p) => {
                        format!("every environment of Octopus project `{p}`, production included")
                    }
                    None => "every environment of the Octopus project".to_string(),
                },
            ))
        }
        Provider::Bitbucket | Provider::WebIdentity | Provider::Generic => {
            if pattern::matches(value, "iamchain-any-subject") {
                Some((
                    Severity::Warning,
                    format!(
                        "every identity the {} provider issues tokens for",
                        provider.name()
                    ),
                ))
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::json;
    use crate::policy::Policy;
    use crate::policy::document::{self, PolicyKind};
    use crate::source::SourceId;

    const GITHUB: &str = "token.actions.githubusercontent.com";
    const GITHUB_ARN: &str =
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        crate::policy::condition::test_condition(op, key, values)
    }

    fn trust(statements: &str) -> Policy {
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
        let node = json::parse(&text, SourceId(0)).expect("valid JSON");
        let built = document::build(&node, PolicyKind::Trust);
        assert!(built.problems.is_empty(), "{:?}", built.problems);
        built.policy
    }

    /// An Allow for GitHub's tokens with `conditions`.
    fn allow(conditions: &str) -> String {
        format!(
            r#"{{"Effect": "Allow", "Principal": {{"Federated": "{GITHUB_ARN}"}},
                "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {conditions}}}"#
        )
    }

    /// The statements the OIDC rules read: an Allow of the web-identity
    /// action (named, by a wildcard, or left out of a `NotAction`) that
    /// names a principal; not a Deny, another action, or a statement that
    /// names none (an identity policy's) or only excludes (`NotPrincipal`).
    #[test]
    fn allows_web_identity_needs_an_allow_of_the_action_to_a_named_principal() {
        let p = format!(r#""Principal": {{"Federated": "{GITHUB_ARN}"}}"#);
        let cases = [
            (format!(r#"{{"Effect": "Allow", {p}, "Action": "sts:AssumeRoleWithWebIdentity"}}"#), true),
            (format!(r#"{{"Effect": "Allow", {p}, "Action": "sts:AssumeRoleWith*"}}"#), true),
            (format!(r#"{{"Effect": "Allow", {p}, "NotAction": "sts:AssumeRole"}}"#), true),
            (format!(r#"{{"Effect": "Deny", {p}, "Action": "sts:AssumeRoleWithWebIdentity"}}"#), false),
            (format!(r#"{{"Effect": "Allow", {p}, "Action": "sts:AssumeRole"}}"#), false),
            (format!(r#"{{"Effect": "Allow", {p}, "NotAction": "sts:AssumeRoleWithWebIdentity"}}"#), false),
            (r#"{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Resource": "*"}"#.to_string(), false),
            (format!(r#"{{"Effect": "Allow", "NotPrincipal": {{"Federated": "{GITHUB_ARN}"}}, "Action": "sts:AssumeRoleWithWebIdentity"}}"#), false),
        ];
        for (statement, want) in cases {
            let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#);
            let node = json::parse(&text, SourceId(0)).expect("valid JSON");
            let built = document::build(&node, PolicyKind::Trust);
            assert_eq!(
                allows_web_identity(&built.policy.statements[0]),
                want,
                "{statement}"
            );
        }
    }

    #[test]
    fn only_positive_operators_with_a_narrow_value_pin_a_claim() {
        let sub = "token.actions.githubusercontent.com:sub";
        let pins = |op: &str, values: &[&str]| pins_claim(&cond(op, sub, values));
        let repo = "repo:acme/infra:ref:refs/heads/main";
        for op in [
            "StringEquals",
            "StringLike",
            "StringEqualsIgnoreCase",
            "StringEqualsIfExists",
            "ForAnyValue:StringLike",
            "ForAllValues:StringEquals",
        ] {
            assert!(pins(op, &[repo]), "{op}");
        }
        assert!(pins("StringLike", &["repo:acme/*"]));
        // The negated forms exclude what they list and admit the rest.
        for op in [
            "StringNotEquals",
            "StringNotLike",
            "StringNotEqualsIgnoreCase",
            "StringNotLikeIfExists",
            "ForAllValues:StringNotLike",
            "ForAnyValue:StringNotEquals",
        ] {
            assert!(!pins(op, &["repo:evil/*"]), "{op}");
        }
        // A pattern that matches every value admits everything, even beside
        // a narrow one (one value matching is enough).
        for pattern in ["*", "**", "?*", "*?"] {
            assert!(!pins("StringLike", &[pattern]), "{pattern}");
            assert!(!pins("ForAnyValue:StringLike", &[pattern]), "{pattern}");
        }
        assert!(!pins("StringLike", &[repo, "*"]));
        // `*` is literal under `StringEquals`: a broken trust, not an open one.
        assert!(pins("StringEquals", &["*"]));
        assert!(!pins("Null", &["false"]));
        assert!(!pins("StringEquals", &[]));
    }

    #[test]
    fn patterns_that_match_every_claim() {
        for p in ["*", "***", "?*", "*?*"] {
            assert!(matches_every_claim(p), "{p}");
        }
        for p in ["", "?", "??", "repo:*", "*:aud", "sts.amazonaws.com"] {
            assert!(!matches_every_claim(p), "{p}");
        }
    }

    #[test]
    fn a_subject_that_matches_everything_is_a_wildcard_finding_for_every_provider() {
        // `oidc-trust-without-subject` leaves `StringLike` `*` to
        // `oidc-subject-wildcard`: that rule must report it for every family.
        for provider in [
            Provider::Eks,
            Provider::GitHub,
            Provider::GitLab,
            Provider::TerraformCloud,
            Provider::Bitbucket,
            Provider::CircleCi,
            Provider::Octopus,
            Provider::WebIdentity,
            Provider::Generic,
        ] {
            for p in ["*", "**", "?*"] {
                assert!(subject_breadth(provider, p).is_some(), "{provider:?} {p}");
            }
        }
    }

    #[test]
    fn claim_under_another_issuer_counts_only_when_positive() {
        let p = trust(&allow(
            r#"{"StringEquals": {"https://token.actions.githubusercontent.com:sub": "repo:a/b:ref:refs/heads/main"}}"#,
        ));
        assert!(claim_under_other_issuer(&p.statements[0], GITHUB, "sub"));
        assert!(!claim_under_other_issuer(&p.statements[0], GITHUB, "aud"));
        let p = trust(&allow(
            r#"{"StringNotEquals": {"https://token.actions.githubusercontent.com:sub": "repo:a/b:ref:refs/heads/main"}}"#,
        ));
        assert!(!claim_under_other_issuer(&p.statements[0], GITHUB, "sub"));
        // The issuer's own key is not another issuer's.
        let p = trust(&allow(
            r#"{"StringEquals": {"Token.Actions.GithubUserContent.com:SUB": "repo:a/b:ref:refs/heads/main"}}"#,
        ));
        assert!(!claim_under_other_issuer(&p.statements[0], GITHUB, "sub"));
    }

    #[test]
    fn a_deny_on_every_other_subject_pins_it() {
        let aud =
            r#"{"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}"#;
        let pinned = |deny: &str| {
            let p = trust(&format!("{}, {deny}", allow(aud)));
            denied_unless_claim(&p.statements, GITHUB_ARN, GITHUB, "sub")
        };
        let deny = |principal: &str, action: &str, conditions: &str| {
            format!(
                r#"{{"Effect": "Deny", "Principal": {principal}, "Action": "{action}", "Condition": {conditions}}}"#
            )
        };
        let not_main = r#"{"StringNotEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main"}}"#;
        assert!(pinned(&deny(
            r#""*""#,
            "sts:AssumeRoleWithWebIdentity",
            not_main
        )));
        assert!(pinned(&deny(
            &format!(r#"{{"Federated": "{GITHUB_ARN}"}}"#),
            "sts:*",
            not_main
        )));
        assert!(pinned(&deny(
            r#""*""#,
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringNotLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}"#
        )));
        // Another provider's tokens, another action, another claim.
        assert!(!pinned(&deny(
            r#"{"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.com"}"#,
            "sts:AssumeRoleWithWebIdentity",
            not_main
        )));
        assert!(!pinned(&deny(r#""*""#, "sts:AssumeRole", not_main)));
        assert!(!pinned(&deny(
            r#""*""#,
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringNotEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}"#
        )));
        // Denying a few subjects, or every subject but `*`, pins nothing.
        assert!(!pinned(&deny(
            r#""*""#,
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:evil/x:ref:refs/heads/main"}}"#
        )));
        assert!(!pinned(&deny(
            r#""*""#,
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringNotLike": {"token.actions.githubusercontent.com:sub": "*"}}"#
        )));
        // A second condition narrows the Deny to the tokens that meet it.
        assert!(!pinned(&deny(
            r#""*""#,
            "sts:AssumeRoleWithWebIdentity",
            r#"{"StringNotEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main"},
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}"#
        )));
        // An Allow never pins by excluding.
        let p = trust(&allow(not_main));
        assert!(!denied_unless_claim(
            &p.statements,
            GITHUB_ARN,
            GITHUB,
            "sub"
        ));
    }

    #[test]
    fn providers_from_arns() {
        assert_eq!(
            classify("arn:aws:iam::1:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"),
            Federation::Oidc {
                issuer: "oidc.eks.eu-west-1.amazonaws.com/id/ABC",
                provider: Provider::Eks
            }
        );
        assert_eq!(
            classify("arn:aws:iam::1:saml-provider/Okta"),
            Federation::Saml
        );
        assert_eq!(
            provider_of("token.actions.githubusercontent.com"),
            Provider::GitHub
        );
        assert_eq!(provider_of("example.octopus.app"), Provider::Octopus);
        assert_eq!(provider_of("oidc.circleci.com/org/123"), Provider::CircleCi);
        assert_eq!(provider_of("accounts.google.com"), Provider::WebIdentity);
        assert_eq!(provider_of("auth.example.com"), Provider::Generic);
    }

    #[test]
    fn claim_keys_need_a_host_like_prefix() {
        assert_eq!(
            claim_key("oidc.eks.r.amazonaws.com/id/X:sub"),
            Some(("oidc.eks.r.amazonaws.com/id/X", "sub"))
        );
        assert_eq!(claim_key("aws:SourceAccount"), None);
        assert_eq!(
            claim_key("https://gitlab.com:aud"),
            Some(("https://gitlab.com", "aud"))
        );
    }

    #[test]
    fn subject_breadth_per_provider() {
        let sev = |p, v| subject_breadth(p, v).map(|(s, _)| s);
        assert_eq!(
            sev(Provider::Eks, "system:serviceaccount:*:*"),
            Some(Severity::Error)
        );
        assert_eq!(
            sev(Provider::Eks, "system:serviceaccount:*"),
            Some(Severity::Error)
        );
        assert_eq!(
            sev(Provider::Eks, "system:serviceaccount:deploy:*"),
            Some(Severity::Note)
        );
        assert_eq!(
            sev(Provider::Eks, "system:serviceaccount:*:deployer"),
            Some(Severity::Warning)
        );
        assert_eq!(sev(Provider::Eks, "system:serviceaccount:deploy:app"), None);
        assert_eq!(sev(Provider::GitHub, "repo:*"), Some(Severity::Error));
        assert_eq!(
            sev(Provider::GitHub, "repo:acme*/infra:*"),
            Some(Severity::Error)
        );
        assert_eq!(
            sev(Provider::GitHub, "repo:acme/*"),
            Some(Severity::Warning)
        );
        assert_eq!(
            sev(Provider::GitHub, "repo:acme/infra:*"),
            Some(Severity::Note)
        );
        assert_eq!(
            sev(
                Provider::Octopus,
                "space:default:project:aws-oidc-testing:environment:*"
            ),
            Some(Severity::Note)
        );
        assert_eq!(sev(Provider::Octopus, "space:*"), Some(Severity::Warning));
        assert_eq!(
            sev(Provider::TerraformCloud, "organization:*"),
            Some(Severity::Error)
        );
        assert_eq!(sev(Provider::Generic, "*"), Some(Severity::Warning));
        assert_eq!(sev(Provider::Generic, "team-*"), None);
    }
}
