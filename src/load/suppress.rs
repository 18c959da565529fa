//! Inline suppressions: where a file itself says a finding is accepted.
//!
//! Two forms, both requiring a reason:
//!
//! - a YAML comment `# iamchain: ignore[rule-name] reason` (several rules:
//!   `ignore[a, b]`). It covers its own line and the next one, so it can sit
//!   at the end of the offending line or on the line above it;
//! - a CloudFormation resource's `Metadata`:
//!   `iamchain: {ignore: [{rule: rule-name, reason: "…"}]}`, covering the
//!   whole resource (in every instantiation of the template).
//!
//! The engine drops a finding when a suppression for its rule covers the
//! start of its primary span. A suppression without a reason, or naming no
//! rule, suppresses nothing and is reported by `invalid-suppression`.

use crate::load::tree::Node;
use crate::load::yaml;
use crate::source::{LineIndex, SourceId, Span, Spanned};

/// One inline suppression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The rule it names, with where the name is written.
    pub rule: Spanned<String>,
    /// Why; `None` (or empty) makes the suppression invalid.
    pub reason: Option<String>,
    /// The text it covers: findings whose primary span starts here are dropped.
    pub covers: Span,
    /// The whole suppression as written.
    pub span: Span,
}

impl Suppression {
    /// Whether it has a reason and so takes effect.
    pub fn is_valid(&self) -> bool {
        self.reason.as_deref().is_some_and(|r| !r.trim().is_empty())
            && crate::rules::find(&self.rule.value).is_some()
    }

    /// Whether it drops a finding of `rule` at `span`.
    pub fn covers(&self, rule: &str, span: Span) -> bool {
        self.rule.value == rule
            && span.source == self.covers.source
            && self.covers.start <= span.start
            && span.start < self.covers.end.max(self.covers.start + 1)
    }
}

const PREFIX: &str = "iamchain:";

/// The `# iamchain: ignore[…] reason` comments of a YAML text.
pub fn from_comments(text: &str, source: SourceId) -> Vec<Suppression> {
    if memchr::memmem::find(text.as_bytes(), PREFIX.as_bytes()).is_none() {
        return Vec::new();
    }
    let lines = LineIndex::new(text);
    let mut out = Vec::new();
    for c in yaml::comments(text, source) {
        let Some(rest) = c.text.strip_prefix(PREFIX) else {
            continue;
        };
        let line = c.line.saturating_sub(1) as usize;
        let (start, _) = lines.line_range(text, line);
        let end = if line + 1 < lines.line_count() {
            lines.line_range(text, line + 1).1
        } else {
            lines.line_range(text, line).1
        };
        let covers = Span::new(source, start, end);
        // Where the text after `#` starts in the file, to point at the rule name.
        let raw = text
            .get(c.span.start as usize..c.span.end as usize)
            .unwrap_or("");
        let text_start = c.span.start as usize + raw.find(PREFIX).unwrap_or(0);
        let body = rest.trim_start();
        let body_start = text_start + PREFIX.len() + (rest.len() - body.len());
        let parsed = body
            .strip_prefix("ignore[")
            .and_then(|b| b.split_once(']'))
            .map(|(names, reason)| (names, reason.trim()));
        match parsed {
            Some((names, reason)) => {
                let mut at = body_start + "ignore[".len();
                for name in names.split(',') {
                    let trimmed = name.trim();
                    let lead = name.len() - name.trim_start().len();
                    out.push(Suppression {
                        rule: Spanned::new(
                            trimmed.to_string(),
                            Span::new(source, at + lead, at + lead + trimmed.len()),
                        ),
                        reason: (!reason.is_empty()).then(|| reason.to_string()),
                        covers,
                        span: c.span,
                    });
                    at += name.len() + 1;
                }
            }
            None => out.push(Suppression {
                rule: Spanned::new(String::new(), c.span),
                reason: None,
                covers,
                span: c.span,
            }),
        }
    }
    out
}

/// The `# iamchain:` comments inside a block scalar `node` of `text` (a
/// StackSet's `TemplateBody: |`), which the outer file's comment scan skips.
/// The rest of the file is blanked out (byte offsets kept), so the spans
/// point into the outer file.
pub fn from_comments_in(node: &Node, text: &str) -> Vec<Suppression> {
    let (start, end) = (node.span.start as usize, node.span.end as usize);
    let Some(raw) = text.get(start..end) else {
        return Vec::new();
    };
    if !raw.starts_with(['|', '>']) || !raw.contains(PREFIX) {
        return Vec::new();
    }
    // Content starts on the line after the `|` header.
    let content = start + raw.find('\n').map_or(raw.len(), |i| i + 1);
    let masked: String = text
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            if b == b'\n' || (content <= i && i < end && b.is_ascii()) {
                b as char
            } else if content <= i && i < end {
                '_'
            } else {
                ' '
            }
        })
        .collect();
    from_comments(&masked, node.span.source)
}

/// The suppressions in a CloudFormation resource's `Metadata`, covering `covers`.
pub fn from_metadata(metadata: &Node, covers: Span) -> Vec<Suppression> {
    let Some(ignore) = metadata.get("iamchain").and_then(|m| m.get("ignore")) else {
        return Vec::new();
    };
    let items: Vec<&Node> = match ignore.as_array() {
        Some(items) => items.iter().collect(),
        None => vec![ignore],
    };
    items
        .into_iter()
        .map(|item| {
            let rule = item
                .get("rule")
                .and_then(|r| r.as_str().map(|s| Spanned::new(s.to_string(), r.span)))
                .unwrap_or_else(|| Spanned::new(String::new(), item.span));
            Suppression {
                rule,
                reason: item
                    .get("reason")
                    .and_then(|r| r.as_scalar_text())
                    .map(|r| r.into_owned()),
                covers,
                span: item.span,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_covers_its_line_and_the_next() {
        let text = "a: 1\n# iamchain: ignore[wildcard-action, admin-access] reviewed\nb: 2\nc: 3\n";
        let s = from_comments(text, SourceId(0));
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].rule.value, "wildcard-action");
        assert_eq!(
            &text[s[0].rule.span.start as usize..s[0].rule.span.end as usize],
            "wildcard-action"
        );
        assert_eq!(
            &text[s[1].rule.span.start as usize..s[1].rule.span.end as usize],
            "admin-access"
        );
        assert_eq!(s[0].reason.as_deref(), Some("reviewed"));
        let b = text.find("b: 2").expect("b") as u32;
        let c = text.find("c: 3").expect("c") as u32;
        assert!(s[0].covers(
            "wildcard-action",
            Span {
                source: SourceId(0),
                start: b,
                end: b + 1
            }
        ));
        assert!(!s[0].covers(
            "wildcard-action",
            Span {
                source: SourceId(0),
                start: c,
                end: c + 1
            }
        ));
        assert!(!s[0].covers(
            "other",
            Span {
                source: SourceId(0),
                start: b,
                end: b + 1
            }
        ));
    }

    #[test]
    fn missing_reason_or_brackets_is_invalid() {
        let s = from_comments("x: 1 # iamchain: ignore[wildcard-action]\n", SourceId(0));
        assert_eq!(s.len(), 1);
        assert!(!s[0].is_valid());
        let s = from_comments(
            "x: 1 # iamchain: ignore wildcard-action because\n",
            SourceId(0),
        );
        assert_eq!(s.len(), 1);
        assert!(!s[0].is_valid());
    }
}
