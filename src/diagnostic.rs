//! Findings and the report they are collected into.
//!
//! A [`Finding`] has exactly one primary [`Label`] (by construction) and any
//! number of related ones: other statements that contribute, or, for chain
//! findings, every hop in order. Renderers in `output/` turn a [`Report`]
//! into bytes; nothing here knows about formats.

use crate::source::{SourceMap, Span};

/// How serious a finding is. Ordered: `Note < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; not necessarily wrong.
    Note,
    /// Probably wrong or risky.
    Warning,
    /// Wrong or dangerous.
    Error,
}

impl Severity {
    /// Lowercase name, as used in output and config.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parse a lowercase name.
    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file and what to say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What this place contributes (may be empty for the primary label).
    pub message: String,
}

impl Label {
    /// A label.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Label {
            span,
            message: message.into(),
        }
    }
}

/// One problem found by one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule's name.
    pub rule: &'static str,
    /// The severity after configuration.
    pub severity: Severity,
    /// What is wrong at the primary span: lowercase, no trailing period.
    pub message: String,
    /// The offending value.
    pub primary: Label,
    /// Other places that explain it, in order (chain hops, other statements).
    pub related: Vec<Label>,
    /// How to fix it: imperative.
    pub help: Option<String>,
    /// What the finding means independent of layout and path: rule, policy
    /// identity, statement `Sid` and offending value (see [`crate::locate`]).
    /// Empty until the engine fills it in; baselines, `--since` and SARIF
    /// fingerprints compare it.
    pub key: String,
}

impl Finding {
    /// Add the fix.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// Add a related location.
    pub fn related(&mut self, span: Span, message: impl Into<String>) -> &mut Self {
        self.related.push(Label::new(span, message));
        self
    }

    /// Set the text under the primary span.
    pub fn label(&mut self, message: impl Into<String>) -> &mut Self {
        self.primary.message = message.into();
        self
    }
}

/// Everything one run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings, sorted by path, position and rule.
    pub findings: Vec<Finding>,
    /// How many files were read.
    pub files: usize,
    /// How many policy documents were analysed.
    pub policies: usize,
}

impl Report {
    /// Sort findings deterministically: by path, then offset, then rule, then message.
    pub fn sort(&mut self, sources: &SourceMap) {
        use rayon::slice::ParallelSliceMut;
        // Files ranked by path once (equal paths share a rank), not paths
        // compared per pair: an export's 200,000 findings share one file.
        let mut order: Vec<crate::source::SourceId> = sources.iter().map(|(id, _)| id).collect();
        // `Path`'s order, on the bytes where that is the same (see
        // `discover::plain`): comparing components parsed them every time,
        // a tenth of a millisecond over a few hundred files.
        let plain: Vec<bool> = sources
            .iter()
            .map(|(_, f)| crate::discover::plain(&f.path))
            .collect();
        let by_path = |a: &crate::source::SourceId, b: &crate::source::SourceId| {
            let (pa, pb) = (sources.path(*a), sources.path(*b));
            let fast = |id: &crate::source::SourceId| plain.get(id.0 as usize) == Some(&true);
            if fast(a) && fast(b) {
                crate::discover::path_order(pa, pb)
            } else {
                pa.cmp(pb)
            }
        };
        // Files are added in the walk's order, which is this one: checking
        // is a comparison per file, sorting a dozen.
        if !order.is_sorted_by(|a, b| by_path(a, b).is_le()) {
            order.sort_by(by_path);
        }
        let mut rank = vec![0usize; sources.len()];
        let mut current = 0;
        for (k, id) in order.iter().enumerate() {
            if k > 0 && by_path(&order[k - 1], id).is_ne() {
                current = k;
            }
            rank[id.0 as usize] = current;
        }
        let rank_of = |s: Span| rank.get(s.source.0 as usize).copied().unwrap_or(usize::MAX);
        self.findings.par_sort_by(|a, b| {
            rank_of(a.primary.span)
                .cmp(&rank_of(b.primary.span))
                .then(a.primary.span.start.cmp(&b.primary.span.start))
                .then(a.primary.span.end.cmp(&b.primary.span.end))
                .then(a.rule.cmp(b.rule))
                .then(a.message.cmp(&b.message))
        });
        self.findings.dedup();
    }

    /// How many findings have each severity: (errors, warnings, notes).
    pub fn counts(&self) -> (usize, usize, usize) {
        self.findings
            .iter()
            .fold((0, 0, 0), |(e, w, n), f| match f.severity {
                Severity::Error => (e + 1, w, n),
                Severity::Warning => (e, w + 1, n),
                Severity::Note => (e, w, n + 1),
            })
    }

    /// Whether any finding is at or above `level`.
    pub fn fails_at(&self, level: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= level)
    }
}
