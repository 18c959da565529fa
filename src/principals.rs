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
use crate::source::{SourceMap, Span};

/// An attached managed policy that was found in the embedded catalog.
#[derive(Clone, Debug)]
pub struct ManagedAttachment {
    /// The policy's ARN as written, with its span.
    pub arn: String,
    /// Where the attachment was written.
    pub span: Span,
    /// The policy document (spans point into a virtual `aws-managed/…` source).
    pub policy: PolicyDoc,
}

/// The identity policies one principal holds.
#[derive(Debug)]
pub struct PrincipalPolicies<'a> {
    /// What the principal is called in messages (its directory, or its name).
    pub name: String,
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
            .chain(self.managed.iter().map(|m| &m.policy))
    }
}

/// Load the AWS managed policies attached in `documents` (by attachment
/// listings and by the principals they define) into `sources`, once each,
/// and return them per document, keyed by ARN.
pub fn resolve_managed(
    documents: &[Document],
    sources: &mut SourceMap,
) -> Vec<Vec<ManagedAttachment>> {
    let mut loaded: BTreeMap<String, Option<PolicyDoc>> = BTreeMap::new();
    let mut out = Vec::with_capacity(documents.len());
    for doc in documents {
        let mut resolved = Vec::new();
        let arns = doc
            .attachments
            .iter()
            .chain(doc.principals.iter().flat_map(|p| &p.managed));
        for a in arns {
            let entry = loaded.entry(a.value.clone()).or_insert_with(|| {
                let managed = crate::catalog::managed_policy(&a.value)?;
                let path = PathBuf::from(format!(
                    "aws-managed{}{}.json",
                    managed.path(),
                    managed.name
                ));
                let id = sources.add(path, managed.document.to_string());
                let node = crate::load::json::parse(&sources.get(id).text, id).ok()?;
                Some(crate::load::policy_file::build(&node, PolicyKind::Identity))
            });
            if let Some(policy) = entry {
                resolved.push(ManagedAttachment {
                    arn: a.value.clone(),
                    span: a.span,
                    policy: policy.clone(),
                });
            }
        }
        out.push(resolved);
    }
    out
}

/// The principals of a run: those the inputs define (a CloudFormation role,
/// an export's user), and for bare policy files one per directory.
pub fn group<'a>(
    documents: &'a [Document],
    managed: &'a [Vec<ManagedAttachment>],
    sources: &SourceMap,
) -> Vec<PrincipalPolicies<'a>> {
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
                out.push(PrincipalPolicies {
                    name,
                    policies: p
                        .policies
                        .iter()
                        .filter_map(|&i| doc.policies.get(i))
                        .collect(),
                    managed: attached
                        .iter()
                        .filter(|m| p.managed.iter().any(|a| a.span == m.span))
                        .collect(),
                });
            }
            continue;
        }
        let identity: Vec<&PolicyDoc> = doc
            .policies
            .iter()
            .filter(|p| p.policy.kind == PolicyKind::Identity)
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
                policies: Vec::new(),
                managed: Vec::new(),
            });
        entry.policies.extend(identity);
        entry.managed.extend(attached.iter());
    }
    out.extend(by_dir.into_values());
    out
}
