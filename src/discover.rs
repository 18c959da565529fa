//! Finding the files to read: walk the given paths (respecting
//! `.gitignore`, `.ignore` and the config's include/exclude globs), keep
//! files whose extension can hold IAM input, and remember walk errors
//! (unreadable directories, symlink loops) so they become findings.
//!
//! Files named on the command line are always read, whatever their name or
//! ignore rules say: pre-commit passes exactly the files it wants checked.

use std::path::{Path, PathBuf};

use crate::config::Config;

/// A file to read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Its path, as the user should see it.
    pub path: PathBuf,
    /// Read even if it does not look like IAM input (named on the command
    /// line, unless `--skip-non-iam`).
    pub explicit: bool,
    /// Named on the command line rather than found by walking: the run then
    /// covers a subset chosen by the caller (pre-commit's changed files).
    pub named: bool,
    /// The path below the directory that was asked for (what kind inference
    /// may read; see [`crate::load::load_document`]).
    pub hint: PathBuf,
}

/// A path that could not be walked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkError {
    /// The path.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// Extensions of files that may hold IAM input.
const EXTENSIONS: &[&str] = &["json", "yaml", "yml", "template"];

/// Whether a path's extension may hold IAM input.
pub fn has_input_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Walk `paths` and return the candidate files, sorted, and the errors met.
/// A path that does not exist is an error of the run, returned as `Err`.
pub fn discover(
    paths: &[PathBuf],
    config: &Config,
) -> Result<(Vec<Candidate>, Vec<WalkError>), String> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        let meta = std::fs::metadata(root).map_err(|e| format!("{}: {e}", root.display()))?;
        if meta.is_file() {
            // A file named on the command line: its relative path is the
            // user's own words; of an absolute one only the name is.
            let hint = if root.is_absolute() {
                root.file_name().map(PathBuf::from).unwrap_or_default()
            } else {
                clean(root)
            };
            files.push(Candidate {
                path: clean(root),
                explicit: true,
                named: true,
                hint,
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .require_git(false)
            .git_global(global_gitignore_may_exist())
            .follow_links(true)
            .filter_entry(|e| e.file_name() != ".git")
            // Not `sort_by_file_name`: its comparisons take each entry's
            // name from its path, components parsed (1,000 templates: five
            // times the sort of the whole paths below).
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let p = e.path();
                    if e.file_type().is_some_and(|t| t.is_file())
                        && has_input_extension(p)
                        && selected(p, config)
                        && p.file_name().is_some_and(|n| n != crate::config::FILE_NAME)
                    {
                        files.push(Candidate {
                            path: clean(p),
                            explicit: false,
                            named: false,
                            hint: below(p, root),
                        });
                    }
                }
                Err(err) => errors.push(walk_error(&err)),
            }
        }
    }
    let order = |a: &Candidate, b: &Candidate| path_order(&a.path, &b.path).then_with(|| a.cmp(b));
    // A walk yields a directory's entries in the file system's order;
    // sorted already when the caller walked one sorted tree.
    if !files.is_sorted_by(|a, b| order(a, b).is_le()) {
        // Unstable is as deterministic here: the order is total.
        files.sort_unstable_by(order);
    }
    files.dedup_by(|a, b| {
        if a.path.as_os_str() == b.path.as_os_str() {
            b.explicit |= a.explicit;
            b.named |= a.named;
            true
        } else {
            false
        }
    });
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, errors))
}

/// The order of `Path`'s `Ord` (component by component) for the paths a
/// walk yields, computed on the bytes: a separator sorts before any other
/// byte, so a component sorts before a longer one it begins. Comparing
/// `Path`s parses their components on every comparison, which was a tenth
/// of a run over a folder of small files.
/// Only the first differing byte is mapped: paths share long prefixes
/// (the directory asked for), which compare as plain bytes.
/// Exact for [`plain`] paths (both); equal only for equal bytes.
pub(crate) fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (a, b) = (a.as_os_str().as_bytes(), b.as_os_str().as_bytes());
        // Eight bytes at a time over the shared prefix (the directory
        // asked for, dozens of bytes): a sort compares it thousands of times.
        let common = a.len().min(b.len());
        let mut from = 0;
        while from + 8 <= common && a[from..from + 8] == b[from..from + 8] {
            from += 8;
        }
        match (from..common).find(|&i| a[i] != b[i]) {
            Some(i) => {
                let key = |c: u8| if c == b'/' { 0 } else { c };
                key(a[i]).cmp(&key(b[i]))
            }
            None => a.len().cmp(&b.len()),
        }
    }
    #[cfg(not(unix))]
    {
        a.cmp(b)
    }
}

/// Whether [`path_order`] orders `path` as `Path`'s `Ord` does: no empty,
/// `.` or `..` components, no trailing separator — where bytes and
/// components part ways (`a//b` equals `a/b`; `./x` and `../x` sort before
/// `-x` by component). What a walk yields and what the engine adds.
pub(crate) fn plain(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    !bytes.is_empty()
        && bytes
            .split(|&b| b == b'/')
            .enumerate()
            // Only a root's own empty first part (`/abs`) is allowed.
            .all(|(k, part)| match part {
                [] => k == 0 && bytes.len() > 1,
                b"." | b".." => false,
                _ => true,
            })
}

/// Treat files named on the command line like files found by walking:
/// drop those the config's include/exclude globs leave out, and read the
/// rest only if they look like IAM input. For pre-commit, which passes
/// every changed file that matches the hook's pattern.
pub fn skip_non_iam(candidates: &mut Vec<Candidate>, config: &Config) {
    candidates.retain(|c| !c.named || selected(&c.path, config));
    for c in candidates {
        c.explicit = false;
    }
}

fn selected(path: &Path, config: &Config) -> bool {
    if config.include.is_none() && config.exclude.is_none() {
        // Spares a current-directory lookup per file.
        return true;
    }
    let rel = config.relative(path);
    let included = config.include.as_ref().is_none_or(|g| g.is_match(&rel));
    let excluded = config.exclude.as_ref().is_some_and(|g| g.is_match(&rel));
    included && !excluded
}

/// Whether git's global ignore file may hold patterns: a git config file
/// sets `core.excludesFile`, or the default `$XDG_CONFIG_HOME/git/ignore`
/// (`~/.config/git/ignore`) exists. Checked before asking the walker for
/// it, because the walker finds the setting by compiling a regular
/// expression — a third of an empty run's time — whenever a git config
/// file exists. Reads the files the walker would, in its order; when this
/// says no, the walker would have found no global patterns either.
fn global_gitignore_may_exist() -> bool {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    #[allow(deprecated)] // the walker uses the same lookup of the home directory
    let home = std::env::home_dir();
    let xdg = var("XDG_CONFIG_HOME").or_else(|| home.as_ref().map(|h| h.join(".config")));
    let configs = [
        var("GIT_CONFIG_GLOBAL"),
        home.as_ref().map(|h| h.join(".gitconfig")),
        xdg.as_ref().map(|x| x.join("git/config")),
        Some(var("GIT_CONFIG_SYSTEM").unwrap_or_else(|| PathBuf::from("/etc/gitconfig"))),
    ];
    let sets_excludes = |path: &PathBuf| {
        std::fs::read(path).is_ok_and(|text| {
            text.windows(b"excludesfile".len())
                .any(|w| w.eq_ignore_ascii_case(b"excludesfile"))
        })
    };
    configs.iter().flatten().any(sets_excludes)
        || xdg.is_some_and(|x| x.join("git/ignore").is_file())
}

/// Drop a leading `./` so paths print as users type them.
fn clean(path: &Path) -> PathBuf {
    // `Path::strip_prefix` parses components: a tenth of the walk of a
    // folder of small files. Only a path that starts with `.` can change.
    if !path.as_os_str().as_encoded_bytes().starts_with(b".") {
        return path.to_path_buf();
    }
    path.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// `path` below `root`, which the walk joined it onto (empty if it is not).
fn below(path: &Path, root: &Path) -> PathBuf {
    // The walker's paths are `root` joined with names: the bytes of `root`,
    // then a separator unless `root` ends with one. Anything else takes
    // the component-wise way.
    let (p, r) = (
        path.as_os_str().as_encoded_bytes(),
        root.as_os_str().as_encoded_bytes(),
    );
    let rest = p.strip_prefix(r).and_then(|rest| {
        if r.ends_with(b"/") {
            Some(rest)
        } else {
            rest.strip_prefix(b"/")
        }
    });
    if let Some(rest) = rest {
        let simple = !rest.is_empty()
            && !rest.starts_with(b"/")
            && !rest.starts_with(b".")
            && !rest.ends_with(b"/")
            && !rest.windows(2).any(|w| w == b"//" || w == b"/.");
        if simple && let Ok(rest) = std::str::from_utf8(rest) {
            return PathBuf::from(rest);
        }
    }
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn walk_error(err: &ignore::Error) -> WalkError {
    // The ignore crate nests the path inside the error; dig it out for the finding.
    fn path_of(err: &ignore::Error) -> Option<PathBuf> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path.clone()),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            ignore::Error::Loop { child, .. } => Some(child.clone()),
            ignore::Error::Partial(errs) => errs.first().and_then(path_of),
            _ => None,
        }
    }
    fn message(err: &ignore::Error) -> String {
        match err {
            ignore::Error::WithPath { err, .. }
            | ignore::Error::WithDepth { err, .. }
            | ignore::Error::WithLineNumber { err, .. } => message(err),
            ignore::Error::Loop { ancestor, .. } => {
                format!(
                    "symbolic link loop: it leads back to {}",
                    ancestor.display()
                )
            }
            ignore::Error::Io(e) => match e.kind() {
                std::io::ErrorKind::NotFound => {
                    "cannot read file: no such file (a symbolic link to nothing?)".into()
                }
                std::io::ErrorKind::PermissionDenied => "cannot read: permission denied".into(),
                _ => format!("cannot read: {}", e.to_string().to_lowercase()),
            },
            other => other.to_string(),
        }
    }
    WalkError {
        path: path_of(err).map(|p| clean(&p)).unwrap_or_default(),
        message: message(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_and_clean_agree_with_the_component_wise_way() {
        let roots = ["a", "a/", "./a", ".", "./", "a//b", "/abs", "a/./b", "ab"];
        let rests = [
            "x.json",
            "b/x.json",
            ".hidden/x.json",
            "b/.x/y",
            "b//x",
            "x/",
            "é/x.yaml",
            "-",
        ];
        for root in roots {
            for rest in rests {
                let sep = if root.ends_with('/') { "" } else { "/" };
                let path = PathBuf::from(format!("{root}{sep}{rest}"));
                let root = Path::new(root);
                let want = path
                    .strip_prefix(root)
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                assert_eq!(
                    below(&path, root),
                    want,
                    "{} below {}",
                    path.display(),
                    root.display()
                );
                let want = path
                    .strip_prefix(".")
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|_| path.clone());
                assert_eq!(clean(&path), want, "{}", path.display());
            }
        }
        // Not below the root at all.
        assert_eq!(below(Path::new("abc/x"), Path::new("ab")), PathBuf::new());
        assert_eq!(below(Path::new("x/y"), Path::new("a")), PathBuf::new());
    }

    #[test]
    fn path_order_is_the_order_of_plain_paths() {
        // Every pair of plain paths in `Path`'s order; which are plain.
        let paths = [
            "a", "a/b", "a-b", "-x", "./x", "../x", "a/../b", "a//b", "a/./b", "a/", "/", "/a",
            "/a/b", ".", "..", "a/.", ".a", "a/.b", "b", "", "//a",
        ];
        for a in paths {
            for b in paths {
                let (a, b) = (Path::new(a), Path::new(b));
                if plain(a) && plain(b) {
                    assert_eq!(path_order(a, b), a.cmp(b), "{a:?} vs {b:?}");
                }
            }
        }
        let plain_ones: Vec<&str> = paths.into_iter().filter(|p| plain(Path::new(p))).collect();
        assert_eq!(
            plain_ones,
            ["a", "a/b", "a-b", "-x", "/a", "/a/b", ".a", "a/.b", "b"]
        );
    }

    #[test]
    fn path_order_is_the_order_of_paths() {
        let paths = [
            "a",
            "a/b",
            "a-b",
            "a-b/c",
            "a.json",
            "a/b-c.json",
            "a/b/c.json",
            "a/b.json",
            "a0/x",
            "A/b",
            "infra/roles/prod.json",
            "infra/roles-old/prod.json",
            "infra/roles.json",
            "/abs/x.json",
            "é/x",
            "a-very-long-directory-name-shared-by-all/b",
            "a-very-long-directory-name-shared-by-all/b.json",
            "a-very-long-directory-name-shared-by-all.json",
            "a-very-long-directory-name-shared-by-all/b/c.json",
            "a-very-long-directory-name-shared-by-alk/b",
        ];
        for a in paths {
            for b in paths {
                let (a, b) = (Path::new(a), Path::new(b));
                assert_eq!(
                    path_order(a, b),
                    a.cmp(b),
                    "{} vs {}",
                    a.display(),
                    b.display()
                );
            }
        }
    }
}
