//! The document tree every loader produces.
//!
//! JSON and YAML both load into [`Node`]s, so the policy model and every rule
//! read one shape whatever the input format was. Each node, and each object
//! key, carries the [`Span`] of its text in the original file — also for
//! documents that were embedded as strings (a policy inside a JSON string, the
//! YAML in an aws-auth `mapRoles`): their loaders map spans back before
//! handing the tree on.

use crate::source::{Span, Spanned};

/// A loaded value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the whole value was written (for strings: including the quotes).
    pub span: Span,
}

/// An object key: the few dozen keys IAM documents, exports and templates
/// repeat millions of times (`Effect`, `Action`, `RoleName`, …) point at
/// static text; any other key is its own allocation.
pub type Key = std::borrow::Cow<'static, str>;

/// Keys common enough in IAM input to share one static copy (sorted by
/// length and then bytes, to be read and kept free of repeats).
const COMMON_KEYS: &[&str] = &[
    "AWS",
    "Arn",
    "Key",
    "Ref",
    "Sid",
    "Bool",
    "Path",
    "Tags",
    "Type",
    "Roles",
    "Value",
    "Action",
    "Effect",
    "Fn::If",
    "Region",
    "RoleId",
    "UserId",
    "ArnLike",
    "Fn::Sub",
    "GroupId",
    "Service",
    "Version",
    "Document",
    "Fn::Join",
    "Metadata",
    "PolicyId",
    "Resource",
    "RoleName",
    "UserName",
    "ArnEquals",
    "Condition",
    "DependsOn",
    "Federated",
    "GroupList",
    "GroupName",
    "NotAction",
    "PolicyArn",
    "Principal",
    "Statement",
    "VersionId",
    "CreateDate",
    "Fn::GetAtt",
    "PolicyName",
    "Properties",
    "StringLike",
    "UpdateDate",
    "Description",
    "NotResource",
    "IsAttachable",
    "LastUsedDate",
    "NotPrincipal",
    "RoleLastUsed",
    "StringEquals",
    "PolicyDocument",
    "RolePolicyList",
    "UserPolicyList",
    "AttachmentCount",
    "GroupPolicyList",
    "StringNotEquals",
    "DefaultVersionId",
    "IsDefaultVersion",
    "InstanceProfileId",
    "PolicyVersionList",
    "MaxSessionDuration",
    "InstanceProfileList",
    "InstanceProfileName",
    "PermissionsBoundary",
    "PermissionsBoundaryArn",
    "AttachedManagedPolicies",
    "PermissionsBoundaryType",
    "AssumeRolePolicyDocument",
    "PermissionsBoundaryUsageCount",
];

/// Where a key's search in [`COMMON_SLOTS`] starts: its length and three
/// of its bytes, which tell the common keys apart well enough that a
/// lookup almost always compares once.
const fn common_slot(key: &[u8]) -> usize {
    let n = key.len();
    if n == 0 {
        return 0;
    }
    let h = n.wrapping_mul(0x9e37)
        ^ ((key[0] as usize) << 3)
        ^ ((key[n - 1] as usize) << 7)
        ^ (key[n / 2] as usize).wrapping_mul(13);
    (h ^ (h >> 8)) & (COMMON_TABLE - 1)
}

/// Slots in [`COMMON_SLOTS`]: a power of two.
const COMMON_TABLE: usize = 256;

/// An open-addressing table of [`COMMON_KEYS`], built at compile time:
/// slot → index + 1 (0: empty). A binary search compared seven times per
/// key, a twentieth of loading an export.
const COMMON_SLOTS: [u8; COMMON_TABLE] = {
    assert!(COMMON_KEYS.len() < 128, "keep the table at most half full");
    let mut slots = [0u8; COMMON_TABLE];
    let mut i = 0;
    while i < COMMON_KEYS.len() {
        let mut s = common_slot(COMMON_KEYS[i].as_bytes());
        while slots[s] != 0 {
            s = (s + 1) & (COMMON_TABLE - 1);
        }
        slots[s] = (i + 1) as u8;
        i += 1;
    }
    slots
};

/// A key as a [`Key`]: shared when it is one of the common ones.
pub fn key(text: &str) -> Key {
    let mut s = common_slot(text.as_bytes());
    loop {
        let Some(k) = COMMON_SLOTS[s]
            .checked_sub(1)
            .and_then(|i| COMMON_KEYS.get(usize::from(i)))
        else {
            return Key::Owned(text.to_string());
        };
        if *k == text {
            return Key::Borrowed(k);
        }
        s = (s + 1) & (COMMON_TABLE - 1);
    }
}

/// The members of an object whose key an earlier member already has, each
/// with the first member of that key, in member order, added to `out`.
/// Small objects are compared pairwise; large ones go through a map, so
/// that a hostile object of 100,000 keys stays linear.
pub fn repeated_keys(members: &[Member], out: &mut Vec<Duplicate>) {
    let mut found = |j: usize, i: usize| {
        out.push(Duplicate {
            key: members[i].key.value.clone(),
            first: members[j].key.span,
            again: members[i].key.span,
        });
    };
    if members.len() < 2 {
        return;
    }
    if members.len() <= 16 {
        for (i, m) in members.iter().enumerate() {
            if let Some(j) = members[..i].iter().position(|p| p.key.value == m.key.value) {
                found(j, i);
            }
        }
        return;
    }
    let mut first: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(members.len());
    for (i, m) in members.iter().enumerate() {
        match first.entry(&m.key.value) {
            std::collections::hash_map::Entry::Occupied(e) => found(*e.get(), i),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i);
            }
        }
    }
}

/// A key written twice in one object: the key, where it is first written
/// and where again.
#[derive(Clone, Debug, PartialEq)]
pub struct Duplicate {
    /// The key.
    pub key: Key,
    /// The first occurrence's key span.
    pub first: Span,
    /// The repeat's key span.
    pub again: Span,
}

/// A scalar's text. Most strings in IAM input are short (`Allow`,
/// `s3:GetObject`, `2012-10-17`, dates): up to 24 bytes are held inline,
/// which spares an export of millions of them as many allocations.
pub type Str = compact_str::CompactString;

/// An object member: a key and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The key, unescaped, with the span of its text.
    pub key: Spanned<Key>,
    /// The value.
    pub value: Node,
}

/// How a scalar was written in YAML (JSON strings are always `Quoted`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// Unquoted.
    Plain,
    /// Single- or double-quoted.
    Quoted,
    /// A `|` or `>` block.
    Block,
}

/// A loaded value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null` (YAML: `null`, `~` or nothing).
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, kept as written (`012345678901` stays that text).
    Number(Str),
    /// A string, unescaped.
    String(Str),
    /// A sequence.
    Array(Vec<Node>),
    /// A mapping, members in file order. Duplicate keys are kept: AWS keeps
    /// only one of them, so a rule reports the other.
    Object(Vec<Member>),
    /// A YAML tag on a value (`!Ref Foo`). The tag is kept as written,
    /// without the leading `!`.
    Tagged(Box<str>, Box<Node>),
}

impl Node {
    /// A node from a value and span.
    pub fn new(value: Value, span: Span) -> Self {
        Node { value, span }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar as written: strings, numbers (raw), booleans.
    /// IAM treats all of these as strings (`"Bool": {"aws:SecureTransport": false}`).
    pub fn as_scalar_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        match &self.value {
            Value::String(s) | Value::Number(s) => Some(Cow::Borrowed(s)),
            Value::Bool(true) => Some(Cow::Borrowed("true")),
            Value::Bool(false) => Some(Cow::Borrowed("false")),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The first member with this exact key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_object()?
            .iter()
            .find(|m| &*m.key.value == key)
            .map(|m| &m.value)
    }

    /// The first member whose key matches ignoring ASCII case.
    pub fn get_ignore_case(&self, key: &str) -> Option<&Member> {
        self.as_object()?
            .iter()
            .find(|m| m.key.value.eq_ignore_ascii_case(key))
    }

    /// A short name for the value's type, for messages ("expected a string, found an array").
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
            Value::Tagged(..) => "a tagged value",
        }
    }

    /// Apply `f` to every span in the tree (nodes and keys). Loaders of
    /// embedded documents use it to move spans from the decoded text back
    /// into the file.
    pub fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        self.span = f(self.span);
        match &mut self.value {
            Value::Array(items) => items.iter_mut().for_each(|n| n.map_spans(f)),
            Value::Object(members) => {
                for m in members {
                    m.key.span = f(m.key.span);
                    m.value.map_spans(f);
                }
            }
            Value::Tagged(_, inner) => inner.map_spans(f),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_keys_are_in_search_order_and_found() {
        assert!(
            COMMON_KEYS
                .windows(2)
                .all(|w| (w[0].len(), w[0].as_bytes()) < (w[1].len(), w[1].as_bytes())),
            "COMMON_KEYS must be sorted by length, then bytes, without duplicates"
        );
        for k in COMMON_KEYS {
            assert!(matches!(key(k), Key::Borrowed(b) if b == *k), "{k}");
        }
        for other in [
            "",
            "version",
            "Statements",
            "MyBucket",
            "Fn::GetAZs",
            "AWS ",
            "Arn\0",
            "PolicyDocumen",
            "é",
        ] {
            assert!(
                matches!(key(other), Key::Owned(ref o) if o == other),
                "{other}"
            );
        }
    }
}
