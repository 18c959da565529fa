//! Generated inputs shared by the benches.

/// A policy with `n` statements mixing actions, resources and conditions.
pub fn policy(n: usize) -> String {
    let mut s = String::from("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
    for i in 0..n {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            "    {{\"Sid\": \"S{i}\", \"Effect\": \"{}\", \"Action\": [\"s3:GetObject\", \"s3:Put*\", \"ecr:BatchGetImage\"], \
             \"Resource\": [\"arn:aws:s3:::bucket-{i}/*\", \"arn:aws:ecr:us-east-1:111111111111:repository/app-{i}\"], \
             \"Condition\": {{\"StringEquals\": {{\"aws:PrincipalOrgID\": \"o-abc{i}\"}}, \"Bool\": {{\"aws:SecureTransport\": \"true\"}}}}}}",
            if i % 7 == 0 { "Deny" } else { "Allow" }
        ));
    }
    s.push_str("\n  ]\n}\n");
    s
}
