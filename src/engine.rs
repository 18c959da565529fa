//! One run: read the discovered files in parallel, load and model them, run
//! every enabled rule, apply the configured ignores, and sort the findings.
//!
//! Each file is read, parsed and checked on its own (rayon), and a panic in
//! one file's work becomes a finding on that file instead of ending the run:
//! a bug in iamchain must not hide the results for every other file.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Finding, Report};
use crate::discover::{Candidate, WalkError};
use crate::load::{self, Document, LoadError, LoadErrorKind};
use crate::principals;
use crate::rules::{self, Context};
use crate::source::{SourceId, SourceMap, Span};

/// Files larger than this are not read (reported by `unreadable-file`).
pub const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// Strings at least one of which appears in any file iamchain can analyse.
/// Files found by walking that contain none are not IAM input and are
/// skipped unread by the parsers (a `package.json` is not a policy).
const MARKERS: &[&str] = &[
    "Statement",
    "AWSTemplateFormatVersion",
    "AWS::",
    "RoleDetailList",
    "PolicyDocument",
    "aws-auth",
    "eks.amazonaws.com",
    "AttachedPolicies",
];

/// The result of a run.
pub struct Run {
    /// Every file read.
    pub sources: SourceMap,
    /// What was found.
    pub report: Report,
}

struct Read {
    path: PathBuf,
    text: String,
    error: Option<LoadError>,
}

/// Lint the discovered files.
pub fn run(
    candidates: &[Candidate],
    walk_errors: &[WalkError],
    config: &Config,
    mut sources: SourceMap,
) -> Run {
    let reads: Vec<Option<Read>> = candidates.par_iter().map(read).collect();
    let mut ids: Vec<(SourceId, Option<LoadError>)> = Vec::new();
    for r in reads.into_iter().flatten() {
        let id = sources.add(r.path, r.text);
        ids.push((
            id,
            r.error.map(|e| LoadError {
                span: Span {
                    source: id,
                    ..e.span
                },
                ..e
            }),
        ));
    }
    let mut walk_docs = Vec::new();
    for w in walk_errors {
        let id = sources.add(w.path.clone(), String::new());
        walk_docs.push(Document {
            source: id,
            errors: vec![LoadError {
                kind: LoadErrorKind::Io,
                span: Span::file_start(id),
                message: w.message.clone(),
            }],
            ..Document::default()
        });
    }
    analyse(sources, ids, walk_docs, config)
}

/// Lint files given as text (documentation examples, tests, stdin).
pub fn run_texts(files: Vec<(PathBuf, String)>, config: &Config) -> Run {
    let mut sources = SourceMap::new();
    let ids = files
        .into_iter()
        .map(|(path, text)| (sources.add(path, text), None))
        .collect();
    analyse(sources, ids, Vec::new(), config)
}

fn analyse(
    mut sources: SourceMap,
    ids: Vec<(SourceId, Option<LoadError>)>,
    mut extra: Vec<Document>,
    config: &Config,
) -> Run {
    let sources_ref = &sources;
    let mut documents: Vec<Document> = ids
        .into_par_iter()
        .map(|(id, error)| {
            let file = sources_ref.get(id);
            match error {
                Some(e) => Document {
                    source: id,
                    errors: vec![e],
                    ..Document::default()
                },
                None => guarded(id, || load::load_document(&file.path, &file.text, id)),
            }
        })
        .collect();
    documents.append(&mut extra);
    let managed = principals::resolve_managed(&documents, &mut sources);
    let sources_ref = &sources;

    let enabled: Vec<(&'static dyn rules::Rule, crate::diagnostic::Severity)> = rules::ALL
        .iter()
        .copied()
        .filter(|r| config.is_enabled(r.meta()))
        .map(|r| (r, config.severity(r.meta())))
        .collect();
    // Run every enabled rule over one unit of work; a panicking rule becomes
    // a finding on `source` instead of ending the run.
    let check = |source: SourceId, f: &(dyn Fn(&dyn rules::Rule, &mut Context<'_>) + Sync)| {
        let mut out = Vec::new();
        for (rule, severity) in &enabled {
            let mut cx = Context::new(rule.meta(), *severity, sources_ref, &mut out);
            if catch_unwind(AssertUnwindSafe(|| f(*rule, &mut cx))).is_err() {
                out.push(internal_error(source, rule.meta().name));
            }
        }
        out
    };
    let mut findings: Vec<Finding> = documents
        .par_iter()
        .flat_map_iter(|doc| check(doc.source, &|rule, cx| rule.check_document(doc, cx)))
        .collect();
    let groups = principals::group(&documents, &managed, sources_ref);
    findings.par_extend(groups.par_iter().flat_map_iter(|p| {
        let source = p
            .policies
            .first()
            .map(|d| d.policy.span.source)
            .or_else(|| p.managed.first().map(|m| m.span.source))
            .unwrap_or_default();
        check(source, &|rule, cx| rule.check_principal(p, cx))
    }));
    apply_ignores(&mut findings, &documents, config, &sources);
    let mut report = Report {
        findings,
        files: documents.len(),
        policies: documents.iter().map(|d| d.policies.len()).sum(),
    };
    report.sort(&sources);
    Run { sources, report }
}

/// Run a loader, turning a panic into a load error on the file.
fn guarded(id: SourceId, f: impl FnOnce() -> Document) -> Document {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Document {
        source: id,
        errors: vec![LoadError {
            kind: LoadErrorKind::Io,
            span: Span::file_start(id),
            message: "internal error while loading this file; this is a bug in iamchain, please report it".into(),
        }],
        ..Document::default()
    })
}

fn internal_error(source: SourceId, rule: &str) -> Finding {
    Finding {
        rule: "unreadable-file",
        severity: crate::diagnostic::Severity::Error,
        message: format!(
            "internal error in rule `{rule}` on this file; this is a bug in iamchain, please report it"
        ),
        primary: crate::diagnostic::Label::new(Span::file_start(source), ""),
        related: Vec::new(),
        help: None,
    }
}

fn read(candidate: &Candidate) -> Option<Read> {
    let path = &candidate.path;
    let fail = |message: String| {
        Some(Read {
            path: path.clone(),
            text: String::new(),
            error: Some(LoadError {
                kind: LoadErrorKind::Io,
                span: Span::default(),
                message,
            }),
        })
    };
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_SIZE => {
            return fail(format!(
                "file is {} MiB, larger than the {} MiB iamchain reads",
                m.len() / (1024 * 1024),
                MAX_FILE_SIZE / (1024 * 1024)
            ));
        }
        Ok(_) => {}
        Err(e) => return fail(format!("cannot read file: {}", io_message(&e))),
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return fail(format!("cannot read file: {}", io_message(&e))),
    };
    if !candidate.explicit
        && !MARKERS
            .iter()
            .any(|m| memchr::memmem::find(&bytes, m.as_bytes()).is_some())
    {
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(Read {
            path: path.clone(),
            text,
            error: None,
        }),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Some(Read {
                path: path.clone(),
                text,
                error: Some(LoadError {
                    kind: LoadErrorKind::Io,
                    span: Span::new(SourceId::default(), at, at + 1),
                    message: format!("file is not valid UTF-8 (invalid byte at offset {at})"),
                }),
            })
        }
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "no such file".into(),
        _ => e.to_string().to_lowercase(),
    }
}

/// Drop findings matched by a configured ignore.
fn apply_ignores(
    findings: &mut Vec<Finding>,
    documents: &[Document],
    config: &Config,
    sources: &SourceMap,
) {
    if config.ignores.is_empty() {
        return;
    }
    findings.retain(|f| {
        !config.ignores.iter().any(|ig| {
            ig.rule == f.rule
                && ig
                    .path
                    .as_ref()
                    .is_none_or(|g| g.is_match(slash_path(sources.path(f.primary.span.source))))
                && ig.sid.as_ref().is_none_or(|sid| {
                    sid_at(documents, f.primary.span).is_some_and(|s| s == sid.as_str())
                })
        })
    });
}

/// The Sid of the statement that contains `span`, if any.
fn sid_at(documents: &[Document], span: Span) -> Option<&str> {
    documents
        .iter()
        .filter(|d| d.source == span.source)
        .flat_map(|d| &d.policies)
        .flat_map(|p| &p.policy.statements)
        .find(|s| s.span.start <= span.start && span.end <= s.span.end)
        .and_then(|s| s.sid.as_ref())
        .map(|s| s.value.as_str())
}

/// A path with `/` separators, for glob matching and output.
pub fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
