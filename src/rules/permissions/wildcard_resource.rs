//! `wildcard-resource`: an identity policy allows, on `Resource: "*"`,
//! write actions that could have been scoped to specific resources.
//!
//! Many actions cannot be scoped at all (`ecr:GetAuthorizationToken`,
//! `sts:GetCallerIdentity`, `s3:ListAllMyBuckets`) and legitimately need
//! `*`; flagging them is the false positive peers are most criticised for.
//! So only actions that have resource types *and* change something
//! (Write, Permissions management, Tagging) count.
//!
//! An ARN pattern that matches every resource of a type in every account
//! and partition (`arn:*:cloudtrail:*:*:trail/*`) is as broad as `*` for
//! the actions on that type, and is reported the same way.

use crate::catalog::Action;
use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::pattern;
use crate::policy::{PolicyKind, Statement};
use crate::rules::expansion::{CHANGES, expand, list_of, plural, riskiest};
use crate::rules::permissions::{grants, scopes_resources};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct WildcardResource;

static META: RuleMeta = RuleMeta {
    name: "wildcard-resource",
    category: Category::Permissions,
    default_severity: Severity::Warning,
    summary: "write actions that could be scoped are allowed on every resource",
    docs: include_str!("../../../rules/wildcard-resource.md"),
};

/// The every-resource ARNs (`ResourceType::any_arn`) of the resource types
/// of the actions `action_pattern` expands to, without repeats: once per
/// pattern per process, as `s3:Get*` recurs in policy after policy.
fn any_arns_of(action_pattern: &str) -> std::sync::Arc<Vec<&'static str>> {
    static ANY: crate::memo::Memo<String, std::sync::Arc<Vec<&'static str>>> =
        crate::memo::Memo::new(16_384);
    ANY.get_or(action_pattern, || {
        let mut arns: Vec<&'static str> = expand(action_pattern)
            .into_iter()
            .flat_map(|a| a.resource_types().map(|t| t.any_arn()))
            .collect();
        arns.sort_unstable();
        arns.dedup();
        std::sync::Arc::new(arns)
    })
}

/// Whether `*` in `Resource` is a finding for `action`: it has resource
/// types to scope to, it changes something, and it has no rule of its own
/// (`iam:PassRole` and `sts:AssumeRole` on `*` are `pass-role-any-resource`'s
/// and `assume-role-any-resource`'s).
fn could_be_scoped(action: &Action) -> bool {
    !action.accepts_only_star()
        && action.access().intersects(CHANGES)
        && !matches!(action.full_name(), "iam:PassRole" | "sts:AssumeRole")
}

/// The actions of `action_pattern` that [`could_be_scoped`]: once per
/// pattern per process, as `s3:*` on `*` recurs in policy after policy
/// (expanding it per statement was a twentieth of a run over an export).
fn scopable_on_star(action_pattern: &str) -> std::sync::Arc<Vec<Action>> {
    static HITS: crate::memo::Memo<String, std::sync::Arc<Vec<Action>>> =
        crate::memo::Memo::new(16_384);
    HITS.get_or(action_pattern, || {
        std::sync::Arc::new(
            expand(action_pattern)
                .into_iter()
                .filter(could_be_scoped)
                .collect(),
        )
    })
}

/// The actions an action item could let act on `*` ([`could_be_scoped`]):
/// the one it names, or a wildcard's ([`scopable_on_star`]); none for a
/// name the catalog lacks.
enum Scopable {
    One(Action),
    Many(std::sync::Arc<Vec<Action>>),
    Nothing,
}

impl Scopable {
    fn of(item: &str, known: Option<Action>) -> Self {
        match known {
            Some(a) if could_be_scoped(&a) => Scopable::One(a),
            Some(_) => Scopable::Nothing,
            None if crate::catalog::is_wildcard(item) => Scopable::Many(scopable_on_star(item)),
            None => Scopable::Nothing,
        }
    }

    fn actions(&self) -> &[Action] {
        match self {
            Scopable::One(a) => std::slice::from_ref(a),
            Scopable::Many(list) => list,
            Scopable::Nothing => &[],
        }
    }
}

/// Which every-resource ARNs one resource pattern covers, remembered for
/// the statement ([`crate::memo::Told`]): thirty EC2 actions share a
/// handful of types, and matching an ARN pattern against each again was
/// half of this rule's instructions on the folder of AWS managed policies.
struct Covers<'p> {
    pattern: &'p str,
    /// The pattern's last run of characters without a wildcard: a text
    /// the pattern matches holds it as written. Looked for before
    /// matching: `:volume/` is not in `arn:aws:ec2:*:*:subnet/*`, which
    /// the matcher took thirty steps to find out (each EC2 type against
    /// each resource of a statement was a fifteenth of a run over the AWS
    /// managed policies).
    tail: &'p str,
    told: crate::memo::Told<bool>,
}

impl<'p> Covers<'p> {
    fn new(pattern: &'p str) -> Self {
        Covers {
            pattern,
            tail: pattern
                .rsplit(['*', '?'])
                .find(|run| !run.is_empty())
                .unwrap_or(""),
            told: crate::memo::Told::default(),
        }
    }

    fn arn(&mut self, any_arn: &'static str) -> bool {
        let (pattern, tail) = (self.pattern, self.tail);
        self.told.get_or(any_arn, || {
            any_arn.contains(tail) && pattern::matches(pattern, any_arn)
        })
    }

    /// The first of `action`'s types that the pattern covers whole.
    fn type_of(&mut self, action: Action) -> Option<&'static str> {
        action
            .resource_types()
            .find(|t| self.arn(t.any_arn()))
            .map(|t| t.name())
    }
}

impl Rule for WildcardResource {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        // Only identity policies: in a resource policy `*` means the
        // resource the policy is attached to (a key policy always says
        // `*`), and SCPs, RCPs and boundaries only set a ceiling.
        if !grants(statement, policy) || policy.policy.kind != PolicyKind::Identity {
            return;
        }
        // `NotAction` is `not-action-allow`'s, `*` on `*` is `admin-access`'s.
        let actions = statement.actions();
        if actions.is_empty() || actions.iter().any(|a| super::is_every_action(&a.value)) {
            return;
        }
        // Most statements allow nothing that could be scoped (reads and
        // lists): told here, before looking for a resource as broad as
        // `*`, which would then find nothing to report.
        // Each item classified once, for this test and for the list below
        // (a wildcard's class is a memo lookup).
        let items: Vec<_> = statement
            .allowed_action_items()
            .map(|(item, known)| (item, Scopable::of(&item.value, known)))
            .filter(|(_, s)| !s.actions().is_empty())
            .collect();
        if items.is_empty() {
            return;
        }
        let resources = statement.resources();
        let star = resources.iter().find(|r| r.value == "*");
        // Without a `*`, the first ARN pattern as broad as `*` for some type
        // (each wildcard's types looked up once, not once per resource; an
        // action named exactly has its few types at hand). What the one
        // found covers is kept for the actions it lets act everywhere.
        let mut found = None;
        let Some(star) = star.or_else(|| {
            let wildcards = resources
                .iter()
                .any(|r| r.value.starts_with("arn:"))
                .then(|| {
                    statement
                        .action_items()
                        .filter(|(_, known)| known.is_none())
                        .map(|(a, _)| any_arns_of(&a.value))
                        .collect::<Vec<_>>()
                })?;
            // The named actions' types, each once: a hundred EC2 actions
            // name a dozen types.
            // Sized once: collected from a `flat_map`, the list grew by
            // doubling, a twentieth of this rule's instructions.
            let known = || statement.action_items().filter_map(|(_, known)| known);
            let mut named: Vec<&'static str> =
                Vec::with_capacity(known().map(|a| a.resource_types().len()).sum());
            named.extend(known().flat_map(|a| a.resource_types().map(|t| t.any_arn())));
            named.sort_unstable_by_key(|arn| arn.as_ptr());
            named.dedup_by_key(|arn| arn.as_ptr());
            resources.iter().find(|r| {
                if !r.value.starts_with("arn:") {
                    return false;
                }
                let mut covers = Covers::new(&r.value);
                let broad = named.iter().any(|arn| covers.arn(arn))
                    || wildcards
                        .iter()
                        .any(|of| of.iter().any(|arn| covers.arn(arn)));
                if broad {
                    found = Some(covers);
                }
                broad
            })
        }) else {
            return;
        };
        let is_star = star.value == "*";
        if statement.conditions.iter().any(scopes_resources) {
            return;
        }
        let mut scopable = Vec::new();
        let mut contributing = Vec::new();
        // On an ARN pattern, only the actions with a type it covers whole.
        let mut covers = found.unwrap_or_else(|| Covers::new(&star.value));
        let mut covered = |a: &Action| is_star || covers.type_of(*a).is_some();
        for (item, class) in &items {
            let before = scopable.len();
            scopable.extend(class.actions().iter().copied().filter(|a| covered(a)));
            if scopable.len() > before {
                contributing.push(item);
            }
        }
        scopable.sort();
        scopable.dedup();
        if scopable.is_empty() {
            return;
        }
        // The message names the riskiest four.
        let first = riskiest(&scopable, 4);
        let n = scopable.len();
        let what = plural(
            n,
            "write action that could be scoped",
            "write actions that could be scoped",
        );
        let (message, label) = if is_star {
            (
                format!(
                    "`*` lets {what} act on every resource: {}",
                    list_of(&first, n)
                ),
                "every resource".to_string(),
            )
        } else {
            // Every action kept has a type the pattern covers (`covered`):
            // the riskiest one's is named.
            let ty = first
                .iter()
                .find_map(|a| covers.type_of(*a))
                .unwrap_or("resource");
            (
                format!(
                    "`{}` is as broad as `*`: it lets {what} act on every {ty} in every account: {}",
                    star.value,
                    list_of(&first, n)
                ),
                format!("every {ty} in every account"),
            )
        };
        let finding = cx.report(star.span, message).label(label);
        for item in contributing.iter().take(8) {
            finding.related(item.span, "can be scoped to resources");
        }
        finding.help(if is_star {
            "list the ARNs these actions need, or move actions that only accept `*` into their own statement"
        } else {
            "name the accounts and resources these actions need"
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_answers_as_the_matcher_does_and_remembers_a_bounded_number() {
        let instance = crate::catalog::action("ec2:TerminateInstances").expect("in catalog");
        let mut covers = Covers::new("arn:aws:ec2:*:*:instance/*");
        assert_eq!(covers.type_of(instance), Some("instance"));
        let remembered = covers.told.len();
        assert!(remembered >= 1);
        // Asked again: the same answer, nothing matched or kept anew.
        assert_eq!(covers.type_of(instance), Some("instance"));
        assert_eq!(covers.told.len(), remembered);
        let mut one_account = Covers::new("arn:aws:ec2:*:111122223333:instance/*");
        assert_eq!(one_account.type_of(instance), None);
        // Every type of every action: past the bound, answers are still
        // the matcher's, and no more are kept.
        let mut all = Covers::new("arn:aws:*");
        for action in crate::catalog::actions().take(2_000) {
            for t in action.resource_types() {
                assert_eq!(
                    all.arn(t.any_arn()),
                    pattern::matches("arn:aws:*", t.any_arn())
                );
            }
        }
        assert_eq!(all.told.len(), crate::memo::Told::<bool>::MAX);
    }

    /// The look for the pattern's last literal run before matching only
    /// ever says no where the matcher says no: every resource type of the
    /// catalog against patterns ending in a literal, a wildcard or both.
    #[test]
    fn covers_looks_for_the_last_literal_run_only_where_the_matcher_fails() {
        let patterns = [
            "arn:aws:ec2:*:*:volume/*",
            "arn:aws:ec2:*:*:*",
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:*::snapshot/*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::*:role/my-role",
            "arn:aws:s3:::*",
            "arn:aws:s3:::*/*",
            "arn:aws:s3:::bucket/*",
            "arn:*:ec2:*:*:vpc-endpoint/*",
            "arn:aws:*:*:*:*",
            "arn:aws:ec2:?*:*:volume/?",
            "arn:aws:ssm:*:*:document/*",
            "arn:aws:logs:*:*:log-group:*",
            "arn:aws:",
            "*",
            "",
        ];
        let mut matched = 0;
        for p in patterns {
            let mut covers = Covers::new(p);
            for action in crate::catalog::actions() {
                for t in action.resource_types() {
                    let want = pattern::matches(p, t.any_arn());
                    matched += usize::from(want);
                    // A fresh memo per answer: the look is what is tested.
                    covers.told = crate::memo::Told::default();
                    assert_eq!(covers.arn(t.any_arn()), want, "{p} {}", t.any_arn());
                }
            }
        }
        assert!(matched > 1_000, "the patterns cover many types: {matched}");
    }
}
