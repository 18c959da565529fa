//! The command line: parse arguments with clap, load the configuration, and
//! hand over to the engine and a renderer. No analysis happens here.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{self, Config, ConfigError};
use crate::diagnostic::{Report, Severity};
use crate::output::{self, OutputFormat};
use crate::rules;
use crate::source::SourceMap;
use crate::{baseline, discover, engine, since};

/// Static analyzer for AWS IAM that follows trust chains across files and accounts.
#[derive(Parser, Debug)]
#[command(name = "iamchain", version = env!("IAMCHAIN_LONG_VERSION"), about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint IAM policies and the files that hold them.
    Lint(LintArgs),
    /// Draw the principal graph: who can become whom, across files and accounts.
    Graph(GraphArgs),
    /// List every rule with its category, default severity and summary.
    Rules,
    /// Print a rule's documentation page.
    Explain {
        /// The rule's name, e.g. `wildcard-action`.
        rule: String,
    },
}

#[derive(clap::Args, Debug)]
struct LintArgs {
    /// Files or directories to lint (default: the current directory).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// Exit with 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    /// Use this configuration file instead of searching for `.iamchain.yaml`.
    #[arg(long, conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Do not read any configuration file.
    #[arg(long)]
    no_config: bool,
    /// When to use colours in text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Skip named files that the config excludes or that do not look like
    /// IAM input, as directory walks do (for pre-commit, which passes every
    /// changed file).
    #[arg(long)]
    skip_non_iam: bool,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write every finding to this baseline file and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "since"])]
    write_baseline: Option<PathBuf>,
    /// Report only findings introduced since this git ref (a branch, tag or commit).
    #[arg(long, value_name = "REF")]
    since: Option<String>,
}

#[derive(clap::Args, Debug)]
struct GraphArgs {
    /// Files or directories to read (default: the current directory).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = output::graph::GraphFormat::Mermaid)]
    format: output::graph::GraphFormat,
    /// Only paths that start at this principal (ARN or name).
    #[arg(long)]
    from: Option<String>,
    /// Only paths that end at this principal (ARN or name).
    #[arg(long)]
    to: Option<String>,
    /// Use this configuration file instead of searching for `.iamchain.yaml`.
    #[arg(long, conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Do not read any configuration file.
    #[arg(long)]
    no_config: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Note,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// Run the command line; the exit code follows the README: 0 clean, 1
/// findings at or above `--fail-on`, 2 the tool could not run.
pub fn run() -> ExitCode {
    // The main thread alone until the run finds it is large (see
    // `threads`): before anything uses rayon.
    crate::threads::init();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // Buffered: the standard output is line-buffered, and a large export's
    // JSON report is millions of lines, one write each otherwise.
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let result = match cli.command {
        Command::Rules => list_rules(&mut out).map(|_| ExitCode::SUCCESS),
        Command::Explain { rule } => match rules::find(&rule) {
            Some(r) => explain(r, &mut out).map(|_| ExitCode::SUCCESS),
            None => {
                eprintln!("error: `{rule}` is not a rule; `iamchain rules` lists them");
                return ExitCode::from(2);
            }
        },
        Command::Lint(args) => Ok(lint(args, &mut out)),
        Command::Graph(args) => Ok(graph(args, &mut out)),
    };
    match result.and_then(|code| out.flush().map(|_| code)) {
        Ok(code) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn lint(args: LintArgs, out: &mut dyn Write) -> ExitCode {
    let mut phases = crate::timings::Phases::start();
    let mut sources = SourceMap::new();
    let mut config = match load_config(
        args.config.as_ref(),
        args.no_config,
        args.paths.first(),
        &mut sources,
    ) {
        Ok(c) => c,
        Err(e) => {
            report_config_error(&e, &sources);
            return ExitCode::from(2);
        }
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (mut candidates, walk_errors) = match discover::discover(&paths, &config) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if args.skip_non_iam {
        discover::skip_non_iam(&mut candidates, &config);
    }
    phases.mark("config+discover");
    config.skip_keys = !matches!(args.format, OutputFormat::Sarif)
        && args.baseline.is_none()
        && args.write_baseline.is_none()
        && args.since.is_none();
    config.skip_summary = !matches!(args.format, OutputFormat::Summary);
    let progress = Progress::start(candidates.len());
    let mut run = engine::run(&candidates, &walk_errors, &config, sources);
    drop(progress);
    if let Some(path) = &args.write_baseline {
        return match baseline::write(path, &run.report.findings, &run.sources) {
            Ok(()) => {
                eprintln!(
                    "wrote {} finding{} to {}",
                    run.report.findings.len(),
                    if run.report.findings.len() == 1 {
                        ""
                    } else {
                        "s"
                    },
                    path.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                ExitCode::from(2)
            }
        };
    }
    if let Some(path) = &args.baseline {
        match baseline::load(path) {
            Ok(known) => {
                let hidden = known.remove_known(&mut run.report.findings);
                if hidden > 0 {
                    eprintln!(
                        "{hidden} finding{} in the baseline not shown",
                        if hidden == 1 { "" } else { "s" }
                    );
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(reference) = &args.since {
        match since::findings_at(reference, &paths, &config) {
            Ok(known) => {
                known.remove_known(&mut run.report.findings);
            }
            Err(e) => {
                eprintln!("error: --since {reference}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let options = output::Options {
        color,
        link_base: github_link_base(),
    };
    let mut output_phase = crate::timings::Phases::start();
    let written = match args.format {
        OutputFormat::Summary => output::summary::write(&run.accounts, &run.report, out),
        format => output::write(format, &run.report, &run.sources, &options, out),
    };
    if let Err(e) = written.and_then(|_| out.flush())
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write output: {e}");
        return ExitCode::from(2);
    }
    output_phase.mark("output");
    let code = exit_code(&run.report, args.fail_on);
    // The process ends here: let the OS reclaim the trees instead of
    // freeing them node by node (seconds for a large account export).
    std::mem::forget(run);
    code
}

fn graph(args: GraphArgs, out: &mut dyn Write) -> ExitCode {
    let mut sources = SourceMap::new();
    let mut config = match load_config(
        args.config.as_ref(),
        args.no_config,
        args.paths.first(),
        &mut sources,
    ) {
        Ok(c) => c,
        Err(e) => {
            report_config_error(&e, &sources);
            return ExitCode::from(2);
        }
    };
    config.graph_request = Some(config::GraphRequest {
        from: args.from.clone(),
        to: args.to.clone(),
    });
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (candidates, walk_errors) = match discover::discover(&paths, &config) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let run = engine::run(&candidates, &walk_errors, &config, sources);
    let view = run.view.unwrap_or_default();
    match output::graph::write(args.format, &view, out).and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

/// A progress line on stderr for runs longer than a second, when stderr is
/// a terminal (never in CI logs or pipes). Cleared when dropped.
///
/// `IAMCHAIN_PROGRESS_AFTER_MS` sets the delay before it appears (tests set
/// it to 0 to see the line on a run that takes milliseconds).
struct Progress {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(total: usize) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        let done = std::sync::Arc::new(AtomicBool::new(false));
        let after = std::time::Duration::from_millis(crate::engine::tuned(
            "IAMCHAIN_PROGRESS_AFTER_MS",
            1_000,
        ));
        let thread = io::stderr().is_terminal().then(|| {
            let done = done.clone();
            std::thread::spawn(move || {
                let started = std::time::Instant::now();
                let mut shown = false;
                loop {
                    if started.elapsed() >= after {
                        let line = progress_line(
                            engine::FILES_READ.load(Ordering::Relaxed),
                            engine::FILES_LOADED.load(Ordering::Relaxed),
                            total,
                            started.elapsed().as_secs(),
                        );
                        eprint!("\r{line}\x1b[K");
                        shown = true;
                    }
                    if done.load(Ordering::Relaxed) {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                if shown {
                    eprint!("\r\x1b[2K");
                }
            })
        });
        Progress { done, thread }
    }
}

/// The progress line: a bar over the files while they are read and loaded,
/// then the analysis, which has no count to show.
fn progress_line(read: usize, loaded: usize, total: usize, secs: u64) -> String {
    const WIDTH: usize = 24;
    let (read, loaded) = (read.min(total), loaded.min(total));
    if total > 0 && loaded < total {
        let filled = WIDTH * loaded / total;
        let phase = if read < total { "reading" } else { "loading" };
        format!(
            "iamchain: [{}{}] {loaded}/{total} files loaded ({phase}), {secs}s",
            "#".repeat(filled),
            "-".repeat(WIDTH - filled)
        )
    } else {
        format!("iamchain: {total} files loaded, checking rules and chains, {secs}s")
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// In a GitHub Actions run, the blob URL of the commit being checked, so
/// Markdown summaries link to the lines.
fn github_link_base() -> Option<String> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    Some(format!(
        "{}/{}/blob/{}",
        var("GITHUB_SERVER_URL")?,
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_SHA")?
    ))
}

fn exit_code(report: &Report, fail_on: FailOn) -> ExitCode {
    let level = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Note => Severity::Note,
    };
    if report.fails_at(level) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The configuration: `--config`, else the `.iamchain.yaml` found upward
/// from the first path linted (so `iamchain lint infra/` uses
/// `infra/.iamchain.yaml` from anywhere), else upward from the working
/// directory.
fn load_config(
    explicit: Option<&PathBuf>,
    no_config: bool,
    first_path: Option<&PathBuf>,
    sources: &mut SourceMap,
) -> Result<Config, ConfigError> {
    if no_config {
        return Ok(Config::default());
    }
    let from_path = || {
        let p = std::path::absolute(first_path?).ok()?;
        let dir = if p.is_dir() {
            p
        } else {
            p.parent()?.to_path_buf()
        };
        config::find_upward(&dir)
    };
    let path = match explicit {
        Some(p) => Some(p.clone()),
        None => from_path().or_else(|| {
            std::env::current_dir()
                .ok()
                .and_then(|d| config::find_upward(&d))
        }),
    };
    match path {
        Some(p) => config::load(&p, sources),
        None => Ok(Config::default()),
    }
}

/// Render a config error with a snippet into the file, on stderr.
fn report_config_error(e: &ConfigError, sources: &SourceMap) {
    use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
    let renderer = if io::stderr().is_terminal() {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    match e
        .span
        .and_then(|s| sources.try_get(s.source).map(|f| (s, f)))
    {
        Some((span, file)) => {
            let path = file.path.to_string_lossy();
            let report = [Level::ERROR
                .primary_title(format!("invalid configuration: {}", e.message))
                .element(
                    Snippet::source(file.text.as_str())
                        .path(path.as_ref())
                        .annotation(
                            AnnotationKind::Primary.span(span.start as usize..span.end as usize),
                        ),
                )];
            eprintln!("{}", renderer.render(&report));
        }
        None => eprintln!("error: invalid configuration: {}", e.message),
    }
}

fn list_rules(out: &mut dyn Write) -> io::Result<()> {
    for r in rules::ALL {
        let m = r.meta();
        writeln!(
            out,
            "{:<32} {:<12} {:<8} {}",
            m.name,
            m.category.as_str(),
            m.default_severity,
            m.summary
        )?;
    }
    Ok(())
}

fn explain(rule: &dyn rules::Rule, out: &mut dyn Write) -> io::Result<()> {
    let m = rule.meta();
    writeln!(
        out,
        "category: {} · default severity: {}\n",
        m.category.as_str(),
        m.default_severity
    )?;
    out.write_all(m.docs.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_line_fills_its_bar_with_the_files_loaded() {
        assert_eq!(
            progress_line(3, 0, 100, 1),
            "iamchain: [------------------------] 0/100 files loaded (reading), 1s"
        );
        assert_eq!(
            progress_line(100, 50, 100, 2),
            "iamchain: [############------------] 50/100 files loaded (loading), 2s"
        );
        // Counts past the total (files read by a previous run in the same
        // process) are capped.
        assert_eq!(
            progress_line(250, 250, 100, 4),
            "iamchain: 100 files loaded, checking rules and chains, 4s"
        );
        assert_eq!(
            progress_line(0, 0, 0, 0),
            "iamchain: 0 files loaded, checking rules and chains, 0s"
        );
    }
}
