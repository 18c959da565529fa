//! Rules about who a trust policy lets in: AWS principals, federated
//! (OIDC, SAML) identities and EKS Pod Identity.

pub mod dangling_trust_principal;
pub mod not_principal_allow;
pub mod oidc_claim_for_all_values;
pub mod oidc_condition_wrong_issuer;
pub mod oidc_subject_wildcard;
pub mod oidc_trust_without_audience;
pub mod oidc_trust_without_subject;
pub mod pod_identity_trust_unrestricted;
pub mod pod_identity_trust_without_tag_session;
pub mod trust_account_root;
pub mod trust_action_mismatch;
pub mod trust_any_principal;
