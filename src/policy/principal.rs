//! Principals as policies name them: `"*"`, `{"AWS": …}`, `{"Service": …}`,
//! `{"Federated": …}` and `{"CanonicalUser": …}`.
//!
//! A bare account id in `AWS` means the same as `arn:aws:iam::ID:root`: the
//! whole account, i.e. every principal there whose own IAM policies allow the
//! action — not "anyone", and not only the root user
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts>).

use crate::policy::arn::{self, Arn};

/// The key a principal was given under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalType {
    /// `"Principal": "*"`.
    Star,
    /// `AWS`: accounts, roles, users, sessions.
    Aws,
    /// `Service`: an AWS service such as `pods.eks.amazonaws.com`.
    Service,
    /// `Federated`: an OIDC or SAML provider, or `cognito-identity.amazonaws.com`.
    Federated,
    /// `CanonicalUser`: an S3 canonical user id.
    CanonicalUser,
}

/// One principal value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Principal {
    /// Under which key it was given.
    pub ty: PrincipalType,
    /// The value as written.
    pub value: String,
}

/// What an `AWS` principal value designates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AwsTarget<'a> {
    /// `*`: every principal of every account (and, in resource policies, anonymous callers).
    Anyone,
    /// A whole account, from a bare id or a `:root` ARN.
    Account(&'a str),
    /// A specific role, user or session ARN.
    Arn(Arn<'a>),
    /// A unique id (`AROA…`): the principal it named was deleted.
    UniqueId(&'a str),
    /// Not recognisable.
    Other(&'a str),
}

impl Principal {
    /// `"Principal": "*"`.
    pub fn any() -> Self {
        Principal {
            ty: PrincipalType::Star,
            value: "*".to_string(),
        }
    }

    /// A principal of a type.
    pub fn new(ty: PrincipalType, value: &str) -> Self {
        Principal {
            ty,
            value: value.to_string(),
        }
    }

    /// `"*"` or `{"AWS": "*"}`: everyone. Both mean the same, including
    /// anonymous callers where the service allows them.
    pub fn is_wildcard(&self) -> bool {
        matches!(self.ty, PrincipalType::Star | PrincipalType::Aws) && self.value == "*"
    }

    /// What an `AWS` (or `*`) principal designates; `None` for other types.
    pub fn aws_target(&self) -> Option<AwsTarget<'_>> {
        if !matches!(self.ty, PrincipalType::Aws | PrincipalType::Star) {
            return None;
        }
        let v = self.value.as_str();
        Some(if v == "*" {
            AwsTarget::Anyone
        } else if arn::is_account_id(v) {
            AwsTarget::Account(v)
        } else if let Some(a) = Arn::parse(v) {
            if a.is_account_root() {
                AwsTarget::Account(a.account)
            } else {
                AwsTarget::Arn(a)
            }
        } else if arn::is_unique_id(v) {
            AwsTarget::UniqueId(v)
        } else {
            AwsTarget::Other(v)
        })
    }

    /// The account a principal belongs to, when it names one.
    pub fn account(&self) -> Option<&str> {
        match self.aws_target()? {
            AwsTarget::Account(a) => Some(a),
            AwsTarget::Arn(a) => Some(a.account),
            _ => None,
        }
    }
}

impl std::fmt::Display for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ty {
            PrincipalType::Star => f.write_str("*"),
            _ => f.write_str(&self.value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_account_id_is_the_whole_account() {
        let p = Principal::new(PrincipalType::Aws, "111111111111");
        assert_eq!(p.aws_target(), Some(AwsTarget::Account("111111111111")));
        let root = Principal::new(PrincipalType::Aws, "arn:aws:iam::111111111111:root");
        assert_eq!(root.aws_target(), Some(AwsTarget::Account("111111111111")));
        assert!(!p.is_wildcard());
    }

    #[test]
    fn aws_star_and_star_are_both_everyone() {
        assert!(Principal::any().is_wildcard());
        assert!(Principal::new(PrincipalType::Aws, "*").is_wildcard());
        assert!(!Principal::new(PrincipalType::Service, "*").is_wildcard());
    }

    #[test]
    fn unique_ids_are_recognised() {
        let p = Principal::new(PrincipalType::Aws, "AROAEXAMPLEID1234567");
        assert_eq!(
            p.aws_target(),
            Some(AwsTarget::UniqueId("AROAEXAMPLEID1234567"))
        );
    }

    #[test]
    fn role_arn_keeps_account() {
        let p = Principal::new(PrincipalType::Aws, "arn:aws:iam::222222222222:role/R");
        assert_eq!(p.account(), Some("222222222222"));
        assert!(
            Principal::new(PrincipalType::Service, "ec2.amazonaws.com")
                .aws_target()
                .is_none()
        );
    }
}
