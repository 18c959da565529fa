//! The rule engine's contract: the [`Rule`] trait, its metadata, the
//! [`Context`] rules report through, and the registry [`ALL`].
//!
//! A rule overrides the narrowest hook that gives it what it needs; the
//! default hooks walk from a file to its policies to their statements. Rules
//! never fail and never print: they call [`Context::report`], which stamps
//! the rule's name and configured severity on the finding.

use crate::config::Config;
use crate::diagnostic::{Finding, Label, Severity};
use crate::load::{Document, PolicyDoc};
use crate::policy::Statement;
use crate::principals::PrincipalPolicies;
use crate::source::{SourceMap, Span};

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

    /// Called once per loaded file. By default visits each policy in it.
    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for policy in &document.policies {
            self.check_policy(policy, cx);
        }
    }

    /// Called once per policy document. By default visits each statement.
    fn check_policy(&self, policy: &PolicyDoc, cx: &mut Context<'_>) {
        for statement in &policy.policy.statements {
            self.check_statement(statement, policy, cx);
        }
    }

    /// Called once per principal with every identity policy it holds
    /// (inline, customer managed, attached AWS managed): for rules about
    /// combinations that no single policy shows.
    fn check_principal(&self, _principal: &PrincipalPolicies<'_>, _cx: &mut Context<'_>) {}

    /// Called for every modelled statement.
    fn check_statement(&self, _statement: &Statement, _policy: &PolicyDoc, _cx: &mut Context<'_>) {}
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
        }
    }

    /// Report a finding at `span`; chain `.help(…)`, `.related(…)` on the result.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding {
            rule: self.meta.name,
            severity: self.severity,
            message: message.into(),
            primary: Label::new(span, self.meta.summary),
            related: Vec::new(),
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
    &syntax::duplicate_key::DuplicateKey,
    &syntax::duplicate_sid::DuplicateSid,
    &syntax::invalid_json::InvalidJson,
    &syntax::invalid_policy::InvalidPolicy,
    &syntax::invalid_yaml::InvalidYaml,
    &syntax::literal_wildcard_in_condition::LiteralWildcardInCondition,
    &syntax::policy_version::PolicyVersion,
    &syntax::unreadable_file::UnreadableFile,
    // permissions
    &permissions::admin_access::AdminAccess,
    &permissions::assume_role_any_resource::AssumeRoleAnyResource,
    &permissions::not_action_allow::NotActionAllow,
    &permissions::not_resource_allow::NotResourceAllow,
    &permissions::pass_role_any_resource::PassRoleAnyResource,
    &permissions::wildcard_action::WildcardAction,
    // trust
    &trust::not_principal_allow::NotPrincipalAllow,
    &trust::trust_account_root::TrustAccountRoot,
    &trust::trust_any_principal::TrustAnyPrincipal,
    // resource
    &resource::public_resource_policy::PublicResourcePolicy,
    // suppression
    &suppression::unused_suppression::UnusedSuppression,
];

/// Look a rule up by name.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().name == name)
}

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod registry_tests;
