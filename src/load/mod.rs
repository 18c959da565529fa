//! Loaders: one file per input format, each producing span-keeping
//! [`tree::Node`]s and from them the model objects rules read.
//!
//! [`load_document`] is the entry point: it looks at a file's content (not
//! only its extension) and hands it to the right loader. What cannot be read
//! becomes a [`LoadError`] on the [`Document`], reported by the syntax
//! rules; a bad file never stops the others from being analysed.

pub mod gaad;
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
    /// The account the policy is in force in, when the input says.
    pub account: Option<String>,
    /// Which instantiation it comes from, for messages ("stack instance
    /// 333333333333 (prod)"); `None` for plain inputs.
    pub origin: Option<String>,
    /// Its name (inline policy name, managed policy name), when known.
    pub name: Option<String>,
    /// Its ARN, for managed policies (how attachments find it).
    pub arn: Option<String>,
}

impl PolicyDoc {
    /// Whether this is an AWS managed policy (`arn:aws:iam::aws:policy/…`).
    pub fn is_aws_managed(&self) -> bool {
        self.arn
            .as_deref()
            .and_then(crate::policy::arn::Arn::parse)
            .is_some_and(|a| a.service == "iam" && a.account == "aws")
    }
}

/// Everything loaded from one file.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The file.
    pub source: SourceId,
    /// The parsed trees (several for multi-document YAML).
    pub roots: Vec<tree::Node>,
    /// Documents embedded as strings in the roots (a trust policy in `aws iam
    /// get-role` output), parsed, with spans into this file.
    pub embedded: Vec<tree::Node>,
    /// Problems reading it.
    pub errors: Vec<LoadError>,
    /// The policies found in it.
    pub policies: Vec<PolicyDoc>,
    /// Roles, users and groups this file defines, with indices into
    /// `policies`. Empty for bare policy files.
    pub principals: Vec<crate::model::IamPrincipal>,
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

/// Load one file's text into a [`Document`]. `hint` is the file's path
/// relative to the directory the user asked to lint: only its components
/// say where a bare policy is used (`trust`, `scp`, …), so a checkout under
/// `/home/scp/` does not turn every policy into an SCP.
pub fn load_document(path: &Path, hint: &Path, text: &str, source: SourceId) -> Document {
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
    let roots = std::mem::take(&mut doc.roots);
    for root in &roots {
        if gaad::is_export(root) {
            gaad::load(root, text, &mut doc);
            continue;
        }
        let found = policy_file::policies_in(hint, text, root);
        if let Some(mut principal) = found.principal {
            // The trust index is relative to this tree's policies.
            principal.trust = principal.trust.map(|i| i + doc.policies.len());
            doc.principals.push(principal);
        }
        doc.policies.extend(found.policies);
        doc.embedded.extend(found.embedded);
        doc.errors.extend(found.errors);
        doc.attachments.extend(policy_file::attachments_in(root));
    }
    doc.roots = roots;
    doc
}
