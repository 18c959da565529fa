//! Where a finding sits in the model, and what it means independent of
//! where it is written.
//!
//! Suppressions, baselines, `--since` and SARIF fingerprints all need to
//! recognise "the same finding" after a file was reformatted, a statement
//! moved, or a policy moved to another file. They do it through a
//! [`meaning_key`], computed once per finding by the engine (see
//! [`assign_keys`]) and stored on [`Finding::key`]:
//!
//! ```text
//! rule | identity | sid | value
//! ```
//!
//! * `identity`: who the policy belongs to — the ARN of the role, user or
//!   group that holds it (or `role/Name` when the ARN cannot be known) and
//!   whether it is its trust policy, or, for a bare policy file, the policy's
//!   kind and `Id` (and account, when the input says). Never the path.
//! * `sid`: the `Sid` of the enclosing statement, or empty. The statement's
//!   index is deliberately left out: moving a statement must not change it.
//! * `value`: the text under the primary span with insignificant whitespace
//!   removed and one layer of quotes stripped (`"s3:*"`, `'s3:*'` and `s3:*`
//!   are the same value); the message when the span is empty (whole-file
//!   findings).
//!
//! Two findings can share a key (the same `s3:*` in two statements without a
//! `Sid`); consumers count keys rather than test membership.

use crate::diagnostic::Finding;
use crate::load::tree::{Node, Value};
use crate::load::{Document, PolicyDoc};
use crate::model::IamPrincipal;
use crate::policy::Statement;
use crate::source::{SourceMap, Span};

/// What contains a span: the policy, its statement and its holder.
pub struct Site<'a> {
    /// The file.
    pub document: &'a Document,
    /// The policy containing the span, with its index in the document.
    pub policy: Option<(usize, &'a PolicyDoc)>,
    /// The statement containing the span.
    pub statement: Option<&'a Statement>,
    /// The role, user or group holding the policy, when the input says.
    pub holder: Option<&'a IamPrincipal>,
}

/// Find what contains `span` among `documents`. The innermost policy wins
/// (a policy embedded in another document's string).
pub fn site(documents: &[Document], span: Span) -> Option<Site<'_>> {
    let document = documents.iter().find(|d| d.source == span.source)?;
    let policy = document
        .policies
        .iter()
        .enumerate()
        .filter(|(_, p)| contains(p.policy.span, span))
        .min_by_key(|(_, p)| p.policy.span.len());
    let statement =
        policy.and_then(|(_, p)| p.policy.statements.iter().find(|s| contains(s.span, span)));
    let holder = policy.and_then(|(i, _)| {
        document
            .principals
            .iter()
            .find(|p| p.trust == Some(i) || p.policies.contains(&i))
    });
    Some(Site {
        document,
        policy,
        statement,
        holder,
    })
}

/// An index over the documents for finding many spans' sites: per file, the
/// policies sorted by where they start, and which principal holds each. A
/// run can have hundreds of thousands of findings over as many policies
/// (an export of 50,000 roles); looking each up by scanning would be
/// quadratic.
pub struct Sites<'a> {
    documents: &'a [Document],
    by_source: std::collections::HashMap<crate::source::SourceId, usize>,
    /// Per document: (start, end, policy index), sorted by start.
    starts: Vec<Vec<(u32, u32, usize)>>,
    /// Per document: policy index → index of the principal holding it.
    holders: Vec<std::collections::HashMap<usize, usize>>,
}

impl<'a> Sites<'a> {
    /// Index `documents`.
    pub fn new(documents: &'a [Document]) -> Self {
        let mut by_source = std::collections::HashMap::new();
        let mut starts = Vec::with_capacity(documents.len());
        let mut holders = Vec::with_capacity(documents.len());
        for (d, doc) in documents.iter().enumerate() {
            by_source.entry(doc.source).or_insert(d);
            let mut s: Vec<(u32, u32, usize)> = doc
                .policies
                .iter()
                .enumerate()
                .map(|(i, p)| (p.policy.span.start, p.policy.span.end, i))
                .collect();
            s.sort_unstable();
            starts.push(s);
            let mut h = std::collections::HashMap::new();
            for (pi, p) in doc.principals.iter().enumerate() {
                for &i in p.trust.iter().chain(&p.policies) {
                    h.entry(i).or_insert(pi);
                }
            }
            holders.push(h);
        }
        Sites {
            documents,
            by_source,
            starts,
            holders,
        }
    }

    /// What contains `span` (see [`site`]).
    pub fn site(&self, span: Span) -> Option<Site<'a>> {
        let d = *self.by_source.get(&span.source)?;
        let document = &self.documents[d];
        let starts = &self.starts[d];
        // Candidates start at or before the span; the innermost (shortest)
        // container wins. Policies in one file rarely nest, so the scan back
        // stops after a bounded number of non-containing candidates.
        let upto = starts.partition_point(|&(s, _, _)| s <= span.start);
        let mut best: Option<(u32, usize)> = None;
        let mut misses = 0;
        for &(s, e, i) in starts[..upto].iter().rev() {
            if span.end <= e {
                let len = e - s;
                if best.is_none_or(|(l, _)| len < l) {
                    best = Some((len, i));
                }
            } else {
                misses += 1;
                if misses > 64 && best.is_some() {
                    break;
                }
            }
        }
        let policy = best.map(|(_, i)| (i, &document.policies[i]));
        let statement =
            policy.and_then(|(_, p)| p.policy.statements.iter().find(|s| contains(s.span, span)));
        let holder = policy
            .and_then(|(i, _)| self.holders[d].get(&i))
            .map(|&pi| &document.principals[pi]);
        Some(Site {
            document,
            policy,
            statement,
            holder,
        })
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.source == inner.source && outer.start <= inner.start && inner.end <= outer.end
}

impl Site<'_> {
    /// The holder's ARN, or `role/Name` when its ARN is not known.
    pub fn holder_identity(&self) -> Option<String> {
        let h = self.holder?;
        Some(
            h.arn
                .clone()
                .unwrap_or_else(|| format!("{}/{}", h.kind.as_str(), h.name.value)),
        )
    }

    /// Who the policy belongs to, without its path (see the module docs).
    pub fn identity(&self) -> String {
        let Some((index, policy)) = self.policy else {
            return "file".into();
        };
        if let Some(holder) = self.holder_identity() {
            let role = if self.holder.and_then(|h| h.trust) == Some(index) {
                "trust"
            } else {
                "policy"
            };
            return format!("{holder} {role}");
        }
        let mut out = policy.policy.kind.describe().to_string();
        if let Some(id) = &policy.policy.id {
            out.push_str(&format!(" {}", id.value));
        }
        if let Some(account) = &policy.account {
            out.push_str(&format!(" in {account}"));
        }
        out
    }

    /// Whether the JSON pointer `pointer` names a node containing `span`,
    /// read relative to the policy document (`/Statement/2`) or to the
    /// file (`/Resources/Role/Properties/AssumeRolePolicyDocument`).
    pub fn pointer_contains(&self, pointer: &str, span: Span) -> bool {
        let trees = self.document.roots.iter().chain(&self.document.embedded);
        let mut starts: Vec<&Node> = trees.clone().collect();
        if let Some((_, p)) = self.policy {
            starts.extend(trees.filter_map(|t| node_with_span(t, p.policy.span)));
        }
        starts
            .into_iter()
            .filter_map(|n| resolve(n, pointer))
            .any(|n| contains(n.span, span))
    }
}

/// The node whose span is exactly `span`, searching only where it can be.
fn node_with_span(node: &Node, span: Span) -> Option<&Node> {
    if node.span == span {
        return Some(node);
    }
    if !contains(node.span, span) {
        return None;
    }
    children(node).find_map(|c| node_with_span(c, span))
}

fn children(node: &Node) -> Box<dyn Iterator<Item = &Node> + '_> {
    match &node.value {
        Value::Array(items) => Box::new(items.iter()),
        Value::Object(members) => Box::new(members.iter().map(|m| &m.value)),
        Value::Tagged(_, inner) => Box::new(std::iter::once(&**inner)),
        _ => Box::new(std::iter::empty()),
    }
}

/// Resolve an RFC 6901 JSON pointer (`~1` is `/`, `~0` is `~`).
pub fn resolve<'a>(node: &'a Node, pointer: &str) -> Option<&'a Node> {
    if pointer.is_empty() {
        return Some(node);
    }
    let rest = pointer.strip_prefix('/')?;
    let mut at = node;
    for raw in rest.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        while let Value::Tagged(_, inner) = &at.value {
            at = inner;
        }
        at = match &at.value {
            Value::Object(members) => &members.iter().rev().find(|m| *m.key.value == *token)?.value,
            Value::Array(items) => {
                if token.starts_with('+') || (token.len() > 1 && token.starts_with('0')) {
                    return None;
                }
                items.get(token.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(at)
}

/// The value text under a span, with insignificant whitespace removed and
/// one layer of quotes stripped.
pub fn normalize_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    // Byte length of `out` when the first string closed.
    let mut first_close = None;
    for c in text.chars() {
        match quote {
            Some(q) => {
                out.push(c);
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                    first_close.get_or_insert(out.len());
                }
            }
            None if c.is_whitespace() => {}
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    let one_string = out.starts_with(['"', '\'']) && first_close == Some(out.len());
    if one_string && out.len() >= 2 {
        out[1..out.len() - 1].to_string()
    } else {
        out
    }
}

/// The meaning key of a finding (see the module docs).
pub fn meaning_key(finding: &Finding, sites: &Sites<'_>, sources: &SourceMap) -> String {
    let span = finding.primary.span;
    let site = sites.site(span);
    let identity = site.as_ref().map_or_else(|| "file".into(), Site::identity);
    let sid = site
        .as_ref()
        .and_then(|s| s.statement)
        .and_then(|s| s.sid.as_ref())
        .map_or("", |s| s.value.as_str());
    let text = sources
        .try_get(span.source)
        .map(|f| f.slice(span))
        .unwrap_or("");
    let value = if text.trim().is_empty() {
        finding.message.clone()
    } else {
        normalize_value(text)
    };
    format!("{}|{identity}|{sid}|{value}", finding.rule)
}

/// Fill in [`Finding::key`] for every finding.
pub fn assign_keys(findings: &mut [Finding], sites: &Sites<'_>, sources: &SourceMap) {
    use rayon::prelude::*;
    findings
        .par_iter_mut()
        .for_each(|f| f.key = meaning_key(f, sites, sources));
}

/// A stable 64-bit FNV-1a hash, as 16 hex digits: fingerprints must not
/// change between Rust releases, which `std`'s hashers do not promise.
pub fn stable_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::path::PathBuf;

    #[test]
    fn values_ignore_layout_and_quotes() {
        assert_eq!(normalize_value("\"s3:*\""), "s3:*");
        assert_eq!(normalize_value("'s3:*'"), "s3:*");
        assert_eq!(normalize_value("s3:*"), "s3:*");
        assert_eq!(
            normalize_value("[ \"a b\",\n   \"c\" ]"),
            normalize_value("[\"a b\",\"c\"]")
        );
        assert_eq!(normalize_value("\"a\\\" b\""), "a\\\" b");
        assert_eq!(normalize_value("\"a\", \"b\""), "\"a\",\"b\"");
    }

    #[test]
    fn pointers_follow_rfc_6901() {
        let node = crate::load::json::parse(
            r#"{"a/b": [1, {"~x": 2}], "Statement": [{"Sid": "S"}]}"#,
            crate::source::SourceId(0),
        )
        .expect("json");
        assert!(resolve(&node, "/a~1b/1/~0x").is_some());
        assert!(resolve(&node, "/a~1b/01").is_none());
        assert!(resolve(&node, "/a~1b/2").is_none());
        assert!(resolve(&node, "/Statement/0/Sid").is_some());
        assert!(resolve(&node, "").is_some());
        assert!(resolve(&node, "Statement").is_none());
    }

    fn keys(text: &str) -> Vec<String> {
        let run = crate::engine::run_texts(
            vec![(PathBuf::from("policy.json"), text.to_string())],
            &Config::default(),
        );
        let mut k: Vec<String> = run.report.findings.into_iter().map(|f| f.key).collect();
        k.sort();
        k
    }

    #[test]
    fn keys_survive_reformatting_and_moving_statements() {
        let before = r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Logs", "Effect": "Allow", "Action": "logs:*", "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]}"#;
        let after = r#"{
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [ "s3:*" ],
      "Resource": "*"
    },
    {
      "Resource": "*",
      "Action": "logs:*",
      "Effect": "Allow",
      "Sid": "Logs"
    }
  ],
  "Version": "2012-10-17"
}"#;
        let k = keys(before);
        assert!(!k.is_empty());
        assert_eq!(k, keys(after));
        assert!(
            k.iter()
                .any(|k| k == "wildcard-action|identity policy|Logs|logs:*"),
            "{k:?}"
        );
    }

    #[test]
    fn hashes_are_stable() {
        assert_eq!(stable_hash(""), "cbf29ce484222325");
        assert_eq!(stable_hash("a"), "af63dc4c8601ec8c");
    }
}
