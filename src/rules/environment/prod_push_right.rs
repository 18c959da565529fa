//! `prod-push-right`: a role in a production account may publish
//! artifacts: push container images, or write objects into artifact
//! buckets. Artifacts should be built and pushed once, outside Prod, and
//! promoted; a Prod role that can push can replace what Prod runs.

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::diagnostic::Severity;
use crate::principals::PrincipalPolicies;
use crate::rules::environment::{expand, grants, prod_account, report};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct ProdPushRight;

static META: RuleMeta = RuleMeta {
    name: "prod-push-right",
    category: Category::Environment,
    default_severity: Severity::Warning,
    summary: "production role may push artifacts",
    docs: include_str!("../../../rules/prod-push-right.md"),
};

/// Publishing actions checked by default; `prod.push_actions` adds to them.
pub(crate) const PUSH_ACTIONS: &[&str] = &[
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr-public:PutImage",
    "s3:PutObject",
    "lambda:UpdateFunctionCode",
];

/// Buckets whose object writes count as pushes by default;
/// `prod.artifact_buckets` adds to them.
const ARTIFACT_BUCKETS: &[&str] = &["*artifact*", "*release*", "*build*"];

/// The artifact bucket patterns, compiled once per configuration rather
/// than once per Prod principal (a regex compilation each).
fn buckets(extra: &[String]) -> std::sync::Arc<GlobSet> {
    static SETS: crate::memo::Memo<Vec<String>, std::sync::Arc<GlobSet>> =
        crate::memo::Memo::new(16);
    SETS.get_or(extra, || {
        let mut b = GlobSetBuilder::new();
        for g in ARTIFACT_BUCKETS
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
        {
            if let Ok(g) = Glob::new(&g.to_ascii_lowercase()) {
                b.add(g);
            }
        }
        std::sync::Arc::new(b.build().unwrap_or_else(|_| GlobSet::empty()))
    })
}

impl Rule for ProdPushRight {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_principal(&self, principal: &PrincipalPolicies<'_>, cx: &mut Context<'_>) {
        let Some(account) = prod_account(principal, cx) else {
            return;
        };
        let actions = expand(PUSH_ACTIONS, &cx.config.prod.push_actions);
        let artifact = buckets(&cx.config.prod.artifact_buckets);
        // Object writes are pushes only into artifact buckets; `*` may be one.
        let resource_ok = |action: &str, resource: &str| {
            if !action.to_ascii_lowercase().starts_with("s3:") {
                return true;
            }
            let bucket = resource
                .strip_prefix("arn:aws:s3:::")
                .unwrap_or(resource)
                .split('/')
                .next()
                .unwrap_or("");
            bucket == "*" || artifact.is_match(bucket.to_ascii_lowercase())
        };
        let found = grants(principal, &actions, &resource_ok);
        report(
            cx,
            found,
            &account,
            "push artifacts",
            "push right",
            "build and push artifacts outside production and promote them; give production roles read access only",
        );
    }
}
