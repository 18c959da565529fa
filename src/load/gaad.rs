//! Account exports: the output of `aws iam get-account-authorization-details`.
//!
//! One export describes one account's users, groups, roles and managed
//! policies. Each becomes an [`IamPrincipal`] with its trust policy, inline
//! policies and attached managed policy ARNs, and each managed policy's
//! *default* version becomes a [`PolicyDoc`] with its ARN, so attachments
//! resolve across paginated exports split over several files (the other
//! versions are not in force and are not evaluated). Policy documents may be
//! objects or URL-encoded JSON strings (older CLI output and the raw API);
//! spans point into the export either way.

use crate::load::policy_file::{self, build};
use crate::load::tree::Node;
use crate::load::{Document, LoadError, LoadErrorKind, PolicyDoc};
use crate::model::{IamPrincipal, PrincipalKind};
use crate::policy::PolicyKind;
use crate::policy::arn::Arn;
use crate::source::Spanned;

/// The top-level keys of an export; any one of them marks a file as one.
const LISTS: &[&str] = &[
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
];

/// Whether `root` is an authorization-details export.
pub fn is_export(root: &Node) -> bool {
    let Some(members) = root.as_object() else {
        return false;
    };
    // `Policies` alone is also `aws iam list-policies` output, which has no
    // `PolicyVersionList`: only count it as an export with versions.
    members.iter().any(|m| match &*m.key.value {
        "Policies" => m
            .value
            .as_array()
            .and_then(|a| a.first())
            .is_some_and(|p| p.get("PolicyVersionList").is_some()),
        key => LISTS.contains(&key),
    })
}

/// Load an export into `doc`. Entries are modelled in parallel, in chunks
/// each with a document of its own, then appended in file order: a
/// 50,000-role export is one file, and one thread would model it alone.
pub fn load(root: &Node, text: &str, doc: &mut Document) {
    use rayon::prelude::*;
    // (entry, its kind; `None` for a managed policy).
    let mut entries: Vec<(&Node, Option<PrincipalKind>)> = Vec::new();
    for (list, kind) in [
        ("UserDetailList", PrincipalKind::User),
        ("GroupDetailList", PrincipalKind::Group),
        ("RoleDetailList", PrincipalKind::Role),
    ] {
        let Some(items) = root.get(list) else {
            continue;
        };
        let Some(items) = items.as_array() else {
            doc.errors
                .push(shape_error(items, &format!("`{list}` must be an array")));
            continue;
        };
        entries.extend(items.iter().map(|i| (i, Some(kind))));
    }
    if let Some(policies) = root.get("Policies").and_then(Node::as_array) {
        entries.extend(policies.iter().map(|p| (p, None)));
    }
    let parts: Vec<Document> = entries
        .par_chunks(crate::runs::run_len(entries.len(), 256))
        .map(|chunk| {
            let mut part = Document::default();
            for &(item, kind) in chunk {
                match kind {
                    Some(kind) => load_principal(item, kind, text, &mut part),
                    None => load_managed_policy(item, text, &mut part),
                }
            }
            part
        })
        .collect();
    for part in parts {
        append(doc, part);
    }
}

/// Append what a chunk of entries modelled to `doc`, moving the chunk's
/// policy indices past the policies `doc` already holds.
fn append(doc: &mut Document, part: Document) {
    let base = doc.policies.len();
    doc.principals
        .extend(part.principals.into_iter().map(|mut p| {
            p.trust = p.trust.map(|t| t + base);
            p.policies.iter_mut().for_each(|i| *i += base);
            p
        }));
    doc.policies.extend(part.policies);
    doc.embedded.extend(part.embedded);
    doc.errors.extend(part.errors);
}

fn shape_error(node: &Node, message: &str) -> LoadError {
    LoadError {
        kind: LoadErrorKind::Json,
        span: node.span,
        message: format!("{message}, found {}", node.type_name()),
    }
}

/// A policy document as the export writes it: an object, a URL-encoded
/// string, or a JSON string.
fn document(node: &Node, text: &str, kind: PolicyKind, doc: &mut Document) -> Option<usize> {
    match &node.value {
        // The common case: model the export's own tree, without copying it.
        crate::load::tree::Value::Object(_) => doc.policies.push(build(node, kind)),
        crate::load::tree::Value::String(_) => {
            match policy_file::parse_document_string(node, text) {
                Ok(tree) => {
                    doc.policies.push(build(&tree, kind));
                    doc.embedded.push(tree);
                }
                Err(e) => {
                    doc.errors.push(e);
                    return None;
                }
            }
        }
        _ => {
            doc.errors.push(shape_error(
                node,
                "a policy document must be an object or an encoded string",
            ));
            return None;
        }
    }
    Some(doc.policies.len() - 1)
}

fn string_at(node: &Node, key: &str) -> Option<Spanned<String>> {
    let v = node.get(key)?;
    v.as_str().map(|s| Spanned::new(s.to_string(), v.span))
}

fn load_principal(item: &Node, kind: PrincipalKind, text: &str, doc: &mut Document) {
    let name_key = match kind {
        PrincipalKind::User => "UserName",
        PrincipalKind::Group => "GroupName",
        PrincipalKind::Role => "RoleName",
    };
    let Some(name) = string_at(item, name_key) else {
        doc.errors
            .push(shape_error(item, &format!("an entry without `{name_key}`")));
        return;
    };
    let arn = string_at(item, "Arn").map(|a| a.value);
    let account = arn
        .as_deref()
        .and_then(Arn::parse)
        .map(|a| a.account.to_string());
    let trust = match (kind, item.get("AssumeRolePolicyDocument")) {
        (PrincipalKind::Role, Some(d)) => document(d, text, PolicyKind::Trust, doc),
        _ => None,
    };
    let list_key = match kind {
        PrincipalKind::User => "UserPolicyList",
        PrincipalKind::Group => "GroupPolicyList",
        PrincipalKind::Role => "RolePolicyList",
    };
    let mut policies = Vec::new();
    for p in item
        .get(list_key)
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        if let Some(d) = p.get("PolicyDocument")
            && let Some(i) = document(d, text, PolicyKind::Identity, doc)
        {
            doc.policies[i].name = p
                .get("PolicyName")
                .and_then(Node::as_str)
                .map(str::to_string);
            policies.push(i);
        }
    }
    let managed = item
        .get("AttachedManagedPolicies")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| string_at(p, "PolicyArn"))
        .collect();
    let boundary = item
        .get("PermissionsBoundary")
        .and_then(|b| string_at(b, "PermissionsBoundaryArn"));
    let groups = item
        .get("GroupList")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|g| g.as_str().map(|s| Spanned::new(s.to_string(), g.span)))
        .collect();
    // `RoleLastUsed: {}` means never used; no `RoleLastUsed` at all means
    // the export does not say (older CLI versions leave it out).
    let last_used = item.get("RoleLastUsed").map(|r| {
        r.get("LastUsedDate")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string()
    });
    for &i in policies.iter().chain(trust.iter()) {
        doc.policies[i].account = account.clone();
    }
    doc.principals.push(IamPrincipal {
        kind,
        path: item
            .get("Path")
            .and_then(Node::as_str)
            .unwrap_or("/")
            .to_string(),
        name,
        arn,
        account,
        trust,
        policies,
        managed,
        boundary,
        max_session_duration: None,
        groups,
        span: item.span,
        origin: None,
        last_used,
    });
}

fn load_managed_policy(p: &Node, text: &str, doc: &mut Document) {
    let Some(arn) = string_at(p, "Arn") else {
        return;
    };
    let default = p.get("DefaultVersionId").and_then(Node::as_str);
    let versions = p
        .get("PolicyVersionList")
        .and_then(Node::as_array)
        .unwrap_or_default();
    // Only the default version is in force.
    let chosen = versions.iter().find(|v| {
        v.get("IsDefaultVersion")
            .is_some_and(|d| matches!(d.value, crate::load::tree::Value::Bool(true)))
            || default.is_some_and(|d| v.get("VersionId").and_then(Node::as_str) == Some(d))
    });
    let Some(d) = chosen.and_then(|v| v.get("Document")) else {
        return;
    };
    // A policy used only as a permissions boundary grants nothing: its
    // Allow of `*` is a ceiling, as in a boundary file, and the rules about
    // what a policy grants leave it alone. One attachment anywhere makes
    // it an identity policy too.
    let count = |key: &str| match p.get(key).map(|n| &n.value) {
        Some(crate::load::tree::Value::Number(n)) => n.parse::<u64>().ok(),
        _ => None,
    };
    let kind = match (
        count("AttachmentCount"),
        count("PermissionsBoundaryUsageCount"),
    ) {
        (Some(0), Some(b)) if b > 0 => PolicyKind::Boundary,
        _ => PolicyKind::Identity,
    };
    if let Some(i) = document(d, text, kind, doc) {
        let account = Arn::parse(&arn.value)
            .filter(|a| a.account != "aws")
            .map(|a| a.account.to_string());
        let policy: &mut PolicyDoc = &mut doc.policies[i];
        policy.name = p
            .get("PolicyName")
            .and_then(Node::as_str)
            .map(str::to_string);
        policy.arn = Some(arn.value);
        policy.account = account;
        policy.managed = true;
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::load::load_document;
    use crate::model::PrincipalKind;
    use crate::policy::PolicyKind;
    use crate::source::SourceId;

    const EXPORT: &str = r#"{
  "UserDetailList": [{"UserName": "ci", "Arn": "arn:aws:iam::111111111111:user/ci", "Path": "/",
    "GroupList": ["deployers"], "UserPolicyList": [], "AttachedManagedPolicies": []}],
  "GroupDetailList": [{"GroupName": "deployers", "Arn": "arn:aws:iam::111111111111:group/deployers",
    "GroupPolicyList": [{"PolicyName": "g", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}],
    "AttachedManagedPolicies": [{"PolicyName": "Custom", "PolicyArn": "arn:aws:iam::111111111111:policy/Custom"}]}],
  "RoleDetailList": [{"RoleName": "App", "Arn": "arn:aws:iam::111111111111:role/App", "Path": "/app/",
    "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D",
    "RolePolicyList": [], "AttachedManagedPolicies": [], "RoleLastUsed": {}}],
  "Policies": [{"PolicyName": "Custom", "Arn": "arn:aws:iam::111111111111:policy/Custom", "DefaultVersionId": "v2",
    "PolicyVersionList": [
      {"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
      {"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}}]}]
}"#;

    #[test]
    fn principals_policies_and_default_versions() {
        let doc = load_document(
            Path::new("a.json"),
            Path::new("a.json"),
            EXPORT,
            SourceId(0),
        );
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let kinds: Vec<_> = doc
            .principals
            .iter()
            .map(|p| (p.kind, p.name.value.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (PrincipalKind::User, "ci"),
                (PrincipalKind::Group, "deployers"),
                (PrincipalKind::Role, "App")
            ]
        );
        let role = &doc.principals[2];
        assert_eq!(role.account.as_deref(), Some("111111111111"));
        assert_eq!(role.path, "/app/");
        let trust = &doc.policies[role.trust.expect("trust")];
        assert_eq!(trust.policy.kind, PolicyKind::Trust);
        // Only the default version of a managed policy is in force.
        let custom: Vec<_> = doc.policies.iter().filter(|p| p.arn.is_some()).collect();
        assert_eq!(custom.len(), 1);
        assert_eq!(
            custom[0].policy.statements[0].actions()[0].value,
            "iam:PassRole"
        );
    }

    #[test]
    fn url_encoded_documents_map_spans_into_the_export() {
        let doc = load_document(
            Path::new("a.json"),
            Path::new("a.json"),
            EXPORT,
            SourceId(0),
        );
        let role = &doc.principals[2];
        let trust = &doc.policies[role.trust.expect("trust")];
        let principal = &trust.policy.statements[0].principals()[0];
        let span = principal.span;
        assert_eq!(
            &EXPORT[span.start as usize..span.end as usize],
            "%22ec2.amazonaws.com%22"
        );
    }

    #[test]
    fn a_document_that_is_neither_object_nor_string_is_an_error() {
        let text = r#"{"RoleDetailList": [{"RoleName": "R", "AssumeRolePolicyDocument": 7}]}"#;
        let doc = load_document(Path::new("a.json"), Path::new("a.json"), text, SourceId(0));
        assert_eq!(doc.errors.len(), 1);
        assert!(
            doc.errors[0].message.contains("found a number"),
            "{:?}",
            doc.errors
        );
        let bad = r#"{"RoleDetailList": [{"RoleName": "R", "AssumeRolePolicyDocument": "%7B%22Version"}]}"#;
        let doc = load_document(Path::new("a.json"), Path::new("a.json"), bad, SourceId(0));
        assert!(
            doc.errors[0]
                .message
                .starts_with("encoded policy document:"),
            "{:?}",
            doc.errors
        );
    }
}
