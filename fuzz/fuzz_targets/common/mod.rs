//! What several fuzz targets assert.
#![allow(dead_code)]

use iamchain::engine::Run;
use iamchain::source::Span;

/// `span` is a range of `text` on character boundaries.
pub fn check_span(text: &str, span: Span) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(
        s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e),
        "{span:?} is not a range of the {}-byte text",
        text.len()
    );
}

/// No rule panicked: the engine turns a panic into an "internal error"
/// finding, which the targets treat as a crash.
pub fn assert_no_internal_error(run: &Run) {
    for f in &run.report.findings {
        assert!(
            !f.message.contains("this is a bug in iamchain"),
            "internal error: {}",
            f.message
        );
    }
}
