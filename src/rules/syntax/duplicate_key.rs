//! `duplicate-key`: an object has the same key twice. AWS keeps only one of
//! the values and silently drops the other, so half of what was written
//! (often a whole `Statement` or `Condition` block) has no effect.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::load::json;
use crate::load::tree::{Node, Value};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct DuplicateKey;

static META: RuleMeta = RuleMeta {
    name: "duplicate-key",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "object has the same key twice",
    docs: include_str!("../../../rules/duplicate-key.md"),
};

impl Rule for DuplicateKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for root in &document.roots {
            visit(root, cx);
        }
    }
}

fn visit(node: &Node, cx: &mut Context<'_>) {
    match &node.value {
        Value::Object(members) => {
            for (i, m) in members.iter().enumerate() {
                if let Some(first) = members[..i].iter().find(|p| p.key.value == m.key.value) {
                    cx.report(m.key.span, format!("duplicate key `{}`", m.key.value))
                        .label("only one of the two values takes effect")
                        .related(first.key.span, "first written here")
                        .help("merge the two values under one key");
                }
                visit(&m.value, cx);
            }
        }
        Value::Array(items) => items.iter().for_each(|n| visit(n, cx)),
        Value::Tagged(_, inner) => visit(inner, cx),
        Value::String(text) if text.trim_start().starts_with('{') => {
            // A policy stored as a JSON string (`aws iam get-role` prints
            // `AssumeRolePolicyDocument` that way) is parsed apart from the
            // file, so its duplicate keys are not in the file's tree: parse
            // it here too, with spans that point inside the string.
            if let Some(inner) = embedded(node, cx) {
                visit(&inner, cx);
            }
        }
        _ => {}
    }
}

/// The JSON document inside a string node, if the string is written as a
/// JSON string literal and its content parses.
fn embedded(node: &Node, cx: &Context<'_>) -> Option<Node> {
    let text = &cx.sources.try_get(node.span.source)?.text;
    let (start, end) = (node.span.start as usize, node.span.end as usize);
    let literal = text.get(start..end)?;
    if literal.len() < 2 || !literal.starts_with('"') || !literal.ends_with('"') {
        return None;
    }
    json::parse_embedded(text.get(start + 1..end - 1)?, start + 1, node.span.source).ok()
}
