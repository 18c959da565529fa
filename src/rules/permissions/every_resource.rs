//! What `credentials-exposure` and `data-read-any-resource` share: which
//! actions of a fixed list an identity policy's statement allows on every
//! resource they act on.

use crate::catalog::{self, Action};
use crate::load::PolicyDoc;
use crate::policy::{PolicyKind, Statement, pattern};
use crate::rules::expansion::plural;
use crate::rules::permissions::{grants, is_every_action, scopes_resources};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

/// A list of actions, as the catalog spells them, each with what it hands
/// out, resolved in the catalog once per process and grouped by service.
pub(crate) struct Listed {
    names: &'static [(&'static str, &'static str)],
    resolved: std::sync::OnceLock<Resolved>,
}

/// A [`Listed`] resolved in the catalog.
struct Resolved {
    /// By service, in list order within each.
    by_service: Vec<Service>,
    /// Every listed action, sorted by action (stably: a name listed twice
    /// keeps its first description first).
    by_action: Vec<(Action, &'static str)>,
    /// The listed actions again, as a set: most action items name one
    /// action the list does not hold, told so by one bit instead of a
    /// search of `by_action`.
    listed: catalog::ActionSet,
}

/// The listed actions of one service.
type Service = (&'static str, Vec<(Action, &'static str)>);

impl Listed {
    pub(crate) const fn new(names: &'static [(&'static str, &'static str)]) -> Self {
        Listed {
            names,
            resolved: std::sync::OnceLock::new(),
        }
    }

    /// The listed actions found in the catalog, with their descriptions,
    /// grouped by service: an action item is compared with a dozen
    /// service names, not with every listed action (every statement of an
    /// export passes here).
    fn services(&self) -> &[Service] {
        &self.resolved().by_service
    }

    fn resolved(&self) -> &Resolved {
        self.resolved.get_or_init(|| {
            let mut by_service: Vec<Service> = Vec::new();
            let mut by_action = Vec::new();
            for &(name, what) in self.names {
                let Some(a) = catalog::action(name) else {
                    continue;
                };
                by_action.push((a, what));
                match by_service.iter_mut().find(|(s, _)| *s == a.service()) {
                    Some((_, list)) => list.push((a, what)),
                    None => by_service.push((a.service(), vec![(a, what)])),
                }
            }
            by_action.sort_by_key(|(a, _)| *a);
            let listed = by_action.iter().map(|(a, _)| *a).collect();
            Resolved {
                by_service,
                by_action,
                listed,
            }
        })
    }

    /// The first listing of `action`, if it is listed: what an item that
    /// names it exactly may allow, found without comparing any text.
    fn listing(&self, action: Action) -> Option<&(Action, &'static str)> {
        let resolved = self.resolved();
        if !resolved.listed.contains(action) {
            return None;
        }
        let all = &resolved.by_action;
        all.get(all.partition_point(|(a, _)| *a < action))
            .filter(|(a, _)| *a == action)
    }

    /// The listed actions of the services an action item of `service` (its
    /// part before `:`, `*` without one) may name.
    fn of_service<'l>(
        &'l self,
        service: &'l str,
    ) -> impl Iterator<Item = &'l (Action, &'static str)> {
        let any_service = catalog::is_wildcard(service);
        self.services()
            .iter()
            .filter(move |(s, _)| any_service || s.eq_ignore_ascii_case(service))
            .flat_map(|(_, list)| list)
    }
}

/// What a statement allows of a [`Listed`] on every resource.
struct Found {
    /// The listed actions, each once, with their descriptions.
    actions: Vec<(Action, &'static str)>,
    /// The first action item that allows one.
    item: Span,
    /// The resource that is every resource for it.
    resource: Span,
}

/// The actions of `listed` that `statement` allows on every resource they
/// act on. Identity policies only: SCPs, RCPs and boundaries set a
/// ceiling, and a resource policy grants on its own resource. `*` is
/// `admin-access`'s, `NotAction` and `NotResource` are their own rules',
/// and a condition that scopes the resources by tag or account is the
/// intended pattern.
fn allowed_on_every_resource(
    statement: &Statement,
    policy: &PolicyDoc,
    listed: &Listed,
) -> Option<Found> {
    if !grants(statement, policy)
        || policy.policy.kind != PolicyKind::Identity
        || statement.conditions.iter().any(scopes_resources)
    {
        return None;
    }
    let mut actions: Vec<(Action, &'static str)> = Vec::new();
    let mut first: Option<(Span, Span)> = None;
    let mut allowed = |item: Span, &(action, what): &(Action, &'static str)| {
        if actions.iter().any(|(a, _)| *a == action) {
            return;
        }
        if let Some(resource) = every_resource(statement, action) {
            actions.push((action, what));
            first.get_or_insert((item, resource));
        }
    };
    // Two plain branches, not a chain of optional iterators per item: every
    // item of every statement passes here twice (two rules), and the
    // chain's machinery was half of what they cost.
    for (item, known) in statement.allowed_action_items() {
        match known {
            // An item naming one action matches that action alone (and is
            // not `*`, nor is its text read again).
            Some(k) => {
                if let Some(listing) = listed.listing(k) {
                    allowed(item.span, listing);
                }
            }
            // A wildcard is matched against the listed actions of the
            // services it names.
            None if is_every_action(&item.value) => {}
            None => {
                let service = item.value.split_once(':').map_or("*", |(s, _)| s);
                for listing in listed.of_service(service) {
                    if listing.0.matches(&item.value) {
                        allowed(item.span, listing);
                    }
                }
            }
        }
    }
    let (item, resource) = first?;
    Some(Found {
        actions,
        item,
        resource,
    })
}

/// The resource of `statement` that is every resource `action` acts on:
/// `*`, or a pattern that matches every resource of one of its types in
/// every account (`arn:aws:redshift:*:*:dbuser:*/*`).
fn every_resource(statement: &Statement, action: Action) -> Option<Span> {
    statement
        .resources()
        .iter()
        .find(|r| {
            let value = crate::policy::arn::with_any_account(&r.value);
            pattern::matches(&value, "*")
                || action
                    .resource_types()
                    .any(|t| pattern::matches(&value, t.any_arn()))
        })
        .map(|r| r.span)
}

/// A rule that reports the actions of a [`Listed`] an identity policy
/// allows on every resource: each such rule is its metadata, its list and
/// its wording ([`check`] does the rest).
pub(crate) struct ListedRule {
    pub(crate) meta: &'static RuleMeta,
    pub(crate) listed: Listed,
    pub(crate) wording: Wording,
}

impl Rule for ListedRule {
    fn meta(&self) -> &'static RuleMeta {
        self.meta
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        check(statement, policy, &self.listed, &self.wording, cx);
    }
}

/// How a rule words its finding.
pub(crate) struct Wording {
    /// After "`action` on every resource": `returns`, `reads`.
    pub(crate) one: &'static str,
    /// After "N actions on every resource", before the list: `read stored
    /// data`.
    pub(crate) many: &'static str,
    /// The help's start, before ", or remove …": `name the resources …`.
    pub(crate) help: &'static str,
    /// Under the action item: `reads data`.
    pub(crate) label: &'static str,
}

/// Report what `statement` allows of `listed` on every resource, if
/// anything: one finding at the first action item that allows one, with
/// the resource that is every resource as its related location. A
/// resource a template leaves open (a parameter without a value) was read
/// as `*`: the message says what was assumed, as it would were the
/// finding on the resource itself.
fn check(
    statement: &Statement,
    policy: &PolicyDoc,
    listed: &Listed,
    wording: &Wording,
    cx: &mut Context<'_>,
) {
    let Some(Found {
        actions,
        item,
        resource,
    }) = allowed_on_every_resource(statement, policy, listed)
    else {
        return;
    };
    let (message, help) = match actions.as_slice() {
        [(action, what)] => (
            format!("`{action}` on every resource {} {what}", wording.one),
            format!("{}, or remove `{action}`", wording.help),
        ),
        many => (
            format!(
                "{} on every resource {}: {}",
                plural(many.len(), "action", "actions"),
                wording.many,
                many.iter()
                    .map(|(a, what)| format!("{a} ({what})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!("{}, or remove these actions", wording.help),
        ),
    };
    let message = match cx.assumption_at(resource) {
        Some(a) if !message.contains(&a.text) => format!("{message}, assuming {}", a.text),
        _ => message,
    };
    cx.report(item, message)
        .label(wording.label)
        .related(resource, "every resource")
        .help(help);
}

/// Every name of `listed` is an action of the catalog, spelled as the
/// catalog spells it.
#[cfg(test)]
pub(crate) fn assert_in_catalog(listed: &Listed) {
    for (name, _) in listed.names {
        let a = catalog::action(name).unwrap_or_else(|| panic!("{name} not in catalog"));
        assert_eq!(a.full_name(), *name, "canonical spelling");
        assert_eq!(
            listed.listing(a).map(|(l, _)| *l),
            Some(a),
            "{name} found by action"
        );
    }
    let resolved: usize = listed.services().iter().map(|(_, l)| l.len()).sum();
    assert_eq!(resolved, listed.names.len());
}
