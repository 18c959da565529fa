//! `--format concise`: `path:line:col: severity[rule] message`, one line per
//! finding, for pre-commit and editors.

use std::io::{self, Write};

use crate::diagnostic::Report;
use crate::engine::slash_path;
use crate::source::SourceMap;

/// Write one line per finding.
pub fn write(report: &Report, sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        let (start, _) = sources.range(f.primary.span);
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            slash_path(sources.path(f.primary.span.source)),
            start.line,
            start.column,
            f.severity,
            f.rule,
            f.message
        )?;
    }
    Ok(())
}
