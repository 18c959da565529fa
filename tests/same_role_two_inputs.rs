//! A role reads the same whether it comes from a CloudFormation template or
//! from an account export: the same rules report the same messages on it
//! (only the file, line and column differ).

use std::path::Path;

use assert_cmd::Command;

fn findings(dir: &str) -> Vec<(String, String)> {
    let out = Command::cargo_bin("iamchain")
        .expect("binary")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(["lint", dir, "--no-config", "--format", "json"])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut list: Vec<(String, String)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    list.sort();
    list
}

#[test]
fn template_and_export_give_the_same_findings() {
    let template = findings("testdata/scenarios/same-role-two-inputs/template");
    let export = findings("testdata/scenarios/same-role-two-inputs/export");
    assert!(template.len() >= 6, "{template:?}");
    assert_eq!(template, export);
}
