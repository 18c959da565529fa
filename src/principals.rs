//! Which identity policies apply together to one principal.
//!
//! Privilege escalation is rarely in one statement: `iam:PassRole` in one
//! policy and `lambda:CreateFunction` in another make the escalation only
//! together. A [`PrincipalPolicies`] is the set of identity policies (inline,
//! customer managed and attached AWS managed ones) that one role, user or
//! group holds, which combination rules check as a whole.
//!
//! For policy files in a repository the grouping is by directory: the
//! identity policies in one directory belong to the principal the directory
//! stands for (`roles/DeployRole/permissions.json`,
//! `roles/DeployRole/attached-policies.json`). Formats that say which
//! principal holds a policy (CloudFormation, account exports) group
//! explicitly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::load::{Document, PolicyDoc};
use crate::policy::PolicyKind;
use crate::source::{SourceId, SourceMap, Span, Spanned};

/// An attached managed policy that was found in the embedded catalog.
#[derive(Clone, Debug)]
pub struct ManagedAttachment {
    /// The policy's ARN as written, with its span.
    pub arn: String,
    /// Where the attachment was written.
    pub span: Span,
    /// The policy document (spans point into a virtual `aws-managed/…`
    /// source), shared by every attachment of the same policy: thousands of
    /// roles attach `ReadOnlyAccess`, which is read and modelled once.
    pub policy: std::sync::Arc<PolicyDoc>,
}

/// The identity policies one principal holds.
#[derive(Debug)]
pub struct PrincipalPolicies<'a> {
    /// What the principal is called in messages (its directory, or its name).
    pub name: String,
    /// The definition, for principals the inputs define (none for a directory of policy files).
    pub definition: Option<(&'a Document, &'a crate::model::IamPrincipal)>,
    /// Its own identity policies.
    pub policies: Vec<&'a PolicyDoc>,
    /// Attached AWS managed policies, resolved.
    pub managed: Vec<&'a ManagedAttachment>,
}

impl<'a> PrincipalPolicies<'a> {
    /// Every identity policy, own and managed.
    pub fn all(&self) -> impl Iterator<Item = &'a PolicyDoc> + '_ {
        self.policies
            .iter()
            .copied()
            .chain(self.managed.iter().map(|m| &*m.policy))
    }
}

/// Managed policies the inputs define themselves (an export's `Policies`,
/// a template's `AWS::IAM::ManagedPolicy`), by ARN.
fn defined_by_arn(documents: &[Document]) -> BTreeMap<&str, &PolicyDoc> {
    documents
        .iter()
        .flat_map(|d| &d.policies)
        .filter_map(|p| p.arn.as_deref().map(|a| (a, p)))
        .collect()
}

/// The AWS managed policies attached in `documents` (by attachment
/// listings and by the principals they define) that the inputs do not
/// define themselves and the catalog holds, each added to `sources` once,
/// in the order first attached: what [`resolve_managed`] parses.
///
/// Two steps, so that the parsing — a millisecond for `ReadOnlyAccess`
/// alone, on one thread — runs beside the document rules, which only read
/// `sources`, instead of before them.
pub fn managed_sources(documents: &[Document], sources: &mut SourceMap) -> ManagedSources {
    // Hashed, not ordered: an export attaches 100,000 policies whose ARNs
    // share a long prefix, and nothing here is iterated.
    let defined: std::collections::HashSet<&str> =
        defined_by_arn(documents).keys().copied().collect();
    let mut added: std::collections::HashMap<&str, Slot> = std::collections::HashMap::new();
    let mut slots = Vec::new();
    let mut last: Option<(&str, Slot)> = None;
    for a in documents.iter().flat_map(attached) {
        let arn = a.value.as_str();
        let slot = match last {
            // Templates attach the same policy one after another: one hash.
            Some((l, slot)) if l == arn => slot,
            _ if defined.contains(arn) => None,
            _ => *added.entry(arn).or_insert_with(|| {
                let managed = crate::catalog::managed_policy(arn)?;
                let path = PathBuf::from(format!(
                    "aws-managed{}{}.json",
                    managed.path(),
                    managed.name
                ));
                Some((
                    sources.add(path, managed.document.to_string()),
                    managed.name,
                ))
            }),
        };
        last = Some((arn, slot));
        slots.push(slot);
    }
    ManagedSources { slots }
}

/// Where an attachment's policy is: its source and its name (`None`: the
/// inputs define it, or the catalog does not hold it).
type Slot = Option<(SourceId, &'static str)>;

/// What [`managed_sources`] added: a [`Slot`] for every attachment, in the
/// order [`attached`] yields them over the documents.
pub struct ManagedSources {
    slots: Vec<Slot>,
}

/// Managed policy ARNs a document attaches: its attachment listings and
/// those of the principals it defines.
fn attached(doc: &Document) -> impl Iterator<Item = &Spanned<String>> {
    doc.attachments
        .iter()
        .chain(doc.principals.iter().flat_map(|p| &p.managed))
}

/// Parse the AWS managed policies [`managed_sources`] added, once each, and
/// return them per document (the same `documents`).
pub fn resolve_managed(
    documents: &[Document],
    added: &ManagedSources,
    sources: &SourceMap,
) -> Vec<Vec<ManagedAttachment>> {
    let mut loaded: std::collections::HashMap<SourceId, Option<std::sync::Arc<PolicyDoc>>> =
        std::collections::HashMap::new();
    let mut slots = added.slots.iter();
    let mut out = Vec::with_capacity(documents.len());
    for doc in documents {
        let mut resolved = Vec::new();
        for a in attached(doc) {
            let Some(&Some((id, name))) = slots.next() else {
                continue;
            };
            let entry = loaded.entry(id).or_insert_with(|| {
                let node = crate::load::json::parse(&sources.get(id).text, id).ok()?;
                let mut policy = crate::load::policy_file::build(&node, PolicyKind::Identity);
                policy.arn = Some(a.value.clone());
                policy.name = Some(name.to_string());
                policy.managed = true;
                Some(std::sync::Arc::new(policy))
            });
            if let Some(policy) = entry {
                resolved.push(ManagedAttachment {
                    arn: a.value.clone(),
                    span: a.span,
                    policy: std::sync::Arc::clone(policy),
                });
            }
        }
        out.push(resolved);
    }
    out
}

/// The principals of a run: those the inputs define (a CloudFormation role,
/// an export's user — with the policies of its groups), and for bare policy
/// files one per directory.
pub fn group<'a>(
    documents: &'a [Document],
    managed: &'a [Vec<ManagedAttachment>],
    sources: &SourceMap,
) -> Vec<PrincipalPolicies<'a>> {
    let by_arn = defined_by_arn(documents);
    // Groups by (account, name), so users inherit their groups' policies.
    let mut groups: BTreeMap<(Option<&str>, &str), (&'a Document, &'a crate::model::IamPrincipal)> =
        BTreeMap::new();
    for doc in documents {
        for p in doc
            .principals
            .iter()
            .filter(|p| p.kind == crate::model::PrincipalKind::Group)
        {
            groups.insert((p.account.as_deref(), p.name.value.as_str()), (doc, p));
        }
    }
    // Everything one principal definition holds: inline policies, managed
    // policies defined in the inputs, and AWS managed ones from the catalog.
    let holdings = |doc: &'a Document,
                    attached: &'a [ManagedAttachment],
                    p: &'a crate::model::IamPrincipal,
                    into: &mut PrincipalPolicies<'a>| {
        into.policies
            .extend(p.policies.iter().filter_map(|&i| doc.policies.get(i)));
        for arn in &p.managed {
            match by_arn.get(arn.value.as_str()) {
                Some(policy) => into.policies.push(policy),
                None => into
                    .managed
                    .extend(attached.iter().filter(|m| m.span == arn.span)),
            }
        }
    };
    let mut out = Vec::new();
    let mut by_dir: BTreeMap<PathBuf, PrincipalPolicies<'a>> = BTreeMap::new();
    for (doc, attached) in documents.iter().zip(managed) {
        if !doc.principals.is_empty() {
            for p in &doc.principals {
                let name = match (&p.arn, &p.origin) {
                    (Some(arn), Some(origin)) => format!("{arn} ({origin})"),
                    (Some(arn), None) => arn.clone(),
                    (None, Some(origin)) => {
                        format!("{} {} ({origin})", p.kind.as_str(), p.name.value)
                    }
                    (None, None) => format!("{} {}", p.kind.as_str(), p.name.value),
                };
                let mut entry = PrincipalPolicies {
                    name,
                    definition: Some((doc, p)),
                    policies: Vec::new(),
                    managed: Vec::new(),
                };
                holdings(doc, attached, p, &mut entry);
                for g in &p.groups {
                    if let Some((gdoc, group)) =
                        groups.get(&(p.account.as_deref(), g.value.as_str()))
                    {
                        let gattached = documents
                            .iter()
                            .position(|d| std::ptr::eq(d, *gdoc))
                            .and_then(|i| managed.get(i))
                            .map(Vec::as_slice)
                            .unwrap_or_default();
                        holdings(gdoc, gattached, group, &mut entry);
                    }
                }
                out.push(entry);
            }
            continue;
        }
        let identity: Vec<&PolicyDoc> = doc
            .policies
            .iter()
            // Managed policy definitions (with an ARN) are held by whoever
            // attaches them, not by the directory they are in.
            .filter(|p| p.policy.kind == PolicyKind::Identity && p.arn.is_none())
            .collect();
        if identity.is_empty() && attached.is_empty() {
            continue;
        }
        let dir = sources
            .path(doc.source)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let entry = by_dir
            .entry(dir.clone())
            .or_insert_with(|| PrincipalPolicies {
                name: if dir.as_os_str().is_empty() {
                    ".".to_string()
                } else {
                    crate::engine::slash_path(&dir)
                },
                definition: None,
                policies: Vec::new(),
                managed: Vec::new(),
            });
        entry.policies.extend(identity);
        entry.managed.extend(attached.iter());
    }
    out.extend(by_dir.into_values());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_document;

    /// `aws iam get-account-authorization-details` paginates: the roles on
    /// one page, the customer managed policies they attach on another.
    #[test]
    fn a_policy_on_another_page_of_the_export_reaches_the_role_attaching_it() {
        let roles = r#"{"RoleDetailList": [{"RoleName": "App", "Arn": "arn:aws:iam::111111111111:role/App",
            "RolePolicyList": [], "AttachedManagedPolicies": [
              {"PolicyName": "Custom", "PolicyArn": "arn:aws:iam::111111111111:policy/Custom"}]}]}"#;
        let policies = r#"{"Policies": [{"PolicyName": "Custom", "Arn": "arn:aws:iam::111111111111:policy/Custom",
            "DefaultVersionId": "v1", "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
              "Document": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]}]}"#;
        let mut sources = SourceMap::new();
        let docs: Vec<Document> = [("page-1.json", roles), ("page-2.json", policies)]
            .iter()
            .map(|(path, text)| {
                let id = sources.add(PathBuf::from(path), text.to_string());
                load_document(Path::new(path), Path::new(path), text, id)
            })
            .collect();
        let added = managed_sources(&docs, &mut sources);
        let managed = resolve_managed(&docs, &added, &sources);
        let principals = group(&docs, &managed, &sources);
        let app = principals
            .iter()
            .find(|p| p.definition.is_some_and(|(_, d)| d.name.value == "App"))
            .expect("the role");
        let arns: Vec<Option<&str>> = app.policies.iter().map(|d| d.arn.as_deref()).collect();
        assert_eq!(arns, [Some("arn:aws:iam::111111111111:policy/Custom")]);
    }
}
