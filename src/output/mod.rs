//! Renderers: each output format is one file and owns every byte it
//! writes. They read a [`Report`] and the [`SourceMap`]; none knows another
//! exists.

pub mod concise;
pub mod graph;
pub mod json;
pub mod summary;
pub mod text;

use std::io::{self, Write};

use crate::diagnostic::Report;
use crate::source::SourceMap;

/// The formats `--format` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// rustc-style snippets with `path:line:col`.
    Text,
    /// One line per finding: `path:line:col: severity[rule] message`.
    Concise,
    /// iamchain's own versioned JSON.
    Json,
    /// Per account: principals, findings by rule, chains into Prod.
    Summary,
}

/// Write `report` in `format`.
pub fn write(
    format: OutputFormat,
    report: &Report,
    sources: &SourceMap,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Text => text::write(report, sources, color, out),
        OutputFormat::Concise => concise::write(report, sources, out),
        OutputFormat::Json => json::write(report, sources, out),
        // Needs the run's account summaries: the CLI calls summary::write.
        OutputFormat::Summary => writeln!(out, "{}", summary_line(report)),
    }
}

/// "3 findings: 1 error, 2 warnings" (or "no findings").
pub fn summary_line(report: &Report) -> String {
    let (e, w, n) = report.counts();
    let total = e + w + n;
    let files = match report.files {
        1 => "1 file".to_string(),
        n => format!("{n} files"),
    };
    if total == 0 {
        return format!("no findings in {files}");
    }
    let mut parts = Vec::new();
    for (count, word) in [(e, "error"), (w, "warning"), (n, "note")] {
        if count > 0 {
            parts.push(format!(
                "{count} {word}{}",
                if count == 1 { "" } else { "s" }
            ));
        }
    }
    format!(
        "{total} finding{} in {files}: {}",
        if total == 1 { "" } else { "s" },
        parts.join(", ")
    )
}
