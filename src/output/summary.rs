//! `--format summary`: what an auditor reads first — per account, the
//! principals, the findings by severity and rule, and the chains that reach
//! Prod; then the run's totals.

use std::io::{self, Write};

use crate::diagnostic::Report;
use crate::graph::summary::AccountSummary;
use crate::output::summary_line;

/// Write the summary.
pub fn write(accounts: &[AccountSummary], report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for a in accounts {
        let mut title = a.account.clone();
        if let Some(name) = &a.name {
            title.push_str(&format!(" {name}"));
        }
        if let Some(env) = a.environment {
            title.push_str(&format!(" [{}]", env.as_str()));
        }
        writeln!(out, "account {title}")?;
        if a.roles + a.users + a.groups > 0 {
            writeln!(
                out,
                "  principals: {} roles, {} users, {} groups",
                a.roles, a.users, a.groups
            )?;
        }
        if a.findings.is_empty() {
            writeln!(out, "  findings: none")?;
        } else {
            let total: usize = a.findings.values().map(|(_, n)| n).sum();
            writeln!(out, "  findings: {total}")?;
            let mut rows: Vec<_> = a.findings.iter().collect();
            rows.sort_by(|x, y| y.1.0.cmp(&x.1.0).then(y.1.1.cmp(&x.1.1)).then(x.0.cmp(y.0)));
            for (rule, (severity, n)) in rows {
                writeln!(out, "    {n:>4}  {:<8} {rule}", severity.as_str())?;
            }
        }
        if !a.chains_to_prod.is_empty() {
            writeln!(out, "  chains into this prod account:")?;
            for c in &a.chains_to_prod {
                writeln!(out, "    {c}")?;
            }
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", summary_line(report))
}
