//! The `Condition` element: operators, keys and values, and how a condition
//! evaluates against a request context in three values (true, false, or
//! unknown because the analysis does not know the key's value).
//!
//! The rules that peers most often get wrong live here
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>):
//! - a key absent from the request makes positive operators false and negated
//!   operators true; `…IfExists` makes any operator true; `Null` tests presence;
//! - `ForAllValues:` is true when the key is absent or empty, `ForAnyValue:`
//!   is false;
//! - key names are case-insensitive; values compare as the operator says;
//! - only the `…Like` operators know wildcards: `StringEquals` compares `*`
//!   literally.

use std::collections::BTreeMap;

use crate::load::tree::Str;
use crate::policy::pattern;
use crate::source::{Span, Spanned};

/// Three-valued truth: the analysis may not know a key's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tri {
    /// Certainly true.
    True,
    /// Certainly false.
    False,
    /// Depends on a value the analysis does not know.
    Unknown,
}

impl Tri {
    /// From a boolean.
    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    /// Three-valued AND.
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }

    /// Three-valued OR.
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;

    /// Three-valued NOT.
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// What an operator compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperatorKind {
    /// `StringEquals` / `StringNotEquals`.
    StringEquals,
    /// `StringEqualsIgnoreCase` / `StringNotEqualsIgnoreCase`.
    StringEqualsIgnoreCase,
    /// `StringLike` / `StringNotLike`: `*` and `?` are wildcards.
    StringLike,
    /// `NumericEquals` / `NumericNotEquals`.
    NumericEquals,
    /// `NumericLessThan`.
    NumericLessThan,
    /// `NumericLessThanEquals`.
    NumericLessThanEquals,
    /// `NumericGreaterThan`.
    NumericGreaterThan,
    /// `NumericGreaterThanEquals`.
    NumericGreaterThanEquals,
    /// `DateEquals` / `DateNotEquals`.
    DateEquals,
    /// `DateLessThan`.
    DateLessThan,
    /// `DateLessThanEquals`.
    DateLessThanEquals,
    /// `DateGreaterThan`.
    DateGreaterThan,
    /// `DateGreaterThanEquals`.
    DateGreaterThanEquals,
    /// `Bool`.
    Bool,
    /// `BinaryEquals`.
    BinaryEquals,
    /// `IpAddress` / `NotIpAddress`.
    IpAddress,
    /// `ArnEquals` / `ArnNotEquals` (wildcards allowed, like `ArnLike`).
    ArnEquals,
    /// `ArnLike` / `ArnNotLike`.
    ArnLike,
    /// `Null`: tests whether the key is absent.
    Null,
}

/// `ForAllValues:` or `ForAnyValue:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// Every value in the request must match (true when there are none).
    ForAllValues,
    /// At least one value in the request must match (false when there are none).
    ForAnyValue,
}

/// A parsed condition operator such as `ForAnyValue:StringNotLikeIfExists`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Operator {
    /// The name as written (`ForAnyValue:StringLike`).
    pub name: String,
    /// What it compares.
    pub kind: OperatorKind,
    /// The `Not` forms (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`, …).
    pub negated: bool,
    /// `ForAllValues:` / `ForAnyValue:` prefix.
    pub set: Option<SetQualifier>,
    /// `…IfExists` suffix.
    pub if_exists: bool,
    /// How AWS spells the operator, when `name` spells it in other case
    /// (`stringEquals`): read as that operator, but IAM rejects the
    /// policy, for operator names are case-sensitive.
    pub spelled: Option<String>,
}

const OPERATORS: &[(&str, OperatorKind, bool)] = &[
    ("StringEquals", OperatorKind::StringEquals, false),
    ("StringNotEquals", OperatorKind::StringEquals, true),
    (
        "StringEqualsIgnoreCase",
        OperatorKind::StringEqualsIgnoreCase,
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        OperatorKind::StringEqualsIgnoreCase,
        true,
    ),
    ("StringLike", OperatorKind::StringLike, false),
    ("StringNotLike", OperatorKind::StringLike, true),
    ("NumericEquals", OperatorKind::NumericEquals, false),
    ("NumericNotEquals", OperatorKind::NumericEquals, true),
    ("NumericLessThan", OperatorKind::NumericLessThan, false),
    (
        "NumericLessThanEquals",
        OperatorKind::NumericLessThanEquals,
        false,
    ),
    (
        "NumericGreaterThan",
        OperatorKind::NumericGreaterThan,
        false,
    ),
    (
        "NumericGreaterThanEquals",
        OperatorKind::NumericGreaterThanEquals,
        false,
    ),
    ("DateEquals", OperatorKind::DateEquals, false),
    ("DateNotEquals", OperatorKind::DateEquals, true),
    ("DateLessThan", OperatorKind::DateLessThan, false),
    (
        "DateLessThanEquals",
        OperatorKind::DateLessThanEquals,
        false,
    ),
    ("DateGreaterThan", OperatorKind::DateGreaterThan, false),
    (
        "DateGreaterThanEquals",
        OperatorKind::DateGreaterThanEquals,
        false,
    ),
    ("Bool", OperatorKind::Bool, false),
    ("BinaryEquals", OperatorKind::BinaryEquals, false),
    ("IpAddress", OperatorKind::IpAddress, false),
    ("NotIpAddress", OperatorKind::IpAddress, true),
    ("ArnEquals", OperatorKind::ArnEquals, false),
    ("ArnNotEquals", OperatorKind::ArnEquals, true),
    ("ArnLike", OperatorKind::ArnLike, false),
    ("ArnNotLike", OperatorKind::ArnLike, true),
    ("Null", OperatorKind::Null, false),
];

impl Operator {
    /// Parse an operator name. The error is a help text naming the closest operator.
    pub fn parse(name: &str) -> Result<Operator, String> {
        let (set, rest) = if let Some(r) = strip_prefix_ignore_case(name, "ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = strip_prefix_ignore_case(name, "ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, name)
        };
        let (if_exists, base) = match rest.len().checked_sub("IfExists".len()) {
            Some(cut)
                if rest.is_char_boundary(cut)
                    && rest[cut..].eq_ignore_ascii_case("IfExists")
                    && !rest[..cut].eq_ignore_ascii_case("Null") =>
            {
                (true, &rest[..cut])
            }
            _ => (false, rest),
        };
        match OPERATORS.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(base)) {
            Some(&(canonical, kind, negated)) => Ok(Operator {
                spelled: {
                    let prefix = match set {
                        Some(SetQualifier::ForAllValues) => "ForAllValues:",
                        Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
                        None => "",
                    };
                    let suffix = if if_exists { "IfExists" } else { "" };
                    let exact = name
                        .strip_prefix(prefix)
                        .and_then(|r| r.strip_suffix(suffix))
                        .is_some_and(|base| base == canonical);
                    (!exact).then(|| format!("{prefix}{canonical}{suffix}"))
                },
                name: name.to_string(),
                kind,
                negated,
                set,
                if_exists,
            }),
            None => Err(
                "use an operator such as StringEquals, StringLike, ArnLike, Bool, NumericLessThan, IpAddress or Null"
                    .to_string(),
            ),
        }
    }

    /// Whether `*` and `?` in values are wildcards for this operator.
    pub fn has_wildcards(&self) -> bool {
        matches!(
            self.kind,
            OperatorKind::StringLike | OperatorKind::ArnLike | OperatorKind::ArnEquals
        )
    }

    /// Whether this is a string-comparing operator (where a literal `*` is a mistake).
    pub fn compares_strings(&self) -> bool {
        matches!(
            self.kind,
            OperatorKind::StringEquals | OperatorKind::StringEqualsIgnoreCase
        )
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    match s.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => s.get(prefix.len()..),
        _ => None,
    }
}

/// One condition: an operator applied to a key with one or more values.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// The operator, spanning its key in the policy.
    pub operator: Spanned<Operator>,
    /// The condition key as written (compare case-insensitively).
    pub key: Spanned<Str>,
    /// The values; any one matching is enough.
    pub values: Vec<Spanned<Str>>,
    /// The span of the whole value (string or array).
    pub values_span: Span,
}

impl Condition {
    /// Whether the key is `key`, ignoring case.
    pub fn key_is(&self, key: &str) -> bool {
        self.key.value.eq_ignore_ascii_case(key)
    }
}

/// What the analysis knows about one context key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyState {
    /// Not in the request.
    Absent,
    /// In the request with these values (several for multivalued keys).
    Values(Vec<String>),
    /// Unknown: the condition's result depends on it.
    Unknown,
}

/// The request context a condition is evaluated against. Keys not set are
/// [`KeyState::Unknown`] unless [`RequestContext::closed`] is set.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    keys: BTreeMap<String, KeyState>,
    /// When set, keys not mentioned are absent rather than unknown.
    pub closed: bool,
}

impl RequestContext {
    /// An empty context where every key is unknown.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set a key to one value.
    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.keys.insert(
            key.to_ascii_lowercase(),
            KeyState::Values(vec![value.to_string()]),
        );
        self
    }

    /// Set a key to several values (a multivalued key such as `aws:TagKeys`).
    pub fn with_values(mut self, key: &str, values: &[&str]) -> Self {
        self.keys.insert(
            key.to_ascii_lowercase(),
            KeyState::Values(values.iter().map(|v| v.to_string()).collect()),
        );
        self
    }

    /// Mark a key as absent from the request.
    pub fn without(mut self, key: &str) -> Self {
        self.keys.insert(key.to_ascii_lowercase(), KeyState::Absent);
        self
    }

    /// What is known of `key` (names are case-insensitive).
    pub fn get(&self, key: &str) -> KeyState {
        match self.keys.get(&key.to_ascii_lowercase()) {
            Some(s) => s.clone(),
            None if self.closed => KeyState::Absent,
            None => KeyState::Unknown,
        }
    }
}

/// Evaluate one condition.
pub fn evaluate(cond: &Condition, ctx: &RequestContext) -> Tri {
    let op = &cond.operator.value;
    let state = ctx.get(&cond.key.value);
    if op.kind == OperatorKind::Null {
        // `"Null": {"k": "true"}` is true when k is absent.
        let want_absent = cond
            .values
            .iter()
            .map(|v| v.value.eq_ignore_ascii_case("true"))
            .collect::<Vec<_>>();
        return match state {
            KeyState::Unknown => Tri::Unknown,
            KeyState::Absent => Tri::from_bool(want_absent.iter().any(|w| *w)),
            KeyState::Values(_) => Tri::from_bool(want_absent.iter().any(|w| !*w)),
        };
    }
    if never_holds(cond) {
        return Tri::False;
    }
    let values = match state {
        KeyState::Unknown => return Tri::Unknown,
        KeyState::Absent => Vec::new(),
        KeyState::Values(v) => v,
    };
    if values.is_empty() {
        return Tri::from_bool(match op.set {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => op.if_exists || op.negated,
        });
    }
    // Whether a request value matches any of the policy's values (the
    // positive form of the operator); Unknown where a policy variable could
    // not be resolved.
    let matches_any = |request_value: &str| -> Tri {
        cond.values.iter().fold(Tri::False, |acc, policy_value| {
            acc.or(compare(op.kind, &policy_value.value, request_value, ctx))
        })
    };
    match op.set {
        Some(SetQualifier::ForAllValues) => values.iter().fold(Tri::True, |acc, v| {
            let m = matches_any(v);
            acc.and(if op.negated { !m } else { m })
        }),
        Some(SetQualifier::ForAnyValue) => values.iter().fold(Tri::False, |acc, v| {
            let m = matches_any(v);
            acc.or(if op.negated { !m } else { m })
        }),
        None => {
            // A single-valued operator on the request's value(s): positive
            // forms match when any value matches, negated forms when none does.
            let any = values
                .iter()
                .fold(Tri::False, |acc, v| acc.or(matches_any(v)));
            if op.negated { !any } else { any }
        }
    }
}

/// Whether `cond` can never hold, whatever the request: a literal
/// comparison (`StringEquals`, `StringEqualsIgnoreCase`) of a key whose
/// values never contain `*` or `?` (an ARN, an account or organization id,
/// a principal's tag) with values that all do, outside policy variables. AWS compares
/// them character by character, so no request matches
/// (`literal-wildcard-in-condition` reports the mistake). Not with
/// `IfExists` (an absent key makes it hold), a negated operator, or
/// `ForAllValues` (which holds on an empty set).
pub fn never_holds(cond: &Condition) -> bool {
    !cond.operator.value.negated
        && compares_patterns_literally(cond)
        && crate::policy::scope::never_wildcard(cond)
}

/// Whether `cond` compares literally (without `IfExists`, and not
/// `ForAllValues`, which holds on an empty set) and every value is a
/// pattern: it matches only values with these very characters.
pub fn compares_patterns_literally(cond: &Condition) -> bool {
    let op = &cond.operator.value;
    op.compares_strings()
        && !op.if_exists
        && op.set != Some(SetQualifier::ForAllValues)
        && !cond.values.is_empty()
        && cond.values.iter().all(|v| {
            // Without a variable the value is compared as written: no copy
            // (every rule that asks whether a statement grants asks this).
            if has_variable(&v.value) {
                crate::policy::pattern::has_wildcard(&without_variables(&v.value))
            } else {
                crate::policy::pattern::has_wildcard(&v.value)
            }
        })
}

/// Whether `text` holds a policy variable's opening `${`. A `$` is rare in
/// policy text, so this looks for it alone (one vector search) and then at
/// the byte after: `str::contains("${")` prepares a substring search on
/// every call, and rules ask this of every resource, condition key and
/// condition value.
pub fn has_variable(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'$', bytes).any(|at| bytes.get(at + 1) == Some(&b'{'))
}

/// `value` without its policy variables (`${aws:username}`, and `${*}`,
/// which stands for a literal `*`): what is left is compared as written.
/// Skipping every value that merely contains `${` missed
/// `home/${aws:username}/*` under `StringEquals`, whose trailing `*` is
/// still compared literally.
pub fn without_variables(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Evaluate every condition of a statement: all must hold.
pub fn evaluate_all(conditions: &[Condition], ctx: &RequestContext) -> Tri {
    conditions
        .iter()
        .fold(Tri::True, |acc, c| acc.and(evaluate(c, ctx)))
}

/// Compare a policy value with a request value under an operator's positive form.
fn compare(kind: OperatorKind, policy: &str, request: &str, ctx: &RequestContext) -> Tri {
    let policy = match substitute_variables(policy, ctx) {
        Some(p) => p,
        None => return Tri::Unknown,
    };
    let policy = policy.as_str();
    Tri::from_bool(match kind {
        OperatorKind::StringEquals => policy == request,
        OperatorKind::StringEqualsIgnoreCase => policy.to_lowercase() == request.to_lowercase(),
        OperatorKind::StringLike => pattern::matches(policy, request),
        OperatorKind::NumericEquals
        | OperatorKind::NumericLessThan
        | OperatorKind::NumericLessThanEquals
        | OperatorKind::NumericGreaterThan
        | OperatorKind::NumericGreaterThanEquals => {
            match (request.trim().parse::<f64>(), policy.trim().parse::<f64>()) {
                (Ok(r), Ok(p)) => ordered(kind, r.partial_cmp(&p)),
                _ => false,
            }
        }
        OperatorKind::DateEquals
        | OperatorKind::DateLessThan
        | OperatorKind::DateLessThanEquals
        | OperatorKind::DateGreaterThan
        | OperatorKind::DateGreaterThanEquals => match (parse_date(request), parse_date(policy)) {
            (Some(r), Some(p)) => ordered(kind, r.partial_cmp(&p)),
            _ => false,
        },
        OperatorKind::Bool => policy.eq_ignore_ascii_case(request),
        OperatorKind::BinaryEquals => policy == request,
        OperatorKind::IpAddress => ip_in_cidr(request, policy),
        OperatorKind::ArnEquals | OperatorKind::ArnLike => arn_like(policy, request),
        OperatorKind::Null => false,
    })
}

fn ordered(kind: OperatorKind, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    match (kind, ord) {
        (_, None) => false,
        (OperatorKind::NumericEquals | OperatorKind::DateEquals, Some(o)) => o == Equal,
        (OperatorKind::NumericLessThan | OperatorKind::DateLessThan, Some(o)) => o == Less,
        (OperatorKind::NumericLessThanEquals | OperatorKind::DateLessThanEquals, Some(o)) => {
            o != Greater
        }
        (OperatorKind::NumericGreaterThan | OperatorKind::DateGreaterThan, Some(o)) => o == Greater,
        (OperatorKind::NumericGreaterThanEquals | OperatorKind::DateGreaterThanEquals, Some(o)) => {
            o != Less
        }
        _ => false,
    }
}

/// Replace `${key}` policy variables with their values from the context.
/// `None` when a variable's value is not known. `${*}`, `${?}` and `${$}`
/// stand for the literal characters.
fn substitute_variables(value: &str, ctx: &RequestContext) -> Option<String> {
    if !has_variable(value) {
        return Some(value.to_string());
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Some(out);
        };
        let inner = &after[..end];
        // `${key, 'default'}` gives a default when the key is absent.
        let (key, default) = match inner.split_once(',') {
            Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\''))),
            None => (inner.trim(), None),
        };
        match key {
            "*" | "?" | "$" => out.push_str(key),
            _ => match (ctx.get(key), default) {
                (KeyState::Values(v), _) if v.len() == 1 => out.push_str(&v[0]),
                (KeyState::Absent, Some(d)) => out.push_str(d),
                _ => return None,
            },
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// `ArnLike`: each of the six colon-separated parts matches with wildcards,
/// case-sensitively; `*` does not cross a colon before the resource part.
fn arn_like(policy: &str, request: &str) -> bool {
    let p: Vec<&str> = policy.splitn(6, ':').collect();
    let r: Vec<&str> = request.splitn(6, ':').collect();
    if p.len() != 6 || r.len() != 6 {
        // A value without six parts matches nothing, unless it is the bare `*`.
        return policy == "*";
    }
    p.iter().zip(&r).all(|(pp, rr)| pattern::matches(pp, rr))
}

/// Parse a date as IAM accepts it: ISO 8601 (`2026-01-31`, `2026-01-31T12:00:00Z`,
/// with an optional fraction and offset) or epoch seconds. Returns epoch seconds.
pub fn parse_date(text: &str) -> Option<f64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<f64>().ok();
    }
    let (date, time) = match t.split_once(['T', 't', ' ']) {
        Some((d, tm)) => (d, Some(tm)),
        None => (t, None),
    };
    let mut dp = date.split('-');
    let y: i64 = dp.next()?.parse().ok()?;
    let m: i64 = dp.next()?.parse().ok()?;
    let d: i64 = dp.next()?.parse().ok()?;
    if dp.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) as f64 * 86_400.0;
    if let Some(tm) = time {
        let (clock, offset) = split_offset(tm)?;
        let mut cp = clock.split(':');
        let h: f64 = cp.next()?.parse().ok()?;
        let mi: f64 = cp.next().unwrap_or("0").parse().ok()?;
        let s: f64 = cp.next().unwrap_or("0").parse().ok()?;
        secs += h * 3600.0 + mi * 60.0 + s - offset;
    }
    Some(secs)
}

fn split_offset(tm: &str) -> Option<(&str, f64)> {
    if let Some(c) = tm.strip_suffix(['Z', 'z']) {
        return Some((c, 0.0));
    }
    match tm.rfind(['+', '-']) {
        Some(i) if i > 0 => {
            let (clock, off) = tm.split_at(i);
            let sign = if off.starts_with('-') { -1.0 } else { 1.0 };
            let digits: String = off[1..].chars().filter(|c| c.is_ascii_digit()).collect();
            let h: f64 = digits.get(..2)?.parse().ok()?;
            let m: f64 = digits.get(2..4).unwrap_or("0").parse().ok()?;
            Some((clock, sign * (h * 3600.0 + m * 60.0)))
        }
        _ => Some((tm, 0.0)),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether `ip` lies in `cidr` (IPv4 or IPv6; a bare address is a /32 or /128).
pub fn ip_in_cidr(ip: &str, cidr: &str) -> bool {
    use std::net::IpAddr;
    let (net, bits) = match cidr.split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().ok()),
        None => (cidr, None),
    };
    match (ip.trim().parse::<IpAddr>(), net.trim().parse::<IpAddr>()) {
        (Ok(IpAddr::V4(a)), Ok(IpAddr::V4(n))) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            (u32::from(a) & mask) == (u32::from(n) & mask)
        }
        (Ok(IpAddr::V6(a)), Ok(IpAddr::V6(n))) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            (u128::from(a) & mask) == (u128::from(n) & mask)
        }
        _ => false,
    }
}

/// A condition without spans, for the tests of the modules that read
/// conditions.
#[cfg(test)]
pub(crate) fn test_condition(op: &str, key: &str, values: &[&str]) -> Condition {
    use crate::source::Span;
    Condition {
        operator: Spanned::new(Operator::parse(op).expect("operator"), Span::default()),
        key: Spanned::new(key.into(), Span::default()),
        values: values
            .iter()
            .map(|v| Spanned::new((*v).into(), Span::default()))
            .collect(),
        values_span: Span::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        test_condition(op, key, values)
    }

    fn closed() -> RequestContext {
        RequestContext {
            closed: true,
            ..RequestContext::default()
        }
    }

    #[test]
    fn has_variable_finds_what_contains_finds() {
        for text in [
            "",
            "$",
            "{",
            "${",
            "$${",
            "$ {",
            "{$",
            "a$b{",
            "arn:aws:s3:::b/${aws:username}/*",
            "$$$",
            "x$",
            "${aws:PrincipalTag/team}",
            "cost$center",
            "é${x}",
            "$\u{0}{",
        ] {
            assert_eq!(has_variable(text), text.contains("${"), "{text:?}");
        }
    }

    #[test]
    fn policy_variables_are_not_wildcards() {
        assert_eq!(without_variables("home/${aws:username}/*"), "home//*");
        assert_eq!(without_variables("a${*}b"), "ab");
        assert_eq!(without_variables("${unclosed*"), "${unclosed*");
    }

    #[test]
    fn a_literal_pattern_on_a_key_without_wildcards_never_holds() {
        let arn = "arn:aws:iam::111122223333:role/*";
        let never = cond("StringEquals", "aws:PrincipalArn", &[arn]);
        assert!(never_holds(&never));
        // Whatever the request says, even when it says nothing.
        assert_eq!(evaluate(&never, &RequestContext::default()), Tri::False);
        assert_eq!(evaluate(&never, &closed()), Tri::False);
        assert!(never_holds(&cond(
            "StringEqualsIgnoreCase",
            "aws:PrincipalTag/team",
            &["ops*"]
        )));
        assert!(never_holds(&cond(
            "StringEquals",
            "aws:PrincipalAccount",
            &["1111????????"]
        )));
        assert!(never_holds(&cond(
            "ForAnyValue:StringEquals",
            "aws:PrincipalOrgPaths",
            &["o-a1/r-ab/*"]
        )));
        for holds in [
            // One value without a wildcard can match.
            cond(
                "StringEquals",
                "aws:PrincipalArn",
                &[arn, "arn:aws:iam::111122223333:role/ci"],
            ),
            // Absent keys make IfExists hold; negation and set qualifiers
            // hold on other values or on an empty set.
            cond("StringEqualsIfExists", "aws:PrincipalArn", &[arn]),
            cond("StringNotEquals", "aws:PrincipalArn", &[arn]),
            cond(
                "ForAllValues:StringEquals",
                "aws:PrincipalOrgPaths",
                &["o-a1/*"],
            ),
            // (`ForAnyValue` matches no value of any set.)
            // Patterns are patterns under StringLike and ArnLike.
            cond("StringLike", "aws:PrincipalArn", &[arn]),
            cond("ArnEquals", "aws:PrincipalArn", &[arn]),
            // Keys whose values may hold a `*`: an S3 prefix, an EC2 tag.
            cond("StringEquals", "s3:prefix", &["*"]),
            cond("StringEquals", "aws:ResourceTag/team", &["ops*"]),
            // A policy variable is not a wildcard.
            cond(
                "StringEquals",
                "aws:PrincipalArn",
                &["arn:aws:iam::111122223333:user/${aws:username}"],
            ),
        ] {
            assert!(!never_holds(&holds), "{holds:?}");
        }
    }

    #[test]
    fn operators_are_read_in_any_case_and_told_when_not_spelled_as_aws_does() {
        let spelled = |name: &str| Operator::parse(name).expect("operator").spelled;
        for exact in [
            "StringEquals",
            "ForAnyValue:StringLike",
            "ForAllValues:StringNotEqualsIfExists",
            "ArnLikeIfExists",
            "Null",
            "NotIpAddress",
        ] {
            assert_eq!(spelled(exact), None, "{exact}");
        }
        for (written, aws) in [
            ("stringEquals", "StringEquals"),
            ("stringequalsifexists", "StringEqualsIfExists"),
            ("forAnyValue:StringLike", "ForAnyValue:StringLike"),
            ("ArnLikeIFEXISTS", "ArnLikeIfExists"),
            ("NULL", "Null"),
        ] {
            assert_eq!(spelled(written).as_deref(), Some(aws), "{written}");
            // Read as the operator all the same.
            let o = Operator::parse(written).expect("operator");
            assert_eq!(o.kind, Operator::parse(aws).expect("operator").kind);
        }
    }

    #[test]
    fn parses_prefixes_and_suffixes() {
        let op = Operator::parse("ForAnyValue:StringNotLikeIfExists").expect("op");
        assert_eq!(op.kind, OperatorKind::StringLike);
        assert!(op.negated && op.if_exists);
        assert_eq!(op.set, Some(SetQualifier::ForAnyValue));
        assert!(Operator::parse("StringEqualz").is_err());
        assert!(!Operator::parse("Null").expect("null").if_exists);
    }

    #[test]
    fn absent_key_positive_false_negated_true_ifexists_true() {
        let ctx = closed();
        assert_eq!(
            evaluate(&cond("StringEquals", "aws:SourceAccount", &["1"]), &ctx),
            Tri::False
        );
        assert_eq!(
            evaluate(&cond("StringNotEquals", "aws:SourceAccount", &["1"]), &ctx),
            Tri::True
        );
        assert_eq!(
            evaluate(
                &cond("StringEqualsIfExists", "aws:SourceAccount", &["1"]),
                &ctx
            ),
            Tri::True
        );
        assert_eq!(
            evaluate(&cond("ArnNotLike", "aws:SourceArn", &["arn:*"]), &ctx),
            Tri::True
        );
    }

    #[test]
    fn set_operators_on_absent_and_empty_keys() {
        let ctx = closed();
        assert_eq!(
            evaluate(
                &cond("ForAllValues:StringEquals", "aws:TagKeys", &["a"]),
                &ctx
            ),
            Tri::True
        );
        assert_eq!(
            evaluate(
                &cond("ForAnyValue:StringEquals", "aws:TagKeys", &["a"]),
                &ctx
            ),
            Tri::False
        );
        let empty = closed().with_values("aws:TagKeys", &[]);
        assert_eq!(
            evaluate(
                &cond("ForAllValues:StringEquals", "aws:TagKeys", &["a"]),
                &empty
            ),
            Tri::True
        );
        assert_eq!(
            evaluate(
                &cond("ForAnyValue:StringEquals", "aws:TagKeys", &["a"]),
                &empty
            ),
            Tri::False
        );
    }

    #[test]
    fn set_operators_on_values() {
        let ctx = closed().with_values("aws:TagKeys", &["a", "b"]);
        assert_eq!(
            evaluate(
                &cond("ForAllValues:StringEquals", "aws:TagKeys", &["a", "b", "c"]),
                &ctx
            ),
            Tri::True
        );
        assert_eq!(
            evaluate(
                &cond("ForAllValues:StringEquals", "aws:TagKeys", &["a"]),
                &ctx
            ),
            Tri::False
        );
        assert_eq!(
            evaluate(
                &cond("ForAnyValue:StringEquals", "aws:TagKeys", &["b"]),
                &ctx
            ),
            Tri::True
        );
        assert_eq!(
            evaluate(
                &cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["a"]),
                &ctx
            ),
            Tri::True
        );
        assert_eq!(
            evaluate(
                &cond("ForAllValues:StringNotEquals", "aws:TagKeys", &["a"]),
                &ctx
            ),
            Tri::False
        );
    }

    #[test]
    fn key_names_are_case_insensitive_values_are_not() {
        let ctx = closed().with("aws:PrincipalTag/Team", "Platform");
        assert_eq!(
            evaluate(
                &cond("StringEquals", "AWS:principaltag/team", &["Platform"]),
                &ctx
            ),
            Tri::True
        );
        assert_eq!(
            evaluate(
                &cond("StringEquals", "aws:PrincipalTag/Team", &["platform"]),
                &ctx
            ),
            Tri::False
        );
        assert_eq!(
            evaluate(
                &cond(
                    "StringEqualsIgnoreCase",
                    "aws:PrincipalTag/Team",
                    &["platform"]
                ),
                &ctx
            ),
            Tri::True
        );
    }

    #[test]
    fn string_equals_treats_star_literally() {
        let ctx = closed().with(
            "oidc.eks.us-east-1.amazonaws.com/id/X:sub",
            "system:serviceaccount:octopus:server",
        );
        let k = "oidc.eks.us-east-1.amazonaws.com/id/X:sub";
        assert_eq!(
            evaluate(&cond("StringEquals", k, &["system:serviceaccount:*"]), &ctx),
            Tri::False
        );
        assert_eq!(
            evaluate(&cond("StringLike", k, &["system:serviceaccount:*"]), &ctx),
            Tri::True
        );
        assert_eq!(
            evaluate(
                &cond("StringLike", k, &["system:serviceaccount:?ctopus:*"]),
                &ctx
            ),
            Tri::True
        );
    }

    #[test]
    fn unknown_keys_are_unknown_and_and_or_propagate() {
        let ctx = RequestContext::new();
        assert_eq!(
            evaluate(&cond("StringEquals", "aws:SourceAccount", &["1"]), &ctx),
            Tri::Unknown
        );
        let conds = [
            cond("StringEquals", "aws:SourceAccount", &["1"]),
            cond("Bool", "aws:SecureTransport", &["true"]),
        ];
        let ctx = RequestContext::new().with("aws:SecureTransport", "false");
        assert_eq!(evaluate_all(&conds, &ctx), Tri::False);
    }

    #[test]
    fn null_tests_presence() {
        let absent = closed();
        let present = closed().with("aws:TokenIssueTime", "2026-01-01T00:00:00Z");
        assert_eq!(
            evaluate(&cond("Null", "aws:TokenIssueTime", &["true"]), &absent),
            Tri::True
        );
        assert_eq!(
            evaluate(&cond("Null", "aws:TokenIssueTime", &["true"]), &present),
            Tri::False
        );
        assert_eq!(
            evaluate(&cond("Null", "aws:TokenIssueTime", &["false"]), &present),
            Tri::True
        );
    }

    #[test]
    fn numeric_date_bool_ip_arn() {
        let ctx = closed()
            .with("aws:MultiFactorAuthAge", "300")
            .with("aws:CurrentTime", "2026-06-01T00:00:00Z")
            .with("aws:SecureTransport", "TRUE")
            .with("aws:SourceIp", "10.1.2.3")
            .with(
                "aws:SourceArn",
                "arn:aws:eks:us-east-1:111111111111:cluster/prod",
            );
        assert_eq!(
            evaluate(
                &cond("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
                &ctx
            ),
            Tri::True
        );
        assert_eq!(
            evaluate(
                &cond("NumericGreaterThan", "aws:MultiFactorAuthAge", &["3600"]),
                &ctx
            ),
            Tri::False
        );
        assert_eq!(
            evaluate(
                &cond("DateLessThan", "aws:CurrentTime", &["2027-01-01"]),
                &ctx
            ),
            Tri::True
        );
        assert_eq!(
            evaluate(
                &cond(
                    "DateGreaterThan",
                    "aws:CurrentTime",
                    &["2026-06-01T01:00:00+02:00"]
                ),
                &ctx
            ),
            Tri::True
        );
        assert_eq!(
            evaluate(&cond("Bool", "aws:SecureTransport", &["true"]), &ctx),
            Tri::True
        );
        assert_eq!(
            evaluate(&cond("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]), &ctx),
            Tri::True
        );
        assert_eq!(
            evaluate(&cond("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"]), &ctx),
            Tri::False
        );
        assert_eq!(
            evaluate(
                &cond(
                    "ArnLike",
                    "aws:SourceArn",
                    &["arn:aws:eks:*:111111111111:cluster/*"]
                ),
                &ctx
            ),
            Tri::True
        );
        // `*` in the region part does not swallow the account part.
        assert_eq!(
            evaluate(
                &cond("ArnLike", "aws:SourceArn", &["arn:aws:eks:*:cluster/*"]),
                &ctx
            ),
            Tri::False
        );
    }

    #[test]
    fn policy_variables_resolve_or_make_unknown() {
        let ctx = closed()
            .with("aws:username", "alice")
            .with("s3:prefix", "home/alice/");
        assert_eq!(
            evaluate(
                &cond("StringLike", "s3:prefix", &["home/${aws:username}/*"]),
                &ctx
            ),
            Tri::True
        );
        let open = RequestContext::new().with("s3:prefix", "home/alice/");
        assert_eq!(
            evaluate(
                &cond("StringLike", "s3:prefix", &["home/${aws:username}/*"]),
                &open
            ),
            Tri::Unknown
        );
    }

    #[test]
    fn dates_parse() {
        assert_eq!(parse_date("1970-01-02"), Some(86_400.0));
        assert_eq!(parse_date("86400"), Some(86_400.0));
        assert_eq!(parse_date("1970-01-01T01:00:00+01:00"), Some(0.0));
        assert!(parse_date("yesterday").is_none());
    }
}
