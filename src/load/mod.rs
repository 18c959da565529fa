//! Loaders: one file per input format, each producing span-keeping
//! [`tree::Node`]s (and later, model objects) from a file's text.

pub mod json;
pub mod offsets;
pub mod tree;
pub mod yaml;
