//! Fuzz the CloudFormation loader with its intrinsics (`!Sub`, `!GetAtt`,
//! `Fn::If`, parameters and conditions), StackSets and parameter files:
//! arbitrary text is linted as a YAML and a JSON template, as a template
//! beside a parameter file that gives it values, and as a StackSet whose
//! `TemplateBody` it is. Nothing may raise an internal error, and every
//! finding must point at a valid range of its file.
//!
//! Run on stable: `cargo fuzz run -s none cloudformation`.
#![no_main]

use std::path::PathBuf;

use iamchain::config::Config;
use iamchain::engine::run_texts;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The text as a StackSet's template body, a string in a JSON file.
    let stackset = format!(
        "{{\"StackSet\": {{\"StackSetName\": \"s\", \"TemplateBody\": {}}}}}",
        serde_json_string(text)
    );
    let files = vec![
        (PathBuf::from("stack/template.yaml"), text.to_string()),
        (PathBuf::from("stack/template.json"), text.to_string()),
        (
            PathBuf::from("stack/template.parameters.json"),
            "[{\"ParameterKey\": \"Env\", \"ParameterValue\": \"prod\"}]".to_string(),
        ),
        (PathBuf::from("set/describe-stack-set.json"), stackset),
    ];
    let run = run_texts(files, &Config::default());
    common::assert_no_internal_error(&run);
    for f in &run.report.findings {
        let Some(file) = run.sources.try_get(f.primary.span.source) else {
            panic!("{}: finding in no file", f.rule);
        };
        common::check_span(&file.text, f.primary.span);
    }
});

/// `text` as a JSON string literal.
fn serde_json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
