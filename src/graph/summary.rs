//! The auditor's first page: per account, how many principals, which
//! findings, and the chains that reach Prod — computed from the graph and
//! the findings of a run (`--format summary`).

use std::collections::BTreeMap;

use crate::config::Config;
use crate::diagnostic::{Finding, Severity};
use crate::graph::{NodeKind, PrincipalGraph, paths};
use crate::model::{Environment, PrincipalKind};

/// One account's summary.
#[derive(Clone, Debug, Default)]
pub struct AccountSummary {
    /// The account id (`unknown` for findings outside any known account).
    pub account: String,
    /// Its name, if the config or an Organizations export gives one.
    pub name: Option<String>,
    /// Its environment, if known.
    pub environment: Option<Environment>,
    /// Roles, users and groups defined in it.
    pub roles: usize,
    /// Users.
    pub users: usize,
    /// Groups.
    pub groups: usize,
    /// Findings by rule: (severity, count).
    pub findings: BTreeMap<String, (Severity, usize)>,
    /// Chains from a workload into this account's roles, when it is Prod.
    pub chains_to_prod: Vec<String>,
}

/// Summarise a run.
pub fn summarise(
    g: &PrincipalGraph<'_>,
    sites: &crate::locate::Sites<'_>,
    config: &Config,
    findings: &[Finding],
) -> Vec<AccountSummary> {
    let mut accounts: BTreeMap<String, AccountSummary> = BTreeMap::new();
    for p in &g.principals {
        let Some((_, def)) = p.definition else {
            continue;
        };
        let Some(account) = def.account.clone() else {
            continue;
        };
        let entry = accounts.entry(account).or_default();
        match def.kind {
            PrincipalKind::Role => entry.roles += 1,
            PrincipalKind::User => entry.users += 1,
            PrincipalKind::Group => entry.groups += 1,
        }
    }
    // The account of a finding: its policy's holder's, or the policy's own.
    for f in findings {
        let account = sites
            .site(f.primary.span)
            .and_then(|s| {
                s.holder
                    .and_then(|h| h.account.clone())
                    .or_else(|| s.policy.and_then(|(_, p)| p.account.clone()))
            })
            .unwrap_or_else(|| "unknown".to_string());
        let entry = accounts.entry(account).or_default();
        let slot = entry
            .findings
            .entry(f.rule.to_string())
            .or_insert((f.severity, 0));
        slot.1 += 1;
    }
    let workloads: Vec<_> = g
        .nodes()
        .filter(|&n| matches!(g.at(n).kind, NodeKind::Service | NodeKind::Federated))
        .collect();
    for w in workloads {
        for (target, path) in paths::reachable(g, w) {
            let Some(account) = g.at(target).account.clone() else {
                continue;
            };
            if config.environment(&account) != Some(Environment::Prod) {
                continue;
            }
            let text = path
                .iter()
                .map(|&n| g.at(n).label.as_str())
                .collect::<Vec<_>>()
                .join(" → ");
            accounts
                .entry(account)
                .or_default()
                .chains_to_prod
                .push(text);
        }
    }
    accounts
        .into_iter()
        .map(|(id, mut s)| {
            s.name = config.accounts.get(&id).and_then(|a| a.name.clone());
            s.environment = config.environment(&id);
            s.account = id;
            s.chains_to_prod.sort();
            s.chains_to_prod.truncate(10);
            s
        })
        .collect()
}
