//! The IAM policy language: documents, statements, principals, ARNs,
//! wildcard patterns, conditions, and how they evaluate.
//!
//! [`document::build`] turns a loaded tree into a [`Policy`]; [`eval`]
//! answers "does this allow that" in three values.

pub mod arn;
pub mod condition;
pub mod document;
pub mod eval;
pub mod federation;
pub mod pattern;
pub mod principal;
pub mod scope;

pub use document::{Effect, Element, Policy, PolicyKind, Statement};
