//! Loaders on generated input: YAML with spans (block and flow style, and
//! the JSON parser on the same policy as the yardstick), YAML comments,
//! JSON embedded in a string (`aws iam get-role` output, SCPs from
//! `describe-policy`), and whole-file loading with kind detection.
//! Quote results as ratios measured in one run, never as absolute promises.

mod common;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iamchain::load::{self, json, yaml};
use iamchain::source::SourceId;

const STATEMENTS: usize = 5_000;

/// A block-style YAML policy with `n` statements and a comment on each.
fn yaml_policy(n: usize) -> String {
    let mut s = String::from("Version: \"2012-10-17\"\nStatement:\n");
    for i in 0..n {
        s.push_str(&format!(
            "  # statement {i}\n  - Sid: S{i}\n    Effect: {}\n    Action:\n      - s3:GetObject\n      - s3:Put*\n      - ecr:BatchGetImage\n    Resource:\n      - arn:aws:s3:::bucket-{i}/*\n      - \"arn:aws:ecr:us-east-1:111111111111:repository/app-{i}\"\n    Condition:\n      StringEquals:\n        aws:PrincipalOrgID: o-abc{i}\n      Bool:\n        aws:SecureTransport: \"true\"\n",
            if i % 7 == 0 { "Deny" } else { "Allow" }
        ));
    }
    s
}

fn yaml_loading(c: &mut Criterion) {
    let block = yaml_policy(STATEMENTS);
    let flow = common::policy(STATEMENTS);
    let mut g = c.benchmark_group("yaml");
    g.throughput(Throughput::Bytes(block.len() as u64));
    g.bench_function("block-spans", |b| {
        b.iter(|| yaml::parse(black_box(&block), SourceId(0)).expect("valid"))
    });
    g.bench_function("comments", |b| {
        b.iter(|| yaml::comments(black_box(&block), SourceId(0)))
    });
    g.throughput(Throughput::Bytes(flow.len() as u64));
    g.bench_function("flow-spans", |b| {
        b.iter(|| yaml::parse(black_box(&flow), SourceId(0)).expect("valid"))
    });
    // The JSON parser on the same bytes as flow-spans: the yardstick.
    g.bench_function("same-bytes-json-spans", |b| {
        b.iter(|| json::parse(black_box(&flow), SourceId(0)).expect("valid"))
    });
    g.finish();
}

fn embedded(c: &mut Criterion) {
    // `aws iam get-role`-style: the policy as a JSON string inside JSON.
    let inner = common::policy(STATEMENTS);
    let escaped = serde_json::to_string(&inner).expect("serialize");
    let outer =
        format!("{{\"Role\": {{\"RoleName\": \"r\", \"AssumeRolePolicyDocument\": {escaped}}}}}");
    let start = outer.find(&escaped).expect("present") + 1;
    let raw = &outer[start..start + escaped.len() - 2];
    let mut g = c.benchmark_group("embedded");
    g.throughput(Throughput::Bytes(raw.len() as u64));
    g.bench_function("json-in-string", |b| {
        b.iter(|| json::parse_embedded(black_box(raw), start, SourceId(0)).expect("valid"))
    });
    g.finish();
}

fn whole_file(c: &mut Criterion) {
    let text = yaml_policy(STATEMENTS);
    let mut g = c.benchmark_group("load-document");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("yaml-policy-file", |b| {
        b.iter(|| {
            load::load_document(
                Path::new("policies/app.yaml"),
                Path::new("policies/app.yaml"),
                black_box(&text),
                SourceId(0),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, yaml_loading, embedded, whole_file);
criterion_main!(benches);
