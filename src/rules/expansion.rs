//! Catalog questions several rules ask of a statement: what its `Action` or
//! `NotAction` expands to, which of those actions are the riskiest, and the
//! nearest name for a did-you-mean.
//!
//! Rules stay thin; the catalog (`crate::catalog`) stays free of rule
//! policy such as "which actions do we name first in a message".

use crate::catalog::{self, AccessLevel, Action};
use crate::policy::Element;

/// Actions named first when a message lists examples, most dangerous
/// first: the ones that hand out permissions or identities.
const RISKIEST: &[&str] = &[
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreatePolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:PassRole",
    "iam:AttachUserPolicy",
    "iam:PutUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:PutGroupPolicy",
    "iam:SetDefaultPolicyVersion",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "s3:PutBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutObjectAcl",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutAccountPublicAccessBlock",
    "kms:PutKeyPolicy",
    "kms:CreateGrant",
    "lambda:AddPermission",
    "lambda:UpdateFunctionCode",
    "sts:AssumeRole",
];

/// Write-like levels: the ones that change something.
pub(crate) const CHANGES: AccessLevel = AccessLevel::WRITE
    .union(AccessLevel::PERMISSIONS_MANAGEMENT)
    .union(AccessLevel::TAGGING);

/// The actions one pattern expands to, in catalog order.
///
/// A wildcard within one service (`ec2:Describe*`) is expanded once per
/// process: `wildcard-action`, `wildcard-resource` and
/// `permissions-management-wildcard` each remember their own answer per
/// pattern, and each expanded the pattern anew the first time (a twentieth
/// of the instructions on the AWS managed policies). An exact name is one
/// lookup, and a wildcard service can match the whole catalog: neither is
/// kept.
pub(crate) fn expand(pattern: &str) -> Vec<Action> {
    match remembered(pattern) {
        Some(actions) => actions.to_vec(),
        None => catalog::expand(pattern).into_vec(),
    }
}

/// Whether `pattern` matches some catalog action (`unknown-action` asks of
/// every wildcard).
pub(crate) fn matches_any(pattern: &str) -> bool {
    match remembered(pattern) {
        Some(actions) => !actions.is_empty(),
        None => catalog::expand(pattern).next().is_some(),
    }
}

/// [`expand`]'s answer for a wildcard within one service, kept; `None` for
/// any other pattern.
fn remembered(pattern: &str) -> Option<std::sync::Arc<[Action]>> {
    let one_service = pattern
        .split_once(':')
        .is_some_and(|(service, _)| !catalog::is_wildcard(service));
    if !one_service || !catalog::is_wildcard(pattern) {
        return None;
    }
    static EXPANDED: crate::memo::Memo<String, std::sync::Arc<[Action]>> =
        crate::memo::Memo::new(16_384);
    Some(EXPANDED.get_or(pattern, || catalog::expand(pattern).into_vec().into()))
}

/// The catalog actions an `Action` / `NotAction` element applies to, in
/// catalog order without duplicates. For `NotAction` this is the
/// complement of what it lists (and, beyond the catalog, every action AWS
/// adds later — callers say so in their message).
pub(crate) fn expand_element(element: &Element<crate::load::tree::Str>) -> Vec<Action> {
    if !element.negated {
        // What the items name, not a pass over every action of the catalog;
        // a wildcard within one service as kept by `remembered` (matching
        // each against the catalog again was a fifth of
        // `unknown-condition-key`'s instructions on the AWS managed
        // policies).
        let mut actions: Vec<Action> = Vec::new();
        for i in &element.items {
            match remembered(&i.value) {
                Some(kept) => actions.extend_from_slice(&kept),
                None => actions.extend(catalog::expand(&i.value)),
            }
        }
        if element.items.len() > 1 {
            actions.sort_unstable();
            actions.dedup();
        }
        return actions;
    }
    let mut hit = vec![false; catalog::action_count()];
    for item in &element.items {
        for a in catalog::expand(&item.value) {
            if let Some(slot) = hit.get_mut(a.index()) {
                *slot = true;
            }
        }
    }
    hit.iter()
        .enumerate()
        .filter(|&(_, &h)| h != element.negated)
        .filter_map(|(i, _)| Action::from_index(i))
        .collect()
}

/// How risky an action is, for ordering (smaller is riskier): the curated
/// list first, then Permissions management, then Write and Tagging, then
/// the rest, each in catalog order.
fn risk_key(a: Action) -> (usize, u8, usize) {
    // The curated list as (action, rank), sorted by action: sorting the
    // thousands of actions `*` expands to looks each up once.
    static CURATED: std::sync::OnceLock<Vec<(Action, usize)>> = std::sync::OnceLock::new();
    let curated = CURATED.get_or_init(|| {
        let mut v: Vec<(Action, usize)> = RISKIEST
            .iter()
            .enumerate()
            .filter_map(|(rank, name)| Some((catalog::action(name)?, rank)))
            .collect();
        // A name listed twice keeps its first rank.
        v.sort();
        v.dedup_by_key(|(c, _)| *c);
        v
    });
    let curated = curated
        .binary_search_by(|(c, _)| c.cmp(&a))
        .map_or(usize::MAX, |k| curated[k].1);
    let access = a.access();
    let tier = if access.contains(AccessLevel::PERMISSIONS_MANAGEMENT) {
        0
    } else if access.intersects(AccessLevel::WRITE | AccessLevel::TAGGING) {
        1
    } else {
        2
    };
    (curated, tier, a.index())
}

/// Sorts actions riskiest first.
pub(crate) fn sort_riskiest(actions: &mut [Action]) {
    actions.sort_by_cached_key(|&a| risk_key(a));
}

/// The `n` riskiest of `actions` (no repeats), riskiest first: the first
/// `n` that [`sort_riskiest`] would give, for a message that names only
/// those. One pass, not a sort: sorting every action a statement lets act
/// on `*`, for each finding of `wildcard-resource`, was a fifth of that
/// rule's instructions on the AWS managed policies.
pub(crate) fn riskiest(actions: &[Action], n: usize) -> Vec<Action> {
    // Keys are distinct for distinct actions (the catalog index breaks
    // ties), so the kept ones are in the sort's order.
    let mut top: Vec<((usize, u8, usize), Action)> = Vec::with_capacity(n + 1);
    for &a in actions {
        let key = risk_key(a);
        if top.len() == n && top.last().is_none_or(|(last, _)| *last <= key) {
            continue;
        }
        let at = top.partition_point(|(k, _)| *k < key);
        top.insert(at, (key, a));
        top.truncate(n);
    }
    top.into_iter().map(|(_, a)| a).collect()
}

/// The first `n` names of `actions`, comma-separated, with `…` when there
/// are more: `s3:PutBucketPolicy, s3:PutBucketAcl, s3:PutObjectAcl…`.
pub(crate) fn list(actions: &[Action], n: usize) -> String {
    list_of(&actions[..n.min(actions.len())], actions.len())
}

/// `first`'s names, comma-separated, with `…` when they are fewer than
/// `total` (the first of a longer list, [`riskiest`]'s answer).
pub(crate) fn list_of(first: &[Action], total: usize) -> String {
    let mut out = String::new();
    for (i, a) in first.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(a.full_name());
    }
    if total > first.len() {
        out.push('…');
    }
    out
}

/// `1 action` / `3 actions`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    // Not `format!`, which was most of building a message.
    let mut out = n.to_string();
    out.push(' ');
    out.push_str(if n == 1 { one } else { many });
    out
}

/// Case-insensitive optimal-string-alignment distance, or `None` beyond
/// `limit`.
pub(crate) fn distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_lowercase()).collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        if cur.iter().min().is_some_and(|&m| m > limit) {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

/// The candidate nearest to `wanted` within a few edits (1 for short
/// names, up to 3 for long ones); ties go to the first candidate.
pub(crate) fn closest<'a>(
    wanted: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (wanted.len() / 4).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let bound = best.map_or(limit, |(d, _)| d.saturating_sub(1));
        if let Some(d) = distance(wanted, c, bound) {
            best = Some((d, c));
            if d == 0 {
                break;
            }
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Span, Spanned};

    #[test]
    fn remembered_expansions_are_the_catalogs() {
        for pattern in [
            "ec2:Describe*",
            "S3:get*",
            "s3:?etObject",
            "s3:GetObject",
            "*:Get*",
            "*",
            "nosuchservice:*",
            "s3:NoSuch*",
            "s3",
        ] {
            let catalog: Vec<Action> = catalog::expand(pattern).collect();
            // The first call expands, the second reads what was kept.
            for _ in 0..2 {
                assert_eq!(expand(pattern), catalog, "{pattern}");
                assert_eq!(matches_any(pattern), !catalog.is_empty(), "{pattern}");
            }
            let kept = catalog::is_wildcard(pattern)
                && pattern
                    .split_once(':')
                    .is_some_and(|(s, _)| !catalog::is_wildcard(s));
            assert_eq!(remembered(pattern).is_some(), kept, "{pattern}");
        }
    }

    fn element(negated: bool, items: &[&str]) -> Element<crate::load::tree::Str> {
        Element {
            negated,
            key: Span::default(),
            span: Span::default(),
            items: items
                .iter()
                .map(|s| Spanned::new((*s).into(), Span::default()))
                .collect(),
        }
    }

    #[test]
    fn partial_wildcards_and_case_variants_expand() {
        let put = expand("s3:Put*");
        assert!(put.len() > 30, "{}", put.len());
        assert_eq!(put, expand("S3:put*"));
        let roles = expand("iam:*Role*");
        assert!(roles.iter().any(|a| a.full_name() == "iam:PassRole"));
        assert!(
            roles
                .iter()
                .any(|a| a.full_name() == "iam:AttachRolePolicy")
        );
        assert!(expand("s3:Gett*").is_empty());
    }

    #[test]
    fn not_action_is_the_complement() {
        let all = catalog::action_count();
        let not_iam = expand_element(&element(true, &["iam:*"]));
        assert_eq!(not_iam.len() + expand("iam:*").len(), all);
        assert!(not_iam.iter().all(|a| a.service() != "iam"));
        let both = expand_element(&element(false, &["s3:Get*", "s3:GetObject"]));
        assert_eq!(both.len(), expand("s3:Get*").len());
    }

    #[test]
    fn riskiest_first() {
        let mut put = expand("s3:Put*");
        sort_riskiest(&mut put);
        assert_eq!(put[0].full_name(), "s3:PutBucketPolicy");
        assert_eq!(put[1].full_name(), "s3:PutBucketAcl");
        let mut iam = expand("iam:*");
        sort_riskiest(&mut iam);
        assert_eq!(
            list(&iam, 3),
            "iam:AttachRolePolicy, iam:PutRolePolicy, iam:CreatePolicyVersion…"
        );
    }

    #[test]
    fn riskiest_are_the_first_of_the_sorted_list() {
        let lists = [
            expand("s3:Put*"),
            expand("iam:*"),
            expand("ec2:*"),
            // Thousands: every action but IAM's.
            expand_element(&element(true, &["iam:*"])),
            vec![],
            expand("sts:AssumeRole"),
        ];
        for actions in lists {
            let mut sorted = actions.clone();
            sort_riskiest(&mut sorted);
            // In catalog order and reversed: the answer does not depend on it.
            let mut reversed = actions.clone();
            reversed.reverse();
            for n in [0, 1, 4, 5, 30, actions.len(), actions.len() + 3] {
                let first = &sorted[..n.min(sorted.len())];
                assert_eq!(riskiest(&actions, n), first, "n {n} of {}", actions.len());
                assert_eq!(riskiest(&reversed, n), first);
                assert_eq!(list_of(first, actions.len()), list(&sorted, n));
            }
        }
        assert_eq!(plural(1, "action", "actions"), "1 action");
        assert_eq!(plural(0, "action", "actions"), "0 actions");
        assert_eq!(plural(1234, "action", "actions"), "1234 actions");
    }

    #[test]
    fn near_misses() {
        assert_eq!(
            distance("aws:SourceAccout", "aws:SourceAccount", 3),
            Some(1)
        );
        assert_eq!(
            closest(
                "aws:SourceAccout",
                ["aws:SourceArn", "aws:SourceAccount"].into_iter()
            ),
            Some("aws:SourceAccount")
        );
        assert_eq!(closest("xyz", ["aws:SourceArn"].into_iter()), None);
    }
}
