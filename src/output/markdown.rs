//! `--format markdown`: a short summary for a pull-request comment or
//! `$GITHUB_STEP_SUMMARY`: counts by severity and by rule, then a table of
//! findings whose locations link to the line (below `link_base` when
//! given, e.g. `https://github.com/OWNER/REPO/blob/SHA`, else relative).
//! Long reports are cut at [`MAX_ROWS`] findings: a step summary holds at
//! most 1 MiB.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::diagnostic::{Report, Severity};
use crate::engine::slash_path;
use crate::output::{rule_page_url, summary_line};
use crate::source::SourceMap;

/// Findings listed in the table at most.
pub const MAX_ROWS: usize = 200;

/// Make text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace(['\r', '\n'], " ")
        .replace('<', "&lt;")
}

/// Write the summary.
pub fn write(
    report: &Report,
    sources: &SourceMap,
    link_base: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "### iamchain: {}\n", summary_line(report))?;
    if report.findings.is_empty() {
        return Ok(());
    }
    let mut by_rule: BTreeMap<(std::cmp::Reverse<Severity>, &str), usize> = BTreeMap::new();
    for f in &report.findings {
        *by_rule
            .entry((std::cmp::Reverse(f.severity), f.rule))
            .or_default() += 1;
    }
    let (e, w, n) = report.counts();
    writeln!(out, "| severity | findings |\n|---|---:|")?;
    for (count, name) in [(e, "error"), (w, "warning"), (n, "note")] {
        if count > 0 {
            writeln!(out, "| {name} | {count} |")?;
        }
    }
    writeln!(out, "\n| rule | severity | findings |\n|---|---|---:|")?;
    for ((severity, rule), count) in &by_rule {
        writeln!(
            out,
            "| [`{rule}`]({}) | {} | {count} |",
            rule_page_url(rule),
            severity.0
        )?;
    }
    writeln!(
        out,
        "\n| severity | location | rule | message |\n|---|---|---|---|"
    )?;
    for f in report.findings.iter().take(MAX_ROWS) {
        let path = slash_path(sources.path(f.primary.span.source));
        let (start, end) = sources.range(f.primary.span);
        let anchor = if end.line > start.line {
            format!("#L{}-L{}", start.line, end.line)
        } else {
            format!("#L{}", start.line)
        };
        let target = match link_base {
            Some(base) => format!("{}/{}{anchor}", base.trim_end_matches('/'), path),
            None => format!("{path}{anchor}"),
        };
        writeln!(
            out,
            "| {} | [{}:{}:{}]({}) | `{}` | {} |",
            f.severity,
            cell(&path),
            start.line,
            start.column,
            target.replace(' ', "%20").replace(')', "%29"),
            f.rule,
            cell(&f.message)
        )?;
    }
    if report.findings.len() > MAX_ROWS {
        writeln!(
            out,
            "\n… and {} more; run iamchain locally for the full list.",
            report.findings.len() - MAX_ROWS
        )?;
    }
    Ok(())
}
