//! Renderers: each output format is one file and owns every byte it
//! writes. They read a [`Report`] and the [`SourceMap`]; none knows another
//! exists.

pub mod concise;
pub mod github;
pub mod graph;
pub mod json;
pub mod markdown;
pub mod sarif;
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
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`): annotations on the PR.
    Github,
    /// A Markdown summary for a PR comment or `$GITHUB_STEP_SUMMARY`.
    Markdown,
    /// Per account: principals, findings by rule, chains into Prod.
    Summary,
}

/// The project's repository: SARIF's `informationUri` and the base of
/// every rule page link. Change it here when the repository moves.
pub const REPOSITORY_URL: &str = "https://github.com/iamchain/iamchain";

/// The branch rule pages are linked on.
pub const DOCS_BRANCH: &str = "main";

/// Where a rule's page is published: `rules/<name>.md` in the repository.
pub fn rule_page_url(rule: &str) -> String {
    format!("{REPOSITORY_URL}/blob/{DOCS_BRANCH}/rules/{rule}.md")
}

/// What some renderers need besides the report.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Colour text output.
    pub color: bool,
    /// Turn `path:line` into links below this URL (markdown), e.g.
    /// `https://github.com/OWNER/REPO/blob/SHA`; relative links when `None`.
    pub link_base: Option<String>,
}

/// Write `report` in `format`.
pub fn write(
    format: OutputFormat,
    report: &Report,
    sources: &SourceMap,
    options: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Text => text::write(report, sources, options.color, out),
        OutputFormat::Concise => concise::write(report, sources, out),
        OutputFormat::Json => json::write(report, sources, out),
        // Needs the run's account summaries: the CLI calls summary::write.
        OutputFormat::Summary => writeln!(out, "{}", summary_line(report)),
        OutputFormat::Sarif => sarif::write(report, sources, out),
        OutputFormat::Github => github::write(report, sources, out),
        OutputFormat::Markdown => {
            markdown::write(report, sources, options.link_base.as_deref(), out)
        }
    }
}

/// `value` as indented JSON and a newline. The serializer writes a few
/// bytes at a time: into a buffer of a known type, not each through
/// `dyn Write`.
fn write_pretty_json(value: &impl serde::Serialize, out: &mut dyn Write) -> io::Result<()> {
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, value).map_err(io::Error::other)?;
    writeln!(buffered)?;
    buffered.flush()
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
