//! `--format text`: rustc-style snippets. The header is
//! `severity[rule]: message`, the primary span is underlined with its label,
//! related places follow as notes (chain hops in order), `help:` comes last,
//! and one summary line ends the output.

use std::io::{self, Write};
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diagnostic::{Report, Severity};
use crate::engine::slash_path;
use crate::output::summary_line;
use crate::source::{SourceMap, Span};

/// The lines a span covers, the 1-based number of the first, and the span
/// relative to the excerpt. Rendering whole files would make a finding in a
/// 50 MB export cost 50 MB of work.
fn excerpt(sources: &SourceMap, span: Span) -> (&str, usize, Range<usize>) {
    let file = sources.get(span.source);
    let lines = file.lines();
    let (first, _) = lines.line_of(&file.text, span.start);
    let (last, _) = lines.line_of(&file.text, span.end.max(span.start));
    let (start, _) = lines.line_range(&file.text, first);
    let (_, end) = lines.line_range(&file.text, last);
    let end = end.max(span.end as usize).min(file.text.len());
    let text = file.text.get(start..end).unwrap_or("");
    let mut lo = (span.start as usize).saturating_sub(start).min(text.len());
    let mut hi = (span.end as usize)
        .saturating_sub(start)
        .clamp(lo, text.len());
    // Never cut a character: widen the range to whole characters.
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    let rel = lo..hi;
    (text, first + 1, rel)
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// Write every finding as a snippet, then the summary line.
pub fn write(
    report: &Report,
    sources: &SourceMap,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for f in &report.findings {
        let path = slash_path(sources.path(f.primary.span.source));
        let (text, line, range) = excerpt(sources, f.primary.span);
        let mut first = level(f.severity)
            .primary_title(f.message.as_str())
            .id(f.rule)
            .element(
                Snippet::source(text)
                    .line_start(line)
                    .path(path)
                    .annotation(
                        AnnotationKind::Primary
                            .span(range)
                            .label(f.primary.message.as_str()),
                    ),
            );
        if let Some(help) = &f.help {
            first = first.element(Level::HELP.message(help.as_str()));
        }
        let mut groups = vec![first];
        let numbered = f.related.len() > 1;
        for (i, r) in f.related.iter().enumerate() {
            let title = if numbered {
                format!("{}. {}", i + 1, r.message)
            } else {
                r.message.clone()
            };
            let (text, line, range) = excerpt(sources, r.span);
            groups.push(
                Group::with_title(Level::NOTE.secondary_title(title)).element(
                    Snippet::source(text)
                        .line_start(line)
                        .path(slash_path(sources.path(r.span.source)))
                        .annotation(AnnotationKind::Context.span(range)),
                ),
            );
        }
        writeln!(out, "{}\n", renderer.render(&groups))?;
    }
    writeln!(out, "{}", summary_line(report))
}
