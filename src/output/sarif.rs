//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF
//! consumers, from a few hand-written serde structs (the subset we emit).
//!
//! * `tool.driver.rules` lists every rule in the registry, with its page as
//!   `help.markdown`; results point at them by `ruleId` and `ruleIndex`.
//! * Locations are relative URIs under the `%SRCROOT%` base, which
//!   `originalUriBaseIds` sets to the working directory; regions are 1-based
//!   and their columns count Unicode code points like every other format
//!   (`columnKind: unicodeCodePoints`), with exclusive end columns.
//! * Related labels become `relatedLocations` (ids from 1, in order); a
//!   finding with more than one related label (a chain) also gets a
//!   `codeFlows` entry whose steps are those labels in order.
//! * `partialFingerprints` hash the rule, the path and the finding's
//!   meaning key ([`crate::locate`]), not line numbers, so an alert survives
//!   reformatting and moving a statement within its file.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Finding, Report, Severity};
use crate::engine::slash_path;
use crate::locate::stable_hash;
use crate::output::{REPOSITORY_URL, rule_page_url};
use crate::rules;
use crate::source::{SourceMap, Span};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// The `partialFingerprints` key; bump the version if the hashed text changes.
const FINGERPRINT: &str = "iamchainMeaning/v1";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    properties: DriverProperties,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DriverProperties {
    /// The embedded AWS catalog the findings were computed with.
    catalog_data_version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize, Clone)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    partial_fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    message: Text,
    thread_flows: Vec<ThreadFlow>,
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ThreadFlowLocation {
    location: Location,
    execution_order: usize,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// GitHub's `security-severity` (0.1–10: high from 7, medium from 4).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Note => "2.0",
    }
}

/// A section's text from a rule page (`## What it does` up to the next `## `).
fn section<'a>(page: &'a str, heading: &str) -> &'a str {
    let Some(start) = page.find(heading) else {
        return "";
    };
    let body = &page[start + heading.len()..];
    body[..body.find("\n## ").unwrap_or(body.len())].trim()
}

fn descriptor(rule: &dyn rules::Rule) -> ReportingDescriptor {
    let m = rule.meta();
    let what = section(m.docs, "## What it does");
    let first_paragraph = what.split("\n\n").next().unwrap_or(what);
    let url = rule_page_url(m.name);
    ReportingDescriptor {
        id: m.name,
        // SARIF suggests an UpperCamelCase name: `wildcard-action` → `WildcardAction`.
        name: m
            .name
            .split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect(),
        short_description: Text {
            text: m.summary.to_string(),
        },
        full_description: Text {
            text: absolute_links(first_paragraph)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        },
        help: Help {
            text: format!("{}\n\nSee {url}", absolute_links(what)),
            markdown: absolute_links(m.docs),
        },
        help_uri: url,
        default_configuration: Configuration {
            level: level(m.default_severity),
        },
        properties: RuleProperties {
            tags: vec!["security", m.category.as_str()],
            security_severity: security_severity(m.default_severity),
        },
    }
}

/// Rule pages link to each other relatively (`[x](x.md)`); in a SARIF
/// viewer they must be absolute.
fn absolute_links(page: &str) -> String {
    let base = rule_page_url("");
    let base = base.trim_end_matches(".md");
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
        let relative =
            !rest.starts_with("http") && !rest.starts_with('#') && !rest.starts_with('/');
        if relative {
            out.push_str(base);
        }
    }
    out.push_str(rest);
    out
}

/// A path as a URI reference: relative paths under `%SRCROOT%`, absolute
/// ones as `file://` URIs.
fn artifact(sources: &SourceMap, span: Span) -> ArtifactLocation {
    let path = sources.path(span.source);
    let text = slash_path(path);
    if path.is_absolute() {
        let prefixed = if text.starts_with('/') {
            text
        } else {
            format!("/{text}")
        };
        ArtifactLocation {
            uri: format!("file://{}", encode_path(&prefixed)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encode_path(&text),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// Percent-encode what a URI path may not hold, keeping `/`.
fn encode_path(path: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b']')
        .add(b'\\')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    utf8_percent_encode(path, PATH).to_string()
}

fn physical(sources: &SourceMap, span: Span) -> PhysicalLocation {
    let (start, end) = sources.range(span);
    PhysicalLocation {
        artifact_location: artifact(sources, span),
        region: Region {
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column,
        },
    }
}

fn result(f: &Finding, rule_index: usize, fingerprint: String, sources: &SourceMap) -> SarifResult {
    let related: Vec<Location> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| Location {
            id: Some(i + 1),
            physical_location: physical(sources, r.span),
            message: Some(Text {
                text: r.message.clone(),
            }),
        })
        .collect();
    let code_flows = if f.related.len() > 1 {
        vec![CodeFlow {
            message: Text {
                text: f.message.clone(),
            },
            thread_flows: vec![ThreadFlow {
                locations: related
                    .iter()
                    .enumerate()
                    .map(|(i, l)| ThreadFlowLocation {
                        location: Location {
                            id: None,
                            ..l.clone()
                        },
                        execution_order: i + 1,
                    })
                    .collect(),
            }],
        }]
    } else {
        Vec::new()
    };
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    SarifResult {
        rule_id: f.rule,
        rule_index,
        level: level(f.severity),
        message: Text { text: message },
        locations: vec![Location {
            id: None,
            physical_location: physical(sources, f.primary.span),
            message: (!f.primary.message.is_empty()).then(|| Text {
                text: f.primary.message.clone(),
            }),
        }],
        related_locations: related,
        code_flows,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT, fingerprint)]),
    }
}

/// The working directory as a `file://` URI ending in `/`, for `%SRCROOT%`.
fn srcroot() -> String {
    let dir = std::env::current_dir()
        .map(|d| slash_path(&d))
        .unwrap_or_else(|_| "/".into());
    let dir = if dir.starts_with('/') {
        dir
    } else {
        format!("/{dir}")
    };
    let mut uri = format!("file://{}", encode_path(&dir));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Write the report as a SARIF 2.1.0 log.
pub fn write(report: &Report, sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    // Two findings with one meaning in one file (the same value in two
    // statements without a Sid) get distinct fingerprints by occurrence.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let results = report
        .findings
        .iter()
        .map(|f| {
            let base = format!(
                "{}\u{0}{}\u{0}{}",
                f.rule,
                slash_path(sources.path(f.primary.span.source)),
                f.key
            );
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let fingerprint = format!("{}:{}", stable_hash(&base), n);
            let index = rules::ALL
                .iter()
                .position(|r| r.meta().name == f.rule)
                .unwrap_or(0);
            result(f, index, fingerprint, sources)
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "iamchain",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: REPOSITORY_URL,
                    properties: DriverProperties {
                        catalog_data_version: crate::catalog::data_version(),
                    },
                    rules: rules::ALL.iter().map(|r| descriptor(*r)).collect(),
                },
            },
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri: srcroot(),
                    uri_base_id: None,
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    // Serialise first: writing through serde would turn a closed pipe
    // into an opaque error.
    let mut bytes = serde_json::to_vec_pretty(&log).map_err(io::Error::other)?;
    bytes.push(b'\n');
    out.write_all(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;

    /// A chain-shaped finding: several related labels in order.
    pub(crate) fn synthetic() -> (Report, SourceMap) {
        let mut sources = SourceMap::new();
        let a = sources.add(
            "roles/launcher.json",
            "{\"Action\": \"sts:AssumeRole\", \"Resource\": \"*\"}\n".into(),
        );
        let b = sources.add(
            "roles/deploy trust.json",
            "{\"Principal\": {\"AWS\": \"111111111111\"}}\n".into(),
        );
        let finding = Finding {
            rule: "assume-role-any-resource",
            severity: Severity::Error,
            message: "the launcher reaches the prod deploy role".into(),
            primary: Label::new(Span::new(a, 11, 27), "assumes any role"),
            related: vec![
                Label::new(Span::new(a, 41, 44), "1. any role"),
                Label::new(Span::new(b, 23, 37), "2. trusts the whole account"),
            ],
            help: Some("name the roles".into()),
            key: "k".into(),
        };
        let report = Report {
            findings: vec![finding.clone(), finding],
            files: 2,
            policies: 2,
        };
        (report, sources)
    }

    #[test]
    fn chains_render_as_code_flows_with_ids_and_distinct_fingerprints() {
        let (report, sources) = synthetic();
        let mut out = Vec::new();
        write(&report, &sources, &mut out).expect("write");
        let v: serde_json::Value = serde_json::from_slice(&out).expect("json");
        let r = &v["runs"][0]["results"][0];
        assert_eq!(r["relatedLocations"][1]["id"], 2);
        assert_eq!(
            r["relatedLocations"][1]["physicalLocation"]["artifactLocation"]["uri"],
            "roles/deploy%20trust.json"
        );
        let steps = &r["codeFlows"][0]["threadFlows"][0]["locations"];
        assert_eq!(steps.as_array().map(Vec::len), Some(2));
        assert_eq!(steps[0]["location"]["message"]["text"], "1. any role");
        assert_eq!(steps[1]["executionOrder"], 2);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startColumn"], 12);
        assert_eq!(region["endColumn"], 28);
        let f0 = &v["runs"][0]["results"][0]["partialFingerprints"][FINGERPRINT];
        let f1 = &v["runs"][0]["results"][1]["partialFingerprints"][FINGERPRINT];
        assert_ne!(f0, f1);
        let rules = v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules");
        assert_eq!(rules.len(), rules::ALL.len());
        let index = r["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(
            !v.to_string().contains("](invalid-policy.md)"),
            "relative links in help.markdown"
        );
    }

    /// `IAMCHAIN_SARIF_SYNTHETIC=path cargo test -q sarif_synthetic` writes
    /// the synthetic chain's SARIF for `scripts/validate-sarif`.
    #[test]
    fn sarif_synthetic_chain_file() {
        let Some(path) = std::env::var_os("IAMCHAIN_SARIF_SYNTHETIC") else {
            return;
        };
        let (report, sources) = synthetic();
        let mut out = Vec::new();
        write(&report, &sources, &mut out).expect("write");
        std::fs::write(path, out).expect("write file");
    }
}
