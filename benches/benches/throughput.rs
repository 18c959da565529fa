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

criterion_group!(benches, parsing, modelling, linting);
criterion_main!(benches);
