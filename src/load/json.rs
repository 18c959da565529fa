//! Span-keeping JSON parser (temporary stub until the real parser lands).
use crate::load::tree::Node;
use crate::source::{SourceId, Span};

/// A JSON syntax error.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// What.
    pub message: String,
    /// Where.
    pub span: Span,
}

/// Parse.
pub fn parse(_text: &str, source: SourceId) -> Result<Node, ParseError> {
    Err(ParseError {
        message: "stub".into(),
        span: Span::file_start(source),
    })
}

/// Parse embedded.
pub fn parse_embedded(_raw: &str, _raw_start: usize, source: SourceId) -> Result<Node, ParseError> {
    Err(ParseError {
        message: "stub".into(),
        span: Span::file_start(source),
    })
}
