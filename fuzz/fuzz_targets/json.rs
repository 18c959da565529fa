//! Fuzz the JSON loader: `parse`, `parse_embedded` and percent-decoded
//! parsing must never panic, and every span they return must lie inside the
//! text, on character boundaries, children inside their parents and in order;
//! parsing in pieces (as large files are) gives the same tree or error.
//!
//! Run on stable: `cargo fuzz run -s none json fuzz/seeds/json`.
#![no_main]

use iamchain::load::json::{parse, parse_embedded, parse_pieces, parse_with_duplicates};
use iamchain::load::offsets::percent_decode;
use iamchain::load::tree::{Node, Value};
use iamchain::source::{SourceId, Span};
use libfuzzer_sys::fuzz_target;

const SRC: SourceId = SourceId(7);

/// `span` lies in `text` between `lo` and `hi`, on character boundaries.
fn check_span(text: &str, span: Span, lo: usize, hi: usize) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert_eq!(span.source, SRC);
    assert!(
        lo <= start && start <= end && end <= hi,
        "{span:?} outside {lo}..{hi}"
    );
    assert!(
        text.get(start..end).is_some(),
        "{span:?} splits a character"
    );
}

fn check_tree(text: &str, node: &Node, lo: usize, hi: usize) {
    check_span(text, node.span, lo, hi);
    let (lo, hi) = (node.span.start as usize, node.span.end as usize);
    let mut last = lo;
    let mut inside = |s: Span| {
        check_span(text, s, last, hi);
        last = s.end as usize;
    };
    match &node.value {
        Value::Array(items) => items.iter().for_each(|n| {
            inside(n.span);
            check_tree(text, n, lo, hi);
        }),
        Value::Object(members) => members.iter().for_each(|m| {
            inside(m.key.span);
            inside(m.value.span);
            check_tree(text, &m.value, lo, hi);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let whole = parse(text, SRC);
    // Pieces of 1 and 7 bytes: every array element its own piece, and runs;
    // the repeated keys found the same way too.
    let checked = format!("{:?}", parse_with_duplicates(text, SRC));
    for piece in [1, 7] {
        assert_eq!(
            format!("{:?}", parse_pieces(text, SRC, piece)),
            checked,
            "pieces of {piece}"
        );
    }
    match whole {
        Ok(node) => {
            check_tree(text, &node, 0, text.len());
            if let Value::String(_) = node.value {
                let slice = &text[node.span.start as usize..node.span.end as usize];
                assert!(slice.starts_with('"') && slice.ends_with('"') && slice.len() >= 2);
            }
        }
        Err(e) => check_span(text, e.span, 0, text.len()),
    }

    // The same bytes as the inside of a string literal in an outer file.
    let file = format!("{{\"P\": \"{text}\"}}");
    let (lo, hi) = (7, 7 + text.len());
    match parse_embedded(text, lo, SRC) {
        Ok(node) => check_tree(&file, &node, lo, hi),
        Err(e) => check_span(&file, e.span, lo, hi),
    }

    // ... and as a percent-encoded document.
    let (decoded, map) = percent_decode(text, lo);
    match parse(&decoded, SRC) {
        Ok(mut node) => {
            node.map_spans(&mut |s| map.map_span(s));
            check_tree(&file, &node, lo, hi);
        }
        Err(e) => check_span(&file, map.map_span(e.span), lo, hi),
    }
});
