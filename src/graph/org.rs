//! The organization as the exports describe it, and what its SCPs allow.
//!
//! An SCP limits what the principals of the accounts under its targets may
//! do: at every level from the root through the OUs to the account, some
//! attached SCP must allow the action, and an explicit Deny at any level
//! denies it
//! (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html>).
//! SCPs never apply to the management account, nor to service-linked roles.
//! A level whose attachments are not in the inputs is not assumed to deny:
//! without the export, iamchain says nothing about it.

use std::collections::BTreeMap;

use crate::load::{Document, PolicyDoc};
use crate::model::OrgNodeKind;
use crate::policy::PolicyKind;
use crate::policy::eval::{self, Decision, Request};
use crate::source::Span;

/// The AWS managed SCP every level starts with: allows everything.
pub(crate) const FULL_AWS_ACCESS: &str = "p-FullAWSAccess";

/// The AWS managed RCP every level starts with: allows everything, and
/// cannot be detached.
pub(crate) const RCP_FULL_AWS_ACCESS: &str = "p-RCPFullAWSAccess";

/// What the exports say about the organization.
#[derive(Debug, Default)]
pub struct Org<'a> {
    /// The management account, with where the export says so.
    pub management: Option<(String, Span)>,
    /// Parent of each root, OU or account id.
    parents: BTreeMap<String, String>,
    /// Names of accounts.
    pub account_names: BTreeMap<String, String>,
    /// SCPs attached to each target id, with the attachment's span.
    attached: BTreeMap<String, Vec<(String, Span)>>,
    /// SCP documents by policy id.
    policies: BTreeMap<String, &'a PolicyDoc>,
    /// RCP documents by policy id.
    rcps: BTreeMap<String, &'a PolicyDoc>,
    /// The organization's id (`o-…`), when an export says.
    pub id: Option<String>,
    /// Targets whose full list of attached policies is known.
    complete: std::collections::BTreeSet<String>,
}

impl<'a> Org<'a> {
    /// Collect the organization from every document.
    pub fn collect(documents: &'a [Document]) -> Self {
        let mut org = Org::default();
        for d in documents {
            if let Some(o) = &d.organization {
                if let Some(m) = &o.management_account {
                    org.management = Some((m.value.clone(), m.span));
                }
                if let Some(id) = &o.id {
                    org.id = Some(id.value.clone());
                }
            }
            for n in &d.org_nodes {
                if let Some(p) = &n.parent {
                    org.parents.insert(n.id.value.clone(), p.clone());
                }
                if n.kind == OrgNodeKind::Account
                    && let Some(name) = &n.name
                {
                    org.account_names.insert(n.id.value.clone(), name.clone());
                }
            }
            for t in &d.policy_targets {
                if t.complete {
                    org.complete.insert(t.target.value.clone());
                }
                org.attached
                    .entry(t.target.value.clone())
                    .or_default()
                    .push((t.policy.clone(), t.target.span));
            }
            for p in &d.policies {
                let Some(id) = &p.id else { continue };
                match p.policy.kind {
                    PolicyKind::ServiceControl => {
                        org.policies.insert(id.clone(), p);
                    }
                    PolicyKind::ResourceControl => {
                        org.rcps.insert(id.clone(), p);
                    }
                    _ => {}
                }
            }
        }
        org
    }

    /// Whether anything is known about SCPs.
    pub fn has_scps(&self) -> bool {
        !self.attached.is_empty()
    }

    /// The account, its OUs and the root, nearest first.
    pub fn levels(&self, account: &str) -> Vec<String> {
        let mut out = vec![account.to_string()];
        let mut at = account.to_string();
        while let Some(p) = self.parents.get(&at) {
            if out.contains(p) {
                break;
            }
            out.push(p.clone());
            at = p.clone();
        }
        out
    }

    /// The SCPs attached where they reach `account`: (policy id, target, span).
    pub fn scps_for(&self, account: &str) -> Vec<(String, String, Span)> {
        let mut out = Vec::new();
        for level in self.levels(account) {
            for (p, span) in self.attached.get(&level).into_iter().flatten() {
                out.push((p.clone(), level.clone(), *span));
            }
        }
        out
    }

    /// Every attachment: (policy id, target id, span).
    pub fn attachments(&self) -> impl Iterator<Item = (&str, &str, Span)> {
        self.attached
            .iter()
            .flat_map(|(t, v)| v.iter().map(move |(p, s)| (p.as_str(), t.as_str(), *s)))
    }

    /// The RCP document with this id, if loaded.
    pub fn rcp(&self, id: &str) -> Option<&'a PolicyDoc> {
        self.rcps.get(id).copied()
    }

    /// The SCP document with this id, if loaded.
    pub fn policy(&self, id: &str) -> Option<&'a PolicyDoc> {
        self.policies.get(id).copied()
    }

    /// The SCP statement that denies `request` for `account`, if one does
    /// (an explicit Deny; otherwise the first level with no Allow).
    pub fn denying(&self, account: &str, request: &Request<'_>) -> Option<(Span, String)> {
        for (id, _, attach_span) in self.scps_for(account) {
            let Some(p) = self.policies.get(&id) else {
                continue;
            };
            for s in p.policy.statements.iter().filter(|s| !s.is_allow()) {
                if eval::statement_applies(s, request) == crate::policy::condition::Tri::True {
                    let at = s.action.as_ref().map_or(s.span, |a| a.key);
                    return Some((
                        at,
                        format!("SCP `{}` denies it here", p.name.as_deref().unwrap_or(&id)),
                    ));
                }
            }
            let _ = attach_span;
        }
        self.scps_for(account).first().map(|(id, level, span)| {
            (
                *span,
                format!("no SCP attached at `{level}` allows it (`{id}` is one of them)"),
            )
        })
    }

    /// The organization's id when `account` is one of its accounts (an
    /// export lists it), for `aws:PrincipalOrgID`; `None` when unknown.
    pub fn org_id_of(&self, account: &str) -> Option<&str> {
        self.account_names
            .contains_key(account)
            .then_some(self.id.as_deref())
            .flatten()
    }

    /// Whether any RCP document is loaded.
    pub fn has_rcps(&self) -> bool {
        !self.rcps.is_empty()
    }

    /// The RCPs attached where they reach the resources of `account`.
    pub fn rcps_for(&self, account: &str) -> Vec<&'a PolicyDoc> {
        self.levels(account)
            .iter()
            .flat_map(|level| self.attached.get(level).into_iter().flatten())
            .filter_map(|(id, _)| self.rcps.get(id).copied())
            .collect()
    }

    /// What the RCPs say about `request` on a resource of `account`: an
    /// explicit Deny with the statement that makes it, a Deny that depends
    /// on conditions, or nothing (`None`: no RCP known there, or the
    /// management account, whose resources RCPs never govern
    /// (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>)).
    /// Only Denies count: `RCPFullAWSAccess` ([`RCP_FULL_AWS_ACCESS`]),
    /// which allows everything, is attached at every level and cannot be
    /// detached.
    pub fn decide_rcps(
        &self,
        account: &str,
        request: &Request<'_>,
    ) -> Option<(Decision, Option<(Span, String)>)> {
        if self.management.as_ref().is_some_and(|(m, _)| m == account) {
            return None;
        }
        let rcps = self.rcps_for(account);
        if rcps.is_empty() {
            return None;
        }
        let mut decision = Decision::Allowed;
        for p in rcps {
            for s in p.policy.statements.iter().filter(|s| !s.is_allow()) {
                match eval::statement_applies(s, request) {
                    crate::policy::condition::Tri::True => {
                        let at = s.action.as_ref().map_or(s.span, |a| a.key);
                        let name = p.name.as_deref().or(p.id.as_deref()).unwrap_or("?");
                        return Some((
                            Decision::ExplicitDeny,
                            Some((at, format!("RCP `{name}` denies it here"))),
                        ));
                    }
                    crate::policy::condition::Tri::Unknown => decision = Decision::Conditional,
                    crate::policy::condition::Tri::False => {}
                }
            }
        }
        Some((decision, None))
    }

    /// What the SCPs say about `request` made by a principal of `account`;
    /// `None` when they cannot apply (management account, no SCP known).
    pub fn decide(&self, account: &str, request: &Request<'_>) -> Option<Decision> {
        if self.management.as_ref().is_some_and(|(m, _)| m == account) || !self.has_scps() {
            return None;
        }
        let mut overall = Decision::Allowed;
        let mut known = false;
        for level in self.levels(account) {
            let Some(attached) = self.attached.get(&level) else {
                continue;
            };
            let mut docs = Vec::new();
            let mut allow_all = false;
            let mut unknown = false;
            for (id, _) in attached {
                match self.policies.get(id) {
                    Some(p) => docs.push(&p.policy),
                    None if id == FULL_AWS_ACCESS => allow_all = true,
                    // An RCP attached at the same level is no SCP.
                    None if self.rcps.contains_key(id) => {}
                    None => unknown = true,
                }
            }
            known = true;
            // SCPs never grant: read their Allow as "not filtered out".
            let level_decision = eval::evaluate(docs.iter().copied(), request);
            match level_decision {
                Decision::ExplicitDeny => return Some(Decision::ExplicitDeny),
                // "Nothing here allows it" only means something when the
                // level's whole list of SCPs is known: a listing of one
                // policy's targets does not say what else is attached.
                Decision::ImplicitDeny
                    if !allow_all && !unknown && self.complete.contains(&level) =>
                {
                    overall = Decision::ImplicitDeny
                }
                Decision::Conditional if overall == Decision::Allowed => {
                    overall = Decision::Conditional
                }
                _ => {}
            }
        }
        known.then_some(overall)
    }
}
