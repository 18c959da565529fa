//! Edge builders: one file per way a principal becomes another.

pub mod assume_role;
pub mod kubernetes;
pub mod pass_role;
