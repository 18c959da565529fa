//! `--format json`: iamchain's own JSON, version 1. These structs are the
//! frozen schema: `diagnostic::Finding` is never serialised directly, so
//! internal changes cannot silently change the output.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::Report;
use crate::engine::slash_path;
use crate::source::{SourceMap, Span};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
    /// The embedded AWS action catalog the findings were computed with.
    catalog: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    location: Location,
    related: Vec<Related<'a>>,
}

#[derive(Serialize)]
struct Location {
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct Related<'a> {
    path: String,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    policies: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
}

fn location(sources: &SourceMap, span: Span) -> Location {
    let (start, end) = sources.range(span);
    Location {
        path: slash_path(sources.path(span.source)),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// Write the report as JSON.
pub fn write(report: &Report, sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    let (errors, warnings, notes) = report.counts();
    let doc = Output {
        version: 1,
        tool: Tool {
            name: "iamchain",
            version: env!("CARGO_PKG_VERSION"),
            catalog: crate::catalog::data_version(),
        },
        findings: report
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.rule,
                severity: f.severity.as_str(),
                message: &f.message,
                help: f.help.as_deref(),
                location: location(sources, f.primary.span),
                related: f
                    .related
                    .iter()
                    .map(|r| {
                        let l = location(sources, r.span);
                        Related {
                            path: l.path,
                            line: l.line,
                            column: l.column,
                            message: &r.message,
                        }
                    })
                    .collect(),
            })
            .collect(),
        summary: Summary {
            files: report.files,
            policies: report.policies,
            findings: report.findings.len(),
            errors,
            warnings,
            notes,
        },
    };
    super::write_pretty_json(&doc, out)
}
