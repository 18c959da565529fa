//! `credentials-exposure`: an identity policy allows, on every resource, an
//! action whose response hands out a credential of another identity or
//! resource: a database user's password, an instance's administrator
//! password or SSH key, a user's service-specific password, an API key.
//!
//! The list ([`ACTIONS`]) starts from the one cloudsplaining and checkov
//! (CKV_AWS_107) use and keeps only what the response of a policy-governed
//! call carries for *others*. Left out, each for a reason: tokens that
//! carry only the caller's own permissions (`ecr:GetAuthorizationToken`,
//! `codeartifact:GetAuthorizationToken`, `sts:GetFederationToken`,
//! `redshift:GetClusterCredentialsWithIAM`,
//! `redshift-serverless:GetCredentials`); calls no identity policy governs
//! (`sts:GetSessionToken`, `sts:AssumeRoleWithSAML`,
//! `sts:AssumeRoleWithWebIdentity`, `sso:GetRoleCredentials`, the public
//! Cognito identity calls); calls another rule reports (`sts:AssumeRole`:
//! `assume-role-any-resource`; `iam:CreateAccessKey` and
//! `iam:CreateLoginProfile` on other users: `privilege-escalation`); calls
//! that return no credential (`iam:UpdateAccessKey` changes a key's status,
//! `cognito-idp:GetSigningCertificate` returns a public certificate).

use crate::catalog::{self, Action};
use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{PolicyKind, Statement, pattern};
use crate::rules::expansion::plural;
use crate::rules::permissions::{grants, is_every_action, scopes_resources};
use crate::rules::{Category, Context, Rule, RuleMeta};
use crate::source::Span;

pub(crate) struct CredentialsExposure;

static META: RuleMeta = RuleMeta {
    name: "credentials-exposure",
    category: Category::Permissions,
    default_severity: Severity::Warning,
    summary: "actions that return other identities' or resources' credentials are allowed on every resource",
    docs: include_str!("../../../rules/credentials-exposure.md"),
};

/// The actions, as the catalog spells them, with what their response
/// carries.
const ACTIONS: &[(&str, &str)] = &[
    (
        "airflow:CreateCliToken",
        "Airflow CLI tokens of MWAA environments",
    ),
    (
        "airflow:CreateWebLoginToken",
        "Airflow web login tokens of MWAA environments",
    ),
    ("appsync:CreateApiKey", "API keys of AppSync APIs"),
    (
        "chime:CreateApiKey",
        "SCIM access keys of Amazon Chime accounts",
    ),
    (
        "cloud9:CreateEnvironmentToken",
        "access tokens of Cloud9 environments",
    ),
    (
        "codepipeline:PollForJobs",
        "the artifact credentials of pipeline jobs",
    ),
    (
        "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
        "OpenID tokens for any identity of an identity pool",
    ),
    (
        "connect:GetFederationToken",
        "federation tokens of Amazon Connect users",
    ),
    (
        "ec2:GetPasswordData",
        "the Windows administrator passwords of instances",
    ),
    (
        "emr-containers:GetManagedEndpointSessionCredentials",
        "session credentials of EMR managed endpoints",
    ),
    (
        "finspace-api:GetProgrammaticAccessCredentials",
        "FinSpace programmatic access credentials",
    ),
    (
        "gamelift:GetComputeAccess",
        "credentials of GameLift computes",
    ),
    (
        "gamelift:GetComputeAuthToken",
        "authentication tokens of GameLift computes",
    ),
    (
        "gamelift:GetInstanceAccess",
        "login credentials of GameLift fleet instances",
    ),
    (
        "grafana:CreateWorkspaceApiKey",
        "API keys of Grafana workspaces",
    ),
    (
        "iam:CreateServiceSpecificCredential",
        "CodeCommit and Keyspaces passwords of any user",
    ),
    (
        "iam:ResetServiceSpecificCredential",
        "new CodeCommit and Keyspaces passwords of any user",
    ),
    (
        "lightsail:CreateBucketAccessKey",
        "access keys of Lightsail buckets",
    ),
    (
        "lightsail:DownloadDefaultKeyPair",
        "the default SSH private key of Lightsail instances",
    ),
    (
        "lightsail:GetInstanceAccessDetails",
        "SSH and RDP credentials of Lightsail instances",
    ),
    (
        "lightsail:GetRelationalDatabaseMasterUserPassword",
        "the master passwords of Lightsail databases",
    ),
    (
        "mediapackage:RotateChannelCredentials",
        "new ingest credentials of MediaPackage channels",
    ),
    (
        "mediapackage:RotateIngestEndpointCredentials",
        "new ingest credentials of MediaPackage endpoints",
    ),
    (
        "rds-db:connect",
        "database logins as any database user (IAM authentication)",
    ),
    (
        "redshift:GetClusterCredentials",
        "temporary passwords of any Redshift database user",
    ),
];

/// [`ACTIONS`] looked up in the catalog, once per process.
fn actions() -> &'static [(Action, &'static str)] {
    static RESOLVED: std::sync::OnceLock<Vec<(Action, &'static str)>> = std::sync::OnceLock::new();
    RESOLVED.get_or_init(|| {
        ACTIONS
            .iter()
            .filter_map(|&(name, what)| catalog::action(name).map(|a| (a, what)))
            .collect()
    })
}

/// The resource of `statement` that is every resource `action` acts on:
/// `*`, or a pattern that matches every resource of one of its types in
/// every account (`arn:aws:redshift:*:*:dbuser:*/*`).
fn every_resource(statement: &Statement, action: Action) -> Option<Span> {
    statement
        .resources()
        .iter()
        .find(|r| {
            pattern::matches(&r.value, "*")
                || action
                    .resource_types()
                    .any(|t| pattern::matches(&r.value, t.any_arn()))
        })
        .map(|r| r.span)
}

impl Rule for CredentialsExposure {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        // Identity policies only: SCPs, RCPs and boundaries set a ceiling,
        // and a resource policy grants on its own resource. `NotAction`
        // and `NotResource` are their own rules'; a condition that scopes
        // the resources by tag or account is the intended pattern.
        if !grants(statement, policy)
            || policy.policy.kind != PolicyKind::Identity
            || statement.conditions.iter().any(scopes_resources)
        {
            return;
        }
        let mut found: Vec<(Action, &'static str)> = Vec::new();
        // The first action item that grants one, and the resource that is
        // every resource for it.
        let mut first: Option<(Span, Span)> = None;
        for item in statement.actions() {
            // `*` is admin-access's (or wildcard-action's) finding.
            if is_every_action(&item.value) {
                continue;
            }
            for &(action, what) in actions() {
                if !action.matches(&item.value) || found.iter().any(|(a, _)| *a == action) {
                    continue;
                }
                if let Some(resource) = every_resource(statement, action) {
                    found.push((action, what));
                    first.get_or_insert((item.span, resource));
                }
            }
        }
        let Some((span, resource)) = first else {
            return;
        };
        let (message, help) = match found.as_slice() {
            [(action, what)] => (
                format!("`{action}` on every resource returns {what}"),
                format!(
                    "name the resources whose credentials this principal needs, or remove `{action}`"
                ),
            ),
            many => (
                format!(
                    "{} on every resource return other identities' or resources' credentials: {}",
                    plural(many.len(), "action", "actions"),
                    many.iter()
                        .map(|(a, what)| format!("{a} ({what})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "name the resources whose credentials this principal needs, or remove these actions"
                    .to_string(),
            ),
        };
        // A resource a template leaves open (a parameter without a value)
        // is read as `*`: the message says what was assumed, as it would
        // were the finding on the resource itself.
        let message = match cx.assumption_at(resource) {
            Some(a) if !message.contains(&a.text) => format!("{message}, assuming {}", a.text),
            _ => message,
        };
        cx.report(span, message)
            .label("returns credentials")
            .related(resource, "every resource")
            .help(help);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_in_the_catalog_as_spelled() {
        for (name, _) in ACTIONS {
            let a = catalog::action(name).unwrap_or_else(|| panic!("{name} not in catalog"));
            assert_eq!(a.full_name(), *name, "canonical spelling");
        }
        assert_eq!(actions().len(), ACTIONS.len());
    }
}
