//! AWS Organizations exports: the organization, its accounts and OUs, and
//! which SCPs and RCPs are attached where.
//!
//! The CLI prints each piece separately, and some outputs do not say which
//! parent or policy they were listed for; iamchain takes that from the file
//! name, which the export scripts in the README write:
//!
//! | command | output key | what else |
//! |---|---|---|
//! | `describe-organization` | `Organization` | management account, org id |
//! | `list-accounts`, `list-accounts-for-parent` | `Accounts` | parent id (`r-…`/`ou-…`) from the file name for the latter |
//! | `list-roots` | `Roots` | |
//! | `list-organizational-units-for-parent` | `OrganizationalUnits` | parent id from the file name |
//! | `describe-policy` | `Policy` (content is a JSON string) | loaded as an SCP/RCP by `policy_file` |
//! | `list-targets-for-policy` | `Targets` | policy id (`p-…`) from the file name |
//! | `list-policies-for-target` | `Policies` with `Type` | target id (account, `ou-…`, `r-…`) from the file name |

use std::path::Path;

use crate::load::Document;
use crate::load::tree::Node;
use crate::model::{OrgNode, OrgNodeKind, Organization, PolicyTarget};
use crate::source::Spanned;

/// Whether `root` is one of the Organizations outputs above (other than
/// `describe-policy`, which `policy_file` reads).
pub fn is_export(root: &Node) -> bool {
    root.get("Organization").is_some()
        || root.get("Accounts").and_then(Node::as_array).is_some()
        || root.get("Roots").and_then(Node::as_array).is_some()
        || root
            .get("OrganizationalUnits")
            .and_then(Node::as_array)
            .is_some()
        || root.get("Targets").and_then(Node::as_array).is_some()
        || root
            .get("Policies")
            .and_then(Node::as_array)
            .and_then(|a| a.first())
            .is_some_and(|p| p.get("Type").is_some() && p.get("Id").is_some())
}

/// An id of the given shape in the file name: `r-`, `ou-`, `p-` prefixed,
/// or a 12-digit account id.
fn id_in_name(path: &Path, prefixes: &[&str]) -> Option<String> {
    let name = path.file_stem()?.to_str()?;
    name.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .flat_map(|w| w.split('_'))
        .flat_map(split_ids)
        .find(|w| {
            prefixes
                .iter()
                .any(|p| w.starts_with(p) && w.len() > p.len())
                || prefixes.contains(&"account") && crate::policy::arn::is_account_id(w)
        })
}

/// `targets-for-p-abc123` → `targets`, `for`, `p-abc123`: ids keep their
/// own dash, so split only where a known prefix starts.
fn split_ids(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let parts: Vec<&str> = word.split('-').collect();
    let mut i = 0;
    while i < parts.len() {
        match parts[i] {
            "r" | "p" if i + 1 < parts.len() => {
                out.push(format!("{}-{}", parts[i], parts[i + 1]));
                i += 2;
            }
            "ou" if i + 2 < parts.len() => {
                out.push(format!("ou-{}-{}", parts[i + 1], parts[i + 2]));
                i += 3;
            }
            other => {
                out.push(other.to_string());
                i += 1;
            }
        }
    }
    out
}

fn spanned(node: &Node, key: &str) -> Option<Spanned<String>> {
    let v = node.get(key)?;
    v.as_scalar_text()
        .map(|s| Spanned::new(s.into_owned(), v.span))
}

/// Load an Organizations export into `doc`.
pub fn load(path: &Path, root: &Node, doc: &mut Document) {
    if let Some(org) = root.get("Organization") {
        doc.organization = Some(Organization {
            id: spanned(org, "Id"),
            management_account: spanned(org, "MasterAccountId")
                .or_else(|| spanned(org, "ManagementAccountId")),
        });
    }
    let parent = id_in_name(path, &["r-", "ou-"]);
    for (key, kind) in [
        ("Roots", OrgNodeKind::Root),
        ("OrganizationalUnits", OrgNodeKind::OrganizationalUnit),
        ("Accounts", OrgNodeKind::Account),
    ] {
        for item in root.get(key).and_then(Node::as_array).unwrap_or_default() {
            let Some(id) = spanned(item, "Id") else {
                continue;
            };
            doc.org_nodes.push(OrgNode {
                id,
                kind,
                name: item.get("Name").and_then(Node::as_str).map(str::to_string),
                parent: if kind == OrgNodeKind::Root {
                    None
                } else {
                    parent.clone()
                },
                status: item
                    .get("Status")
                    .and_then(Node::as_str)
                    .map(str::to_string),
            });
        }
    }
    if let Some(targets) = root.get("Targets").and_then(Node::as_array)
        && let Some(policy) = id_in_name(path, &["p-"])
    {
        for t in targets {
            if let Some(target) = spanned(t, "TargetId") {
                doc.policy_targets.push(PolicyTarget {
                    policy: policy.clone(),
                    target,
                    complete: false,
                });
            }
        }
    }
    if let Some(policies) = root.get("Policies").and_then(Node::as_array)
        && let Some(target) = id_in_name(path, &["r-", "ou-", "account"])
    {
        for p in policies {
            if let Some(id) = spanned(p, "Id") {
                doc.policy_targets.push(PolicyTarget {
                    policy: id.value,
                    target: Spanned::new(target.clone(), id.span),
                    complete: true,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_file_names() {
        assert_eq!(
            id_in_name(Path::new("targets-for-p-abc12345.json"), &["p-"]).as_deref(),
            Some("p-abc12345")
        );
        assert_eq!(
            id_in_name(
                Path::new("ous-for-parent-ou-ab12-cdef3456.json"),
                &["r-", "ou-"]
            )
            .as_deref(),
            Some("ou-ab12-cdef3456")
        );
        assert_eq!(
            id_in_name(Path::new("accounts-for-r-a1b2.json"), &["r-", "ou-"]).as_deref(),
            Some("r-a1b2")
        );
        assert_eq!(
            id_in_name(
                Path::new("policies-for-333333333333.json"),
                &["r-", "ou-", "account"]
            )
            .as_deref(),
            Some("333333333333")
        );
        assert_eq!(
            id_in_name(Path::new("list-accounts.json"), &["r-", "ou-"]),
            None
        );
    }
}
