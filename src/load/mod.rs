//! Loaders: one file per input format, each producing span-keeping
//! [`tree::Node`]s and from them the model objects rules read.
//!
//! [`load_document`] is the entry point: it looks at a file's content (not
//! only its extension) and hands it to the right loader. What cannot be read
//! becomes a [`LoadError`] on the [`Document`], reported by the syntax
//! rules; a bad file never stops the others from being analysed.

pub mod json;
pub mod offsets;
pub mod policy_file;
pub mod tree;
pub mod yaml;

use std::path::Path;

use crate::policy::document::{Policy, Problem};
use crate::source::{SourceId, Span};

/// Why a file, or part of it, could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// Not valid JSON.
    Json,
    /// Not valid YAML.
    Yaml,
    /// The file could not be read at all (permissions, symlink loop, not UTF-8, too large).
    Io,
}

/// A problem reading a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// What kind of problem.
    pub kind: LoadErrorKind,
    /// Where (an empty span at the start for whole-file problems).
    pub span: Span,
    /// What went wrong, lowercase.
    pub message: String,
}

/// One policy document found in a file.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDoc {
    /// The modelled policy.
    pub policy: Policy,
    /// Grammar problems (reported by `invalid-policy`).
    pub problems: Vec<Problem>,
}

/// Everything loaded from one file.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The file.
    pub source: SourceId,
    /// The parsed trees (several for multi-document YAML).
    pub roots: Vec<tree::Node>,
    /// Problems reading it.
    pub errors: Vec<LoadError>,
    /// The policies found in it.
    pub policies: Vec<PolicyDoc>,
    /// Managed policy ARNs attached by this file (`aws iam
    /// list-attached-role-policies` output), with their spans.
    pub attachments: Vec<crate::source::Spanned<String>>,
}

/// The input formats iamchain recognises by extension; content decides the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.json`.
    Json,
    /// `.yaml` / `.yml`.
    Yaml,
}

impl Format {
    /// The format a path's extension suggests, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

/// Load one file's text into a [`Document`].
pub fn load_document(path: &Path, text: &str, source: SourceId) -> Document {
    let mut doc = Document {
        source,
        ..Document::default()
    };
    let format = Format::from_path(path).unwrap_or_else(|| {
        if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with(['{', '['])
        {
            Format::Json
        } else {
            Format::Yaml
        }
    });
    match format {
        Format::Json => match json::parse(text, source) {
            Ok(root) => doc.roots.push(root),
            Err(e) => doc.errors.push(LoadError {
                kind: LoadErrorKind::Json,
                span: e.span,
                message: e.message,
            }),
        },
        Format::Yaml => match yaml::parse(text, source) {
            Ok(roots) => doc.roots = roots,
            Err(e) => doc.errors.push(LoadError {
                kind: LoadErrorKind::Yaml,
                span: e.span,
                message: e.message,
            }),
        },
    }
    for root in &doc.roots {
        doc.policies
            .extend(policy_file::policies_in(path, text, root));
        doc.attachments.extend(policy_file::attachments_in(root));
    }
    doc
}
