//! Wildcard patterns as IAM uses them in `Action`, `Resource`, principals and
//! `*Like` conditions: `*` matches any run of characters (also none) and `?`
//! matches exactly one; there are no character classes or escapes.
//!
//! Actions match case-insensitively; resource ARNs and condition values match
//! case-sensitively
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>).

/// Whether a pattern contains a wildcard character.
pub fn has_wildcard(pattern: &str) -> bool {
    pattern.bytes().any(|b| b == b'*' || b == b'?')
}

/// Match `text` against `pattern` (`*` and `?`), case-sensitively.
pub fn matches(pattern: &str, text: &str) -> bool {
    matches_with(pattern, text, |a, b| a == b)
}

/// Match `text` against `pattern` (`*` and `?`), ignoring ASCII case.
pub fn matches_ignore_case(pattern: &str, text: &str) -> bool {
    matches_with(pattern, text, |a, b| a.eq_ignore_ascii_case(&b))
}

/// Greedy matching with single-star backtracking: linear in practice and
/// O(n·m) at worst, with no recursion, so hostile patterns cannot blow the
/// stack. `?` matches one character (not one byte), as AWS documents.
fn matches_with(pattern: &str, text: &str, eq: impl Fn(char, char) -> bool) -> bool {
    // Most pairs differ at once (an action of another service): a pattern
    // that starts with a literal character needs the text to start with it.
    if let (Some(&p), Some(&t)) = (pattern.as_bytes().first(), text.as_bytes().first())
        && p.is_ascii()
        && t.is_ascii()
        && p != b'*'
        && p != b'?'
        && !eq(char::from(p), char::from(t))
    {
        return false;
    }
    // Actions and almost every ARN are ASCII: match bytes in place, without
    // allocating (this runs for every statement against every request).
    if pattern.is_ascii() && text.is_ascii() {
        return glob(pattern.as_bytes(), text.as_bytes(), |a, b| {
            eq(a as char, b as char)
        });
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    glob(&p, &t, eq)
}

/// The matcher over any slice of symbols: `*` and `?` are wildcards.
fn glob<T: Copy + PartialEq + From<u8>>(p: &[T], t: &[T], eq: impl Fn(T, T) -> bool) -> bool {
    let star = T::from(b'*');
    let question = T::from(b'?');
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut backtrack: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(&c) if c == star => {
                backtrack = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == question || eq(c, t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match backtrack {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    backtrack = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == star)
}

/// Whether every string `inner` can match is also matched by `outer`
/// (a sound but incomplete check: `true` is always right, `false` may be a
/// "don't know" for exotic pattern pairs). Used to decide whether one
/// wildcard resource covers another.
pub fn covers(outer: &str, inner: &str) -> bool {
    if outer == inner || outer.chars().all(|c| c == '*') && !outer.is_empty() {
        return true;
    }
    // Treat `inner`'s wildcards as literal characters that `outer` must be
    // able to absorb: only a `*` in outer can absorb an inner `*`.
    let p: Vec<char> = outer.chars().collect();
    let t: Vec<char> = inner.chars().collect();
    covers_rec(&p, &t, 0)
}

fn covers_rec(p: &[char], t: &[char], depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    match (p.first(), t.first()) {
        (None, None) => true,
        (Some('*'), _) => (0..=t.len()).any(|k| covers_rec(&p[1..], &t[k..], depth + 1)),
        (Some('?'), Some(c)) if *c != '*' => covers_rec(&p[1..], &t[1..], depth + 1),
        (Some(a), Some(b)) if a == b && *a != '?' => covers_rec(&p[1..], &t[1..], depth + 1),
        (Some(a), Some(b)) if a == b => covers_rec(&p[1..], &t[1..], depth + 1),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_matches_any_run_including_empty() {
        assert!(matches("s3:Get*", "s3:Get"));
        assert!(matches("s3:Get*", "s3:GetObject"));
        assert!(matches("*", ""));
        assert!(matches("a*b*c", "aXXbYYc"));
        assert!(!matches("a*b*c", "aXXbYY"));
    }

    #[test]
    fn question_mark_matches_exactly_one_character() {
        assert!(matches("s3:?etObject", "s3:GetObject"));
        assert!(!matches("s3:?etObject", "s3:etObject"));
        assert!(matches("?", "é"));
    }

    #[test]
    fn resources_are_case_sensitive_actions_are_not() {
        assert!(!matches("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/x"));
        assert!(matches_ignore_case("S3:getobject", "s3:GetObject"));
        assert!(matches_ignore_case("iam:*role*", "iam:PassRole"));
    }

    #[test]
    fn brackets_are_literal() {
        assert!(!matches("arn:aws:s3:::b[12]", "arn:aws:s3:::b1"));
        assert!(matches("arn:aws:s3:::b[12]", "arn:aws:s3:::b[12]"));
    }

    #[test]
    fn covers_is_sound() {
        assert!(covers("*", "arn:aws:s3:::x/*"));
        assert!(covers("arn:aws:s3:::x/*", "arn:aws:s3:::x/a*"));
        assert!(!covers("arn:aws:s3:::x/a*", "arn:aws:s3:::x/*"));
        assert!(!covers("arn:aws:s3:::x/?", "arn:aws:s3:::x/*"));
    }
}
