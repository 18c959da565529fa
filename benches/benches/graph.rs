//! The principal graph at organization scale: 10,000 roles across 100
//! accounts (one export per account), each account with a launcher that may
//! assume a deploy role in every other tenth account, and deploy roles that
//! trust their launchers, account roots or nobody. Measures building the
//! graph and running the chain rules, next to loading the same exports
//! without any rule (`load-only`), so the graph's share is a ratio.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use iamchain::config::Config;
use serde_json::json;

const ACCOUNTS: usize = 100;
const ROLES_PER_ACCOUNT: usize = 100;

fn account(i: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + i as u64)
}

/// One account's export.
fn export(a: usize) -> String {
    let acct = account(a);
    let mut roles = Vec::with_capacity(ROLES_PER_ACCOUNT);
    let targets: Vec<String> = (1..=10)
        .map(|k| {
            format!(
                "arn:aws:iam::{}:role/Deploy{}",
                account((a + k * 10) % ACCOUNTS),
                a % 7
            )
        })
        .collect();
    roles.push(json!({
        "RoleName": "Launcher", "Arn": format!("arn:aws:iam::{acct}:role/Launcher"), "Path": "/",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]},
        "RolePolicyList": [{"PolicyName": "assume", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": targets}]}}],
        "RoleLastUsed": {"LastUsedDate": "2026-11-20T00:00:00+00:00"}
    }));
    for r in 0..ROLES_PER_ACCOUNT - 1 {
        let trusted = match r % 3 {
            0 => {
                json!({"AWS": format!("arn:aws:iam::{}:role/Launcher", account((a + ACCOUNTS - 10) % ACCOUNTS))})
            }
            1 => json!({"AWS": format!("arn:aws:iam::{}:root", account((a + 1) % ACCOUNTS))}),
            _ => json!({"Service": "lambda.amazonaws.com"}),
        };
        roles.push(json!({
            "RoleName": format!("Deploy{r}"), "Arn": format!("arn:aws:iam::{acct}:role/Deploy{r}"), "Path": "/",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": trusted, "Action": ["sts:AssumeRole", "sts:TagSession"]}]},
            "RolePolicyList": [{"PolicyName": "deploy", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["cloudformation:CreateStack", "cloudformation:UpdateStack"],
                 "Resource": format!("arn:aws:cloudformation:us-east-1:{acct}:stack/app-*/*")}]}}],
            "RoleLastUsed": {"LastUsedDate": "2026-11-01T00:00:00+00:00"}
        }));
    }
    json!({"RoleDetailList": roles}).to_string()
}

fn graph(c: &mut Criterion) {
    let files: Vec<(PathBuf, String)> = (0..ACCOUNTS)
        .map(|a| {
            (
                PathBuf::from(format!("exports/{}.json", account(a))),
                export(a),
            )
        })
        .collect();
    let chain_rules = Config {
        select: Some(vec!["chain".to_string()]),
        ..Config::default()
    };
    let no_rules = Config {
        select: Some(vec!["invalid-json".to_string()]),
        ..Config::default()
    };
    let mut g = c.benchmark_group("graph-10k-roles-100-accounts");
    g.sample_size(10);
    g.bench_function("load-only", |b| {
        b.iter(|| iamchain::engine::run_texts(black_box(files.clone()), &no_rules))
    });
    g.bench_function("load-build-chain-rules", |b| {
        b.iter(|| iamchain::engine::run_texts(black_box(files.clone()), &chain_rules))
    });
    g.finish();
}

criterion_group!(benches, graph);
criterion_main!(benches);
