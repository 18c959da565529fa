//! StackSets: one template, many instances, each linted with its own
//! account and parameter values; and the cross-file pass that joins a
//! template with the files that give it values.
//!
//! Three shapes:
//!
//! - an `AWS::CloudFormation::StackSet` resource with an inline
//!   `TemplateBody` (expanded while its file loads, spans into that file) or
//!   a `TemplateURL` that is a path relative to the file (expanded by
//!   [`link`] into the template file's own document, so findings point into
//!   it);
//! - `aws cloudformation describe-stack-set` output (`StackSet.TemplateBody`,
//!   `StackSet.Parameters`), with the instances taken from the JSON files
//!   beside it: `list-stack-instances` output (`Summaries[].Account`) and
//!   `describe-stack-instance` output (`StackInstance.Account`,
//!   `StackInstance.ParameterOverrides`);
//! - a template linted on its own with a parameter file beside it:
//!   `deploy-role.yaml` takes its values from `deploy-role.parameters.json`
//!   (the CLI's `[{"ParameterKey": …, "ParameterValue": …}]`) or
//!   `deploy-role.parameters` (`Key=Value` lines, `#` comments).
//!
//! Each instance's policies carry `account`, `origin` ("stack instance
//! 333333333333 (prod)", named from the config's accounts) and
//! `origin_span` (the account in the deployment targets); a parameter
//! override that decided a resource's `Condition` is kept as provenance.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::load::cloudformation::{self, ExternalStackSet, Pending};
use crate::load::intrinsics::{Given, Instance};
use crate::load::tree::Node;
use crate::load::{Document, TemplateProblem, json, yaml};
use crate::source::{SourceId, SourceMap, Span, Spanned};

/// How an instance is named in messages.
fn origin(account: Option<&str>, config: Option<&Config>) -> String {
    match (account, config) {
        (Some(a), Some(c)) => format!("stack instance {}", c.describe_account(a)),
        (Some(a), None) => format!("stack instance {a}"),
        (None, _) => "stack instance in an unknown account".to_string(),
    }
}

/// `[{ParameterKey, ParameterValue}]` into given values.
fn parameters(node: Option<&Node>, from: &str, out: &mut BTreeMap<String, Given>) {
    for p in node.and_then(Node::as_array).unwrap_or_default() {
        let (Some(k), Some(v)) = (
            p.get("ParameterKey").and_then(Node::as_str),
            p.get("ParameterValue"),
        ) else {
            continue;
        };
        if let Some(value) = v.as_scalar_text() {
            out.insert(
                k.to_string(),
                Given {
                    value: value.into_owned(),
                    span: v.span,
                    from: from.to_string(),
                },
            );
        }
    }
}

/// The instances of a StackSet resource's `StackInstancesGroup`.
fn instances(props: &Node, config: Option<&Config>) -> Vec<Instance> {
    let mut set_level = BTreeMap::new();
    parameters(
        props.get("Parameters"),
        "the StackSet's parameters",
        &mut set_level,
    );
    let mut out = Vec::new();
    for group in props
        .get("StackInstancesGroup")
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        let regions: Vec<&str> = group
            .get("Regions")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .collect();
        let region = (regions.len() == 1).then(|| regions[0].to_string());
        let mut given = set_level.clone();
        parameters(
            group.get("ParameterOverrides"),
            "this instance's parameter overrides",
            &mut given,
        );
        let accounts: Vec<Spanned<String>> = group
            .get("DeploymentTargets")
            .and_then(|t| t.get("Accounts"))
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(|a| {
                a.as_scalar_text()
                    .map(|s| Spanned::new(s.into_owned(), a.span))
            })
            .collect();
        if accounts.is_empty() {
            out.push(Instance {
                region,
                origin: Some(origin(None, config)),
                origin_span: group.get("DeploymentTargets").map(|t| t.span),
                given,
                ..Instance::default()
            });
            continue;
        }
        for a in accounts {
            out.push(Instance {
                account: Some(a.value.clone()),
                region: region.clone(),
                origin: Some(origin(Some(&a.value), config)),
                origin_span: Some(a.span),
                given: given.clone(),
                ..Instance::default()
            });
        }
    }
    if out.is_empty() {
        // No instances declared: lint the template once with the set's values.
        out.push(Instance {
            given: set_level,
            defaults_assumed: true,
            ..Instance::default()
        });
    }
    out
}

/// Expand a StackSet resource (its properties evaluated) into `doc`.
pub fn from_resource(props: &Node, text: &str, doc: &mut Document, config: Option<&Config>) {
    let instances = instances(props, config);
    if let Some(body) = props.get("TemplateBody") {
        expand_body(body, text, &instances, doc, config);
    } else if let Some(url) = props.get("TemplateURL")
        && let Some(u) = url.as_scalar_text()
    {
        // Remote templates (https://, s3://) are not fetched: iamchain reads
        // local files only.
        if !u.contains("://") {
            doc.cfn
                .get_or_insert_with(Pending::default)
                .external
                .push(ExternalStackSet {
                    url: Spanned::new(u.into_owned(), url.span),
                    instances,
                });
        }
    }
}

/// Parse an inline `TemplateBody` string and lint each instance of it.
fn expand_body(
    body: &Node,
    text: &str,
    instances: &[Instance],
    doc: &mut Document,
    config: Option<&Config>,
) {
    let source = body.span.source;
    let parsed = yaml::parse_embedded(body, text, source);
    let root = match parsed {
        Ok(docs) => docs.into_iter().next(),
        Err(e) => {
            let p = TemplateProblem {
                span: e.span,
                message: format!("`TemplateBody` is not a valid template: {}", e.message),
                help: None,
            };
            if !doc.template_problems.contains(&p) {
                doc.template_problems.push(p);
            }
            return;
        }
    };
    let Some(root) = root else { return };
    if !cloudformation::is_template(&root) {
        doc.template_problems.push(TemplateProblem {
            span: body.span,
            message: "`TemplateBody` holds no `Resources`".into(),
            help: None,
        });
        return;
    }
    for s in crate::load::suppress::from_comments_in(body, text) {
        if !doc.suppressions.contains(&s) {
            doc.suppressions.push(s);
        }
    }
    for inst in instances {
        cloudformation::instantiate(&root, text, inst, doc, config);
    }
    doc.embedded.push(root);
}

/// The run's files by absolute path, indexed on first use: a thousand
/// templates with parameter files beside them made a thousand passes over
/// every file, each comparison asking for the current directory.
#[derive(Default)]
struct Known {
    cwd: Option<PathBuf>,
    by_path: Option<std::collections::HashMap<PathBuf, SourceId>>,
}

impl Known {
    /// `path` made absolute as `std::path::absolute` does (`.` components
    /// and repeated separators dropped, `..` kept), with the current
    /// directory asked once.
    fn absolute(&mut self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            return path.components().collect();
        }
        let cwd = self
            .cwd
            .get_or_insert_with(|| std::env::current_dir().unwrap_or_default());
        cwd.join(path).components().collect()
    }

    /// Read a file for the cross-file pass: from the run's sources when it
    /// was loaded (the first with that path), else from disk (adding it).
    fn source_for(&mut self, path: &Path, sources: &mut SourceMap) -> Option<SourceId> {
        if self.by_path.is_none() {
            let mut index = std::collections::HashMap::new();
            for (id, f) in sources.iter() {
                index.entry(self.absolute(&f.path)).or_insert(id);
            }
            self.by_path = Some(index);
        }
        let abs = self.absolute(path);
        if let Some(&id) = self.by_path.as_ref().and_then(|m| m.get(&abs)) {
            return Some(id);
        }
        let text = std::fs::read_to_string(path).ok()?;
        let id = sources.add(path.to_path_buf(), text);
        if let Some(m) = self.by_path.as_mut() {
            m.insert(abs, id);
        }
        Some(id)
    }
}

fn parse_file(id: SourceId, sources: &SourceMap) -> Option<Node> {
    let file = sources.get(id);
    let is_json = file
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || file.text.trim_start().starts_with(['{', '[']);
    if is_json {
        json::parse(&file.text, id).ok()
    } else {
        yaml::parse(&file.text, id).ok()?.into_iter().next()
    }
}

/// A parameter file beside `template`: `<stem>.parameters.json` or
/// `<stem>.parameters`.
/// `listed`: the names [`listings`] found in the template's directory
/// `dir` (`None`: not listed; the names are tried).
fn parameter_file(template: &Path, dir: &Path, listed: Option<&Names>) -> Option<PathBuf> {
    // Most directories of templates hold no parameter file at all.
    if listed.is_some_and(|names| names.is_empty()) {
        return None;
    }
    let stem = template.file_stem()?.to_str()?;
    [
        format!("{stem}.parameters.json"),
        format!("{stem}.parameters"),
    ]
    .into_iter()
    .filter(|n| listed.is_none_or(|names| names.contains(std::ffi::OsStr::new(n))))
    .map(|n| dir.join(n))
    .find(|p| p.is_file())
}

/// The names that may be parameter files (`*.parameters.json`,
/// `*.parameters`) in each directory that holds a template, read once:
/// looking for a template's parameter files by name was two `stat`s per
/// template. Only those names: a folder of a thousand templates is a
/// thousand names to keep and hash otherwise.
type Listings = std::collections::HashMap<PathBuf, Names>;

/// The names kept of one directory.
type Names = std::collections::HashSet<std::ffi::OsString>;

fn listings<'p>(dirs: impl Iterator<Item = &'p Path>) -> Listings {
    let mut dirs: Vec<&Path> = dirs.collect();
    // The templates of one directory come one after another: fewer to sort.
    dirs.dedup();
    dirs.sort();
    dirs.dedup();
    dirs.into_iter()
        .filter_map(|dir| {
            let at = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            // An unreadable directory is not listed: its files are looked
            // for one by one, as before.
            let names = std::fs::read_dir(at)
                .ok()?
                .flatten()
                .map(|e| e.file_name())
                .filter(|n| {
                    let n = n.as_encoded_bytes();
                    n.ends_with(b".parameters.json") || n.ends_with(b".parameters")
                })
                .collect();
            Some((dir.to_path_buf(), names))
        })
        .collect()
}

/// Values from a parameter file: the CLI's JSON list, or `Key=Value` lines.
fn read_parameter_file(id: SourceId, sources: &SourceMap) -> BTreeMap<String, Given> {
    let mut out = BTreeMap::new();
    let file = sources.get(id);
    let from = format!("parameter file {}", crate::engine::slash_path(&file.path));
    if file.text.trim_start().starts_with('[') {
        if let Ok(root) = json::parse(&file.text, id) {
            parameters(Some(&root), &from, &mut out);
        }
        return out;
    }
    let mut offset = 0usize;
    for line in file.text.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = trimmed.split_once('=') {
            let v_start = here + line.find('=').unwrap_or(0) + 1;
            let lead = line[line.find('=').unwrap_or(0) + 1..].len()
                - line[line.find('=').unwrap_or(0) + 1..].trim_start().len();
            let value = v.trim();
            out.insert(
                k.trim().to_string(),
                Given {
                    value: value.to_string(),
                    span: Span::new(id, v_start + lead, v_start + lead + value.len()),
                    from: from.clone(),
                },
            );
        }
    }
    out
}

/// The cross-file pass: parameter files beside templates, StackSets whose
/// template is another file, and StackSets described by CLI output.
pub fn link(documents: &mut Vec<Document>, sources: &mut SourceMap, config: &Config) {
    // Templates referenced by a StackSet are linted per instance, not on their own.
    let mut expanded: Vec<SourceId> = Vec::new();
    let mut known = Known::default();
    let count = documents.len();
    for i in 0..count {
        let Some(external) = documents[i]
            .cfn
            .as_ref()
            .filter(|p| !p.external.is_empty())
            .map(|p| p.external.clone())
        else {
            continue;
        };
        let from = documents[i].source;
        let dir = sources
            .path(from)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for ext in external {
            let path = dir.join(&ext.url.value);
            let Some(id) = path
                .is_file()
                .then(|| known.source_for(&path, sources))
                .flatten()
            else {
                documents[i].template_problems.push(TemplateProblem {
                    span: ext.url.span,
                    message: format!("`TemplateURL` `{}` points to no file", ext.url.value),
                    help: Some("give a path relative to this file, or inline the template as `TemplateBody`".into()),
                });
                continue;
            };
            let Some(root) = parse_file(id, sources) else {
                documents[i].template_problems.push(TemplateProblem {
                    span: ext.url.span,
                    message: format!(
                        "`TemplateURL` `{}` is not a readable template",
                        ext.url.value
                    ),
                    help: None,
                });
                continue;
            };
            let target = match documents.iter().position(|d| d.source == id) {
                Some(t) => t,
                None => {
                    documents.push(Document {
                        source: id,
                        roots: vec![root.clone()],
                        parsed: true,
                        ..Document::default()
                    });
                    documents.len() - 1
                }
            };
            let doc = &mut documents[target];
            if !expanded.contains(&id) {
                reset(doc);
                expanded.push(id);
            }
            let text = sources.get(id).text.clone();
            for inst in &ext.instances {
                cloudformation::instantiate(&root, &text, inst, doc, Some(config));
            }
        }
    }
    // Parameter files beside templates: looked for in the listings of
    // their directories.
    let parameter_files: Vec<Option<PathBuf>> = {
        let sources: &SourceMap = sources;
        // Each template with its directory, worked out once.
        let templates: Vec<Option<(&Path, &Path)>> = documents
            .iter()
            .map(|doc| {
                doc.cfn
                    .as_ref()
                    .filter(|p| p.template && !expanded.contains(&doc.source))
                    .map(|_| {
                        let t = sources.path(doc.source);
                        (t, t.parent().unwrap_or(Path::new("")))
                    })
            })
            .collect();
        let listed = listings(templates.iter().flatten().map(|&(_, dir)| dir));
        // The templates of one directory come one after another: its
        // listing is looked up (a path hashed) once for them.
        let mut last: Option<(&Path, Option<&Names>)> = None;
        templates
            .into_iter()
            .map(|t| {
                let (t, dir) = t?;
                let names = match last {
                    Some((d, names)) if d.as_os_str() == dir.as_os_str() => names,
                    _ => listed.get(dir),
                };
                last = Some((dir, names));
                parameter_file(t, dir, names)
            })
            .collect()
    };
    for (doc, parameters) in documents.iter_mut().zip(parameter_files) {
        let Some(cli_stack_set_output) = doc.cfn.as_ref().map(|p| p.cli_stack_set) else {
            continue;
        };
        if let Some(p) = parameters
            && let Some(id) = known.source_for(&p, sources)
        {
            let given = read_parameter_file(id, sources);
            reset(doc);
            let file = sources.get(doc.source);
            let text = file.text.clone();
            if doc.roots.is_empty() && doc.parsed {
                // Dropped once modelled (see `engine::analyse`).
                doc.roots = super::parse_again(&file.path, &text, doc.source);
            }
            cloudformation::load_with(&text, doc.source, doc, Some(config), given);
        }
        if cli_stack_set_output {
            cli_stack_set(doc, sources, &mut known, config);
        }
    }
}

/// Drop a template's own instantiation before linting it again.
fn reset(doc: &mut Document) {
    doc.policies.clear();
    doc.principals.clear();
    *doc.resources = Default::default();
    doc.template_problems.clear();
    doc.embedded.clear();
}

/// A target account from CLI output: where it is written, its overrides, its region.
type Target = (Span, BTreeMap<String, Given>, Option<String>);

/// `describe-stack-set` output with its instances from the files beside it.
fn cli_stack_set(doc: &mut Document, sources: &mut SourceMap, known: &mut Known, config: &Config) {
    let Some(root) = doc.roots.first().cloned() else {
        return;
    };
    let Some(set) = root.get("StackSet") else {
        return;
    };
    let Some(body) = set.get("TemplateBody") else {
        return;
    };
    let set_id = set
        .get("StackSetId")
        .and_then(Node::as_str)
        .map(str::to_string);
    let mut set_level = BTreeMap::new();
    parameters(
        set.get("Parameters"),
        "the StackSet's parameters",
        &mut set_level,
    );
    let dir = sources
        .path(doc.source)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &dir
    })
    .map(|rd| rd.flatten().map(|e| e.path()).collect())
    .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    // account → (span of the account, overrides)
    let mut accounts: BTreeMap<String, Target> = BTreeMap::new();
    let own = std::path::absolute(sources.path(doc.source)).ok();
    for f in files {
        if std::path::absolute(&f).ok() == own {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        if !text.contains("StackSetId") {
            continue;
        }
        let Some(id) = known.source_for(&f, sources) else {
            continue;
        };
        let Ok(node) = json::parse(&sources.get(id).text, id) else {
            continue;
        };
        let same_set = |n: &Node| match (n.get("StackSetId").and_then(Node::as_str), &set_id) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        for s in node
            .get("Summaries")
            .and_then(Node::as_array)
            .unwrap_or_default()
        {
            if let Some(a) = s.get("Account").filter(|_| same_set(s))
                && let Some(acct) = a.as_str()
            {
                let region = s.get("Region").and_then(Node::as_str).map(str::to_string);
                accounts
                    .entry(acct.to_string())
                    .or_insert_with(|| (a.span, BTreeMap::new(), region));
            }
        }
        if let Some(si) = node.get("StackInstance").filter(|s| same_set(s))
            && let Some(a) = si.get("Account")
            && let Some(acct) = a.as_str()
        {
            let region = si.get("Region").and_then(Node::as_str).map(str::to_string);
            let entry = accounts
                .entry(acct.to_string())
                .or_insert_with(|| (a.span, BTreeMap::new(), region));
            parameters(
                si.get("ParameterOverrides"),
                "this instance's parameter overrides",
                &mut entry.1,
            );
        }
    }
    let instances: Vec<Instance> = if accounts.is_empty() {
        vec![Instance {
            given: set_level,
            defaults_assumed: true,
            ..Instance::default()
        }]
    } else {
        accounts
            .into_iter()
            .map(|(acct, (span, overrides, region))| {
                let mut given = set_level.clone();
                given.extend(overrides);
                Instance {
                    origin: Some(origin(Some(&acct), Some(config))),
                    account: Some(acct),
                    region,
                    origin_span: Some(span),
                    given,
                    ..Instance::default()
                }
            })
            .collect()
    };
    let text = sources.get(doc.source).text.clone();
    expand_body(body, &text, &instances, doc, Some(config));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_paths_are_made_absolute_as_std_does() {
        let mut known = Known::default();
        for p in [
            "a.json",
            "./a.json",
            "dir/./b.yaml",
            "dir//b.yaml",
            "../up/c.json",
            "dir/",
            "/abs/./x.json",
            "/abs//y.json",
        ] {
            let p = Path::new(p);
            assert_eq!(
                Some(known.absolute(p)),
                std::path::absolute(p).ok(),
                "{}",
                p.display()
            );
        }
    }

    #[test]
    fn parameter_files_are_found_through_the_listing_and_only_if_they_exist() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::write(d.join("app.yaml"), "x").expect("write");
        std::fs::write(d.join("app.parameters.json"), "[]").expect("write");
        std::fs::write(d.join("other.yaml"), "x").expect("write");
        std::fs::create_dir(d.join("dir.parameters")).expect("mkdir");
        std::fs::write(d.join("dir.yaml"), "x").expect("write");
        let listed = listings([d].into_iter());
        assert_eq!(
            parameter_file(&d.join("app.yaml"), d, listed.get(d)),
            Some(d.join("app.parameters.json"))
        );
        assert_eq!(
            parameter_file(&d.join("other.yaml"), d, listed.get(d)),
            None
        );
        // A directory of that name is no parameter file.
        assert_eq!(parameter_file(&d.join("dir.yaml"), d, listed.get(d)), None);
        // Without a listing (an unreadable directory), names are tried.
        assert_eq!(
            parameter_file(&d.join("app.yaml"), d, None),
            Some(d.join("app.parameters.json"))
        );
        // The listing keeps only the names a parameter file can have.
        let mut kept: Vec<_> = listed[d].iter().cloned().collect();
        kept.sort();
        assert_eq!(kept, ["app.parameters.json", "dir.parameters"]);
    }

    #[test]
    fn a_directory_without_parameter_files_gives_none() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        let sub = d.join("sub");
        std::fs::create_dir(&sub).expect("mkdir");
        std::fs::write(d.join("app.yaml"), "x").expect("write");
        std::fs::write(d.join("app.json"), "{}").expect("write");
        // A parameter file in another directory is not this one's.
        std::fs::write(sub.join("app.parameters.json"), "[]").expect("write");
        let listed = listings([d, d, sub.as_path(), d].into_iter());
        assert!(listed[d].is_empty());
        assert_eq!(listed.len(), 2);
        assert_eq!(parameter_file(&d.join("app.yaml"), d, listed.get(d)), None);
        assert_eq!(
            parameter_file(&sub.join("app.yaml"), &sub, listed.get(sub.as_path())),
            Some(sub.join("app.parameters.json"))
        );
    }
}
