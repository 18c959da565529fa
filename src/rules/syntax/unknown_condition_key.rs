//! `unknown-condition-key`: a condition key that AWS does not set for the
//! statement's actions — neither global, nor a key of one of its services,
//! nor a key an identity provider adds. A key that is never in the request
//! context makes positive operators false and negated ones true
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>),
//! so the condition silently means something else than intended.

use std::cell::OnceCell;

use crate::catalog::{self, Action};
use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::rules::expansion::{closest, expand_element};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct UnknownConditionKey;

static META: RuleMeta = RuleMeta {
    name: "unknown-condition-key",
    category: Category::Syntax,
    default_severity: Severity::Warning,
    summary: "condition key that AWS does not set for these actions",
    docs: include_str!("../../../rules/unknown-condition-key.md"),
};

/// What is wrong with a key.
enum Verdict {
    Fine,
    /// Not a key at all; maybe a near miss.
    Unknown(Option<String>),
    /// A real key of another service than every action of the statement.
    OtherService(String),
    /// A key of the statement's service that none of its actions, all named
    /// exactly, takes (`s3:x-amz-storage-class` on `s3:ListBucket`).
    NotForActions(String),
}

/// Whether `key` comes from an identity provider: an OIDC issuer
/// (`token.actions.githubusercontent.com:sub`, `accounts.google.com:aud`,
/// `cognito-identity.amazonaws.com:amr`, `www.amazon.com:app_id`,
/// `graph.facebook.com:id`) or SAML (`saml:aud`, custom SAML attributes).
fn from_identity_provider(key: &str) -> bool {
    catalog::is_identity_provider_key(key)
        || key
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("saml:"))
}

/// The nearest catalog key with the same prefix. For a tag-like key
/// (`aws:RequestTags/team`) only the part before `/` is compared, and the
/// suggestion keeps the user's tag name.
fn near_miss(key: &str) -> Option<String> {
    let (prefix, _) = key.split_once(':')?;
    // `prefix` has no `:`: a key whose first `:` follows it has it as its
    // prefix (bytes compared, not split: this passes every catalog key).
    let same_prefix = catalog::condition_keys().filter(|k| {
        let name = k.name().as_bytes();
        name.get(prefix.len()) == Some(&b':')
            && name[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    });
    match key.split_once('/') {
        Some((head, tail)) => {
            let heads: Vec<&str> = same_prefix
                .filter(|k| k.is_template())
                .filter_map(|k| k.name().split_once('/').map(|(h, _)| h))
                .collect();
            closest(head, heads.into_iter()).map(|h| format!("{h}/{tail}"))
        }
        None => closest(
            key,
            same_prefix.filter(|k| !k.is_template()).map(|k| k.name()),
        )
        .map(str::to_string),
    }
}

/// Whether the reference lists `key` for any action of `service`.
/// Remembered per key: it walks every action of the service.
fn listed_for_service(service: &str, key: &str) -> bool {
    static LISTED: crate::memo::Memo<String, bool> = crate::memo::Memo::new(16_384);
    LISTED.get_or(&format!("{service}\0{key}").to_ascii_lowercase(), || {
        catalog::any_lists_condition_key(catalog::service_actions(service), key)
    })
}

/// `expanded` holds the statement's actions once one key has asked for
/// them: the other keys of its conditions ask for the same.
fn judge(key: &str, statement: &Statement, expanded: &OnceCell<Vec<Action>>) -> Verdict {
    if crate::policy::condition::has_variable(key) || from_identity_provider(key) {
        return Verdict::Fine;
    }
    let Some((prefix, _)) = key.split_once(':') else {
        return Verdict::Unknown(None);
    };
    let Some(known) = catalog::condition_key(key) else {
        let near = if prefix.eq_ignore_ascii_case("aws") || catalog::service_exists(prefix) {
            near_miss(key)
        } else {
            None
        };
        return Verdict::Unknown(near);
    };
    if known.is_global() {
        return Verdict::Fine;
    }
    // A real service key: wrong only if we are sure no action of the
    // statement takes it. `NotAction`, `*` and wildcard services could
    // reach any service, so they are never judged.
    let Some(element) = &statement.action else {
        return Verdict::Fine;
    };
    // An action named exactly is of a known service (no look-up again).
    if element.negated
        || statement.action_items().any(|(i, known)| {
            known.is_none()
                && i.value
                    .split_once(':')
                    .is_none_or(|(s, _)| catalog::is_wildcard(s) || !catalog::service_exists(s))
        })
    {
        return Verdict::Fine;
    }
    let same_service = element.items.iter().any(|i| {
        i.value
            .split_once(':')
            .is_some_and(|(s, _)| s.eq_ignore_ascii_case(prefix))
    });
    let actions = expanded.get_or_init(|| expand_element(element));
    // `known` is not global: only the reference's lists for the actions count.
    if catalog::any_lists_condition_key(actions.iter().copied(), key) {
        return Verdict::Fine;
    }
    if same_service {
        // Only judged when every action is named exactly: the reference's
        // per-action lists are then what AWS sets for this request.
        // (A wildcard names no action exactly.)
        let exact = statement.action_items().all(|(_, known)| known.is_some());
        // A key the reference lists for no action of its service at all
        // (`states:HTTPEndpoint`) shows a gap in the reference, not a wrong key.
        let listed_elsewhere = listed_for_service(prefix, key);
        if !exact || actions.is_empty() || !listed_elsewhere {
            return Verdict::Fine;
        }
        let mut names: Vec<&str> = actions.iter().map(|a| a.full_name()).collect();
        names.sort_unstable();
        names.dedup();
        return Verdict::NotForActions(names.join(", "));
    }
    let mut services: Vec<String> = element
        .items
        .iter()
        .filter_map(|i| i.value.split_once(':').map(|(s, _)| s.to_ascii_lowercase()))
        .collect();
    services.sort();
    services.dedup();
    Verdict::OtherService(services.join(", "))
}

impl Rule for UnknownConditionKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, _policy: &PolicyDoc, cx: &mut Context<'_>) {
        let expanded = OnceCell::new();
        for c in &statement.conditions {
            let key = c.key.value.as_str();
            match judge(key, statement, &expanded) {
                Verdict::Fine => {}
                Verdict::Unknown(near) => {
                    let finding = cx
                        .report(
                            c.key.span,
                            format!(
                                "`{key}` is not a condition key AWS sets, so it is never in the request"
                            ),
                        )
                        .label("unknown condition key");
                    match near {
                        Some(n) => finding.help(format!("did you mean `{n}`?")),
                        None => finding.help(
                            "use a global `aws:` key or a key the Service Authorization Reference lists for these actions",
                        ),
                    };
                }
                Verdict::OtherService(services) => {
                    cx.report(
                        c.key.span,
                        format!(
                            "`{key}` is not set for any action of this statement ({services}), so it is never in the request"
                        ),
                    )
                    .label("key of another service")
                    .help("use a key of the statement's own service, or a global `aws:` key");
                }
                Verdict::NotForActions(actions) => {
                    cx.report(
                        c.key.span,
                        format!(
                            "`{key}` is not set for {actions}, so it is never in the request"
                        ),
                    )
                    .label("key of other actions of this service")
                    .help("use a key the Service Authorization Reference lists for these actions, or move the condition to a statement for the actions that take it");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::near_miss;

    #[test]
    fn near_misses_keep_the_tag_name() {
        assert_eq!(
            near_miss("aws:SourceAccout").as_deref(),
            Some("aws:SourceAccount")
        );
        assert_eq!(
            near_miss("aws:RequestTags/team").as_deref(),
            Some("aws:RequestTag/team")
        );
        assert_eq!(near_miss("s3:prefx").as_deref(), Some("s3:prefix"));
    }
}
