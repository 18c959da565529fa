//! Property tests of the IAM semantics against slow, independent reference
//! implementations written here from the AWS documentation:
//!
//! - the wildcard matcher (`pattern::matches`, `matches_ignore_case`)
//!   against a plain recursive matcher: `*` any run of characters, `?`
//!   exactly one character, everything else literal;
//! - the intersection of two patterns (`pattern::intersects`, does some ARN
//!   match both) on long generated patterns: two patterns generalized from
//!   one text must intersect;
//! - condition evaluation (`condition::evaluate`) against a table of the
//!   absent-key, `…IfExists`, `Null` and `ForAllValues`/`ForAnyValue` rules
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>,
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>).

use iamchain::policy::condition::{Condition, Operator, RequestContext, Tri, evaluate};
use iamchain::policy::pattern::{SEGMENT, intersects, matches, matches_ignore_case};
use iamchain::source::{Span, Spanned};
use proptest::prelude::*;

/// The reference matcher: exponential, obviously right.
fn reference_match(p: &[char], t: &[char], ignore_case: bool) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some(('*', rest)) => (0..=t.len()).any(|k| reference_match(rest, &t[k..], ignore_case)),
        Some(('?', rest)) => !t.is_empty() && reference_match(rest, &t[1..], ignore_case),
        Some((c, rest)) => {
            t.first().is_some_and(|x| {
                if ignore_case {
                    c.eq_ignore_ascii_case(x)
                } else {
                    c == x
                }
            }) && reference_match(rest, &t[1..], ignore_case)
        }
    }
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

// Small alphabets so that matches happen often: letters in both cases, the
// two wildcards, an ARN separator and a multi-byte character (`?` matches a
// character, not a byte).
const PATTERN_CHARS: &str = "[abAB*?:/é]{0,10}";
const TEXT_CHARS: &str = "[abAB*?:/é]{0,12}";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn matches_agrees_with_reference(p in PATTERN_CHARS, t in TEXT_CHARS) {
        prop_assert_eq!(matches(&p, &t), reference_match(&chars(&p), &chars(&t), false), "pattern {:?} text {:?}", p, t);
    }

    #[test]
    fn matches_ignore_case_agrees_with_reference(p in PATTERN_CHARS, t in TEXT_CHARS) {
        prop_assert_eq!(
            matches_ignore_case(&p, &t),
            reference_match(&chars(&p), &chars(&t), true),
            "pattern {:?} text {:?}", p, t
        );
    }

    #[test]
    fn a_literal_pattern_matches_only_itself(t in "[abAB:/é]{0,12}") {
        prop_assert!(matches(&t, &t));
        let other = format!("{t}x");
        prop_assert!(!matches(&t, &other));
    }

    /// Two patterns made from one text, each by its own replacements
    /// (runs by `*`, a character by `?`, a field by a segment, a letter's
    /// case), have that text in common: `intersects` must say so, however
    /// long they are. (Its exactness on short patterns is a unit test
    /// against every text; this reaches the shortcuts long ARNs take.)
    #[test]
    fn patterns_made_from_one_text_intersect(
        t in "(arn:aws:[a-z]{1,4}:[a-z0-9-]{0,6}:[0-9]{0,4}:)?[abAB:/é-]{0,40}",
        left in proptest::collection::vec(any::<u8>(), 48),
        right in proptest::collection::vec(any::<u8>(), 48),
    ) {
        let text = chars(&t);
        let (p, q) = (generalize(&text, &left), generalize(&text, &right));
        prop_assert!(intersects(&p, &q), "{:?} and {:?} share {:?}", p, q, t);
        prop_assert!(intersects(&q, &p), "{:?} and {:?} share {:?}", q, p, t);
    }
}

/// A pattern that `text` matches, by the replacements `choices` pick.
fn generalize(text: &[char], choices: &[u8]) -> String {
    let separator = |c: char| c == '/' || c == ':';
    let mut out = String::new();
    let mut i = 0;
    let mut k = 0;
    while i < text.len() {
        let c = choices.get(k).copied().unwrap_or(255);
        k += 1;
        match c % 10 {
            // `*` for the next 0–3 characters.
            0 => {
                out.push('*');
                i += usize::from(c / 10 % 4);
            }
            1 => {
                out.push('?');
                i += 1;
            }
            // A segment for the field's next 0–3 characters (no separator).
            2 => {
                out.push(SEGMENT);
                let mut n = usize::from(c / 10 % 4);
                while n > 0 && i < text.len() && !separator(text[i]) {
                    i += 1;
                    n -= 1;
                }
            }
            3 => {
                out.push(if text[i].is_ascii_lowercase() {
                    text[i].to_ascii_uppercase()
                } else {
                    text[i].to_ascii_lowercase()
                });
                i += 1;
            }
            _ => {
                out.push(text[i]);
                i += 1;
            }
        }
    }
    out
}

/// What the request holds for the condition's key.
#[derive(Clone, Debug)]
enum Key {
    Absent,
    Values(Vec<String>),
    Unknown,
}

/// A generated condition: operator parts, policy values, request state.
#[derive(Clone, Debug)]
struct Case {
    base: &'static str,
    set: Option<&'static str>,
    if_exists: bool,
    policy_values: Vec<String>,
    key: Key,
}

const BASES: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "Bool",
    "Null",
];

fn value() -> impl Strategy<Value = String> {
    "[aAb*?]{0,3}"
}

fn case() -> impl Strategy<Value = Case> {
    let set = prop_oneof![
        Just(None),
        Just(Some("ForAllValues")),
        Just(Some("ForAnyValue"))
    ];
    let key = prop_oneof![
        Just(Key::Absent),
        Just(Key::Unknown),
        prop::collection::vec(value(), 0..4).prop_map(Key::Values),
    ];
    (
        prop::sample::select(BASES),
        set,
        any::<bool>(),
        prop::collection::vec(value(), 1..4),
        key,
    )
        .prop_map(|(base, set, if_exists, policy_values, key)| Case {
            base,
            set,
            if_exists: if_exists && base != "Null",
            policy_values,
            key,
        })
}

/// The reference evaluation, `None` where AWS leaves the result undefined
/// (the case is then skipped).
fn reference(c: &Case) -> Option<Tri> {
    let negated = c.base.contains("Not");
    let request = match &c.key {
        Key::Unknown => return Some(Tri::Unknown),
        Key::Absent => None,
        Key::Values(v) => Some(v.clone()),
    };
    if c.base == "Null" {
        // `Null: true` holds when the key is absent, `Null: false` when it is
        // present. A present-but-empty multivalued key is not documented.
        let absent = match &request {
            None => true,
            Some(v) if v.is_empty() => return None,
            Some(_) => false,
        };
        let holds = c
            .policy_values
            .iter()
            .any(|v| v.eq_ignore_ascii_case("true") == absent);
        return Some(Tri::from_bool(holds));
    }
    // Positive form: does one request value match one policy value?
    let one = |request_value: &str| -> bool {
        c.policy_values.iter().any(|p| match c.base {
            "StringEquals" | "StringNotEquals" => p == request_value,
            "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => {
                p.to_lowercase() == request_value.to_lowercase()
            }
            "StringLike" | "StringNotLike" => {
                reference_match(&chars(p), &chars(request_value), false)
            }
            "Bool" => p.eq_ignore_ascii_case(request_value),
            _ => unreachable!(),
        })
    };
    let values = request.unwrap_or_default();
    if values.is_empty() {
        // Absent, or present with no values.
        return Some(Tri::from_bool(match c.set {
            // "ForAllValues returns true if there are no keys in the request"
            Some("ForAllValues") => true,
            // "ForAnyValue ... if the key is not present, returns false",
            // IfExists or not (an observed behaviour of IAM).
            Some(_) => false,
            // IfExists: "if the key is not present, evaluate the condition as true";
            // otherwise negated operators match an absent key, positive ones do not.
            None => c.if_exists || negated,
        }));
    }
    let check = |v: &String| if negated { !one(v) } else { one(v) };
    Some(Tri::from_bool(match c.set {
        Some("ForAllValues") => values.iter().all(check),
        Some(_) => values.iter().any(check),
        // Without a set operator: positive forms match when any request value
        // matches, negated forms when no request value matches.
        None if negated => !values.iter().any(|v| one(v)),
        None => values.iter().any(|v| one(v)),
    }))
}

fn build(c: &Case) -> (Condition, RequestContext) {
    let span = Span::default();
    let name = format!(
        "{}{}{}",
        c.set.map(|s| format!("{s}:")).unwrap_or_default(),
        c.base,
        if c.if_exists { "IfExists" } else { "" }
    );
    let operator = match Operator::parse(&name) {
        Ok(op) => op,
        Err(e) => panic!("{name} does not parse: {e}"),
    };
    let cond = Condition {
        operator: Spanned::new(operator, span),
        key: Spanned::new("aws:RequestTag/Team".into(), span),
        values: c
            .policy_values
            .iter()
            .map(|v| Spanned::new(v.as_str().into(), span))
            .collect(),
        values_span: span,
    };
    // Keys are case-insensitive: the request names it in another case.
    let ctx = match &c.key {
        Key::Absent => RequestContext::new().without("AWS:requesttag/team"),
        Key::Unknown => RequestContext::new(),
        Key::Values(v) => {
            let v: Vec<&str> = v.iter().map(String::as_str).collect();
            RequestContext::new().with_values("AWS:requesttag/team", &v)
        }
    };
    (cond, ctx)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn condition_evaluation_agrees_with_reference(c in case()) {
        let Some(want) = reference(&c) else {
            return Ok(());
        };
        let (cond, ctx) = build(&c);
        prop_assert_eq!(evaluate(&cond, &ctx), want, "{:?}", c);
    }
}
