//! Policy documents stored as files: a bare policy, or the output of the AWS
//! CLI commands that print one (`aws iam get-role`, `get-policy-version`,
//! `get-role-policy`, `organizations describe-policy`).
//!
//! The file alone does not say where a bare policy is used, so its
//! [`PolicyKind`] is inferred: first from the path (`trust`, `scp`, `rcp`,
//! `boundary` in a file or directory name), then from the content (a
//! statement naming a `Principal` with only `sts:` actions is a trust
//! policy, with other actions a resource policy; no principal, an identity
//! policy).
//!
//! `aws iam get-role` output also defines the role itself (name, ARN,
//! account, `MaxSessionDuration`), so it takes part in the principal graph
//! like a role from an account export.

use std::path::Path;

use crate::load::tree::Node;
use crate::load::{LoadError, LoadErrorKind, PolicyDoc, json, offsets};
use crate::model::{IamPrincipal, PrincipalKind};
use crate::policy::document::{self, PolicyKind};
use crate::source::Spanned;

/// What one loaded tree holds.
#[derive(Default)]
pub struct Found {
    /// The policy documents.
    pub policies: Vec<PolicyDoc>,
    /// Documents that were embedded as JSON strings, parsed (spans into the file).
    pub embedded: Vec<Node>,
    /// Embedded documents that did not parse.
    pub errors: Vec<LoadError>,
    /// Roles the tree describes (`aws iam get-role` output), with `trust`
    /// indexing `policies`.
    pub principals: Vec<IamPrincipal>,
}

/// The policies in a loaded tree from `path`.
pub fn policies_in(path: &Path, text: &str, root: &Node) -> Found {
    let mut found = Found::default();
    if document::looks_like_policy(root) {
        // One policy: a vector of exactly one (a push reserves four).
        found.policies = vec![build(root, kind_for(path, root))];
        return found;
    }
    // A policy wrapped in an array (`[{"Version": …, "Statement": …}]`) is a
    // common copy-paste slip: AWS rejects it, so report it as a policy of the
    // wrong shape rather than skipping the file.
    if let Some(items) = root.as_array()
        && items.iter().any(document::looks_like_policy)
    {
        found.policies = vec![build(root, PolicyKind::Identity)];
        return found;
    }
    // `aws iam get-role`: {"Role": {"AssumeRolePolicyDocument": …}}
    if let Some(role) = root.get("Role") {
        push_role(&mut found, text, role);
    }
    // `aws iam list-roles` ({"Roles": […]}) and `list-instance-profiles`
    // ({"InstanceProfiles": [{"Roles": […]}]}): the same roles, many at
    // once, with their trust policies but without their permissions.
    let listed = |n: &Node| {
        n.as_array()
            .is_some_and(|a| a.iter().all(|r| r.get("RoleName").is_some()))
    };
    if let Some(roles) = root.get("Roles").filter(|r| listed(r)) {
        roles
            .as_array()
            .into_iter()
            .flatten()
            .for_each(|r| push_role(&mut found, text, r));
    }
    if let Some(profiles) = root.get("InstanceProfiles").and_then(Node::as_array) {
        for roles in profiles
            .iter()
            .filter_map(|p| p.get("Roles"))
            .filter(|r| listed(r))
        {
            roles
                .as_array()
                .into_iter()
                .flatten()
                .for_each(|r| push_role(&mut found, text, r));
        }
    }
    if let Some(e) = partial_export(root) {
        found.errors.push(e);
    }
    // `aws iam get-policy-version`: {"PolicyVersion": {"Document": …}}
    if let Some(doc) = root.get("PolicyVersion").and_then(|r| r.get("Document")) {
        push_embedded(&mut found, text, doc, PolicyKind::Identity);
    }
    // `aws iam get-role-policy` / `get-user-policy`: {"PolicyDocument": …}
    if let Some(doc) = root.get("PolicyDocument") {
        push_embedded(&mut found, text, doc, PolicyKind::Identity);
    }
    // `aws organizations describe-policy`: {"Policy": {"PolicySummary": {"Type": …}, "Content": "…"}}
    if let Some(policy) = root.get("Policy")
        && let Some(content) = policy.get("Content")
    {
        let kind = match policy
            .get("PolicySummary")
            .and_then(|s| s.get("Type"))
            .and_then(Node::as_str)
        {
            Some("RESOURCE_CONTROL_POLICY") => PolicyKind::ResourceControl,
            _ => PolicyKind::ServiceControl,
        };
        let before = found.policies.len();
        push_embedded(&mut found, text, content, kind);
        // The id (`p-…`) is how `list-targets-for-policy` exports refer to it.
        let summary = policy.get("PolicySummary");
        if let Some(p) = found.policies.get_mut(before) {
            p.id = summary
                .and_then(|s| s.get("Id"))
                .and_then(Node::as_str)
                .map(str::to_string);
            p.name = summary
                .and_then(|s| s.get("Name"))
                .and_then(Node::as_str)
                .map(str::to_string);
            p.arn = summary
                .and_then(|s| s.get("Arn"))
                .and_then(Node::as_str)
                .map(str::to_string);
        }
    }
    found
}

/// A role of `get-role` / `list-roles` output: its trust policy and its
/// definition.
fn push_role(found: &mut Found, text: &str, role: &Node) {
    let Some(doc) = role.get("AssumeRolePolicyDocument") else {
        return;
    };
    let before = found.policies.len();
    push_embedded(found, text, doc, PolicyKind::Trust);
    let trust = (found.policies.len() > before).then_some(before);
    if let Some(p) = get_role_principal(role, trust) {
        if let Some(t) = trust.and_then(|t| found.policies.get_mut(t)) {
            t.account = p.account.clone();
        }
        found.principals.push(p);
    }
}

/// AWS CLI outputs that list IAM entities without the policies that say
/// what they may do, by the list they hold and a key every entry of it
/// has: (list, entry key, command, what is missing).
const PARTIAL_EXPORTS: &[(&str, &str, &str, &str)] = &[
    (
        "Roles",
        "RoleName",
        "aws iam list-roles",
        "holds the roles' trust policies but not their permissions",
    ),
    (
        "InstanceProfiles",
        "InstanceProfileName",
        "aws iam list-instance-profiles",
        "holds the profiles' roles and trust policies but not their permissions",
    ),
    (
        "Users",
        "UserName",
        "aws iam list-users",
        "names users but none of their policies or groups",
    ),
    (
        "Groups",
        "GroupName",
        "aws iam list-groups",
        "names groups but none of their policies or members",
    ),
    (
        "Policies",
        "DefaultVersionId",
        "aws iam list-policies",
        "names managed policies but not their documents",
    ),
    (
        "PolicyNames",
        "",
        "aws iam list-role-policies (or -user-, -group-)",
        "names inline policies but not their documents",
    ),
];

/// The "read only in part" problem of a tree that is one of
/// [`PARTIAL_EXPORTS`], at the key of its list.
fn partial_export(root: &Node) -> Option<LoadError> {
    let members = root.as_object()?;
    PARTIAL_EXPORTS
        .iter()
        .find_map(|&(list, entry, command, missing)| {
            let m = members.iter().find(|m| &*m.key.value == list)?;
            let items = m.value.as_array().filter(|a| !a.is_empty())?;
            let shaped = if entry.is_empty() {
                items.iter().all(|i| i.as_str().is_some())
            } else {
                items.iter().all(|i| i.get(entry).is_some())
            };
            shaped.then(|| LoadError {
                kind: LoadErrorKind::PartialExport,
                span: m.key.span,
                message: format!("this is `{command}` output, which {missing}"),
            })
        })
}

/// The role an `aws iam get-role` output describes: its name, ARN, path and
/// trust policy, so rules that start from a role ARN (a ServiceAccount's
/// annotation, a Pod Identity association) find its trust.
fn get_role_principal(role: &Node, trust: Option<usize>) -> Option<IamPrincipal> {
    let name = role.get("RoleName")?;
    let name = Spanned::new(name.as_str()?.to_string(), name.span);
    let arn = role.get("Arn").and_then(Node::as_str).map(str::to_string);
    let account = arn
        .as_deref()
        .and_then(crate::policy::arn::Arn::parse)
        .map(|a| a.account.to_string())
        .filter(|a| !a.is_empty());
    let boundary = role
        .get("PermissionsBoundary")
        .and_then(|b| b.get("PermissionsBoundaryArn"))
        .and_then(|b| Some(Spanned::new(b.as_str()?.to_string(), b.span)));
    let max_session_duration = role.get("MaxSessionDuration").and_then(|m| {
        let n = m.as_scalar_text()?.parse::<u32>().ok()?;
        Some(Spanned::new(n, m.span))
    });
    Some(IamPrincipal {
        kind: PrincipalKind::Role,
        name,
        arn,
        account,
        path: role
            .get("Path")
            .and_then(Node::as_str)
            .unwrap_or("/")
            .to_string(),
        trust,
        policies: Vec::new(),
        managed: Vec::new(),
        boundary,
        max_session_duration,
        groups: Vec::new(),
        span: role.span,
        origin: None,
        last_used: role.get("RoleLastUsed").map(|r| {
            r.get("LastUsedDate")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_string()
        }),
    })
}

/// Managed policies attached to a principal, from `aws iam
/// list-attached-role-policies` (or `-user-`, `-group-`) output:
/// `{"AttachedPolicies": [{"PolicyName": …, "PolicyArn": …}]}`.
pub fn attachments_in(root: &Node) -> Vec<crate::source::Spanned<String>> {
    root.get("AttachedPolicies")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.get("PolicyArn"))
        .filter_map(|arn| {
            arn.as_str()
                .map(|s| crate::source::Spanned::new(s.to_string(), arn.span))
        })
        .collect()
}

/// A policy given as an object, as a JSON string (the CLI prints some
/// documents as strings) or URL-encoded (as the IAM API returns them);
/// spans of a string's content map into the file.
fn push_embedded(found: &mut Found, text: &str, node: &Node, kind: PolicyKind) {
    if node.as_str().is_none() {
        found.policies.push(build(node, kind));
        return;
    }
    match parse_document_string(node, text) {
        Ok(inner) => {
            found.policies.push(build(&inner, kind));
            found.embedded.push(inner);
        }
        Err(e) => found.errors.push(e),
    }
}

/// A policy document written as a string: JSON text (`{…}`, as the CLI
/// prints some) or URL-encoded (as the IAM API returns them), parsed with
/// spans into the file.
pub fn parse_document_string(node: &Node, text: &str) -> Result<Node, LoadError> {
    if node
        .as_str()
        .is_some_and(|s| s.trim_start().starts_with('{'))
    {
        parse_string(node, text)
    } else {
        parse_url_encoded(node, text)
    }
}

/// Decode a URL-encoded document (`%7B%22Version%22…`) and parse it, with
/// spans mapped back to the encoded text in the file.
fn parse_url_encoded(node: &Node, text: &str) -> Result<Node, LoadError> {
    let start = node.span.start as usize + 1;
    let end = (node.span.end as usize).saturating_sub(1).max(start);
    let raw = text.get(start..end).unwrap_or("");
    let (decoded, map) = offsets::percent_decode(raw, start);
    let mut tree = json::parse(&decoded, node.span.source).map_err(|e| LoadError {
        kind: LoadErrorKind::Json,
        span: map.map_span(e.span),
        message: format!("encoded policy document: {}", e.message),
    })?;
    tree.map_spans(&mut |s| map.map_span(s));
    Ok(tree)
}

/// Build a policy document from a tree.
pub fn build(node: &Node, kind: PolicyKind) -> PolicyDoc {
    let built = document::build(node, kind);
    PolicyDoc::new(built.policy, built.problems)
}

/// Parse the JSON document held in the string literal `node` of `text`
/// (the file's text), with spans that point into the file.
pub fn parse_string(node: &Node, text: &str) -> Result<Node, LoadError> {
    let (start, end) = (
        node.span.start as usize + 1,
        (node.span.end as usize).saturating_sub(1),
    );
    let raw = text.get(start..end.max(start)).unwrap_or("");
    json::parse_embedded(raw, start, node.span.source).map_err(|e| LoadError {
        kind: LoadErrorKind::Json,
        span: e.span,
        message: format!("embedded policy document: {}", e.message),
    })
}

/// Infer where a bare policy file is used.
pub fn kind_for(path: &Path, root: &Node) -> PolicyKind {
    if let Some(kind) = kind_from_path(path) {
        return kind;
    }
    let statements: Vec<&Node> = match root.get("Statement") {
        Some(s) => match s.as_array() {
            Some(items) => items.iter().collect(),
            None => vec![s],
        },
        None => Vec::new(),
    };
    let with_principal: Vec<&&Node> = statements
        .iter()
        .filter(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some())
        .collect();
    if with_principal.is_empty() {
        return PolicyKind::Identity;
    }
    let sts_only = with_principal.iter().all(|s| {
        let actions: Vec<&str> = match s.get("Action") {
            Some(a) => match a.as_array() {
                Some(items) => items.iter().filter_map(Node::as_str).collect(),
                None => a.as_str().into_iter().collect(),
            },
            None => Vec::new(),
        };
        !actions.is_empty()
            && actions.iter().all(|a| {
                let a = a.to_ascii_lowercase();
                a.starts_with("sts:assumerole")
                    || a == "sts:tagsession"
                    || a == "sts:setsourceidentity"
                    || a == "sts:setcontext"
            })
    });
    if sts_only
        && statements
            .iter()
            .all(|s| s.get("Resource").is_none() && s.get("NotResource").is_none())
    {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    }
}

fn kind_from_path(path: &Path) -> Option<PolicyKind> {
    // File name first, then the directories from the nearest outwards.
    let names = path
        .iter()
        .rev()
        .filter_map(|c| c.to_str())
        .map(|c| c.to_ascii_lowercase());
    for name in names {
        let words: Vec<&str> = name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let has = |w: &str| words.contains(&w);
        if has("trust") || name.contains("assume-role-policy") || name.contains("assumerolepolicy")
        {
            return Some(PolicyKind::Trust);
        }
        if has("scp") || has("scps") || name.contains("service-control") {
            return Some(PolicyKind::ServiceControl);
        }
        if has("rcp") || has("rcps") || name.contains("resource-control") {
            return Some(PolicyKind::ResourceControl);
        }
        if has("boundary") || has("boundaries") || name.contains("permissions-boundary") {
            return Some(PolicyKind::Boundary);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::load::load_document;
    use crate::model::PrincipalKind;
    use crate::policy::PolicyKind;
    use crate::source::SourceId;

    #[test]
    fn get_role_output_defines_the_role_with_its_session_duration() {
        let text = r#"{"Role": {"Path": "/deploy/", "RoleName": "Long", "RoleId": "AROAEXAMPLEEXAMPLE01",
  "Arn": "arn:aws:iam::333333333333:role/deploy/Long", "MaxSessionDuration": 43200,
  "AssumeRolePolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111111111111:role/L\"},\"Action\":\"sts:AssumeRole\"}]}"}}"#;
        let doc = load_document(Path::new("r.json"), Path::new("r.json"), text, SourceId(0));
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let [role] = &doc.principals[..] else {
            panic!("one principal: {:?}", doc.principals)
        };
        assert_eq!(role.kind, PrincipalKind::Role);
        assert_eq!(role.name.value, "Long");
        assert_eq!(role.path, "/deploy/");
        assert_eq!(role.account.as_deref(), Some("333333333333"));
        let max = role.max_session_duration.as_ref().expect("duration");
        assert_eq!(max.value, 43200);
        assert_eq!(
            &text[max.span.start as usize..max.span.end as usize],
            "43200"
        );
        let trust = &doc.policies[role.trust.expect("trust")];
        assert_eq!(trust.policy.kind, PolicyKind::Trust);
        assert_eq!(trust.account.as_deref(), Some("333333333333"));
        assert!(role.policies.is_empty());
    }

    #[test]
    fn list_roles_output_defines_each_role_with_its_trust_even_url_encoded() {
        let text = r#"{"Roles": [
  {"RoleName": "A", "Arn": "arn:aws:iam::111111111111:role/A",
   "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}},
  {"RoleName": "B", "Arn": "arn:aws:iam::111111111111:role/B",
   "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"}
]}"#;
        let doc = load_document(Path::new("r.json"), Path::new("r.json"), text, SourceId(0));
        let names: Vec<&str> = doc
            .principals
            .iter()
            .map(|p| p.name.value.as_str())
            .collect();
        assert_eq!(names, ["A", "B"]);
        assert_eq!(doc.policies.len(), 2, "{:?}", doc.errors);
        assert!(doc.principals.iter().all(|p| p.trust.is_some()));
        assert_eq!(doc.policies[1].account.as_deref(), Some("111111111111"));
        // Read, and reported as read only in part, at the list's key.
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(
            doc.errors[0].kind,
            crate::load::LoadErrorKind::PartialExport
        );
        assert_eq!(
            &text[doc.errors[0].span.start as usize..doc.errors[0].span.end as usize],
            "\"Roles\""
        );
    }

    #[test]
    fn get_role_output_without_a_name_defines_no_role() {
        let text =
            r#"{"Role": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}}"#;
        let doc = load_document(Path::new("r.json"), Path::new("r.json"), text, SourceId(0));
        assert!(doc.principals.is_empty());
        assert_eq!(doc.policies.len(), 1);
    }
}
