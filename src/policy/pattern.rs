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
    // Outer patterns longer than this are a "don't know" (as they always
    // were: the check once recursed one level per character, cut at 64).
    if p.len() > MAX_COVERING_PATTERN {
        return false;
    }
    // Row i: whether `p[i..]` covers `t[j..]`, for every j; built from the
    // end of `p`. A table, not a search: a search branches at every `*`
    // (an outer pattern of 22 `*`s took minutes).
    let mut next = vec![false; t.len() + 1];
    next[t.len()] = true;
    for &c in p.iter().rev() {
        let mut row = vec![false; t.len() + 1];
        for j in (0..=t.len()).rev() {
            row[j] = match (c, t.get(j)) {
                // Absorbs nothing, or one more character.
                ('*', _) => next[j] || (j < t.len() && row[j + 1]),
                ('?', Some(&b)) => b != '*' && next[j + 1],
                (a, Some(&b)) => a == b && next[j + 1],
                (_, None) => false,
            };
        }
        next = row;
    }
    next[0]
}

/// The longest outer pattern [`covers`] decides.
const MAX_COVERING_PATTERN: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    /// The search `covers` once was, one level per outer character.
    fn covers_by_search(p: &[char], t: &[char], depth: usize) -> bool {
        if depth > MAX_COVERING_PATTERN {
            return false;
        }
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => (0..=t.len()).any(|k| covers_by_search(&p[1..], &t[k..], depth + 1)),
            (Some('?'), Some(c)) if *c != '*' => covers_by_search(&p[1..], &t[1..], depth + 1),
            (Some(a), Some(b)) if a == b => covers_by_search(&p[1..], &t[1..], depth + 1),
            _ => false,
        }
    }

    #[test]
    fn covers_is_the_search_it_replaced() {
        // Every pattern of up to four characters over `a`, `b`, `*`, `?`,
        // as outer and as inner.
        let mut all = vec![String::new()];
        for len in 1..=4 {
            let prev: Vec<String> = all.iter().filter(|s| s.len() == len - 1).cloned().collect();
            for s in prev {
                for c in ['a', 'b', '*', '?'] {
                    all.push(format!("{s}{c}"));
                }
            }
        }
        for outer in &all {
            for inner in &all {
                let p: Vec<char> = outer.chars().collect();
                let t: Vec<char> = inner.chars().collect();
                let by_search = outer == inner
                    || outer.chars().all(|c| c == '*') && !outer.is_empty()
                    || covers_by_search(&p, &t, 0);
                assert_eq!(covers(outer, inner), by_search, "{outer:?} {inner:?}");
            }
        }
        // Longer than the search went: a "don't know", as it was.
        let long = format!("arn:aws:iam::*:role/{}", "x".repeat(60));
        assert!(!covers(&long, &long.replace('*', "1")));
    }

    /// Found by the `policy` fuzz target: an outer pattern of many `*`s
    /// (a search took minutes on it).
    #[test]
    fn many_stars_are_decided_at_once() {
        let outer = format!("arn:aws:{}iam::1:role/D", "*".repeat(22));
        assert!(covers(&outer, "arn:aws:iam::1:role/D"));
        assert!(!covers(&outer, "arn:aws:iam::1:role/E"));
        let longer = format!(
            "arn:aws:{}iam::111122223332:role/DevDeployRole",
            "*".repeat(22)
        );
        assert!(!covers(
            &longer,
            "arn:aws:iam::444455556666:role/ProdDeployRole"
        ));
    }

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
