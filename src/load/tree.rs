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

/// Keys common enough in IAM input to share one static copy.
const COMMON_KEYS: &[&str] = &[
    "Version",
    "Statement",
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
    "AWS",
    "Service",
    "Federated",
    "Path",
    "RoleName",
    "RoleId",
    "Arn",
    "CreateDate",
    "AssumeRolePolicyDocument",
    "InstanceProfileList",
    "RolePolicyList",
    "AttachedManagedPolicies",
    "Tags",
    "Key",
    "Value",
    "RoleLastUsed",
    "LastUsedDate",
    "Region",
    "PolicyName",
    "PolicyArn",
    "PolicyDocument",
    "PermissionsBoundary",
    "PermissionsBoundaryType",
    "PermissionsBoundaryArn",
    "UserName",
    "UserId",
    "GroupList",
    "UserPolicyList",
    "GroupName",
    "GroupId",
    "GroupPolicyList",
    "PolicyId",
    "DefaultVersionId",
    "AttachmentCount",
    "PermissionsBoundaryUsageCount",
    "IsAttachable",
    "UpdateDate",
    "PolicyVersionList",
    "Document",
    "VersionId",
    "IsDefaultVersion",
    "Description",
    "MaxSessionDuration",
    "InstanceProfileName",
    "InstanceProfileId",
    "Roles",
    "Type",
    "Properties",
    "StringEquals",
    "StringLike",
    "StringNotEquals",
    "Bool",
    "ArnLike",
    "ArnEquals",
    "Ref",
    "Fn::GetAtt",
    "Fn::Sub",
    "Fn::Join",
    "Fn::If",
    "DependsOn",
    "Metadata",
];

/// A key as a [`Key`]: shared when it is one of the common ones.
pub fn key(text: &str) -> Key {
    // Matching on length first keeps the miss (most keys of a template's
    // own resources) to a few comparisons.
    match COMMON_KEYS
        .iter()
        .find(|k| k.len() == text.len() && **k == text)
    {
        Some(k) => Key::Borrowed(k),
        None => Key::Owned(text.to_string()),
    }
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
