//! The IAM policy language: [`Policy`], [`Statement`] and their elements,
//! built from a loaded [`Node`] tree with a span on everything a rule can
//! point at.
//!
//! Building never fails: what does not fit the grammar becomes a
//! [`Problem`] (reported by the `invalid-policy` rule) and the rest of the
//! document is still modelled, so one bad statement does not hide findings
//! in the others. The grammar depends on where the document is used
//! ([`PolicyKind`]): a trust policy must name a `Principal` and may not have
//! a `Resource`, an identity policy may not name a `Principal`, and so on
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>).

use crate::load::tree::{Node, Str, Value};
use crate::policy::arn;
use crate::policy::condition::{Condition, Operator};
use crate::policy::principal::{Principal, PrincipalType};
use crate::source::{Span, Spanned};

/// Where a policy document is used; the grammar and meaning differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyKind {
    /// Attached to a user, group or role: grants that principal.
    Identity,
    /// A role's trust policy (`AssumeRolePolicyDocument`): who may assume it.
    Trust,
    /// On a resource (bucket, repository, key, queue, topic, function): who may use it.
    Resource,
    /// A service control policy: the most an account's principals may do.
    ServiceControl,
    /// A resource control policy: the most an account's resources allow.
    ResourceControl,
    /// A permissions boundary: the most a user or role may do.
    Boundary,
}

impl PolicyKind {
    /// Lowercase name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity policy",
            PolicyKind::Trust => "trust policy",
            PolicyKind::Resource => "resource policy",
            PolicyKind::ServiceControl => "service control policy",
            PolicyKind::ResourceControl => "resource control policy",
            PolicyKind::Boundary => "permissions boundary",
        }
    }

    /// The name with its article, for messages ("an identity policy").
    pub fn with_article(self) -> String {
        let d = self.describe();
        let article = if d.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {d}")
    }

    /// Whether statements of this kind name a principal.
    pub fn has_principals(self) -> bool {
        matches!(
            self,
            PolicyKind::Trust | PolicyKind::Resource | PolicyKind::ResourceControl
        )
    }

    /// Whether an Allow in this kind of policy grants anything. SCPs, RCPs
    /// and boundaries only set a ceiling: their Allow never grants.
    pub fn allow_grants(self) -> bool {
        matches!(
            self,
            PolicyKind::Identity | PolicyKind::Trust | PolicyKind::Resource
        )
    }
}

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Grants, unless denied.
    Allow,
    /// Takes away; beats every Allow.
    Deny,
}

/// `Action`/`NotAction`, `Resource`/`NotResource` or `Principal`/`NotPrincipal`.
#[derive(Clone, Debug, PartialEq)]
pub struct Element<T> {
    /// True for the `Not…` form: the statement applies to everything *except* the items.
    pub negated: bool,
    /// The span of the element's key (`"NotAction"`).
    pub key: Span,
    /// The span of the whole value.
    pub span: Span,
    /// The items, each with its span.
    pub items: Vec<Spanned<T>>,
}

/// One statement of a policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// Position in the `Statement` list (0 for a single-object `Statement`).
    pub index: usize,
    /// The whole statement object.
    pub span: Span,
    /// `Sid`, if given.
    pub sid: Option<Spanned<Str>>,
    /// `Effect`.
    pub effect: Spanned<Effect>,
    /// `Principal` or `NotPrincipal`.
    pub principal: Option<Element<Principal>>,
    /// `Action` or `NotAction`.
    pub action: Option<Element<Str>>,
    /// `Resource` or `NotResource`.
    pub resource: Option<Element<Str>>,
    /// Every condition, flattened from `{operator: {key: values}}`.
    pub conditions: Vec<Condition>,
    /// Whether this is an Allow that a Deny of the same policy takes back
    /// whole, whoever asks: a Deny with no condition, every principal (or
    /// none named, as in an identity policy), and all of this statement's
    /// actions and resources or more. An explicit Deny beats every Allow,
    /// so the Allow grants nothing, and a rule about what it grants would
    /// report what cannot happen; a Deny with a condition, or covering only
    /// part, leaves the Allow to the rules. Worked out once when the policy
    /// is built: a dozen rules ask it of every statement, and each asking
    /// compared the statement with every Deny of its policy (a twentieth of
    /// a run over the AWS managed policies).
    pub denied_in_full: bool,
    /// Whether one of `conditions` can never hold, whatever the request
    /// ([`crate::policy::condition::never_holds`]), so that the statement
    /// grants nothing. Worked out once when the statement is built: every
    /// rule about what a statement grants asks, and each asking read
    /// every condition value again (a twentieth of a run over the AWS
    /// managed policies).
    pub never_holds: bool,
    /// The catalog action each item of `Action` / `NotAction` names, in
    /// item order (`None` for a wildcard or an unknown name). Looked up
    /// once here, where the item was just read: half a dozen rules ask,
    /// and each look-up is a few cache misses into the catalog's action
    /// table (a tenth of a run over the AWS managed policies).
    pub item_actions: Box<[Option<crate::catalog::Action>]>,
}

impl Statement {
    /// The items of `Action` or `NotAction` (none without either), each
    /// with the catalog action it names exactly ([`Self::item_actions`]).
    pub fn action_items(
        &self,
    ) -> impl Iterator<Item = (&Spanned<Str>, Option<crate::catalog::Action>)> {
        self.action
            .iter()
            .flat_map(|e| &e.items)
            .zip(self.item_actions.iter().copied())
    }

    /// Whether this is an Allow statement.
    pub fn is_allow(&self) -> bool {
        self.effect.value == Effect::Allow
    }

    /// Whether the statement's `Action` could apply to an action of one of
    /// `services` (prefixes, any case): a `NotAction`, or an item whose
    /// service is one of them or a wildcard (an item without a `:` counts
    /// as a wildcard). A cheap test that lets callers pass over the many
    /// statements about other services before matching any pattern.
    pub fn may_name_service(&self, services: &[&str]) -> bool {
        self.action.as_ref().is_some_and(|e| {
            e.negated
                || e.items.iter().any(|i| {
                    let service = i.value.split_once(':').map_or("*", |(s, _)| s);
                    crate::policy::pattern::has_wildcard(service)
                        || services.iter().any(|s| s.eq_ignore_ascii_case(service))
                })
        })
    }

    /// [`Self::actions`], each with the catalog action it names exactly
    /// ([`Self::item_actions`]); empty for `NotAction`.
    pub fn allowed_action_items(
        &self,
    ) -> impl Iterator<Item = (&Spanned<Str>, Option<crate::catalog::Action>)> {
        self.actions().iter().zip(self.item_actions.iter().copied())
    }

    /// The items of `Action` (not `NotAction`) that match `action`
    /// (`service:Name`). An item the catalog knows names one action and
    /// is compared as a name, its length first: rules ask this of every
    /// statement, and most items name one action, where matching each as
    /// a pattern was a tenth of those rules' time.
    pub fn items_matching<'s>(&'s self, action: &'s str) -> impl Iterator<Item = &'s Spanned<Str>> {
        self.allowed_action_items()
            .filter(move |(item, known)| match known {
                Some(a) => a.full_name().eq_ignore_ascii_case(action),
                None => crate::policy::pattern::matches_ignore_case(&item.value, action),
            })
            .map(|(item, _)| item)
    }

    /// The non-negated action items (empty for `NotAction`).
    pub fn actions(&self) -> &[Spanned<Str>] {
        match &self.action {
            Some(e) if !e.negated => &e.items,
            _ => &[],
        }
    }

    /// The non-negated resource items (empty for `NotResource` or no resource).
    pub fn resources(&self) -> &[Spanned<Str>] {
        match &self.resource {
            Some(e) if !e.negated => &e.items,
            _ => &[],
        }
    }

    /// The non-negated principal items (empty for `NotPrincipal`).
    pub fn principals(&self) -> &[Spanned<Principal>] {
        match &self.principal {
            Some(e) if !e.negated => &e.items,
            _ => &[],
        }
    }

    /// Whether the statement's `Resource` is, or includes, the bare `*`.
    pub fn has_any_resource(&self) -> bool {
        self.resources().iter().any(|r| r.value == "*")
    }

    /// A label for messages: `statement "Sid"` or `statement 2`.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.value.is_empty() => format!("statement `{}`", sid.value),
            _ => format!("statement {}", self.index + 1),
        }
    }
}

/// The statements a statement is compared with (a Deny of the same policy
/// that takes an Allow back): all of them, or none beyond
/// [`MAX_COMPARED_STATEMENTS`]. The comparisons are per statement, so a
/// policy of N statements costs N²; AWS's size quotas (20 KB for the
/// largest resource policies) keep real policies to a few hundred
/// statements, and a generated one of 100,000 would otherwise take hours.
pub fn compared(statements: &[Statement]) -> &[Statement] {
    if statements.len() > MAX_COMPARED_STATEMENTS {
        &[]
    } else {
        statements
    }
}

/// See [`compared`].
pub const MAX_COMPARED_STATEMENTS: usize = 1_000;

/// A policy document.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Where it is used.
    pub kind: PolicyKind,
    /// The whole document.
    pub span: Span,
    /// `Version`, if given.
    pub version: Option<Spanned<Str>>,
    /// `Id`, if given.
    pub id: Option<Spanned<Str>>,
    /// The statements that could be modelled (those with a valid `Effect`).
    pub statements: Vec<Statement>,
    /// Whether the document is an object at all (the other fields are empty if not).
    pub is_object: bool,
}

/// Something in a document that does not fit the policy grammar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub span: Span,
    /// What is wrong there (lowercase, no trailing period).
    pub message: String,
    /// How to fix it, if there is something to say.
    pub help: Option<String>,
}

impl Problem {
    fn new(span: Span, message: impl Into<String>) -> Self {
        Problem {
            span,
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The result of modelling one document.
#[derive(Clone, Debug, PartialEq)]
pub struct Built {
    /// The policy.
    pub policy: Policy,
    /// Grammar problems found on the way.
    pub problems: Vec<Problem>,
}

const TOP_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// Whether a tree looks like a policy document at all (an object with a
/// `Statement`, or with `Version` and nothing unknown). Used to classify
/// files and embedded values.
pub fn looks_like_policy(node: &Node) -> bool {
    let Some(members) = node.as_object() else {
        return false;
    };
    let has = |k: &str| members.iter().any(|m| m.key.value.eq_ignore_ascii_case(k));
    has("Statement") || (has("Version") && members.len() <= 3)
}

/// Model `node` as a policy of `kind`.
pub fn build(node: &Node, kind: PolicyKind) -> Built {
    let mut problems = Vec::new();
    let mut policy = Policy {
        kind,
        span: node.span,
        version: None,
        id: None,
        statements: Vec::new(),
        is_object: node.as_object().is_some(),
    };
    let Some(members) = node.as_object() else {
        problems.push(Problem::new(
            node.span,
            format!(
                "a policy document must be an object, found {}",
                node.type_name()
            ),
        ));
        return Built { policy, problems };
    };
    let mut statement_node = None;
    for m in members {
        let key = &*m.key.value;
        match key {
            "Version" => policy.version = string_or_problem(&m.value, "Version", &mut problems),
            "Id" => policy.id = string_or_problem(&m.value, "Id", &mut problems),
            "Statement" => statement_node = Some(&m.value),
            _ => problems.push(unknown_key(m.key.span, key, TOP_KEYS, "policy")),
        }
    }
    if let Some(v) = &policy.version
        && v.value != "2012-10-17"
        && v.value != "2008-10-17"
    {
        problems.push(
            Problem::new(
                v.span,
                format!("`{}` is not a policy language version", v.value),
            )
            .help("use \"Version\": \"2012-10-17\""),
        );
    }
    match statement_node {
        None => problems.push(Problem::new(node.span, "policy has no `Statement`")),
        Some(s) => match &s.value {
            Value::Object(_) => {
                policy.statements.reserve_exact(1);
                build_statement(s, 0, kind, &mut policy, &mut problems);
            }
            Value::Array(items) => {
                // Sized once: a push reserves four statements (a kilobyte)
                // for the usual one.
                policy.statements.reserve_exact(items.len());
                if items.is_empty() {
                    problems.push(Problem::new(s.span, "`Statement` is empty"));
                }
                for (i, item) in items.iter().enumerate() {
                    build_statement(item, i, kind, &mut policy, &mut problems);
                }
                // A lone statement has no Deny beside it.
                mark_denied_in_full(&mut policy.statements);
            }
            _ => problems.push(Problem::new(
                s.span,
                format!(
                    "`Statement` must be an object or an array of objects, found {}",
                    s.type_name()
                ),
            )),
        },
    }
    Built { policy, problems }
}

/// Sets [`Statement::denied_in_full`] on every statement.
fn mark_denied_in_full(statements: &mut [Statement]) {
    if crate::policy::scope::unconditional_denies(statements)
        .next()
        .is_none()
    {
        return;
    }
    // One statement's answer does not read the others' fields.
    for i in 0..statements.len() {
        let denied = crate::policy::scope::denied_in_full(&statements[i], statements);
        statements[i].denied_in_full = denied;
    }
}

fn unknown_key(span: Span, key: &str, known: &[&str], what: &str) -> Problem {
    match known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
        Some(k) => Problem::new(span, format!("`{key}` must be written `{k}`")).help(format!(
            "element names are case-sensitive; rename it to `{k}`"
        )),
        None => Problem::new(span, format!("`{key}` is not a {what} element"))
            .help(format!("use one of {}", known.join(", "))),
    }
}

fn string_or_problem(node: &Node, what: &str, problems: &mut Vec<Problem>) -> Option<Spanned<Str>> {
    match node.as_str() {
        Some(s) => Some(Spanned::new(s.into(), node.span)),
        None => {
            problems.push(Problem::new(
                node.span,
                format!("`{what}` must be a string, found {}", node.type_name()),
            ));
            None
        }
    }
}

/// A string or an array of strings, as `Action` and `Resource` take.
fn string_list(node: &Node, what: &str, problems: &mut Vec<Problem>) -> Vec<Spanned<Str>> {
    match &node.value {
        Value::String(s) => vec![Spanned::new(s.clone(), node.span)],
        Value::Array(items) => {
            if items.is_empty() {
                problems.push(Problem::new(node.span, format!("`{what}` is empty")));
            }
            // Sized for every item at once: collecting grew the list by
            // doubling, through fresh memory (a managed policy lists
            // hundreds of actions).
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                match item.as_str() {
                    Some(s) => list.push(Spanned::new(s.into(), item.span)),
                    None => problems.push(Problem::new(
                        item.span,
                        format!("`{what}` items must be strings, found {}", item.type_name()),
                    )),
                }
            }
            list
        }
        _ => {
            problems.push(Problem::new(
                node.span,
                format!(
                    "`{what}` must be a string or an array of strings, found {}",
                    node.type_name()
                ),
            ));
            Vec::new()
        }
    }
}

struct Parts<'a> {
    sid: Option<&'a Node>,
    effect: Option<&'a Node>,
    principal: Option<(bool, Span, &'a Node)>,
    action: Option<(bool, Span, &'a Node)>,
    resource: Option<(bool, Span, &'a Node)>,
    condition: Option<&'a Node>,
}

fn build_statement(
    node: &Node,
    index: usize,
    kind: PolicyKind,
    policy: &mut Policy,
    problems: &mut Vec<Problem>,
) {
    let Some(members) = node.as_object() else {
        problems.push(Problem::new(
            node.span,
            format!("a statement must be an object, found {}", node.type_name()),
        ));
        return;
    };
    let mut parts = Parts {
        sid: None,
        effect: None,
        principal: None,
        action: None,
        resource: None,
        condition: None,
    };
    for m in members {
        let key = &*m.key.value;
        let (slot, negated) = match key {
            "Sid" => {
                parts.sid = Some(&m.value);
                continue;
            }
            "Effect" => {
                parts.effect = Some(&m.value);
                continue;
            }
            "Condition" => {
                parts.condition = Some(&m.value);
                continue;
            }
            "Principal" => (&mut parts.principal, false),
            "NotPrincipal" => (&mut parts.principal, true),
            "Action" => (&mut parts.action, false),
            "NotAction" => (&mut parts.action, true),
            "Resource" => (&mut parts.resource, false),
            "NotResource" => (&mut parts.resource, true),
            _ => {
                problems.push(unknown_key(m.key.span, key, STATEMENT_KEYS, "statement"));
                continue;
            }
        };
        if let Some((prev_negated, _, _)) = slot {
            let base = key.trim_start_matches("Not");
            if *prev_negated != negated {
                problems.push(
                    Problem::new(
                        m.key.span,
                        format!("a statement cannot have both `{base}` and `Not{base}`"),
                    )
                    .help(format!("keep either `{base}` or `Not{base}`")),
                );
                continue;
            }
            // An exact duplicate key is the `duplicate-key` rule's to
            // report; like most JSON readers (and like `Effect`, `Sid` and
            // `Condition` above) the model keeps the last value.
        }
        *slot = Some((negated, m.key.span, &m.value));
    }

    let sid = parts
        .sid
        .and_then(|n| string_or_problem(n, "Sid", problems));
    let effect = match parts.effect {
        None => {
            problems.push(
                Problem::new(opening(node), "statement has no `Effect`")
                    .help("add \"Effect\": \"Allow\" or \"Effect\": \"Deny\""),
            );
            None
        }
        Some(e) => match e.as_str() {
            Some("Allow") => Some(Spanned::new(Effect::Allow, e.span)),
            Some("Deny") => Some(Spanned::new(Effect::Deny, e.span)),
            Some(other) => {
                let fix = if other.eq_ignore_ascii_case("allow") {
                    "Allow"
                } else if other.eq_ignore_ascii_case("deny") {
                    "Deny"
                } else {
                    "Allow` or `Deny"
                };
                problems.push(
                    Problem::new(e.span, format!("`{other}` is not an effect"))
                        .help(format!("write `{fix}` (the value is case-sensitive)")),
                );
                None
            }
            None => {
                problems.push(Problem::new(
                    e.span,
                    format!("`Effect` must be a string, found {}", e.type_name()),
                ));
                None
            }
        },
    };

    let principal = parts.principal.map(|(negated, key, value)| Element {
        negated,
        key,
        span: value.span,
        items: principal_items(value, problems),
    });
    match (&principal, kind.has_principals()) {
        (Some(p), false) => problems.push(
            Problem::new(
                p.key,
                format!("{} cannot have a `{}`", kind.with_article(), key_name(p.negated, "Principal")),
            )
            .help("the principal of an identity policy is whoever it is attached to; remove the element"),
        ),
        (None, true) => problems.push(Problem::new(
            opening(node),
            format!("a statement of {} needs a `Principal`", kind.with_article()),
        )),
        _ => {}
    }
    if kind == PolicyKind::ResourceControl
        && let Some(p) = &principal
        && (p.negated || p.items.iter().any(|i| !i.value.is_wildcard()))
    {
        problems.push(
            Problem::new(
                p.span,
                "a resource control policy must use `\"Principal\": \"*\"`",
            )
            .help("narrow who is affected with conditions instead"),
        );
    }

    let action = parts.action.map(|(negated, key, value)| {
        let what = key_name(negated, "Action");
        let items = string_list(value, what, problems);
        Element {
            negated,
            key,
            span: value.span,
            items,
        }
    });
    if action.is_none() {
        problems.push(Problem::new(
            opening(node),
            "statement has no `Action` or `NotAction`",
        ));
    }
    let item_actions: Box<[Option<crate::catalog::Action>]> = action
        .iter()
        .flat_map(|a| &a.items)
        .map(|i| crate::catalog::action(&i.value))
        .collect();
    // A name the catalog knows is an action by construction (a test checks
    // every one): only the others are read character by character.
    for (item, known) in action.iter().flat_map(|a| &a.items).zip(&item_actions) {
        if known.is_none() {
            check_action_syntax(item, problems);
        }
    }

    let resource = parts.resource.map(|(negated, key, value)| Element {
        negated,
        key,
        span: value.span,
        items: string_list(value, key_name(negated, "Resource"), problems),
    });
    match (&resource, kind) {
        (Some(r), PolicyKind::Trust) => problems.push(
            Problem::new(
                r.key,
                format!(
                    "a trust policy cannot have a `{}`",
                    key_name(r.negated, "Resource")
                ),
            )
            .help("the resource of a trust policy is the role itself; remove the element"),
        ),
        (None, k) if k != PolicyKind::Trust => problems.push(Problem::new(
            opening(node),
            "statement has no `Resource` or `NotResource`",
        )),
        _ => {}
    }
    if let Some(r) = &resource {
        for item in &r.items {
            check_resource_syntax(item, problems);
        }
    }

    let conditions = parts
        .condition
        .map(|c| condition_items(c, problems))
        .unwrap_or_default();

    if let Some(effect) = effect {
        policy.statements.push(Statement {
            index,
            span: node.span,
            sid,
            effect,
            principal,
            action,
            resource,
            never_holds: conditions.iter().any(crate::policy::condition::never_holds),
            conditions,
            denied_in_full: false,
            item_actions,
        });
    }
}

/// The first character of a statement: where a problem about the whole
/// statement points, so the snippet is one line and not the whole
/// statement. That character is `{`, `-` or a quote, except in a YAML
/// block mapping, which begins with its first key as written: a plain key
/// (its text as long as its span: no quotes, no escapes) may begin with a
/// character of several bytes, which the span must not cut.
fn opening(node: &Node) -> Span {
    let span = node.span;
    let width = node
        .as_object()
        .and_then(|members| members.first())
        .filter(|m| {
            m.key.span.start == span.start
                && m.key.span.end.saturating_sub(m.key.span.start) as usize == m.key.value.len()
        })
        .and_then(|m| m.key.value.chars().next())
        .map_or(1, char::len_utf8);
    Span {
        end: span.start.saturating_add(width as u32).min(span.end),
        ..span
    }
}

fn key_name(negated: bool, base: &'static str) -> &'static str {
    match (negated, base) {
        (true, "Action") => "NotAction",
        (true, "Resource") => "NotResource",
        (true, "Principal") => "NotPrincipal",
        (_, b) => b,
    }
}

fn check_action_syntax(item: &Spanned<Str>, problems: &mut Vec<Problem>) {
    let a = item.value.as_str();
    if a == "*" {
        return;
    }
    // A byte search: `split_once(':')`'s character searcher costs more than
    // the whole check on names this short, and every item passes here.
    let colon = a.bytes().position(|b| b == b':');
    let valid = match colon.map(|c| (&a[..c], &a[c + 1..])) {
        Some((service, name)) => {
            !service.is_empty()
                && !name.is_empty()
                && service
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*' || b == b'?')
                && name.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || b == b'*' || b == b'?' || b == b'-' || b == b'_'
                })
        }
        None => false,
    };
    if !valid {
        problems.push(
            Problem::new(item.span, format!("`{a}` is not an action"))
                .help("write actions as `service:ActionName`, e.g. `s3:GetObject`"),
        );
    }
}

fn check_resource_syntax(item: &Spanned<Str>, problems: &mut Vec<Problem>) {
    let r = item.value.as_str();
    if r == "*" || crate::policy::condition::has_variable(r) {
        return;
    }
    match arn::Arn::parse(r) {
        None => problems.push(
            Problem::new(item.span, format!("`{r}` is not an ARN"))
                .help("write a resource as `arn:partition:service:region:account:resource` or `*`"),
        ),
        Some(a) if !a.partition_could_be_known() => problems.push(Problem::new(
            item.span,
            format!("`{}` is not an AWS partition", a.partition),
        )),
        Some(_) => {}
    }
}

fn principal_items(node: &Node, problems: &mut Vec<Problem>) -> Vec<Spanned<Principal>> {
    match &node.value {
        Value::String(s) if &**s == "*" => vec![Spanned::new(Principal::any(), node.span)],
        Value::String(s) => {
            problems.push(
                Problem::new(node.span, format!("`{s}` is not a principal"))
                    .help("write `\"*\"` or an object such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}"),
            );
            Vec::new()
        }
        Value::Object(members) => {
            let mut out = Vec::new();
            for m in members {
                let ty = match &*m.key.value {
                    "AWS" => PrincipalType::Aws,
                    "Service" => PrincipalType::Service,
                    "Federated" => PrincipalType::Federated,
                    "CanonicalUser" => PrincipalType::CanonicalUser,
                    other => {
                        problems.push(unknown_key(
                            m.key.span,
                            other,
                            &["AWS", "Service", "Federated", "CanonicalUser"],
                            "principal",
                        ));
                        continue;
                    }
                };
                let what = format!("Principal.{}", m.key.value);
                let values: Vec<&Node> = match &m.value.value {
                    Value::Array(items) => items.iter().collect(),
                    _ => vec![&m.value],
                };
                for v in values {
                    match v.as_scalar_text() {
                        // A bare account id may be written as a number in YAML.
                        Some(text) if matches!(v.value, Value::String(_) | Value::Number(_)) => {
                            out.push(Spanned::new(Principal::new(ty, &text), v.span))
                        }
                        _ => problems.push(Problem::new(
                            v.span,
                            format!(
                                "`{what}` must be a string or an array of strings, found {}",
                                v.type_name()
                            ),
                        )),
                    }
                }
            }
            out
        }
        _ => {
            problems.push(Problem::new(
                node.span,
                format!(
                    "`Principal` must be `\"*\"` or an object, found {}",
                    node.type_name()
                ),
            ));
            Vec::new()
        }
    }
}

fn condition_items(node: &Node, problems: &mut Vec<Problem>) -> Vec<Condition> {
    let Some(ops) = node.as_object() else {
        problems.push(Problem::new(
            node.span,
            format!("`Condition` must be an object, found {}", node.type_name()),
        ));
        return Vec::new();
    };
    let mut out = Vec::with_capacity(
        ops.iter()
            .map(|op| op.value.as_object().map_or(0, <[_]>::len))
            .sum(),
    );
    for op in ops {
        let operator = match Operator::parse(&op.key.value) {
            Ok(o) => {
                if let Some(spelled) = &o.spelled {
                    problems.push(
                        Problem::new(
                            op.key.span,
                            format!(
                                "`{}` is not a condition operator: operator names are case-sensitive",
                                op.key.value
                            ),
                        )
                        .help(format!("write `{spelled}`")),
                    );
                }
                Spanned::new(o, op.key.span)
            }
            Err(help) => {
                problems.push(
                    Problem::new(
                        op.key.span,
                        format!("`{}` is not a condition operator", op.key.value),
                    )
                    .help(help),
                );
                continue;
            }
        };
        let Some(keys) = op.value.as_object() else {
            problems.push(Problem::new(
                op.value.span,
                format!(
                    "a condition operator takes an object of keys, found {}",
                    op.value.type_name()
                ),
            ));
            continue;
        };
        for k in keys {
            let values: &[Node] = match &k.value.value {
                Value::Array(items) => items,
                _ => std::slice::from_ref(&k.value),
            };
            let mut spanned = Vec::with_capacity(values.len());
            for v in values {
                match v.as_scalar_text() {
                    Some(t) => spanned.push(Spanned::new(Str::from(t), v.span)),
                    None => problems.push(Problem::new(
                        v.span,
                        format!(
                            "condition values must be strings, numbers or booleans, found {}",
                            v.type_name()
                        ),
                    )),
                }
            }
            out.push(Condition {
                operator: operator.clone(),
                key: Spanned::new(Str::from(&*k.key.value), k.key.span),
                values: spanned,
                values_span: k.value.span,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::json;
    use crate::source::SourceId;

    fn problems(kind: PolicyKind, text: &str) -> Vec<String> {
        let node = json::parse(text, SourceId(0)).expect("valid JSON");
        build(&node, kind)
            .problems
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn statement_may_be_an_object_or_an_array() {
        let one = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#;
        let node = json::parse(one, SourceId(0)).expect("json");
        let built = build(&node, PolicyKind::Identity);
        assert!(built.problems.is_empty());
        assert_eq!(built.policy.statements.len(), 1);
    }

    fn statements(kind: PolicyKind, statements: &str) -> Vec<Statement> {
        let text = format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#);
        let node = json::parse(&text, SourceId(0)).expect("valid JSON");
        build(&node, kind).policy.statements
    }

    /// `never_holds` is whether one of the statement's conditions never
    /// holds, as `condition::never_holds` says of each.
    #[test]
    fn never_holds_is_set_from_the_conditions_when_built() {
        let s = statements(
            PolicyKind::Identity,
            r#"[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"}}},
                {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/x"},"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"}}},
                {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"}}},
                {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalArn":["arn:aws:iam::*:role/x","arn:aws:iam::111122223333:role/y"]}}},
                {"Effect":"Allow","Action":"s3:*","Resource":"*"}]"#,
        );
        let flags: Vec<bool> = s.iter().map(|st| st.never_holds).collect();
        assert_eq!(flags, [true, false, false, false, false]);
        for st in &s {
            assert_eq!(
                st.never_holds,
                st.conditions
                    .iter()
                    .any(crate::policy::condition::never_holds)
            );
        }
    }

    /// `items_matching` answers as matching every `Action` item as a
    /// pattern does: a name the catalog knows in any case, a wildcard, a
    /// name it does not know; and nothing of a `NotAction`.
    #[test]
    fn items_matching_is_pattern_matching_of_each_action_item() {
        let s = statements(
            PolicyKind::Identity,
            r#"[{"Effect":"Allow","Action":["IAM:passrole","iam:Pass*","iam:GetRole","iam:PassRoles","*","sts:AssumeRole","STS:ASSUMEROLE"],"Resource":"*"},
                {"Effect":"Allow","NotAction":["iam:PassRole"],"Resource":"*"},
                {"Effect":"Allow","Action":"iam:?assRole","Resource":"*"},
                {"Effect":"Allow","Resource":"*"}]"#,
        );
        for st in &s {
            for action in ["iam:PassRole", "sts:AssumeRole", "s3:GetObject"] {
                let got: Vec<&str> = st
                    .items_matching(action)
                    .map(|i| i.value.as_str())
                    .collect();
                let want: Vec<&str> = st
                    .actions()
                    .iter()
                    .filter(|i| crate::policy::pattern::matches_ignore_case(&i.value, action))
                    .map(|i| i.value.as_str())
                    .collect();
                assert_eq!(got, want, "{action}");
            }
        }
        let names = |i: usize, action| -> Vec<String> {
            s[i].items_matching(action)
                .map(|i| i.value.to_string())
                .collect()
        };
        assert_eq!(names(0, "iam:PassRole"), ["IAM:passrole", "iam:Pass*", "*"]);
        assert_eq!(
            names(0, "sts:AssumeRole"),
            ["*", "sts:AssumeRole", "STS:ASSUMEROLE"]
        );
        assert!(names(1, "iam:PassRole").is_empty());
        assert_eq!(names(2, "iam:PassRole"), ["iam:?assRole"]);
        assert!(names(3, "iam:PassRole").is_empty());
    }

    /// Every catalog action's name, in any case, passes the syntax check
    /// that `build_statement` skips for the names the catalog knows.
    #[test]
    fn every_catalog_action_is_an_action_by_syntax() {
        let mut problems = Vec::new();
        for a in crate::catalog::actions() {
            for name in [
                a.full_name().to_string(),
                a.full_name().to_ascii_uppercase(),
            ] {
                check_action_syntax(
                    &Spanned::new(name.as_str().into(), Span::default()),
                    &mut problems,
                );
            }
        }
        assert!(
            problems.is_empty(),
            "{:?}",
            problems.first().map(|p| &p.message)
        );
    }

    /// Each item of `Action` or `NotAction` carries the catalog's answer
    /// for its name, in item order, whatever the case; wildcards and
    /// unknown names carry none.
    #[test]
    fn action_items_carry_what_the_catalog_says_of_each_name() {
        let s = statements(
            PolicyKind::Identity,
            r#"[{"Effect":"Allow","Action":["s3:getobject","S3:PutObject","s3:Get*","nope:Nothing","*",""],"Resource":"*"},
                {"Effect":"Deny","NotAction":["iam:PassRole","iam:*"],"Resource":"*"},
                {"Effect":"Allow","Resource":"*"}]"#,
        );
        for st in &s {
            let items: Vec<_> = st.action_items().collect();
            let expected = st.action.as_ref().map_or(0, |e| e.items.len());
            assert_eq!(items.len(), expected);
            for (item, known) in items {
                assert_eq!(known, crate::catalog::action(&item.value), "{}", item.value);
            }
        }
        let names = |i: usize| -> Vec<Option<&str>> {
            s[i].action_items()
                .map(|(_, a)| a.map(|a| a.full_name()))
                .collect()
        };
        assert_eq!(
            names(0),
            [
                Some("s3:GetObject"),
                Some("s3:PutObject"),
                None,
                None,
                None,
                None
            ]
        );
        assert_eq!(names(1), [Some("iam:PassRole"), None]);
        assert!(names(2).is_empty());
        // The allowed ones: those of `Action`, none of `NotAction`.
        assert!(s[0].allowed_action_items().eq(s[0].action_items()));
        assert_eq!(s[1].allowed_action_items().count(), 0);
    }

    /// An Allow is taken back whole only by an unconditional Deny, of every
    /// principal, that covers all its actions and resources.
    #[test]
    fn denied_in_full_is_an_unconditional_deny_covering_the_whole_allow() {
        let denied = |deny: &str| -> Vec<bool> {
            statements(
                PolicyKind::Identity,
                &format!(
                    r#"[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}},
                        {{"Effect":"Allow","Action":["s3:GetObject","iam:PassRole"],"Resource":"*"}},
                        {deny}]"#
                ),
            )
            .iter()
            .map(|s| s.denied_in_full)
            .collect()
        };
        assert_eq!(
            denied(r#"{"Effect":"Deny","Action":"*","Resource":"*"}"#),
            [true, true, false]
        );
        assert_eq!(
            denied(r#"{"Effect":"Deny","Action":"s3:*","Resource":"*"}"#),
            [true, false, false],
            "covers the actions of the first Allow only"
        );
        assert_eq!(
            denied(r#"{"Effect":"Deny","Action":"*","Resource":"arn:aws:s3:::b/*"}"#),
            [true, false, false],
            "covers the resources of the first Allow only"
        );
        assert_eq!(
            denied(
                r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#
            ),
            [false, false, false],
            "a condition may not hold"
        );
        assert_eq!(
            denied(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#),
            [false, false, false],
            "no Deny"
        );
        let lone = statements(
            PolicyKind::Identity,
            r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
        );
        assert!(!lone[0].denied_in_full);
    }

    #[test]
    fn principal_is_not_allowed_in_identity_policies() {
        let p = problems(
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#,
        );
        assert_eq!(p, ["an identity policy cannot have a `Principal`"]);
    }

    #[test]
    fn trust_policies_need_a_principal_and_take_no_resource() {
        let p = problems(
            PolicyKind::Trust,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#,
        );
        assert!(p.iter().any(|m| m.contains("needs a `Principal`")), "{p:?}");
        assert!(
            p.iter().any(|m| m.contains("cannot have a `Resource`")),
            "{p:?}"
        );
    }

    #[test]
    fn action_and_not_action_together_are_an_error() {
        let p = problems(
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}]}"#,
        );
        assert_eq!(p, ["a statement cannot have both `Action` and `NotAction`"]);
    }

    #[test]
    fn element_names_and_effect_values_are_case_sensitive() {
        let p = problems(
            PolicyKind::Identity,
            r#"{"version":"2012-10-17","Statement":[{"Effect":"allow","action":"s3:GetObject","Resource":"*"}]}"#,
        );
        assert!(
            p.contains(&"`version` must be written `Version`".to_string()),
            "{p:?}"
        );
        assert!(
            p.contains(&"`action` must be written `Action`".to_string()),
            "{p:?}"
        );
        assert!(p.contains(&"`allow` is not an effect".to_string()), "{p:?}");
    }

    #[test]
    fn wrong_types_are_reported_not_dropped_silently() {
        let p = problems(
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject",7],"Resource":{"a":1}}]}"#,
        );
        assert!(
            p.contains(&"`Action` items must be strings, found a number".to_string()),
            "{p:?}"
        );
        assert!(
            p.contains(
                &"`Resource` must be a string or an array of strings, found an object".to_string()
            ),
            "{p:?}"
        );
    }

    #[test]
    fn rcp_principal_must_be_star_and_scp_takes_none() {
        let rcp = problems(
            PolicyKind::ResourceControl,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:*","Resource":"*"}]}"#,
        );
        assert_eq!(
            rcp,
            ["a resource control policy must use `\"Principal\": \"*\"`"]
        );
        let scp = problems(
            PolicyKind::ServiceControl,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
        );
        assert_eq!(scp, ["a service control policy cannot have a `Principal`"]);
    }

    #[test]
    fn actions_and_resources_are_checked_for_shape() {
        let p = problems(
            PolicyKind::Identity,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3GetObject","s3:Get Object"],"Resource":["bucket","arn:aws:s3:::b/*","arn:amz:s3:::c"]}]}"#,
        );
        assert_eq!(
            p,
            [
                "`s3GetObject` is not an action",
                "`s3:Get Object` is not an action",
                "`bucket` is not an ARN",
                "`amz` is not an AWS partition"
            ]
        );
    }

    #[test]
    fn a_bad_statement_does_not_hide_the_good_ones() {
        let node = json::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            SourceId(0),
        )
        .expect("json");
        let built = build(&node, PolicyKind::Identity);
        assert_eq!(built.problems.len(), 1);
        assert_eq!(built.policy.statements.len(), 1);
        assert_eq!(built.policy.statements[0].index, 1);
    }

    #[test]
    fn yaml_account_ids_as_numbers_are_principals() {
        use crate::load::tree::{Member, Node, Value};
        use crate::source::{Span, Spanned};
        let s = Span::default();
        let obj = |m: Vec<(&str, Node)>| {
            Node::new(
                Value::Object(
                    m.into_iter()
                        .map(|(k, v)| Member {
                            key: Spanned::new(crate::load::tree::key(k), s),
                            value: v,
                        })
                        .collect(),
                ),
                s,
            )
        };
        let string = |t: &str| Node::new(Value::String(t.into()), s);
        let stmt = obj(vec![
            ("Effect", string("Allow")),
            (
                "Principal",
                obj(vec![(
                    "AWS",
                    Node::new(Value::Number("012345678901".into()), s),
                )]),
            ),
            ("Action", string("sts:AssumeRole")),
        ]);
        let doc = obj(vec![("Version", string("2012-10-17")), ("Statement", stmt)]);
        let built = build(&doc, PolicyKind::Trust);
        assert!(built.problems.is_empty(), "{:?}", built.problems);
        assert_eq!(
            built.policy.statements[0].principals()[0].value.account(),
            Some("012345678901")
        );
    }
}
