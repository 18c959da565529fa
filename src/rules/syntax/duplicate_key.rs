//! `duplicate-key`: an object has the same key twice. AWS keeps only one of
//! the values and silently drops the other, so half of what was written
//! (often a whole `Statement` or `Condition` block) has no effect.

use crate::diagnostic::Severity;
use crate::load::Document;
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

    fn reads_trees(&self) -> bool {
        true
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        // Embedded documents (a policy stored as a JSON string) are parsed
        // apart from the file's tree; their duplicate keys count too.
        for root in document.roots.iter().chain(&document.embedded) {
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
        _ => {}
    }
}
