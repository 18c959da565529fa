//! `--since REF`: the findings a change introduces.
//!
//! The tree at `REF` is extracted with `git archive REF | tar -x` into a
//! temporary directory and linted with the same configuration and the same
//! paths (mapped into that tree); the findings of both runs are compared by
//! meaning key ([`crate::locate`]), counting occurrences
//! ([`crate::baseline::KeyCounts`]). Comparing whole runs, not changed
//! files, means a finding that appears in an unchanged file because of a
//! changed one (a new chain, a wider trust) is reported too.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::baseline::KeyCounts;
use crate::config::Config;
use crate::source::SourceMap;
use crate::{discover, engine};

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(cwd: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

/// The key counts of the findings at `reference`, for `paths` as given
/// relative to the working directory and `config` as loaded now.
pub fn findings_at(
    reference: &str,
    paths: &[PathBuf],
    config: &Config,
) -> Result<KeyCounts, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("no working directory: {e}"))?;
    let toplevel = PathBuf::from(git(&cwd, &["rev-parse", "--show-toplevel"])?);
    let toplevel = toplevel.canonicalize().unwrap_or(toplevel);
    git(
        &cwd,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("`{reference}` does not name a commit in this repository"))?;

    let dir = TempDir(std::env::temp_dir().join(format!(
        "iamchain-since-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    )));
    std::fs::create_dir_all(&dir.0)
        .map_err(|e| format!("cannot create {}: {e}", dir.0.display()))?;
    extract(&toplevel, reference, &dir.0)?;

    // Map a path in the working tree to the same path in the extracted tree.
    let map = |p: &Path| -> Option<PathBuf> {
        let abs = std::path::absolute(cwd.join(p)).ok()?;
        let abs = abs.canonicalize().unwrap_or(abs);
        abs.strip_prefix(&toplevel).ok().map(|rel| dir.0.join(rel))
    };
    let mut old_config = config.clone();
    old_config.root = config.root.as_deref().and_then(map);
    let pairs: Vec<(PathBuf, &PathBuf)> = paths
        .iter()
        .filter_map(|p| map(p).map(|m| (m, p)))
        .filter(|(m, _)| m.exists())
        .collect();
    let old_paths: Vec<PathBuf> = pairs.iter().map(|(m, _)| m.clone()).collect();
    let mut sources = SourceMap::new();
    // The config file goes first, as in the current run, so findings about
    // it (unused suppressions) have the same keys in both runs.
    if let Some(path) = &config.path {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        sources.add(path.clone(), text);
    }
    if old_paths.is_empty() {
        return Ok(KeyCounts::default());
    }
    let (mut candidates, errors) = discover::discover(&old_paths, &old_config)?;
    // A file named on the command line is hinted by the words the user
    // typed (`trust/app.json` makes a trust policy); its extracted copy has
    // an absolute path, which would leave only the file name.
    for c in candidates.iter_mut().filter(|c| c.named) {
        if let Some((_, original)) = pairs.iter().find(|(m, _)| *m == c.path)
            && original.is_relative()
        {
            c.hint = original.strip_prefix(".").unwrap_or(original).to_path_buf();
        }
    }
    let run = engine::run(&candidates, &errors, &old_config, sources);
    Ok(KeyCounts::of(&run.report.findings))
}

/// `git archive REF | tar -x -C dir`.
fn extract(repo: &Path, reference: &str, dir: &Path) -> Result<(), String> {
    let mut archive = Command::new("git")
        .args(["archive", "--format=tar", reference])
        .current_dir(repo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git archive: {e}"))?;
    let stdout = archive
        .stdout
        .take()
        .ok_or_else(|| "git archive has no output".to_string())?;
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dir)
        .stdin(stdout)
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    let archived = archive
        .wait_with_output()
        .map_err(|e| format!("git archive failed: {e}"))?;
    if !archived.status.success() {
        return Err(format!(
            "git archive {reference} failed: {}",
            String::from_utf8_lossy(&archived.stderr).trim()
        ));
    }
    if !tar.status.success() {
        return Err(format!(
            "tar could not extract {reference}: {}",
            String::from_utf8_lossy(&tar.stderr).trim()
        ));
    }
    Ok(())
}
