//! Throughput of the hot paths on generated input: parsing JSON with spans
//! (against serde_json's span-less parse of the same bytes, the floor we
//! compare with), modelling policies, and a whole in-memory lint run.
//! Quote results as ratios measured in one run, never as absolute promises.

mod common;

use std::hint::black_box;
use std::path::PathBuf;

use common::policy;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use iamchain::config::Config;
use iamchain::load::json;
use iamchain::policy::document::{self, PolicyKind};
use iamchain::source::SourceId;

fn parsing(c: &mut Criterion) {
    let text = policy(20_000);
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("iamchain-json-spans", |b| {
        b.iter(|| json::parse(black_box(&text), SourceId(0)).expect("valid"))
    });
    g.bench_function("serde_json-value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).expect("valid"))
    });
    g.finish();
}

fn modelling(c: &mut Criterion) {
    let text = policy(20_000);
    let node = json::parse(&text, SourceId(0)).expect("valid");
    let mut g = c.benchmark_group("model");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("build-policy", |b| {
        b.iter(|| document::build(black_box(&node), PolicyKind::Identity))
    });
    g.finish();
}

fn linting(c: &mut Criterion) {
    let files: Vec<(PathBuf, String)> = (0..200)
        .map(|i| (PathBuf::from(format!("policies/p{i}.json")), policy(50)))
        .collect();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let config = Config::default();
    let mut g = c.benchmark_group("lint");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("200-policies-all-rules", |b| {
        b.iter(|| iamchain::engine::run_texts(black_box(files.clone()), &config))
    });
    g.finish();
}

/// Every AWS managed policy (the embedded catalog's copies of a published
/// dataset) as the files of one folder: bare policy files of one folder
/// are one principal's, 1,600 policies naming hundreds of roles for
/// `privilege-escalation` to ask each method about. (The process-wide
/// memos — did-you-mean, wildcard expansions — are warm after the first
/// iteration: `benches/compare-peers` times cold runs of this folder.)
fn linting_managed_policies(c: &mut Criterion) {
    let files: Vec<(PathBuf, String)> = iamchain::catalog::managed_policies()
        .map(|p| {
            (
                PathBuf::from(format!("aws/{}.json", p.name)),
                p.document.to_string(),
            )
        })
        .collect();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let config = Config::default();
    let mut g = c.benchmark_group("lint");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("aws-managed-policies-one-folder", |b| {
        b.iter(|| iamchain::engine::run_texts(black_box(files.clone()), &config))
    });
    g.finish();
}

criterion_group!(
    benches,
    parsing,
    modelling,
    linting,
    linting_managed_policies
);
criterion_main!(benches);
