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
