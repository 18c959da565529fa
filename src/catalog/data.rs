//! The tables `build.rs` generates from `data/catalog/*.tsv`, and the record
//! types they are made of.
//!
//! Every name lives once in one string table (`STRINGS`, or `POLICY_TEXT` for
//! managed policies) and records address it by `u32` offset and length. The
//! tuple-struct records keep the generated source short; the accessors below
//! give their fields names. Nothing here is parsed at run time.

use super::ConditionKeyType as T;

/// An action: full name `service:Action` (offset, length), the length of the
/// service prefix, access bits, resource-type count, condition-key count,
/// first index in `ACTION_RESOURCES`, first index in `ACTION_KEYS`.
pub(super) struct A(
    pub(super) u32,
    pub(super) u8,
    pub(super) u8,
    pub(super) u8,
    pub(super) u8,
    pub(super) u8,
    pub(super) u32,
    pub(super) u32,
);

/// A service prefix (offset, length) and its range in `ACTIONS`.
pub(super) struct S(
    pub(super) u32,
    pub(super) u8,
    pub(super) u32,
    pub(super) u32,
);

/// A resource type: service (offset, length), name (offset, length), ARN
/// format (offset, length), first index in `RESOURCE_KEYS`, key count.
pub(super) struct R(
    pub(super) u32,
    pub(super) u8,
    pub(super) u32,
    pub(super) u8,
    pub(super) u32,
    pub(super) u16,
    pub(super) u32,
    pub(super) u8,
);

/// A condition key: name (offset, length), type, flags (`KEY_GLOBAL`,
/// `KEY_TEMPLATE`).
pub(super) struct K(pub(super) u32, pub(super) u8, pub(super) T, pub(super) u8);

/// A managed policy, in `POLICY_TEXT`: name, ARN, version id, document (each
/// offset, length), deprecated.
pub(super) struct P(
    pub(super) u32,
    pub(super) u32,
    pub(super) u32,
    pub(super) u32,
    pub(super) u32,
    pub(super) u32,
    pub(super) u32,
    pub(super) u32,
    pub(super) bool,
);

/// `K` flag: the key is global (valid on every request).
pub(super) const KEY_GLOBAL: u8 = 1;
/// `K` flag: the key contains a `${Template}` or `<template>` segment.
pub(super) const KEY_TEMPLATE: u8 = 2;
/// `ACTION_RESOURCES` bit: the action requires this resource type.
pub(super) const RESOURCE_REQUIRED: u32 = 1 << 31;

include!(concat!(env!("OUT_DIR"), "/catalog_data.rs"));

/// A slice of `STRINGS`.
pub(super) fn text(off: u32, len: u32) -> &'static str {
    slice(STRINGS, off, len)
}

/// A slice of `POLICY_TEXT`.
pub(super) fn policy_text(off: u32, len: u32) -> &'static str {
    slice(POLICY_TEXT, off, len)
}

fn slice(s: &'static str, off: u32, len: u32) -> &'static str {
    let start = off as usize;
    s.get(start..start + len as usize).unwrap_or("")
}

impl A {
    pub(super) fn full_name(&self) -> &'static str {
        text(self.0, u32::from(self.1))
    }
}

impl S {
    pub(super) fn name(&self) -> &'static str {
        text(self.0, u32::from(self.1))
    }
}

impl K {
    pub(super) fn name(&self) -> &'static str {
        text(self.0, u32::from(self.1))
    }
}
