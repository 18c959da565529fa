//! Inputs the fuzz targets found (`scripts/fuzz`), each kept as a test of
//! what the target asserts: every finding points at a valid range of its
//! file, on character boundaries.

use std::path::PathBuf;

use iamchain::config::Config;
use iamchain::engine::run_texts;

/// The CloudFormation target: a template whose policy document's first key
/// begins with a two-byte character, as a StackSet's `TemplateBody` (a JSON
/// string). The findings at that mapping pointed into the middle of the
/// character in the JSON file.
#[test]
fn a_template_body_whose_mapping_begins_with_a_multibyte_character() {
    let body = "Resources:\n  PushImages:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n       \u{769}Statement:\n           Action: ecr:PutImage\n";
    assert_findings_on_boundaries(body);
}

/// The CloudFormation target again: a statement whose first key (a
/// mangled `Effect`) begins with a two-byte character. "statement has no
/// `Effect`" pointed at the statement's first byte, half of it.
#[test]
fn a_statement_whose_first_key_begins_with_a_multibyte_character() {
    let body = "Resources:\n  Deployer:\n    Type: AWS::IAM::User\n    Properties:\n      Policies:\n        - PolicyName: push-images\n          PolicyDocument:\n            Version: \"2012-10-17\"\n            Statement:\n              - \u{99}fect: Allow\n                Action: ecr:PutImage\n                Resource: arn:aws:ecr:eu-west-1:111122223333:repository/app\n";
    let run = assert_findings_on_boundaries(body);
    assert!(
        run.report
            .findings
            .iter()
            .any(|f| f.message == "statement has no `Effect`"),
        "the finding the input was about is still made"
    );
}

/// Lints `body` as a template and as a StackSet's `TemplateBody` (a JSON
/// string), and asserts that every finding is a range of its file on
/// character boundaries.
fn assert_findings_on_boundaries(body: &str) -> iamchain::engine::Run {
    let escaped = serde_json::to_string(body).expect("json string");
    let stackset =
        format!("{{\"StackSet\": {{\"StackSetName\": \"s\", \"TemplateBody\": {escaped}}}}}");
    let run = run_texts(
        vec![
            (PathBuf::from("stack/template.yaml"), body.to_string()),
            (PathBuf::from("set/describe-stack-set.json"), stackset),
        ],
        &Config::default(),
    );
    assert!(!run.report.findings.is_empty());
    for f in &run.report.findings {
        let text = &run.sources.get(f.primary.span.source).text;
        let (s, e) = (f.primary.span.start as usize, f.primary.span.end as usize);
        assert!(
            s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e),
            "{}: {:?} in {:?}",
            f.rule,
            f.primary.span,
            run.sources.get(f.primary.span.source).path
        );
    }
    run
}
