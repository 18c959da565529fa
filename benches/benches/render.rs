//! Rendering a 1,000-finding report in each output format. The report comes
//! from a real in-memory run (100 policies, five `service:*` grants each,
//! every grant a `wildcard-action` and a `permissions-management-wildcard`
//! finding), so snippets, related labels and help lines are all exercised.
//! CI runs it once (`cargo test --benches`), so the count is checked.
//! Quote results as ratios measured in one run, never as absolute promises.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iamchain::config::Config;
use iamchain::engine::run_texts;
use iamchain::output::{self, OutputFormat};

fn policy(i: usize) -> String {
    let mut s = String::from("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
    for (k, service) in ["s3", "ec2", "sqs", "sns", "kms"].iter().enumerate() {
        if k > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            "    {{\"Sid\": \"P{i}S{k}\", \"Effect\": \"Allow\", \"Action\": \"{service}:*\", \"Resource\": \"arn:aws:{service}:::thing-{i}\"}}"
        ));
    }
    s.push_str("\n  ]\n}\n");
    s
}

fn rendering(c: &mut Criterion) {
    let files: Vec<(PathBuf, String)> = (0..100)
        .map(|i| (PathBuf::from(format!("policies/p{i}.json")), policy(i)))
        .collect();
    let run = run_texts(files, &Config::default());
    let n = run.report.findings.len();
    assert_eq!(n, 1000, "the generated report should have 1,000 findings");
    let mut g = c.benchmark_group("render-1000-findings");
    g.throughput(Throughput::Elements(n as u64));
    for (name, format, color) in [
        ("text", OutputFormat::Text, false),
        ("text-color", OutputFormat::Text, true),
        ("concise", OutputFormat::Concise, false),
        ("json", OutputFormat::Json, false),
    ] {
        g.bench_function(name, |b| {
            let mut out = Vec::with_capacity(1 << 20);
            b.iter(|| {
                out.clear();
                let options = output::Options {
                    color,
                    link_base: None,
                };
                output::write(
                    format,
                    black_box(&run.report),
                    &run.sources,
                    &options,
                    &mut out,
                )
                .expect("write");
            })
        });
    }
    g.finish();
}

criterion_group!(benches, rendering);
criterion_main!(benches);
