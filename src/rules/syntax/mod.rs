//! Rules about input that cannot be read as intended: unparseable files,
//! documents that do not fit the policy grammar, and mistakes the grammar
//! allows but AWS silently resolves (duplicate keys, literal wildcards).

pub mod condition_type_mismatch;
pub mod duplicate_key;
pub mod duplicate_sid;
pub mod incomplete_export;
pub mod invalid_arn;
pub mod invalid_json;
pub mod invalid_policy;
pub mod invalid_suppression;
pub mod invalid_template;
pub mod invalid_yaml;
pub mod literal_wildcard_in_condition;
pub mod policy_version;
pub mod resource_mismatch;
pub mod unknown_action;
pub mod unknown_condition_key;
pub mod unknown_managed_policy;
pub mod unknown_service;
pub mod unreadable_file;

use crate::load::{Document, LoadErrorKind};
use crate::rules::Context;

/// Report every load error of one kind at its position: the rules about
/// reading files differ only in which errors they own and their words.
pub(crate) fn report_load_errors(
    document: &Document,
    kind: LoadErrorKind,
    label: &str,
    help: &str,
    cx: &mut Context<'_>,
) {
    for e in document.errors.iter().filter(|e| e.kind == kind) {
        cx.report(e.span, e.message.clone()).label(label).help(help);
    }
}
