//! Rules about how IAM principals become Kubernetes identities (the
//! aws-auth ConfigMap, EKS access entries) and how pods become IAM
//! principals (IRSA, Pod Identity, the node role through instance metadata).

pub mod access_entry_cluster_admin;
pub mod aws_auth_duplicate_mapping;
pub mod aws_auth_invalid;
pub mod aws_auth_map_accounts;
pub mod aws_auth_map_users;
pub mod aws_auth_missing_node_role;
pub mod aws_auth_role_path;
pub mod imds_reachable_from_pods;
pub mod irsa_trust_mismatch;
pub mod node_role_too_broad;
pub mod pod_identity_trust_mismatch;
pub mod system_masters_mapping;

use crate::load::{Document, PolicyDoc};
use crate::policy::PolicyKind;
use crate::policy::arn::Arn;
use crate::source::SourceMap;

/// The trust policies loaded for the role `arn`: from inputs that define
/// the role (`aws iam get-role` output, templates), else from trust-policy
/// files in a directory named after the role (and, when a directory above
/// names a 12-digit account id, that account). Cross-document lookups like
/// this are what the principal graph will own.
pub(crate) fn role_trusts<'a>(
    documents: &'a [Document],
    sources: &SourceMap,
    arn: &str,
) -> Vec<&'a PolicyDoc> {
    let Some(parsed) = Arn::parse(arn) else {
        return Vec::new();
    };
    if parsed.service != "iam" || parsed.resource_type() != "role" {
        return Vec::new();
    }
    let name = parsed.resource_name();
    let mut defined = Vec::new();
    for doc in documents {
        for p in &doc.principals {
            let same = p.arn.as_deref().is_some_and(|a| {
                a == arn
                    || Arn::parse(a).is_some_and(|o| {
                        o.account == parsed.account
                            && o.resource_name() == name
                            && o.resource_type() == "role"
                    })
            });
            if same && let Some(t) = p.trust.and_then(|i| doc.policies.get(i)) {
                defined.push(t);
            }
        }
    }
    if !defined.is_empty() {
        return defined;
    }
    let mut by_dir = Vec::new();
    for doc in documents.iter().filter(|d| d.principals.is_empty()) {
        let path = sources.path(doc.source);
        let Some(dir) = path.parent() else { continue };
        if dir.file_name().and_then(|n| n.to_str()) != Some(name) {
            continue;
        }
        let other_account = dir.ancestors().skip(1).any(|a| {
            a.file_name()
                .and_then(|n| n.to_str())
                .and_then(account_in)
                .is_some_and(|acct| !parsed.account.is_empty() && acct != parsed.account)
        });
        if other_account {
            continue;
        }
        by_dir.extend(
            doc.policies
                .iter()
                .filter(|p| p.policy.kind == PolicyKind::Trust),
        );
    }
    by_dir
}

/// A 12-digit account id written as a word of a directory name (`prod-333333333333`).
fn account_in(name: &str) -> Option<&str> {
    name.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 12)
}

/// The role's name from its ARN, for messages.
pub(crate) fn role_name(arn: &str) -> &str {
    Arn::parse(arn).map_or(arn, |a| a.resource_name())
}
