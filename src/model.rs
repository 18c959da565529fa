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
