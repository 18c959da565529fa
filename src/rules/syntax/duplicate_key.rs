//! `duplicate-key`: an object has the same key twice. AWS keeps only one of
//! the values and silently drops the other, so half of what was written
//! (often a whole `Statement` or `Condition` block) has no effect.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::load::tree::{Node, Value, repeated_keys};
use crate::rules::{Category, Context, Rule, RuleMeta};
use crate::source::Span;

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
        // A JSON file's repeats were found by its parser; a YAML file's
        // trees are walked here.
        let walked = match &document.duplicate_keys {
            Some(found) => {
                for d in found {
                    report(&d.key, d.first, d.again, cx);
                }
                &document.roots[..0]
            }
            None => &document.roots[..],
        };
        // Embedded documents (a policy stored as a JSON string) are parsed
        // apart from the file's tree; their duplicate keys count too.
        for root in walked.iter().chain(&document.embedded) {
            visit(root, cx);
        }
    }
}

fn report(key: &str, first: Span, again: Span, cx: &mut Context<'_>) {
    cx.report(again, format!("duplicate key `{key}`"))
        .label("only one of the two values takes effect")
        .related(first, "first written here")
        .help("merge the two values under one key");
}

fn visit(node: &Node, cx: &mut Context<'_>) {
    match &node.value {
        Value::Object(members) => {
            repeated_keys(members, |j, i| {
                report(
                    &members[i].key.value,
                    members[j].key.span,
                    members[i].key.span,
                    cx,
                );
            });
            for m in members {
                visit(&m.value, cx);
            }
        }
        Value::Array(items) => items.iter().for_each(|n| visit(n, cx)),
        Value::Tagged(_, inner) => visit(inner, cx),
        _ => {}
    }
}
