//! The YAML loader: every YAML input (config file, CloudFormation, Kubernetes
//! manifests, the YAML inside an aws-auth ConfigMap) becomes [`Node`] trees
//! with byte spans here, plus the `#` comments that hold inline suppressions.
//!
//! Built on `saphyr-parser` events rather than `saphyr`'s `YamlLoader`: the
//! loader stores mappings in a hash map (it errors on, or drops, duplicate
//! keys, which rules must see), recurses in `Parser::load` (stack overflow on
//! deep input) and clones aliases without our depth/size bookkeeping. Driving
//! `Parser::next_event` ourselves gives an explicit stack, file-order members
//! with duplicates kept, and our own alias budget.
//!
//! Spans: saphyr's markers count characters; they are converted to bytes by
//! `CharToByte`. A scalar spans its text as written: quoted scalars include
//! their quotes, block scalars run from the `|`/`>` indicator to the last
//! non-blank content character, a tagged value's [`Value::Tagged`] node
//! spans tag and value while its inner node spans only the value. Anchors
//! (`&a`) are not part of any span; an alias copy keeps the anchor's spans
//! inside but its root spans the `*a` that produced it. Merge keys (`<<`)
//! are left as literal keys.
//!
//! Scalars resolve by the YAML 1.2 core schema but keep their raw text
//! (`012345678901` is a [`Value::Number`] with that text; `on`, `yes` and
//! `2012-10-17` are strings). The inner node of a custom-tagged scalar
//! (`!Ref 123`) is always a string: the tag, not the core schema, types it.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use saphyr_parser::{Event, Parser, ScalarStyle as Style, Tag};

use crate::load::tree::{Duplicate, Member, Node, Value};
use crate::source::{SourceId, Span, Spanned};

/// Deepest nesting of collections accepted; deeper input is a [`ParseError`].
pub const MAX_DEPTH: usize = 256;

/// Most nodes that alias expansion (`*a`) may produce in one [`parse`] call,
/// so an alias bomb ("billion laughs") fails fast instead of eating memory.
pub const MAX_ALIAS_EXPANSION: usize = 10_000;

/// Why a YAML text could not be loaded, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// What went wrong, lowercase-first.
    pub message: String,
    /// Where (empty span at the error position, or the offending node).
    pub span: Span,
}

/// A `#` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, trimmed.
    pub text: String,
    /// From the `#` to the end of the line (without the line break).
    pub span: Span,
    /// 1-based line number.
    pub line: u32,
}

/// All documents of a (multi-document) YAML stream, as trees with byte spans
/// into `text`. Empty documents (nothing, or only comments) yield no node.
pub fn parse(text: &str, source: SourceId) -> Result<Vec<Node>, ParseError> {
    parse_with_duplicates(text, source).map(|(docs, _)| docs)
}

/// [`parse`], and every key a mapping of the text repeats (found as each
/// mapping is closed; an alias repeats its anchor's, which are named once).
pub fn parse_with_duplicates(
    text: &str,
    source: SourceId,
) -> Result<(Vec<Node>, Vec<Duplicate>), ParseError> {
    let mut b = Builder::new(text, source);
    let mut parser = Parser::new_from_str(text);
    loop {
        // saphyr-parser is not audited as panic-free; a panic on hostile input
        // must become a load error for this file, not end the whole run.
        let next = catch_unwind(AssertUnwindSafe(|| parser.next_event()));
        let (ev, span) = match next {
            Ok(Some(Ok(pair))) => pair,
            Ok(Some(Err(e))) => {
                let at = b.idx.byte(e.marker().index());
                return Err(b.error(readable(e.info()), at, at));
            }
            Ok(None) => break,
            Err(_) => {
                return Err(b.error(
                    "the YAML parser failed on this input".into(),
                    b.prev_end,
                    b.prev_end,
                ));
            }
        };
        let s = b.idx.byte(span.start.index());
        let e = b.idx.byte(span.end.index()).max(s);
        if ev == Event::StreamEnd {
            break;
        }
        b.event(ev, s, e)?;
        b.prev_end = e;
    }
    Ok((b.docs, b.duplicates))
}

/// Parse YAML held in a block or quoted scalar of an outer YAML file
/// (aws-auth `data.mapRoles: |`): `node` is the outer string node; returns the
/// inner documents with spans mapped back to the outer file.
///
/// Literal blocks (`|`) and quoted or plain scalars map exactly, character by
/// character (escapes map to the whole escape sequence). Anything else
/// (folded `>` blocks, or text whose re-decoding does not match the value)
/// maps every inner span to the whole outer scalar.
pub fn parse_embedded(
    node: &Node,
    outer_text: &str,
    source: SourceId,
) -> Result<Vec<Node>, ParseError> {
    let Value::String(value) = &node.value else {
        return Err(ParseError {
            message: format!("expected a string holding YAML, found {}", node.type_name()),
            span: node.span,
        });
    };
    let (start, end) = (node.span.start as usize, node.span.end as usize);
    let raw = outer_text.get(start..end).unwrap_or("");
    let mapped = match raw.as_bytes().first() {
        Some(b'|') => literal_block(outer_text, start, value),
        Some(b'>') | None => None,
        Some(_) => decode_flow(raw, start, value),
    };
    let (inner, map) = mapped.unwrap_or_else(|| {
        let mut map = PieceMap::default();
        map.push(value.len().max(1), start, end.saturating_sub(start), false);
        (value.to_string(), map)
    });
    let mut docs = parse(&inner, source).map_err(|mut e| {
        e.span = map.span(e.span);
        e
    })?;
    for doc in &mut docs {
        doc.map_spans(&mut |s| map.span(s));
    }
    Ok(docs)
}

/// Every `#` comment in `text`, in order.
///
/// A line scanner, since saphyr-parser drops comments: it skips quoted
/// scalars (also across lines), block scalar content (`|`/`>` then more
/// indented lines) and `#` not preceded by whitespace (`a#b` is text). Known
/// limits: a plain scalar continuation line starting with a quote is taken
/// for a quoted scalar, and block scalar extent is judged by indentation of
/// the header line, not the exact YAML rules.
pub fn comments(text: &str, source: SourceId) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut quote: Option<u8> = None;
    // Some(None): a block scalar header was seen, content indent not known yet.
    let mut block: Option<(usize, Option<usize>)> = None;
    let mut flow_depth = 0usize;
    let mut line_start = 0usize;
    for (line_no, raw_line) in text.split('\n').enumerate() {
        let here = line_start;
        line_start += raw_line.len() + 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&c| c == b' ').count();
        let blank = line.trim().is_empty();
        if let Some((header_indent, content)) = block {
            match content {
                _ if blank => continue,
                None if indent > header_indent => {
                    block = Some((header_indent, Some(indent)));
                    continue;
                }
                Some(m) if indent >= m => continue,
                _ => block = None,
            }
        }
        let mut i = 0;
        let mut at_token = quote.is_none();
        let mut prev_ws = true;
        if quote.is_none() && (line.starts_with("---") || line.starts_with("...")) {
            i = 3;
            prev_ws = false;
        }
        while i < bytes.len() {
            let c = bytes[i];
            if let Some(q) = quote {
                if q == b'"' && c == b'\\' {
                    i += 2;
                    continue;
                }
                if c == q {
                    if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    quote = None;
                    at_token = false;
                }
                prev_ws = false;
                i += 1;
                continue;
            }
            let next_ws = bytes.get(i + 1).is_none_or(|n| matches!(n, b' ' | b'\t'));
            match c {
                b' ' | b'\t' => {
                    prev_ws = true;
                    i += 1;
                    continue;
                }
                b'#' if prev_ws => {
                    let start = here + i;
                    out.push(Comment {
                        text: line[i + 1..].trim().to_string(),
                        span: Span::new(source, start, here + line.len()),
                        line: u32::try_from(line_no + 1).unwrap_or(u32::MAX),
                    });
                    break;
                }
                b'\'' | b'"' if at_token => quote = Some(c),
                b'[' | b'{' => {
                    flow_depth += 1;
                    at_token = true;
                }
                b']' | b'}' => {
                    flow_depth = flow_depth.saturating_sub(1);
                    at_token = false;
                }
                b',' if flow_depth > 0 => at_token = true,
                b'-' | b'?' | b':' if next_ws => at_token = true,
                b'|' | b'>' if at_token && flow_depth == 0 => {
                    block = Some((indent, None));
                    at_token = false;
                }
                b'!' | b'&' if at_token => {
                    // A property: the token after it may still be a quote or block.
                    while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t') {
                        i += 1;
                    }
                    continue;
                }
                _ => at_token = false,
            }
            prev_ws = false;
            i += 1;
        }
    }
    out
}

/// Char index → byte offset. Identity for ASCII text; otherwise a byte offset
/// every [`Self::STRIDE`] characters and a short walk from there.
struct CharToByte<'a> {
    text: &'a str,
    checkpoints: Option<Vec<usize>>,
}

impl<'a> CharToByte<'a> {
    const STRIDE: usize = 64;

    fn new(text: &'a str) -> Self {
        let checkpoints = (!text.is_ascii()).then(|| {
            text.char_indices()
                .step_by(Self::STRIDE)
                .map(|(b, _)| b)
                .collect()
        });
        CharToByte { text, checkpoints }
    }

    fn byte(&self, char_index: usize) -> usize {
        let len = self.text.len();
        let Some(cps) = &self.checkpoints else {
            return char_index.min(len);
        };
        let Some(&base) = cps.get(char_index / Self::STRIDE) else {
            return len;
        };
        self.text
            .get(base..)
            .and_then(|rest| rest.char_indices().nth(char_index % Self::STRIDE))
            .map_or(len, |(b, _)| base + b)
    }
}

/// What a tag means for the value it is on.
enum TagKind {
    /// `!!str`, `!!int`, …: resolves the scalar, no wrapper.
    Core(String),
    /// The lone `!`: "not a plain scalar", i.e. a string.
    NonSpecific,
    /// Anything else (`!Ref`): kept as a [`Value::Tagged`] wrapper.
    Custom(Box<str>),
}

fn tag_kind(tag: &Tag) -> TagKind {
    if tag.is_yaml_core_schema() {
        TagKind::Core(tag.suffix.clone())
    } else if (tag.handle.is_empty() && tag.suffix == "!")
        || (tag.handle == "!" && tag.suffix.is_empty())
    {
        TagKind::NonSpecific
    } else if tag.handle == "!" {
        TagKind::Custom(tag.suffix.as_str().into())
    } else {
        let name = format!("{}{}", tag.handle, tag.suffix);
        TagKind::Custom(name.trim_start_matches('!').into())
    }
}

/// An open collection's children so far: `items[first..]` or
/// `members[first..]` of the builder's scratch stacks, moved out in one
/// exactly sized allocation when it closes (a `Vec` grown by pushes
/// reserves up to twice what it holds, for every mapping of a template).
enum Items {
    Seq {
        first: usize,
    },
    Map {
        first: usize,
        key: Option<Spanned<crate::load::tree::Key>>,
    },
}

/// An open collection.
struct Frame {
    items: Items,
    anchor: usize,
    tag: Option<TagKind>,
    /// Where the properties (tag, anchor) start, or the collection if none.
    props_start: usize,
    /// The first character of the collection itself.
    start: usize,
    flow: bool,
    /// End of the last child so far: a block collection ends there.
    end: usize,
    /// Nodes in the subtree so far, for the alias budget.
    count: usize,
}

struct Builder<'a> {
    text: &'a str,
    idx: CharToByte<'a>,
    source: SourceId,
    stack: Vec<Frame>,
    /// The children of the open sequences, innermost last.
    items: Vec<Node>,
    /// The members of the open mappings, innermost last.
    members: Vec<Member>,
    anchors: HashMap<usize, (Node, usize)>,
    budget: usize,
    docs: Vec<Node>,
    root: Option<Node>,
    /// End of the previous event: a block scalar's indicator lies after it.
    prev_end: usize,
    /// The keys the mappings closed so far repeat.
    duplicates: Vec<Duplicate>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, source: SourceId) -> Self {
        Builder {
            text,
            idx: CharToByte::new(text),
            source,
            stack: Vec::new(),
            items: Vec::new(),
            members: Vec::new(),
            anchors: HashMap::new(),
            budget: MAX_ALIAS_EXPANSION,
            docs: Vec::new(),
            root: None,
            prev_end: 0,
            duplicates: Vec::new(),
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.source, start, end)
    }

    fn error(&self, message: String, start: usize, end: usize) -> ParseError {
        ParseError {
            message,
            span: self.span(start, end),
        }
    }

    fn event(&mut self, ev: Event<'_>, s: usize, e: usize) -> Result<(), ParseError> {
        match ev {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            Event::DocumentStart(_) => self.root = None,
            Event::DocumentEnd => {
                if let Some(root) = self.root.take() {
                    self.docs.push(root);
                }
            }
            Event::Scalar(v, style, anchor, tag) => {
                // An empty document (nothing or only comments) comes as an
                // empty plain root scalar; it is not a value anyone wrote.
                if self.stack.is_empty()
                    && v.is_empty()
                    && style == Style::Plain
                    && anchor == 0
                    && tag.is_none()
                {
                    return Ok(());
                }
                let node = self.scalar(&v, style, anchor > 0, tag.as_deref(), s, e);
                self.finish(node, 1, anchor);
            }
            Event::SequenceStart(anchor, tag) => self.open(true, anchor, tag.as_deref(), s, e)?,
            Event::MappingStart(anchor, tag) => self.open(false, anchor, tag.as_deref(), s, e)?,
            Event::SequenceEnd | Event::MappingEnd => self.close(e),
            Event::Alias(id) => {
                let Some((node, count)) = self.anchors.get(&id) else {
                    return Err(self.error(
                        "alias refers to an anchor that contains it".into(),
                        s,
                        e,
                    ));
                };
                if *count > self.budget {
                    return Err(self.error(
                        format!(
                            "alias expansion exceeds {MAX_ALIAS_EXPANSION} nodes (an alias bomb?)"
                        ),
                        s,
                        e,
                    ));
                }
                let count = *count;
                self.budget -= count;
                let mut node = node.clone();
                node.span = self.span(s, e);
                self.attach(node, count);
            }
        }
        Ok(())
    }

    fn scalar(
        &self,
        v: &str,
        style: Style,
        anchored: bool,
        tag: Option<&Tag>,
        s: usize,
        e: usize,
    ) -> Node {
        let bytes = self.text.as_bytes();
        let mut start = if anchored || tag.is_some() {
            skip_props(bytes, s, e)
        } else {
            s
        };
        let mut end = e;
        match style {
            Style::Literal | Style::Folded => {
                // Untagged block scalars start at their first content character:
                // find the indicator between the previous event and there.
                if !matches!(bytes.get(start), Some(b'|' | b'>'))
                    && let Some(i) = find_block_indicator(bytes, self.prev_end.min(start), start)
                {
                    start = i;
                }
                // saphyr's end includes trailing blank lines.
                while end > start + 1 && bytes.get(end - 1).is_some_and(u8::is_ascii_whitespace) {
                    end -= 1;
                }
            }
            // saphyr's end for quoted scalars runs over a trailing comment.
            Style::SingleQuoted | Style::DoubleQuoted => end = closing_quote(bytes, start, e),
            Style::Plain => {}
        }
        let end = end.max(start);
        let span = self.span(start, end);
        let value = match tag.map(tag_kind) {
            None if style == Style::Plain => resolve_plain(v),
            None | Some(TagKind::NonSpecific) => Value::String(v.into()),
            Some(TagKind::Core(t)) => resolve_core(&t, v),
            Some(TagKind::Custom(name)) => {
                let inner = Node::new(Value::String(v.into()), span);
                return Node::new(
                    Value::Tagged(name, Box::new(inner)),
                    self.span(s.min(start), end),
                );
            }
        };
        Node::new(value, span)
    }

    fn open(
        &mut self,
        seq: bool,
        anchor: usize,
        tag: Option<&Tag>,
        s: usize,
        e: usize,
    ) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(format!("nesting deeper than {MAX_DEPTH} levels"), s, e));
        }
        let bytes = self.text.as_bytes();
        let flow = e > s && matches!(bytes.get(e - 1), Some(b'[' | b'{'));
        let mut start = if flow { e - 1 } else { e };
        if seq && !flow && bytes.get(start) != Some(&b'-') {
            // An indentless sequence (`key:\n- a`) starts after its first `- `.
            let mut i = start;
            while i > 0 && matches!(bytes[i - 1], b' ' | b'\t') {
                i -= 1;
            }
            if i > 0 && bytes[i - 1] == b'-' {
                start = i - 1;
            }
        }
        self.stack.push(Frame {
            items: if seq {
                Items::Seq {
                    first: self.items.len(),
                }
            } else {
                Items::Map {
                    first: self.members.len(),
                    key: None,
                }
            },
            anchor,
            tag: tag.map(tag_kind),
            props_start: s.min(start),
            start,
            flow,
            end: start,
            count: 1,
        });
        Ok(())
    }

    fn close(&mut self, e: usize) {
        let Some(f) = self.stack.pop() else { return };
        let end = if f.flow { e } else { f.end }.max(f.start);
        let value = match f.items {
            Items::Seq { first } => Value::Array(self.items.drain(first..).collect()),
            Items::Map { first, key } => {
                // saphyr always sends a value (an empty scalar) after a key;
                // keep a dangling key anyway rather than drop it.
                if let Some(key) = key {
                    let at = key.span;
                    self.members.push(Member {
                        key,
                        value: Node::new(
                            Value::Null,
                            Span {
                                start: at.end,
                                ..at
                            },
                        ),
                    });
                }
                let members = self.members.drain(first..).collect::<Vec<_>>();
                crate::load::tree::repeated_keys(&members, &mut self.duplicates);
                Value::Object(members)
            }
        };
        let mut node = Node::new(value, self.span(f.start, end));
        if let Some(TagKind::Custom(name)) = f.tag {
            node = Node::new(
                Value::Tagged(name, Box::new(node)),
                self.span(f.props_start, end),
            );
        }
        self.finish(node, f.count, f.anchor);
    }

    fn finish(&mut self, node: Node, count: usize, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), count));
        }
        self.attach(node, count);
    }

    fn attach(&mut self, node: Node, count: usize) {
        let text = self.text;
        let Some(f) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        f.end = f.end.max(node.span.end as usize);
        f.count = f.count.saturating_add(count);
        match &mut f.items {
            Items::Seq { .. } => self.items.push(node),
            Items::Map { key, .. } => match key.take() {
                Some(key) => self.members.push(Member { key, value: node }),
                None => {
                    *key = Some(Spanned::new(
                        crate::load::tree::key(key_text(&node, text)),
                        node.span,
                    ))
                }
            },
        }
    }
}

/// The text of a mapping key: a scalar's value, else the key as written.
fn key_text<'t>(node: &'t Node, text: &'t str) -> &'t str {
    match &node.value {
        Value::String(s) | Value::Number(s) => s,
        Value::Tagged(_, inner) if inner.as_scalar_text().is_some() => key_text(inner, text),
        _ => text
            .get(node.span.start as usize..node.span.end as usize)
            .unwrap_or(""),
    }
}

/// Skip anchors, tags, whitespace and comments from `i`, not past `limit`.
fn skip_props(bytes: &[u8], mut i: usize, limit: usize) -> usize {
    while i < limit {
        match bytes[i] {
            b'!' | b'&' => {
                let verbatim = bytes.get(i + 1) == Some(&b'<');
                while i < limit && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                    i += 1;
                    if verbatim && bytes[i - 1] == b'>' {
                        break;
                    }
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => {
                while i < limit && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => break,
        }
    }
    i.min(limit)
}

/// The `|` or `>` of a block scalar between `from` and `limit`, skipping the
/// indicators, properties and comments that may precede it.
fn find_block_indicator(bytes: &[u8], mut i: usize, limit: usize) -> Option<usize> {
    while i < limit {
        match bytes[i] {
            b'|' | b'>' => return Some(i),
            b' ' | b'\t' | b'\r' | b'\n' | b':' | b'-' | b'?' => i += 1,
            0xEF if bytes.get(i..i + 3) == Some(b"\xEF\xBB\xBF") => i += 3,
            b'#' | b'!' | b'&' => {
                let stop: &[u8] = if bytes[i] == b'#' { b"\n" } else { b" \t\r\n" };
                while i < limit && !stop.contains(&bytes[i]) {
                    i += 1;
                }
            }
            _ => return None,
        }
    }
    None
}

/// One past the closing quote of the quoted scalar opening at `start`.
fn closing_quote(bytes: &[u8], start: usize, limit: usize) -> usize {
    let Some(&q) = bytes.get(start) else {
        return limit;
    };
    let mut i = start + 1;
    while i < limit {
        match bytes[i] {
            b'\\' if q == b'"' => i += 2,
            b'\'' if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    limit
}

/// YAML 1.2 core schema resolution of a plain scalar, keeping raw text.
fn resolve_plain(v: &str) -> Value {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if is_core_number(v) => Value::Number(v.into()),
        _ => Value::String(v.into()),
    }
}

/// A scalar with an explicit `!!` tag; impossible combinations stay strings.
fn resolve_core(tag: &str, v: &str) -> Value {
    match (tag, resolve_plain(v)) {
        ("int" | "float", n @ Value::Number(_)) => n,
        ("bool", b @ Value::Bool(_)) => b,
        ("null", _) => Value::Null,
        _ => Value::String(v.into()),
    }
}

fn is_core_number(v: &str) -> bool {
    let all = |s: &str, f: fn(&u8) -> bool| !s.is_empty() && s.as_bytes().iter().all(f);
    if let Some(h) = v.strip_prefix("0x") {
        return all(h, u8::is_ascii_hexdigit);
    }
    if let Some(o) = v.strip_prefix("0o") {
        return all(o, |c| (b'0'..=b'7').contains(c));
    }
    if matches!(v, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = v.strip_prefix(['-', '+']).unwrap_or(v);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok =
        exponent.is_none_or(|x| all(x.strip_prefix(['-', '+']).unwrap_or(x), u8::is_ascii_digit));
    mantissa_ok && exponent_ok
}

/// saphyr's message, lowercase-first and without internal jargon.
fn readable(info: &str) -> String {
    if info == "recursion limit exceeded" {
        return "nesting too deep (more than 255 flow levels)".into();
    }
    let mut chars = info.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first
            .to_lowercase()
            .chain(info[first.len_utf8()..].chars())
            .collect(),
        _ => info.to_string(),
    }
}

/// Piecewise map from offsets in a decoded text back to the file.
/// A linear piece maps byte for byte; any other piece (an escape, a folded
/// line break) maps every offset inside it to its whole outer range.
#[derive(Default)]
struct PieceMap {
    pieces: Vec<Piece>,
    inner_len: usize,
}

#[derive(Clone, Copy)]
struct Piece {
    inner: usize,
    len: usize,
    outer: usize,
    outer_len: usize,
    linear: bool,
}

impl PieceMap {
    fn push(&mut self, len: usize, outer: usize, outer_len: usize, linear: bool) {
        if len == 0 {
            return;
        }
        let inner = self.inner_len;
        self.inner_len += len;
        if let Some(last) = self.pieces.last_mut()
            && linear
            && last.linear
            && last.outer + last.outer_len == outer
        {
            last.len += len;
            last.outer_len += len;
            return;
        }
        self.pieces.push(Piece {
            inner,
            len,
            outer,
            outer_len,
            linear,
        });
    }

    fn piece(&self, i: usize) -> Option<&Piece> {
        let k = self.pieces.partition_point(|p| p.inner <= i);
        self.pieces.get(k.checked_sub(1)?)
    }

    fn start(&self, i: usize) -> usize {
        match self.piece(i) {
            Some(p) if i >= p.inner + p.len => p.outer + p.outer_len,
            Some(p) if p.linear => p.outer + (i - p.inner),
            Some(p) => p.outer,
            None => self.pieces.first().map_or(0, |p| p.outer),
        }
    }

    fn end(&self, i: usize) -> usize {
        let Some(last) = i.checked_sub(1) else {
            return self.start(0);
        };
        match self.piece(last) {
            Some(p) if p.linear && last < p.inner + p.len => p.outer + (last - p.inner) + 1,
            Some(p) => p.outer + p.outer_len,
            None => self.start(0),
        }
    }

    fn span(&self, s: Span) -> Span {
        let start = self.start(s.start as usize);
        let end = if s.is_empty() {
            start
        } else {
            self.end(s.end as usize).max(start)
        };
        Span::new(s.source, start, end)
    }
}

/// The content of the literal block scalar whose `|` is at `start`, with
/// indentation stripped and each line mapped back. The indentation is the
/// first content line's unless that does not reproduce `value` (an explicit
/// indentation indicator), in which case smaller ones are tried.
fn literal_block(outer: &str, start: usize, value: &str) -> Option<(String, PieceMap)> {
    let body = start + outer.get(start..)?.find('\n')? + 1;
    let mut lines = Vec::new(); // (start, end without terminator, terminator length)
    let mut at = body;
    while at < outer.len() {
        let rest = &outer[at..];
        let (len, term) = rest.find('\n').map_or((rest.len(), 0), |n| (n, 1));
        let (len, term) = if rest[..len].ends_with('\r') {
            (len - 1, term + 1)
        } else {
            (len, term)
        };
        lines.push((at, at + len, term));
        at += len + term;
    }
    let indent_of =
        |&(s, e, _): &(usize, usize, usize)| outer[s..e].bytes().take_while(|&c| c == b' ').count();
    let first = lines
        .iter()
        .find(|l| !outer[l.0..l.1].trim().is_empty())
        .map(indent_of)?;
    let want = value.trim_end_matches('\n');
    for indent in (1..=first).rev() {
        let mut text = String::new();
        let mut map = PieceMap::default();
        for line in &lines {
            if text.len() >= want.len() {
                break;
            }
            if !outer[line.0..line.1].trim().is_empty() && indent_of(line) < indent {
                break;
            }
            let from = line.0 + indent_of(line).min(indent);
            text.push_str(&outer[from..line.1]);
            map.push(line.1 - from, from, line.1 - from, true);
            text.push('\n');
            map.push(1, line.1, line.2, line.2 == 1);
        }
        if text.trim_end_matches('\n') == want {
            return Some((text, map));
        }
    }
    None
}

/// Decode a quoted or plain scalar as written (`raw`, at `base`) with a map
/// back to it: escapes, `''` and line folding. `None` unless the result is
/// exactly `value` (then the map is trustworthy).
fn decode_flow(raw: &str, base: usize, value: &str) -> Option<(String, PieceMap)> {
    let q = raw.bytes().next().filter(|c| matches!(c, b'"' | b'\''));
    let body = if q.is_some() {
        raw.get(1..raw.len().checked_sub(1)?)?
    } else {
        raw
    };
    let off = base + usize::from(q.is_some());
    let b = body.as_bytes();
    let mut out = String::new();
    let mut map = PieceMap::default();
    let mut emit = |out: &mut String, c: char, at: usize, len: usize| {
        out.push(c);
        map.push(c.len_utf8(), off + at, len, c.len_utf8() == len);
    };
    let brk = |i: usize| match b.get(i) {
        Some(b'\n') => 1,
        Some(b'\r') if b.get(i + 1) == Some(&b'\n') => 2,
        Some(b'\r') => 1,
        _ => 0,
    };
    let skip_blank = |mut i: usize| {
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => {
                // Whitespace before a line break is dropped by folding.
                let j = skip_blank(i);
                if brk(j) == 0 {
                    for (k, &c) in b.iter().enumerate().take(j).skip(i) {
                        emit(&mut out, char::from(c), k, 1);
                    }
                }
                i = j;
            }
            b'\n' | b'\r' => {
                let first = (i, brk(i));
                i = skip_blank(i + first.1);
                let mut empty_lines = 0;
                while brk(i) > 0 {
                    emit(&mut out, '\n', i, brk(i));
                    empty_lines += 1;
                    i = skip_blank(i + brk(i));
                }
                if empty_lines == 0 {
                    emit(&mut out, ' ', first.0, first.1);
                }
            }
            b'\\' if q == Some(b'"') => {
                let n = brk(i + 1);
                if n > 0 {
                    i = skip_blank(i + 1 + n);
                    continue;
                }
                let (c, len) = unescape(body.get(i + 1..)?)?;
                emit(&mut out, c, i, len + 1);
                i += len + 1;
            }
            b'\'' if q == Some(b'\'') && b.get(i + 1) == Some(&b'\'') => {
                emit(&mut out, '\'', i, 2);
                i += 2;
            }
            _ => {
                let c = body.get(i..)?.chars().next()?;
                emit(&mut out, c, i, c.len_utf8());
                i += c.len_utf8();
            }
        }
    }
    (out == value).then_some((out, map))
}

/// The character a double-quoted escape (after its `\`) stands for, and the
/// escape's length without the `\`.
fn unescape(s: &str) -> Option<(char, usize)> {
    let c = s.chars().next()?;
    let hex = |n: usize| {
        let digits = s.get(1..1 + n)?;
        char::from_u32(u32::from_str_radix(digits, 16).ok()?).map(|c| (c, 1 + n))
    };
    let simple = match c {
        '0' => '\0',
        'a' => '\x07',
        'b' => '\x08',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\x0b',
        'f' => '\x0c',
        'r' => '\r',
        'e' => '\x1b',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        'x' => return hex(2),
        'u' => return hex(4),
        'U' => return hex(8),
        ' ' | '"' | '/' | '\\' => c,
        _ => return None,
    };
    Some((simple, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: SourceId = SourceId(3);

    fn p(text: &str) -> Vec<Node> {
        parse(text, SRC).expect("parses")
    }

    fn one(text: &str) -> Node {
        let mut docs = p(text);
        assert_eq!(docs.len(), 1, "{docs:?}");
        docs.remove(0)
    }

    fn sl(text: &str, span: Span) -> &str {
        assert_eq!(span.source, SRC);
        text.get(span.start as usize..span.end as usize)
            .expect("span on char boundaries")
    }

    fn s(v: &str) -> Value {
        Value::String(v.into())
    }

    fn n(v: &str) -> Value {
        Value::Number(v.into())
    }

    #[test]
    fn scalars_resolve_core_style_and_keep_raw_text() {
        let text = "a: true\nb: false\nc: null\nd: ~\ne:\nf: 012345678901\ng: 0x1F\nh: 1e3\ni: on\nj: yes\n\
                    k: 2012-10-17\nl: '123'\nm: \"true\"\nn: -1.5\no: .inf\np: 1_000\nq: .\nr: |\n  42\n";
        let doc = one(text);
        let want = [
            ("a", Value::Bool(true), "true"),
            ("b", Value::Bool(false), "false"),
            ("c", Value::Null, "null"),
            ("d", Value::Null, "~"),
            ("e", Value::Null, ""),
            ("f", n("012345678901"), "012345678901"),
            ("g", n("0x1F"), "0x1F"),
            ("h", n("1e3"), "1e3"),
            ("i", s("on"), "on"),
            ("j", s("yes"), "yes"),
            ("k", s("2012-10-17"), "2012-10-17"),
            ("l", s("123"), "'123'"),
            ("m", s("true"), "\"true\""),
            ("n", n("-1.5"), "-1.5"),
            ("o", n(".inf"), ".inf"),
            ("p", s("1_000"), "1_000"),
            ("q", s("."), "."),
            ("r", s("42\n"), "|\n  42"),
        ];
        let members = doc.as_object().expect("object");
        assert_eq!(members.len(), want.len());
        for (m, (key, value, raw)) in members.iter().zip(want) {
            assert_eq!(&*m.key.value, key);
            assert_eq!(sl(text, m.key.span), key);
            assert_eq!(m.value.value, value, "{key}");
            assert_eq!(sl(text, m.value.span), raw, "{key}");
        }
        assert_eq!(sl(text, doc.span), &text[..text.len() - 1]);
    }

    #[test]
    fn core_number_grammar() {
        for yes in [
            "0", "-1", "+7", "1.", ".5", "1.5e-3", "1E+9", "0o17", "0xdead", "-.INF", ".NaN",
        ] {
            assert!(is_core_number(yes), "{yes}");
        }
        for no in [
            "", ".", "-", "1e", "0x", "0o8", "1.2.3", "12:30", "1_0", "+.nan", "e5", "0b1",
        ] {
            assert!(!is_core_number(no), "{no}");
        }
    }

    #[test]
    fn quoted_and_block_scalar_spans() {
        let text = "a: 'it''s' # c\nb: \"x\\\"y\"   # c\nc: \"multi\n  line\" #c\nd: |\n\n  one\n   two\n\n# tail\ne: >-\n  folded\n  text\n";
        let doc = one(text);
        let get = |k: &str| doc.get(k).expect(k);
        assert_eq!(get("a").value, s("it's"));
        assert_eq!(sl(text, get("a").span), "'it''s'");
        assert_eq!(get("b").value, s("x\"y"));
        assert_eq!(sl(text, get("b").span), "\"x\\\"y\"");
        assert_eq!(get("c").value, s("multi line"));
        assert_eq!(sl(text, get("c").span), "\"multi\n  line\"");
        assert_eq!(get("d").value, s("\none\n two\n"));
        assert_eq!(sl(text, get("d").span), "|\n\n  one\n   two");
        assert_eq!(get("e").value, s("folded text"));
        assert_eq!(sl(text, get("e").span), ">-\n  folded\n  text");
    }

    #[test]
    fn collection_spans_run_from_first_to_last_character() {
        let text = "top:\n  seq:\n    - a\n    - {x: 1, y: [2, 3]}\n  indentless:\n  - b\n  - c\n  empty: {}\n";
        let doc = one(text);
        let top = doc.get("top").expect("top");
        assert_eq!(sl(text, top.span), &text[7..text.len() - 1]);
        let seq = top.get("seq").expect("seq");
        assert_eq!(sl(text, seq.span), "- a\n    - {x: 1, y: [2, 3]}");
        let flow = &seq.as_array().expect("array")[1];
        assert_eq!(sl(text, flow.span), "{x: 1, y: [2, 3]}");
        assert_eq!(sl(text, flow.get("y").expect("y").span), "[2, 3]");
        assert_eq!(
            sl(text, top.get("indentless").expect("indentless").span),
            "- b\n  - c"
        );
        assert_eq!(sl(text, top.get("empty").expect("empty").span), "{}");
    }

    #[test]
    fn cloudformation_tags_become_tagged_nodes() {
        let text = "R: !Ref Foo\nS: !Sub '${AWS::Region}'\nG: !GetAtt A.B\n\
                    I: !If [Cond, !GetAtt R.Arn, !Ref AWS::NoValue]\nE: !Equals\n  - !Ref Env\n  - prod\n\
                    J: !Join ['', [a, b]]\nZ: !GetAZs\nT: !Transform {Name: X}\nB: !Base64 |\n  x\nC: !!str 123\nN: ! 12\nX: !!int 0x1F\n";
        let doc = one(text);
        let tagged = |k: &str| match &doc.get(k).expect(k).value {
            Value::Tagged(t, inner) => (t.to_string(), (**inner).clone()),
            other => panic!("{k}: {other:?}"),
        };
        let (t, inner) = tagged("R");
        assert_eq!((t.as_str(), &inner.value), ("Ref", &s("Foo")));
        assert_eq!(sl(text, doc.get("R").expect("R").span), "!Ref Foo");
        assert_eq!(sl(text, inner.span), "Foo");
        let (t, inner) = tagged("S");
        assert_eq!((t.as_str(), &inner.value), ("Sub", &s("${AWS::Region}")));
        assert_eq!(sl(text, inner.span), "'${AWS::Region}'");
        assert_eq!(sl(text, tagged("G").1.span), "A.B");
        let (t, inner) = tagged("I");
        assert_eq!(t, "If");
        assert_eq!(
            sl(text, inner.span),
            "[Cond, !GetAtt R.Arn, !Ref AWS::NoValue]"
        );
        let items = inner.as_array().expect("array");
        assert_eq!(sl(text, items[1].span), "!GetAtt R.Arn");
        assert!(
            matches!(&items[2].value, Value::Tagged(t, v) if &**t == "Ref" && sl(text, v.span) == "AWS::NoValue")
        );
        let (t, inner) = tagged("E");
        assert_eq!(t, "Equals");
        assert_eq!(
            sl(text, doc.get("E").expect("E").span),
            "!Equals\n  - !Ref Env\n  - prod"
        );
        assert_eq!(sl(text, inner.span), "- !Ref Env\n  - prod");
        assert_eq!(tagged("J").0, "Join");
        let (t, inner) = tagged("Z");
        assert_eq!((t.as_str(), &inner.value), ("GetAZs", &s("")));
        assert_eq!(sl(text, doc.get("Z").expect("Z").span), "!GetAZs");
        let (t, inner) = tagged("T");
        assert_eq!(
            (t.as_str(), sl(text, inner.span)),
            ("Transform", "{Name: X}")
        );
        let (t, inner) = tagged("B");
        assert_eq!((t.as_str(), sl(text, inner.span)), ("Base64", "|\n  x"));
        let c = doc.get("C").expect("C");
        assert_eq!((&c.value, sl(text, c.span)), (&s("123"), "123"));
        assert_eq!(doc.get("N").expect("N").value, s("12"));
        assert_eq!(doc.get("X").expect("X").value, n("0x1F"));
    }

    #[test]
    fn every_cloudformation_short_form_is_kept() {
        for tag in [
            "Ref",
            "Sub",
            "GetAtt",
            "If",
            "Equals",
            "Join",
            "Select",
            "Split",
            "FindInMap",
            "ImportValue",
            "Not",
            "And",
            "Or",
            "Condition",
            "Base64",
            "Cidr",
            "GetAZs",
            "Transform",
        ] {
            let text = format!("k: !{tag} v\n");
            let doc = one(&text);
            assert!(
                matches!(&doc.get("k").expect("k").value, Value::Tagged(t, _) if &**t == tag),
                "{tag}"
            );
        }
    }

    #[test]
    fn aliases_expand_with_a_budget() {
        let text = "base: &b {x: 1}\ncopy: *b\n<<: *b\n";
        let doc = one(text);
        let copy = doc.get("copy").expect("copy");
        assert_eq!(sl(text, copy.span), "*b");
        assert_eq!(sl(text, copy.get("x").expect("x").span), "1");
        // Merge keys stay literal keys.
        assert!(doc.get("<<").is_some_and(|m| m.get("x").is_some()));

        let mut bomb = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (i, c) in ('b'..='i').enumerate() {
            let prev = char::from(b'a' + u8::try_from(i).expect("small"));
            bomb += &format!("{c}: &{c} [{}]\n", vec![format!("*{prev}"); 9].join(", "));
        }
        let err = parse(&bomb, SRC).expect_err("bomb");
        assert!(
            err.message
                .starts_with("alias expansion exceeds 10000 nodes"),
            "{}",
            err.message
        );
        assert!(sl(&bomb, err.span).starts_with('*'));

        let err = parse("a: &a [*a]\n", SRC).expect_err("recursive");
        assert_eq!(err.span, Span::new(SRC, 7, 9));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for text in [
            "[".repeat(100_000),
            "- ".repeat(100_000) + "x",
            "{a: ".repeat(100_000),
        ] {
            let err = parse(&text, SRC).expect_err("too deep");
            assert!(err.message.contains("nesting"), "{}", err.message);
        }
        let mut deep = String::new();
        for i in 0..300 {
            deep += &format!("{}k:\n", " ".repeat(i));
        }
        assert!(parse(&deep, SRC).expect_err("deep").message.contains("256"));
        let ok = format!("{}x{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(p(&ok).len(), 1);
    }

    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let text = "Effect: Allow\nAction: s3:Get*\nEffect: Deny\n";
        let doc = one(text);
        let keys: Vec<_> = doc
            .as_object()
            .expect("object")
            .iter()
            .map(|m| (&*m.key.value, m.key.span))
            .collect();
        assert_eq!(keys[0].0, "Effect");
        assert_eq!(keys[2].0, "Effect");
        assert_eq!(sl(text, keys[2].1), "Effect");
        assert_eq!(keys[2].1.start, 30);
    }

    #[test]
    fn scan_errors_carry_a_byte_position() {
        let text = "é: x\nkey: [a, b\n";
        let err = parse(text, SRC).expect_err("unclosed");
        assert!(
            err.message.chars().next().is_some_and(char::is_lowercase),
            "{}",
            err.message
        );
        assert!(
            err.span.start as usize <= text.len() && text.is_char_boundary(err.span.start as usize)
        );
        let err = parse("a: b\n c: d\n  - e\n", SRC).expect_err("bad indent");
        assert!(!err.message.contains("line"), "{}", err.message);
        assert_eq!(readable("Recursion"), "recursion");
        assert_eq!(readable("YAML thing"), "YAML thing");
    }

    #[test]
    fn documents_empty_files_and_comment_only_documents() {
        assert_eq!(p(""), vec![]);
        assert_eq!(p("# only a comment\n"), vec![]);
        assert_eq!(p("---\n...\n"), vec![]);
        let text = "a: 1\n---\n# nothing here\n---\n- b\n--- ~\n";
        let docs = p(text);
        assert_eq!(docs.len(), 3);
        assert_eq!(sl(text, docs[0].span), "a: 1");
        assert_eq!(sl(text, docs[1].span), "- b");
        assert_eq!(
            (&docs[2].value, sl(text, docs[2].span)),
            (&Value::Null, "~")
        );
    }

    #[test]
    fn bom_crlf_tabs_and_non_ascii_use_byte_offsets() {
        let text = "\u{feff}é: 日本\r\nkey: \"ü\"\r\nv: a\tb # c\r\nlist:\r\n  - 012345678901\r\n";
        let doc = one(text);
        let m = &doc.as_object().expect("object")[0];
        assert_eq!((&*m.key.value, sl(text, m.key.span)), ("é", "é"));
        assert_eq!(sl(text, m.value.span), "日本");
        assert_eq!(sl(text, doc.get("key").expect("key").span), "\"ü\"");
        let v = doc.get("v").expect("v");
        assert_eq!((&v.value, sl(text, v.span)), (&s("a\tb"), "a\tb"));
        let item = &doc.get("list").expect("list").as_array().expect("array")[0];
        assert_eq!(
            (&item.value, sl(text, item.span)),
            (&n("012345678901"), "012345678901")
        );
        // Tab indentation is an error (saphyr points just after the tab); so
        // is a tab right after `:`, which YAML allows but saphyr 0.3 rejects.
        let text = "a:\n\tb: 1\n";
        assert_eq!(parse(text, SRC).expect_err("tab").span.start, 4);
        assert!(parse("日本:\t1\n", SRC).is_err());
    }

    #[test]
    fn char_to_byte_conversion() {
        let ascii = CharToByte::new("abc");
        assert!(ascii.checkpoints.is_none());
        assert_eq!((ascii.byte(2), ascii.byte(9)), (2, 3));
        let text = "é".repeat(200) + "x";
        let idx = CharToByte::new(&text);
        for c in [0, 1, 63, 64, 65, 199, 200] {
            assert_eq!(idx.byte(c), 2 * c);
        }
        assert_eq!(idx.byte(1000), text.len());
    }

    const AWS_AUTH: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111111111111:role/x\n      username: x\n      groups:\n        - system:masters\n  mapUsers: \"- userarn: arn:aws:iam::111111111111:user/é\\n  groups: [\\\"system:masters\\\"]\\n\"\n";

    #[test]
    fn embedded_literal_block_maps_back_to_the_outer_file() {
        let text = AWS_AUTH;
        let outer = one(text);
        let roles = outer
            .get("data")
            .and_then(|d| d.get("mapRoles"))
            .expect("mapRoles");
        let inner = parse_embedded(roles, text, SRC).expect("inner parses");
        assert_eq!(inner.len(), 1);
        let entry = &inner[0].as_array().expect("array")[0];
        let group = &entry
            .get("groups")
            .expect("groups")
            .as_array()
            .expect("array")[0];
        assert_eq!(group.value, s("system:masters"));
        assert_eq!(sl(text, group.span), "system:masters");
        let line = text[..group.span.start as usize].matches('\n').count() + 1;
        assert_eq!(line, 11);
        let arn = entry.get("rolearn").expect("rolearn");
        assert_eq!(sl(text, arn.span), "arn:aws:iam::111111111111:role/x");
        let key = &entry.as_object().expect("object")[1].key;
        assert_eq!(sl(text, key.span), "username");
        assert_eq!(
            sl(text, entry.span),
            "rolearn: arn:aws:iam::111111111111:role/x\n      username: x\n      groups:\n        - system:masters"
        );
    }

    #[test]
    fn embedded_quoted_scalar_maps_escapes_back() {
        let text = AWS_AUTH;
        let outer = one(text);
        let users = outer
            .get("data")
            .and_then(|d| d.get("mapUsers"))
            .expect("mapUsers");
        let inner = parse_embedded(users, text, SRC).expect("inner parses");
        let entry = &inner[0].as_array().expect("array")[0];
        let arn = entry.get("userarn").expect("userarn");
        assert_eq!(sl(text, arn.span), "arn:aws:iam::111111111111:user/é");
        let group = &entry
            .get("groups")
            .expect("groups")
            .as_array()
            .expect("array")[0];
        assert_eq!(group.value, s("system:masters"));
        assert_eq!(sl(text, group.span), "\\\"system:masters\\\"");
    }

    #[test]
    fn embedded_crlf_indicator_and_fallbacks() {
        let text = "r: |2\r\n     - a: 1\r\n     - b: 2\r\n";
        let outer = one(text);
        let r = outer.get("r").expect("r");
        let inner = parse_embedded(r, text, SRC).expect("inner");
        let items = inner[0].as_array().expect("array");
        assert_eq!(sl(text, items[1].get("b").expect("b").span), "2");

        // Folded blocks map every inner span to the outer scalar.
        let text = "r: >\n  a: 1\n";
        let outer = one(text);
        let r = outer.get("r").expect("r");
        let inner = parse_embedded(r, text, SRC).expect("inner");
        assert_eq!(inner[0].get("a").expect("a").span, r.span);

        let err = parse_embedded(&outer, text, SRC).expect_err("not a string");
        assert_eq!(err.span, outer.span);
        // Errors inside are reported in the outer file.
        let text = "r: |\n  a: [b\n";
        let outer = one(text);
        let err = parse_embedded(outer.get("r").expect("r"), text, SRC).expect_err("bad inner");
        assert!(err.span.start >= 5, "{err:?}");
        // A plain scalar maps one to one.
        let text = "r: x: 1\n";
        assert!(parse(text, SRC).is_err());
        let text = "r: '{x: 1}'\n";
        let outer = one(text);
        let inner = parse_embedded(outer.get("r").expect("r"), text, SRC).expect("inner");
        assert_eq!(sl(text, inner[0].get("x").expect("x").span), "1");
    }

    #[test]
    fn decode_flow_folds_lines() {
        let raw = "\"a \\\n   b\n\n  c  \n d\\tE\"";
        let (out, map) = decode_flow(raw, 10, "a b\nc d\tE").expect("matches");
        assert_eq!(out, "a b\nc d\tE");
        let tab = out.find('\t').expect("tab");
        let span = map.span(Span::new(SRC, tab, tab + 1));
        assert_eq!(
            &raw[span.start as usize - 10..span.end as usize - 10],
            "\\t"
        );
        assert!(decode_flow("'x'", 0, "y").is_none());
    }

    #[test]
    fn comments_outside_scalars() {
        let text = "# head\na: \"x # not\" # one\nb: 'it''s # no' #two\nc: a#b\nd: |\n  # inside block\n  x\n# after block\ne: [1, # in flow\n  2]\nf: it's # three\n--- # doc\n";
        let got: Vec<_> = comments(text, SRC)
            .into_iter()
            .map(|c| (c.text, c.line, c.span))
            .collect();
        let texts: Vec<_> = got.iter().map(|(t, l, _)| (t.as_str(), *l)).collect();
        assert_eq!(
            texts,
            [
                ("head", 1),
                ("one", 2),
                ("two", 3),
                ("after block", 8),
                ("in flow", 9),
                ("three", 11),
                ("doc", 12)
            ]
        );
        assert_eq!(sl(text, got[1].2), "# one");
        let crlf = "a: 1 # iamchain: ignore[rule-x] reason\r\n";
        let c = comments(crlf, SRC);
        assert_eq!(c[0].text, "iamchain: ignore[rule-x] reason");
        assert_eq!(sl(crlf, c[0].span), "# iamchain: ignore[rule-x] reason");
        let multi = "a: \"x\n  # in quote\" # real\n";
        assert_eq!(
            comments(multi, SRC)
                .iter()
                .map(|c| c.line)
                .collect::<Vec<_>>(),
            [2]
        );
    }
}
