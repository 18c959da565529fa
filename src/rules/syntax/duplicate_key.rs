//! `duplicate-key`: an object has the same key twice. AWS keeps only one of
//! the values and silently drops the other, so half of what was written
//! (often a whole `Statement` or `Condition` block) has no effect.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::load::tree::{Duplicate, Node, Value, repeated_keys};
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
        // The file's repeats were found by its parser. Embedded documents (a
        // policy stored as a JSON string) are parsed apart from the file's
        // tree; their repeats count too, and are looked for here.
        let mut embedded = Vec::new();
        for root in &document.embedded {
            visit(root, &mut embedded);
        }
        for d in document.duplicate_keys.iter().chain(&embedded) {
            cx.report(d.again, format!("duplicate key `{}`", d.key))
                .label("only one of the two values takes effect")
                .related(d.first, "first written here")
                .help("merge the two values under one key");
        }
    }
}

fn visit(node: &Node, out: &mut Vec<Duplicate>) {
    match &node.value {
        Value::Object(members) => {
            repeated_keys(members, out);
            for m in members {
                visit(&m.value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|n| visit(n, out)),
        Value::Tagged(_, inner) => visit(inner, out),
        _ => {}
    }
}
