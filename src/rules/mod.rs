//! The rule engine's contract: the [`Rule`] trait, its metadata, the
//! [`Context`] rules report through, and the registry [`ALL`].
//!
//! A rule overrides the narrowest hook that gives it what it needs; the
//! default hooks walk from a file to its policies to their statements. Rules
//! never fail and never print: they call [`Context::report`], which stamps
//! the rule's name and configured severity on the finding.

use crate::config::Config;
use crate::diagnostic::{Finding, Label, Severity};
use crate::graph::PrincipalGraph;
use crate::load::{Document, PolicyDoc};
use crate::policy::Statement;
use crate::principals::PrincipalPolicies;
use crate::source::{SourceMap, Span};

pub mod audit;
pub mod chain;
pub mod credentials;
pub mod environment;
mod expansion;
pub mod kubernetes;
pub mod permissions;
pub mod resource;
pub mod suppression;
pub mod syntax;
pub mod trust;

/// A rule's family, which groups it in `iamchain rules` and in config.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// The input cannot be read as intended.
    Syntax,
    /// What an identity policy grants.
    Permissions,
    /// Who a trust policy lets in.
    Trust,
    /// Who a resource policy lets in.
    Resource,
    /// How IAM principals become Kubernetes identities and back (aws-auth,
    /// access entries, IRSA, Pod Identity, node roles).
    Kubernetes,
    /// Rights that depend on the account's environment (Prod).
    Environment,
    /// Stored, long-lived credentials.
    Credentials,
    /// Chains of principals across files and accounts.
    Chain,
    /// What account exports show: users, unused roles.
    Audit,
    /// Suppressions that no longer do anything.
    Suppression,
}

impl Category {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Permissions => "permissions",
            Category::Trust => "trust",
            Category::Resource => "resource",
            Category::Kubernetes => "kubernetes",
            Category::Environment => "environment",
            Category::Credentials => "credentials",
            Category::Chain => "chain",
            Category::Audit => "audit",
            Category::Suppression => "suppression",
        }
    }
}

/// Static facts about a rule. The name is its identity everywhere: config,
/// suppressions, SARIF `ruleId`, the docs page and the fixture folder.
#[derive(Debug)]
pub struct RuleMeta {
    /// kebab-case name of the pattern flagged.
    pub name: &'static str,
    /// Family.
    pub category: Category,
    /// Severity unless configured otherwise.
    pub default_severity: Severity,
    /// One line, lowercase, no trailing period.
    pub summary: &'static str,
    /// The rule's page, `rules/<name>.md`.
    pub docs: &'static str,
}

/// A lint rule.
pub trait Rule: Sync {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;

    /// Called once per loaded file, for what concerns the file as a whole
    /// (its parse errors, its tree, its Kubernetes objects). Its policies
    /// are visited apart, by [`check_policies`].
    fn check_document(&self, _document: &Document, _cx: &mut Context<'_>) {}

    /// Whether [`Rule::check_document`] reads the parsed trees
    /// (`Document::roots`, `Document::embedded`) rather than the model. Such
    /// a rule runs on a file as soon as it is loaded, before its trees are
    /// dropped (see `engine::analyse`) — except on a template, which keeps
    /// `embedded` and runs it after `stackset::link`, but may have lost
    /// `roots` by then (the parser's `Document::duplicate_keys` stay).
    fn reads_trees(&self) -> bool {
        false
    }

    /// Called once per policy document (see [`check_policies`]). By
    /// default visits each statement.
    fn check_policy(&self, policy: &PolicyDoc, cx: &mut Context<'_>) {
        for statement in &policy.policy.statements {
            self.check_statement(statement, policy, cx);
        }
    }

    /// Called once per principal with every identity policy it holds
    /// (inline, customer managed, attached AWS managed): for rules about
    /// combinations that no single policy shows.
    fn check_principal(&self, _principal: &PrincipalPolicies<'_>, _cx: &mut Context<'_>) {}

    /// Called once per run with the principal graph: for rules about chains
    /// of principals across files and accounts.
    fn check_graph(&self, _graph: &PrincipalGraph<'_>, _cx: &mut Context<'_>) {}

    /// Called for every modelled statement.
    fn check_statement(&self, _statement: &Statement, _policy: &PolicyDoc, _cx: &mut Context<'_>) {}

    /// Called once per run with every loaded document, for checks that join
    /// facts from several files (a ServiceAccount in one file, its role's
    /// trust policy in another). Kept small on purpose: the principal graph
    /// will replace it.
    fn check_run(&self, _documents: &[Document], _cx: &mut Context<'_>) {}
}

/// Runs `rule` over a run of one document's policies, each inside
/// [`Context::enter_policy`]. The engine hands every rule the same short
/// run in turn, so that a large export's policies are read from cache by
/// all the rules instead of from memory once per rule.
///
/// The engine leaves AWS managed policies out of these runs (once, not
/// once per rule): an AWS managed policy in an export is AWS's text, not
/// the user's; what they chose is to attach it, which principal rules
/// judge.
pub fn check_policies<'a>(rule: &dyn Rule, policies: &'a [PolicyDoc], cx: &mut Context<'a>) {
    for policy in policies {
        cx.enter_borrowed_policy(policy);
        rule.check_policy(policy, cx);
        cx.leave_policy();
    }
}

/// What a rule reports through.
pub struct Context<'a> {
    meta: &'static RuleMeta,
    severity: Severity,
    findings: &'a mut Vec<Finding>,
    /// Every loaded file (to read a value's text).
    pub sources: &'a SourceMap,
    /// The run's configuration: facts about accounts and environments that
    /// rules reason with.
    pub config: &'a Config,
    /// The instantiation facts of the policy being checked (see
    /// [`Context::enter_policy`]).
    current: Option<Instantiation<'a>>,
    /// What [`Context::remember`] was given.
    checked: std::collections::HashSet<Box<[usize]>>,
}

/// What a finding inside one policy learns from where the policy came from:
/// the policy itself when it outlives the context (every rule enters every
/// policy: copying was a quarter of a run over templates), else copies.
#[derive(Debug)]
enum Instantiation<'a> {
    Borrowed(&'a PolicyDoc),
    Copied(Box<Copied>),
}

/// See [`Instantiation::Copied`].
#[derive(Debug)]
struct Copied {
    origin: Option<String>,
    origin_span: Option<Span>,
    provenance: Vec<crate::source::Spanned<String>>,
    assumptions: Vec<crate::load::Assumption>,
}

impl Instantiation<'_> {
    fn origin(&self) -> Option<&str> {
        match self {
            Instantiation::Borrowed(p) => p.origin.as_deref(),
            Instantiation::Copied(c) => c.origin.as_deref(),
        }
    }

    fn origin_span(&self) -> Option<Span> {
        match self {
            Instantiation::Borrowed(p) => p.origin_span,
            Instantiation::Copied(c) => c.origin_span,
        }
    }

    fn provenance(&self) -> &[crate::source::Spanned<String>] {
        match self {
            Instantiation::Borrowed(p) => &p.provenance,
            Instantiation::Copied(c) => &c.provenance,
        }
    }

    fn assumptions(&self) -> &[crate::load::Assumption] {
        match self {
            Instantiation::Borrowed(p) => &p.assumptions,
            Instantiation::Copied(c) => &c.assumptions,
        }
    }
}

/// Whether findings inside `policy` have something to say about where it
/// came from.
fn instantiated(policy: &PolicyDoc) -> bool {
    policy.origin.is_some() || !policy.provenance.is_empty() || !policy.assumptions.is_empty()
}

impl<'a> Context<'a> {
    /// A context for one rule.
    pub fn new(
        meta: &'static RuleMeta,
        severity: Severity,
        sources: &'a SourceMap,
        config: &'a Config,
        findings: &'a mut Vec<Finding>,
    ) -> Self {
        Context {
            meta,
            severity,
            findings,
            sources,
            config,
            current: None,
            checked: std::collections::HashSet::new(),
        }
    }

    /// Whether [`Context::remember`] was given `key` in this context. For
    /// a rule whose findings on an item are a function of the things the
    /// item refers to, keyed by their addresses: an item referring to the
    /// same things as one checked before adds only repeats (which the report
    /// drops). A context lives for one run of items of one run, while
    /// everything it borrows lives, so an address names one thing here.
    pub fn checked(&self, key: &[usize]) -> bool {
        self.checked.contains(key)
    }

    /// Note that the item with `key` (see [`Context::checked`]) was checked
    /// to the end.
    pub fn remember(&mut self, key: Box<[usize]>) {
        self.checked.insert(key);
    }

    /// Report the findings that follow as inside `policy`: each names the
    /// instantiation it comes from (" in stack instance 333333333333
    /// (prod)", with labels at the instance and at the parameter values
    /// that made the policy exist), and a finding at a value that depends
    /// on an assumption names it (", assuming parameter `Target` = `*` (its
    /// default)"). The default [`Rule::check_document`] calls this.
    pub fn enter_policy(&mut self, policy: &PolicyDoc) {
        if !instantiated(policy) {
            self.leave_policy();
            return;
        }
        self.current = Some(Instantiation::Copied(Box::new(Copied {
            origin: policy.origin.clone(),
            origin_span: policy.origin_span,
            provenance: policy.provenance.clone(),
            assumptions: policy.assumptions.clone(),
        })));
    }

    /// [`Context::enter_policy`] for a policy that outlives the context:
    /// what it needs is borrowed, not copied.
    pub fn enter_borrowed_policy(&mut self, policy: &'a PolicyDoc) {
        // Every rule enters every policy: the common case (a plain policy
        // after a plain policy) writes nothing.
        if !instantiated(policy) {
            self.leave_policy();
            return;
        }
        self.current = Some(Instantiation::Borrowed(policy));
    }

    /// Stop reporting as inside a policy.
    pub fn leave_policy(&mut self) {
        if self.current.is_some() {
            self.current = None;
        }
    }

    /// The assumption the value at `span` depends on, in the policy being
    /// checked: rules use it to say "may".
    pub fn assumption_at(&self, span: Span) -> Option<&crate::load::Assumption> {
        self.current
            .as_ref()?
            .assumptions()
            .iter()
            .find(|a| overlaps(a.span, span))
    }

    /// Report a finding at `span` with a severity that depends on the case
    /// (an error in Prod, a warning elsewhere). A severity the user
    /// configured for the rule still wins.
    pub fn report_as(
        &mut self,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Finding {
        let configured = self.config.severity.contains_key(self.meta.name);
        let finding = self.report(span, message);
        if !configured {
            finding.severity = severity;
        }
        finding
    }

    /// Report a finding at `span`; chain `.help(…)`, `.related(…)` on the result.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Finding {
        let mut message = message.into();
        let mut related = Vec::new();
        if let Some(cur) = &self.current {
            if let Some(a) = cur.assumptions().iter().find(|a| overlaps(a.span, span)) {
                if !message.contains(&a.text) {
                    message = format!("{message}, assuming {}", a.text);
                }
                if let Some(src) = a.source {
                    related.push(Label::new(src, format!("assumed: {}", a.text)));
                }
            }
            if let Some(origin) = cur.origin() {
                message = format!("{message}, in {origin}");
                if let Some(s) = cur.origin_span() {
                    related.push(Label::new(s, origin.to_string()));
                }
            }
            for p in cur.provenance() {
                related.push(Label::new(p.span, p.value.clone()));
            }
        }
        self.findings.push(Finding {
            rule: self.meta.name,
            severity: self.severity,
            message,
            primary: Label::new(span, self.meta.summary),
            related,
            help: None,
            key: String::new(),
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}

/// Every rule iamchain knows, by category, then name. This order is the
/// order of `iamchain rules` and of `rules/README.md`.
pub static ALL: &[&dyn Rule] = &[
    // syntax
    &syntax::condition_type_mismatch::ConditionTypeMismatch,
    &syntax::duplicate_key::DuplicateKey,
    &syntax::duplicate_sid::DuplicateSid,
    &syntax::incomplete_export::IncompleteExport,
    &syntax::invalid_arn::InvalidArn,
    &syntax::invalid_json::InvalidJson,
    &syntax::invalid_policy::InvalidPolicy,
    &syntax::invalid_suppression::InvalidSuppression,
    &syntax::invalid_template::InvalidTemplate,
    &syntax::invalid_yaml::InvalidYaml,
    &syntax::literal_wildcard_in_condition::LiteralWildcardInCondition,
    &syntax::policy_version::PolicyVersion,
    &syntax::resource_mismatch::ResourceMismatch,
    &syntax::unknown_action::UnknownAction,
    &syntax::unknown_condition_key::UnknownConditionKey,
    &syntax::unknown_managed_policy::UnknownManagedPolicy,
    &syntax::unknown_service::UnknownService,
    &syntax::unreadable_file::UnreadableFile,
    // permissions
    &permissions::admin_access::AdminAccess,
    &permissions::assume_role_any_resource::AssumeRoleAnyResource,
    &permissions::credentials_exposure::CREDENTIALS_EXPOSURE,
    &permissions::data_read_any_resource::DATA_READ_ANY_RESOURCE,
    &permissions::not_action_allow::NotActionAllow,
    &permissions::not_resource_allow::NotResourceAllow,
    &permissions::pass_role_any_resource::PassRoleAnyResource,
    &permissions::permissions_management_wildcard::PermissionsManagementWildcard,
    &permissions::privilege_escalation::PrivilegeEscalation,
    &permissions::wildcard_action::WildcardAction,
    &permissions::wildcard_resource::WildcardResource,
    // trust
    &trust::dangling_trust_principal::DanglingTrustPrincipal,
    &trust::not_principal_allow::NotPrincipalAllow,
    &trust::oidc_claim_for_all_values::OidcClaimForAllValues,
    &trust::oidc_condition_wrong_issuer::OidcConditionWrongIssuer,
    &trust::oidc_subject_wildcard::OidcSubjectWildcard,
    &trust::oidc_trust_without_audience::OidcTrustWithoutAudience,
    &trust::oidc_trust_without_subject::OidcTrustWithoutSubject,
    &trust::pod_identity_trust_unrestricted::PodIdentityTrustUnrestricted,
    &trust::pod_identity_trust_without_tag_session::PodIdentityTrustWithoutTagSession,
    &trust::trust_account_root::TrustAccountRoot,
    &trust::trust_action_mismatch::TrustActionMismatch,
    &trust::trust_any_principal::TrustAnyPrincipal,
    // resource
    &resource::public_resource_policy::PublicResourcePolicy,
    // kubernetes
    &kubernetes::access_entry_cluster_admin::AccessEntryClusterAdmin,
    &kubernetes::aws_auth_duplicate_mapping::AwsAuthDuplicateMapping,
    &kubernetes::aws_auth_invalid::AwsAuthInvalid,
    &kubernetes::aws_auth_map_accounts::AwsAuthMapAccounts,
    &kubernetes::aws_auth_map_users::AwsAuthMapUsers,
    &kubernetes::aws_auth_missing_node_role::AwsAuthMissingNodeRole,
    &kubernetes::aws_auth_role_path::AwsAuthRolePath,
    &kubernetes::imds_reachable_from_pods::ImdsReachableFromPods,
    &kubernetes::irsa_trust_mismatch::IrsaTrustMismatch,
    &kubernetes::node_role_too_broad::NodeRoleTooBroad,
    &kubernetes::pod_identity_trust_mismatch::PodIdentityTrustMismatch,
    &kubernetes::system_masters_mapping::SystemMastersMapping,
    // environment
    &environment::prod_delete_right::ProdDeleteRight,
    &environment::prod_push_right::ProdPushRight,
    // credentials
    &credentials::long_lived_access_key::LongLivedAccessKey,
    // chain
    &chain::broken_chain::BrokenChain,
    &chain::chain_to_admin::ChainToAdmin,
    &chain::launcher_resource_permissions::LauncherResourcePermissions,
    &chain::pod_identity_chain_tag_session::PodIdentityChainTagSession,
    &chain::role_chain_session_too_long::RoleChainSessionTooLong,
    &chain::scp_management_account::ScpManagementAccount,
    &chain::scp_principal_arn_chain::ScpPrincipalArnChain,
    &chain::unintended_chain::UnintendedChain,
    // audit
    &audit::admin_user::AdminUser,
    &audit::drift::Drift,
    &audit::inline_policy_on_user::InlinePolicyOnUser,
    &audit::managed_policy_on_user::ManagedPolicyOnUser,
    &audit::unused_role::UnusedRole,
    &audit::user_without_group::UserWithoutGroup,
    // suppression
    &suppression::unused_suppression::UnusedSuppression,
];

fn overlaps(a: Span, b: Span) -> bool {
    a.source == b.source && a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
}

/// Look a rule up by name.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().name == name)
}

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod registry_tests;
