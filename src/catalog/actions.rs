//! Actions and services: exact lookup, wildcard expansion and did-you-mean.
//!
//! `ACTIONS` is sorted by service prefix, then by lowercase action name, and
//! `SERVICES` holds each service's range. An exact name is one probe of a
//! hash table `build.rs` compiled (`slots.rs`); a pattern visits only the range of actions that start with its
//! literal prefix within each matching service (`s3:Put*` is one range with
//! no per-action matching at all, `*:Get*` one range per service,
//! `iam:*Role*` matches the wildcard against the `iam` actions).

use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;

use super::AccessLevel;
use super::data::{
    A, ACTION_KEYS, ACTION_RESOURCES, ACTION_SLOTS, ACTIONS, PERMISSIONS_MANAGEMENT_ACTIONS,
    RESOURCE_ANY_ARNS, RESOURCE_KEYS, RESOURCE_REQUIRED, RESOURCE_SEGMENT_ARNS, RESOURCES,
    SERVICE_SLOTS, SERVICES, text,
};
use super::keys::ConditionKey;
use super::slots;

/// One IAM action from the catalog, such as `s3:GetObject`.
///
/// A cheap `Copy` handle into static tables. Equality and ordering follow
/// the catalog order: by service prefix, then by lowercase action name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Action {
    index: u32,
}

impl Action {
    fn rec(self) -> &'static A {
        &ACTIONS[self.index as usize]
    }

    /// The service prefix, lowercase as AWS writes it: `s3`.
    pub fn service(self) -> &'static str {
        let full = self.rec().full_name();
        full.get(..usize::from(self.rec().2)).unwrap_or(full)
    }

    /// The action name in AWS's canonical case: `GetObject`.
    pub fn name(self) -> &'static str {
        let full = self.rec().full_name();
        full.get(usize::from(self.rec().2) + 1..).unwrap_or(full)
    }

    /// `service:Action` in canonical case: `s3:GetObject`.
    pub fn full_name(self) -> &'static str {
        self.rec().full_name()
    }

    /// The action's access level(s).
    pub fn access(self) -> AccessLevel {
        AccessLevel::from_bits_truncate(self.rec().3)
    }

    /// The resource types the action can be scoped to, in AWS's order.
    /// Empty when the action only accepts `Resource: "*"`.
    pub fn resource_types(self) -> impl ExactSizeIterator<Item = ResourceType> + use<> {
        let r = self.rec();
        let start = r.6 as usize;
        ACTION_RESOURCES
            .get(start..start + usize::from(r.4))
            .unwrap_or(&[])
            .iter()
            .map(|&v| ResourceType {
                index: v & !RESOURCE_REQUIRED,
                required: v & RESOURCE_REQUIRED != 0,
            })
    }

    /// Whether the action supports no resource-level permissions, i.e. it
    /// only ever takes `Resource: "*"` (`ecr:GetAuthorizationToken`).
    pub fn accepts_only_star(self) -> bool {
        self.rec().4 == 0
    }

    /// The action-level condition keys (not those of its resource types,
    /// nor the global ones; see [`Action::supports_condition_key`]).
    pub fn condition_keys(self) -> impl ExactSizeIterator<Item = ConditionKey> + use<> {
        let r = self.rec();
        let start = r.7 as usize;
        ACTION_KEYS
            .get(start..start + usize::from(r.5))
            .unwrap_or(&[])
            .iter()
            .map(|&k| ConditionKey::from_index(k))
    }

    /// Whether `key` may be used in a condition on this action: one of its
    /// action-level keys, a key of one of its resource types, or a global
    /// key. Case-insensitive; templated keys match (`aws:RequestTag/team`).
    pub fn supports_condition_key(self, key: &str) -> bool {
        self.lists_condition_key(key) || super::condition_key(key).is_some_and(|k| k.is_global())
    }

    /// Whether the reference lists `key` for this action: one of its
    /// action-level keys or a key of one of its resource types (global
    /// keys are not listed). Case-insensitive; templated keys match.
    pub fn lists_condition_key(self, key: &str) -> bool {
        self.lists_key(key, super::keys::exact_condition_key(key))
    }

    /// [`Action::lists_condition_key`] with `exact`, the catalog key named
    /// `key` if any (looked up by the caller, once for many actions).
    fn lists_key(self, key: &str, exact: Option<ConditionKey>) -> bool {
        // A listed key that is not a template is `key` only if it is the
        // catalog key named `key`: compared by index, not by name.
        let listed = |k: ConditionKey| {
            if k.is_template() {
                k.matches(key)
            } else {
                Some(k) == exact
            }
        };
        self.condition_keys().any(listed)
            || self
                .resource_types()
                .any(|rt| rt.condition_keys().any(listed))
    }

    /// Whether the IAM action pattern `pattern` (`*`, `?`, case-insensitive)
    /// matches this action.
    pub fn matches(self, pattern: &str) -> bool {
        glob_ci(pattern.as_bytes(), self.full_name().as_bytes())
    }

    /// The position of the action in the catalog order, below
    /// [`action_count`]; stable for one catalog version only. Useful for
    /// bitsets over actions.
    pub fn index(self) -> usize {
        self.index as usize
    }

    /// The action at `index` in the catalog order, if any.
    pub fn from_index(index: usize) -> Option<Action> {
        let index = u32::try_from(index).ok()?;
        ((index as usize) < ACTIONS.len()).then_some(Action { index })
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.full_name())
    }
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Action({})", self.full_name())
    }
}

/// A resource type an action can be scoped to, such as `s3` `object`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResourceType {
    index: u32,
    required: bool,
}

impl ResourceType {
    fn rec(self) -> &'static super::data::R {
        &RESOURCES[self.index as usize]
    }

    /// The service prefix the type belongs to: `s3`.
    pub fn service(self) -> &'static str {
        text(self.rec().0, u32::from(self.rec().1))
    }

    /// The resource type name as AWS writes it: `object`.
    pub fn name(self) -> &'static str {
        text(self.rec().2, u32::from(self.rec().3))
    }

    /// The ARN format, with `${Placeholders}`:
    /// `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub fn arn_format(self) -> &'static str {
        text(self.rec().4, u32::from(self.rec().5))
    }

    /// The pattern for every resource of this type in every account and
    /// region of the `aws` partition: its ARN format with each
    /// placeholder but `${Partition}` as `*` (`arn:aws:s3:::*/*` for
    /// `object`): a policy resource that covers it covers every resource of
    /// the type. Computed by `build.rs` (see `arn_format.rs`).
    pub fn any_arn(self) -> &'static str {
        RESOURCE_ANY_ARNS
            .get(self.index as usize)
            .map_or("*", |&(off, len)| text(off, len))
    }

    /// Its ARN format as a pattern for [`crate::policy::pattern::intersects`]
    /// ([`super::arn_format::segment_arn`]: `arn:aws:s3:::` SEGMENT `/*`
    /// for `object`). Computed by `build.rs`.
    pub fn segment_arn(self) -> &'static str {
        RESOURCE_SEGMENT_ARNS
            .get(self.index as usize)
            .map_or("*", |&(off, len)| text(off, len))
    }

    /// Whether the action this type was obtained from requires it (AWS marks
    /// it with `*` in the reference). Always false for other sources.
    pub fn required(self) -> bool {
        self.required
    }

    /// The condition keys that apply to this resource type.
    pub fn condition_keys(self) -> impl ExactSizeIterator<Item = ConditionKey> + use<> {
        let r = self.rec();
        let start = r.6 as usize;
        RESOURCE_KEYS
            .get(start..start + usize::from(r.7))
            .unwrap_or(&[])
            .iter()
            .map(|&k| ConditionKey::from_index(k))
    }
}

impl fmt::Debug for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ResourceType({}:{}{})",
            self.service(),
            self.name(),
            if self.required { "*" } else { "" }
        )
    }
}

/// Whether some ARN format of the reference writes `account` literally in
/// the account field of `service`'s ARNs: `aws` in
/// `arn:${Partition}:eks::aws:cluster-access-policy/…`, `offering` in
/// MediaConnect's offerings. Such an account is valid though it is no
/// 12-digit id. Asked only about accounts that are not (rare): a pass over
/// the resource types, not a table.
pub fn arn_account_is_literal(service: &str, account: &str) -> bool {
    // The literal accounts are words: no digits-only id (of the wrong
    // length) or `<placeholder>` is one, and asking costs a pass.
    if account.is_empty() || !account.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return false;
    }
    let field = format!(":{account}:");
    RESOURCES.iter().any(|r| {
        let format = text(r.4, u32::from(r.5));
        // A search for `:account:` first: splitting every format into
        // fields was a tenth of a millisecond per question.
        format.contains(&field) && {
            // `arn`, partition, service, region, account, resource.
            let mut fields = format.splitn(6, ':');
            fields.nth(2) == Some(service) && fields.nth(1) == Some(account)
        }
    })
}

/// ASCII case-insensitive comparison, consistent with the catalog's
/// lowercase sort order.
pub fn cmp_ci(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// Compares the first `prefix.len()` bytes of `name` with `prefix`.
fn cmp_ci_prefix(name: &[u8], prefix: &[u8]) -> Ordering {
    cmp_ci(name.get(..prefix.len()).unwrap_or(name), prefix)
}

/// The action part (after the `:`) of a record's name.
fn action_part(a: &A) -> &'static [u8] {
    let full = a.full_name().as_bytes();
    full.get(usize::from(a.2) + 1..).unwrap_or(&[])
}

/// The actions of the service at `SERVICES[i]`.
fn service_range(i: usize) -> Range<usize> {
    SERVICES.get(i).map_or(0..0, |s| s.2 as usize..s.3 as usize)
}

/// Within `range` (one service), the actions whose name starts with
/// `prefix`, case-insensitively.
fn action_prefix_range(range: Range<usize>, prefix: &[u8]) -> Range<usize> {
    let Some(slice) = ACTIONS.get(range.clone()) else {
        return 0..0;
    };
    let lo = slice.partition_point(|a| cmp_ci_prefix(action_part(a), prefix).is_lt());
    let len = slice[lo..].partition_point(|a| cmp_ci_prefix(action_part(a), prefix).is_eq());
    range.start + lo..range.start + lo + len
}

/// IAM wildcard matching: `*` matches any run of characters (also none),
/// `?` exactly one; ASCII case-insensitive (action names are ASCII).
pub(super) fn glob_ci(pattern: &[u8], text: &[u8]) -> bool {
    glob(pattern, text, |p, t| p.eq_ignore_ascii_case(&t))
}

/// [`glob_ci`] for a pattern that is already lowercase.
fn glob_lower(pattern: &[u8], text: &[u8]) -> bool {
    glob(pattern, text, |p, t| p == t.to_ascii_lowercase())
}

fn glob(pattern: &[u8], text: &[u8], eq: impl Fn(u8, u8) -> bool) -> bool {
    // Past a `*`, jump to where the literal that follows it can match.
    let skip = |p: usize, t: usize| match pattern.get(p) {
        Some(&c) if c != b'*' && c != b'?' => text
            .get(t..)
            .and_then(|rest| rest.iter().position(|&x| eq(c, x)))
            .map_or(text.len(), |i| t + i),
        _ => t,
    };
    let (mut p, mut t) = (0, 0);
    // After a `*`: the pattern position following it, and where the text
    // it stands for currently ends. Only the last `*` ever needs to grow.
    let mut star: Option<(usize, usize)> = None;
    loop {
        match pattern.get(p) {
            Some(b'*') => {
                p += 1;
                if p == pattern.len() {
                    return true;
                }
                t = skip(p, t);
                star = Some((p, t));
                continue;
            }
            Some(&c) if t < text.len() && (c == b'?' || eq(c, text[t])) => {
                p += 1;
                t += 1;
                continue;
            }
            None if t == text.len() => return true,
            _ => {}
        }
        match star {
            Some((sp, st)) if st < text.len() => {
                p = sp;
                t = skip(sp, st + 1);
                star = Some((sp, t));
            }
            _ => return false,
        }
    }
}

/// Whether `pattern` contains an IAM wildcard (`*` or `?`), i.e. whether it
/// must be expanded rather than looked up.
pub fn is_wildcard(pattern: &str) -> bool {
    pattern.bytes().any(|b| b == b'*' || b == b'?')
}

/// Looks up an action by `service:action`, case-insensitively
/// (`S3:getobject` finds `s3:GetObject`). Patterns are not expanded.
pub fn action(name: &str) -> Option<Action> {
    // The whole `service:Action` at once: no service has a `:` in its
    // prefix, so this is the service's lookup and then the action's.
    slots::find(&ACTION_SLOTS, name.as_bytes(), |i| {
        ACTIONS.get(i).map_or(&[][..], |a| a.full_name().as_bytes())
    })
    .map(|i| Action { index: i as u32 })
}

/// Whether some of `actions` lists `key` ([`Action::lists_condition_key`]),
/// the key looked up once rather than once per action (`s3:*` is hundreds).
pub fn any_lists_condition_key(actions: impl IntoIterator<Item = Action>, key: &str) -> bool {
    let exact = super::keys::exact_condition_key(key);
    actions.into_iter().any(|a| a.lists_key(key, exact))
}

/// The number of actions in the catalog.
pub fn action_count() -> usize {
    ACTIONS.len()
}

/// Every action, in catalog order: by service prefix, then by lowercase
/// action name.
pub fn actions() -> impl ExactSizeIterator<Item = Action> {
    (0..ACTIONS.len() as u32).map(|index| Action { index })
}

/// Every action of the Permissions management access level, in catalog
/// order; listed by `build.rs`, so that what a wildcard service allows of
/// them is a pass over this list, not over every action.
pub fn permissions_management_actions() -> impl ExactSizeIterator<Item = Action> {
    PERMISSIONS_MANAGEMENT_ACTIONS
        .iter()
        .map(|&index| Action { index })
}

fn service_index(prefix: &str) -> Option<usize> {
    slots::find(&SERVICE_SLOTS, prefix.as_bytes(), |i| {
        SERVICES.get(i).map_or(&[][..], |s| s.name().as_bytes())
    })
}

/// Whether `prefix` is a known service prefix (`s3`, `iam`),
/// case-insensitively.
pub fn service_exists(prefix: &str) -> bool {
    service_index(prefix).is_some()
}

/// Every service prefix, sorted.
pub fn services() -> impl ExactSizeIterator<Item = &'static str> {
    SERVICES.iter().map(|s| s.name())
}

/// The actions of one service (case-insensitive prefix), in catalog order;
/// empty for an unknown service.
pub fn service_actions(prefix: &str) -> impl ExactSizeIterator<Item = Action> + use<> {
    let range = service_index(prefix).map_or(0..0, service_range);
    (range.start as u32..range.end as u32).map(|index| Action { index })
}

/// Expands an IAM action pattern against the catalog, case-insensitively:
/// `s3:Put*`, `iam:*Role*`, `s3:?etObject`, `s3:*`, `*:Get*`, `*`. A pattern
/// without wildcards yields the one action it names, if it exists. Results
/// come in catalog order (by service, then lowercase action name).
///
/// Nothing scans the whole catalog: the service part selects a service by
/// its hash table (or, when it has a wildcard, is matched against every
/// service prefix), and within each selected service only the range of
/// actions that start with the action part's literal prefix (up to its
/// first wildcard) is visited. `s3:Put*` and `*:Get*` are pure range
/// lookups; `iam:*Role*` matches the wildcard against the `iam` actions.
pub fn expand(pattern: &str) -> Expand {
    let mut e = Expand {
        services: 0..0,
        service_glob: None,
        action_pattern: Box::default(),
        literal: 0,
        whole: false,
        full_glob: None,
        current: 0..0,
    };
    // Most patterns name one action: one lookup, nothing to match.
    if !is_wildcard(pattern) {
        if let Some(a) = action(pattern) {
            let i = a.index as usize;
            e.current = i..i + 1;
            e.whole = true;
        }
        return e;
    }
    let lower = pattern.to_ascii_lowercase();
    let (svc, act) = match lower.split_once(':') {
        // No action has two colons.
        Some((_, act)) if act.contains(':') => return e,
        Some(parts) => parts,
        None if lower.is_empty() => return e,
        None => {
            // `*` alone means every action; other colon-less patterns (which
            // AWS rejects) are matched against the whole `service:action`.
            if !lower.bytes().all(|b| b == b'*') {
                e.full_glob = Some(lower.as_bytes().into());
            }
            ("*", "*")
        }
    };
    if is_wildcard(svc) {
        e.services = 0..SERVICES.len();
        if !svc.bytes().all(|b| b == b'*') {
            e.service_glob = Some(svc.as_bytes().into());
        }
    } else {
        e.services = service_index(svc).map_or(0..0, |i| i..i + 1);
    }
    e.literal = act
        .bytes()
        .position(|b| b == b'*' || b == b'?')
        .unwrap_or(act.len());
    let rest = &act.as_bytes()[e.literal..];
    // `prefix*` (or `prefix**`): the whole prefix range matches.
    e.whole = !rest.is_empty() && rest.iter().all(|&b| b == b'*');
    e.action_pattern = act.as_bytes().into();
    e
}

/// The iterator [`expand`] returns: the matching actions in catalog order.
#[derive(Clone, Debug)]
pub struct Expand {
    /// Services still to visit (indices into `SERVICES`).
    services: Range<usize>,
    /// The lowercase service part when it has a wildcard other than `*`.
    service_glob: Option<Box<[u8]>>,
    /// The lowercase action part.
    action_pattern: Box<[u8]>,
    /// The length of the action part's literal prefix.
    literal: usize,
    /// The action part is a literal prefix followed by `*` only.
    whole: bool,
    /// A pattern without `:`, matched against whole names.
    full_glob: Option<Box<[u8]>>,
    /// The remaining candidate actions of the current service.
    current: Range<usize>,
}

impl Expand {
    fn accepts(&self, i: usize) -> bool {
        let Some(a) = ACTIONS.get(i) else {
            return false;
        };
        if let Some(g) = &self.full_glob {
            return glob_lower(g, a.full_name().as_bytes());
        }
        self.whole
            || glob_lower(
                self.action_pattern.get(self.literal..).unwrap_or(&[]),
                action_part(a).get(self.literal..).unwrap_or(&[]),
            )
    }
}

impl Expand {
    /// Moves to the next service the pattern selects, its candidate
    /// actions in `current`; `false` when none is left.
    fn next_service(&mut self) -> bool {
        for s in self.services.by_ref() {
            if let Some(g) = &self.service_glob
                && !glob_lower(g, SERVICES[s].name().as_bytes())
            {
                continue;
            }
            let prefix = if self.full_glob.is_some() {
                &[][..]
            } else {
                self.action_pattern.get(..self.literal).unwrap_or(&[])
            };
            self.current = action_prefix_range(service_range(s), prefix);
            return true;
        }
        false
    }

    /// The actions left, collected: where the pattern takes a service's
    /// range whole (`s3:*`, `ec2:Describe*`), the range is copied at once
    /// rather than one `next` and one push per action (3 of the 12 million
    /// instructions the process's expansions took on the AWS managed
    /// policies).
    pub fn into_vec(mut self) -> Vec<Action> {
        let mut out = Vec::new();
        loop {
            if self.whole && self.full_glob.is_none() {
                out.extend(
                    std::mem::replace(&mut self.current, 0..0).map(|i| Action { index: i as u32 }),
                );
            } else {
                for i in std::mem::replace(&mut self.current, 0..0) {
                    if self.accepts(i) {
                        out.push(Action { index: i as u32 });
                    }
                }
            }
            if !self.next_service() {
                return out;
            }
        }
    }
}

impl Iterator for Expand {
    type Item = Action;

    fn next(&mut self) -> Option<Action> {
        loop {
            while let Some(i) = self.current.next() {
                if self.accepts(i) {
                    return Some(Action { index: i as u32 });
                }
            }
            if !self.next_service() {
                return None;
            }
        }
    }
}

/// Optimal string alignment distance (Damerau-Levenshtein with adjacent
/// transpositions) between two ASCII-lowercased byte strings, or `None` when
/// it exceeds `limit`. `rows` is scratch space reused between calls.
///
/// Only the band of cells within `limit` of the diagonal is computed: a
/// cell `(i, j)` off it is at least `|i - j|` edits, so no answer within
/// the limit goes through it, and it is read as `limit + 1`. An unknown
/// service's did-you-mean compares the name with every action of the
/// catalog: the band is a few cells of each row, not the row.
fn distance(a: &[u8], b: &[u8], limit: usize, rows: &mut [Vec<usize>; 3]) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let over = limit + 1;
    let [prev2, prev, cur] = rows;
    for r in [&mut *prev2, &mut *prev, &mut *cur] {
        r.clear();
        r.resize(b.len() + 1, over);
    }
    for (j, v) in prev.iter_mut().enumerate().take(over) {
        *v = j;
    }
    for i in 1..=a.len() {
        let lo = i.saturating_sub(limit).max(1);
        let hi = (i + limit).min(b.len());
        // The cells beside the band this row reads or the next row reads
        // may hold an older row's values: off the band, they are `over`.
        cur[lo - 1] = if lo == 1 { i.min(over) } else { over };
        if let Some(next) = cur.get_mut(hi + 1) {
            *next = over;
        }
        let mut row_min = cur[lo - 1];
        for j in lo..=hi {
            let ca = a[i - 1].to_ascii_lowercase();
            let cb = b[j - 1].to_ascii_lowercase();
            let cost = usize::from(ca != cb);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1
                && j > 1
                && ca == b[j - 2].to_ascii_lowercase()
                && a[i - 2].to_ascii_lowercase() == cb
            {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d.min(over);
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(prev2, prev);
        std::mem::swap(prev, cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

/// How many edits a did-you-mean tolerates for a name of `len` characters.
fn edit_limit(len: usize) -> usize {
    (len / 3).clamp(1, 3)
}

/// Finds the closest item by edit distance (ties: the first in order).
fn closest<T>(
    wanted: &[u8],
    candidates: impl Iterator<Item = (T, &'static str)>,
    key: impl Fn(&'static str) -> &'static str,
) -> Option<T> {
    closest_within(wanted, candidates, key, edit_limit(wanted.len())).map(|(_, item)| item)
}

/// [`closest`] within `limit` edits, with its distance.
fn closest_within<T>(
    wanted: &[u8],
    candidates: impl Iterator<Item = (T, &'static str)>,
    key: impl Fn(&'static str) -> &'static str,
    limit: usize,
) -> Option<(usize, T)> {
    let mut rows = [Vec::new(), Vec::new(), Vec::new()];
    let mut best: Option<(usize, T)> = None;
    for (item, name) in candidates {
        let bound = best.as_ref().map_or(limit, |(d, _)| d.saturating_sub(1));
        if let Some(d) = distance(wanted, key(name).as_bytes(), bound, &mut rows) {
            best = Some((d, item));
            if d == 0 {
                break;
            }
        }
    }
    best
}

/// Did-you-mean for an unknown action: the closest catalog action by edit
/// distance (optimal string alignment, case-insensitive), or `None` when
/// nothing is close enough (at most 1 edit for short names, up to 3 for
/// names of 9+ characters). When the service is known only its actions are
/// considered (`s3:GetObjekt` → `s3:GetObject`); otherwise the whole
/// `service:action` is compared across all services (`s4:GetObject` →
/// `s3:GetObject`). An exact (case-insensitive) match is returned as is.
pub fn suggest(name: &str) -> Option<Action> {
    if let Some(a) = action(name) {
        return Some(a);
    }
    // An export repeats the same few misspellings thousands of times (one
    // bad managed policy attached to every role): compare each distinct
    // name against the catalog once.
    static SEEN: crate::memo::Memo<String, Option<Action>> = crate::memo::Memo::new(16_384);
    SEEN.get_or(name, || closest_action(name))
}

/// The closest catalog action to an unknown `name` (see [`suggest`]).
fn closest_action(name: &str) -> Option<Action> {
    match name.split_once(':') {
        Some((svc, act)) if service_exists(svc) => closest(
            act.as_bytes(),
            service_actions(svc).map(|a| (a, a.full_name())),
            |full| full.split_once(':').map_or(full, |(_, n)| n),
        ),
        _ => closest(
            name.as_bytes(),
            actions().map(|a| (a, a.full_name())),
            |full| full,
        ),
    }
}

/// [`suggest`], when its answer is an action of `service`: the
/// did-you-mean of an unknown service prefix, which offers an action only
/// where it agrees with the nearest known prefix. The same answer as
/// `suggest(name).filter(|a| a.service() == service)`, but a name whose
/// prefix is unknown, compared with every action of the catalog, is
/// compared within the distance of the nearest action of `service`, not
/// within the loosest bound: the nearest of all can only be of `service`
/// if it is no farther. (The AWS managed policies name 95 unknown
/// prefixes: a fifth of a run over them went to these comparisons.)
pub fn suggest_in_service(name: &str, service: &str) -> Option<Action> {
    let whole_catalog = name
        .split_once(':')
        .is_none_or(|(prefix, _)| !service_exists(prefix));
    if !whole_catalog || action(name).is_some() {
        return suggest(name).filter(|a| a.service() == service);
    }
    static SEEN: crate::memo::Memo<String, Option<Action>> = crate::memo::Memo::new(16_384);
    SEEN.get_or(&format!("{service} {name}"), || {
        let full = |a: Action| (a, a.full_name());
        let (within, _) = closest_within(
            name.as_bytes(),
            service_actions(service).map(full),
            |f| f,
            edit_limit(name.len()),
        )?;
        closest_within(name.as_bytes(), actions().map(full), |f| f, within)
            .map(|(_, a)| a)
            .filter(|a| a.service() == service)
    })
}

/// Did-you-mean for an unknown service prefix: the closest known prefix
/// (`ec3` → `ec2`), or `None` when nothing is close enough.
pub fn suggest_service(prefix: &str) -> Option<&'static str> {
    if let Some(i) = service_index(prefix) {
        return Some(SERVICES[i].name());
    }
    // Once per unknown prefix: a policy repeats its misspelt prefix in
    // item after item.
    static SEEN: crate::memo::Memo<String, Option<&'static str>> = crate::memo::Memo::new(4_096);
    SEEN.get_or(prefix, || {
        closest(prefix.as_bytes(), services().map(|s| (s, s)), |s| s)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(pattern: &str) -> Vec<&'static str> {
        expand(pattern).map(Action::full_name).collect()
    }

    #[test]
    fn the_compiled_patterns_of_every_resource_type_are_its_format_widened() {
        for i in 0..RESOURCES.len() {
            let t = ResourceType {
                index: i as u32,
                required: false,
            };
            assert_eq!(
                t.any_arn(),
                super::super::arn_format::any_arn(t.arn_format())
            );
            assert_eq!(
                t.segment_arn(),
                super::super::arn_format::segment_arn(t.arn_format())
            );
        }
        let object = ResourceType {
            index: 0,
            required: false,
        };
        assert!(object.any_arn().starts_with("arn:aws:") || object.any_arn() == "*");
    }

    #[test]
    fn the_compiled_name_tables_find_every_action_and_service() {
        // What build.rs compiled is what the tables hold now.
        let built = slots::build(ACTIONS.len(), |i| ACTIONS[i].full_name().as_bytes());
        assert!(built == ACTION_SLOTS);
        let built = slots::build(SERVICES.len(), |i| SERVICES[i].name().as_bytes());
        assert!(built == SERVICE_SLOTS);
        for a in actions() {
            assert_eq!(action(a.full_name()), Some(a));
            assert_eq!(action(&a.full_name().to_ascii_uppercase()), Some(a));
        }
        for s in services() {
            assert!(service_exists(&s.to_ascii_uppercase()), "{s}");
        }
        assert_eq!(action("s3:GetObjekt"), None);
        assert_eq!(action("s3"), None);
    }

    #[test]
    fn action_names_are_found_in_few_probes() {
        // The hash spreads the names: a lookup of a known action compares
        // about one name and a half on average, as linear probing in a
        // half-full table does with a hash that spreads well.
        let mask = ACTION_SLOTS.len() - 1;
        let probes: usize = actions()
            .map(|a| {
                let home = slots::hash_ci(a.full_name().as_bytes()) as usize & mask;
                let at = ACTION_SLOTS
                    .iter()
                    .position(|&e| e as usize == a.index() + 1)
                    .expect("every action has a slot");
                ((at + ACTION_SLOTS.len() - home) & mask) + 1
            })
            .sum();
        let mean = probes as f64 / action_count() as f64;
        assert!(mean < 1.8, "{mean:.2} probes per name");
    }

    #[test]
    fn glob_semantics() {
        assert!(glob_ci(b"s3:get*", b"s3:GetObject"));
        assert!(glob_ci(b"*", b""));
        assert!(glob_ci(b"s3:?etObject", b"s3:GetObject"));
        assert!(!glob_ci(b"s3:?etObject", b"s3:etObject"));
        assert!(glob_ci(b"iam:*role*", b"iam:PassRole"));
        assert!(glob_ci(b"*a*b*c", b"xxaxxbxxc"));
        assert!(!glob_ci(b"*a*b*c", b"xxaxxbxxcx"));
        assert!(!glob_ci(b"s3:Get", b"s3:GetObject"));
    }

    /// A direct transcription of the wildcard semantics, for comparison.
    fn glob_reference(p: &[u8], t: &[u8]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some((b'*', rest)) => (0..=t.len()).any(|i| glob_reference(rest, &t[i..])),
            Some((&c, rest)) => t.split_first().is_some_and(|(&x, tail)| {
                (c == b'?' || c.eq_ignore_ascii_case(&x)) && glob_reference(rest, tail)
            }),
        }
    }

    proptest::proptest! {
        #[test]
        fn glob_agrees_with_reference(p in "[ab?*]{0,8}", t in "[abAB]{0,10}") {
            proptest::prop_assert_eq!(
                glob_ci(p.as_bytes(), t.as_bytes()),
                glob_reference(p.as_bytes(), t.as_bytes())
            );
        }
    }

    #[test]
    fn exact_lookup_is_case_insensitive() {
        let a = action("S3:getobject").expect("s3:GetObject");
        assert_eq!(a.full_name(), "s3:GetObject");
        assert_eq!(a.service(), "s3");
        assert_eq!(a.name(), "GetObject");
        assert_eq!(action("s3:GETOBJECT"), Some(a));
        assert_eq!(action("s3:GetObjekt"), None);
        assert_eq!(action("s3:GetObject*"), None);
        assert_eq!(Action::from_index(a.index()), Some(a));
        assert_eq!(a.to_string(), "s3:GetObject");
    }

    #[test]
    fn the_permissions_management_list_is_every_such_action() {
        let listed: Vec<Action> = permissions_management_actions().collect();
        let computed: Vec<Action> = actions()
            .filter(|a| a.access().contains(AccessLevel::PERMISSIONS_MANAGEMENT))
            .collect();
        assert_eq!(listed, computed);
        assert!(listed.len() > 100);
    }

    #[test]
    fn known_access_levels() {
        let attach = action("iam:AttachRolePolicy").expect("iam:AttachRolePolicy");
        assert!(
            attach
                .access()
                .contains(AccessLevel::PERMISSIONS_MANAGEMENT)
        );
        assert_eq!(
            attach.access().primary(),
            AccessLevel::PERMISSIONS_MANAGEMENT
        );
        let get = action("s3:GetObject").expect("s3:GetObject");
        assert_eq!(get.access(), AccessLevel::READ);
        assert_eq!(
            action("s3:ListAllMyBuckets").map(Action::access),
            Some(AccessLevel::LIST)
        );
        assert!(
            action("s3:PutObjectTagging")
                .expect("s3:PutObjectTagging")
                .access()
                .contains(AccessLevel::TAGGING)
        );
    }

    #[test]
    fn resource_types_and_star_only_actions() {
        let token = action("ecr:GetAuthorizationToken").expect("ecr action");
        assert!(token.accepts_only_star());
        assert_eq!(token.resource_types().len(), 0);
        let get = action("s3:GetObject").expect("s3:GetObject");
        assert!(!get.accepts_only_star());
        let object = get
            .resource_types()
            .find(|rt| rt.name() == "object")
            .expect("object resource type");
        assert_eq!(object.service(), "s3");
        assert!(object.arn_format().starts_with("arn:${Partition}:s3:::"));
        let pass = action("iam:PassRole").expect("iam:PassRole");
        let role = pass.resource_types().next().expect("role");
        assert_eq!((role.name(), role.required()), ("role", true));
    }

    #[test]
    fn prefix_expansion() {
        let put = names("s3:Put*");
        assert!(put.contains(&"s3:PutObject"));
        assert!(put.contains(&"s3:PutBucketPolicy"));
        assert!(!put.contains(&"s3:GetObject"));
        assert!(put.iter().all(|n| n.starts_with("s3:Put")));
        assert_eq!(names("S3:PUT*"), put);
    }

    #[test]
    fn infix_and_single_character_expansion() {
        let role = names("iam:*Role*");
        assert!(role.contains(&"iam:CreateRole"));
        assert!(role.contains(&"iam:PassRole"));
        assert!(role.contains(&"iam:AttachRolePolicy"));
        assert!(!role.contains(&"iam:CreateUser"));
        assert!(role.iter().all(|n| n.starts_with("iam:")));
        let q = names("s3:?etObject");
        assert!(q.contains(&"s3:GetObject"));
        assert!(!q.contains(&"s3:PutObject"));
    }

    #[test]
    fn whole_service_and_everything() {
        assert_eq!(expand("*").count(), action_count());
        assert_eq!(expand("**").count(), action_count());
        let s3 = names("s3:*");
        assert_eq!(s3.len(), service_actions("s3").len());
        assert!(s3.iter().all(|n| n.starts_with("s3:")));
        // `s3:*` is not `s3*:*`.
        assert!(names("s3*:*").iter().any(|n| n.starts_with("s3express:")));
        let gets = names("*:Get*");
        assert!(gets.contains(&"s3:GetObject"));
        assert!(gets.contains(&"ec2:GetConsoleOutput"));
        // Case-insensitive: `apigateway:GET` is in, too.
        assert!(gets.contains(&"apigateway:GET"));
        assert!(gets.iter().all(|n| n.to_ascii_lowercase().contains(":get")));
    }

    #[test]
    fn literal_patterns_and_no_matches() {
        assert_eq!(names("s3:getobject"), ["s3:GetObject"]);
        assert!(names("s3:GetObjekt").is_empty());
        assert!(names("nosuchservice:*").is_empty());
        assert!(names("").is_empty());
    }

    #[test]
    fn expansion_agrees_with_matching() {
        for pattern in [
            "s3:*Object*",
            "iam:Create*",
            "*:Tag*",
            "ec2:Describe?pcs",
            "a*",
            // Whole ranges, which `into_vec` copies at once.
            "s3:*",
            "ec2:Describe*",
            "*:List**",
            "s3:GetObject",
            "S3:GETOBJECT",
            "*",
            "s3:NoSuch*",
            "nosuchservice:*",
        ] {
            let expanded: Vec<Action> = expand(pattern).collect();
            let scanned: Vec<Action> = actions().filter(|a| a.matches(pattern)).collect();
            assert_eq!(expanded, scanned, "{pattern}");
            assert_eq!(expand(pattern).into_vec(), scanned, "{pattern}");
        }
    }

    #[test]
    fn services_are_known() {
        assert!(service_exists("s3"));
        assert!(service_exists("IAM"));
        assert!(!service_exists("s4"));
        let all: Vec<&str> = services().collect();
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert!(all.contains(&"sts"));
        let total: usize = all.iter().map(|s| service_actions(s).len()).sum();
        assert_eq!(total, action_count());
    }

    #[test]
    fn did_you_mean() {
        assert_eq!(
            suggest("s3:GetObjekt").map(Action::full_name),
            Some("s3:GetObject")
        );
        assert_eq!(
            suggest("iam:PasRole").map(Action::full_name),
            Some("iam:PassRole")
        );
        assert_eq!(
            suggest("s3:GetObjcet").map(Action::full_name),
            Some("s3:GetObject")
        );
        assert_eq!(
            suggest("s4:GetObject").map(Action::full_name),
            Some("s3:GetObject")
        );
        assert_eq!(
            suggest("S3:GETOBJECT").map(Action::full_name),
            Some("s3:GetObject")
        );
        assert_eq!(suggest("s3:CompletelyDifferentThing"), None);
        assert_eq!(suggest("xyz"), None);
        assert_eq!(suggest_service("ec3"), Some("ec2"));
        assert_eq!(suggest_service("S3"), Some("s3"));
        assert_eq!(suggest_service("qqqqqqqqqqqq"), None);
    }

    #[test]
    fn distance_is_osa() {
        let mut rows = [Vec::new(), Vec::new(), Vec::new()];
        assert_eq!(distance(b"abcd", b"abdc", 3, &mut rows), Some(1));
        assert_eq!(distance(b"kitten", b"sitting", 3, &mut rows), Some(3));
        assert_eq!(distance(b"kitten", b"sitting", 2, &mut rows), None);
        assert_eq!(distance(b"", b"ab", 2, &mut rows), Some(2));
        assert_eq!(distance(b"Ab", b"aB", 0, &mut rows), Some(0));
    }

    /// The whole table, without a band or an early exit: the reference
    /// the banded [`distance`] must agree with.
    fn full_osa(a: &[u8], b: &[u8]) -> usize {
        let w = b.len() + 1;
        let mut d = vec![0usize; (a.len() + 1) * w];
        for i in 0..=a.len() {
            for j in 0..=b.len() {
                d[i * w + j] = if i == 0 || j == 0 {
                    i + j
                } else {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    let mut v = (d[(i - 1) * w + j] + 1)
                        .min(d[i * w + j - 1] + 1)
                        .min(d[(i - 1) * w + j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        v = v.min(d[(i - 2) * w + j - 2] + 1);
                    }
                    v
                };
            }
        }
        d[a.len() * w + b.len()]
    }

    #[test]
    fn suggest_in_service_is_suggest_kept_for_that_service() {
        // Misspelt prefixes (a letter changed, dropped, doubled, two
        // swapped) and misspelt names, of actions across the catalog,
        // asked for the nearest prefix, the action's own service and one
        // unrelated to both.
        let mut offered = 0;
        for a in actions().step_by(701) {
            let (svc, act) = a.full_name().split_once(':').expect("a full name");
            let mut names = vec![
                format!("{svc}x:{act}"),
                format!("{}:{act}", &svc[1..]),
                format!("{}{svc}:{act}", &svc[..1]),
                format!("{svc}:{act}x"),
                format!("{svc}:{}", &act[1..]),
            ];
            if svc.len() > 1 {
                let mut s: Vec<u8> = svc.bytes().collect();
                s.swap(0, 1);
                names.push(format!("{}:{act}", String::from_utf8_lossy(&s)));
                names.push(format!("q{}:{act}", &svc[1..]));
            }
            for name in &names {
                let prefix = name.split_once(':').map_or("", |(p, _)| p);
                for service in [suggest_service(prefix), Some(a.service()), Some("s3")]
                    .into_iter()
                    .flatten()
                {
                    let got = suggest_in_service(name, service);
                    assert_eq!(
                        got,
                        suggest(name).filter(|s| s.service() == service),
                        "{name} in {service}"
                    );
                    offered += usize::from(got.is_some());
                }
            }
        }
        // Not only `None`s: most misspellings have an answer.
        assert!(offered > 100, "{offered} offered");
    }

    #[test]
    fn the_banded_distance_is_the_whole_tables_within_the_limit() {
        // Every pair of strings of up to 5 letters over "abc", with one
        // set of scratch rows throughout (stale cells must not leak).
        let mut words: Vec<Vec<u8>> = vec![Vec::new()];
        let mut last = words.clone();
        for _ in 0..5 {
            last = last
                .iter()
                .flat_map(|w| {
                    b"abc".iter().map(move |&c| {
                        let mut w = w.clone();
                        w.push(c);
                        w
                    })
                })
                .collect();
            words.extend(last.iter().cloned());
        }
        let mut rows = [Vec::new(), Vec::new(), Vec::new()];
        for a in words.iter().step_by(3) {
            for b in &words {
                let full = full_osa(a, b);
                for limit in 0..=3 {
                    assert_eq!(
                        distance(a, b, limit, &mut rows),
                        (full <= limit).then_some(full),
                        "{:?} {:?} within {limit}",
                        String::from_utf8_lossy(a),
                        String::from_utf8_lossy(b)
                    );
                }
            }
        }
    }
}
