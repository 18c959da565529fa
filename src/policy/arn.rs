//! Amazon Resource Names: `arn:partition:service:region:account:resource`.
//!
//! Parsing is lenient on purpose: a value that is not an ARN is kept as such
//! ([`Arn::parse`] returns `None`) and the caller decides whether that is an
//! error where it was written.

/// Partitions AWS has today; an ARN with another partition is suspicious.
pub const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// A parsed ARN, borrowing from the text it was parsed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`, … (may be a wildcard pattern).
    pub partition: &'a str,
    /// Service namespace (`iam`, `s3`, …).
    pub service: &'a str,
    /// Region, empty for global services.
    pub region: &'a str,
    /// Account id, empty for S3 buckets; `aws` for AWS managed policies.
    pub account: &'a str,
    /// Everything after the fifth colon (`role/path/Name`, `bucket/key`).
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Parse `text` as an ARN; `None` if it does not have the six parts.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        // The fields before the first five colons, found byte by byte: the
        // fields are a few bytes long, where a `str` split's searcher costs
        // more than it finds (every rule asks whether every policy's ARN
        // is an AWS managed one). A colon is ASCII, so each cut is at a
        // character boundary.
        let mut fields = [""; 5];
        let mut rest = text;
        for field in &mut fields {
            let colon = rest.bytes().position(|b| b == b':')?;
            *field = rest.get(..colon)?;
            rest = rest.get(colon + 1..)?;
        }
        let [arn, partition, service, region, account] = fields;
        (arn == "arn").then_some(Arn {
            partition,
            service,
            region,
            account,
            resource: rest,
        })
    }

    /// Whether the partition is one AWS has, or a pattern that could be.
    pub fn partition_could_be_known(&self) -> bool {
        crate::policy::pattern::has_wildcard(self.partition) || PARTITIONS.contains(&self.partition)
    }

    /// For IAM ARNs, the resource type (`role`, `user`, `root`, `oidc-provider`, …).
    pub fn resource_type(&self) -> &'a str {
        self.resource
            .split(['/', ':'])
            .next()
            .unwrap_or(self.resource)
    }

    /// For IAM ARNs, the name: the last path segment (`Name` of `role/path/Name`).
    pub fn resource_name(&self) -> &'a str {
        self.resource.rsplit('/').next().unwrap_or(self.resource)
    }

    /// For IAM ARNs, the path between the type and the name (`/path/` of
    /// `role/path/Name`; `/` when there is none).
    pub fn iam_path(&self) -> &'a str {
        match (self.resource.find('/'), self.resource.rfind('/')) {
            (Some(first), Some(last)) if last > first => &self.resource[first..=last],
            _ => "/",
        }
    }

    /// Whether this is `arn:PARTITION:iam::ACCOUNT:root`: the whole account.
    pub fn is_account_root(&self) -> bool {
        self.service == "iam" && self.resource == "root"
    }
}

/// Whether `text` is a 12-digit AWS account id.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether an account pattern of wildcards only matches every account:
/// account ids are 12 digits, so `*`, `????????????` and `??*` match them
/// all (where `???` matches none).
pub fn is_every_account(pattern: &str) -> bool {
    let marks = pattern.bytes().filter(|&b| b == b'?').count();
    !pattern.is_empty()
        && pattern.bytes().all(|b| b == b'*' || b == b'?')
        && (marks == 12 || (marks < 12 && pattern.contains('*')))
}

/// `value` with an account field that matches every account
/// ([`is_every_account`]) written `*`, so that a pattern test such as
/// "covers `arn:aws:iam::*:role/*`" reads `????????????` as every account.
pub fn with_any_account(value: &str) -> std::borrow::Cow<'_, str> {
    let mut fields = value.splitn(6, ':');
    let head: Vec<&str> = fields.by_ref().take(4).collect();
    match (head.as_slice(), fields.next(), fields.next()) {
        ([arn, _, _, _], Some(account), Some(rest))
            if *arn == "arn" && account != "*" && is_every_account(account) =>
        {
            format!("{}:*:{rest}", head.join(":")).into()
        }
        _ => value.into(),
    }
}

/// Whether `text` looks like an IAM unique id (`AROA…` role, `AIDA…` user,
/// `AGPA…` group, `ANPA…` policy, …). A trust policy shows one in place of an
/// ARN when the principal it named was deleted: AWS rewrites the ARN to the
/// unique id, and recreating the principal does not restore the trust
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles>).
pub fn is_unique_id(text: &str) -> bool {
    const PREFIXES: &[&str] = &["AROA", "AIDA", "AGPA", "ANPA", "ANVA", "AIPA", "ASIA"];
    text.len() >= 16
        && text.len() <= 128
        && PREFIXES.iter().any(|p| text.starts_with(p))
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_account_is_any_wildcard_pattern_that_matches_twelve_digits() {
        for every in ["*", "????????????", "??*", "*?", "**"] {
            assert!(is_every_account(every), "{every}");
        }
        for not in ["???", "?????????????", "1111????????", "", "1*"] {
            assert!(!is_every_account(not), "{not}");
        }
        assert_eq!(
            with_any_account("arn:aws:iam::????????????:role/*"),
            "arn:aws:iam::*:role/*"
        );
        for unchanged in [
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:iam::???:role/a",
            "arn:aws:s3:::bucket/????????????:x",
            "*",
        ] {
            assert_eq!(with_any_account(unchanged), unchanged);
        }
    }

    /// The fields are those of splitting at the first five colons.
    #[test]
    fn parse_splits_at_the_first_five_colons() {
        for text in [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam:us-east-1:aws:policy/X",
            "arn:aws:iam::aws:",
            "arn:aws:iam::aws",
            "arn:aws:iam::aws:policy/a:b:c",
            "arn:aws:s3:::bucket/key",
            "arn:::::",
            "ARN:aws:iam::aws:policy/X",
            "arn:é:iam::1:role/ü",
            "policy/ReadOnlyAccess",
            "",
            ":::::",
        ] {
            let mut parts = text.splitn(6, ':');
            let want = (parts.next() == Some("arn"))
                .then(|| {
                    Some(Arn {
                        partition: parts.next()?,
                        service: parts.next()?,
                        region: parts.next()?,
                        account: parts.next()?,
                        resource: parts.next()?,
                    })
                })
                .flatten();
            assert_eq!(Arn::parse(text), want, "{text}");
        }
    }

    #[test]
    fn parses_role_arn_with_path() {
        let arn = Arn::parse("arn:aws:iam::111111111111:role/deploy/DevDeployRole").expect("arn");
        assert_eq!(arn.partition, "aws");
        assert_eq!(arn.service, "iam");
        assert_eq!(arn.region, "");
        assert_eq!(arn.account, "111111111111");
        assert_eq!(arn.resource_type(), "role");
        assert_eq!(arn.resource_name(), "DevDeployRole");
        assert_eq!(arn.iam_path(), "/deploy/");
    }

    #[test]
    fn resource_part_keeps_colons() {
        let arn = Arn::parse("arn:aws:logs:us-east-1:1:log-group:x:*").expect("arn");
        assert_eq!(arn.resource, "log-group:x:*");
    }

    #[test]
    fn non_arns_are_none() {
        assert!(Arn::parse("*").is_none());
        assert!(Arn::parse("arn:aws:s3").is_none());
        assert!(Arn::parse("111111111111").is_none());
    }

    #[test]
    fn account_root_and_ids() {
        assert!(Arn::parse("arn:aws:iam::111111111111:root").is_some_and(|a| a.is_account_root()));
        assert!(is_account_id("012345678901"));
        assert!(!is_account_id("12345678901"));
        assert!(is_unique_id("AROA1234567890EXAMPLE"));
        assert!(!is_unique_id("arn:aws:iam::1:role/x"));
    }
}
