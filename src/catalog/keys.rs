//! Condition keys: the global `aws:` keys and every service's keys, with
//! their types.
//!
//! Names are case-insensitive. Some keys are templates with a placeholder
//! segment, written `${TagKey}` (`aws:RequestTag/${TagKey}`) or `<key>`
//! (`s3:ExistingObjectTag/<key>`); the placeholder matches one or more
//! characters of a concrete key, so `aws:RequestTag/team` is
//! `aws:RequestTag/${TagKey}`.
//!
//! The keys an OIDC or SAML identity provider adds (`<issuer>:sub`,
//! `<issuer>:aud`, `<issuer>:amr`) depend on the issuer and are only listed
//! for the well-known issuers; see [`is_identity_provider_key`].

use std::fmt;

use super::data::{K, KEY_GLOBAL, KEY_SLOTS, KEY_TEMPLATE, KEYS, TEMPLATE_KEYS};
use super::slots;

/// The type of a condition key, as the Service Authorization Reference
/// names it. `ArrayOf…` types are multivalued (used with `ForAllValues` /
/// `ForAnyValue`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ConditionKeyType {
    /// `String`
    String,
    /// `ArrayOfString`
    ArrayOfString,
    /// `ARN`
    Arn,
    /// `ArrayOfARN`
    ArrayOfArn,
    /// `Bool`
    Bool,
    /// `ArrayOfBool`
    ArrayOfBool,
    /// `Numeric`
    Numeric,
    /// `ArrayOfNumeric`
    ArrayOfNumeric,
    /// `Date`
    Date,
    /// `ArrayOfDate`
    ArrayOfDate,
    /// `IPAddress`
    IpAddress,
    /// `ArrayOfIPAddress`
    ArrayOfIpAddress,
    /// `Binary`
    Binary,
    /// `ArrayOfBinary`
    ArrayOfBinary,
}

impl ConditionKeyType {
    /// Whether the key is multivalued (an `ArrayOf…` type).
    pub fn is_multivalued(self) -> bool {
        self != self.element()
    }

    /// The type of one value: `ArrayOfString` → `String`; single-valued types
    /// are returned as they are.
    pub fn element(self) -> ConditionKeyType {
        use ConditionKeyType::*;
        match self {
            ArrayOfString => String,
            ArrayOfArn => Arn,
            ArrayOfBool => Bool,
            ArrayOfNumeric => Numeric,
            ArrayOfDate => Date,
            ArrayOfIpAddress => IpAddress,
            ArrayOfBinary => Binary,
            other => other,
        }
    }

    /// AWS's spelling: `String`, `ArrayOfARN`, `IPAddress`, ….
    pub fn as_str(self) -> &'static str {
        use ConditionKeyType::*;
        match self {
            String => "String",
            ArrayOfString => "ArrayOfString",
            Arn => "ARN",
            ArrayOfArn => "ArrayOfARN",
            Bool => "Bool",
            ArrayOfBool => "ArrayOfBool",
            Numeric => "Numeric",
            ArrayOfNumeric => "ArrayOfNumeric",
            Date => "Date",
            ArrayOfDate => "ArrayOfDate",
            IpAddress => "IPAddress",
            ArrayOfIpAddress => "ArrayOfIPAddress",
            Binary => "Binary",
            ArrayOfBinary => "ArrayOfBinary",
        }
    }
}

impl fmt::Display for ConditionKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A condition key from the catalog, such as `aws:SourceArn` or the
/// template `aws:RequestTag/${TagKey}`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConditionKey {
    index: u16,
}

impl ConditionKey {
    pub(super) fn from_index(index: u16) -> ConditionKey {
        ConditionKey { index }
    }

    fn rec(self) -> &'static K {
        &KEYS[usize::from(self.index)]
    }

    /// The key as AWS writes it, templates included:
    /// `aws:RequestTag/${TagKey}`.
    pub fn name(self) -> &'static str {
        self.rec().name()
    }

    /// The key's type.
    pub fn key_type(self) -> ConditionKeyType {
        self.rec().2
    }

    /// Whether the key is global: present in (potentially) every request
    /// context regardless of service and action (`aws:PrincipalArn`,
    /// `aws:SourceIp`, and the tag keys `aws:RequestTag/…`,
    /// `aws:ResourceTag/…`, `aws:TagKeys`, which AWS lists as global though
    /// not every action sets them).
    pub fn is_global(self) -> bool {
        self.rec().3 & KEY_GLOBAL != 0
    }

    /// Whether the name contains a placeholder segment (`${TagKey}`,
    /// `<key>`).
    pub fn is_template(self) -> bool {
        self.rec().3 & KEY_TEMPLATE != 0
    }

    /// Whether the concrete key `key` is this key: equal ignoring ASCII case,
    /// or matching its template.
    pub fn matches(self, key: &str) -> bool {
        if self.is_template() {
            template_match(self.name().as_bytes(), key.as_bytes())
        } else {
            self.name().eq_ignore_ascii_case(key)
        }
    }
}

impl fmt::Display for ConditionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Debug for ConditionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConditionKey({}: {})", self.name(), self.key_type())
    }
}

/// The end of the placeholder starting at `template[0]` (`${…}` or `<…>`),
/// as the index just past it.
fn placeholder_end(template: &[u8]) -> Option<usize> {
    let close = match template {
        [b'$', b'{', ..] => b'}',
        [b'<', ..] => b'>',
        _ => return None,
    };
    template.iter().position(|&b| b == close).map(|i| i + 1)
}

/// Case-insensitive match of a concrete key against a template whose
/// placeholders each match one or more characters.
fn template_match(template: &[u8], key: &[u8]) -> bool {
    match template.first() {
        None => key.is_empty(),
        Some(&c) => match placeholder_end(template) {
            Some(end) => {
                let rest = &template[end..];
                (1..=key.len()).any(|n| template_match(rest, &key[n..]))
            }
            None => key.first().is_some_and(|k| {
                k.eq_ignore_ascii_case(&c) && template_match(&template[1..], &key[1..])
            }),
        },
    }
}

/// Looks up a condition key, case-insensitively. A concrete key matches a
/// template (`aws:RequestTag/team` → `aws:RequestTag/${TagKey}`,
/// `s3:ExistingObjectTag/x` → `s3:ExistingObjectTag/<key>`); the name of the
/// returned key is the catalog's (template) spelling.
pub fn condition_key(key: &str) -> Option<ConditionKey> {
    if let Some(k) = exact_condition_key(key) {
        return Some(k);
    }
    // Tag keys (`aws:PrincipalTag/team`) repeat across a run's policies;
    // each would try every template.
    static TEMPLATED: crate::memo::Memo<String, Option<ConditionKey>> =
        crate::memo::Memo::new(16_384);
    TEMPLATED.get_or(&key.to_ascii_lowercase(), || {
        TEMPLATE_KEYS
            .iter()
            .map(|&i| ConditionKey::from_index(i))
            .find(|k| k.matches(key))
    })
}

/// The catalog key named exactly `key` (ignoring ASCII case), without
/// matching templates: one hash in a table `build.rs` compiled.
pub(super) fn exact_condition_key(key: &str) -> Option<ConditionKey> {
    let i = slots::find(&KEY_SLOTS, key.as_bytes(), |i| {
        KEYS.get(i).map_or(&[][..], |k| k.name().as_bytes())
    })?;
    u16::try_from(i).ok().map(ConditionKey::from_index)
}

/// Every condition key in the catalog, sorted case-insensitively.
pub fn condition_keys() -> impl ExactSizeIterator<Item = ConditionKey> {
    (0..KEYS.len() as u16).map(ConditionKey::from_index)
}

/// Whether `key` may be used in a condition on `action`: one of its
/// action-level keys, a key of one of its resource types, or a global key.
/// Case-insensitive, templates match. Same as
/// [`Action::supports_condition_key`](super::Action::supports_condition_key).
pub fn action_supports_condition_key(action: &super::Action, key: &str) -> bool {
    action.supports_condition_key(key)
}

/// Whether `key` looks like a key an OIDC or SAML identity provider adds to
/// `AssumeRoleWithWebIdentity` / `AssumeRoleWithSAML` requests: its prefix
/// (before the first `:`) is an issuer host or URL rather than a service
/// prefix, e.g. `oidc.eks.us-east-1.amazonaws.com/id/ABC:sub`,
/// `token.actions.githubusercontent.com:aud`. Such keys depend on the issuer,
/// so the catalog cannot list them all.
pub fn is_identity_provider_key(key: &str) -> bool {
    key.split_once(':')
        .is_some_and(|(issuer, name)| !name.is_empty() && issuer.contains(['.', '/']))
}

#[cfg(test)]
mod tests {
    use super::super::action;
    use super::*;

    fn ty(key: &str) -> Option<ConditionKeyType> {
        condition_key(key).map(ConditionKey::key_type)
    }

    #[test]
    fn the_compiled_key_table_finds_every_key_by_its_name_only() {
        let built = slots::build(KEYS.len(), |i| KEYS[i].name().as_bytes());
        assert!(built == KEY_SLOTS);
        let mut lower: Vec<String> = condition_keys()
            .map(|k| k.name().to_ascii_lowercase())
            .collect();
        lower.dedup();
        // No two keys differ only in case: an exact lookup is the only match.
        assert_eq!(lower.len(), KEYS.len());
        for k in condition_keys() {
            assert_eq!(exact_condition_key(k.name()), Some(k));
            assert_eq!(exact_condition_key(&k.name().to_ascii_uppercase()), Some(k));
            assert_eq!(condition_key(k.name()), Some(k));
        }
        assert_eq!(exact_condition_key("aws:RequestTag/team"), None);
        assert!(condition_key("aws:RequestTag/team").is_some_and(|k| k.is_template()));
        assert_eq!(exact_condition_key("aws:NoSuchKey"), None);
    }

    #[test]
    fn actions_list_keys_as_their_names_say() {
        // The index comparison in `lists_condition_key` against matching
        // every listed key by name, for every action of a few services.
        let keys = [
            "s3:x-amz-acl",
            "S3:X-AMZ-ACL",
            "s3:ExistingObjectTag/team",
            "s3:prefix",
            "aws:RequestTag/team",
            "aws:ResourceTag/env",
            "aws:TagKeys",
            "aws:SourceIp",
            "ec2:ResourceTag/Name",
            "ec2:InstanceType",
            "iam:PassedToService",
            "iam:PermissionsBoundary",
            "kms:ViaService",
            "sts:ExternalId",
            "nope:nope",
        ];
        for service in ["s3", "ec2", "iam", "kms", "sts"] {
            for a in super::super::service_actions(service) {
                for key in keys {
                    let by_name = a.condition_keys().any(|k| k.matches(key))
                        || a.resource_types()
                            .any(|rt| rt.condition_keys().any(|k| k.matches(key)));
                    assert_eq!(a.lists_condition_key(key), by_name, "{a} {key}");
                }
            }
            for key in keys {
                assert_eq!(
                    super::super::any_lists_condition_key(
                        super::super::service_actions(service),
                        key
                    ),
                    super::super::service_actions(service).any(|a| a.lists_condition_key(key)),
                    "{service} {key}"
                );
            }
        }
    }

    #[test]
    fn global_keys_have_types() {
        use ConditionKeyType::*;
        assert_eq!(ty("aws:PrincipalArn"), Some(Arn));
        assert_eq!(ty("aws:SourceAccount"), Some(String));
        assert_eq!(ty("aws:SecureTransport"), Some(Bool));
        assert_eq!(ty("aws:MultiFactorAuthAge"), Some(Numeric));
        assert_eq!(ty("aws:CurrentTime"), Some(Date));
        assert_eq!(ty("aws:SourceIp"), Some(IpAddress));
        assert_eq!(ty("aws:TagKeys"), Some(ArrayOfString));
        assert_eq!(ty("aws:PrincipalOrgPaths"), Some(ArrayOfString));
        let arn = condition_key("aws:PrincipalArn").expect("aws:PrincipalArn");
        assert!(arn.is_global());
        assert!(!arn.is_template());
        assert_eq!(arn.name(), "aws:PrincipalArn");
    }

    #[test]
    fn lookup_is_case_insensitive() {
        let k = condition_key("AWS:principalarn").expect("case-insensitive");
        assert_eq!(k.name(), "aws:PrincipalArn");
        assert_eq!(condition_key("aws:NoSuchKey"), None);
        assert_eq!(condition_key(""), None);
    }

    #[test]
    fn templates_match_concrete_keys() {
        let k = condition_key("aws:RequestTag/team").expect("template");
        assert_eq!(k.name(), "aws:RequestTag/${TagKey}");
        assert!(k.is_template() && k.is_global());
        assert_eq!(
            condition_key("AWS:resourcetag/Cost-Center").map(ConditionKey::name),
            Some("aws:ResourceTag/${TagKey}")
        );
        assert_eq!(
            condition_key("aws:PrincipalTag/dept").map(ConditionKey::name),
            Some("aws:PrincipalTag/${TagKey}")
        );
        assert_eq!(
            condition_key("s3:ExistingObjectTag/classification").map(ConditionKey::name),
            Some("s3:ExistingObjectTag/<key>")
        );
        // A placeholder matches at least one character.
        assert_eq!(condition_key("aws:RequestTag/"), None);
        // The template itself is also found, as written.
        assert_eq!(
            condition_key("aws:requesttag/${tagkey}").map(ConditionKey::name),
            Some("aws:RequestTag/${TagKey}")
        );
    }

    #[test]
    fn trust_policy_keys() {
        use ConditionKeyType::*;
        assert_eq!(ty("sts:ExternalId"), Some(String));
        assert_eq!(ty("sts:RoleSessionName"), Some(String));
        assert_eq!(ty("sts:SourceIdentity"), Some(String));
        assert_eq!(ty("sts:TransitiveTagKeys"), Some(ArrayOfString));
        assert_eq!(ty("token.actions.githubusercontent.com:sub"), None);
        assert_eq!(
            ty("token.actions.githubusercontent.com:repository"),
            Some(String)
        );
        assert!(is_identity_provider_key(
            "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:sub"
        ));
        assert!(is_identity_provider_key(
            "token.actions.githubusercontent.com:aud"
        ));
        assert!(!is_identity_provider_key("aws:SourceArn"));
        assert!(!is_identity_provider_key("s3:prefix"));
        assert!(!is_identity_provider_key(
            "aws:RequestTag/aws:cloudformation:stack-name"
        ));
    }

    #[test]
    fn key_types_helpers() {
        assert!(ConditionKeyType::ArrayOfArn.is_multivalued());
        assert!(!ConditionKeyType::Arn.is_multivalued());
        assert_eq!(
            ConditionKeyType::ArrayOfArn.element(),
            ConditionKeyType::Arn
        );
        assert_eq!(ConditionKeyType::IpAddress.to_string(), "IPAddress");
    }

    #[test]
    fn action_condition_keys() {
        let pass = action("iam:PassRole").expect("iam:PassRole");
        assert!(action_supports_condition_key(&pass, "iam:PassedToService"));
        assert!(action_supports_condition_key(&pass, "IAM:passedtoservice"));
        // Global keys apply to every action.
        assert!(action_supports_condition_key(&pass, "aws:PrincipalArn"));
        assert!(action_supports_condition_key(&pass, "aws:ResourceTag/team"));
        assert!(!action_supports_condition_key(&pass, "s3:prefix"));
        assert!(!action_supports_condition_key(&pass, "iam:NoSuchKey"));

        let list = action("s3:ListBucket").expect("s3:ListBucket");
        assert!(list.supports_condition_key("s3:prefix"));
        let get = action("s3:GetObject").expect("s3:GetObject");
        assert!(get.supports_condition_key("s3:ExistingObjectTag/team"));
        assert!(!get.supports_condition_key("s3:prefix"));
        assert!(
            get.condition_keys()
                .any(|k| k.name() == "s3:ExistingObjectTag/<key>")
        );

        // A key that only a resource type carries.
        let attach = action("iam:AttachRolePolicy").expect("iam:AttachRolePolicy");
        assert!(attach.supports_condition_key("iam:PolicyARN"));
        assert!(attach.supports_condition_key("iam:ResourceTag/env"));
    }

    #[test]
    fn all_keys_sorted_and_found() {
        let names: Vec<&str> = condition_keys().map(ConditionKey::name).collect();
        for w in names.windows(2) {
            assert!(
                w[0].to_ascii_lowercase() < w[1].to_ascii_lowercase(),
                "{w:?}"
            );
        }
        for k in condition_keys() {
            assert_eq!(condition_key(k.name()), Some(k), "{}", k.name());
        }
    }
}
