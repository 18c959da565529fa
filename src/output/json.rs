//! `--format json`: iamchain's own JSON, version 1. These structs are the
//! frozen schema: `diagnostic::Finding` is never serialised directly, so
//! internal changes cannot silently change the output. Findings are
//! printed field by field ([`print_finding`]); the tests check that the
//! document equals `serde_json`'s pretty print of [`Output`].

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Finding, Report};
use crate::engine::slash_path;
use crate::source::SourceMap;
#[cfg(test)]
use crate::source::Span;

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

#[cfg(test)]
#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    location: Location,
    related: Vec<Related<'a>>,
}

#[cfg(test)]
#[derive(Serialize)]
struct Location {
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

#[cfg(test)]
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

#[cfg(test)]
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
    let mut head = b"{\n  \"version\": 1,\n  \"tool\": ".to_vec();
    nested(&mut head, &tool(), 1)?;
    head.extend_from_slice(b",\n  \"findings\": [");
    out.write_all(&head)?;
    // The text is byte for byte what printing `Output` whole gives (tested).
    if report.findings.len() <= PRINTED_IN_TURN {
        print_in_turn(&report.findings, sources, out)?;
    } else {
        print_in_parallel(&report.findings, sources, out)?;
    }
    let mut tail = Vec::new();
    if !report.findings.is_empty() {
        tail.extend_from_slice(b"\n  ");
    }
    tail.extend_from_slice(b"],\n  \"summary\": ");
    nested(&mut tail, &summary(report), 1)?;
    tail.extend_from_slice(b"\n}\n");
    out.write_all(&tail)?;
    out.flush()
}

/// The findings, one after another into one buffer written out whenever it
/// fills: it stays in the same few pages, where a buffer per part is fresh
/// memory to fault in.
fn print_in_turn(findings: &[Finding], sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    let mut text = Vec::with_capacity(FLUSH_AT + 2048);
    let mut path = PrintedPath::default();
    for (i, f) in findings.iter().enumerate() {
        text.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        print_finding(&mut text, f, sources, &mut path)?;
        if text.len() >= FLUSH_AT {
            out.write_all(&text)?;
            text.clear();
        }
    }
    out.write_all(&text)
}

/// The findings, printed in parallel a slice at a time (the printed text of
/// an export's findings is not all held at once), each part into its own
/// buffer.
fn print_in_parallel(
    findings: &[Finding],
    sources: &SourceMap,
    out: &mut dyn Write,
) -> io::Result<()> {
    use rayon::prelude::*;
    for (n, slice) in findings.chunks(FINDINGS_AT_ONCE).enumerate() {
        let parts: Vec<Vec<u8>> = crate::threads::wide(|| {
            slice
                .par_chunks(FINDINGS_PER_PART)
                .enumerate()
                .map(|(k, part)| {
                    let mut text = Vec::with_capacity(part.len() * 1024);
                    let mut path = PrintedPath::default();
                    for (i, f) in part.iter().enumerate() {
                        text.extend_from_slice(if n == 0 && k == 0 && i == 0 {
                            b"\n    "
                        } else {
                            b",\n    "
                        });
                        print_finding(&mut text, f, sources, &mut path)?;
                    }
                    Ok(text)
                })
                .collect::<io::Result<_>>()
        })?;
        for text in &parts {
            out.write_all(text)?;
        }
    }
    Ok(())
}

/// Up to how many findings are printed in turn, on one thread: below this,
/// printing them on all cores saves less than their fresh buffers cost
/// (measured on one run's report: 310 findings 0.25 ms faster in turn;
/// 4,454 findings 1.2 ms slower).
const PRINTED_IN_TURN: usize = 1024;
/// How much printed text the one-thread printer holds before writing it.
const FLUSH_AT: usize = 16 * 1024;
/// How many findings are printed before the text is written out.
const FINDINGS_AT_ONCE: usize = 4096;
/// How many findings one task prints into one buffer.
const FINDINGS_PER_PART: usize = 64;

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

#[cfg(test)]
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

/// Print a finding as `serde_json`'s pretty printer prints its
/// [`JsonFinding`] two levels deep (the element of `findings`), field by
/// field: a finding's shape is fixed, and going through the printer cost a
/// call per token and a search for line breaks in each (a tenth of a run
/// over policy files). Strings and numbers still go through `serde_json`.
fn print_finding(
    out: &mut Vec<u8>,
    f: &crate::diagnostic::Finding,
    sources: &SourceMap,
    path: &mut PrintedPath,
) -> io::Result<()> {
    out.extend_from_slice(b"{\n      \"rule\": ");
    string(out, f.rule)?;
    out.extend_from_slice(b",\n      \"severity\": ");
    string(out, f.severity.as_str())?;
    out.extend_from_slice(b",\n      \"message\": ");
    string(out, &f.message)?;
    out.extend_from_slice(b",\n      \"help\": ");
    match &f.help {
        Some(help) => string(out, help)?,
        None => out.extend_from_slice(b"null"),
    }
    let (start, end) = sources.range(f.primary.span);
    out.extend_from_slice(b",\n      \"location\": {\n        \"path\": ");
    out.extend_from_slice(path.of(f.primary.span.source, sources)?);
    for (name, n) in [
        (&b"line"[..], start.line),
        (b"column", start.column),
        (b"end_line", end.line),
        (b"end_column", end.column),
    ] {
        out.extend_from_slice(b",\n        \"");
        out.extend_from_slice(name);
        out.extend_from_slice(b"\": ");
        value(out, &n)?;
    }
    out.extend_from_slice(b"\n      },\n      \"related\": [");
    for (k, r) in f.related.iter().enumerate() {
        out.extend_from_slice(if k == 0 {
            b"\n        {"
        } else {
            b",\n        {"
        });
        let (start, _) = sources.range(r.span);
        out.extend_from_slice(b"\n          \"path\": ");
        if r.span.source == f.primary.span.source {
            out.extend_from_slice(path.of(r.span.source, sources)?);
        } else {
            string(out, &slash_path(sources.path(r.span.source)))?;
        }
        out.extend_from_slice(b",\n          \"line\": ");
        value(out, &start.line)?;
        out.extend_from_slice(b",\n          \"column\": ");
        value(out, &start.column)?;
        out.extend_from_slice(b",\n          \"message\": ");
        string(out, &r.message)?;
        out.extend_from_slice(b"\n        }");
    }
    if !f.related.is_empty() {
        out.extend_from_slice(b"\n      ");
    }
    out.extend_from_slice(b"]\n    }");
    Ok(())
}

/// The path of the file the last finding printed is in, as a JSON string:
/// findings come sorted by file, and a file's hundreds of findings shared
/// one path made into text and escaped for each.
#[derive(Default)]
struct PrintedPath {
    source: Option<crate::source::SourceId>,
    json: Vec<u8>,
}

impl PrintedPath {
    fn of(&mut self, source: crate::source::SourceId, sources: &SourceMap) -> io::Result<&[u8]> {
        if self.source != Some(source) {
            self.json.clear();
            string(&mut self.json, &slash_path(sources.path(source)))?;
            self.source = Some(source);
        }
        Ok(&self.json)
    }
}

/// A string as `serde_json` prints it. Most need no escape and are
/// copied between quotes: `serde_json` looked up every byte in its escape
/// table (two fifths of printing the findings on the AWS managed
/// policies, whose messages are long).
fn string(out: &mut Vec<u8>, s: &str) -> io::Result<()> {
    // What `serde_json` escapes: `"`, `\` and the control characters. A
    // fold, not `any`, so the check runs on whole vectors of bytes.
    let escaped = s
        .bytes()
        .fold(false, |e, b| e | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if escaped {
        return value(out, &s);
    }
    out.reserve(s.len() + 2);
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
    Ok(())
}

/// A string, number or `null`, as `serde_json` prints it.
fn value(out: &mut Vec<u8>, v: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(out, v).map_err(io::Error::other)
}

/// Print `value` pretty as it is `depth` levels deep in the document
/// (every line after the first indented two spaces per level), onto `out`:
/// straight into place, where printing it alone and indenting a copy cost
/// three times the output in allocations.
fn nested(out: &mut Vec<u8>, value: &impl Serialize, depth: usize) -> io::Result<()> {
    serde_json::to_writer_pretty(Indented { out, depth }, value).map_err(io::Error::other)
}

/// A writer that follows every line break with `depth` levels of indent.
/// A JSON string holds no raw line break, so every break is the printer's.
struct Indented<'a> {
    out: &'a mut Vec<u8>,
    depth: usize,
}

impl Write for Indented<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            self.out.extend_from_slice(&rest[..=i]);
            for _ in 0..self.depth {
                self.out.extend_from_slice(b"  ");
            }
            rest = &rest[i + 1..];
        }
        self.out.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
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
    fn a_string_is_printed_as_serde_json_prints_it() {
        let long = "`*` lets 12 write actions act on every resource: ".repeat(40);
        let mut texts = vec![
            String::new(),
            "wildcard-resource".into(),
            "every bucket in every account".into(),
            "é, 日本, 🙂 and \u{7f}".into(),
            long.clone(),
        ];
        // Each byte serde_json escapes, alone, at the start, in the middle
        // of a long text and at its end.
        for b in (0u8..0x20).chain([b'"', b'\\']) {
            let c = char::from(b);
            texts.push(c.to_string());
            texts.push(format!("{c}{long}"));
            texts.push(format!("{}{c}{}", &long[..999], &long[999..]));
            texts.push(format!("{long}{c}"));
        }
        for text in texts {
            let mut out = b"[".to_vec();
            string(&mut out, &text).expect("writes to memory");
            let expected = format!("[{}", serde_json::to_string(&text).expect("prints"));
            assert_eq!(String::from_utf8(out).expect("UTF-8"), expected);
        }
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
        // A related place in another file, whose path needs escaping.
        let other = sources.add("b/\"q\" \\ é.json", "[\n1,\n 2]".into());
        let elsewhere = Span {
            source: other,
            start: 5,
            end: 6,
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
            if i.is_multiple_of(3) {
                f.related(elsewhere, "in \"b\"").related(span, "");
            }
            f
        };
        for n in [
            0,
            1,
            2,
            FINDINGS_PER_PART,
            FINDINGS_PER_PART + 1,
            PRINTED_IN_TURN,
            PRINTED_IN_TURN + 1,
            FINDINGS_AT_ONCE,
            FINDINGS_AT_ONCE + 1,
        ] {
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
