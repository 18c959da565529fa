//! IAM principals as the inputs define them: roles, users and groups with
//! the policies they hold, and the accounts and environments they live in.
//!
//! Loaders that know who holds a policy (CloudFormation, StackSet
//! instances, account exports, `aws iam get-role` output) put an
//! [`IamPrincipal`] on the [`crate::load::Document`]; bare policy files are
//! grouped by directory instead (see [`crate::principals`]). The principal
//! graph and the chain rules start from here.

use crate::source::{Span, Spanned};

/// What kind of IAM identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalKind {
    /// An IAM role.
    Role,
    /// An IAM user.
    User,
    /// An IAM group.
    Group,
}

impl PrincipalKind {
    /// Lowercase name for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Role => "role",
            PrincipalKind::User => "user",
            PrincipalKind::Group => "group",
        }
    }
}

/// A role, user or group and everything attached to it.
#[derive(Clone, Debug, PartialEq)]
pub struct IamPrincipal {
    /// Role, user or group.
    pub kind: PrincipalKind,
    /// Its name (`RoleName`), with where it was written; for CloudFormation
    /// resources without a name, the logical id.
    pub name: Spanned<String>,
    /// Its ARN when it can be known (`arn:aws:iam::ACCOUNT:role/PATH/NAME`).
    pub arn: Option<String>,
    /// The account it lives in, when known.
    pub account: Option<String>,
    /// The IAM path (`/` when none).
    pub path: String,
    /// Index into the document's `policies` of its trust policy (roles).
    pub trust: Option<usize>,
    /// Indices into the document's `policies` of the identity policies it
    /// holds (inline, and customer managed ones defined in the same input).
    pub policies: Vec<usize>,
    /// Managed policy ARNs attached to it (AWS or customer managed), as written.
    pub managed: Vec<Spanned<String>>,
    /// Permissions boundary ARN.
    pub boundary: Option<Spanned<String>>,
    /// `MaxSessionDuration` in seconds (roles).
    pub max_session_duration: Option<Spanned<u32>>,
    /// Groups a user is a member of (names).
    pub groups: Vec<Spanned<String>>,
    /// The whole definition (a CloudFormation resource, an export entry).
    pub span: Span,
    /// Which instantiation this is, for messages: "stack instance
    /// 333333333333 (prod)"; `None` for plain inputs.
    pub origin: Option<String>,
    /// When it was last used, as the export says (`RoleLastUsed`): an empty
    /// string for never; `None` when the input does not say.
    pub last_used: Option<String>,
}

/// The environment an account belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Environment {
    /// Development.
    Dev,
    /// Staging / pre-production.
    Staging,
    /// Production.
    Prod,
    /// The organization's management account (SCPs never apply to it).
    Management,
    /// Anything else (shared services, tooling, sandbox, …).
    Other,
}

impl Environment {
    /// Parse a config value.
    pub fn parse(text: &str) -> Option<Environment> {
        match text.to_ascii_lowercase().as_str() {
            "dev" | "development" => Some(Environment::Dev),
            "staging" | "stage" | "preprod" | "pre-prod" | "qa" | "test" => {
                Some(Environment::Staging)
            }
            "prod" | "production" | "prd" => Some(Environment::Prod),
            "management" | "mgmt" | "master" => Some(Environment::Management),
            "other" | "shared" | "tooling" | "sandbox" => Some(Environment::Other),
            _ => None,
        }
    }

    /// Guess from an account name when the config does not say: names that
    /// contain `prod`, `production` or `prd` as a word are Prod, and so on.
    pub fn guess_from_name(name: &str) -> Option<Environment> {
        let lower = name.to_ascii_lowercase();
        lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .find_map(|w| match w {
                "prod" | "production" | "prd" => Some(Environment::Prod),
                "staging" | "stage" | "stg" | "preprod" => Some(Environment::Staging),
                "dev" | "development" => Some(Environment::Dev),
                "management" | "mgmt" | "master" | "root" => Some(Environment::Management),
                _ => None,
            })
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Dev => "dev",
            Environment::Staging => "staging",
            Environment::Prod => "prod",
            Environment::Management => "management",
            Environment::Other => "other",
        }
    }
}

/// IAM-adjacent resources a template defines besides principals and
/// policies: what the EKS, credential and organization rules read. Filled by
/// [`crate::load::cloudformation`]; empty for other inputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resources {
    /// `AWS::Organizations::Policy` SCPs and RCPs.
    pub org_policies: Vec<OrgPolicy>,
    /// `AWS::IAM::AccessKey`.
    pub access_keys: Vec<AccessKey>,
    /// `AWS::IAM::User` `LoginProfile`s (console passwords).
    pub login_profiles: Vec<LoginProfile>,
    /// `AWS::IAM::InstanceProfile`.
    pub instance_profiles: Vec<InstanceProfile>,
    /// `AWS::IAM::OIDCProvider`.
    pub oidc_providers: Vec<OidcProvider>,
    /// `AWS::EKS::Cluster`.
    pub eks_clusters: Vec<EksCluster>,
    /// `AWS::EKS::AccessEntry`.
    pub eks_access_entries: Vec<EksAccessEntry>,
    /// `AWS::EKS::PodIdentityAssociation`.
    pub eks_pod_identities: Vec<EksPodIdentity>,
    /// `AWS::EC2::LaunchTemplate` `MetadataOptions`.
    pub launch_templates: Vec<LaunchTemplateMetadata>,
}

/// An SCP or RCP with the roots, OUs or accounts it is attached to.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgPolicy {
    /// `Name`, or the logical id.
    pub name: Spanned<String>,
    /// Index into the document's `policies` of its content.
    pub policy: usize,
    /// `TargetIds`, as evaluated.
    pub target_ids: Vec<Spanned<String>>,
    /// The whole resource.
    pub span: Span,
}

/// A stored access key for a user.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessKey {
    /// The logical id.
    pub logical_id: Spanned<String>,
    /// `UserName`, as evaluated.
    pub user: Option<Spanned<String>>,
    /// `Status` (`Active` when absent).
    pub status: Option<Spanned<String>>,
    /// The account, when known.
    pub account: Option<String>,
    /// Which instantiation, for messages.
    pub origin: Option<String>,
    /// The whole resource.
    pub span: Span,
}

/// A user's console password.
#[derive(Clone, Debug, PartialEq)]
pub struct LoginProfile {
    /// Index into the document's `principals` of the user.
    pub user: usize,
    /// The `LoginProfile` property.
    pub span: Span,
}

/// An instance profile and the roles in it.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceProfile {
    /// `InstanceProfileName`, or the logical id.
    pub name: Spanned<String>,
    /// `Roles`, as evaluated (names).
    pub roles: Vec<Spanned<String>>,
    /// The whole resource.
    pub span: Span,
}

/// An IAM OIDC identity provider.
#[derive(Clone, Debug, PartialEq)]
pub struct OidcProvider {
    /// `Url`.
    pub url: Option<Spanned<String>>,
    /// `ClientIdList` (audiences).
    pub client_ids: Vec<Spanned<String>>,
    /// `ThumbprintList`.
    pub thumbprints: Vec<Spanned<String>>,
    /// The whole resource.
    pub span: Span,
}

/// An EKS cluster's access configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct EksCluster {
    /// `Name`, or the logical id.
    pub name: Spanned<String>,
    /// `AccessConfig.AuthenticationMode` (`CONFIG_MAP`, `API`, `API_AND_CONFIG_MAP`).
    pub authentication_mode: Option<Spanned<String>>,
    /// `AccessConfig.BootstrapClusterCreatorAdminPermissions`.
    pub bootstrap_creator_admin: Option<Spanned<String>>,
    /// `RoleArn` (the cluster service role).
    pub role_arn: Option<Spanned<String>>,
    /// `ResourcesVpcConfig.EndpointPublicAccess`.
    pub endpoint_public_access: Option<Spanned<String>>,
    /// `ResourcesVpcConfig.PublicAccessCidrs`.
    pub public_access_cidrs: Vec<Spanned<String>>,
    /// The whole resource.
    pub span: Span,
}

/// An EKS access entry and its access policies.
#[derive(Clone, Debug, PartialEq)]
pub struct EksAccessEntry {
    /// `ClusterName`.
    pub cluster: Option<Spanned<String>>,
    /// `PrincipalArn`.
    pub principal_arn: Option<Spanned<String>>,
    /// `Type` (`STANDARD` when absent).
    pub kind: Option<Spanned<String>>,
    /// `Username`.
    pub username: Option<Spanned<String>>,
    /// `KubernetesGroups`.
    pub kubernetes_groups: Vec<Spanned<String>>,
    /// `AccessPolicies`.
    pub access_policies: Vec<EksAccessPolicy>,
    /// The whole resource.
    pub span: Span,
}

/// One access policy of an access entry.
#[derive(Clone, Debug, PartialEq)]
pub struct EksAccessPolicy {
    /// `PolicyArn` (`arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`).
    pub policy_arn: Option<Spanned<String>>,
    /// `AccessScope.Type` (`cluster` or `namespace`).
    pub scope: Option<Spanned<String>>,
    /// `AccessScope.Namespaces`.
    pub namespaces: Vec<Spanned<String>>,
    /// The whole entry.
    pub span: Span,
}

/// An EKS Pod Identity association.
#[derive(Clone, Debug, PartialEq)]
pub struct EksPodIdentity {
    /// `ClusterName`.
    pub cluster: Option<Spanned<String>>,
    /// `Namespace`.
    pub namespace: Option<Spanned<String>>,
    /// `ServiceAccount`.
    pub service_account: Option<Spanned<String>>,
    /// `RoleArn`.
    pub role_arn: Option<Spanned<String>>,
    /// The whole resource.
    pub span: Span,
}

/// The instance metadata options of a launch template.
#[derive(Clone, Debug, PartialEq)]
pub struct LaunchTemplateMetadata {
    /// `LaunchTemplateName`, or the logical id.
    pub name: Spanned<String>,
    /// `LaunchTemplateData.MetadataOptions.HttpTokens` (`optional` when absent: IMDSv1 allowed).
    pub http_tokens: Option<Spanned<String>>,
    /// `…HttpPutResponseHopLimit`.
    pub hop_limit: Option<Spanned<String>>,
    /// `…HttpEndpoint`.
    pub http_endpoint: Option<Spanned<String>>,
    /// The `MetadataOptions` object, or the whole resource when absent.
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_from_names_match_whole_words() {
        assert_eq!(
            Environment::guess_from_name("acme-prod"),
            Some(Environment::Prod)
        );
        assert_eq!(
            Environment::guess_from_name("Production EU"),
            Some(Environment::Prod)
        );
        assert_eq!(Environment::guess_from_name("product-analytics"), None);
        assert_eq!(Environment::guess_from_name("dev"), Some(Environment::Dev));
        assert_eq!(Environment::parse("PROD"), Some(Environment::Prod));
    }
}

/// The organization, from `describe-organization`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Organization {
    /// `o-…`.
    pub id: Option<Spanned<String>>,
    /// The management account, where SCPs never apply.
    pub management_account: Option<Spanned<String>>,
}

/// What an organization node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrgNodeKind {
    /// The root (`r-…`).
    Root,
    /// An organizational unit (`ou-…`).
    OrganizationalUnit,
    /// A member account.
    Account,
}

/// A root, OU or account of the organization tree.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgNode {
    /// Its id, where it was written.
    pub id: Spanned<String>,
    /// What it is.
    pub kind: OrgNodeKind,
    /// Its name (an account's name says its environment when the config does not).
    pub name: Option<String>,
    /// Its parent's id, when the export says.
    pub parent: Option<String>,
    /// `ACTIVE`, `SUSPENDED`, … for accounts.
    pub status: Option<String>,
}

/// An SCP or RCP attached to a root, OU or account.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyTarget {
    /// The policy id (`p-…`, or `p-FullAWSAccess`).
    pub policy: String,
    /// The target id, where the attachment was written.
    pub target: Spanned<String>,
    /// Whether this comes from a complete listing of the target's policies
    /// (`list-policies-for-target`), so that a policy not listed is known
    /// not to be attached there.
    pub complete: bool,
}

// ---------------------------------------------------------------------------
// EKS: how Kubernetes identities and IAM principals map onto each other.
//
// Loaders for Kubernetes manifests and EKS CLI output fill these; the
// CloudFormation loader maps `AWS::EKS::AccessEntry`,
// `AWS::EKS::PodIdentityAssociation` and `AWS::EC2::LaunchTemplate` onto
// the same structs, so the rules read one shape whatever the input.
// ---------------------------------------------------------------------------

/// Which list of the `aws-auth` ConfigMap an entry is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AwsAuthSection {
    /// `data.mapRoles`: IAM roles (`rolearn`).
    MapRoles,
    /// `data.mapUsers`: IAM users (`userarn`).
    MapUsers,
    /// `data.mapAccounts`: whole accounts.
    MapAccounts,
}

impl AwsAuthSection {
    /// The key as written in the ConfigMap.
    pub fn key(self) -> &'static str {
        match self {
            AwsAuthSection::MapRoles => "mapRoles",
            AwsAuthSection::MapUsers => "mapUsers",
            AwsAuthSection::MapAccounts => "mapAccounts",
        }
    }

    /// The key naming the ARN in an entry (`rolearn`, `userarn`).
    pub fn arn_key(self) -> &'static str {
        match self {
            AwsAuthSection::MapRoles => "rolearn",
            AwsAuthSection::MapUsers => "userarn",
            AwsAuthSection::MapAccounts => "",
        }
    }
}

/// One entry of `mapRoles` or `mapUsers`: an IAM role or user that becomes
/// a Kubernetes user in these groups. Spans point into the file that holds
/// the ConfigMap, inside the embedded YAML string.
#[derive(Clone, Debug, PartialEq)]
pub struct AwsAuthMapping {
    /// `mapRoles` or `mapUsers`.
    pub section: AwsAuthSection,
    /// `rolearn` / `userarn`.
    pub arn: Option<Spanned<String>>,
    /// `username` (may hold `{{SessionName}}`-style placeholders).
    pub username: Option<Spanned<String>>,
    /// `groups`.
    pub groups: Vec<Spanned<String>>,
    /// Keys the authenticator does not know (`group`, `role_arn`), as written.
    pub unknown_keys: Vec<Spanned<String>>,
    /// The whole entry.
    pub span: Span,
}

impl AwsAuthMapping {
    /// Whether the entry puts its principal in `group`.
    pub fn has_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g.value == group)
    }
}

/// A problem inside the YAML strings of an `aws-auth` ConfigMap (reported by
/// `aws-auth-invalid`): what the authenticator would reject or ignore.
#[derive(Clone, Debug, PartialEq)]
pub struct AwsAuthProblem {
    /// Where, inside the embedded string.
    pub span: Span,
    /// What is wrong, lowercase.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// The `kube-system/aws-auth` ConfigMap: which IAM principals are which
/// Kubernetes users.
#[derive(Clone, Debug, PartialEq)]
pub struct AwsAuth {
    /// `metadata.name` (`aws-auth`), where findings about the whole map point.
    pub name: Span,
    /// The whole ConfigMap object.
    pub span: Span,
    /// Whether it is a whole ConfigMap (`apiVersion` and `kind` given), not
    /// a `kubectl patch` fragment that only touches some keys.
    pub complete: bool,
    /// The `mapRoles` key, when present (even if empty or invalid).
    pub map_roles_key: Option<Span>,
    /// `mapRoles` and `mapUsers` entries, in file order.
    pub mappings: Vec<AwsAuthMapping>,
    /// `mapAccounts` entries (account ids as written).
    pub accounts: Vec<Spanned<String>>,
    /// What the authenticator would reject or ignore.
    pub problems: Vec<AwsAuthProblem>,
}

/// A Kubernetes ServiceAccount, with its IRSA annotation when it has one.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceAccount {
    /// `metadata.name`.
    pub name: Spanned<String>,
    /// `metadata.namespace`; `None` when the manifest leaves it to
    /// `kubectl -n` (then the pod's subject is not known).
    pub namespace: Option<Spanned<String>>,
    /// The `eks.amazonaws.com/role-arn` annotation.
    pub role_arn: Option<Spanned<String>>,
    /// The `eks.amazonaws.com/audience` annotation (default `sts.amazonaws.com`).
    pub audience: Option<Spanned<String>>,
    /// The whole object.
    pub span: Span,
}

/// An EKS Pod Identity association: pods of a service account on a cluster
/// get credentials for a role.
#[derive(Clone, Debug, PartialEq)]
pub struct PodIdentityAssociation {
    /// The cluster name.
    pub cluster: Option<Spanned<String>>,
    /// The namespace.
    pub namespace: Option<Spanned<String>>,
    /// The service account name.
    pub service_account: Option<Spanned<String>>,
    /// The role EKS assumes (`roleArn`; not in `list-` output).
    pub role_arn: Option<Spanned<String>>,
    /// The role then assumed in another account (`targetRoleArn`), if any.
    pub target_role_arn: Option<Spanned<String>>,
    /// The association's ARN (gives the cluster's account and region).
    pub association_arn: Option<Spanned<String>>,
    /// `disableSessionTags`: when true EKS does not call `sts:TagSession`.
    pub disable_session_tags: bool,
    /// The whole association.
    pub span: Span,
}

/// An EKS access policy associated with an access entry.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessPolicyAssociation {
    /// `policyArn` (`arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`).
    pub policy_arn: Spanned<String>,
    /// `accessScope.type`: `cluster` or `namespace`.
    pub scope_type: Option<Spanned<String>>,
    /// `accessScope.namespaces`.
    pub namespaces: Vec<Spanned<String>>,
    /// The whole association.
    pub span: Span,
}

/// An EKS access entry: an IAM principal admitted to a cluster, and the
/// access policies associated with it.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessEntry {
    /// The cluster name.
    pub cluster: Option<Spanned<String>>,
    /// The IAM principal.
    pub principal_arn: Option<Spanned<String>>,
    /// `type`: `STANDARD`, `EC2_LINUX`, `EC2_WINDOWS`, `FARGATE_LINUX`, `EC2`, …
    pub entry_type: Option<Spanned<String>>,
    /// `kubernetesGroups`.
    pub kubernetes_groups: Vec<Spanned<String>>,
    /// Associated access policies (from `list-associated-access-policies`
    /// output, or a template's `AccessPolicies`).
    pub policies: Vec<AccessPolicyAssociation>,
    /// The whole entry.
    pub span: Span,
}

impl AccessEntry {
    /// Whether the entry admits nodes (an EC2 or Fargate type, or the
    /// `system:nodes` group), which replaces the node role's aws-auth entry.
    pub fn is_node_entry(&self) -> bool {
        self.entry_type.as_ref().is_some_and(|t| {
            let t = t.value.to_ascii_uppercase();
            t.starts_with("EC2") || t.starts_with("FARGATE") || t == "HYBRID_LINUX"
        }) || self
            .kubernetes_groups
            .iter()
            .any(|g| g.value == "system:nodes")
    }
}

/// The instance metadata settings of a launch template version (nodes).
#[derive(Clone, Debug, PartialEq)]
pub struct LaunchTemplate {
    /// The template name (or id), for messages.
    pub name: Option<Spanned<String>>,
    /// The version number, for messages.
    pub version: Option<String>,
    /// `MetadataOptions.HttpTokens`: `optional` (IMDSv1 allowed) or `required`.
    pub http_tokens: Option<Spanned<String>>,
    /// `MetadataOptions.HttpPutResponseHopLimit`.
    pub hop_limit: Option<Spanned<u32>>,
    /// `MetadataOptions.HttpEndpoint`: `enabled` or `disabled`.
    pub http_endpoint: Option<Spanned<String>>,
    /// `IamInstanceProfile.Arn` or `.Name`.
    pub instance_profile: Option<Spanned<String>>,
    /// The `MetadataOptions` object, when present.
    pub metadata_options: Option<Span>,
    /// The whole `LaunchTemplateData`.
    pub span: Span,
}
