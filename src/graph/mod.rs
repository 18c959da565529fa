//! The principal graph: who can become whom.
//!
//! Nodes are principals keyed by normalised ARN (roles, users), and the
//! things that can act as one: AWS service principals (`pods.eks.amazonaws.com`
//! for EKS Pod Identity, `ec2.amazonaws.com` for instance profiles), OIDC and
//! SAML providers (with the subject a trust condition pins, for IRSA), and
//! principals a trust policy names that no input defines. An edge says that
//! its source can obtain its target's credentials, and exists only when
//! **both sides** allow it — the caller's identity policies and the target's
//! trust policy, minus explicit Deny (see [`edges`]). Each edge carries the
//! spans of the statements that make it, and whether a condition the analysis
//! cannot decide guards it.
//!
//! Hops that one side allows and the other does not are kept apart as
//! [`BrokenHop`]s: the deploy that fails at 2 a.m. with "not authorized to
//! perform sts:AssumeRole".

pub mod edges;
pub mod intent;
pub mod org;
pub mod paths;
pub mod summary;
pub mod view;

use std::collections::BTreeMap;

use petgraph::stable_graph::{NodeIndex, StableDiGraph};

use crate::config::Config;
use crate::diagnostic::Label;
use crate::load::Document;
use crate::model::PrincipalKind;
use crate::principals::PrincipalPolicies;
use crate::source::Span;

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    /// An IAM role.
    Role,
    /// An IAM user.
    User,
    /// An AWS service principal (`pods.eks.amazonaws.com`).
    Service,
    /// An OIDC or SAML identity provider (optionally narrowed to a subject).
    Federated,
    /// A principal named in a policy but defined by no input.
    External,
    /// A whole account, as trusted by `arn:aws:iam::ID:root`.
    Account,
    /// A Kubernetes group or EKS access policy that IAM principals are mapped to.
    Kubernetes,
}

impl NodeKind {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Role => "role",
            NodeKind::User => "user",
            NodeKind::Service => "service",
            NodeKind::Federated => "federated",
            NodeKind::External => "external",
            NodeKind::Account => "account",
            NodeKind::Kubernetes => "kubernetes",
        }
    }
}

/// A node of the graph.
#[derive(Debug)]
pub struct Node<'a> {
    /// Normalised identity: an ARN, `service:<name>` or `federated:<provider>[#sub]`.
    pub id: String,
    /// What it is.
    pub kind: NodeKind,
    /// Its account, when known.
    pub account: Option<String>,
    /// Short name for pictures and messages (`OctoLauncherRole`).
    pub label: String,
    /// Where it is defined, when an input defines it.
    pub defined_at: Option<Span>,
    /// Its identity policies, for principals the inputs define.
    pub holdings: Option<usize>,
    /// The principal definition, when an input defines it.
    pub definition: Option<&'a crate::model::IamPrincipal>,
    /// The document that defines it.
    pub document: Option<&'a Document>,
}

/// How one principal becomes another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mechanism {
    /// `sts:AssumeRole` from a role or user.
    AssumeRole,
    /// `sts:AssumeRoleWithWebIdentity` (IRSA and other OIDC issuers).
    WebIdentity,
    /// `sts:AssumeRoleWithSAML`.
    Saml,
    /// EKS Pod Identity (`pods.eks.amazonaws.com` with `sts:AssumeRole` + `sts:TagSession`).
    PodIdentity,
    /// Another AWS service assumes the role on a customer's behalf (EC2 instance profile, Lambda, …).
    Service,
    /// `iam:PassRole` to a service that runs the caller's code as the role.
    PassRole,
    /// `iam:UpdateAssumeRolePolicy`: the caller can make the role trust it.
    TrustRewrite,
    /// An `aws-auth` mapping or EKS access entry into a cluster.
    Kubernetes,
}

impl Mechanism {
    /// Label for pictures and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::AssumeRole => "sts:AssumeRole",
            Mechanism::WebIdentity => "sts:AssumeRoleWithWebIdentity",
            Mechanism::Saml => "sts:AssumeRoleWithSAML",
            Mechanism::PodIdentity => "EKS Pod Identity",
            Mechanism::Service => "service",
            Mechanism::PassRole => "iam:PassRole",
            Mechanism::TrustRewrite => "iam:UpdateAssumeRolePolicy",
            Mechanism::Kubernetes => "aws-auth / access entry",
        }
    }
}

/// An edge: `source` can obtain `target`'s credentials.
#[derive(Clone, Debug)]
pub struct Edge {
    /// How.
    pub mechanism: Mechanism,
    /// The condition keys the analysis could not decide (empty: unconditional).
    pub conditions: Vec<String>,
    /// The trust-side statement (the principal entry that admits the caller).
    pub trust: Option<Label>,
    /// The identity-side statement (the resource that names the target), if one is needed.
    pub identity: Option<Label>,
    /// Whether the trust policy allows `sts:TagSession` for this caller.
    pub tag_session: bool,
}

impl Edge {
    /// Whether a condition the analysis cannot decide guards the edge.
    pub fn is_conditional(&self) -> bool {
        !self.conditions.is_empty()
    }
}

/// Which side of a hop is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// The target's trust policy does not admit the caller.
    Trust,
    /// The caller's identity policies do not allow the action on the target.
    Identity,
    /// An SCP on the caller's account denies the call.
    Scp,
    /// An RCP on the role's account denies the call.
    Rcp,
    /// The caller's permissions boundary does not allow the call.
    Boundary,
}

/// A hop one side allows and the other does not.
#[derive(Clone, Debug)]
pub struct BrokenHop {
    /// The caller.
    pub source: NodeIndex,
    /// The target.
    pub target: NodeIndex,
    /// The side that is missing.
    pub missing: Side,
    /// The statement on the side that allows it.
    pub present: Label,
    /// Where the missing side would go (the target's trust policy or the
    /// caller's policy document).
    pub missing_at: Option<Label>,
    /// Explicitly denied (rather than not allowed).
    pub denied: bool,
}

/// The graph of a run.
pub struct PrincipalGraph<'a> {
    /// Nodes and edges.
    pub graph: StableDiGraph<Node<'a>, Edge>,
    /// Principals' identity policies, indexed by `Node::holdings`.
    pub principals: Vec<PrincipalPolicies<'a>>,
    /// Hops one side allows and the other does not.
    pub broken: Vec<BrokenHop>,
    /// Launchers and the deploy roles they are meant to reach.
    pub intent: intent::Intent,
    /// The organization and its SCPs, as far as the exports say.
    pub org: org::Org<'a>,
    /// Permissions boundary policies by ARN: customer managed ones the
    /// inputs define, and AWS managed ones from the catalog.
    pub boundaries: BTreeMap<String, crate::load::PolicyDoc>,
    /// Further definitions of a node's ARN (a role in a template and in an
    /// export): (node, index into `principals`).
    pub twins: Vec<(NodeIndex, usize)>,
    index: BTreeMap<String, NodeIndex>,
    /// Per principal (as `principals`), which of the [`Grant`] actions some
    /// Allow of its policies names.
    grants: Vec<u8>,
    /// [`grant_mask`] per distinct policy document, by address (the
    /// documents outlive the graph and do not move while it exists).
    doc_grants: std::collections::HashMap<usize, u8>,
}

/// The actions the graph's edges are made of. Which of them a principal's
/// policies name is worked out once per policy document — an AWS or
/// customer managed policy attached to thousands of roles is read once —
/// so the edge builders skip the principals that cannot take part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// `sts:AssumeRole`.
    AssumeRole = 1,
    /// `iam:PassRole`.
    PassRole = 2,
    /// `iam:UpdateAssumeRolePolicy`.
    UpdateTrust = 4,
}

impl Grant {
    /// The action's name.
    pub fn action(self) -> &'static str {
        match self {
            Grant::AssumeRole => "sts:AssumeRole",
            Grant::PassRole => "iam:PassRole",
            Grant::UpdateTrust => "iam:UpdateAssumeRolePolicy",
        }
    }
}

/// Set in a document's [`grant_mask`] when some statement of it, Allow or
/// Deny, applies to `sts:AssumeRole`: only those decide an evaluation of it.
const DECIDES_ASSUME_ROLE: u8 = 8;

/// Which [`Grant`] actions some Allow of `p` names (conditions and
/// resources aside: an edge builder evaluates those), and
/// [`DECIDES_ASSUME_ROLE`].
fn grant_mask(p: &crate::load::PolicyDoc) -> u8 {
    // Bit k of `actions_applying` is GRANTS[k], whose flag is `1 << k`.
    const GRANTS: [Grant; 3] = [Grant::AssumeRole, Grant::PassRole, Grant::UpdateTrust];
    let names = GRANTS.map(Grant::action);
    let mut mask = 0;
    for s in &p.policy.statements {
        let Some(element) = &s.action else { continue };
        let mut wanted = DECIDES_ASSUME_ROLE & !mask;
        if s.is_allow() {
            wanted |= ALL_GRANTS & !mask;
        }
        if wanted == 0 {
            continue;
        }
        let applies = crate::policy::eval::actions_applying(element, &names);
        let mut bits = u8::try_from(applies).unwrap_or(u8::MAX) & ALL_GRANTS;
        if applies & 1 != 0 {
            bits |= DECIDES_ASSUME_ROLE;
        }
        mask |= bits & wanted;
    }
    mask
}

/// Every [`Grant`] bit.
const ALL_GRANTS: u8 = Grant::AssumeRole as u8 | Grant::PassRole as u8 | Grant::UpdateTrust as u8;

/// Per principal, and per distinct document by address.
type Masks = (Vec<u8>, std::collections::HashMap<usize, u8>);

/// [`grant_mask`] of every principal's policies, and of each distinct
/// document (by address: they are shared, not copied), computed once.
fn grant_masks(principals: &[PrincipalPolicies<'_>]) -> Masks {
    let mut seen: std::collections::HashMap<usize, u8> = std::collections::HashMap::new();
    let per_principal = principals
        .iter()
        .map(|h| {
            h.all().fold(0, |acc, p| {
                acc | *seen
                    .entry(std::ptr::from_ref(p).addr())
                    .or_insert_with(|| grant_mask(p))
            })
        })
        .collect();
    (per_principal, seen)
}

impl<'a> PrincipalGraph<'a> {
    /// An empty graph over `principals`.
    fn new(principals: Vec<PrincipalPolicies<'a>>, org: org::Org<'a>) -> Self {
        let (grants, doc_grants) = grant_masks(&principals);
        PrincipalGraph {
            graph: StableDiGraph::new(),
            grants,
            doc_grants,
            principals,
            broken: Vec::new(),
            intent: intent::Intent::default(),
            org,
            twins: Vec::new(),
            boundaries: BTreeMap::new(),
            index: BTreeMap::new(),
        }
    }

    /// The node with this id, if any.
    pub fn find(&self, id: &str) -> Option<NodeIndex> {
        self.index.get(id).copied()
    }

    /// The node with this id, creating it with `make` if needed.
    pub(crate) fn node(&mut self, id: &str, make: impl FnOnce() -> Node<'a>) -> NodeIndex {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = self.graph.add_node(make());
        self.index.insert(id.to_string(), i);
        i
    }

    /// A node by index.
    pub fn at(&self, i: NodeIndex) -> &Node<'a> {
        &self.graph[i]
    }

    /// Nodes in id order (deterministic).
    pub fn nodes(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.index.values().copied()
    }

    /// Edges leaving `i`, sorted by target id.
    pub fn outgoing(&self, i: NodeIndex) -> Vec<(NodeIndex, &Edge)> {
        self.edges_at(i, petgraph::Direction::Outgoing)
    }

    /// Edges entering `i`, sorted by source id.
    pub fn incoming(&self, i: NodeIndex) -> Vec<(NodeIndex, &Edge)> {
        self.edges_at(i, petgraph::Direction::Incoming)
    }

    /// Edges at `i` in one direction, with the node at the other end,
    /// sorted by that node's id then mechanism (deterministic output).
    fn edges_at(&self, i: NodeIndex, direction: petgraph::Direction) -> Vec<(NodeIndex, &Edge)> {
        use petgraph::visit::EdgeRef;
        let mut out: Vec<(NodeIndex, &Edge)> = self
            .graph
            .edges_directed(i, direction)
            .map(|e| {
                let other = if direction == petgraph::Direction::Outgoing {
                    e.target()
                } else {
                    e.source()
                };
                (other, e.weight())
            })
            .collect();
        out.sort_by(|a, b| {
            self.graph[a.0]
                .id
                .cmp(&self.graph[b.0].id)
                .then(a.1.mechanism.cmp(&b.1.mechanism))
        });
        out
    }

    /// The permissions boundary of a node, when it has one the inputs (or
    /// the AWS managed policies) define.
    pub fn boundary(&self, i: NodeIndex) -> Option<&crate::load::PolicyDoc> {
        let arn = self.at(i).definition?.boundary.as_ref()?;
        self.boundaries.get(arn.value.as_str())
    }

    /// The SCP documents that reach `account`.
    pub fn org_policies(&self, account: &str) -> Vec<&'a crate::policy::Policy> {
        self.org
            .scps_for(account)
            .iter()
            .filter_map(|(id, _, _)| self.org.policy(id))
            .map(|p| &p.policy)
            .collect()
    }

    /// The identity policies of a node, if the inputs define it.
    pub fn holdings(&self, i: NodeIndex) -> Option<&PrincipalPolicies<'a>> {
        self.graph[i].holdings.and_then(|h| self.principals.get(h))
    }

    /// Whether some Allow of `i`'s identity policies names `grant`'s action
    /// (a necessary condition for its edges, not a decision).
    pub fn may_grant(&self, i: NodeIndex, grant: Grant) -> bool {
        self.graph[i]
            .holdings
            .and_then(|h| self.grants.get(h))
            .is_some_and(|m| m & grant as u8 != 0)
    }

    /// Whether some Allow of `policy` (one a principal holds) names the
    /// action of one of `grants`: the policies an edge builder need not
    /// read (`ReadOnlyAccess`'s thousands of actions, for `iam:PassRole`).
    pub fn policy_may_grant(&self, policy: &crate::load::PolicyDoc, grants: &[Grant]) -> bool {
        let mask = self.doc_mask(policy);
        grants.iter().any(|&g| mask & g as u8 != 0)
    }

    /// Whether some statement of `policy` (one a principal holds), Allow or
    /// Deny, applies to `sts:AssumeRole`: the others cannot change an
    /// evaluation of it, and need not be read.
    pub fn policy_decides_assume_role(&self, policy: &crate::load::PolicyDoc) -> bool {
        self.doc_mask(policy) & DECIDES_ASSUME_ROLE != 0
    }

    fn doc_mask(&self, policy: &crate::load::PolicyDoc) -> u8 {
        self.doc_grants
            .get(&std::ptr::from_ref(policy).addr())
            .copied()
            .unwrap_or_else(|| grant_mask(policy))
    }
}

/// Every permissions boundary a principal names, resolved: a managed
/// policy the inputs define, else the AWS managed policy of that ARN (read
/// apart from the run's files: a boundary's own text is never reported on).
fn boundaries(documents: &[Document]) -> BTreeMap<String, crate::load::PolicyDoc> {
    let mut out = BTreeMap::new();
    let named: std::collections::BTreeSet<&str> = documents
        .iter()
        .flat_map(|d| &d.principals)
        .filter_map(|p| p.boundary.as_ref().map(|b| b.value.as_str()))
        .collect();
    // One pass over the policies for all boundaries: an export names
    // thousands, and searching the policies once for each was quadratic.
    let mut defined: std::collections::HashMap<&str, &crate::load::PolicyDoc> =
        std::collections::HashMap::with_capacity(named.len());
    for p in documents.iter().flat_map(|d| &d.policies) {
        if let Some(arn) = p.arn.as_deref().filter(|a| named.contains(a)) {
            // The first definition wins, as the lookup of one did.
            defined.entry(arn).or_insert(p);
        }
    }
    for arn in named.iter().copied() {
        let defined = defined.get(arn).map(|p| (*p).clone());
        let policy = defined.or_else(|| {
            let managed = crate::catalog::managed_policy(arn)?;
            let node =
                crate::load::json::parse(managed.document, crate::source::SourceId(u32::MAX))
                    .ok()?;
            Some(crate::load::policy_file::build(
                &node,
                crate::policy::PolicyKind::Boundary,
            ))
        });
        if let Some(p) = policy {
            out.insert(arn.to_string(), p);
        }
    }
    out
}

/// Build the graph from the loaded documents.
pub fn build<'a>(
    principals: Vec<PrincipalPolicies<'a>>,
    documents: &'a [Document],
    config: &Config,
) -> PrincipalGraph<'a> {
    let mut g = PrincipalGraph::new(principals, org::Org::collect(documents));
    // Nodes for every principal the inputs define with an ARN.
    for h in 0..g.principals.len() {
        let Some((doc, def)) = g.principals[h].definition else {
            continue;
        };
        let Some(arn) = def.arn.clone() else { continue };
        let kind = match def.kind {
            PrincipalKind::Role => NodeKind::Role,
            PrincipalKind::User => NodeKind::User,
            // Groups cannot be assumed or assume; their policies reach users.
            PrincipalKind::Group => continue,
        };
        let i = g.node(&arn, || Node {
            id: arn.clone(),
            kind,
            account: def.account.clone(),
            label: def.name.value.clone(),
            defined_at: Some(def.name.span),
            holdings: Some(h),
            definition: Some(def),
            document: Some(doc),
        });
        // A role defined twice (an export and `aws iam get-role` output,
        // which holds no permissions): keep the definition that holds its
        // identity policies, else the first.
        let holds = |p: &PrincipalPolicies<'_>| !p.policies.is_empty() || !p.managed.is_empty();
        if g.graph[i].holdings != Some(h) {
            g.twins.push((i, h));
        }
        let existing = g.graph[i].holdings.and_then(|e| g.principals.get(e));
        if existing.is_some_and(|e| !holds(e)) && holds(&g.principals[h]) {
            let node = &mut g.graph[i];
            node.holdings = Some(h);
            node.definition = Some(def);
            node.document = Some(doc);
            node.defined_at = Some(def.name.span);
        }
    }
    g.boundaries = boundaries(documents);
    edges::assume_role::add(&mut g);
    edges::pass_role::add(&mut g);
    edges::kubernetes::add(&mut g, documents);
    g.intent = intent::resolve(&g, config);
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{PolicyDoc, json};
    use crate::policy::document::{self, PolicyKind};
    use crate::source::SourceId;

    fn doc(statements: &str) -> PolicyDoc {
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": {statements}}}"#);
        let node = json::parse(&text, SourceId(0)).expect("valid JSON");
        let built = document::build(&node, PolicyKind::Identity);
        PolicyDoc::new(built.policy, built.problems)
    }

    /// The per-document mask lets edge builders skip documents; it must
    /// keep every document whose statements could change an evaluation.
    #[test]
    fn a_document_decides_assume_role_when_any_statement_applies_to_it() {
        let cases = [
            // (statements, grants AssumeRole, grants PassRole, decides AssumeRole)
            (
                r#"[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]"#,
                false,
                false,
                false,
            ),
            (
                r#"[{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}]"#,
                false,
                false,
                true,
            ),
            (
                r#"[{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}]"#,
                true,
                true,
                true,
            ),
            (
                r#"[{"Effect": "Deny", "NotAction": "sts:*", "Resource": "*"}]"#,
                false,
                false,
                false,
            ),
            (
                r#"[{"Effect": "Allow", "Action": "STS:assume*", "Resource": "*"}]"#,
                true,
                false,
                true,
            ),
            (
                r#"[{"Effect": "Allow", "Action": ["iam:Pass*", "ec2:*"], "Resource": "*"}]"#,
                false,
                true,
                false,
            ),
            (
                r#"[{"Effect": "Allow", "Action": "*", "Resource": "*"}]"#,
                true,
                true,
                true,
            ),
        ];
        for (statements, assume, pass, decides) in cases {
            let mask = grant_mask(&doc(statements));
            assert_eq!(mask & Grant::AssumeRole as u8 != 0, assume, "{statements}");
            assert_eq!(mask & Grant::PassRole as u8 != 0, pass, "{statements}");
            assert_eq!(mask & DECIDES_ASSUME_ROLE != 0, decides, "{statements}");
        }
    }

    /// The one-pass mask is what asking `action_applies` of each action of
    /// each statement gives, over effects, `Action`/`NotAction` and items
    /// of every kind (other services, wildcards first, case).
    #[test]
    fn the_mask_is_action_applies_per_action() {
        use crate::policy::eval::{ACTION_ITEMS, item_arrays};
        for array in item_arrays(ACTION_ITEMS) {
            for effect in ["Allow", "Deny"] {
                for key in ["Action", "NotAction"] {
                    let statements =
                        format!(r#"[{{"Effect": "{effect}", "{key}": {array}, "Resource": "*"}}]"#);
                    let d = doc(&statements);
                    let s = &d.policy.statements[0];
                    let applies =
                        |a: &str| crate::policy::eval::action_applies(s.action.as_ref(), a);
                    let mut want = 0;
                    if applies("sts:AssumeRole") {
                        want |= DECIDES_ASSUME_ROLE;
                    }
                    if effect == "Allow" {
                        for g in [Grant::AssumeRole, Grant::PassRole, Grant::UpdateTrust] {
                            if applies(g.action()) {
                                want |= g as u8;
                            }
                        }
                    }
                    assert_eq!(grant_mask(&d), want, "{statements}");
                }
            }
        }
    }
}
