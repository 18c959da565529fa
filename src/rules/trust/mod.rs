//! Rules about who a trust policy lets assume a role.

pub mod dangling_trust_principal;
pub mod not_principal_allow;
pub mod trust_account_root;
pub mod trust_any_principal;
