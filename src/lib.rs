//! iamchain: a static analyzer for AWS IAM.
#![forbid(unsafe_code)]

pub mod catalog;
pub mod load;
pub mod source;
