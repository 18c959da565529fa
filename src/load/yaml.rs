//! YAML loader (temporary stub until the real loader lands).
use crate::load::tree::Node;
use crate::source::{SourceId, Span};

/// A YAML syntax error.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// What.
    pub message: String,
    /// Where.
    pub span: Span,
}

/// Parse.
pub fn parse(_text: &str, source: SourceId) -> Result<Vec<Node>, ParseError> {
    Err(ParseError {
        message: "stub".into(),
        span: Span::file_start(source),
    })
}
