//! `.iamchain.yaml`: which rules run at what severity, which files are
//! read, and targeted ignores that must give a reason.
//!
//! The file is found upward from the working directory (or given with
//! `--config`; `--no-config` skips it). It is read with the same span-keeping
//! YAML loader as every other input, so an unknown key or a wrong type is an
//! error that points at the line in the file.
//!
//! ```yaml
//! rules:
//!   select: [syntax, permissions, trust-any-principal]   # categories or rule names; default: all
//!   ignore: [policy-version]
//!   severity: {wildcard-action: error}
//! accounts:
//!   "111111111111": {name: dev, environment: dev}
//!   "333333333333": {name: prod, environment: prod}
//! launchers:
//!   - principal: arn:aws:iam::111111111111:role/OctoLauncherRole   # an ARN or a role name
//!     reaches: [DevDeployRole, StagingDeployRole, ProdDeployRole]
//! prod:                                  # extends the prod-*-right rules' defaults
//!   push_actions: ["lambda:UpdateFunctionCode"]
//!   delete_actions: ["dynamodb:DeleteTable"]
//!   artifact_buckets: ["*-releases-*"]
//! include: ["infra/**"]
//! exclude: ["**/fixtures/**"]
//! ignore:
//!   - rule: trust-account-root
//!     path: "roles/break-glass-trust.json"
//!     sid: BreakGlass
//!     reason: break-glass role, reviewed quarterly
//!   - rule: wildcard-action
//!     principal: "arn:aws:iam::111111111111:role/Debug"   # the role holding the policy
//!     pointer: /Statement/2                               # in the policy, or from the file's root
//!     expires: 2027-01-31                                 # suppresses through that day (UTC)
//!     reason: debugging grant, removed after the migration
//! ```
//!
//! An ignore that matches nothing, or has expired, is reported by the
//! `unused-suppression` rule (see `engine::apply_ignores`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::diagnostic::Severity;
use crate::load::tree::{Node, Value};
use crate::load::yaml;
use crate::model::Environment;
use crate::rules;
use crate::source::{SourceId, SourceMap, Span, Spanned};

/// The file name looked for.
pub const FILE_NAME: &str = ".iamchain.yaml";

/// A problem in the configuration: the run cannot proceed (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    /// What is wrong.
    pub message: String,
    /// Where in the config file, when it came from one.
    pub span: Option<Span>,
}

impl ConfigError {
    fn at(span: Span, message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
            span: Some(span),
        }
    }
}

/// A targeted ignore.
#[derive(Debug, Clone)]
pub struct Ignore {
    /// Rule name.
    pub rule: String,
    /// Glob the finding's path must match (relative, `/`-separated); any path when absent.
    pub path: Option<GlobSet>,
    /// The path pattern as written, for messages.
    pub path_text: Option<String>,
    /// Statement id the finding must be in.
    pub sid: Option<String>,
    /// JSON pointer of a node the finding must be in: relative to the policy
    /// document (`/Statement/2`) or to the file's root.
    pub pointer: Option<String>,
    /// ARN of the role, user or group whose policy the finding is in.
    pub principal: Option<String>,
    /// The last day (UTC) the ignore suppresses; afterwards the findings are
    /// reported again and so is the ignore.
    pub expires: Option<Spanned<Date>>,
    /// Why it is ignored (required).
    pub reason: String,
    /// Where the entry was written.
    pub span: Span,
    /// Where its `rule` value was written (findings about the entry point here).
    pub rule_span: Span,
}

/// A calendar date (`2027-01-31`), for `expires`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
}

impl Date {
    /// Parse `YYYY-MM-DD`, rejecting days that do not exist.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some()
            || y.len() != 4
            || m.len() != 2
            || d.len() != 2
            || !(y.chars().chain(m.chars()).chain(d.chars())).all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        let leap = date.year % 4 == 0 && (date.year % 100 != 0 || date.year % 400 == 0);
        let days = match date.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&date.day).then_some(date)
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// What the config says about one AWS account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// A human name ("prod", "acme-payments-prod").
    pub name: Option<String>,
    /// Its environment; when absent, guessed from the name.
    pub environment: Option<Environment>,
}

/// A launcher and the deploy roles it is meant to reach (the intended chains).
#[derive(Debug, Clone)]
pub struct Launcher {
    /// The launcher: an ARN or a role name.
    pub principal: Spanned<String>,
    /// The roles it may assume: ARNs or role names.
    pub reaches: Vec<Spanned<String>>,
}

/// The loaded configuration.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// Where it came from.
    pub path: Option<PathBuf>,
    /// The directory globs are relative to: the config file's (absolute).
    pub root: Option<PathBuf>,
    /// Rules selected (names); `None` means all.
    pub select: Option<Vec<String>>,
    /// Rules switched off.
    pub disabled: Vec<String>,
    /// Severity overrides.
    pub severity: BTreeMap<String, Severity>,
    /// Only files matching these globs are read (when non-empty).
    pub include: Option<GlobSet>,
    /// Files matching these globs are skipped.
    pub exclude: Option<GlobSet>,
    /// Targeted ignores.
    pub ignores: Vec<Ignore>,
    /// Accounts by id: names and environments.
    pub accounts: BTreeMap<String, Account>,
    /// Launchers and their intended chains; empty: inferred.
    pub launchers: Vec<Launcher>,
    /// Set by `iamchain graph` (never read from the file): snapshot the
    /// principal graph, limited to paths from / to these principals.
    pub graph_request: Option<GraphRequest>,
    /// Set by `iamchain lint` (never read from the file) when nothing will
    /// read the findings' meaning keys (only SARIF fingerprints, baselines
    /// and `--since` do): they are then not computed.
    pub skip_keys: bool,
    /// Set by `iamchain lint` (never read from the file) when the output is
    /// not `--format summary`: the per-account summary is not computed.
    pub skip_summary: bool,
    /// Extra actions and buckets for the `prod-push-right` and
    /// `prod-delete-right` rules, added to their defaults.
    pub prod: ProdRights,
}

/// What `iamchain graph` asked for.
#[derive(Debug, Clone, Default)]
pub struct GraphRequest {
    /// Only paths starting here (ARN or name).
    pub from: Option<String>,
    /// Only paths ending here (ARN or name).
    pub to: Option<String>,
}

/// The `prod:` section: what counts as a push or a delete right.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProdRights {
    /// Action patterns that publish artifacts (`ecr:PutImage`).
    pub push_actions: Vec<String>,
    /// Action patterns that destroy resources (`cloudformation:DeleteStack`).
    pub delete_actions: Vec<String>,
    /// Bucket name globs whose object writes count as pushes.
    pub artifact_buckets: Vec<String>,
}

impl Config {
    /// `path` as the config's globs see it: relative to the config file's
    /// directory, `/`-separated. Without a config file, relative to the
    /// working directory.
    pub fn relative(&self, path: &Path) -> String {
        let rel = match (&self.root, std::path::absolute(path)) {
            (Some(root), Ok(abs)) => abs.strip_prefix(root).map(Path::to_path_buf).unwrap_or(abs),
            _ => path.to_path_buf(),
        };
        let text = rel.to_string_lossy().replace('\\', "/");
        text.strip_prefix("./").map(str::to_string).unwrap_or(text)
    }

    /// The environment of `account`: from the config, else guessed from its
    /// configured name (`acme-prod` is Prod).
    pub fn environment(&self, account: &str) -> Option<Environment> {
        let a = self.accounts.get(account)?;
        a.environment
            .or_else(|| a.name.as_deref().and_then(Environment::guess_from_name))
    }

    /// A label for an account in messages: `333333333333 (prod)`.
    pub fn describe_account(&self, account: &str) -> String {
        match self.accounts.get(account).and_then(|a| a.name.as_deref()) {
            Some(name) => format!("{account} ({name})"),
            None => match self.environment(account) {
                Some(env) => format!("{account} ({})", env.as_str()),
                None => account.to_string(),
            },
        }
    }

    /// Whether `rule` runs.
    pub fn is_enabled(&self, rule: &rules::RuleMeta) -> bool {
        let selected = match &self.select {
            None => true,
            Some(list) => list
                .iter()
                .any(|s| s == rule.name || s == rule.category.as_str()),
        };
        selected
            && !self
                .disabled
                .iter()
                .any(|s| s == rule.name || s == rule.category.as_str())
    }

    /// The severity `rule` reports at.
    pub fn severity(&self, rule: &rules::RuleMeta) -> Severity {
        self.severity
            .get(rule.name)
            .copied()
            .unwrap_or(rule.default_severity)
    }
}

/// Find `.iamchain.yaml` in `start` or one of its parents.
pub fn find_upward(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Read and validate a config file, adding it to `sources` so errors can point into it.
pub fn load(path: &Path, sources: &mut SourceMap) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        message: format!("cannot read {}: {e}", path.display()),
        span: None,
    })?;
    let id = sources.add(path.to_path_buf(), text);
    let mut config = parse(&sources.get(id).text, id)?;
    config.path = Some(path.to_path_buf());
    config.root = std::path::absolute(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    Ok(config)
}

/// Parse config text.
pub fn parse(text: &str, source: SourceId) -> Result<Config, ConfigError> {
    let docs = yaml::parse(text, source).map_err(|e| ConfigError::at(e.span, e.message))?;
    let mut config = Config::default();
    let Some(root) = docs.first() else {
        return Ok(config);
    };
    if matches!(root.value, Value::Null) {
        return Ok(config);
    }
    for m in object(root, "the config file")? {
        match &*m.key.value {
            "rules" => read_rules(&m.value, &mut config)?,
            "accounts" => read_accounts(&m.value, &mut config)?,
            "launchers" => {
                for item in array(&m.value, "launchers")? {
                    config.launchers.push(read_launcher(item)?);
                }
            }
            "prod" => read_prod(&m.value, &mut config)?,
            "include" => config.include = Some(globs(&m.value, "include")?),
            "exclude" => config.exclude = Some(globs(&m.value, "exclude")?),
            "ignore" => {
                for item in array(&m.value, "ignore")? {
                    config.ignores.push(read_ignore(item)?);
                }
            }
            other => {
                return Err(unknown(
                    m.key.span,
                    other,
                    &[
                        "rules",
                        "accounts",
                        "launchers",
                        "prod",
                        "include",
                        "exclude",
                        "ignore",
                    ],
                ));
            }
        }
    }
    Ok(config)
}

fn unknown(span: Span, key: &str, known: &[&str]) -> ConfigError {
    ConfigError::at(
        span,
        format!("unknown key `{key}`; expected one of: {}", known.join(", ")),
    )
}

fn object<'a>(node: &'a Node, what: &str) -> Result<&'a [crate::load::tree::Member], ConfigError> {
    node.as_object().ok_or_else(|| {
        ConfigError::at(
            node.span,
            format!("{what} must be a mapping, found {}", node.type_name()),
        )
    })
}

fn array<'a>(node: &'a Node, what: &str) -> Result<&'a [Node], ConfigError> {
    node.as_array().ok_or_else(|| {
        ConfigError::at(
            node.span,
            format!("`{what}` must be a list, found {}", node.type_name()),
        )
    })
}

fn string(node: &Node, what: &str) -> Result<String, ConfigError> {
    node.as_scalar_text()
        .map(|s| s.into_owned())
        .ok_or_else(|| {
            ConfigError::at(
                node.span,
                format!("`{what}` must be a string, found {}", node.type_name()),
            )
        })
}

fn rule_or_category(node: &Node, what: &str) -> Result<String, ConfigError> {
    let name = string(node, what)?;
    let known = rules::ALL
        .iter()
        .any(|r| r.meta().name == name || r.meta().category.as_str() == name);
    if known {
        Ok(name)
    } else {
        Err(ConfigError::at(
            node.span,
            format!("`{name}` is not a rule or category (see `iamchain rules`)"),
        ))
    }
}

fn read_rules(node: &Node, config: &mut Config) -> Result<(), ConfigError> {
    for m in object(node, "`rules`")? {
        match &*m.key.value {
            "select" => {
                config.select = Some(
                    array(&m.value, "rules.select")?
                        .iter()
                        .map(|n| rule_or_category(n, "rules.select"))
                        .collect::<Result<_, _>>()?,
                )
            }
            "ignore" => {
                config.disabled = array(&m.value, "rules.ignore")?
                    .iter()
                    .map(|n| rule_or_category(n, "rules.ignore"))
                    .collect::<Result<_, _>>()?
            }
            "severity" => {
                for s in object(&m.value, "`rules.severity`")? {
                    let name = &*s.key.value;
                    if rules::find(name).is_none() {
                        return Err(ConfigError::at(
                            s.key.span,
                            format!("`{name}` is not a rule (see `iamchain rules`)"),
                        ));
                    }
                    let level = string(&s.value, "severity")?;
                    let sev = Severity::parse(&level).ok_or_else(|| {
                        ConfigError::at(
                            s.value.span,
                            format!("`{level}` is not a severity; use error, warning or note"),
                        )
                    })?;
                    config.severity.insert(name.to_string(), sev);
                }
            }
            other => {
                return Err(unknown(
                    m.key.span,
                    other,
                    &["select", "ignore", "severity"],
                ));
            }
        }
    }
    Ok(())
}

fn spanned_string(node: &Node, what: &str) -> Result<Spanned<String>, ConfigError> {
    Ok(Spanned::new(string(node, what)?, node.span))
}

fn read_launcher(node: &Node) -> Result<Launcher, ConfigError> {
    let mut principal = None;
    let mut reaches = Vec::new();
    for m in object(node, "a launcher")? {
        match &*m.key.value {
            "principal" => principal = Some(spanned_string(&m.value, "principal")?),
            "reaches" => {
                reaches = array(&m.value, "reaches")?
                    .iter()
                    .map(|n| spanned_string(n, "reaches"))
                    .collect::<Result<_, _>>()?
            }
            other => return Err(unknown(m.key.span, other, &["principal", "reaches"])),
        }
    }
    let principal =
        principal.ok_or_else(|| ConfigError::at(node.span, "a launcher needs a `principal`"))?;
    Ok(Launcher { principal, reaches })
}

fn read_accounts(node: &Node, config: &mut Config) -> Result<(), ConfigError> {
    for m in object(node, "`accounts`")? {
        let id = m.key.value.to_string();
        if !crate::policy::arn::is_account_id(&id) {
            return Err(ConfigError::at(
                m.key.span,
                format!("`{id}` is not a 12-digit account id (quote it to keep leading zeros)"),
            ));
        }
        let mut account = Account::default();
        for f in object(&m.value, "an account")? {
            match &*f.key.value {
                "name" => account.name = Some(string(&f.value, "name")?),
                "environment" => {
                    let text = string(&f.value, "environment")?;
                    account.environment = Some(Environment::parse(&text).ok_or_else(|| {
                        ConfigError::at(
                            f.value.span,
                            format!("`{text}` is not an environment; use dev, staging, prod, management or other"),
                        )
                    })?);
                }
                other => return Err(unknown(f.key.span, other, &["name", "environment"])),
            }
        }
        config.accounts.insert(id, account);
    }
    Ok(())
}

fn read_prod(node: &Node, config: &mut Config) -> Result<(), ConfigError> {
    for m in object(node, "`prod`")? {
        let key = &*m.key.value;
        let list = array(&m.value, &format!("prod.{key}"))?
            .iter()
            .map(|n| string(n, &format!("prod.{key}")))
            .collect::<Result<Vec<_>, _>>()?;
        match key {
            "push_actions" => config.prod.push_actions = list,
            "delete_actions" => config.prod.delete_actions = list,
            "artifact_buckets" => config.prod.artifact_buckets = list,
            other => {
                return Err(unknown(
                    m.key.span,
                    other,
                    &["push_actions", "delete_actions", "artifact_buckets"],
                ));
            }
        }
    }
    Ok(())
}

fn globs(node: &Node, what: &str) -> Result<GlobSet, ConfigError> {
    let mut b = GlobSetBuilder::new();
    for item in array(node, what)? {
        b.add(glob(item, what)?);
    }
    b.build()
        .map_err(|e| ConfigError::at(node.span, e.to_string()))
}

fn glob(node: &Node, what: &str) -> Result<Glob, ConfigError> {
    let text = string(node, what)?;
    globset::GlobBuilder::new(&text)
        .literal_separator(false)
        .build()
        .map_err(|e| ConfigError::at(node.span, format!("invalid glob `{text}`: {}", e.kind())))
}

fn read_ignore(node: &Node) -> Result<Ignore, ConfigError> {
    let mut rule = None;
    let mut rule_span = node.span;
    let mut path = None;
    let mut path_text = None;
    let mut sid = None;
    let mut pointer = None;
    let mut principal = None;
    let mut expires = None;
    let mut reason = None;
    for m in object(node, "an `ignore` entry")? {
        match &*m.key.value {
            "rule" => {
                let name = string(&m.value, "rule")?;
                if rules::find(&name).is_none() {
                    return Err(ConfigError::at(
                        m.value.span,
                        format!("`{name}` is not a rule (see `iamchain rules`)"),
                    ));
                }
                rule = Some(name);
                rule_span = m.value.span;
            }
            "path" => {
                let g = glob(&m.value, "path")?;
                path_text = Some(g.glob().to_string());
                let mut b = GlobSetBuilder::new();
                b.add(g);
                path = Some(
                    b.build()
                        .map_err(|e| ConfigError::at(m.value.span, e.to_string()))?,
                );
            }
            "sid" => sid = Some(string(&m.value, "sid")?),
            "pointer" => {
                let p = string(&m.value, "pointer")?;
                if !p.is_empty() && !p.starts_with('/') {
                    return Err(ConfigError::at(
                        m.value.span,
                        format!(
                            "`{p}` is not a JSON pointer; write it from the root, like `/Statement/0`"
                        ),
                    ));
                }
                pointer = Some(p);
            }
            "principal" => {
                let arn = string(&m.value, "principal")?;
                if !arn.starts_with("arn:") {
                    return Err(ConfigError::at(
                        m.value.span,
                        format!(
                            "`{arn}` is not an ARN; name the role, user or group like `arn:aws:iam::111111111111:role/Name`"
                        ),
                    ));
                }
                principal = Some(arn);
            }
            "expires" => {
                let text = string(&m.value, "expires")?;
                let date = Date::parse(&text).ok_or_else(|| {
                    ConfigError::at(
                        m.value.span,
                        format!("`{text}` is not a date; write it as YYYY-MM-DD"),
                    )
                })?;
                expires = Some(Spanned::new(date, m.value.span));
            }
            "reason" => reason = Some(string(&m.value, "reason")?),
            other => {
                return Err(unknown(
                    m.key.span,
                    other,
                    &[
                        "rule",
                        "path",
                        "sid",
                        "pointer",
                        "principal",
                        "expires",
                        "reason",
                    ],
                ));
            }
        }
    }
    let rule =
        rule.ok_or_else(|| ConfigError::at(node.span, "an `ignore` entry needs a `rule`"))?;
    let reason = reason.filter(|r| !r.trim().is_empty()).ok_or_else(|| {
        ConfigError::at(
            node.span,
            "an `ignore` entry needs a `reason`: say why the finding is acceptable",
        )
    })?;
    Ok(Ignore {
        rule,
        path,
        path_text,
        sid,
        pointer,
        principal,
        expires,
        reason,
        span: node.span,
        rule_span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Config {
        parse(text, SourceId(0)).unwrap_or_else(|e| panic!("{e}"))
    }

    fn parse_err(text: &str) -> (String, String) {
        let e = parse(text, SourceId(0)).expect_err("must be rejected");
        let span = e.span.expect("points into the file");
        (
            e.message,
            text[span.start as usize..span.end as usize].to_string(),
        )
    }

    #[test]
    fn empty_and_comment_only_files_are_the_default() {
        assert!(parse_ok("").select.is_none());
        assert!(parse_ok("# nothing yet\n").ignores.is_empty());
    }

    #[test]
    fn rules_select_ignore_and_severity() {
        let c = parse_ok(
            "rules:\n  select: [syntax, wildcard-action]\n  ignore: [policy-version]\n  severity: {wildcard-action: error}\n",
        );
        let meta = |n: &str| crate::rules::find(n).expect("rule").meta();
        assert!(c.is_enabled(meta("invalid-json")));
        assert!(c.is_enabled(meta("wildcard-action")));
        assert!(!c.is_enabled(meta("policy-version")));
        assert!(!c.is_enabled(meta("admin-access")));
        assert_eq!(c.severity(meta("wildcard-action")), Severity::Error);
        assert_eq!(c.severity(meta("invalid-json")), Severity::Error);
    }

    #[test]
    fn prod_section_extends_the_rights_and_rejects_unknown_keys() {
        let c = parse_ok(
            "prod:\n  push_actions: [\"lambda:UpdateFunctionCode\"]\n  delete_actions: [\"dynamodb:DeleteTable\"]\n  artifact_buckets: [\"*-releases-*\"]\n",
        );
        assert_eq!(c.prod.push_actions, ["lambda:UpdateFunctionCode"]);
        assert_eq!(c.prod.delete_actions, ["dynamodb:DeleteTable"]);
        assert_eq!(c.prod.artifact_buckets, ["*-releases-*"]);
        let (msg, at) = parse_err("prod:\n  delete: [x]\n");
        assert_eq!(
            msg,
            "unknown key `delete`; expected one of: push_actions, delete_actions, artifact_buckets"
        );
        assert_eq!(at, "delete");
    }

    #[test]
    fn unknown_keys_point_at_the_key() {
        let (msg, at) = parse_err("rules:\n  selct: [syntax]\n");
        assert_eq!(
            msg,
            "unknown key `selct`; expected one of: select, ignore, severity"
        );
        assert_eq!(at, "selct");
        let (msg, at) = parse_err("includes: [\"a/**\"]\n");
        assert!(msg.starts_with("unknown key `includes`"), "{msg}");
        assert_eq!(at, "includes");
    }

    #[test]
    fn unknown_rules_and_severities_point_at_the_value() {
        let (msg, at) = parse_err("rules:\n  ignore: [wildcard-actions]\n");
        assert_eq!(
            msg,
            "`wildcard-actions` is not a rule or category (see `iamchain rules`)"
        );
        assert_eq!(at, "wildcard-actions");
        let (msg, at) = parse_err("rules:\n  severity: {wildcard-action: fatal}\n");
        assert_eq!(msg, "`fatal` is not a severity; use error, warning or note");
        assert_eq!(at, "fatal");
    }

    #[test]
    fn ignores_require_a_reason() {
        let (msg, _) = parse_err("ignore:\n  - rule: wildcard-action\n    path: a.json\n");
        assert!(msg.contains("needs a `reason`"), "{msg}");
        let (msg, _) = parse_err("ignore:\n  - rule: wildcard-action\n    reason: \"  \"\n");
        assert!(msg.contains("needs a `reason`"), "{msg}");
        let c = parse_ok(
            "ignore:\n  - rule: trust-account-root\n    path: \"roles/*.json\"\n    sid: BreakGlass\n    reason: reviewed\n",
        );
        assert_eq!(c.ignores.len(), 1);
        assert_eq!(c.ignores[0].sid.as_deref(), Some("BreakGlass"));
    }

    #[test]
    fn ignores_take_pointer_principal_and_expiry() {
        let c = parse_ok(
            "ignore:\n  - rule: wildcard-action\n    pointer: /Statement/2\n    principal: arn:aws:iam::111111111111:role/Debug\n    expires: 2027-01-31\n    reason: temporary\n",
        );
        let ig = &c.ignores[0];
        assert_eq!(ig.pointer.as_deref(), Some("/Statement/2"));
        assert_eq!(
            ig.principal.as_deref(),
            Some("arn:aws:iam::111111111111:role/Debug")
        );
        assert_eq!(
            ig.expires.as_ref().map(|d| d.value.to_string()).as_deref(),
            Some("2027-01-31")
        );
        let (msg, at) = parse_err(
            "ignore:\n  - rule: wildcard-action\n    expires: 2027-02-30\n    reason: x\n",
        );
        assert_eq!(msg, "`2027-02-30` is not a date; write it as YYYY-MM-DD");
        assert_eq!(at, "2027-02-30");
        let (msg, _) = parse_err(
            "ignore:\n  - rule: wildcard-action\n    pointer: Statement/2\n    reason: x\n",
        );
        assert!(msg.contains("not a JSON pointer"), "{msg}");
        let (msg, _) =
            parse_err("ignore:\n  - rule: wildcard-action\n    principal: Debug\n    reason: x\n");
        assert!(msg.contains("not an ARN"), "{msg}");
    }

    #[test]
    fn dates_parse_strictly_and_today_is_plausible() {
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2027-1-31").is_none());
        assert!(Date::parse("2027-01-31-").is_none());
        assert_eq!(
            Date::from_days(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        assert_eq!(Date::from_days(19_782).to_string(), "2024-02-29");
        assert!(Date::today().year >= 2025);
    }

    #[test]
    fn wrong_types_are_errors() {
        let (msg, at) = parse_err("include: \"a/**\"\n");
        assert_eq!(msg, "`include` must be a list, found a string");
        assert_eq!(at, "\"a/**\"");
        let (msg, _) = parse_err("- just\n- a list\n");
        assert_eq!(msg, "the config file must be a mapping, found an array");
    }

    #[test]
    fn bad_globs_are_errors() {
        let (msg, at) = parse_err("exclude: [\"a/[\"]\n");
        assert!(msg.starts_with("invalid glob `a/[`"), "{msg}");
        assert_eq!(at, "\"a/[\"");
    }

    #[test]
    fn accounts_name_environments() {
        let c = parse_ok(
            "accounts:\n  \"012345678901\": {name: acme-prod}\n  111111111111: {name: tools, environment: dev}\n",
        );
        assert_eq!(c.environment("012345678901"), Some(Environment::Prod));
        assert_eq!(c.environment("111111111111"), Some(Environment::Dev));
        assert_eq!(c.environment("999999999999"), None);
        assert_eq!(
            c.describe_account("012345678901"),
            "012345678901 (acme-prod)"
        );
        let (msg, at) = parse_err("accounts:\n  \"1234\": {name: x}\n");
        assert!(msg.contains("12-digit"), "{msg}");
        assert_eq!(at, "\"1234\"");
        let (msg, _) = parse_err("accounts:\n  \"111111111111\": {environment: prodd}\n");
        assert!(msg.contains("`prodd` is not an environment"), "{msg}");
    }

    #[test]
    fn found_upward_from_a_subdirectory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).expect("mkdir");
        std::fs::write(dir.path().join(FILE_NAME), "rules: {ignore: [syntax]}\n").expect("write");
        assert_eq!(find_upward(&nested), Some(dir.path().join(FILE_NAME)));
    }
}
