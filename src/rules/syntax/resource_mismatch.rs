//! `resource-mismatch`: an action that acts on none of its statement's
//! resources (`s3:GetObject` on a bucket ARN, `s3:ListBucket` on objects,
//! `s3:PutBucketPolicy` on `bucket/*`). AWS matches the statement's
//! `Resource` against the ARN of the resource a request acts on, so such an
//! action is never matched: an Allow grants nothing by it, a Deny protects
//! nothing.
//!
//! A resource pattern *could* name a resource of a type when some ARN
//! matches both the pattern and the type's ARN format with its placeholders
//! as wildcards ([`pattern::intersects`], [`catalog::segment_arn`]). Everything
//! uncertain counts as a fit: case, the partition, policy variables
//! (`${aws:username}`), values a template leaves open (`*`), and a wildcard
//! action of which any one action fits (`s3:Get*` on objects is normal,
//! though `s3:GetBucketAcl` is among its actions).
//!
//! Actions the reference lists without a resource type are not judged: the
//! reference says they take only `*`, but services authorize many of them
//! on ARNs all the same — AWS's own managed policies grant
//! `s3:ListAllMyBuckets` on `arn:aws:s3:::*` and `logs:DescribeLogGroups`
//! on log group ARNs, and its example SCPs deny
//! `cloudformation:CreateStackSet` on stack set ARNs. ARNs the reference
//! leaves out but AWS documents elsewhere are added ([`UNLISTED`]).

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use crate::catalog;
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

/// The patterns of [`UNLISTED`]'s formats for `action`.
fn unlisted(action: &'static str) -> impl Iterator<Item = &'static str> {
    static PATTERNS: LazyLock<Vec<(&str, String)>> = LazyLock::new(|| {
        UNLISTED
            .iter()
            .map(|(action, format)| (*action, catalog::segment_arn(format)))
            .collect()
    });
    let patterns: &'static [(&str, String)] = &PATTERNS;
    patterns
        .iter()
        .filter(move |(name, _)| *name == action)
        .map(|(_, pattern)| pattern.as_str())
}

/// The patterns ([`catalog::ResourceType::segment_arn`]) of the resource
/// types of the actions a wildcard expands to, split for [`fits`].
#[derive(Default)]
struct Formats {
    /// Those whose service is written out (`arn:aws:s3:…`), sorted: the
    /// formats of one service are one run.
    by_service: Vec<&'static str>,
    /// The rest (`arn:${Partition}:${Vendor}:…` for AWS Backup's recovery
    /// points, which live in other services), tried against every ARN.
    any_service: Vec<&'static str>,
    /// Whether one of the actions lists no resource type at all.
    untyped: bool,
}

/// The service prefix of an ARN pattern (`arn:aws:s3:`), when the service
/// is written out in the lowercase catalog formats use.
fn service_prefix(text: &str) -> Option<&str> {
    let arn = crate::policy::arn::Arn::parse(text).filter(|a| a.partition == "aws")?;
    let plain = !arn.service.is_empty()
        && arn
            .service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    plain.then(|| &text[.."arn:aws:".len() + arn.service.len() + 1])
}

/// The patterns an action's resources have: its resource types' and
/// [`UNLISTED`]'s.
fn patterns(action: catalog::Action) -> impl Iterator<Item = &'static str> {
    action
        .resource_types()
        .map(|t| t.segment_arn())
        .chain(unlisted(action.full_name()))
}

/// The [`Formats`] of the actions a wildcard `action_pattern` expands to:
/// once per pattern per process, as `s3:Get*` recurs in policy after
/// policy. (A single action reads its few patterns straight from the
/// catalog: see [`Rule::check_statement`].)
fn formats(action_pattern: &str) -> Arc<Formats> {
    static FORMATS: crate::memo::Memo<String, Arc<Formats>> = crate::memo::Memo::new(16_384);
    FORMATS.get_or(action_pattern, || {
        let mut out = Formats::default();
        for a in catalog::expand(action_pattern) {
            out.untyped |= a.resource_types().len() == 0;
            for f in patterns(a) {
                match service_prefix(f) {
                    Some(_) => out.by_service.push(f),
                    None => out.any_service.push(f),
                }
            }
        }
        for list in [&mut out.by_service, &mut out.any_service] {
            list.sort_unstable();
            list.dedup();
        }
        Arc::new(out)
    })
}

/// Whether the ARN pattern `resource` could name a resource of one of
/// `formats`. A resource whose service is written out is tried only
/// against the formats of that service: an export asks this for every
/// statement, and `ssm:Describe*` alone has dozens of formats.
fn fits(formats: &Formats, resource: &str) -> bool {
    let same_service: &[&str] = match service_prefix(resource) {
        Some(service) => {
            let list = &formats.by_service;
            let from = list.partition_point(|f| *f < service);
            let to = from + list[from..].partition_point(|f| f.starts_with(service));
            &list[from..to]
        }
        None => &formats.by_service,
    };
    same_service
        .iter()
        .chain(&formats.any_service)
        .any(|f| intersects_format(resource, f))
}

/// [`pattern::intersects`] of a resource and a catalog format, remembered
/// per process: policies repeat resource patterns (two thirds of the ARN
/// resources of the AWS managed policies are repeats, such as
/// `arn:aws:ec2:*:*:instance/*`), and the search costs thousands of steps.
fn intersects_format(resource: &str, format: &str) -> bool {
    static SEEN: crate::memo::Memo<String, bool> = crate::memo::Memo::new(16_384);
    // Built by hand: `format!` cost a fifth of what the memo saves.
    let mut key = String::with_capacity(resource.len() + 1 + format.len());
    key.push_str(resource);
    key.push('\0');
    key.push_str(format);
    SEEN.get_or(key.as_str(), || pattern::intersects(resource, format))
}

/// The resource type whose ARN format the help shows: among the types the
/// action requires (else all of its types), the one whose pattern begins
/// most like the statement's first resource (`object` rather than
/// `accesspointobject` for `arn:aws:s3:::bucket`), the first on a tie.
fn form_to_write(action: catalog::Action, resource: &str) -> Option<catalog::ResourceType> {
    let required = action.resource_types().any(|t| t.required());
    let common = |t: &catalog::ResourceType| {
        t.segment_arn()
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
    /// A pattern that matches `*` itself (`*`, `**`, also `?`): taken as
    /// every resource, so that every action fits.
    Any,
    /// An ARN pattern, with policy variables as `*` and the partition as
    /// `aws` (the catalog's formats are the `aws` partition's).
    Arn(Cow<'a, str>),
    /// No ARN pattern at all: `invalid-policy` reports it.
    NotArn,
}

fn item(value: &str) -> Item<'_> {
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
        // A resource and a format that both name their service plainly
        // intersect only if it is the same service, as in `fits`: most
        // pairs are told apart without a search.
        let services: Vec<Option<&str>> = arns.iter().map(|r| service_prefix(r)).collect();
        // Whether some resource could be of the format `f`, remembered for
        // the statement's other actions of that type (thirty EC2 actions
        // share a handful of formats; the catalog's formats are static, so
        // one is told by its address).
        let mut told = crate::memo::Told::default();
        let mut some_fits = |f: &'static str| {
            told.get_or(f, || {
                let of_format = service_prefix(f);
                arns.iter()
                    .zip(&services)
                    .any(|(r, of_resource)| match (of_resource, of_format) {
                        (Some(a), Some(b)) if *a != b => false,
                        _ => intersects_format(r, f),
                    })
            })
        };
        for (a, single) in statement.action_items() {
            let value = a.value.as_str();
            // Every action of every service: some fits any ARN worth writing.
            if value == "*" || value == "*:*" {
                continue;
            }
            // An action without resource types may fit anything (see the
            // module's comment).
            let fit = match single {
                Some(action) => {
                    action.resource_types().len() == 0 || patterns(action).any(&mut some_fits)
                }
                None => {
                    let formats = formats(value);
                    formats.untyped || arns.iter().any(|r| fits(&formats, r))
                }
            };
            if fit {
                continue;
            }
            let (message, label, help) = match single {
                Some(action) => {
                    let name = action.full_name();
                    match form_to_write(action, &arns[0]) {
                        // Not reached: an action without types is untyped.
                        None => continue,
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
        // AWS Backup's recovery points live in other services: their
        // format names no service, and is tried against every ARN.
        let recovery = formats("backup:DescribeRecoveryPoint");
        assert!(!recovery.any_service.is_empty());
        assert!(fits(&recovery, "arn:aws:backup:*:*:recovery-point:*"));
        assert!(fits(&recovery, "arn:aws:ec2:*::snapshot/*"));
        // An action without resource types is marked, not judged.
        assert!(formats("s3:ListAllMyBuckets").untyped);
        assert!(formats("s3:List*").untyped);
        assert!(!formats("s3:GetObject").untyped);
    }

    /// AWS's own managed policies, written by the services' teams, as a
    /// measure of false findings: the ones reported are each a statement
    /// naming resources of another type (checked by hand against the
    /// reference when this test was written). A new finding here is a
    /// regression to look at, not a number to bless.
    #[test]
    fn aws_managed_policies_are_nearly_clean() {
        let files: Vec<(std::path::PathBuf, String)> = catalog::managed_policies()
            .map(|p| {
                (
                    format!("aws/{}.json", p.name).into(),
                    p.document.to_string(),
                )
            })
            .collect();
        let config = crate::config::Config {
            select: Some(vec![META.name.to_string()]),
            ..crate::config::Config::default()
        };
        let run = crate::engine::run_texts(files, &config);
        let mut found: Vec<String> = run
            .report
            .findings
            .iter()
            .filter(|f| f.rule == META.name)
            .map(|f| {
                let file = &run.sources.get(f.primary.span.source).path;
                let action = f.message.split('`').nth(1).unwrap_or_default();
                format!("{} {action}", file.display())
            })
            .collect();
        found.sort();
        expect_test::expect![[r#"
            [
                "aws/AWSCloud9ServiceRolePolicy.json ec2:StopInstances",
                "aws/AWSTransformNetworkMigrationAgentPolicy.json s3:ListBucketMultipartUploads",
                "aws/AWSTransformServerMigrationAgentPolicy.json s3:ListBucketMultipartUploads",
                "aws/AWSWAFConsoleFullAccess.json waf-regional:GetWebACLForResource",
                "aws/AWSWAFConsoleReadOnlyAccess.json waf-regional:GetWebACLForResource",
                "aws/AWSWAFFullAccess.json waf-regional:GetWebACLForResource",
                "aws/AWSWAFReadOnlyAccess.json waf-regional:GetWebACLForResource",
                "aws/AmazonBedrockFullAccess.json kms:DescribeKey",
                "aws/AmazonBedrockLimitedAccess.json kms:DescribeKey",
                "aws/AmazonConnectCampaignsServiceLinkedRolePolicy.json connect:GetMetricDataV2",
                "aws/AmazonEKSConnectorServiceRolePolicy.json ssm:DeregisterManagedInstance",
                "aws/FMSServiceRolePolicy.json waf-regional:GetWebACLForResource",
                "aws/FMSServiceRolePolicy.json wafv2:DisassociateWebACL",
                "aws/NetworkSecurityManagerServiceRolePolicy.json wafv2:DisassociateWebACL",
                "aws/SageMakerStudioProjectProvisioningRolePolicy.json imagebuilder:GetComponent",
                "aws/SageMakerStudioProjectProvisioningRolePolicy.json imagebuilder:GetContainerRecipe",
            ]
        "#]].assert_debug_eq(&found);
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
