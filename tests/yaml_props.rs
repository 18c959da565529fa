//! Property tests for the YAML loader: no input makes it panic, and every
//! span it returns (nodes, keys, errors, comments, embedded documents) is a
//! valid byte range of the text on character boundaries.

use iamchain::load::tree::{Node, Value};
use iamchain::load::yaml::{comments, parse, parse_embedded};
use iamchain::source::{SourceId, Span};
use proptest::prelude::*;

const SRC: SourceId = SourceId(0);

const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Account: {Type: String, Default: 012345678901}
Resources:
  Role: # the role
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub 'arn:aws:iam::${Account}:root'}
            Action: sts:AssumeRole
            Condition: !If [IsProd, {Bool: {aws:MultiFactorAuthPresent: true}}, !Ref AWS::NoValue]
      Policies:
        - PolicyName: p
          PolicyDocument: &doc
            Statement:
              - Effect: Allow
                Action: ['s3:*', \"iam:Pass\\u0052ole\"]
                Resource: !GetAtt Bucket.Arn
        - PolicyName: q
          PolicyDocument: *doc
  Auth:
    data:
      mapRoles: |
        - rolearn: arn:aws:iam::111111111111:role/é
          groups:
            - system:masters
---
second: 日本 # done
";

fn check(text: &str, span: Span) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(
        s <= e && e <= text.len(),
        "{span:?} out of 0..{}",
        text.len()
    );
    assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "{span:?} splits a character"
    );
}

fn walk(node: &Node, text: &str) {
    check(text, node.span);
    match &node.value {
        Value::Array(items) => items.iter().for_each(|n| walk(n, text)),
        Value::Object(members) => {
            for m in members {
                check(text, m.key.span);
                walk(&m.value, text);
            }
        }
        Value::Tagged(_, inner) => walk(inner, text),
        _ => {}
    }
}

fn walk_strings<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match &node.value {
        Value::String(_) => out.push(node),
        Value::Array(items) => items.iter().for_each(|n| walk_strings(n, out)),
        Value::Object(members) => members.iter().for_each(|m| walk_strings(&m.value, out)),
        Value::Tagged(_, inner) => walk_strings(inner, out),
        _ => {}
    }
}

fn check_all(text: &str) {
    match parse(text, SRC) {
        Ok(docs) => {
            for doc in &docs {
                walk(doc, text);
                let mut strings = Vec::new();
                walk_strings(doc, &mut strings);
                for s in strings {
                    match parse_embedded(s, text, SRC) {
                        Ok(inner) => inner.iter().for_each(|n| walk(n, text)),
                        Err(e) => check(text, e.span),
                    }
                }
            }
        }
        Err(e) => check(text, e.span),
    }
    for c in comments(text, SRC) {
        check(text, c.span);
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let piece = prop_oneof![
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\t".to_string()),
        Just("\r\n".to_string()),
        Just("- ".to_string()),
        Just(": ".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("|".to_string()),
        Just(">-".to_string()),
        Just("[".to_string()),
        Just("}".to_string()),
        Just("#".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("!Ref ".to_string()),
        Just("---\n".to_string()),
        Just("é".to_string()),
        Just("\u{feff}".to_string()),
        "[ -~]{0,8}",
    ];
    prop_oneof![
        (any::<usize>(), piece).prop_map(|(at, s)| Edit::Insert(at, s)),
        (any::<usize>(), 0usize..16).prop_map(|(at, n)| Edit::Delete(at, n)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        match e {
            Edit::Insert(at, s) => {
                let at = at % (chars.len() + 1);
                chars.splice(at..at, s.chars());
            }
            Edit::Delete(at, n) => {
                let at = at % (chars.len() + 1);
                let end = (at + n).min(chars.len());
                chars.drain(at..end);
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_printable_text_never_panics(text in "[ -~\t\n\r éü日本\u{feff}]{0,200}") {
        check_all(&text);
    }

    #[test]
    fn yaml_ish_tokens_never_panic(parts in prop::collection::vec(
        prop_oneof![
            Just("- "), Just(": "), Just("\n"), Just("  "), Just("a"), Just("'"), Just("\""),
            Just("|\n"), Just("[ "), Just("]"), Just("{"), Just("}"), Just(", "), Just("# c"),
            Just("&x "), Just("*x"), Just("!Sub "), Just("? "), Just("---\n"), Just("\\"), Just("é"),
        ],
        0..80,
    )) {
        check_all(&parts.concat());
    }

    #[test]
    fn mutated_templates_never_panic(edits in prop::collection::vec(edit(), 1..6)) {
        check_all(&apply(TEMPLATE, &edits));
    }
}

#[test]
fn the_template_itself_loads() {
    let docs = parse(TEMPLATE, SRC).expect("template parses");
    assert_eq!(docs.len(), 2);
    check_all(TEMPLATE);
}
