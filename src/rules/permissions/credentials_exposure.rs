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

use crate::diagnostic::Severity;
use crate::rules::permissions::every_resource::{Listed, ListedRule, Wording};
use crate::rules::{Category, RuleMeta};

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

/// The rule: [`ACTIONS`] allowed on every resource, worded as below.
pub(crate) static CREDENTIALS_EXPOSURE: ListedRule = ListedRule {
    meta: &META,
    listed: Listed::new(ACTIONS),
    wording: Wording {
        one: "returns",
        many: "return other identities' or resources' credentials",
        help: "name the resources whose credentials this principal needs",
        label: "returns credentials",
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_in_the_catalog_as_spelled() {
        crate::rules::permissions::every_resource::assert_in_catalog(&CREDENTIALS_EXPOSURE.listed);
    }
}
