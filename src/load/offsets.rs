//! Offset maps from decoded embedded text back to file bytes.
//!
//! A policy can be stored inside another file as an escaped JSON string or a
//! percent-encoded string. We decode it into a new buffer and parse that, but
//! findings must point at the file. An [`OffsetMap`] records, while decoding,
//! where decoded offsets and file offsets drift apart, and maps spans back.

use crate::load::json::{self, Stop};
use crate::source::Span;

/// A piecewise-linear map from offsets in a decoded buffer to offsets in the file.
///
/// It is a sorted list of checkpoints `(decoded, file)`. Between two
/// checkpoints the decoded text is a verbatim copy of the file text, so an
/// offset maps linearly from the checkpoint before it. A decoder pushes a
/// checkpoint after every escape (where the two drift apart), and for an
/// escape that decodes to nothing (a YAML line continuation, say) also one
/// before it, so spans ending there stop before the escape.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    points: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// An empty map: the identity until checkpoints are pushed.
    pub fn new() -> Self {
        Self::default()
    }

    /// A map whose decoded offset 0 is file offset `file_start`.
    pub fn starting_at(file_start: usize) -> Self {
        let mut map = Self::new();
        map.push(0, file_start);
        map
    }

    /// Add a checkpoint: decoded offset `decoded` is file offset `file`.
    ///
    /// Checkpoints must come in non-decreasing order of both offsets; one that
    /// goes backwards would break the binary search, so it is dropped.
    pub fn push(&mut self, decoded: usize, file: usize) {
        match self.points.last() {
            Some(&(d, f)) if decoded < d || file < f || (decoded, file) == (d, f) => {}
            _ => self.points.push((decoded, file)),
        }
    }

    /// The checkpoints, in order.
    pub fn checkpoints(&self) -> &[(usize, usize)] {
        &self.points
    }

    /// The file offset where the decoded byte at `decoded` came from (a start offset).
    pub fn to_file(&self, decoded: usize) -> usize {
        // The last checkpoint at or before `decoded`: after a zero-width escape
        // that is the one past the escape, where the next character starts.
        let i = self.points.partition_point(|&(d, _)| d <= decoded);
        let Some(&(d, f)) = i.checked_sub(1).and_then(|i| self.points.get(i)) else {
            return match self.points.first() {
                Some(&(d0, f0)) => f0.saturating_sub(d0 - decoded),
                None => decoded,
            };
        };
        let linear = f + (decoded - d);
        // Past the verbatim stretch an offset lies inside an escape: never map
        // it beyond where the next checkpoint says the escape ends.
        match self.points.get(i) {
            Some(&(_, next)) => linear.min(next),
            None => linear,
        }
    }

    /// The file offset just after the decoded text ending at `decoded` (an end offset).
    pub fn end_to_file(&self, decoded: usize) -> usize {
        // A checkpoint exactly here means an escape ends here: the text ends
        // after its raw form. The first such checkpoint, so that a value is not
        // stretched over a following zero-width escape.
        let j = self.points.partition_point(|&(d, _)| d < decoded);
        match self.points.get(j) {
            Some(&(d, f)) if d == decoded => f,
            _ => self.to_file(decoded),
        }
    }

    /// Map a span of the decoded text to the file.
    pub fn map_span(&self, span: Span) -> Span {
        let start = self.to_file(span.start as usize);
        let end = self.end_to_file(span.end as usize).max(start);
        Span::new(span.source, start, end)
    }
}

/// Unescape the raw text between the quotes of a JSON string literal.
///
/// `raw_start` is the file offset of `raw`. Returns the decoded text and the
/// map from it back to the file, or a message and the file offset of the error.
pub fn unescape_json_string(
    raw: &str,
    raw_start: usize,
) -> Result<(String, OffsetMap), (String, usize)> {
    let mut out = String::with_capacity(raw.len());
    let mut map = OffsetMap::starting_at(raw_start);
    let stop = json::scan_string(raw, 0, &mut out, |decoded, pos| {
        map.push(decoded, raw_start + pos)
    })
    .map_err(|e| (e.message, raw_start + e.at))?;
    match stop {
        Stop::Eof => Ok((out, map)),
        Stop::Quote(at) => Err(("unescaped `\"` in string".into(), raw_start + at)),
        Stop::EofInEscape(at) => Err(("unterminated escape".into(), raw_start + at)),
    }
}

/// Percent-decode a URL-encoded document (as the raw IAM API returns policies).
///
/// `+` stays `+` (this is not form encoding). A `%` without two hex digits
/// stays as written; bytes that do not form UTF-8 become U+FFFD.
pub fn percent_decode(raw: &str, raw_start: usize) -> (String, OffsetMap) {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut map = OffsetMap::starting_at(raw_start);
    let mut pos = 0;
    // A run of escapes is collected as bytes with the raw offset after each,
    // then decoded as UTF-8 with a checkpoint after every character.
    let mut run: Vec<u8> = Vec::new();
    while let Some(i) = memchr::memchr(b'%', &bytes[pos..]) {
        out.push_str(&raw[pos..pos + i]);
        pos += i;
        let run_start = pos;
        run.clear();
        while let Some(b) = escaped_byte(bytes, pos) {
            run.push(b);
            pos += 3;
        }
        if run.is_empty() {
            out.push('%');
            pos += 1;
            continue;
        }
        let mut consumed = 0;
        for chunk in run.utf8_chunks() {
            for c in chunk.valid().chars() {
                out.push(c);
                consumed += c.len_utf8();
                map.push(out.len(), raw_start + run_start + 3 * consumed);
            }
            if !chunk.invalid().is_empty() {
                out.push(char::REPLACEMENT_CHARACTER);
                consumed += chunk.invalid().len();
                map.push(out.len(), raw_start + run_start + 3 * consumed);
            }
        }
    }
    out.push_str(&raw[pos..]);
    (out, map)
}

/// The byte a `%XX` escape at `pos` stands for, if there is one.
fn escaped_byte(bytes: &[u8], pos: usize) -> Option<u8> {
    match bytes.get(pos..pos + 3)? {
        [b'%', hi, lo] => Some((hex(*hi)? << 4) | hex(*lo)?),
        _ => None,
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    fn span(start: usize, end: usize) -> Span {
        Span::new(SourceId(0), start, end)
    }

    #[test]
    fn json_unescape_maps_spans_around_escapes() {
        // file: `x"{\"a\":1,\"b\":\"\u00e9\"}"`, raw starts after the quote at 2
        let file = r#"x"{\"a\":1,\"b\":\"\u00e9\"}""#;
        let raw = &file[2..file.len() - 1];
        let (text, map) = unescape_json_string(raw, 2).expect("valid");
        assert_eq!(text, r#"{"a":1,"b":"é"}"#);
        let slice = |s: Span| &file[s.start as usize..s.end as usize];
        // key "a" ends with an escape; the number 1 starts right after one
        assert_eq!(slice(map.map_span(span(1, 4))), r#"\"a\""#);
        assert_eq!(slice(map.map_span(span(5, 6))), "1");
        // the value "é": escape inside and at both ends
        assert_eq!(slice(map.map_span(span(11, 15))), r#"\"\u00e9\""#);
        assert_eq!(slice(map.map_span(span(12, 14))), r"\u00e9");
        // the whole document
        assert_eq!(slice(map.map_span(span(0, text.len()))), raw);
    }

    #[test]
    fn json_unescape_errors_point_into_the_file() {
        assert_eq!(
            unescape_json_string(r"ab\x", 10),
            Err(("invalid escape `\\x`".into(), 12))
        );
        assert_eq!(
            unescape_json_string(r"ab\", 10),
            Err(("unterminated escape".into(), 12))
        );
        assert_eq!(
            unescape_json_string(r#"a"b"#, 10),
            Err(("unescaped `\"` in string".into(), 11))
        );
        assert_eq!(
            unescape_json_string(r"\ud800", 0),
            Err(("lone surrogate \\ud800".into(), 0))
        );
    }

    #[test]
    fn percent_decode_maps_spans() {
        let raw = "%7B%22Action%22%3A%22s3%3A*%22%2C%22x%22%3A%22caf%C3%A9+%ZZ%FF%22%7D";
        let (text, map) = percent_decode(raw, 100);
        assert_eq!(text, "{\"Action\":\"s3:*\",\"x\":\"café+%ZZ\u{FFFD}\"}");
        let slice = |s: Span| &raw[s.start as usize - 100..s.end as usize - 100];
        let find = |needle: &str| {
            let start = text.find(needle).expect("present");
            span(start, start + needle.len())
        };
        assert_eq!(slice(map.map_span(find("\"Action\""))), "%22Action%22");
        assert_eq!(slice(map.map_span(find("\"s3:*\""))), "%22s3%3A*%22");
        assert_eq!(slice(map.map_span(find("é"))), "%C3%A9");
        assert_eq!(slice(map.map_span(find("+%ZZ"))), "+%ZZ");
        assert_eq!(slice(map.map_span(find("\u{FFFD}"))), "%FF");
        assert_eq!(slice(map.map_span(span(0, text.len()))), raw);
    }

    #[test]
    fn zero_width_escapes_keep_ends_before_and_starts_after() {
        // decoded "ab" + "cd", where 3 raw bytes between b and c decode to nothing
        let mut map = OffsetMap::starting_at(0);
        map.push(2, 2);
        map.push(2, 5);
        assert_eq!(map.map_span(span(0, 2)), span(0, 2));
        assert_eq!(map.map_span(span(2, 4)), span(5, 7));
        assert_eq!(map.map_span(span(1, 3)), span(1, 6));
    }

    #[test]
    fn empty_map_is_identity_and_bad_pushes_are_dropped() {
        let mut map = OffsetMap::new();
        assert_eq!(map.to_file(7), 7);
        map.push(5, 10);
        assert_eq!(map.to_file(2), 7);
        map.push(4, 20);
        map.push(6, 9);
        assert_eq!(map.checkpoints(), &[(5, 10)]);
    }
}
