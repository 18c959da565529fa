//! Span-keeping JSON parser.
//!
//! A strict RFC 8259 parser that builds [`tree::Node`](crate::load::tree::Node)s
//! with the byte span of every value and key. Unlike serde_json it keeps
//! duplicate keys (a rule reports them) and numbers as written. Nesting is
//! handled with an explicit stack, capped at [`MAX_DEPTH`], so no input can
//! overflow the call stack.

use memchr::memchr2;

use crate::load::offsets;
use crate::load::tree::{Duplicate, Member, Node, Value};
use crate::source::{SourceId, Span, Spanned};

/// A syntax error and where it is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// What is wrong, lowercase ("unterminated string").
    pub message: String,
    /// The offending character (empty at the end of input; the opening quote
    /// of an unterminated string).
    pub span: Span,
}

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 256;

/// Files at least this large have their large arrays parsed in parallel.
const PARALLEL_FROM: usize = 1 << 20;

/// Bytes of array elements per piece parsed in parallel.
const PIECE: usize = 256 << 10;

/// Parse a JSON document. Spans are byte offsets into `text`.
///
/// A large file (an account export is one file of hundreds of megabytes)
/// has the elements of its top-level arrays parsed in pieces on every core
/// first; the parse of the whole then takes each piece as it reaches it.
/// The result, errors included, is the same as parsing in one go.
pub fn parse(text: &str, source: SourceId) -> Result<Node, ParseError> {
    parse_with_duplicates(text, source).map(|(node, _)| node)
}

/// [`parse`], and every key an object of the document repeats (found as
/// each object is parsed, while it is in cache: a walk over an export's
/// tree afterwards was a twentieth of its run).
pub fn parse_with_duplicates(
    text: &str,
    source: SourceId,
) -> Result<(Node, Vec<Duplicate>), ParseError> {
    if text.len() >= PARALLEL_FROM {
        parse_in_pieces(text, source, PIECE)
    } else {
        Parser::new(text, source, 0).document()
    }
    .map_err(|e| e.into_parse_error(text, source))
}

/// [`parse`] with array elements pre-parsed in pieces of about `piece`
/// bytes, whatever the size of `text` (public for the tests that compare
/// it with the parse in one go).
#[doc(hidden)]
pub fn parse_pieces(
    text: &str,
    source: SourceId,
    piece: usize,
) -> Result<(Node, Vec<Duplicate>), ParseError> {
    parse_in_pieces(text, source, piece).map_err(|e| e.into_parse_error(text, source))
}

fn parse_in_pieces(
    text: &str,
    source: SourceId,
    piece: usize,
) -> Result<(Node, Vec<Duplicate>), RawError> {
    use rayon::prelude::*;
    let ready: Vec<Parsed> = pieces(text.as_bytes(), piece.max(1))
        .into_par_iter()
        .filter_map(|p| parse_piece(text, source, &p))
        .collect();
    let mut parser = Parser::new(text, source, 0);
    parser.ready = Some(Ready {
        pieces: ready,
        next: 0,
    });
    parser.document()
}

/// A run of consecutive elements of one array, to be parsed on its own.
struct Piece {
    /// Where its first element starts.
    start: usize,
    /// Where the next piece of the same array starts, or the array's `]`.
    limit: usize,
    /// How many arrays and objects enclose its elements.
    depth: usize,
}

/// A piece, parsed: its elements and where the last one ends.
struct Parsed {
    start: usize,
    depth: usize,
    nodes: Vec<Node>,
    end: usize,
    /// The keys its objects repeat.
    duplicates: Vec<Duplicate>,
}

/// Pre-parsed pieces for the parse of the whole, in file order.
struct Ready {
    pieces: Vec<Parsed>,
    next: usize,
}

/// Cut the elements of the outer arrays (those at most two containers
/// deep: `[…]` and `{"RoleDetailList": […]}`) into pieces of about
/// `size` bytes, by a scan that only follows strings and brackets. The scan
/// trusts nothing: a piece it gets wrong is one the parse of the whole does
/// not reach at that position and depth, or one that fails to parse, and
/// both are then parsed in place. Malformed input yields no pieces.
fn pieces(bytes: &[u8], size: usize) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    // Per open container: whether it is an array, and its open piece.
    let mut stack: Vec<(bool, Option<usize>)> = Vec::new();
    let mut last_cut = 0usize;
    let mut element_next = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if element_next && !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            element_next = false;
            let depth = stack.len();
            if b != b']'
                && depth <= 2
                && i - last_cut >= size
                && let Some((true, open)) = stack.last_mut()
            {
                if let Some(prev) = open.replace(out.len())
                    && let Some(p) = out.get_mut(prev)
                {
                    p.limit = i;
                }
                out.push(Piece {
                    start: i,
                    limit: usize::MAX,
                    depth,
                });
                last_cut = i;
            }
        }
        match b {
            b'"' => {
                i += 1;
                loop {
                    let Some(k) = bytes.get(i..).and_then(|r| memchr2(b'"', b'\\', r)) else {
                        return Vec::new();
                    };
                    if bytes[i + k] == b'\\' {
                        i += k + 2;
                    } else {
                        i += k + 1;
                        break;
                    }
                }
                continue;
            }
            b'[' => {
                stack.push((true, None));
                element_next = true;
            }
            b'{' => stack.push((false, None)),
            b']' | b'}' => match stack.pop() {
                Some((_, Some(p))) => {
                    if let Some(p) = out.get_mut(p) {
                        p.limit = i;
                    }
                }
                Some(_) => {}
                None => return Vec::new(),
            },
            b',' => element_next = stack.last().is_some_and(|s| s.0),
            b' ' | b'\t' | b'\n' | b'\r' => {
                i = skip_blank(bytes, i + 1);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.retain(|p| p.limit != usize::MAX);
    out
}

/// The first position from `i` on that is not JSON whitespace. Exports are
/// indented (the AWS CLI's four spaces a level): most of an export's bytes
/// are indentation, skipped here eight at a time.
fn skip_blank(bytes: &[u8], mut i: usize) -> usize {
    loop {
        while bytes.get(i..i + 8) == Some(b"        ") {
            i += 8;
        }
        match bytes.get(i) {
            Some(b' ' | b'\t' | b'\n' | b'\r') => i += 1,
            _ => return i,
        }
    }
}

/// Parse the elements of one piece, or `None` if any fails (the parse of
/// the whole then meets the error in place and reports it).
fn parse_piece(text: &str, source: SourceId, piece: &Piece) -> Option<Parsed> {
    let mut p = Parser::new(text, source, piece.depth);
    p.pos = piece.start;
    let mut nodes = Vec::new();
    loop {
        nodes.push(p.value().ok()?);
        let end = p.pos;
        if p.skip_ws() != Some(b',') {
            return Some(Parsed {
                start: piece.start,
                depth: piece.depth,
                nodes,
                end,
                duplicates: std::mem::take(&mut p.duplicates),
            });
        }
        p.pos += 1;
        p.skip_ws();
        if p.pos >= piece.limit {
            return Some(Parsed {
                start: piece.start,
                depth: piece.depth,
                nodes,
                end,
                duplicates: std::mem::take(&mut p.duplicates),
            });
        }
    }
}

/// Parse a JSON document that was embedded as a JSON string literal in another JSON file
/// (e.g. a policy stored as a string). `raw` is the literal's raw text BETWEEN the quotes, exactly as in the
/// file, and `raw_start` is the byte offset of `raw` in the file. Unescapes it (recording an offsets::OffsetMap),
/// parses the decoded text, and maps every span back to file bytes, so findings point into the outer file.
pub fn parse_embedded(raw: &str, raw_start: usize, source: SourceId) -> Result<Node, ParseError> {
    let (text, map) = offsets::unescape_json_string(raw, raw_start).map_err(|(message, at)| {
        let (start, end) = char_at(raw, at.saturating_sub(raw_start));
        ParseError {
            message,
            span: Span::new(source, raw_start + start, raw_start + end),
        }
    })?;
    match parse(&text, source) {
        Ok(mut node) => {
            node.map_spans(&mut |s| map.map_span(s));
            Ok(node)
        }
        Err(mut e) => {
            e.span = map.map_span(e.span);
            Err(e)
        }
    }
}

/// An error inside the parser: a message and the text offset it is about.
#[derive(Debug)]
pub(crate) struct RawError {
    /// What is wrong.
    pub(crate) message: String,
    /// Byte offset of the offending character in the parsed text.
    pub(crate) at: usize,
}

impl RawError {
    fn new(message: impl Into<String>, at: usize) -> Self {
        RawError {
            message: message.into(),
            at,
        }
    }

    fn into_parse_error(self, text: &str, source: SourceId) -> ParseError {
        let (start, end) = char_at(text, self.at);
        ParseError {
            message: self.message,
            span: Span::new(source, start, end),
        }
    }
}

/// The span of the character at `at`: one character (so a span never splits
/// UTF-8), or empty at the end of the text.
fn char_at(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let len = match text.get(at..).and_then(|s| s.chars().next()) {
        Some(c) => c.len_utf8(),
        None if at < text.len() => 1,
        None => 0,
    };
    (at, at + len)
}

/// Where [`scan_string`] stopped.
#[derive(Debug, PartialEq)]
pub(crate) enum Stop {
    /// At an unescaped `"` at this offset.
    Quote(usize),
    /// At the end of the text.
    Eof,
    /// At the end of the text, inside the escape starting at this offset.
    EofInEscape(usize),
}

/// Unescape JSON string contents from `pos` into `out`, up to an unescaped
/// `"` or the end of `text`. After each escape, `on_escape(out.len(), pos)`
/// reports where decoded and raw text line up again (for offset maps).
pub(crate) fn scan_string(
    text: &str,
    mut pos: usize,
    out: &mut String,
    mut on_escape: impl FnMut(usize, usize),
) -> Result<Stop, RawError> {
    let bytes = text.as_bytes();
    loop {
        let rest = bytes.get(pos..).unwrap_or_default();
        let Some(i) = memchr2(b'"', b'\\', rest) else {
            check_controls(bytes, pos, bytes.len())?;
            out.push_str(text.get(pos..).unwrap_or_default());
            return Ok(Stop::Eof);
        };
        // `pos` and `pos + i` are at ASCII bytes or the ends, so char boundaries.
        check_controls(bytes, pos, pos + i)?;
        out.push_str(text.get(pos..pos + i).unwrap_or_default());
        pos += i;
        if bytes[pos] == b'"' {
            return Ok(Stop::Quote(pos));
        }
        let esc = pos;
        let c = match bytes.get(pos + 1) {
            None => return Ok(Stop::EofInEscape(esc)),
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => match unicode_escape(bytes, esc)? {
                Some((c, len)) => {
                    pos += len - 2;
                    c
                }
                None => return Ok(Stop::EofInEscape(esc)),
            },
            Some(_) => {
                let c = text.get(pos + 1..).and_then(|s| s.chars().next());
                let shown = c.map(|c| c.escape_debug().to_string()).unwrap_or_default();
                return Err(RawError::new(format!("invalid escape `\\{shown}`"), esc));
            }
        };
        out.push(c);
        pos += 2;
        on_escape(out.len(), pos);
    }
}

/// Decode `\uXXXX` (and a following low surrogate) at `esc`: the character and
/// the escape's length, or `None` if the text ends inside it.
fn unicode_escape(bytes: &[u8], esc: usize) -> Result<Option<(char, usize)>, RawError> {
    let Some(hi) = hex4(bytes, esc + 2)? else {
        return Ok(None);
    };
    let lone = || {
        let raw = bytes.get(esc..esc + 6).unwrap_or_default();
        RawError::new(
            format!("lone surrogate {}", String::from_utf8_lossy(raw)),
            esc,
        )
    };
    let (code, len) = match hi {
        0xD800..=0xDBFF => {
            match (bytes.get(esc + 6), bytes.get(esc + 7)) {
                (Some(b'\\'), Some(b'u')) => {}
                (Some(b'\\'), None) => return Ok(None),
                _ => return Err(lone()),
            }
            match hex4(bytes, esc + 8)? {
                Some(lo @ 0xDC00..=0xDFFF) => (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), 12),
                Some(_) => return Err(lone()),
                None => return Ok(None),
            }
        }
        0xDC00..=0xDFFF => return Err(lone()),
        _ => (hi, 6),
    };
    // Surrogates were handled above, so every code here is a scalar value.
    let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
    Ok(Some((c, len)))
}

/// Four hex digits at `at`, or `None` if the text ends first.
fn hex4(bytes: &[u8], at: usize) -> Result<Option<u32>, RawError> {
    let mut n = 0;
    for k in at..at + 4 {
        let Some(&b) = bytes.get(k) else {
            return Ok(None);
        };
        let Some(d) = (b as char).to_digit(16) else {
            return Err(RawError::new(
                "invalid `\\u` escape: expected 4 hex digits",
                k,
            ));
        };
        n = n * 16 + d;
    }
    Ok(Some(n))
}

/// Reject raw control characters in `bytes[from..to]` (RFC 8259 §7).
fn check_controls(bytes: &[u8], from: usize, to: usize) -> Result<(), RawError> {
    let seg = bytes.get(from..to).unwrap_or_default();
    // A branch-free pass vectorises; find the position only on the rare hit.
    if seg.iter().fold(false, |acc, &b| acc | (b < 0x20)) {
        let i = seg.iter().position(|&b| b < 0x20).unwrap_or(0);
        return Err(RawError::new("control character in string", from + i));
    }
    Ok(())
}

/// An array or object being filled. Its children so far are `items[first..]`
/// or `members[first..]` of the parser's scratch stacks: moved out in one
/// exactly sized allocation when it closes, instead of growing a `Vec` each.
enum Frame {
    Array {
        start: usize,
        first: usize,
    },
    Object {
        start: usize,
        first: usize,
        /// The key whose value is being parsed.
        key: Spanned<crate::load::tree::Key>,
    },
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    source: SourceId,
    items: Vec<Node>,
    members: Vec<Member>,
    /// How many containers enclose where this parser starts (a piece's
    /// elements are not at the top), for the depth limit.
    base_depth: usize,
    /// Array elements parsed ahead, taken when the parse reaches them.
    ready: Option<Ready>,
    /// The keys the objects parsed so far repeat.
    duplicates: Vec<Duplicate>,
}

/// Scratch stacks' capacities up to which a parser hands them back (a
/// few MB): an export's one large array is not held after its parse.
const KEEP_SCRATCH: usize = 1 << 16;

thread_local! {
    /// The scratch stacks of the last parser on this thread, empty, for
    /// the next one: a folder of policy files grew a new pair, doubling
    /// through fresh memory, for each file.
    static SCRATCH: std::cell::Cell<(Vec<Node>, Vec<Member>)> =
        const { std::cell::Cell::new((Vec::new(), Vec::new())) };
}

impl Drop for Parser<'_> {
    fn drop(&mut self) {
        let (mut items, mut members) = (
            std::mem::take(&mut self.items),
            std::mem::take(&mut self.members),
        );
        if items.capacity() <= KEEP_SCRATCH && members.capacity() <= KEEP_SCRATCH {
            // Empty after a whole parse; not after an error.
            items.clear();
            members.clear();
            // Only fails while the thread exits.
            let _ = SCRATCH.try_with(|s| s.set((items, members)));
        }
    }
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, source: SourceId, base_depth: usize) -> Self {
        let (items, members) = SCRATCH.try_with(|s| s.take()).unwrap_or_default();
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            source,
            items,
            members,
            base_depth,
            ready: None,
            duplicates: Vec::new(),
        }
    }

    /// At an array element at `depth`: the pre-parsed piece that starts
    /// here, if one does — its elements but the last go to `items`, the
    /// last is returned to be attached as if just parsed.
    fn splice(&mut self, depth: usize) -> Option<Node> {
        self.ready.as_ref()?;
        self.skip_ws();
        let pos = self.pos;
        let ready = self.ready.as_mut()?;
        while ready.pieces.get(ready.next).is_some_and(|p| p.start < pos) {
            ready.next += 1;
        }
        let piece = ready.pieces.get_mut(ready.next)?;
        if piece.start != pos || piece.depth != depth {
            return None;
        }
        ready.next += 1;
        let end = piece.end;
        let mut nodes = std::mem::take(&mut piece.nodes);
        let last = nodes.pop()?;
        self.items.extend(nodes);
        self.duplicates.append(&mut piece.duplicates);
        self.pos = end;
        Some(last)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.source, start, end)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) -> Option<u8> {
        self.pos = skip_blank(self.bytes, self.pos);
        self.peek()
    }

    fn eof(&self) -> RawError {
        RawError::new("unexpected end of input", self.bytes.len())
    }

    fn document(mut self) -> Result<(Node, Vec<Duplicate>), RawError> {
        if self.text.starts_with('\u{feff}') {
            self.pos = 3;
        }
        if self.skip_ws().is_none() {
            return Err(RawError::new("empty document", self.pos));
        }
        let node = self.value()?;
        if self.skip_ws().is_some() {
            return Err(RawError::new(
                "trailing characters after the document",
                self.pos,
            ));
        }
        Ok((node, std::mem::take(&mut self.duplicates)))
    }

    /// Parse one value, nested containers included, with an explicit stack.
    fn value(&mut self) -> Result<Node, RawError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            let spliced = match stack.last() {
                Some(Frame::Array { .. }) => self.splice(stack.len()),
                _ => None,
            };
            let mut node = match spliced {
                Some(node) => node,
                None => match self.skip_ws() {
                    Some(open @ (b'[' | b'{')) => {
                        let start = self.pos;
                        if stack.len() + self.base_depth >= MAX_DEPTH {
                            let msg = format!("nesting deeper than {MAX_DEPTH} levels");
                            return Err(RawError::new(msg, start));
                        }
                        self.pos += 1;
                        let close = if open == b'[' { b']' } else { b'}' };
                        if self.skip_ws() == Some(close) {
                            self.pos += 1;
                            let value = if open == b'[' {
                                Value::Array(Vec::new())
                            } else {
                                Value::Object(Vec::new())
                            };
                            Node::new(value, self.span(start, self.pos))
                        } else {
                            stack.push(if open == b'[' {
                                Frame::Array {
                                    start,
                                    first: self.items.len(),
                                }
                            } else {
                                Frame::Object {
                                    start,
                                    first: self.members.len(),
                                    key: self.key(None)?,
                                }
                            });
                            continue 'value;
                        }
                    }
                    Some(_) => self.scalar()?,
                    None => return Err(self.eof()),
                },
            };
            // Attach the finished node to its parent; close parents that end here.
            loop {
                let Some(frame) = stack.last_mut() else {
                    return Ok(node);
                };
                let (close, what) = match frame {
                    Frame::Array { .. } => {
                        self.items.push(node);
                        (b']', "`,` or `]` after array element")
                    }
                    Frame::Object { key, .. } => {
                        let key = std::mem::replace(key, Spanned::new("".into(), self.span(0, 0)));
                        self.members.push(Member { key, value: node });
                        (b'}', "`,` or `}` after object member")
                    }
                };
                match self.skip_ws() {
                    Some(b',') => {
                        let comma = self.pos;
                        self.pos += 1;
                        match frame {
                            Frame::Array { .. } => {
                                if self.skip_ws() == Some(b']') {
                                    return Err(RawError::new("trailing comma", comma));
                                }
                            }
                            Frame::Object { key, .. } => *key = self.key(Some(comma))?,
                        }
                        continue 'value;
                    }
                    Some(b) if b == close => {
                        self.pos += 1;
                        node = match stack.pop() {
                            Some(Frame::Array { start, first }) => {
                                let items = self.items.drain(first..).collect();
                                Node::new(Value::Array(items), self.span(start, self.pos))
                            }
                            Some(Frame::Object { start, first, .. }) => {
                                crate::load::tree::repeated_keys(
                                    &self.members[first..],
                                    &mut self.duplicates,
                                );
                                let members = self.members.drain(first..).collect();
                                Node::new(Value::Object(members), self.span(start, self.pos))
                            }
                            None => return Err(self.eof()),
                        };
                    }
                    Some(_) => return Err(RawError::new(format!("expected {what}"), self.pos)),
                    None => return Err(self.eof()),
                }
            }
        }
    }

    /// An object key and its `:`. `comma` is where the preceding comma was.
    fn key(&mut self, comma: Option<usize>) -> Result<Spanned<crate::load::tree::Key>, RawError> {
        match (self.skip_ws(), comma) {
            (Some(b'"'), _) => {}
            (Some(b'}'), Some(comma)) => return Err(RawError::new("trailing comma", comma)),
            (Some(_), _) => return Err(RawError::new("expected a string key", self.pos)),
            (None, _) => return Err(self.eof()),
        }
        let start = self.pos;
        let key = self.string_with(crate::load::tree::key)?;
        let key = Spanned::new(key, self.span(start, self.pos));
        match self.skip_ws() {
            Some(b':') => {
                self.pos += 1;
                Ok(key)
            }
            Some(_) => Err(RawError::new("expected `:` after object key", self.pos)),
            None => Err(self.eof()),
        }
    }

    /// A string, number or literal at `self.pos` (whitespace already skipped).
    fn scalar(&mut self) -> Result<Node, RawError> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'"') => Value::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => {
                self.number()?;
                Value::Number(self.text.get(start..self.pos).unwrap_or_default().into())
            }
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(_) => {
                let c = self.text.get(start..).and_then(|s| s.chars().next());
                let shown = c.map(|c| c.escape_debug().to_string()).unwrap_or_default();
                return Err(RawError::new(
                    format!("unexpected character `{shown}`"),
                    start,
                ));
            }
            None => return Err(self.eof()),
        };
        Ok(Node::new(value, self.span(start, self.pos)))
    }

    /// A string literal at `self.pos` (on its opening quote), unescaped.
    fn string(&mut self) -> Result<crate::load::tree::Str, RawError> {
        self.string_with(|s| crate::load::tree::Str::from(s))
    }

    /// A string literal at `self.pos`, unescaped and handed to `make`
    /// (which may share a common key instead of copying it).
    fn string_with<T>(&mut self, make: impl FnOnce(&str) -> T) -> Result<T, RawError> {
        let open = self.pos;
        let body = open + 1;
        let rest = self.bytes.get(body..).unwrap_or_default();
        // Fast path: no escapes, the contents are a slice of the input.
        if let Some(i) = memchr2(b'"', b'\\', rest)
            && rest[i] == b'"'
        {
            check_controls(self.bytes, body, body + i)?;
            self.pos = body + i + 1;
            return Ok(make(self.text.get(body..body + i).unwrap_or_default()));
        }
        let mut out = String::new();
        match scan_string(self.text, body, &mut out, |_, _| {})? {
            Stop::Quote(end) => {
                self.pos = end + 1;
                Ok(make(&out))
            }
            // Point at the opening quote: the end of the file says little.
            Stop::Eof | Stop::EofInEscape(_) => Err(RawError::new("unterminated string", open)),
        }
    }

    /// Skip a number, checking the RFC 8259 grammar.
    fn number(&mut self) -> Result<(), RawError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(RawError::new("leading zero in number", self.pos - 1));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.expected_digit("after `-`")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.require_digits("after `.`")?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.require_digits("in exponent")?;
        }
        Ok(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn require_digits(&mut self, what: &str) -> Result<(), RawError> {
        match self.peek() {
            Some(b'0'..=b'9') => {
                self.digits();
                Ok(())
            }
            _ => Err(self.expected_digit(what)),
        }
    }

    fn expected_digit(&self, what: &str) -> RawError {
        match self.peek() {
            Some(_) => RawError::new(format!("expected a digit {what}"), self.pos),
            None => self.eof(),
        }
    }

    /// `true`, `false` or `null`.
    fn literal(&mut self, word: &str, value: Value) -> Result<Value, RawError> {
        for &w in word.as_bytes() {
            match self.peek() {
                Some(b) if b == w => self.pos += 1,
                Some(_) => {
                    return Err(RawError::new(
                        format!("invalid literal, expected `{word}`"),
                        self.pos,
                    ));
                }
                None => return Err(self.eof()),
            }
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: SourceId = SourceId(3);

    #[test]
    fn blanks_are_skipped_to_the_next_token_whatever_their_mix() {
        for blank in [
            "",
            " ",
            "        ",
            "         ",
            "\n",
            "\r\n        \t  ",
            "\n                 ",
        ] {
            let text = format!("{blank}x{blank}");
            assert_eq!(skip_blank(text.as_bytes(), 0), blank.len(), "{blank:?}");
            assert_eq!(skip_blank(text.as_bytes(), blank.len() + 1), text.len());
        }
        // Not past a non-blank byte inside a run of eight.
        assert_eq!(skip_blank(b"    x       ", 0), 4);
    }

    fn err(text: &str) -> (String, usize, usize) {
        match parse(text, SRC) {
            Ok(node) => panic!("{text:?} parsed: {node:?}"),
            Err(e) => (e.message, e.span.start as usize, e.span.end as usize),
        }
    }

    /// A compact rendering of a tree with every span, to compare against.
    fn show(node: &Node) -> String {
        let s = node.span;
        let inner = match &node.value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => format!("#{n}"),
            Value::String(t) => format!("{t:?}"),
            Value::Array(items) => {
                let items: Vec<_> = items.iter().map(show).collect();
                format!("[{}]", items.join(" "))
            }
            Value::Object(members) => {
                let members: Vec<_> = members
                    .iter()
                    .map(|m| {
                        let k = m.key.span;
                        format!(
                            "{:?}@{}..{}={}",
                            m.key.value,
                            k.start,
                            k.end,
                            show(&m.value)
                        )
                    })
                    .collect();
                format!("{{{}}}", members.join(" "))
            }
            Value::Tagged(..) => "tagged".into(),
        };
        format!("{inner}@{}..{}", s.start, s.end)
    }

    #[test]
    fn valid_documents_with_spans() {
        let cases: &[(&str, &str)] = &[
            ("0", "#0@0..1"),
            (" -1.5e+3 ", "#-1.5e+3@1..8"),
            ("true", "true@0..4"),
            ("\u{feff}null", "null@3..7"),
            ("\"\"", "\"\"@0..2"),
            (
                r#""a\"b\\\/\b\f\n\r\t""#,
                r#""a\"b\\/\u{8}\u{c}\n\r\t"@0..20"#,
            ),
            (r#""\u00e9\uD83D\uDE00""#, "\"é😀\"@0..20"),
            ("\"é\u{7f}\"", "\"é\\u{7f}\"@0..5"),
            ("[]", "[]@0..2"),
            ("{ }", "{}@0..3"),
            (
                "[1, [\"x\"], {}]",
                "[#1@1..2 [\"x\"@5..8]@4..9 {}@11..13]@0..14",
            ),
            (
                r#"{"a": 1, "a": [true], "b\n": {"c": null}}"#,
                r#"{"a"@1..4=#1@6..7 "a"@9..12=[true@15..19]@14..20 "b\n"@22..27={"c"@30..33=null@35..39}@29..40}@0..41"#,
            ),
        ];
        for (text, expected) in cases {
            let node = parse(text, SRC).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
            assert_eq!(show(&node), *expected, "{text:?}");
            assert_eq!(node.span.source, SRC);
        }
    }

    #[test]
    fn invalid_documents_with_messages_and_spans() {
        let cases: &[(&str, &str, usize, usize)] = &[
            ("", "empty document", 0, 0),
            (" \u{feff}", "unexpected character `\\u{feff}`", 1, 4),
            ("\u{feff} \n", "empty document", 5, 5),
            ("[1 2]", "expected `,` or `]` after array element", 3, 4),
            (
                "{\"a\":1 \"b\":2}",
                "expected `,` or `}` after object member",
                7,
                8,
            ),
            ("{\"a\" 1}", "expected `:` after object key", 5, 6),
            ("{1:2}", "expected a string key", 1, 2),
            ("{\"a\":1,}", "trailing comma", 6, 7),
            ("[1,\n]", "trailing comma", 2, 3),
            ("[1,", "unexpected end of input", 3, 3),
            ("{\"a\":", "unexpected end of input", 5, 5),
            ("[", "unexpected end of input", 1, 1),
            ("\"abc", "unterminated string", 0, 1),
            ("[\"abc\\\"]", "unterminated string", 1, 2),
            ("\"a\\u12", "unterminated string", 0, 1),
            ("\"\\x\"", "invalid escape `\\x`", 1, 2),
            ("\"\\é\"", "invalid escape `\\é`", 1, 2),
            ("\"a\tb\"", "control character in string", 2, 3),
            ("\"a\\nb\nc\"", "control character in string", 5, 6),
            (
                "\"\\u12g4\"",
                "invalid `\\u` escape: expected 4 hex digits",
                5,
                6,
            ),
            ("\"\\ud800\"", "lone surrogate \\ud800", 1, 2),
            ("\"\\uDC00\\uD800\"", "lone surrogate \\uDC00", 1, 2),
            ("\"\\ud800\\u0041\"", "lone surrogate \\ud800", 1, 2),
            ("\"\\ud800x\"", "lone surrogate \\ud800", 1, 2),
            ("01", "leading zero in number", 0, 1),
            ("-", "unexpected end of input", 1, 1),
            ("-a", "expected a digit after `-`", 1, 2),
            ("1.", "unexpected end of input", 2, 2),
            ("1.e5", "expected a digit after `.`", 2, 3),
            ("1e+", "unexpected end of input", 3, 3),
            ("[1e]", "expected a digit in exponent", 3, 4),
            ("+1", "unexpected character `+`", 0, 1),
            (".5", "unexpected character `.`", 0, 1),
            ("tru", "unexpected end of input", 3, 3),
            ("nul1", "invalid literal, expected `null`", 3, 4),
            ("True", "unexpected character `T`", 0, 1),
            ("{} {}", "trailing characters after the document", 3, 4),
            ("1 é", "trailing characters after the document", 2, 4),
            ("]", "unexpected character `]`", 0, 1),
            ("[1]]", "trailing characters after the document", 3, 4),
            ("[\u{0}]", "unexpected character `\\0`", 1, 2),
        ];
        for (text, message, start, end) in cases {
            assert_eq!(err(text), (message.to_string(), *start, *end), "{text:?}");
        }
    }

    #[test]
    fn depth_limit_is_exact() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok, SRC).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(
            err(&deep),
            (
                "nesting deeper than 256 levels".into(),
                MAX_DEPTH,
                MAX_DEPTH + 1
            )
        );
        let objects = "{\"a\":".repeat(MAX_DEPTH + 1);
        assert_eq!(err(&objects).1, 5 * MAX_DEPTH);
    }

    #[test]
    fn embedded_document_spans_point_into_the_file() {
        let file = r#"{"Policy": "{\"Statement\":[{\"Action\":\"s3:GetObject\",\"Sid\":\"caf\u00e9\\\\\"}]}"}"#;
        let outer = parse(file, SRC).expect("outer parses");
        let lit = outer.get("Policy").expect("member").span;
        let (raw_start, raw_end) = (lit.start as usize + 1, lit.end as usize - 1);
        let inner =
            parse_embedded(&file[raw_start..raw_end], raw_start, SRC).expect("inner parses");
        let slice = |s: Span| &file[s.start as usize..s.end as usize];
        let stmt = &inner
            .get("Statement")
            .and_then(Node::as_array)
            .expect("array")[0];
        let action = stmt.get("Action").expect("action");
        assert_eq!(action.as_str(), Some("s3:GetObject"));
        assert_eq!(slice(action.span), r#"\"s3:GetObject\""#);
        let sid = stmt.get("Sid").expect("sid");
        assert_eq!(sid.as_str(), Some("café\\"));
        assert_eq!(slice(sid.span), r#"\"caf\u00e9\\\\\""#);
        assert_eq!(
            slice(stmt.as_object().expect("object")[0].key.span),
            r#"\"Action\""#
        );
        assert_eq!(slice(inner.span), &file[raw_start..raw_end]);
        assert_eq!(inner.span.source, SRC);
    }

    #[test]
    fn embedded_errors_point_into_the_file() {
        // Parse `file`'s `P` member as an embedded document; the error and the text it spans.
        let embedded = |file: &str| {
            let lit = parse(file, SRC).expect("outer").get("P").expect("P").span;
            let (start, end) = (lit.start as usize + 1, lit.end as usize - 1);
            let e = parse_embedded(&file[start..end], start, SRC).expect_err("invalid");
            (
                e.message,
                file[e.span.start as usize..e.span.end as usize].to_string(),
            )
        };
        let e = embedded(r#"{"P": "{\"a\" 1}"}"#);
        assert_eq!(e, ("expected `:` after object key".into(), "1".into()));
        let e = embedded(r#"{"P": "{\"a\":1\"}"}"#);
        assert_eq!(
            e,
            (
                "expected `,` or `}` after object member".into(),
                r#"\""#.into()
            )
        );
        let e = embedded(r#"{"P": "[\"\\ud800\"]"}"#);
        assert_eq!(e, ("lone surrogate \\ud800".into(), r"\\".into()));
        let e = parse_embedded(r"[\q]", 10, SRC).expect_err("bad escape");
        assert_eq!(
            (e.message.as_str(), e.span.start, e.span.end),
            ("invalid escape `\\q`", 11, 12)
        );
        let e = parse_embedded("", 10, SRC).expect_err("empty");
        assert_eq!(
            (e.message.as_str(), e.span.start, e.span.end),
            ("empty document", 10, 10)
        );
    }
}
