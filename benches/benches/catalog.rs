//! The AWS catalog on the hot path: expanding typical action patterns, and
//! a whole in-memory lint of 1,500 generated policies with and without the
//! rules that consult the catalog, next to matching every `Action` item of
//! the same corpus against the catalog on its own. Quote results as ratios
//! measured in one run.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use iamchain::catalog;
use iamchain::config::Config;

const PATTERNS: &[&str] = &[
    "s3:GetObject",
    "S3:getobject",
    "s3:Put*",
    "ec2:Describe*",
    "iam:*Role*",
    "*:Get*",
    "s3:*",
    "*",
];

/// Actions a generated policy draws from: exact names, partial wildcards,
/// case variants and a few typos, as real repositories have them.
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:List*",
    "s3:Put*",
    "ec2:Describe*",
    "ec2:RunInstances",
    "iam:PassRole",
    "iam:Get*",
    "lambda:InvokeFunction",
    "lambda:CreateFunction",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "ecr:GetAuthorizationToken",
    "ecr:BatchGetImage",
    "kms:Decrypt",
    "sqs:SendMessage",
    "dynamodb:*Item",
    "S3:getobject",
    "s3:GetObjekt",
    "sts:AssumeRole",
];

/// Policy `i` of the corpus: three statements, one of them on `*`.
fn policy(i: usize) -> String {
    let pick = |k: usize| ACTIONS[(i * 7 + k * 3) % ACTIONS.len()];
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [
  {{"Effect": "Allow", "Action": ["{}", "{}", "{}"], "Resource": "arn:aws:s3:::bucket-{i}/*"}},
  {{"Effect": "Allow", "Action": ["{}", "{}"], "Resource": "*",
    "Condition": {{"StringEquals": {{"aws:PrincipalOrgID": "o-abc{i}"}}, "Bool": {{"aws:SecureTransport": "true"}}}}}},
  {{"Effect": "Deny", "Action": "{}", "Resource": "*", "Condition": {{"Bool": {{"aws:SecureTransport": "false"}}}}}}
]}}
"#,
        pick(0),
        pick(1),
        pick(2),
        pick(3),
        pick(4),
        pick(5)
    )
}

/// 1,500 policies, ten per directory (so ten per principal).
fn corpus() -> Vec<(PathBuf, String)> {
    (0..1_500)
        .map(|i| {
            (
                PathBuf::from(format!("roles/r{}/p{i}.json", i / 10)),
                policy(i),
            )
        })
        .collect()
}

fn expanding(c: &mut Criterion) {
    let mut g = c.benchmark_group("expand");
    for p in PATTERNS {
        g.bench_function(*p, |b| b.iter(|| catalog::expand(black_box(p)).count()));
    }
    g.bench_function("suggest-s3:GetObjekt", |b| {
        b.iter(|| catalog::suggest(black_box("s3:GetObjekt")))
    });
    g.finish();
}

const CATALOG_RULES: &[&str] = &[
    "unknown-action",
    "unknown-service",
    "unknown-condition-key",
    "condition-type-mismatch",
    "unknown-managed-policy",
    "wildcard-resource",
    "permissions-management-wildcard",
    "privilege-escalation",
    "wildcard-action",
];

fn linting(c: &mut Criterion) {
    let files = corpus();
    let all = Config::default();
    let without = Config {
        select: Some(
            iamchain::rules::ALL
                .iter()
                .map(|r| r.meta().name)
                .filter(|n| !CATALOG_RULES.contains(n))
                .map(str::to_string)
                .collect(),
        ),
        ..Config::default()
    };
    let items: Vec<String> = files
        .iter()
        .flat_map(|(_, t)| {
            let v: serde_json::Value = serde_json::from_str(t).expect("json");
            v["Statement"]
                .as_array()
                .expect("statements")
                .iter()
                .flat_map(|s| match &s["Action"] {
                    serde_json::Value::String(a) => vec![a.clone()],
                    serde_json::Value::Array(a) => a
                        .iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect(),
                    _ => Vec::new(),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut g = c.benchmark_group("lint-1500");
    g.sample_size(10);
    g.bench_function("all-rules", |b| {
        b.iter(|| iamchain::engine::run_texts(black_box(files.clone()), &all))
    });
    g.bench_function("without-catalog-rules", |b| {
        b.iter(|| iamchain::engine::run_texts(black_box(files.clone()), &without))
    });
    g.bench_function("expand-every-action-item", |b| {
        b.iter(|| {
            items
                .iter()
                .map(|a| catalog::expand(black_box(a)).count())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, expanding, linting);
criterion_main!(benches);
