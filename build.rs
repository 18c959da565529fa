//! Build script: compiles the committed AWS catalog (`data/catalog/*.tsv`,
//! written by `scripts/update-catalog`) into static sorted tables.
//!
//! Output, all in `$OUT_DIR`:
//! * `catalog_strings.txt`: every action, service, resource type, ARN format
//!   and condition key name, concatenated without separators (deduplicated);
//! * `catalog_policies.txt`: managed policy names, ARNs, version ids and
//!   documents, concatenated;
//! * `catalog_data.rs`: the record tables, which address both texts by
//!   `u32` offset. `src/catalog/data.rs` `include!`s it.
//!
//! Nothing is parsed at run time. Std only.

use std::collections::HashMap;
use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

// The hash tables of exact names are built here, with the code the library
// looks names up with.
#[allow(dead_code)]
#[path = "src/catalog/slots.rs"]
mod slots;

#[path = "src/catalog/arn_format.rs"]
mod arn_format;

const DATA_DIR: &str = "data/catalog";
const FILES: [&str; 5] = [
    "actions.tsv",
    "resources.tsv",
    "condition_keys.tsv",
    "managed_policies.tsv",
    "meta.json",
];

/// A deduplicating string table addressed by byte offset.
#[derive(Default)]
struct Strings {
    text: String,
    seen: HashMap<String, u32>,
}

impl Strings {
    fn add(&mut self, s: &str) -> Result<(u32, u32)> {
        if let Some(&off) = self.seen.get(s) {
            return Ok((off, len32(s)?));
        }
        let off = len32(&self.text)?;
        self.text.push_str(s);
        self.seen.insert(s.to_owned(), off);
        Ok((off, len32(s)?))
    }

    /// Appends without deduplication (for large, unique documents).
    fn push(&mut self, s: &str) -> Result<(u32, u32)> {
        let off = len32(&self.text)?;
        self.text.push_str(s);
        Ok((off, len32(s)?))
    }
}

fn len32(s: &str) -> Result<u32> {
    Ok(u32::try_from(s.len())?)
}

fn small<T: TryFrom<usize>>(n: usize, what: &str) -> Result<T> {
    T::try_from(n).map_err(|_| format!("catalog: {what} ({n}) does not fit its field").into())
}

fn split_list(col: &str) -> impl Iterator<Item = &str> {
    col.split(',').filter(|s| !s.is_empty())
}

fn fields<'a>(line: &'a str, file: &str, n: usize, lineno: usize) -> Result<Vec<&'a str>> {
    let f: Vec<&str> = line.split('\t').collect();
    if f.len() != n && !(file == "condition_keys.tsv" && f.len() == 2) {
        return Err(format!("{file}:{lineno}: expected {n} tab-separated fields").into());
    }
    Ok(f)
}

fn check_sorted<'a>(keys: impl Iterator<Item = String> + 'a, file: &str) -> Result<()> {
    let mut prev: Option<String> = None;
    for k in keys {
        if let Some(p) = &prev
            && *p >= k
        {
            return Err(format!("{file}: not sorted or duplicate at {k:?}").into());
        }
        prev = Some(k);
    }
    Ok(())
}

fn key_type(ty: &str) -> Result<&'static str> {
    Ok(match ty {
        "String" => "String",
        "ArrayOfString" => "ArrayOfString",
        "ARN" => "Arn",
        "ArrayOfARN" => "ArrayOfArn",
        "Bool" => "Bool",
        "ArrayOfBool" => "ArrayOfBool",
        "Numeric" => "Numeric",
        "ArrayOfNumeric" => "ArrayOfNumeric",
        "Date" => "Date",
        "ArrayOfDate" => "ArrayOfDate",
        "IPAddress" => "IpAddress",
        "ArrayOfIPAddress" => "ArrayOfIpAddress",
        "Binary" => "Binary",
        "ArrayOfBinary" => "ArrayOfBinary",
        other => return Err(format!("condition_keys.tsv: unknown type {other:?}").into()),
    })
}

fn access_bits(flags: &str) -> Result<u8> {
    let mut bits = 0u8;
    for f in flags.split('+') {
        bits |= match f {
            "L" => 1,
            "R" => 2,
            "W" => 4,
            "P" => 8,
            "T" => 16,
            other => return Err(format!("actions.tsv: unknown access flag {other:?}").into()),
        };
    }
    Ok(bits)
}

fn is_template(key: &str) -> bool {
    key.contains("${") || key.contains('<')
}

/// Reads `"name": value` from the line-per-key `meta.json`.
fn meta_value<'a>(meta: &'a str, name: &str) -> Result<&'a str> {
    let needle = format!("\"{name}\":");
    meta.lines()
        .find_map(|l| l.trim().strip_prefix(needle.as_str()))
        .map(|v| v.trim().trim_end_matches(',').trim().trim_matches('"'))
        .ok_or_else(|| format!("meta.json: no {name}").into())
}

fn main() -> Result<()> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let data = root.join(DATA_DIR);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/catalog/slots.rs");
    println!("cargo:rerun-if-changed=src/catalog/arn_format.rs");
    for f in FILES {
        println!("cargo:rerun-if-changed={DATA_DIR}/{f}");
    }
    let read = |f: &str| -> Result<String> {
        fs::read_to_string(data.join(f)).map_err(|e| format!("reading {DATA_DIR}/{f}: {e}").into())
    };
    let actions_tsv = read("actions.tsv")?;
    let resources_tsv = read("resources.tsv")?;
    let keys_tsv = read("condition_keys.tsv")?;
    let policies_tsv = read("managed_policies.tsv")?;
    let meta = read("meta.json")?;

    let mut strings = Strings::default();
    let mut out = String::new();
    out.push_str("// @generated by build.rs from data/catalog. Do not edit.\n\n");

    // Condition keys: sorted by lowercase name.
    let mut key_index: HashMap<String, usize> = HashMap::new();
    let mut keys_rs = String::new();
    let mut templates = Vec::new();
    let key_lines: Vec<&str> = keys_tsv.lines().collect();
    check_sorted(
        key_lines
            .iter()
            .map(|l| l.split('\t').next().unwrap_or("").to_ascii_lowercase()),
        "condition_keys.tsv",
    )?;
    for (i, line) in key_lines.iter().enumerate() {
        let f = fields(line, "condition_keys.tsv", 3, i + 1)?;
        let (off, len) = strings.add(f[0])?;
        let global = f.get(2) == Some(&"global");
        let template = is_template(f[0]);
        let flags = u8::from(global) | (u8::from(template) << 1);
        let len: u8 = small(len as usize, "condition key length")?;
        writeln!(keys_rs, "K({off},{len},T::{},{flags}),", key_type(f[1])?)?;
        if template {
            templates.push(i);
        }
        key_index.insert(f[0].to_ascii_lowercase(), i);
    }
    let key_names: Vec<&str> = key_lines
        .iter()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    let key_slots = slots::build(key_names.len(), |i| key_names[i].as_bytes());
    let find_key = |k: &str| -> Result<u16> {
        let i = key_index
            .get(&k.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown condition key {k:?}"))?;
        small(*i, "condition key index")
    };

    // Resource types: sorted by (service, lowercase name).
    let mut res_index: HashMap<(String, String), usize> = HashMap::new();
    let mut res_rs = String::new();
    let mut res_keys: Vec<u16> = Vec::new();
    let mut any_arns: Vec<String> = Vec::new();
    let mut segment_arns: Vec<String> = Vec::new();
    for (i, line) in resources_tsv.lines().enumerate() {
        let f = fields(line, "resources.tsv", 4, i + 1)?;
        let (soff, slen) = strings.add(f[0])?;
        let (noff, nlen) = strings.add(f[1])?;
        let (aoff, alen) = strings.add(f[2])?;
        let (xoff, xlen) = strings.add(&arn_format::any_arn(f[2]))?;
        any_arns.push(format!("({xoff},{xlen})"));
        let (goff, glen) = strings.add(&arn_format::segment_arn(f[2]))?;
        segment_arns.push(format!("({goff},{glen})"));
        let kstart = res_keys.len();
        for k in split_list(f[3]) {
            res_keys.push(find_key(k)?);
        }
        let klen: u8 = small(res_keys.len() - kstart, "resource condition keys")?;
        let (slen, nlen): (u8, u8) = (small(slen as usize, "")?, small(nlen as usize, "")?);
        let alen: u16 = small(alen as usize, "ARN format length")?;
        writeln!(
            res_rs,
            "R({soff},{slen},{noff},{nlen},{aoff},{alen},{kstart},{klen}),"
        )?;
        res_index.insert((f[0].to_owned(), f[1].to_owned()), i);
    }

    // Actions: the TSV is sorted by lowercase `service:Action`; the table is
    // sorted by (service, lowercase action) so that each service is one
    // contiguous range and the services come in order. (The two orders differ
    // where a prefix is followed by a character below `:`, e.g. `s3-outposts`.)
    let action_lines: Vec<&str> = actions_tsv.lines().collect();
    check_sorted(
        action_lines.iter().map(|l| {
            let mut it = l.split('\t');
            let s = it.next().unwrap_or("");
            let a = it.next().unwrap_or("");
            format!("{s}:{a}").to_ascii_lowercase()
        }),
        "actions.tsv",
    )?;
    let mut rows = Vec::with_capacity(action_lines.len());
    for (i, line) in action_lines.iter().enumerate() {
        rows.push(fields(line, "actions.tsv", 5, i + 1)?);
    }
    rows.sort_by_cached_key(|f| (f[0].to_owned(), f[1].to_ascii_lowercase()));
    let mut act_rs = String::new();
    let mut act_rts: Vec<u32> = Vec::new();
    let mut act_keys: Vec<u16> = Vec::new();
    // (service, first action, one past its last action), in order.
    let mut services: Vec<(String, usize, usize)> = Vec::new();
    for (i, f) in rows.iter().enumerate() {
        let (svc, name) = (f[0], f[1]);
        let full = format!("{svc}:{name}");
        let (off, len) = strings.add(&full)?;
        let len: u8 = small(len as usize, "action name length")?;
        let colon: u8 = small(svc.len(), "service length")?;
        let access = access_bits(f[2])?;
        let rstart = act_rts.len();
        for rt in split_list(f[3]) {
            let (rt, required) = match rt.strip_suffix('*') {
                Some(r) => (r, true),
                None => (rt, false),
            };
            let idx = res_index
                .get(&(svc.to_owned(), rt.to_owned()))
                .ok_or_else(|| format!("{full}: unknown resource type {rt:?}"))?;
            let idx: u32 = small(*idx, "resource index")?;
            act_rts.push(idx | (u32::from(required) << 31));
        }
        let kstart = act_keys.len();
        for k in split_list(f[4]) {
            act_keys.push(find_key(k)?);
        }
        let rlen: u8 = small(act_rts.len() - rstart, "action resource types")?;
        let klen: u8 = small(act_keys.len() - kstart, "action condition keys")?;
        writeln!(
            act_rs,
            "A({off},{len},{colon},{access},{rlen},{klen},{rstart},{kstart}),"
        )?;
        match services.last_mut() {
            Some(last) if last.0 == svc => last.2 = i + 1,
            _ => services.push((svc.to_owned(), i, i + 1)),
        }
    }
    // Permissions-management actions, in catalog order: what `*` allows of
    // them is asked in most runs, and is then a list, not a pass over
    // every action.
    let mut pm_actions: Vec<u32> = Vec::new();
    for (i, f) in rows.iter().enumerate() {
        if access_bits(f[2])? & 8 != 0 {
            pm_actions.push(small(i, "action index")?);
        }
    }
    let action_names: Vec<String> = rows.iter().map(|f| format!("{}:{}", f[0], f[1])).collect();
    let action_slots = slots::build(action_names.len(), |i| action_names[i].as_bytes());
    let service_slots = slots::build(services.len(), |i| services[i].0.as_bytes());
    let mut svc_rs = String::new();
    for (name, start, end) in &services {
        let (off, len) = strings.add(name)?;
        let len: u8 = small(len as usize, "service length")?;
        writeln!(svc_rs, "S({off},{len},{start},{end}),")?;
    }

    // Managed policies: sorted by ARN (bytewise), plus an index by name.
    let mut pol_text = Strings::default();
    let mut pol_rs = String::new();
    let mut names: Vec<(String, usize)> = Vec::new();
    let pol_lines: Vec<&str> = policies_tsv.lines().collect();
    check_sorted(
        pol_lines
            .iter()
            .map(|l| l.split('\t').nth(1).unwrap_or("").to_owned()),
        "managed_policies.tsv",
    )?;
    for (i, line) in pol_lines.iter().enumerate() {
        let f = fields(line, "managed_policies.tsv", 5, i + 1)?;
        let (noff, nlen) = pol_text.push(f[0])?;
        let (aoff, alen) = pol_text.push(f[1])?;
        let (voff, vlen) = pol_text.add(f[2])?;
        let deprecated = match f[3] {
            "0" => false,
            "1" => true,
            other => return Err(format!("managed_policies.tsv: deprecated {other:?}").into()),
        };
        let (doff, dlen) = pol_text.push(f[4])?;
        writeln!(
            pol_rs,
            "P({noff},{nlen},{aoff},{alen},{voff},{vlen},{doff},{dlen},{deprecated}),"
        )?;
        names.push((f[0].to_owned(), i));
    }
    names.sort();
    let by_name: Vec<String> = names.iter().map(|(_, i)| i.to_string()).collect();

    let iam_version = meta_value(&meta, "iam_data_version")?;
    let iam_date = meta_value(&meta, "iam_data_updated_at")?;
    let iam_pkg = meta_value(&meta, "iam_data_package")?;
    let mp_version = meta_value(&meta, "managed_policies_version")?;
    let mp_date = meta_value(&meta, "managed_policies_updated_at")?;
    let mp_pkg = meta_value(&meta, "managed_policies_package")?;
    let date = |d: &str| d.get(..10).unwrap_or(d).to_owned();

    let join = |v: &[u16]| v.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
    let join32 = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    let templates: Vec<String> = templates.iter().map(usize::to_string).collect();

    writeln!(
        out,
        "pub(super) const DATA_VERSION: &str = {:?};",
        format!("{iam_pkg} {iam_version} ({})", date(iam_date))
    )?;
    // `iamchain --version` names the data it was built with; clap needs it
    // as a compile-time string.
    println!(
        "cargo:rustc-env=IAMCHAIN_LONG_VERSION={} (AWS data: {iam_pkg} {iam_version}, {})",
        std::env::var("CARGO_PKG_VERSION").unwrap_or_default(),
        date(iam_date)
    );
    writeln!(
        out,
        "pub(super) const MANAGED_POLICIES_VERSION: &str = {:?};",
        format!("{mp_pkg} {mp_version} ({})", date(mp_date))
    )?;
    writeln!(
        out,
        "pub(super) static STRINGS: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/catalog_strings.txt\"));"
    )?;
    writeln!(
        out,
        "pub(super) static POLICY_TEXT: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/catalog_policies.txt\"));"
    )?;
    let n = action_lines.len();
    writeln!(out, "pub(super) static ACTIONS: [A; {n}] = [\n{act_rs}];")?;
    writeln!(
        out,
        "pub(super) static ACTION_RESOURCES: [u32; {}] = [{}];",
        act_rts.len(),
        join32(&act_rts)
    )?;
    writeln!(
        out,
        "pub(super) static ACTION_KEYS: [u16; {}] = [{}];",
        act_keys.len(),
        join(&act_keys)
    )?;
    writeln!(
        out,
        "pub(super) static SERVICES: [S; {}] = [\n{svc_rs}];",
        services.len()
    )?;
    writeln!(
        out,
        "pub(super) static PERMISSIONS_MANAGEMENT_ACTIONS: [u32; {}] = [{}];",
        pm_actions.len(),
        join32(&pm_actions)
    )?;
    writeln!(
        out,
        "pub(super) static ACTION_SLOTS: [u32; {}] = [{}];",
        action_slots.len(),
        join32(&action_slots)
    )?;
    writeln!(
        out,
        "pub(super) static SERVICE_SLOTS: [u32; {}] = [{}];",
        service_slots.len(),
        join32(&service_slots)
    )?;
    writeln!(
        out,
        "pub(super) static RESOURCES: [R; {}] = [\n{res_rs}];",
        res_index.len()
    )?;
    writeln!(
        out,
        "pub(super) static RESOURCE_ANY_ARNS: [(u32, u32); {}] = [{}];",
        any_arns.len(),
        any_arns.join(",")
    )?;
    writeln!(
        out,
        "pub(super) static RESOURCE_SEGMENT_ARNS: [(u32, u32); {}] = [{}];",
        segment_arns.len(),
        segment_arns.join(",")
    )?;
    writeln!(
        out,
        "pub(super) static RESOURCE_KEYS: [u16; {}] = [{}];",
        res_keys.len(),
        join(&res_keys)
    )?;
    writeln!(
        out,
        "pub(super) static KEYS: [K; {}] = [\n{keys_rs}];",
        key_lines.len()
    )?;
    writeln!(
        out,
        "pub(super) static KEY_SLOTS: [u32; {}] = [{}];",
        key_slots.len(),
        join32(&key_slots)
    )?;
    writeln!(
        out,
        "pub(super) static TEMPLATE_KEYS: [u16; {}] = [{}];",
        templates.len(),
        templates.join(",")
    )?;
    writeln!(
        out,
        "pub(super) static POLICIES: [P; {}] = [\n{pol_rs}];",
        pol_lines.len()
    )?;
    writeln!(
        out,
        "pub(super) static POLICIES_BY_NAME: [u16; {}] = [{}];",
        by_name.len(),
        by_name.join(",")
    )?;

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    write_if_changed(&out_dir.join("catalog_strings.txt"), &strings.text)?;
    write_if_changed(&out_dir.join("catalog_policies.txt"), &pol_text.text)?;
    write_if_changed(&out_dir.join("catalog_data.rs"), &out)?;
    Ok(())
}

/// Leaves the file (and its mtime) alone when the content is unchanged.
fn write_if_changed(path: &Path, content: &str) -> Result<()> {
    if fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    fs::write(path, content)?;
    Ok(())
}
