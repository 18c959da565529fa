//! `drift`: a role or user is defined by two inputs — a CloudFormation
//! template and an account export, or two exports of the same account —
//! and they disagree on its trust policy or its permissions. The export is
//! what is deployed; the difference is a change made by hand, a stack that
//! was not updated, or an export of another time.
//!
//! Policies are compared by meaning, not text: statements are compared as
//! sets, with action names compared case-insensitively and element order
//! ignored, so reformatting or reordering is not drift.

use std::collections::BTreeSet;

use crate::diagnostic::Severity;
use crate::graph::PrincipalGraph;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::principals::PrincipalPolicies;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct Drift;

static META: RuleMeta = RuleMeta {
    name: "drift",
    category: Category::Audit,
    default_severity: Severity::Warning,
    summary: "two inputs define the same principal differently",
    docs: include_str!("../../../rules/drift.md"),
};

/// A statement's meaning as comparable text: effect, the element forms
/// and their sorted items, and the sorted conditions.
fn statement_key(s: &Statement) -> String {
    let items = |e: Option<(bool, Vec<String>)>| match e {
        None => "-".to_string(),
        Some((negated, mut v)) => {
            v.sort();
            v.dedup();
            format!("{}{}", if negated { "not:" } else { "" }, v.join(","))
        }
    };
    let action = items(s.action.as_ref().map(|a| {
        (
            a.negated,
            a.items
                .iter()
                .map(|i| i.value.to_ascii_lowercase().to_string())
                .collect(),
        )
    }));
    let resource = items(s.resource.as_ref().map(|r| {
        (
            r.negated,
            r.items.iter().map(|i| i.value.to_string()).collect(),
        )
    }));
    let principal = items(s.principal.as_ref().map(|p| {
        (
            p.negated,
            p.items
                .iter()
                .map(|i| format!("{:?}={}", i.value.ty, i.value.value))
                .collect(),
        )
    }));
    let mut conditions: Vec<String> = s
        .conditions
        .iter()
        .map(|c| {
            let mut values: Vec<&str> = c.values.iter().map(|v| v.value.as_str()).collect();
            values.sort_unstable();
            format!(
                "{}|{}|{}",
                c.operator.value.name.to_ascii_lowercase(),
                c.key.value.to_ascii_lowercase(),
                values.join(",")
            )
        })
        .collect();
    conditions.sort();
    format!(
        "{:?};{action};{resource};{principal};{}",
        s.effect.value,
        conditions.join("&")
    )
}

fn keys<'p>(policies: impl IntoIterator<Item = &'p PolicyDoc>) -> BTreeSet<String> {
    policies
        .into_iter()
        .flat_map(|p| p.policy.statements.iter().map(statement_key))
        .collect()
}

/// The trust policy and the identity statements of one definition.
fn meaning(p: &PrincipalPolicies<'_>) -> Option<(BTreeSet<String>, BTreeSet<String>)> {
    let (doc, def) = p.definition?;
    let trust = keys(def.trust.and_then(|t| doc.policies.get(t)));
    Some((trust, keys(p.all())))
}

/// Whether a definition carries permissions at all (`aws iam get-role`
/// output defines only the trust: comparing its permissions is meaningless).
fn holds(p: &PrincipalPolicies<'_>) -> bool {
    !p.policies.is_empty() || !p.managed.is_empty()
}

impl Rule for Drift {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_graph(&self, g: &PrincipalGraph<'_>, cx: &mut Context<'_>) {
        for &(node, other) in &g.twins {
            let Some(first) = g.holdings(node) else {
                continue;
            };
            let Some(second) = g.principals.get(other) else {
                continue;
            };
            let (Some((t1, p1)), Some((t2, p2))) = (meaning(first), meaning(second)) else {
                continue;
            };
            let (Some((_, d1)), Some((_, d2))) = (first.definition, second.definition) else {
                continue;
            };
            let mut differences = Vec::new();
            if !t1.is_empty() && !t2.is_empty() && t1 != t2 {
                differences.push("a different trust policy");
            }
            if holds(first) && holds(second) && p1 != p2 {
                differences.push("different permissions");
            }
            if differences.is_empty() {
                continue;
            }
            let name = &g.at(node).label;
            cx.report(
                d2.name.span,
                format!(
                    "`{name}` is defined again here with {}",
                    differences.join(" and ")
                ),
            )
            .label("this definition")
            .related(d1.name.span, "the other definition")
            .help("deploy the template again, or bring the template in line with what is deployed");
        }
    }
}
