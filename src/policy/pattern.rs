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

/// How many bytes of `pattern` come before its first wildcard (all of
/// them without one): the text every string it matches starts with.
pub fn literal_len(pattern: &str) -> usize {
    pattern
        .bytes()
        .position(|b| b == b'*' || b == b'?')
        .unwrap_or(pattern.len())
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
    // What `outer` says before its first wildcard, `inner` must say too,
    // character for character (an `inner` wildcard is absorbed only by an
    // `outer` `*`): most pairs differ there, without the table below. An
    // `outer` without wildcards covers only itself.
    let literal = literal_len(outer);
    if literal == outer.len() || !inner.starts_with(&outer[..literal]) {
        return false;
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

/// In a pattern given to [`intersects`] (not in policy text): any run of
/// characters without `/` or `:`, as an ARN's account, region or bucket
/// name is. The catalog's precomputed formats use it
/// ([`crate::catalog::segment_arn`]).
pub const SEGMENT: char = crate::catalog::SEGMENT;

/// Whether some text matches both patterns, ignoring ASCII case: whether a
/// policy's resource pattern can name any resource of a type, given the
/// type's ARN format with its placeholders as wildcards (`*`, or
/// [`SEGMENT`]). Exact: a search over pairs of positions, one in each
/// pattern, reached by reading the same text (O(len(a)·len(b)), no
/// recursion). Pairs of patterns too long to search (over
/// [`MAX_INTERSECTION_STATES`]) answer `true`, "may".
pub fn intersects(a: &str, b: &str) -> bool {
    // Resources and formats are ASCII: compare bytes in place.
    if a.is_ascii() && b.is_ascii() {
        return intersect(a.as_bytes(), b.as_bytes(), |x, y| {
            x.eq_ignore_ascii_case(&y)
        });
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    intersect(&a, &b, |x, y| x.eq_ignore_ascii_case(&y))
}

/// [`intersects`] over any slice of symbols.
fn intersect<T: Copy + PartialEq + From<u8>>(a: &[T], b: &[T], eq: impl Fn(T, T) -> bool) -> bool {
    let [star, question, slash, colon] = [b'*', b'?', b'/', b':'].map(T::from);
    let segment = T::from(SEGMENT as u8);
    let wild = |c: T| c == star || c == question || c == segment;
    let separator = |c: T| c == slash || c == colon;
    // The length of the literal field `s` begins with, when a separator
    // ends it.
    let field = |s: &[T]| {
        let n = s.iter().position(|&c| separator(c) || wild(c))?;
        separator(s[n]).then_some(n)
    };
    // Most pairs are told apart, or their literal ends trimmed, without
    // the search: an ARN of another service, or of another resource type
    // after the region and account, differs before any `*`.
    let (mut a, mut b) = (a, b);
    while let (Some(&x), Some(&y)) = (a.first(), b.first()) {
        if !wild(x) && !wild(y) {
            if !eq(x, y) {
                return false;
            }
            (a, b) = (&a[1..], &b[1..]);
            continue;
        }
        // A segment followed by a separator, against a literal field: it
        // matches that field exactly (it cannot take the separator, and
        // stopping short leaves a separator against a field character).
        let ends_field = |s: &[T]| s.get(1).is_some_and(|&c| separator(c));
        match (x == segment && ends_field(a), y == segment && ends_field(b)) {
            (true, false) if let Some(n) = field(b) => (a, b) = (&a[1..], &b[n..]),
            (false, true) if let Some(n) = field(a) => (a, b) = (&a[n..], &b[1..]),
            _ => break,
        }
    }
    while let (Some(&x), Some(&y)) = (a.last(), b.last()) {
        if wild(x) || wild(y) {
            break;
        }
        if !eq(x, y) {
            return false;
        }
        (a, b) = (&a[..a.len() - 1], &b[..b.len() - 1]);
    }
    // One side begins with `*` where the other ends with `*`: a text made
    // of the second's characters (its wildcards reading nothing or any one
    // character) and then the first's matches both, each `*` reading the
    // other's part. Most resource patterns are `arn:aws:ec2:*:…` against
    // a format that ends in a `*` for the resource's id: true at once,
    // where the search that found it true was more than a quarter of
    // `resource-mismatch`'s instructions on the AWS managed policies.
    if (a.first() == Some(&star) && b.last() == Some(&star))
        || (b.first() == Some(&star) && a.last() == Some(&star))
    {
        return true;
    }
    // Most policy resources name one ARN: match it as text, no search.
    if !a.iter().any(|&c| wild(c)) {
        if let Some(m) = matches_short(b, a, &eq) {
            return m;
        }
    } else if !b.iter().any(|&c| wild(c))
        && let Some(m) = matches_short(a, b, &eq)
    {
        return m;
    }
    let width = b.len() + 1;
    let states = (a.len() + 1).saturating_mul(width);
    if states > MAX_INTERSECTION_STATES {
        return true;
    }
    let mut seen = vec![false; states];
    // Room for a path through both patterns at once: pushed one pair at a
    // time from empty, the stack grew four times per search on the AWS
    // managed policies.
    let mut todo = Vec::with_capacity(a.len() + b.len() + 1);
    todo.push((0usize, 0usize));
    while let Some((i, j)) = todo.pop() {
        let Some(slot) = seen.get_mut(i * width + j) else {
            continue;
        };
        if std::mem::replace(slot, true) {
            continue;
        }
        if i == a.len() && j == b.len() {
            return true;
        }
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        let run = |c: T| c == star || c == segment;
        // A run may match nothing.
        if x.is_some_and(run) {
            todo.push((i + 1, j));
        }
        if y.is_some_and(run) {
            todo.push((i, j + 1));
        }
        // Or both read one character they can agree on; a run reading one
        // stays where it is.
        if let (Some(x), Some(y)) = (x, y) {
            let any = |c: T| c == star || c == question;
            let agree = if x == segment {
                !separator(y)
            } else if y == segment {
                !separator(x)
            } else {
                any(x) || any(y) || eq(x, y)
            };
            if agree {
                let next = (i + usize::from(!run(x)), j + usize::from(!run(y)));
                if next != (i, j) {
                    todo.push(next);
                }
            }
        }
    }
    false
}

/// Whether `text` matches `pattern` with [`intersects`]' wildcards, for a
/// pattern of under 64 symbols (`None` for a longer one): the pattern
/// positions reachable after each character, as the bits of one word.
fn matches_short<T: Copy + PartialEq + From<u8>>(
    pattern: &[T],
    text: &[T],
    eq: &impl Fn(T, T) -> bool,
) -> Option<bool> {
    if pattern.len() >= 64 {
        return None;
    }
    let [star, question, slash, colon] = [b'*', b'?', b'/', b':'].map(T::from);
    let segment = T::from(SEGMENT as u8);
    // Runs may match nothing: a position before one also reaches the next.
    let close = |mut s: u64| {
        for (p, &c) in pattern.iter().enumerate() {
            if s & (1 << p) != 0 && (c == star || c == segment) {
                s |= 1 << (p + 1);
            }
        }
        s
    };
    let mut at = close(1);
    for &t in text {
        let mut next = 0u64;
        for (p, &c) in pattern.iter().enumerate() {
            if at & (1 << p) == 0 {
                continue;
            }
            if c == star || (c == segment && t != slash && t != colon) {
                next |= 1 << p;
            } else if c == question || (c != segment && eq(c, t)) {
                next |= 1 << (p + 1);
            }
        }
        at = close(next);
        if at == 0 {
            return Some(false);
        }
    }
    Some(at & (1 << pattern.len()) != 0)
}

/// The most position pairs [`intersects`] visits (a 2,000-character
/// resource against a 500-character format); beyond, it answers "may".
const MAX_INTERSECTION_STATES: usize = 1 << 20;

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

    /// A slow matcher for `intersects`' patterns: `*`, `?`, [`SEGMENT`],
    /// ASCII case ignored.
    fn matches_slowly(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => (0..=t.len()).any(|k| matches_slowly(&p[1..], &t[k..])),
            Some(&SEGMENT) => (0..=t.len())
                .take_while(|&k| k == 0 || !matches!(t[k - 1], '/' | ':'))
                .any(|k| matches_slowly(&p[1..], &t[k..])),
            Some('?') => !t.is_empty() && matches_slowly(&p[1..], &t[1..]),
            Some(c) => {
                t.first().is_some_and(|d| c.eq_ignore_ascii_case(d))
                    && matches_slowly(&p[1..], &t[1..])
            }
        }
    }

    /// Every pattern of up to three characters over `a`, `B`, `/`, `*`,
    /// `?` and [`SEGMENT`], against every other: `intersects` agrees with
    /// trying every text of up to six characters over `a`, `b`, `/` (a
    /// witness, when there is one, needs no more characters than the two
    /// patterns have that are not runs).
    #[test]
    fn intersects_is_trying_every_text() {
        let grow = |set: &mut Vec<Vec<char>>, len: usize, alphabet: &[char]| {
            let prev: Vec<Vec<char>> = set.iter().filter(|s| s.len() == len - 1).cloned().collect();
            for s in prev {
                for &c in alphabet {
                    let mut n = s.clone();
                    n.push(c);
                    set.push(n);
                }
            }
        };
        let mut patterns = vec![Vec::new()];
        let mut texts = vec![Vec::new()];
        for len in 1..=6 {
            if len <= 3 {
                grow(&mut patterns, len, &['a', 'B', '/', '*', '?', SEGMENT]);
            }
            grow(&mut texts, len, &['a', 'b', '/']);
        }
        // Which texts each pattern matches, as bits.
        let matched: Vec<Vec<u64>> = patterns
            .iter()
            .map(|p| {
                let mut bits = vec![0u64; texts.len().div_ceil(64)];
                for (k, t) in texts.iter().enumerate() {
                    if matches_slowly(p, t) {
                        bits[k / 64] |= 1 << (k % 64);
                    }
                }
                bits
            })
            .collect();
        for (p, mp) in patterns.iter().zip(&matched) {
            let p: String = p.iter().collect();
            for (q, mq) in patterns.iter().zip(&matched) {
                let q: String = q.iter().collect();
                let by_texts = mp.iter().zip(mq).any(|(x, y)| x & y != 0);
                assert_eq!(intersects(&p, &q), by_texts, "{p:?} {q:?}");
            }
        }
    }

    #[test]
    fn intersects_reads_arn_formats() {
        let object = "arn:aws:s3:::*/*";
        assert!(intersects("arn:aws:s3:::bucket/*", object));
        assert!(intersects("arn:aws:s3:::bucket*", object));
        assert!(intersects("*", object));
        assert!(!intersects("arn:aws:s3:::bucket", object));
        assert!(!intersects("arn:aws:dynamodb:*:*:table/x", object));
        // Many stars on both sides are decided at once.
        let stars = "*a".repeat(200);
        assert!(intersects(&stars, &stars.to_uppercase()));
        assert!(!intersects(&format!("{stars}b"), &format!("{stars}c")));
        // A bucket name has no `/`: a bucket is no object.
        let bucket = format!("arn:aws:s3:::{SEGMENT}");
        assert!(intersects("arn:aws:s3:::logs", &bucket));
        assert!(intersects("arn:aws:s3:::log*", &bucket));
        assert!(!intersects("arn:aws:s3:::logs/*", &bucket));
        assert!(!intersects("arn:aws:s3:::logs/", &bucket));
        let seg_object = format!("arn:aws:s3:::{SEGMENT}/*");
        assert!(intersects("arn:aws:s3:::logs/a/b", &seg_object));
        assert!(intersects("*", &seg_object));
        assert!(intersects("arn:aws:s3:::*", &seg_object));
        assert!(!intersects("arn:aws:s3:::logs", &seg_object));
        // Too long to search: "may".
        let long = format!("*{}", "x".repeat(2_000));
        assert!(intersects(&long, &format!("*{}*", "y".repeat(1_000))));
        // Fields a segment stands for are read at once.
        let fleet = format!("arn:aws:ec2:{SEGMENT}:{SEGMENT}:fleet/*");
        assert!(!intersects("arn:aws:ec2:us-east-1:1:instance/*", &fleet));
        assert!(intersects("arn:aws:ec2:us-east-1:1:fleet/*", &fleet));
        assert!(intersects("arn:aws:ec2:us-*:1:fleet/x", &fleet));
        assert!(!intersects("arn:aws:ec2:us/east:1:fleet/x", &fleet));
        // Literal ends are compared before any search, whatever the length.
        assert!(!intersects(&"x".repeat(2_000), &"y".repeat(1_000)));
    }

    #[test]
    fn covers_is_sound() {
        assert!(covers("*", "arn:aws:s3:::x/*"));
        assert!(covers("arn:aws:s3:::x/*", "arn:aws:s3:::x/a*"));
        assert!(!covers("arn:aws:s3:::x/a*", "arn:aws:s3:::x/*"));
        assert!(!covers("arn:aws:s3:::x/?", "arn:aws:s3:::x/*"));
    }
}
