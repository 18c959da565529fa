//! Fuzz the YAML loader: never panic, spans always valid byte ranges.
#![no_main]

use iamchain::load::tree::{Node, Value};
use iamchain::load::yaml::{comments, parse, parse_embedded};
use iamchain::source::SourceId;
use libfuzzer_sys::fuzz_target;

mod common;
use common::check_span as check;

fn walk(node: &Node, text: &str, embed: bool) {
    check(text, node.span);
    match &node.value {
        Value::String(_) if embed => match parse_embedded(node, text, SourceId(0)) {
            Ok(docs) => docs.iter().for_each(|d| walk(d, text, false)),
            Err(e) => check(text, e.span),
        },
        Value::Array(items) => items.iter().for_each(|n| walk(n, text, embed)),
        Value::Object(members) => members.iter().for_each(|m| {
            check(text, m.key.span);
            walk(&m.value, text, embed);
        }),
        Value::Tagged(_, inner) => walk(inner, text, embed),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse(text, SourceId(0)) {
        Ok(docs) => docs.iter().for_each(|d| walk(d, text, true)),
        Err(e) => check(text, e.span),
    }
    comments(text, SourceId(0))
        .iter()
        .for_each(|c| check(text, c.span));
});
