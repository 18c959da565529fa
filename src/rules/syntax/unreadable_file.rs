//! `unreadable-file`: a file could not be read (permissions, a symlink
//! loop, not UTF-8, too large).

use crate::diagnostic::Severity;
use crate::load::{Document, LoadErrorKind};
use crate::rules::{Category, Context, Rule, RuleMeta};
use crate::source::Span;

pub(crate) struct UnreadableFile;

static META: RuleMeta = RuleMeta {
    name: "unreadable-file",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "file could not be read",
    docs: include_str!("../../../rules/unreadable-file.md"),
};

impl Rule for UnreadableFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for e in document
            .errors
            .iter()
            .filter(|e| e.kind == LoadErrorKind::Io)
        {
            cx.report(on_char_boundaries(e.span, cx), e.message.clone())
                .label("reading stopped here")
                .help("make the file readable, or exclude it in .iamchain.yaml");
        }
    }
}

/// `span` widened to whole characters of the text as loaded. A file that is
/// not UTF-8 is loaded lossily, so the invalid byte at offset `n` becomes a
/// three-byte U+FFFD there, and the one-byte span `n..n+1` the reader gives
/// ends inside it: rendering such a span panicked the text output.
fn on_char_boundaries(span: Span, cx: &Context<'_>) -> Span {
    let Some(file) = cx.sources.try_get(span.source) else {
        return span;
    };
    let text = file.text.as_str();
    let mut start = (span.start as usize).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (span.end as usize).clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(span.source, start, end)
}
