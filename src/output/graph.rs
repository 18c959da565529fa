//! `iamchain graph`: the principal graph as Mermaid, Graphviz DOT or JSON —
//! the launcher → deploy-role picture. Accounts are subgraphs, environments
//! are coloured, edges are labelled by mechanism, conditional edges are
//! dashed, and principals that findings point at are outlined in red.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::graph::view::{View, ViewNode};
use crate::model::Environment;

/// The formats `iamchain graph --format` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart.
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// JSON (`"version": 1`).
    Json,
}

/// Write the view.
pub fn write(format: GraphFormat, view: &View, out: &mut dyn Write) -> io::Result<()> {
    match format {
        GraphFormat::Mermaid => mermaid(view, out),
        GraphFormat::Dot => dot(view, out),
        GraphFormat::Json => json(view, out),
    }
}

fn colour(env: Option<Environment>) -> (&'static str, &'static str) {
    match env {
        Some(Environment::Prod) => ("#fde2e1", "#c62828"),
        Some(Environment::Staging) => ("#fff4d6", "#b7791f"),
        Some(Environment::Dev) => ("#e3f4e6", "#2e7d32"),
        Some(Environment::Management) => ("#ece3f7", "#6a1b9a"),
        _ => ("#eef1f5", "#546e7a"),
    }
}

/// Nodes grouped by account (`None`: services, providers, unknown).
fn by_account(view: &View) -> BTreeMap<Option<&str>, Vec<(usize, &ViewNode)>> {
    let mut groups: BTreeMap<Option<&str>, Vec<(usize, &ViewNode)>> = BTreeMap::new();
    for (i, n) in view.nodes.iter().enumerate() {
        let account = if is_workload(n) {
            None
        } else {
            n.account.as_deref()
        };
        groups.entry(account).or_default().push((i, n));
    }
    groups
}

fn account_title(view: &View, account: &str) -> String {
    match view
        .nodes
        .iter()
        .find(|n| n.account.as_deref() == Some(account))
        .and_then(|n| n.environment)
    {
        Some(env) => format!("{account} ({})", env.as_str()),
        None => account.to_string(),
    }
}

/// Each node's number in the picture (`n0`, `n1`, …), by id.
fn node_numbers(view: &View) -> BTreeMap<&str, usize> {
    view.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect()
}

/// Services and identity providers are drawn apart from accounts, rounded.
fn is_workload(n: &ViewNode) -> bool {
    matches!(
        n.kind,
        crate::graph::NodeKind::Service | crate::graph::NodeKind::Federated
    )
}

fn display(n: &ViewNode) -> String {
    let mut label = n.label.clone();
    if n.launcher {
        label.push_str(" (launcher)");
    }
    label
}

fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
}

fn mermaid(view: &View, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "flowchart LR")?;
    let ids = node_numbers(view);
    for (account, nodes) in by_account(view) {
        let indent = if account.is_some() { "    " } else { "  " };
        if let Some(a) = account {
            writeln!(
                out,
                "  subgraph acct_{a}[\"{}\"]",
                mermaid_text(&account_title(view, a))
            )?;
        }
        for (i, n) in nodes {
            let shape = if is_workload(n) {
                ("([", "])")
            } else {
                ("[", "]")
            };
            writeln!(
                out,
                "{indent}n{i}{}\"{}\"{}",
                shape.0,
                mermaid_text(&display(n)),
                shape.1
            )?;
        }
        if account.is_some() {
            writeln!(out, "  end")?;
        }
    }
    for e in &view.edges {
        let (Some(a), Some(b)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) else {
            continue;
        };
        let label = if e.conditions.is_empty() {
            e.mechanism.clone()
        } else {
            format!("{} if {}", e.mechanism, e.conditions.join(", "))
        };
        let arrow = if e.conditions.is_empty() {
            "-->"
        } else {
            "-.->"
        };
        writeln!(out, "  n{a} {arrow}|\"{}\"| n{b}", mermaid_text(&label))?;
    }
    for env in [
        Environment::Dev,
        Environment::Staging,
        Environment::Prod,
        Environment::Management,
    ] {
        let members: Vec<String> = view
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.environment == Some(env))
            .map(|(i, _)| format!("n{i}"))
            .collect();
        if members.is_empty() {
            continue;
        }
        let (fill, stroke) = colour(Some(env));
        writeln!(
            out,
            "  classDef {} fill:{fill},stroke:{stroke}",
            env.as_str()
        )?;
        writeln!(out, "  class {} {}", members.join(","), env.as_str())?;
    }
    let flagged: Vec<String> = view
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.flagged)
        .map(|(i, _)| format!("n{i}"))
        .collect();
    if !flagged.is_empty() {
        writeln!(out, "  classDef finding stroke:#d50000,stroke-width:3px")?;
        writeln!(out, "  class {} finding", flagged.join(","))?;
    }
    Ok(())
}

fn dot_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn dot(view: &View, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "digraph iamchain {{")?;
    writeln!(out, "  rankdir=LR;")?;
    writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\"];"
    )?;
    writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];")?;
    let ids = node_numbers(view);
    for (account, nodes) in by_account(view) {
        let indent = if account.is_some() { "    " } else { "  " };
        if let Some(a) = account {
            let env = nodes.first().and_then(|(_, n)| n.environment);
            let (fill, stroke) = colour(env);
            writeln!(out, "  subgraph \"cluster_{a}\" {{")?;
            writeln!(
                out,
                "    label=\"{}\"; style=filled; fillcolor=\"{fill}\"; color=\"{stroke}\";",
                dot_text(&account_title(view, a))
            )?;
        }
        for (i, n) in nodes {
            let shape = if is_workload(n) {
                ", shape=ellipse"
            } else {
                ""
            };
            let flagged = if n.flagged {
                ", color=\"#d50000\", penwidth=3"
            } else {
                ""
            };
            writeln!(
                out,
                "{indent}n{i} [label=\"{}\"{shape}{flagged}];",
                dot_text(&display(n))
            )?;
        }
        if account.is_some() {
            writeln!(out, "  }}")?;
        }
    }
    for e in &view.edges {
        let (Some(a), Some(b)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) else {
            continue;
        };
        let (label, style) = if e.conditions.is_empty() {
            (e.mechanism.clone(), "solid")
        } else {
            (
                format!("{}\\nif {}", e.mechanism, e.conditions.join(", ")),
                "dashed",
            )
        };
        writeln!(
            out,
            "  n{a} -> n{b} [label=\"{}\", style={style}];",
            dot_text(&label).replace("\\\\n", "\\n")
        )?;
    }
    writeln!(out, "}}")
}

#[derive(Serialize)]
struct JsonGraph<'a> {
    version: u32,
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    id: &'a str,
    label: &'a str,
    kind: &'static str,
    account: Option<&'a str>,
    environment: Option<&'static str>,
    launcher: bool,
    flagged: bool,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: &'a str,
    to: &'a str,
    mechanism: &'a str,
    conditional: bool,
    conditions: &'a [String],
}

fn json(view: &View, out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonGraph {
        version: 1,
        nodes: view
            .nodes
            .iter()
            .map(|n| JsonNode {
                id: &n.id,
                label: &n.label,
                kind: n.kind.as_str(),
                account: n.account.as_deref(),
                environment: n.environment.map(Environment::as_str),
                launcher: n.launcher,
                flagged: n.flagged,
            })
            .collect(),
        edges: view
            .edges
            .iter()
            .map(|e| JsonEdge {
                from: &e.from,
                to: &e.to,
                mechanism: &e.mechanism,
                conditional: !e.conditions.is_empty(),
                conditions: &e.conditions,
            })
            .collect(),
    };
    super::write_pretty_json(&doc, out)
}
