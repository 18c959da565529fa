//! Rules about who a resource policy (S3, ECR, KMS, SQS, SNS, Lambda, …)
//! lets use the resource.

pub mod public_resource_policy;
