//! `wildcard-action`: an Allow grants every action (`*`), every action of
//! a service (`s3:*`), or a partial wildcard (`s3:Put*`, `iam:*Role*`)
//! that expands to actions that change something. Partial wildcards that
//! only read or list (`s3:Get*`, `ec2:Describe*`) are normal and not
//! reported.

use crate::catalog::is_wildcard;
use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{PolicyKind, Statement};
use crate::rules::expansion::{CHANGES, expand, list, plural, sort_riskiest};
use crate::rules::permissions::{granted_service, grants, is_every_action};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct WildcardAction;

static META: RuleMeta = RuleMeta {
    name: "wildcard-action",
    category: Category::Permissions,
    default_severity: Severity::Warning,
    summary: "statement allows every action of a service",
    docs: include_str!("../../../rules/wildcard-action.md"),
};

impl Rule for WildcardAction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if !grants(statement, policy) {
            return;
        }
        // `*` on `*` in an identity policy is admin-access's finding.
        let admin = policy.policy.kind == PolicyKind::Identity && statement.has_any_resource();
        let trust = policy.policy.kind == PolicyKind::Trust;
        // A resource policy grants to the principals it names: say so, the
        // same words read as an identity policy's otherwise.
        let to = if policy.policy.kind == PolicyKind::Resource {
            " to the principals this resource policy names"
        } else {
            ""
        };
        for (action, known) in statement.allowed_action_items() {
            // An action named exactly is no wildcard.
            if known.is_some() {
                continue;
            }
            let a = action.value.as_str();
            if trust && (is_every_action(a) || a.eq_ignore_ascii_case("sts:*")) {
                // A trust policy grants only STS actions on its role; what
                // `*` adds to assuming it is choosing the session's tags
                // and source identity.
                cx.report(
                    action.span,
                    format!(
                        "`{a}` in a trust policy allows every STS action on this role: whoever may assume it can also pass session tags (`sts:TagSession`) and a source identity (`sts:SetSourceIdentity`)"
                    ),
                )
                .label("every STS action")
                .help("allow only the assume action this role's principals use (`sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`), and `sts:TagSession` where session tags are meant to be passed");
            } else if is_every_action(a) {
                if admin {
                    continue;
                }
                // A resource policy grants only its resource's service's
                // actions: `*` in a bucket policy is every S3 action.
                let what = match granted_service(statement, policy) {
                    Some(service) => {
                        format!("every action of `{service}`{to}, including ones added later")
                    }
                    None => format!("every action of every service{to}"),
                };
                cx.report(action.span, format!("`{a}` allows {what}"))
                    .label("every action")
                    .help("list the actions this principal needs");
            } else if let Some((service, "*")) = a.split_once(':') {
                cx.report(
                    action.span,
                    format!(
                        "`{a}` allows every action of `{service}`{to}, including ones added later"
                    ),
                )
                .label("every action of the service")
                .help("list the actions this principal needs");
            } else if is_wildcard(a) {
                partial(a, action.span, cx);
            }
        }
    }
}

/// A partial wildcard: reported with what it expands to when that includes
/// actions that change something, riskiest first.
fn partial(pattern: &str, span: crate::source::Span, cx: &mut Context<'_>) {
    let Some(said) = partial_message(pattern) else {
        return;
    };
    cx.report(span, said.0.clone()).label(said.1.clone()).help(
        "list the actions this principal needs; a wildcard also grants actions AWS adds later",
    );
}

/// The message and label for a partial wildcard, or `None` if it matches
/// nothing that changes anything: once per pattern per process, as
/// `ec2:Describe*` and `s3:Get*` recur in policy after policy (expanding
/// and sorting them each time was a twenty-fifth of a run over the AWS
/// managed policies).
fn partial_message(pattern: &str) -> Option<std::sync::Arc<(String, String)>> {
    static SAID: crate::memo::Memo<String, Option<std::sync::Arc<(String, String)>>> =
        crate::memo::Memo::new(16_384);
    SAID.get_or(pattern, || {
        let mut matched = expand(pattern);
        if !matched.iter().any(|a| a.access().intersects(CHANGES)) {
            return None;
        }
        sort_riskiest(&mut matched);
        let service = match pattern.split_once(':') {
            Some((s, _)) if !is_wildcard(s) => format!("{} ", s.to_ascii_lowercase()),
            _ => String::new(),
        };
        let n = matched.len();
        Some(std::sync::Arc::new((
            format!(
                "`{pattern}` allows {}, including {}",
                plural(n, &format!("{service}action"), &format!("{service}actions")),
                list(&matched, 4)
            ),
            format!("matches {}", plural(n, "action", "actions")),
        )))
    })
}
