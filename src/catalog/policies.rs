//! AWS managed policies: the default version of each, by ARN or name.

use super::data::{P, POLICIES, POLICIES_BY_NAME, policy_text};

/// The default version of an AWS managed policy.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ManagedPolicy {
    /// The policy name: `AWSLambdaBasicExecutionRole`.
    pub name: &'static str,
    /// The ARN, path included:
    /// `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`.
    pub arn: &'static str,
    /// The default version id: `v1`.
    pub version: &'static str,
    /// Whether AWS has deprecated the policy. The current source package
    /// records no deprecation, so this is false for every policy; a
    /// deprecated policy AWS no longer lists is simply absent.
    pub deprecated: bool,
    /// The default version's policy document, as compact JSON in the
    /// package's key order.
    pub document: &'static str,
}

impl ManagedPolicy {
    fn from_rec(p: &'static P) -> ManagedPolicy {
        ManagedPolicy {
            name: policy_text(p.0, p.1),
            arn: policy_text(p.2, p.3),
            version: policy_text(p.4, p.5),
            document: policy_text(p.6, p.7),
            deprecated: p.8,
        }
    }

    /// The ARN's path: `/service-role/`, or `/` for most policies.
    pub fn path(&self) -> &'static str {
        let rest = self.arn.split_once(":policy").map_or("", |(_, r)| r);
        rest.get(..rest.len().saturating_sub(self.name.len()))
            .unwrap_or("/")
    }
}

/// Looks up an AWS managed policy by its exact ARN (ARNs are
/// case-sensitive; the path is part of the ARN):
/// `arn:aws:iam::aws:policy/AdministratorAccess`,
/// `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`.
/// Only the `aws` partition is in the catalog.
pub fn managed_policy(arn: &str) -> Option<ManagedPolicy> {
    POLICIES
        .binary_search_by(|p| policy_text(p.2, p.3).cmp(arn))
        .ok()
        .map(|i| ManagedPolicy::from_rec(&POLICIES[i]))
}

/// Looks up an AWS managed policy by its exact name (no path), e.g. to
/// suggest the right ARN when a path is missing or wrong.
pub fn managed_policy_by_name(name: &str) -> Option<ManagedPolicy> {
    POLICIES_BY_NAME
        .binary_search_by(|&i| {
            let p = &POLICIES[usize::from(i)];
            policy_text(p.0, p.1).cmp(name)
        })
        .ok()
        .map(|i| ManagedPolicy::from_rec(&POLICIES[usize::from(POLICIES_BY_NAME[i])]))
}

/// Every AWS managed policy, sorted by ARN.
pub fn managed_policies() -> impl ExactSizeIterator<Item = ManagedPolicy> {
    POLICIES.iter().map(ManagedPolicy::from_rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrator_access() {
        let p = managed_policy("arn:aws:iam::aws:policy/AdministratorAccess").expect("admin");
        assert_eq!(p.name, "AdministratorAccess");
        assert_eq!(p.path(), "/");
        assert!(!p.deprecated);
        let doc: serde_json::Value = serde_json::from_str(p.document).expect("json");
        let stmts = doc["Statement"].as_array().expect("statements");
        assert!(
            stmts
                .iter()
                .any(|s| s["Effect"] == "Allow" && s["Action"] == "*" && s["Resource"] == "*")
        );
    }

    #[test]
    fn lookup_with_path_and_by_name() {
        let arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
        let p = managed_policy(arn).expect("lambda basic");
        assert_eq!(p.arn, arn);
        assert_eq!(p.path(), "/service-role/");
        assert!(p.document.contains("logs:CreateLogGroup"));
        assert_eq!(
            managed_policy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"),
            None
        );
        assert_eq!(
            managed_policy_by_name("AWSLambdaBasicExecutionRole"),
            Some(p)
        );
        assert_eq!(managed_policy_by_name("NoSuchPolicy"), None);
        assert_eq!(
            managed_policy("arn:aws:iam::aws:policy/administratoraccess"),
            None
        );
    }

    #[test]
    fn every_document_is_a_policy() {
        let mut prev = "";
        for p in managed_policies() {
            assert!(prev < p.arn, "sorted by ARN");
            prev = p.arn;
            assert!(p.arn.starts_with("arn:aws:iam::aws:policy/"));
            assert!(p.arn.ends_with(p.name));
            assert!(p.version.starts_with('v'));
            assert_eq!(managed_policy(p.arn), Some(p));
            assert_eq!(managed_policy_by_name(p.name), Some(p));
            let doc: serde_json::Value = serde_json::from_str(p.document).expect("json");
            assert!(doc.get("Statement").is_some(), "{}", p.name);
        }
    }
}
