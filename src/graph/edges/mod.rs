//! Edge builders: one file per way a principal becomes another.

pub mod assume_role;
