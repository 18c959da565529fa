//! `--format json`: iamchain's own JSON, version 1. These structs are the
//! frozen schema: `diagnostic::Finding` is never serialised directly, so
//! internal changes cannot silently change the output.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::Report;
use crate::engine::slash_path;
use crate::source::{SourceMap, Span};

/// The document, printed by [`write`] a part at a time (the tests print it
/// whole to check that the parts add up to it).
#[cfg(test)]
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
    use rayon::prelude::*;
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    w.write_all(b"{\n  \"version\": 1,\n  \"tool\": ")?;
    w.write_all(nested(&tool(), 1)?.as_bytes())?;
    w.write_all(b",\n  \"findings\": [")?;
    // Findings are made and printed in parallel, a slice at a time (the
    // printed text of an export's findings is not all held at once); the
    // text is byte for byte what printing `Output` whole gives (tested).
    for (n, slice) in report.findings.chunks(FINDINGS_AT_ONCE).enumerate() {
        let printed: Vec<String> = slice
            .par_iter()
            .map(|f| nested(&json_finding(f, sources), 2))
            .collect::<io::Result<_>>()?;
        for (i, text) in printed.iter().enumerate() {
            w.write_all(if n == 0 && i == 0 {
                b"\n    "
            } else {
                b",\n    "
            })?;
            w.write_all(text.as_bytes())?;
        }
    }
    if !report.findings.is_empty() {
        w.write_all(b"\n  ")?;
    }
    w.write_all(b"],\n  \"summary\": ")?;
    w.write_all(nested(&summary(report), 1)?.as_bytes())?;
    w.write_all(b"\n}\n")?;
    w.flush()
}

/// How many findings are printed before the text is written out.
const FINDINGS_AT_ONCE: usize = 4096;

fn tool() -> Tool {
    Tool {
        name: "iamchain",
        version: env!("CARGO_PKG_VERSION"),
        catalog: crate::catalog::data_version(),
    }
}

fn summary(report: &Report) -> Summary {
    let (errors, warnings, notes) = report.counts();
    Summary {
        files: report.files,
        policies: report.policies,
        findings: report.findings.len(),
        errors,
        warnings,
        notes,
    }
}

fn json_finding<'a>(f: &'a crate::diagnostic::Finding, sources: &SourceMap) -> JsonFinding<'a> {
    JsonFinding {
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
    }
}

/// `value` pretty-printed as it is `depth` levels deep in the document:
/// every line after the first indented two spaces per level. A JSON string
/// holds no raw line break, so every break is the printer's.
fn nested(value: &impl Serialize, depth: usize) -> io::Result<String> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    let pad = format!("\n{}", "  ".repeat(depth));
    Ok(text.replace('\n', &pad))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Finding, Label, Severity};
    use crate::source::Span;

    /// The whole document printed at once: what `write` must equal.
    fn printed_whole(report: &Report, sources: &SourceMap) -> String {
        let doc = Output {
            version: 1,
            tool: tool(),
            findings: report
                .findings
                .iter()
                .map(|f| json_finding(f, sources))
                .collect(),
            summary: summary(report),
        };
        let mut text = serde_json::to_string_pretty(&doc).expect("prints");
        text.push('\n');
        text
    }

    #[test]
    fn printing_findings_one_by_one_equals_printing_the_whole() {
        let mut sources = SourceMap::new();
        let id = sources.add("a/p.json", "{\n  \"Statement\": []\n}\n".into());
        let span = Span {
            source: id,
            start: 4,
            end: 15,
        };
        let finding = |i: usize| {
            let mut f = Finding {
                rule: "wildcard-action",
                severity: Severity::Warning,
                message: format!("m\n\"{i}\" é"),
                primary: Label::new(span, ""),
                related: Vec::new(),
                help: None,
                key: String::new(),
            };
            if i.is_multiple_of(2) {
                f.help("h\tx").related(span, "r");
            }
            f
        };
        for n in [0, 1, 2, FINDINGS_AT_ONCE, FINDINGS_AT_ONCE + 1] {
            let report = Report {
                findings: (0..n).map(finding).collect(),
                files: 1,
                policies: 1,
            };
            let mut out = Vec::new();
            write(&report, &sources, &mut out).expect("writes to memory");
            assert_eq!(
                String::from_utf8(out).expect("UTF-8"),
                printed_whole(&report, &sources),
                "{n} findings"
            );
        }
    }
}
