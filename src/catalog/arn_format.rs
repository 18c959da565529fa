//! ARN formats of the Service Authorization Reference
//! (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
//!
//! Std only, and nothing from the crate: `build.rs` includes this file to
//! precompute, for every resource type, the ARN pattern covering all of its
//! resources ([`any_arn`]) and the pattern `resource-mismatch` intersects
//! with ([`segment_arn`]), which the library then reads from the catalog's
//! tables.

/// `format` with `${Partition}` as `aws` and every other placeholder as
/// `*`: the pattern for every resource of the type in every account and
/// region of the `aws` partition (`arn:aws:s3:::*/*` for `object`). Used
/// by `build.rs` (and by the tests that check its table).
#[allow(dead_code)]
pub fn any_arn(format: &str) -> String {
    fill_placeholders(format, |name, out| {
        out.push_str(if name == "Partition" { "aws" } else { "*" })
    })
}

/// In a pattern for `policy::pattern::intersects` (not in policy text):
/// any run of characters without `/` or `:`, as an ARN's account, region or
/// bucket name is. Defined here, where `build.rs` can read it too.
pub const SEGMENT: char = '\u{1}';

/// Placeholders whose values hold no `/` or `:` by the services' naming
/// rules: an account ID, a region, an S3 bucket name, a KMS key ID (a
/// UUID, or `mrk-` and hex), a DynamoDB table name (`[a-zA-Z0-9_.-]`), a
/// Lambda function name (letters, digits, `-`, `_`), an SQS queue name and
/// an SNS topic name (letters, digits, `-`, `_`, and `.fifo`).
pub const SEGMENTS: &[&str] = &[
    "Account",
    "Region",
    "BucketName",
    "KeyId",
    "TableName",
    "FunctionName",
    "QueueName",
    "TopicName",
];

/// `format` as a pattern for `policy::pattern::intersects`: `${Partition}`
/// as `aws`, the placeholders of [`SEGMENTS`] as a [`SEGMENT`] (so
/// `bucket/*` names no bucket, and `alias/x` no key), any other
/// placeholder as `*` (an object key, a role's path, a log group's or a
/// repository's name may hold `/`). Computed by `build.rs` for every
/// resource type; at run time only for the few formats the reference
/// lacks.
pub fn segment_arn(format: &str) -> String {
    fill_placeholders(format, |name, out| match name {
        "Partition" => out.push_str("aws"),
        n if SEGMENTS.contains(&n) => out.push(SEGMENT),
        _ => out.push('*'),
    })
}

/// `text` with every `${Name}` written by `write(Name, out)` instead; an
/// unclosed `${` runs to the end. For ARN formats, and for the policy
/// variables of a policy's ARNs (`${aws:username}`).
pub fn fill_placeholders(text: &str, write: impl Fn(&str, &mut String)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').unwrap_or(after.len());
        write(&after[..end], &mut out);
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_wildcards_but_the_partition() {
        assert_eq!(
            any_arn("arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
            "arn:aws:s3:::*/*"
        );
        assert_eq!(
            any_arn("arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"),
            "arn:aws:iam::*:role/*"
        );
        assert_eq!(any_arn("*"), "*");
        assert_eq!(
            segment_arn("arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
            "arn:aws:s3:::\u{1}/*"
        );
        assert_eq!(
            segment_arn("arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"),
            "arn:aws:kms:\u{1}:\u{1}:key/\u{1}"
        );
        // An unclosed placeholder ends the format.
        assert_eq!(any_arn("arn:${Partition}:x:::${Open"), "arn:aws:x:::*");
        assert_eq!(
            fill_placeholders("a${b}c${d}", |n, o| o.push_str(&n.to_uppercase())),
            "aBcD"
        );
    }
}
