//! Property tests of the JSON loader against serde_json as an oracle:
//! values, span invariants, accept/reject agreement, embedded and
//! percent-encoded documents, nesting and size limits.
//!
//! Intentional differences from `serde_json::from_str::<Value>`, handled below:
//! * we skip a leading UTF-8 BOM, serde_json rejects it;
//! * we keep numbers as text, so `1e400` is fine; serde_json says "number out of range"
//!   (and stops there, so such texts get no verdict from the oracle);
//! * our nesting limit is 256, serde_json's is 128;
//! * we keep duplicate keys, serde_json keeps the last one (both accept).
//!
//! Both reject lone surrogates (`"\ud800"`), control characters in strings,
//! trailing commas and leading zeros.

use iamchain::load::json::{self, MAX_DEPTH, parse, parse_embedded};
use iamchain::load::offsets::percent_decode;
use iamchain::load::tree::{Node, Value};
use iamchain::source::{SourceId, Span};
use proptest::prelude::*;
use serde_json::Value as J;

const SRC: SourceId = SourceId(1);

/// Our tree as a serde_json value (numbers through serde_json, so they are
/// compared by their raw text; duplicate keys collapse as in serde_json).
fn to_serde(node: &Node) -> J {
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => serde_json::from_str(n).expect("raw number text is valid JSON"),
        Value::String(s) => J::String(s.to_string()),
        Value::Array(items) => J::Array(items.iter().map(to_serde).collect()),
        Value::Object(members) => J::Object(
            members
                .iter()
                .map(|m| (m.key.value.to_string(), to_serde(&m.value)))
                .collect(),
        ),
        Value::Tagged(..) => panic!("JSON has no tags"),
    }
}

fn slice(text: &str, span: Span) -> &str {
    assert!(span.start <= span.end, "{span:?}");
    assert!(
        span.end as usize <= text.len(),
        "{span:?} past {}",
        text.len()
    );
    text.get(span.start as usize..span.end as usize)
        .unwrap_or_else(|| panic!("{span:?} splits a character"))
}

/// Every node's text re-parses (after `decode`) to the node's value, every
/// key's text to the key; children lie inside their parent, in order.
fn check_spans(text: &str, node: &Node, decode: &impl Fn(&str) -> String) {
    assert_eq!(node.span.source, SRC);
    let own = decode(slice(text, node.span));
    let reparsed: J = serde_json::from_str(&own).unwrap_or_else(|e| panic!("{own:?}: {e}"));
    assert_eq!(reparsed, to_serde(node), "span text {own:?}");
    let mut last = node.span.start;
    let mut inside = |s: Span| {
        assert!(
            last <= s.start && s.end <= node.span.end,
            "{s:?} in {:?}",
            node.span
        );
        last = s.end;
    };
    match &node.value {
        Value::Array(items) => items.iter().for_each(|n| {
            inside(n.span);
            check_spans(text, n, decode);
        }),
        Value::Object(members) => members.iter().for_each(|m| {
            inside(m.key.span);
            let key: String = serde_json::from_str(&decode(slice(text, m.key.span))).expect("key");
            assert_eq!(&*m.key.value, key);
            inside(m.value.span);
            check_spans(text, &m.value, decode);
        }),
        _ => {}
    }
}

/// Our keys, in file order, equal serde_json's (sorted, as serialized).
fn check_key_order(node: &Node, value: &J) {
    match (&node.value, value) {
        (Value::Object(members), J::Object(map)) => {
            let ours: Vec<&str> = members.iter().map(|m| &*m.key.value).collect();
            let theirs: Vec<&str> = map.keys().map(String::as_str).collect();
            assert_eq!(ours, theirs);
            for (m, v) in members.iter().zip(map.values()) {
                check_key_order(&m.value, v);
            }
        }
        (Value::Array(items), J::Array(values)) => {
            items
                .iter()
                .zip(values)
                .for_each(|(n, v)| check_key_order(n, v));
        }
        _ => {}
    }
}

/// Whether serde_json accepts `text`, allowing for the intended differences
/// (`None`: serde_json's verdict says nothing about ours).
fn serde_accepts(text: &str) -> Option<bool> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match serde_json::from_str::<J>(text) {
        Ok(_) => Some(true),
        // serde_json stops at an overflowing exponent before it has seen the
        // rest of the document, so this says nothing about its syntax.
        Err(e) if e.to_string().starts_with("number out of range") => None,
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => None,
        Err(_) => Some(false),
    }
}

fn arb_json() -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        any::<i64>().prop_map(J::from),
        any::<u64>().prop_map(J::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(J::Number)),
        any::<String>().prop_map(J::String),
        "[a-zA-Z0-9:*/ \"\\\\é😀\n]{0,12}".prop_map(J::String),
    ];
    leaf.prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(J::Array),
            prop::collection::btree_map("[a-zA-Z:\"\\\\é]{0,6}|\\PC{0,4}", inner, 0..6)
                .prop_map(|m| J::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON string literal for `text` with every non-ASCII character (and `/`)
/// written as a `\u` escape when `all`, so the offset map sees long escapes.
fn quote(text: &str, all: bool) -> String {
    let plain = serde_json::to_string(text).expect("string");
    if !all {
        return plain;
    }
    let mut out = String::new();
    for c in plain.chars() {
        match c {
            '/' => out.push_str("\\/"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04X}"));
                }
            }
        }
    }
    out
}

/// Unescape the raw text of a JSON string literal (no quotes).
fn unquote(raw: &str) -> String {
    serde_json::from_str(&format!("\"{raw}\"")).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
}

/// Characters that make mutations interesting.
const ALPHABET: &[char] = &[
    '[', ']', '{', '}', '"', ',', ':', '\\', '0', '1', '9', '-', '+', '.', 'e', 'E', 'u', 'd', '8',
    't', 'n', ' ', '\n', '\t', '\u{0}', '\u{1f}', 'é', '\u{feff}',
];

/// JSON text whose objects may repeat keys (serde's values cannot): keys
/// from a small set, objects of up to 40 members (past the parser's
/// pairwise limit, where it switches to a map).
fn arb_repeating() -> impl Strategy<Value = String> {
    let leaf = (0..100u32).prop_map(|n| n.to_string());
    leaf.prop_recursive(4, 200, 40, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(
                (
                    prop::sample::select(&["a", "b", "Sid", "Effect", "é"][..]),
                    inner
                ),
                0..40
            )
            .prop_map(|m| {
                let members: Vec<String> = m.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
                format!("{{{}}}", members.join(", "))
            }),
        ]
    })
}

/// The reference for repeated keys: every object, every member compared
/// with every earlier one, the first equal one named.
fn repeats_by_walking(node: &Node, out: &mut Vec<(String, Span, Span)>) {
    match &node.value {
        Value::Object(members) => {
            for (i, m) in members.iter().enumerate() {
                if let Some(first) = members[..i].iter().find(|p| p.key.value == m.key.value) {
                    out.push((m.key.value.to_string(), first.key.span, m.key.span));
                }
                repeats_by_walking(&m.value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|n| repeats_by_walking(n, out)),
        _ => {}
    }
}

#[test]
fn repeated_keys_are_named_with_both_places() {
    // A small object, and one past the pairwise limit with the repeat last.
    let many: Vec<String> = (0..20).map(|i| format!("\"k{i}\": {i}")).collect();
    let text = format!(
        "{{\"a\": 1, \"b\": {{\"Sid\": 1, \"Sid\": 2}}, \"a\": 3, \"big\": {{{}, \"k3\": 0}}}}",
        many.join(", ")
    );
    for piece in [1, usize::MAX] {
        let (_, found) = json::parse_pieces(&text, SRC, piece).expect("parses");
        let named: Vec<(String, &str, &str)> = found
            .iter()
            .map(|d| {
                (
                    d.key.to_string(),
                    slice(&text, d.first),
                    slice(&text, d.again),
                )
            })
            .collect();
        let at = |s: Span| s.start;
        assert_eq!(named.len(), 3, "{named:?}");
        assert!(
            named
                .iter()
                .all(|(k, first, again)| *first == format!("\"{k}\"") && first == again)
        );
        assert!(found.iter().all(|d| at(d.first) < at(d.again)));
    }
}

proptest! {
    #[test]
    fn repeated_keys_are_found_while_parsing_as_by_a_walk(text in arb_repeating(), piece in 1..64usize) {
        let text = format!("{{\"List\": [{text}, {text}]}}");
        let (node, found) = json::parse_with_duplicates(&text, SRC)
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let mut expected = Vec::new();
        repeats_by_walking(&node, &mut expected);
        let mut got: Vec<(String, Span, Span)> =
            found.iter().map(|d| (d.key.to_string(), d.first, d.again)).collect();
        expected.sort_by_key(|e| (e.2.start, e.1.start));
        got.sort_by_key(|e| (e.2.start, e.1.start));
        prop_assert_eq!(&got, &expected);
        // In pieces: the same, in the same order as in one go.
        prop_assert_eq!(
            format!("{:?}", json::parse_pieces(&text, SRC, piece)),
            format!("{:?}", json::parse_pieces(&text, SRC, usize::MAX))
        );
    }

    #[test]
    fn values_and_spans_match_serde(value in arb_json(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        }.expect("serialize");
        let expected: J = serde_json::from_str(&text).expect("serde reads its own output");
        let node = parse(&text, SRC).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(to_serde(&node), expected.clone());
        check_key_order(&node, &expected);
        prop_assert_eq!(node.span, Span::new(SRC, 0, text.len()));
        check_spans(&text, &node, &|s| s.to_string());
    }

    #[test]
    fn embedded_spans_point_at_escaped_text(value in arb_json(), all in any::<bool>()) {
        let inner = serde_json::to_string(&value).expect("serialize");
        let file = format!("{{\"Policy\": {}}}", quote(&inner, all));
        let outer = parse(&file, SRC).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let lit = outer.get("Policy").expect("member").span;
        let (start, end) = (lit.start as usize + 1, lit.end as usize - 1);
        let node = parse_embedded(&file[start..end], start, SRC)
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(to_serde(&node), serde_json::from_str::<J>(&inner).expect("inner"));
        prop_assert_eq!(node.span, Span::new(SRC, start, end));
        check_spans(&file, &node, &unquote);
    }

    #[test]
    fn percent_encoded_spans_point_at_encoded_text(value in arb_json(), mask in any::<u64>()) {
        let inner = serde_json::to_string(&value).expect("serialize");
        // Encode all non-alphanumeric bytes, and alphanumerics picked by `mask`.
        let mut encoded = String::from("x=");
        for (i, b) in inner.bytes().enumerate() {
            if b.is_ascii_alphanumeric() && mask >> (i % 64) & 1 == 0 {
                encoded.push(b as char);
            } else {
                encoded.push_str(&format!("%{b:02X}"));
            }
        }
        let (decoded, map) = percent_decode(&encoded[2..], 2);
        prop_assert_eq!(&decoded, &inner);
        let mut node = parse(&decoded, SRC).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        node.map_spans(&mut |s| map.map_span(s));
        prop_assert_eq!(node.span, Span::new(SRC, 2, encoded.len()));
        check_spans(&encoded, &node, &|s| percent_decode(s, 0).0);
    }

    #[test]
    fn mutations_are_judged_like_serde(
        value in arb_json(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0..3u8, prop::sample::select(ALPHABET)), 1..4),
    ) {
        let mut chars: Vec<char> = serde_json::to_string(&value).expect("serialize").chars().collect();
        for (at, kind, c) in edits {
            let i = at.index(chars.len() + 1);
            match kind {
                0 => chars.insert(i, c),
                1 if i < chars.len() => { chars.remove(i); }
                _ if i < chars.len() => chars[i] = c,
                _ => chars.push(c),
            }
        }
        let text: String = chars.into_iter().collect();
        agree(&text)?;
    }

    #[test]
    fn pieces_parse_like_one_go(
        value in arb_json(),
        pretty in any::<bool>(),
        piece in 1..48usize,
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(ALPHABET)), 0..3),
    ) {
        let text = if pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        }.expect("serialize");
        // Valid, and with a few characters replaced: the same tree or the
        // same error, message and span, either way.
        let mut chars: Vec<char> = format!("{{\"List\": [{text}, {text}, [{text}]]}}").chars().collect();
        for (at, c) in edits {
            let i = at.index(chars.len());
            chars[i] = c;
        }
        let text: String = chars.into_iter().collect();
        prop_assert_eq!(
            format!("{:?}", json::parse_pieces(&text, SRC, piece)),
            format!("{:?}", json::parse_pieces(&text, SRC, usize::MAX))
        );
    }

    #[test]
    fn random_text_is_judged_like_serde(chars in prop::collection::vec(prop::sample::select(ALPHABET), 0..24)) {
        agree(&chars.into_iter().collect::<String>())?;
    }

    #[test]
    fn random_bytes_are_judged_like_serde(bytes in prop::collection::vec(any::<u8>(), 0..32)) {
        agree(&String::from_utf8_lossy(&bytes))?;
    }
}

/// Our parser and serde_json agree on accepting `text`; accepted trees have sound spans.
fn agree(text: &str) -> Result<(), TestCaseError> {
    let ours = parse(text, SRC);
    if let Some(theirs) = serde_accepts(text) {
        prop_assert_eq!(ours.is_ok(), theirs, "{:?}: ours {:?}", text, ours);
    }
    match ours {
        // serde_json cannot re-read spans holding out-of-range numbers.
        Ok(node) if serde_json::from_str::<J>(text.trim_start_matches('\u{feff}')).is_ok() => {
            check_spans(text, &node, &|s| s.to_string())
        }
        Ok(node) => node.clone().map_spans(&mut |s| {
            slice(text, s);
            s
        }),
        Err(e) => {
            slice(text, e.span);
            prop_assert!(e.span.len() <= 4);
        }
    }
    Ok(())
}

#[test]
fn serde_rejects_lone_surrogates_too() {
    for text in [r#""\ud800""#, r#""\udc00""#, r#""\ud800\u0041""#] {
        assert!(serde_json::from_str::<J>(text).is_err());
        assert!(parse(text, SRC).is_err());
    }
    assert_eq!(serde_accepts(r#""\ud83d\ude00""#), Some(true));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // A small stack proves the parser's own stack use does not grow with depth.
    let handle = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(|| {
            let text = "[".repeat(100_000);
            let e = parse(&text, SRC).expect_err("too deep");
            assert_eq!(e.message, "nesting deeper than 256 levels");
            assert_eq!(e.span, Span::new(SRC, MAX_DEPTH, MAX_DEPTH + 1));
            let text = format!("{}1{}", "{\"a\":[".repeat(50_000), "]}".repeat(50_000));
            assert!(parse(&text, SRC).is_err());
            let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
            // Dropping a deep tree recurses too; 256 levels are fine on a small stack.
            drop(parse(&ok, SRC).expect("at the limit"));
        })
        .expect("spawn");
    handle.join().expect("no overflow");
}

#[test]
fn large_document_parses() {
    // About 20 MB of account-authorization-details-like JSON.
    let mut text = String::from("{\"Policies\": [");
    let mut i = 0;
    while text.len() < 20_000_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"
  {{"PolicyName": "p{i}", "Arn": "arn:aws:iam::123456789012:policy/p{i}", "Document": {{
    "Version": "2012-10-17",
    "Statement": [
      {{"Sid": "S{i}", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "kms:Decrypt"],
       "Resource": "arn:aws:s3:::bucket-{i}/*", "Condition": {{"Bool": {{"aws:SecureTransport": true}}, "NumericLessThan": {{"s3:max-keys": 10}}}}}},
      {{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", "Principal": {{"AWS": "arn:aws:iam::123456789012:role/r\u00e9\"{i}\""}}}}
    ]}}}}"#
        ));
        i += 1;
    }
    text.push_str("\n]}");
    // Large enough to be parsed in pieces: the same tree as in one go.
    let node = parse(&text, SRC).expect("parses");
    assert_eq!(
        node,
        json::parse_pieces(&text, SRC, usize::MAX)
            .expect("parses in one go")
            .0
    );
    let policies = node
        .get("Policies")
        .and_then(Node::as_array)
        .expect("array");
    assert_eq!(policies.len(), i);
    let last = policies.last().expect("one");
    let sid = last
        .get("Document")
        .and_then(|d| d.get("Statement"))
        .and_then(Node::as_array);
    let sid = sid.and_then(|s| s[0].get("Sid")).expect("sid");
    assert_eq!(slice(&text, sid.span), format!("\"S{}\"", i - 1));
}

/// Parsed in pieces of every size the same as in one go, depth limit
/// included: at the limit, one over, inside an outer array's elements.
#[test]
fn pieces_keep_the_depth_limit_exact() {
    for depth in [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1] {
        let nested = format!("{}{}", "[".repeat(depth - 1), "]".repeat(depth - 1));
        for text in [
            format!("[0, {nested}, 1]"),
            format!("{{\"a\": [0, {nested}]}}"),
        ] {
            let whole = format!("{:?}", json::parse_pieces(&text, SRC, usize::MAX));
            for piece in [1, 2, 3, 8] {
                assert_eq!(
                    format!("{:?}", json::parse_pieces(&text, SRC, piece)),
                    whole,
                    "depth {depth}, piece {piece}: {text}"
                );
            }
        }
    }
}

#[test]
fn parse_error_is_a_std_error() {
    let e: Box<dyn std::error::Error> = Box::new(parse("[", SRC).expect_err("eof"));
    assert_eq!(e.to_string(), "unexpected end of input");
    let _: json::ParseError = *e.downcast().expect("ParseError");
}

/// An object of 100,000 keys (hostile input): its one repeat is found, and
/// through a map — pairwise it would be five billion comparisons.
#[test]
fn a_wide_object_has_its_repeat_found() {
    let mut members: Vec<String> = (0..100_000).map(|i| format!("\"k{i}\": {i}")).collect();
    members.push("\"k77777\": 0".to_string());
    let text = format!("{{{}}}", members.join(","));
    let (_, found) = json::parse_with_duplicates(&text, SRC).expect("parses");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key, "k77777");
    assert_eq!(slice(&text, found[0].first), "\"k77777\"");
    assert!(found[0].first.start < found[0].again.start);
}
