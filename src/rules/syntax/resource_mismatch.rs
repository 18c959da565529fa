//! `resource-mismatch`: an action that acts on none of its statement's
//! resources (`s3:GetObject` on a bucket ARN, `s3:ListBucket` on objects,
//! `s3:ListAllMyBuckets` on anything but `*`). AWS matches the statement's
//! `Resource` against the ARN of the resource a request acts on, so such an
//! action is never matched: an Allow grants nothing by it, a Deny protects
//! nothing.
//!
//! A resource pattern *could* name a resource of a type when some ARN
//! matches both the pattern and the type's ARN format with its placeholders
//! as wildcards ([`pattern::intersects`], [`format_pattern`]). Everything
//! uncertain counts as a fit: case, the partition, policy variables
//! (`${aws:username}`), values a template leaves open (`*`), and a wildcard
//! action of which any one action fits (`s3:Get*` on objects is normal,
//! though `s3:GetBucketAcl` is among its actions).
//!
//! The reference is incomplete where an action's resource is only being
//! created (`cloudformation:CreateStackSet` lists no resource type, yet
//! AWS's own example SCPs deny it on stack set ARNs). So "acts only on
//! `*`" is said of List and Read actions alone (`s3:ListAllMyBuckets`,
//! `eks:ListClusters`: a listing is of no one resource) but IAM's, which
//! take a path ([`doubtful_without_types`]), and ARNs the
//! reference leaves out but AWS documents elsewhere are added
//! ([`UNLISTED`]).

use std::borrow::Cow;
use std::sync::Arc;

use crate::catalog::{self, AccessLevel};
use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::{PolicyKind, Statement, pattern};
use crate::rules::expansion::{expand, plural};
use crate::rules::syntax::unknown_service::consequence;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct ResourceMismatch;

static META: RuleMeta = RuleMeta {
    name: "resource-mismatch",
    category: Category::Syntax,
    default_severity: Severity::Warning,
    summary: "action that acts on none of its statement's resources",
    docs: include_str!("../../../rules/resource-mismatch.md"),
};

/// An ARN format as a pattern for [`pattern::intersects`]: `${Partition}`
/// as `aws` (policy ARNs are read in that partition, see [`item`]); the
/// account, the region and a bucket name as a [`pattern::SEGMENT`], as none
/// holds a `/` or `:` (so `bucket/*` names no bucket); any other
/// placeholder as `*` (an object key, a role's path, a log group's name
/// hold `/`).
fn format_pattern(format: &str) -> String {
    catalog::fill_placeholders(format, |name, out| match name {
        "Partition" => out.push_str("aws"),
        "Account" | "Region" | "BucketName" => out.push(pattern::SEGMENT),
        _ => out.push('*'),
    })
}

/// Resources that actions act on beyond the reference's resource types, as
/// (action, ARN format), with where AWS says so.
const UNLISTED: &[(&str, &str)] = &[
    // A template with a transform (`AWS::Serverless-2016-10-31`) needs
    // `CreateChangeSet` on the transform: "Permissions to use
    // transforms" in the CloudFormation user guide, and the VPC endpoint
    // policy of AWS's data perimeter examples.
    (
        "cloudformation:CreateChangeSet",
        "arn:${Partition}:cloudformation:${Region}:aws:transform/${TransformName}",
    ),
];

/// The patterns ([`format_pattern`]) of the resource types of the actions
/// `action_pattern` expands to, sorted, without repeats: once per pattern
/// per process, as `s3:GetObject` recurs in policy after policy.
fn formats(action_pattern: &str) -> Arc<Vec<String>> {
    static FORMATS: crate::memo::Memo<String, Arc<Vec<String>>> = crate::memo::Memo::new(16_384);
    FORMATS.get_or(action_pattern, || {
        let mut out: Vec<String> = Vec::new();
        for a in catalog::expand(action_pattern) {
            out.extend(a.resource_types().map(|t| format_pattern(t.arn_format())));
            out.extend(
                UNLISTED
                    .iter()
                    .filter(|(name, _)| *name == a.full_name())
                    .map(|(_, format)| format_pattern(format)),
            );
        }
        out.sort_unstable();
        out.dedup();
        Arc::new(out)
    })
}

/// Whether the ARN pattern `resource` could name a resource of one of
/// `formats` (sorted, as [`formats`] gives them). A resource whose service
/// is written out is tried only against the formats of that service, one
/// run of the sorted list: an export asks this for every statement, and
/// `ssm:Describe*` alone has dozens of formats.
fn fits(formats: &[String], resource: &str) -> bool {
    const ARN: &str = "arn:aws:";
    let service = resource.strip_prefix(ARN).and_then(|rest| {
        let field = &rest[..rest.find(':')?];
        // Formats spell services in lowercase: another case is compared
        // (case-insensitively) with every format.
        let plain = !field.is_empty()
            && field
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        plain.then(|| &resource[..ARN.len() + field.len() + 1])
    });
    let Some(service) = service else {
        return formats.iter().any(|f| pattern::intersects(resource, f));
    };
    // Formats not in the `arn:aws:` run (none in today's catalog) are
    // always tried.
    let start = formats.partition_point(|f| f.as_str() < ARN);
    let end = start + formats[start..].partition_point(|f| f.starts_with(ARN));
    let block = &formats[start..end];
    let from = block.partition_point(|f| f.as_str() < service);
    let to = from + block[from..].partition_point(|f| f.starts_with(service));
    formats[..start]
        .iter()
        .chain(&block[from..to])
        .chain(&formats[end..])
        .any(|f| pattern::intersects(resource, f))
}

/// Whether `action` lists no resource type but may act on ARNs all the
/// same, so that "acts only on `*`" would be a guess: an action that
/// changes something (the reference is silent where the resource is being
/// created, see the module's comment), or a listing of IAM's, which takes a
/// path prefix (`iam:ListRoles` with `/deploy/`) and which IAM's own
/// examples scope to the ARNs under that path.
fn doubtful_without_types(action: catalog::Action) -> bool {
    action.resource_types().len() == 0
        && (!(AccessLevel::LIST | AccessLevel::READ).contains(action.access())
            || action.service() == "iam")
}

/// The resource type whose ARN format the help shows: among the types the
/// action requires (else all of its types), the one whose pattern begins
/// most like the statement's first resource (`object` rather than
/// `accesspointobject` for `arn:aws:s3:::bucket`), the first on a tie.
fn form_to_write(action: catalog::Action, resource: &str) -> Option<catalog::ResourceType> {
    let required = action.resource_types().any(|t| t.required());
    let common = |t: &catalog::ResourceType| {
        format_pattern(t.arn_format())
            .chars()
            .zip(resource.chars())
            .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
            .count()
    };
    let mut best: Option<(usize, catalog::ResourceType)> = None;
    for t in action
        .resource_types()
        .filter(|t| t.required() || !required)
    {
        let c = common(&t);
        if best.as_ref().is_none_or(|(b, _)| c > *b) {
            best = Some((c, t));
        }
    }
    best.map(|(_, t)| t)
}

/// A `Resource` item as the matching here reads it.
enum Item<'a> {
    /// Matches every ARN, and `*` itself: every action fits.
    Any,
    /// An ARN pattern, with policy variables as `*` and the partition as
    /// `aws` (the catalog's formats are the `aws` partition's).
    Arn(Cow<'a, str>),
    /// No ARN pattern at all: `invalid-policy` reports it.
    NotArn,
}

fn item(value: &str) -> Item<'_> {
    // `*`, `?`, `**`: the request resource `*` of actions without resource
    // types matches these too.
    if pattern::matches(value, "*") {
        return Item::Any;
    }
    // The common ARN, `arn:aws:` and no variable, is read as written.
    if value.starts_with("arn:aws:") && !value.contains(['$', pattern::SEGMENT]) {
        return Item::Arn(Cow::Borrowed(value));
    }
    // The marker means something to `intersects`; in policy text it is
    // just a character.
    let value = value.replace(pattern::SEGMENT, "?");
    let text = catalog::fill_placeholders(&value, |_, out| out.push('*'));
    if text.starts_with(['*', '?']) {
        return Item::Arn(Cow::Owned(text));
    }
    let Some(after) = text
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("arn:"))
        .map(|_| &text[4..])
    else {
        return Item::NotArn;
    };
    match after.split_once(':') {
        Some((partition, rest)) if !pattern::has_wildcard(partition) => {
            Item::Arn(Cow::Owned(format!("arn:aws:{rest}")))
        }
        _ => Item::Arn(Cow::Owned(text)),
    }
}

impl Rule for ResourceMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, policy: &PolicyDoc, cx: &mut Context<'_>) {
        if policy.policy.kind == PolicyKind::Trust {
            return;
        }
        let (Some(actions), Some(resource)) = (&statement.action, &statement.resource) else {
            return;
        };
        if actions.negated || resource.negated {
            return;
        }
        let mut arns = Vec::with_capacity(resource.items.len());
        for r in &resource.items {
            match item(&r.value) {
                Item::Any => return,
                Item::Arn(a) => arns.push(a),
                Item::NotArn => {}
            }
        }
        if arns.is_empty() {
            return;
        }
        for a in &actions.items {
            let value = a.value.as_str();
            // Every action of every service: some fits any ARN worth writing.
            if value == "*" || value == "*:*" {
                continue;
            }
            let formats = formats(value);
            if arns.iter().any(|r| fits(&formats, r)) {
                continue;
            }
            if catalog::expand(value).any(doubtful_without_types) {
                continue;
            }
            let (message, label, help) = match catalog::action(value) {
                Some(action) => {
                    let name = action.full_name();
                    match form_to_write(action, &arns[0]) {
                        None => (
                            format!(
                                "`{name}` acts only on `\"Resource\": \"*\"`, not on the ARNs this statement names, {}",
                                consequence(statement)
                            ),
                            "takes only `*`".to_string(),
                            "move it to a statement with `\"Resource\": \"*\"`".to_string(),
                        ),
                        Some(first) => {
                            let types: Vec<String> = action
                                .resource_types()
                                .map(|t| format!("`{}`", t.name()))
                                .collect();
                            (
                                format!(
                                    "`{name}` acts on none of this statement's resources, {}",
                                    consequence(statement)
                                ),
                                format!("acts on {}", types.join(", ")),
                                format!(
                                    "name a resource of the form `{}`, or move the action to a statement with resources it acts on",
                                    first.arn_format()
                                ),
                            )
                        }
                    }
                }
                None => {
                    let matched = expand(value);
                    let what = match matched.as_slice() {
                        // Unknown, or a wildcard that matches nothing:
                        // unknown-action's.
                        [] => continue,
                        [one] => format!(
                            "`{value}` matches only `{}`, which acts on none of this statement's resources",
                            one.full_name()
                        ),
                        many => format!(
                            "none of the {} `{value}` matches acts on this statement's resources",
                            plural(many.len(), "action", "actions")
                        ),
                    };
                    (
                        format!("{what}, {}", consequence(statement)),
                        "acts on none of them".to_string(),
                        "check the action against the resources, or move it to a statement with resources its actions act on".to_string(),
                    )
                }
            };
            cx.report(a.span, message)
                .label(label)
                .related(resource.span, "the statement's resources")
                .help(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arn(value: &str) -> Option<String> {
        match item(value) {
            Item::Arn(a) => Some(a.into_owned()),
            _ => None,
        }
    }

    #[test]
    fn a_resource_is_tried_against_its_service_only() {
        let object = formats("s3:GetObject");
        assert!(fits(&object, "arn:aws:s3:::bucket/key"));
        assert!(!fits(&object, "arn:aws:s3:::bucket"));
        // Another service, a wildcard service, another case.
        assert!(!fits(&object, "arn:aws:sqs:eu-west-1:1:queue"));
        assert!(fits(&object, "arn:aws:s*:::bucket/key"));
        assert!(fits(&object, "arn:aws:S3:::bucket/key"));
        assert!(!fits(&object, "arn:aws:S3:::bucket"));
        // What the formats are made of, for the rule's tables.
        let all = formats("*");
        assert!(
            all.iter().all(|f| f.starts_with("arn:aws:")),
            "a format outside `arn:aws:`"
        );
        assert!(all.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn only_listings_and_reads_are_said_to_take_only_star() {
        let doubtful = |name: &str| doubtful_without_types(catalog::action(name).expect(name));
        assert!(!doubtful("s3:ListAllMyBuckets"));
        assert!(!doubtful("eks:ListClusters"));
        assert!(!doubtful("ecr:GetAuthorizationToken"));
        assert!(doubtful("cloudformation:CreateStackSet"));
        assert!(doubtful("iam:ListRoles"));
        // Actions with resource types are judged by them.
        assert!(!doubtful("s3:GetObject"));
    }

    #[test]
    fn formats_read_as_patterns() {
        let seg = pattern::SEGMENT;
        assert_eq!(
            format_pattern("arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
            format!("arn:aws:s3:::{seg}/*")
        );
        assert_eq!(
            format_pattern("arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"),
            format!("arn:aws:iam::{seg}:role/*")
        );
        assert_eq!(
            format_pattern("arn:${Partition}:x:::${Open"),
            "arn:aws:x:::*"
        );
    }

    #[test]
    fn items_read_as_patterns() {
        assert!(matches!(item("*"), Item::Any));
        assert!(matches!(item("**"), Item::Any));
        assert!(matches!(item("bucket-name"), Item::NotArn));
        assert_eq!(
            arn("arn:aws-cn:s3:::b/*").as_deref(),
            Some("arn:aws:s3:::b/*")
        );
        assert_eq!(arn("ARN:aws:s3:::b").as_deref(), Some("arn:aws:s3:::b"));
        assert_eq!(arn("arn:*:s3:::b").as_deref(), Some("arn:*:s3:::b"));
        assert_eq!(
            arn("arn:aws:s3:::home/${aws:username}/*").as_deref(),
            Some("arn:aws:s3:::home/*/*")
        );
        assert_eq!(
            arn("arn:aws:s3:::b\u{1}").as_deref(),
            Some("arn:aws:s3:::b?")
        );
        // An unclosed variable runs to the end.
        assert_eq!(
            arn("arn:aws:s3:::b/${x").as_deref(),
            Some("arn:aws:s3:::b/*")
        );
        assert_eq!(arn("*:s3:::b").as_deref(), Some("*:s3:::b"));
    }
}
