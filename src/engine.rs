//! One run: read the discovered files in parallel, load and model them, run
//! every enabled rule, apply the configured ignores, and sort the findings.
//!
//! Each file is read, parsed and checked on its own (rayon), and a panic in
//! one file's work becomes a finding on that file instead of ending the run:
//! a bug in iamchain must not hide the results for every other file.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Finding, Report};
use crate::discover::{Candidate, WalkError};
use crate::load::{self, Document, LoadError, LoadErrorKind};
use crate::principals;
use crate::rules::{self, Context};
use crate::source::{SourceId, SourceMap, Span};

/// How many policies every rule checks before the next ones: a few hundred
/// statements, which fit in a core's cache. Also the size of the runs of
/// documents and of principals: a folder of small policy files is a few
/// tasks per rule, not one per file and rule.
const POLICY_RUN: usize = 64;

/// Input size from which account exports' trees are dropped once modelled
/// (see `analyse`): below it they take less memory than the rest of a run.
const DROP_TREES_FROM: usize = 64 << 20;

/// Files up to this size have their trees dropped once modelled in a run
/// of more files than threads, whatever the run's size (see `analyse`).
const SMALL_TREE: usize = 256 << 10;

/// The number in the environment variable `var`, or `default`: the tests'
/// way to take a path that only large inputs take (`IAMCHAIN_…`).
pub(crate) fn tuned<T: std::str::FromStr>(var: &str, default: T) -> T {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Files read so far in this process, for the progress line on a terminal.
pub static FILES_READ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Files loaded (parsed and modelled) so far, for the progress line.
pub static FILES_LOADED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Files larger than this are not read (reported by `unreadable-file`).
/// An account export of 50,000 roles is some 350 MB; a file twice that is
/// more likely a mistake than an input, and would need several GB to hold.
pub const MAX_FILE_SIZE: u64 = 512 * 1024 * 1024;

/// Strings at least one of which appears in any file iamchain can analyse.
/// Files found by walking that contain none are not IAM input and are
/// skipped unread by the parsers (a `package.json` is not a policy).
const MARKERS: &[&str] = &[
    "Statement",
    "AWSTemplateFormatVersion",
    "AWS::",
    "RoleDetailList",
    "PolicyDocument",
    "AttachedPolicies",
    "aws-auth",
    "eks.amazonaws.com",
    // Organizations exports.
    "\"Organization\"",
    "\"Accounts\"",
    "\"Roots\"",
    "\"OrganizationalUnits\"",
    "\"Targets\"",
    "\"AttachedPolicies\"",
    "StackSetId",
    "accessEntry",
    "associatedAccessPolicies",
    "podidentityassociation",
    "LaunchTemplateData",
    // IAM list outputs, read in part and reported by `incomplete-export`.
    "\"UserName\"",
    "\"GroupName\"",
    "\"DefaultVersionId\"",
    "\"PolicyNames\"",
    "\"InstanceProfileName\"",
];

/// The result of a run.
pub struct Run {
    /// Every file read.
    pub sources: SourceMap,
    /// What was found.
    pub report: Report,
    /// The principal graph, when `config.graph_request` asked for it.
    pub view: Option<crate::graph::view::View>,
    /// Per-account summary (`--format summary`).
    pub accounts: Vec<crate::graph::summary::AccountSummary>,
    /// The loaded documents, for callers that look further (and so that
    /// the CLI can skip freeing them: dropping millions of tree nodes at
    /// exit costs as much as building them).
    pub documents: Vec<Document>,
}

struct Read {
    path: PathBuf,
    hint: PathBuf,
    text: String,
    /// The text's line starts, indexed by the reading thread.
    lines: crate::source::LineIndex,
    error: Option<LoadError>,
}

impl Read {
    fn new(candidate: &Candidate, text: String, error: Option<LoadError>) -> Self {
        Read {
            path: candidate.path.clone(),
            hint: candidate.hint.clone(),
            lines: crate::source::LineIndex::new(&text),
            text,
            error,
        }
    }
}

/// Up to how many bytes of input a run reads and checks on the main thread
/// alone ([`crate::threads`]): six account exports of 1 MB were 0.6 ms
/// slower so.
const ALONE_BELOW: usize = 512 << 10;

/// Up to how many files a run may be read on the main thread alone: with
/// more, opening, reading and checking them is worth a second core,
/// however small they are, and reading the first of them in turn to
/// learn their size would hold the run up (1,000 templates: 55 → 61 ms).
/// By alternating runs over the first n of the corpus policy files, in
/// four hours of one day (on one thread → on two): 64 files +0.5 ms,
/// 96 +0.5, 128 −0.5 to +0.1, 192 −0.7, all 265 −2.1 to +0.2 (11.0 →
/// 10.5 ms in the last of them). A pre-commit hook's few files stay on
/// one thread.
const ALONE_FILES: usize = 128;

/// Lint the discovered files.
pub fn run(
    candidates: &[Candidate],
    walk_errors: &[WalkError],
    config: &Config,
    sources: SourceMap,
) -> Run {
    let phases = crate::timings::Phases::start();
    // The first files in turn, while the input is small: a small run is
    // done on this thread; the rest of a larger one on every core.
    let below = tuned("IAMCHAIN_ALONE_BELOW", ALONE_BELOW);
    let few = candidates.len() <= ALONE_FILES;
    let mut reads: Vec<Option<Read>> = Vec::with_capacity(candidates.len());
    let mut bytes = 0;
    let mut rest = candidates;
    while few
        && bytes < below
        && let Some((first, more)) = rest.split_first()
    {
        let r = read(first);
        bytes += r.as_ref().map_or(0, |r| r.text.len());
        reads.push(r);
        rest = more;
    }
    if rest.is_empty() && bytes < below {
        return finish(reads, walk_errors, candidates, config, sources, phases);
    }
    crate::threads::wide(move || {
        reads.par_extend(rest.par_iter().map(read));
        finish(reads, walk_errors, candidates, config, sources, phases)
    })
}

/// [`run`] once the files are read.
fn finish(
    reads: Vec<Option<Read>>,
    walk_errors: &[WalkError],
    candidates: &[Candidate],
    config: &Config,
    mut sources: SourceMap,
    mut phases: crate::timings::Phases,
) -> Run {
    phases.mark("read");
    let mut ids: Vec<(SourceId, PathBuf, Option<LoadError>)> = Vec::with_capacity(reads.len());
    sources.reserve(reads.len() + walk_errors.len());
    for r in reads.into_iter().flatten() {
        let id = sources.add_indexed(r.path, r.text, r.lines);
        ids.push((
            id,
            r.hint,
            r.error.map(|e| LoadError {
                span: Span {
                    source: id,
                    ..e.span
                },
                ..e
            }),
        ));
    }
    let mut walk_docs = Vec::new();
    for w in walk_errors {
        let id = sources.add(w.path.clone(), String::new());
        walk_docs.push(Document {
            source: id,
            errors: vec![LoadError {
                kind: LoadErrorKind::Io,
                span: Span::file_start(id),
                message: w.message.clone(),
            }],
            ..Document::default()
        });
    }
    // Files named on the command line are a subset chosen by the caller
    // (pre-commit): ignores for other files cannot be judged unused.
    let complete = !candidates.iter().any(|c| c.named);
    analyse(sources, ids, walk_docs, config, complete, phases)
}

/// Lint files given as text (documentation examples, tests, stdin).
pub fn run_texts(files: Vec<(PathBuf, String)>, config: &Config) -> Run {
    run_texts_in(SourceMap::new(), files, config)
}

/// Lint files given as text, adding them to `sources`, which already holds
/// the config file when `config` came from one (so findings about the
/// config can point into it).
pub fn run_texts_in(mut sources: SourceMap, files: Vec<(PathBuf, String)>, config: &Config) -> Run {
    let ids = files
        .into_iter()
        .map(|(path, text)| (sources.add(path.clone(), text), path, None))
        .collect();
    let phases = crate::timings::Phases::start();
    analyse(sources, ids, Vec::new(), config, true, phases)
}

fn analyse(
    mut sources: SourceMap,
    ids: Vec<(SourceId, PathBuf, Option<LoadError>)>,
    mut extra: Vec<Document>,
    config: &Config,
    complete: bool,
    mut phases: crate::timings::Phases,
) -> Run {
    let sources_ref = &sources;
    // With more files than threads, an account export's trees are dropped
    // as soon as it is modelled and the rules that read trees have run on
    // it: of a hundred exports, only the ones in hand hold a tree (4.0 →
    // 2.6 GB for a 100-account organization). With fewer, or with less
    // input than `DROP_TREES_FROM`, freeing them would only cost time (a
    // tenth of a run over a few exports of a megabyte).
    // A small file's tree (up to `SMALL_TREE`) is dropped too, whatever
    // its kind: the next file's parse on the same thread reuses its memory,
    // where every tree kept made each parse touch fresh pages, a page fault
    // each (265 policy files: 635 → 538 faults, 8 % less CPU time, 4 % less
    // wall time by alternating runs; 1,000 templates: 4,163 → 2,624).
    // After this, the file's tree (`roots`) is read only by
    // `stackset::link`: `describe-stack-set` output keeps it, and a
    // template instantiated again with a parameter file is parsed again;
    // the embedded documents' trees (`embedded`) only by the tree-reading
    // rules, which run here first — except on templates, which `link` may
    // instantiate again with other values (different embedded documents):
    // they keep theirs for the rules' pass after it. All documents keep
    // their trees when ignores select findings by JSON pointer, which
    // resolve it in the trees.
    let input: usize = ids.iter().map(|(id, ..)| sources.get(*id).text.len()).sum();
    let many = ids.len() > rayon::current_num_threads()
        && !config.ignores.iter().any(|i| i.pointer.is_some());
    let drop_exports = many && input >= tuned("IAMCHAIN_DROP_TREES_FROM", DROP_TREES_FROM);
    let tree_rules: Vec<Enabled> = enabled_rules(config)
        .into_iter()
        .filter(|(r, _)| r.reads_trees())
        .collect();
    // Written in place into vectors of the right length: `unzip` gathers
    // pieces and copies them, through fresh memory, into a vector grown
    // by doubling.
    let mut documents: Vec<Document> = Vec::new();
    let mut early: Vec<Vec<Finding>> = Vec::new();
    ids.into_par_iter()
        .map(|(id, hint, error)| {
            let file = sources_ref.get(id);
            let mut doc = match error {
                Some(e) => Document {
                    source: id,
                    errors: vec![e],
                    ..Document::default()
                },
                None => guarded(id, || {
                    load::load_document_with(&file.path, &hint, &file.text, id, Some(config))
                }),
            };
            FILES_LOADED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut early = Vec::new();
            let drop = many
                && !doc.cfn.as_ref().is_some_and(|p| p.cli_stack_set)
                && ((doc.export && drop_exports) || file.text.len() <= SMALL_TREE);
            if drop && doc.cfn.is_none() {
                for e in &tree_rules {
                    early.extend(run_rule(sources_ref, config, id, e, &|rule, cx| {
                        rule.check_document(&doc, cx)
                    }));
                }
                doc.embedded = Vec::new();
                // Reported: the later pass of every rule finds none again.
                doc.duplicate_keys = Vec::new();
            }
            if drop {
                doc.roots = Vec::new();
            }
            (doc, early)
        })
        .unzip_into_vecs(&mut documents, &mut early);
    let mut early: Vec<Finding> = early.into_iter().flatten().collect();
    phases.mark("load");
    documents.append(&mut extra);
    // Joins templates with the files that give them values (parameter
    // files, StackSet instances); may read files the walk did not yield.
    if catch_unwind(AssertUnwindSafe(|| {
        load::stackset::link(&mut documents, &mut sources, config)
    }))
    .is_err()
    {
        extra_error(&mut documents);
    }
    phases.mark("stacksets");
    let discovered = with_exported_accounts(config, &documents);
    let config = discovered.as_ref().unwrap_or(config);
    let added = principals::managed_sources(&documents, &mut sources);
    phases.mark("managed");
    // Filled by the graph's side of the rules below, which borrows it.
    let managed = std::sync::OnceLock::new();
    let sources_ref = &sources;

    let enabled = enabled_rules(config);
    let run_rule =
        |source: SourceId, e: &Enabled, f: &Hook<'_>| run_rule(sources_ref, config, source, e, f);
    // Rules are independent of each other: the graph rules of a large
    // export (chain searches) run side by side.
    let check = |source: SourceId, f: &Hook<'_>| {
        enabled
            .par_iter()
            .flat_map_iter(|e| run_rule(source, e, f))
            .collect::<Vec<_>>()
    };
    // Documents and rules in parallel: one large export is one document,
    // and its rules are independent of each other. Its policies go in
    // short runs, each checked by every rule before the next: a run stays
    // in cache, where an export's whole model (hundreds of MB) read once
    // per rule was most of the time.
    // The graph is built (one thread) while the document rules run.
    let (mut findings, graph) = rayon::join(
        || {
            let enabled = &enabled;
            let whole = documents.par_chunks(POLICY_RUN).flat_map(|docs| {
                enabled.par_iter().flat_map_iter(move |e| {
                    run_rule_each(
                        sources_ref,
                        config,
                        e,
                        docs,
                        |d| d.source,
                        |rule, doc, cx| rule.check_document(doc, cx),
                    )
                })
            });
            // Not AWS managed policies (see `rules::check_policies`).
            let policies: Vec<(SourceId, &load::PolicyDoc)> = documents
                .iter()
                .flat_map(|d| {
                    d.policies
                        .iter()
                        .filter(|p| !p.is_aws_managed())
                        .map(|p| (d.source, p))
                })
                .collect();
            let run_len = crate::runs::run_len(policies.len(), POLICY_RUN);
            let policies = policies.par_chunks(run_len).flat_map_iter(|run| {
                every_rule_each(
                    sources_ref,
                    config,
                    enabled,
                    run,
                    |(s, _)| *s,
                    |rule, (_, p), cx| rules::check_policies(rule, std::slice::from_ref(*p), cx),
                )
            });
            whole.chain(policies).collect::<Vec<Finding>>()
        },
        // The rules on principals and on the graph need the graph only: they
        // run as soon as it is built, beside the document rules (one large
        // principal — a folder of policy files — no longer waits for them).
        || {
            // Parsed here, beside the document rules (which do not read
            // them), not before everything.
            let managed = managed
                .get_or_init(|| principals::resolve_managed(&documents, &added, sources_ref));
            let graph = crate::graph::build(
                principals::group(&documents, managed, sources_ref),
                &documents,
                config,
            );
            // Principals in runs, like policies: every rule on a run before
            // the next, not one parallel task per principal and rule. The
            // graph rules (chain searches) run beside them.
            let (mut found, mut on_graph) = rayon::join(
                || {
                    graph
                        .principals
                        .par_chunks(crate::runs::run_len(graph.principals.len(), POLICY_RUN))
                        .flat_map_iter(|principals| {
                            let source_of = |p: &principals::PrincipalPolicies<'_>| {
                                p.policies
                                    .first()
                                    .map(|d| d.policy.span.source)
                                    .or_else(|| p.managed.first().map(|m| m.span.source))
                                    .unwrap_or_default()
                            };
                            every_rule_each(
                                sources_ref,
                                config,
                                &enabled,
                                principals,
                                source_of,
                                |rule, p, cx| rule.check_principal(p, cx),
                            )
                        })
                        .collect::<Vec<Finding>>()
                },
                || {
                    check(SourceId::default(), &|rule, cx| {
                        rule.check_graph(&graph, cx)
                    })
                },
            );
            found.append(&mut on_graph);
            (graph, found)
        },
    );
    let (graph, mut graph_findings) = graph;
    findings.append(&mut early);
    findings.append(&mut graph_findings);
    phases.mark("rules");
    apply_suppressions(&mut findings, &documents);
    let first = documents.first().map(|d| d.source).unwrap_or_default();
    findings.extend(check(first, &|rule, cx| rule.check_run(&documents, cx)));
    let mut unused = apply_ignores(&mut findings, &documents, config, &sources, complete);
    findings.append(&mut unused);
    // One index of where each finding sits, for its meaning key and for the
    // per-account summary.
    let sites =
        (!config.skip_keys || !config.skip_summary).then(|| crate::locate::Sites::new(&documents));
    if let Some(sites) = sites.as_ref().filter(|_| !config.skip_keys) {
        crate::locate::assign_keys(&mut findings, sites, &sources);
    }
    phases.mark("keys");
    let view = config.graph_request.as_ref().map(|req| {
        let flagged = flagged_nodes(&graph, &findings);
        let mut view = crate::graph::view::snapshot(&graph, config, &flagged);
        if req.from.is_some() || req.to.is_some() {
            crate::graph::view::restrict(&graph, &mut view, req.from.as_deref(), req.to.as_deref());
        }
        view
    });
    let mut report = Report {
        findings,
        files: documents.len(),
        policies: documents.iter().map(|d| d.policies.len()).sum(),
    };
    report.sort(&sources);
    phases.mark("sort");
    // After the sort, which drops repeats (a YAML alias repeats its
    // anchor's findings): the summary counts what the report lists.
    let accounts = match &sites {
        Some(sites) if !config.skip_summary => {
            crate::graph::summary::summarise(&graph, sites, config, &report.findings)
        }
        _ => Vec::new(),
    };
    phases.mark("summary");
    drop(graph);
    Run {
        sources,
        report,
        view,
        accounts,
        documents,
    }
}

/// Nodes a finding points at: its span lies in the principal's definition,
/// or on the evidence of an edge into or out of it.
fn flagged_nodes(
    g: &crate::graph::PrincipalGraph<'_>,
    findings: &[Finding],
) -> std::collections::BTreeSet<String> {
    let inside = |outer: Span, inner: Span| {
        outer.source == inner.source && outer.start <= inner.start && inner.end <= outer.end
    };
    let mut out = std::collections::BTreeSet::new();
    for n in g.nodes() {
        let node = g.at(n);
        let def_span = node.definition.map(|d| d.span);
        let edge_spans: Vec<Span> = g
            .incoming(n)
            .iter()
            .filter_map(|(_, e)| e.trust.as_ref().map(|l| l.span))
            .collect();
        if findings.iter().any(|f| {
            def_span.is_some_and(|d| inside(d, f.primary.span))
                || edge_spans.contains(&f.primary.span)
        }) {
            out.insert(node.id.clone());
        }
    }
    out
}

/// The config plus the account names Organizations exports give, for
/// accounts the config does not describe (their environment is then guessed
/// from the name: `acme-prod` is Prod). `None` when there is nothing to add.
fn with_exported_accounts(config: &Config, documents: &[Document]) -> Option<Config> {
    let names: Vec<(&str, &str)> = documents
        .iter()
        .flat_map(|d| &d.org_nodes)
        .filter(|n| n.kind == crate::model::OrgNodeKind::Account)
        .filter_map(|n| Some((n.id.value.as_str(), n.name.as_deref()?)))
        .filter(|(id, _)| !config.accounts.contains_key(*id))
        .collect();
    if names.is_empty() {
        return None;
    }
    let mut c = config.clone();
    for (id, name) in names {
        c.accounts.insert(
            id.to_string(),
            crate::config::Account {
                name: Some(name.to_string()),
                environment: None,
            },
        );
    }
    Some(c)
}

/// A panic in the cross-file pass: say so on the first file rather than end the run.
fn extra_error(documents: &mut [Document]) {
    if let Some(d) = documents.first_mut() {
        d.errors.push(LoadError {
            kind: LoadErrorKind::Io,
            span: Span::file_start(d.source),
            message: "internal error while joining templates with their StackSet instances; this is a bug in iamchain, please report it".into(),
        });
    }
}

/// Run a loader, turning a panic into a load error on the file.
/// An enabled rule and the severity it reports with.
type Enabled = (&'static dyn rules::Rule, crate::diagnostic::Severity);

/// What a rule is run on: a closure handing it a context.
type Hook<'h> = dyn Fn(&dyn rules::Rule, &mut Context<'_>) + Sync + 'h;

fn enabled_rules(config: &Config) -> Vec<Enabled> {
    rules::ALL
        .iter()
        .copied()
        .filter(|r| config.is_enabled(r.meta()))
        .map(|r| (r, config.severity(r.meta())))
        .collect()
}

/// Run one enabled rule over one unit of work; a panicking rule becomes a
/// finding on `source` instead of ending the run.
fn run_rule(
    sources: &SourceMap,
    config: &Config,
    source: SourceId,
    enabled: &Enabled,
    f: &Hook<'_>,
) -> Vec<Finding> {
    run_rule_each(
        sources,
        config,
        enabled,
        &[source],
        |s| *s,
        |rule, _, cx| f(rule, cx),
    )
}

/// Every enabled rule, one after the other, over the same run of `items`
/// (see [`run_rule_each`]): the run stays in cache while the rules read it.
fn every_rule_each<T>(
    sources: &SourceMap,
    config: &Config,
    enabled: &[Enabled],
    items: &[T],
    source_of: impl Fn(&T) -> SourceId + Copy,
    f: impl for<'c> Fn(&dyn rules::Rule, &'c T, &mut Context<'c>) + Copy,
) -> Vec<Finding> {
    enabled
        .iter()
        .flat_map(|e| run_rule_each(sources, config, e, items, source_of, f))
        .collect()
}

/// Run one enabled rule over each of `items` with one context; a panic on
/// an item becomes a finding on its source (`source_of`), and the rule
/// goes on with the next item.
fn run_rule_each<T>(
    sources: &SourceMap,
    config: &Config,
    (rule, severity): &Enabled,
    items: &[T],
    source_of: impl Fn(&T) -> SourceId,
    // The item outlives the context: a rule may borrow from it while it
    // reports (see `Context::enter_borrowed_policy`).
    f: impl for<'c> Fn(&dyn rules::Rule, &'c T, &mut Context<'c>),
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut failed = Vec::new();
    let mut cx = Context::new(rule.meta(), *severity, sources, config, &mut out);
    for item in items {
        if catch_unwind(AssertUnwindSafe(|| f(*rule, item, &mut cx))).is_err() {
            // It may have panicked inside a policy.
            cx.leave_policy();
            failed.push(internal_error(source_of(item), rule.meta().name));
        }
    }
    out.append(&mut failed);
    out
}

fn guarded(id: SourceId, f: impl FnOnce() -> Document) -> Document {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Document {
        source: id,
        errors: vec![LoadError {
            kind: LoadErrorKind::Io,
            span: Span::file_start(id),
            message: "internal error while loading this file; this is a bug in iamchain, please report it".into(),
        }],
        ..Document::default()
    })
}

fn internal_error(source: SourceId, rule: &str) -> Finding {
    Finding {
        rule: "unreadable-file",
        severity: crate::diagnostic::Severity::Error,
        message: format!(
            "internal error in rule `{rule}` on this file; this is a bug in iamchain, please report it"
        ),
        primary: crate::diagnostic::Label::new(Span::file_start(source), ""),
        related: Vec::new(),
        help: None,
        key: String::new(),
    }
}

/// The text of a UTF-16 file with a byte order mark (unpaired surrogates
/// replaced), or `None` for any other file.
fn utf16_text(bytes: &[u8]) -> Option<String> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units = bytes.get(2..)?.chunks_exact(2).map(|c| {
        let pair = [c[0], c[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

fn read(candidate: &Candidate) -> Option<Read> {
    FILES_READ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = &candidate.path;
    let fail = |message: String| {
        Some(Read::new(
            candidate,
            String::new(),
            Some(LoadError {
                kind: LoadErrorKind::Io,
                span: Span::default(),
                message,
            }),
        ))
    };
    // One open and one `fstat` per file (not a `stat` by path and then
    // `std::fs::read`'s own): hundreds of small files are mostly syscalls.
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return fail(format!("cannot read file: {}", io_message(&e))),
    };
    let size = match file.metadata() {
        Ok(m) if m.len() > MAX_FILE_SIZE => {
            return fail(format!(
                "file is {} MiB, larger than the {} MiB iamchain reads",
                m.len() / (1024 * 1024),
                MAX_FILE_SIZE / (1024 * 1024)
            ));
        }
        Ok(m) => m.len(),
        Err(e) => return fail(format!("cannot read file: {}", io_message(&e))),
    };
    let bytes = match read_bytes(file, size) {
        Ok(b) => b,
        Err(e) => return fail(format!("cannot read file: {}", io_message(&e))),
    };
    // A UTF-16 file (Windows tools write them) is searched for the markers
    // in its decoded text, so that it is reported rather than skipped.
    // Searchers built once: `memmem::find` builds one per call, and a
    // file without markers is searched for every one of them.
    static FINDERS: std::sync::LazyLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::LazyLock::new(|| MARKERS.iter().map(memchr::memmem::Finder::new).collect());
    let marked = |bytes: &[u8]| FINDERS.iter().any(|f| f.find(bytes).is_some());
    if !candidate.explicit
        && !marked(&bytes)
        && !utf16_text(&bytes).is_some_and(|t| marked(t.as_bytes()))
    {
        // Not IAM input: as good as loaded, for the progress line.
        FILES_LOADED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(Read::new(candidate, text, None)),
        Err(e) => {
            let bytes = e.as_bytes();
            if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
                return fail(
                    "file is UTF-16; iamchain reads UTF-8 (convert it, e.g. `iconv -f UTF-16 -t UTF-8`)".into(),
                );
            }
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(bytes).into_owned();
            // The invalid byte became U+FFFD (3 bytes) in `text`: span all of it.
            let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
            Some(Read::new(
                candidate,
                text,
                Some(LoadError {
                    kind: LoadErrorKind::Io,
                    span: Span::new(SourceId::default(), at, end),
                    message: format!("file is not valid UTF-8 (invalid byte at offset {at})"),
                }),
            ))
        }
    }
}

/// The bytes of a file `size` bytes long (as its metadata said). A large
/// file is read in parts on all cores: one core alone spends more time
/// faulting in and filling the buffer of a 300 MB export than parsing a
/// third of it.
fn read_bytes(mut file: std::fs::File, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    const PART: usize = 1 << 20;
    #[cfg(unix)]
    if let Ok(len) = usize::try_from(size)
        && len >= 2 * PART
    {
        use std::io::Seek;
        use std::os::unix::fs::FileExt;
        let mut bytes = vec![0u8; len];
        // On every core even where the run has not yet found it is large
        // (its first file).
        let read = crate::threads::wide(|| {
            bytes
                .par_chunks_mut(PART)
                .enumerate()
                .try_for_each(|(k, part)| file.read_exact_at(part, (k * PART) as u64))
        });
        match read {
            Ok(()) => {
                // Grown since its size was taken: the rest too, as a
                // plain read would.
                file.seek(std::io::SeekFrom::Start(size))?;
                file.read_to_end(&mut bytes)?;
                return Ok(bytes);
            }
            // Shrunk since: read it again the plain way.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                file.rewind()?;
            }
            Err(e) => return Err(e),
        }
    }
    // The size's worth, in one `read`: not asking for more to find the end
    // (a second system call per file); what was appended since the size
    // was taken is left unread, as if the file had been read a moment
    // earlier. A size of 0 may be a file that does not know its size
    // (procfs): read to its end. Through `Take` either way: a `File`'s own
    // `read_to_end` asks the size again (`fstat`, `lseek`).
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(if size == 0 { u64::MAX } else { size })
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "no such file".into(),
        _ => e.to_string().to_lowercase(),
    }
}

/// Drop findings covered by an inline suppression (a `# iamchain:
/// ignore[rule] reason` comment, a resource's `Metadata`) that gives a
/// reason; invalid ones are reported by `invalid-suppression` instead.
fn apply_suppressions(findings: &mut Vec<Finding>, documents: &[Document]) {
    let suppressions: Vec<&load::suppress::Suppression> = documents
        .iter()
        .flat_map(|d| &d.suppressions)
        .filter(|s| s.is_valid())
        .collect();
    if suppressions.is_empty() {
        return;
    }
    findings.retain(|f| {
        f.rule == "invalid-suppression"
            || !suppressions
                .iter()
                .any(|s| s.covers(f.rule, f.primary.span))
    });
}

/// Drop findings matched by a configured ignore.
/// Drop findings matched by a configured ignore, and report the ignores
/// that did nothing (`unused-suppression`).
///
/// This is the one place findings are filtered: every kind of suppression
/// belongs here, so they share one notion of "matched" and "unused".
///
/// An ignore matches a finding of its `rule` when every selector it has
/// agrees: `path` (glob on the path relative to the config file), `sid` (the
/// enclosing statement's `Sid`), `pointer` (a JSON pointer to a node that
/// contains the finding's primary span) and `principal` (the ARN of the
/// role, user or group holding the policy). An ignore whose `expires` day
/// has passed matches nothing and is reported as expired. An ignore is
/// reported as unused only when the run could have seen everything it
/// covers: its rule ran, no file was named on the command line (pre-commit
/// passes only the changed files), and its `path`, if any, matched a file
/// that was read.
fn apply_ignores(
    findings: &mut Vec<Finding>,
    documents: &[Document],
    config: &Config,
    sources: &SourceMap,
    complete: bool,
) -> Vec<Finding> {
    use rules::Rule;
    use rules::suppression::unused_suppression::{Outcome, UnusedSuppression};
    if config.ignores.is_empty() {
        return Vec::new();
    }
    let today = crate::config::Date::today();
    let live: Vec<bool> = config
        .ignores
        .iter()
        .map(|ig| ig.expires.as_ref().is_none_or(|e| e.value >= today))
        .collect();
    let mut used = vec![false; config.ignores.len()];
    findings.retain(|f| {
        let mut keep = true;
        for (i, ig) in config.ignores.iter().enumerate() {
            if live[i] && ignore_matches(ig, f, documents, config, sources) {
                used[i] = true;
                keep = false;
            }
        }
        keep
    });
    let read: Vec<String> = documents
        .iter()
        .filter_map(|d| sources.try_get(d.source))
        .map(|f| config.relative(&f.path))
        .collect();
    let outcomes: Vec<(&crate::config::Ignore, Outcome)> = config
        .ignores
        .iter()
        .enumerate()
        .map(|(i, ig)| {
            let outcome = if !live[i] {
                Outcome::Expired
            } else if used[i] {
                Outcome::Used
            } else if complete
                && rules::find(&ig.rule).is_some_and(|r| config.is_enabled(r.meta()))
                && ig
                    .path
                    .as_ref()
                    .is_none_or(|g| read.iter().any(|p| g.is_match(p)))
            {
                Outcome::Unused
            } else {
                Outcome::Unknown
            };
            (ig, outcome)
        })
        .collect();
    let rule = &UnusedSuppression;
    let mut out = Vec::new();
    if config.is_enabled(rule.meta()) {
        let mut cx = Context::new(
            rule.meta(),
            config.severity(rule.meta()),
            sources,
            config,
            &mut out,
        );
        rule.report(&outcomes, &mut cx);
    }
    out
}

fn ignore_matches(
    ig: &crate::config::Ignore,
    f: &Finding,
    documents: &[Document],
    config: &Config,
    sources: &SourceMap,
) -> bool {
    let span = f.primary.span;
    if ig.rule != f.rule
        || !ig
            .path
            .as_ref()
            .is_none_or(|g| g.is_match(config.relative(sources.path(span.source))))
    {
        return false;
    }
    if ig.sid.is_none() && ig.pointer.is_none() && ig.principal.is_none() {
        return true;
    }
    let Some(site) = crate::locate::site(documents, span) else {
        return false;
    };
    ig.sid.as_ref().is_none_or(|sid| {
        site.statement
            .and_then(|s| s.sid.as_ref())
            .is_some_and(|s| s.value == *sid)
    }) && ig
        .pointer
        .as_ref()
        .is_none_or(|p| site.pointer_contains(p, span))
        && ig.principal.as_ref().is_none_or(|arn| {
            site.holder
                .and_then(|h| h.arn.as_ref())
                .is_some_and(|a| a == arn)
        })
}

/// A path with `/` separators, for glob matching and output.
pub fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Label, Severity};
    use crate::model::{IamPrincipal, PrincipalKind};
    use crate::source::Spanned;

    #[test]
    fn a_large_file_read_in_parts_is_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("large.json");
        // Not a multiple of the part size, and different in every part.
        let bytes: Vec<u8> = (0..(40 << 20) + 12_345u32)
            .map(|i| (b'a' + (i % 26) as u8) ^ ((i >> 24) as u8 & 1))
            .collect();
        std::fs::write(&path, &bytes).expect("write");
        let read = read_bytes(
            std::fs::File::open(&path).expect("open"),
            bytes.len() as u64,
        )
        .expect("read");
        assert!(read == bytes);
        // A size taken before the file grew: the growth is read too.
        let read = read_bytes(
            std::fs::File::open(&path).expect("open"),
            bytes.len() as u64 - 100,
        )
        .expect("read");
        assert!(read == bytes);
        // Before it shrank: read again, whole.
        let read = read_bytes(
            std::fs::File::open(&path).expect("open"),
            bytes.len() as u64 + 100,
        )
        .expect("read");
        assert!(read == bytes);
    }

    const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}"#;

    /// A document holding POLICY for a role, and a finding on `logs:*`.
    fn setup() -> (SourceMap, Vec<Document>, Finding) {
        let mut sources = SourceMap::new();
        let id = sources.add("roles/debug.json", POLICY.to_string());
        let mut doc =
            load::load_document(Path::new("debug.json"), Path::new("debug.json"), POLICY, id);
        doc.principals.push(IamPrincipal {
            kind: PrincipalKind::Role,
            name: Spanned::new("Debug".into(), Span::file_start(id)),
            arn: Some("arn:aws:iam::111111111111:role/Debug".into()),
            account: Some("111111111111".into()),
            path: "/".into(),
            trust: None,
            policies: vec![0],
            managed: Vec::new(),
            boundary: None,
            max_session_duration: None,
            groups: Vec::new(),
            span: Span::file_start(id),
            origin: None,
            last_used: None,
        });
        let at = POLICY.find("\"logs:*\"").expect("value");
        let finding = Finding {
            rule: "wildcard-action",
            severity: Severity::Warning,
            message: "m".into(),
            primary: Label::new(Span::new(id, at, at + 8), ""),
            related: Vec::new(),
            help: None,
            key: String::new(),
        };
        (sources, vec![doc], finding)
    }

    fn matches(config_text: &str) -> bool {
        let (sources, docs, finding) = setup();
        let config = crate::config::parse(config_text, SourceId(99)).expect("config");
        ignore_matches(&config.ignores[0], &finding, &docs, &config, &sources)
    }

    #[test]
    fn ignores_match_by_pointer_and_holding_principal() {
        let entry = |extra: &str| {
            format!("ignore:\n  - rule: wildcard-action\n    reason: r\n    {extra}\n")
        };
        assert!(matches(&entry("pointer: /Statement/1")));
        assert!(matches(&entry("pointer: /Statement/1/Action")));
        assert!(!matches(&entry("pointer: /Statement/0")));
        assert!(matches(&entry(
            "principal: arn:aws:iam::111111111111:role/Debug"
        )));
        assert!(!matches(&entry(
            "principal: arn:aws:iam::111111111111:role/Other"
        )));
        assert!(!matches(&entry("sid: Logs")));
        assert!(matches(&entry("path: \"roles/*.json\"")));
    }

    #[test]
    fn meaning_keys_name_the_holder_not_the_path() {
        let (sources, docs, finding) = setup();
        assert_eq!(
            crate::locate::meaning_key(&finding, &crate::locate::Sites::new(&docs), &sources),
            "wildcard-action|arn:aws:iam::111111111111:role/Debug policy||logs:*"
        );
    }
}
