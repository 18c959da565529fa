//! `--format github`: GitHub Actions workflow commands, one per finding,
//! which GitHub shows as annotations on the pull request's diff:
//!
//! ```text
//! ::error file=roles/app.json,line=7,col=26,endLine=7,endColumn=40,title=iamchain pass-role-any-resource::`iam:PassRole` allows …
//! ```
//!
//! Severities map to `error`, `warning` and `notice`. Values are escaped as
//! the Actions toolkit does: `%`, `\r` and `\n` everywhere, and `:` and `,`
//! too inside properties. A summary line ends the output.

use std::io::{self, Write};

use crate::diagnostic::{Report, Severity};
use crate::engine::slash_path;
use crate::output::summary_line;
use crate::source::SourceMap;

/// Escape a command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a command property's value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Write one workflow command per finding, then the summary line.
pub fn write(report: &Report, sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        let (start, end) = sources.range(f.primary.span);
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&slash_path(sources.path(f.primary.span.source))),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!("iamchain {}", f.rule)),
            escape_data(&message),
        )?;
    }
    writeln!(out, "{}", summary_line(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(
            escape_property("50% a\r\nb: c, d"),
            "50%25 a%0D%0Ab%3A c%2C d"
        );
    }
}
