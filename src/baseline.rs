//! Baselines: adopt iamchain on a repository with existing findings and
//! report only new ones.
//!
//! `iamchain lint --write-baseline FILE` records every finding's meaning key
//! ([`crate::locate`]: rule, policy identity, statement `Sid`, offending
//! value — no path, no line) with how often it occurs; `--baseline FILE`
//! then drops up to that many findings per key. Moving a policy to another
//! file or reformatting it keeps its keys, so nothing comes back; a second
//! copy of a baselined value is new and is reported. `--since REF` uses the
//! same counting against the findings of an older tree.
//!
//! The file is JSON, version 1:
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": "iamchain 0.1.0",
//!   "findings": [
//!     {"key": "wildcard-action|identity policy|Logs|logs:*", "rule": "wildcard-action",
//!      "count": 1, "message": "`logs:*` allows …", "path": "roles/app.json"}
//!   ]
//! }
//! ```
//!
//! Only `key` and `count` are read back; `rule`, `message` and `path` (where
//! the first occurrence was) are there for people reviewing the file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Finding;
use crate::engine::slash_path;
use crate::source::SourceMap;

/// The baseline format version this build reads and writes.
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    #[serde(default)]
    tool: String,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    #[serde(default = "one")]
    count: usize,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    path: String,
}

fn one() -> usize {
    1
}

/// How many findings have each meaning key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyCounts(BTreeMap<String, usize>);

impl KeyCounts {
    /// Count the keys of `findings`.
    pub fn of(findings: &[Finding]) -> Self {
        let mut map = BTreeMap::new();
        for f in findings {
            *map.entry(f.key.clone()).or_insert(0) += 1;
        }
        KeyCounts(map)
    }

    /// Drop from `findings` up to as many findings per key as are known;
    /// return how many were dropped.
    pub fn remove_known(&self, findings: &mut Vec<Finding>) -> usize {
        let mut left = self.0.clone();
        let before = findings.len();
        findings.retain(|f| match left.get_mut(&f.key) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
        before - findings.len()
    }
}

/// Write a baseline of `findings` to `path`.
pub fn write(path: &Path, findings: &[Finding], sources: &SourceMap) -> std::io::Result<()> {
    let mut entries: BTreeMap<&str, Entry> = BTreeMap::new();
    for f in findings {
        entries
            .entry(&f.key)
            .and_modify(|e| e.count += 1)
            .or_insert_with(|| Entry {
                key: f.key.clone(),
                count: 1,
                rule: f.rule.to_string(),
                message: f.message.clone(),
                path: sources
                    .try_get(f.primary.span.source)
                    .map(|s| slash_path(&s.path))
                    .unwrap_or_default(),
            });
    }
    let file = File {
        version: VERSION,
        tool: format!("iamchain {}", env!("CARGO_PKG_VERSION")),
        findings: entries.into_values().collect(),
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(std::io::Error::other)?;
    text.push('\n');
    std::fs::write(path, text)
}

/// Read a baseline file.
pub fn load(path: &Path) -> Result<KeyCounts, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    let version: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("baseline {} is not JSON: {e}", path.display()))?;
    match version.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return Err(format!(
                "baseline {} has version {v}; this iamchain reads version {VERSION}: write it again with --write-baseline",
                path.display()
            ));
        }
        None => return Err(format!("baseline {} has no `version`", path.display())),
    }
    let file: File = serde_json::from_value(version)
        .map_err(|e| format!("baseline {} is invalid: {e}", path.display()))?;
    let mut map = BTreeMap::new();
    for e in file.findings {
        *map.entry(e.key).or_insert(0) += e.count;
    }
    Ok(KeyCounts(map))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Label, Severity};
    use crate::source::Span;

    fn finding(key: &str) -> Finding {
        Finding {
            rule: "wildcard-action",
            severity: Severity::Warning,
            message: "m".into(),
            primary: Label::new(Span::default(), ""),
            related: Vec::new(),
            help: None,
            key: key.into(),
        }
    }

    #[test]
    fn known_keys_are_counted_not_just_present() {
        let known = KeyCounts::of(&[finding("a"), finding("b")]);
        let mut now = vec![finding("a"), finding("a"), finding("c")];
        assert_eq!(known.remove_known(&mut now), 1);
        let left: Vec<&str> = now.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(left, ["a", "c"]);
    }

    #[test]
    fn files_round_trip_and_other_versions_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("b.json");
        let mut sources = SourceMap::new();
        sources.add("x.json", String::new());
        write(&path, &[finding("a"), finding("a")], &sources).expect("write");
        assert_eq!(
            load(&path).expect("load"),
            KeyCounts(BTreeMap::from([("a".to_string(), 2)]))
        );
        std::fs::write(&path, r#"{"version": 2, "findings": []}"#).expect("write");
        assert!(load(&path).expect_err("v2").contains("version 2"));
    }
}
