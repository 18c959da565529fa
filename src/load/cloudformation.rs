//! CloudFormation templates (JSON and YAML): the IAM-bearing resources of
//! one instantiation become [`PolicyDoc`]s, [`IamPrincipal`]s and
//! [`crate::model::Resources`] on the [`Document`].
//!
//! A file is a template by content: an `AWSTemplateFormatVersion`, or a
//! `Resources` map whose entries have a `Type: AWS::…`. Intrinsics are
//! evaluated by [`crate::load::intrinsics`] for each instantiation: a
//! template linted on its own is one instantiation with its parameter
//! defaults taken as assumptions (and the values of a parameter file beside
//! it, see [`crate::load::stackset`]); each StackSet instance is one
//! instantiation with its own account and parameter values. Resources whose
//! `Condition` is false in an instantiation are not there.
//!
//! Resources read: `AWS::IAM::Role` / `User` / `Group` (inline `Policies`,
//! `ManagedPolicyArns`, `PermissionsBoundary`, `Path`, names,
//! `MaxSessionDuration`, `LoginProfile`, `Groups`), `AWS::IAM::Policy` /
//! `ManagedPolicy` (attached through `Roles` / `Users` / `Groups`, by `Ref`
//! or by name), `AWS::IAM::RolePolicy` / `UserPolicy` / `GroupPolicy`,
//! `AWS::IAM::AccessKey`, `InstanceProfile`, `OIDCProvider`,
//! `AWS::Organizations::Policy` (SCPs and RCPs), resource policies (S3,
//! SQS, SNS, ECR, KMS, Secrets Manager), `AWS::EKS::Cluster` /
//! `AccessEntry` / `PodIdentityAssociation`, `AWS::EC2::LaunchTemplate`
//! metadata options, and `AWS::CloudFormation::StackSet`.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::load::intrinsics::{Evaluator, Given, Instance, intrinsic};
use crate::load::suppress;
use crate::load::tree::{Node, Value};
use crate::load::{Document, PolicyDoc, TemplateProblem, json, policy_file, yaml};
use crate::model::{self, IamPrincipal, PrincipalKind};
use crate::policy::PolicyKind;
use crate::policy::condition::Tri;
use crate::source::{SourceId, Span, Spanned};

/// What the cross-file pass still has to do for a file.
#[derive(Clone, Debug, Default)]
pub struct Pending {
    /// The file is a template linted on its own (a parameter file beside it
    /// may give values).
    pub template: bool,
    /// StackSets declared here whose template is another local file.
    pub external: Vec<ExternalStackSet>,
    /// The file is `aws cloudformation describe-stack-set` output.
    pub cli_stack_set: bool,
}

/// A StackSet whose `TemplateURL` names a file.
#[derive(Clone, Debug)]
pub struct ExternalStackSet {
    /// The URL as evaluated, with its span.
    pub url: Spanned<String>,
    /// One instance per target account.
    pub instances: Vec<Instance>,
}

/// Whether `root` is a CloudFormation template.
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources")
        .and_then(Node::as_object)
        .is_some_and(|rs| {
            !rs.is_empty()
                && rs.iter().any(|m| {
                    m.value
                        .get("Type")
                        .and_then(Node::as_str)
                        .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::"))
                })
        })
}

/// Load the CloudFormation content of `doc` (whose roots are parsed).
/// Returns whether there was any: a template, or StackSet CLI output.
pub fn load(text: &str, source: SourceId, doc: &mut Document, config: Option<&Config>) -> bool {
    load_with(text, source, doc, config, BTreeMap::new())
}

/// [`load`], with parameter values for the template linted on its own
/// (from a parameter file).
pub fn load_with(
    text: &str,
    source: SourceId,
    doc: &mut Document,
    config: Option<&Config>,
    given: BTreeMap<String, Given>,
) -> bool {
    // Taken out and put back, not cloned: the roots of a large export are
    // its whole tree.
    let roots = std::mem::take(&mut doc.roots);
    let mut any = false;
    for root in &roots {
        if root
            .get("StackSet")
            .is_some_and(|s| s.get("TemplateBody").is_some())
        {
            doc.cfn.get_or_insert_with(Pending::default).cli_stack_set = true;
            any = true;
            continue;
        }
        if !is_template(root) {
            continue;
        }
        any = true;
        doc.cfn.get_or_insert_with(Pending::default).template = true;
        let inst = Instance {
            given: given.clone(),
            defaults_assumed: true,
            ..Instance::default()
        };
        instantiate(root, text, &inst, doc, config);
    }
    let _ = source;
    doc.roots = roots;
    any
}

fn scalar(node: Option<&Node>) -> Option<Spanned<String>> {
    let n = node?;
    n.as_scalar_text()
        .map(|s| Spanned::new(s.into_owned(), n.span))
}

fn scalars(node: Option<&Node>) -> Vec<Spanned<String>> {
    match node {
        Some(n) => match n.as_array() {
            Some(items) => items.iter().filter_map(|i| scalar(Some(i))).collect(),
            None => scalar(Some(n)).into_iter().collect(),
        },
        None => Vec::new(),
    }
}

fn push_problem(doc: &mut Document, p: TemplateProblem) {
    if !doc.template_problems.contains(&p) {
        doc.template_problems.push(p);
    }
}

/// Resource types whose property holds a resource policy: the type, the
/// property, and the service whose actions the policy can grant.
const RESOURCE_POLICIES: &[(&str, &str, &str)] = &[
    ("AWS::S3::BucketPolicy", "PolicyDocument", "s3"),
    ("AWS::SQS::QueuePolicy", "PolicyDocument", "sqs"),
    ("AWS::SQS::QueueInlinePolicy", "PolicyDocument", "sqs"),
    ("AWS::SNS::TopicPolicy", "PolicyDocument", "sns"),
    ("AWS::SNS::TopicInlinePolicy", "PolicyDocument", "sns"),
    ("AWS::ECR::Repository", "RepositoryPolicyText", "ecr"),
    ("AWS::KMS::Key", "KeyPolicy", "kms"),
    (
        "AWS::SecretsManager::ResourcePolicy",
        "ResourcePolicy",
        "secretsmanager",
    ),
];

/// A policy document property, as an object or a JSON string.
fn policy_from(node: &Node, kind: PolicyKind, text: &str, doc: &mut Document) -> Option<PolicyDoc> {
    let Some(value) = node.as_str() else {
        return Some(policy_file::build(node, kind));
    };
    let raw = text
        .get(node.span.start as usize..node.span.end as usize)
        .unwrap_or("");
    let parsed = if raw.starts_with('"') && raw.ends_with('"') {
        policy_file::parse_string(node, text).ok()
    } else if !raw.starts_with('!') && !raw.starts_with('{') {
        yaml::parse_embedded(node, text, node.span.source)
            .ok()
            .and_then(|d| d.into_iter().next())
    } else {
        None
    };
    let parsed = parsed.or_else(|| {
        // A value built by an intrinsic (`!Sub '{"Version": …}'`): spans
        // cannot map into it, so every node points at the whole expression.
        let mut n = json::parse(value, node.span.source).ok()?;
        n.map_spans(&mut |_| node.span);
        Some(n)
    });
    match parsed {
        Some(inner) => {
            let p = policy_file::build(&inner, kind);
            doc.embedded.push(inner);
            Some(p)
        }
        None => {
            push_problem(
                doc,
                TemplateProblem {
                    span: node.span,
                    message: "policy document is a string that is not valid JSON".into(),
                    help: Some("write the policy as a mapping".into()),
                },
            );
            None
        }
    }
}

struct Attach {
    policy: usize,
    kind: PrincipalKind,
    by_ref: Option<String>,
    name: Option<String>,
}

/// Lint one instantiation of `template` into `doc`.
pub fn instantiate(
    template: &Node,
    text: &str,
    inst: &Instance,
    doc: &mut Document,
    config: Option<&Config>,
) {
    let Some(resources) = template.get("Resources").and_then(Node::as_object) else {
        return;
    };
    let mut ev = Evaluator::new(template, inst);
    let base = doc.principals.len();
    let mut by_logical: BTreeMap<String, usize> = BTreeMap::new();
    let mut attaches: Vec<Attach> = Vec::new();
    let mut logins: Vec<(String, Span)> = Vec::new();
    for m in resources {
        let logical = &*m.key.value;
        let res = &m.value;
        let whole = m.key.span.cover(res.span);
        let Some(ty) = res.get("Type").and_then(Node::as_str) else {
            push_problem(
                doc,
                TemplateProblem {
                    span: m.key.span,
                    message: format!("resource `{logical}` has no `Type`"),
                    help: None,
                },
            );
            continue;
        };
        if let Some(meta) = res.get("Metadata") {
            for s in suppress::from_metadata(meta, whole) {
                if !doc.suppressions.contains(&s) {
                    doc.suppressions.push(s);
                }
            }
        }
        if let Some(c) = res.get("Condition")
            && let Some(name) = c.as_str()
        {
            let name = Spanned::new(name.to_string(), c.span);
            if ev.resource_condition(&name, whole) == Tri::False {
                ev.take();
                continue;
            }
        }
        let props = match res.get("Properties") {
            Some(p) => ev
                .eval(p)
                .unwrap_or_else(|| Node::new(Value::Object(Vec::new()), p.span)),
            None => Node::new(Value::Object(Vec::new()), res.span),
        };
        let (assumptions, provenance) = ev.take();
        let first_policy = doc.policies.len();
        let add = |doc: &mut Document, node: Option<&Node>, kind: PolicyKind| -> Option<usize> {
            let mut p = policy_from(node?, kind, text, doc)?;
            p.account = inst.account.clone();
            p.origin = inst.origin.clone();
            p.origin_span = inst.origin_span;
            doc.policies.push(p);
            Some(doc.policies.len() - 1)
        };
        let name_of = |key: &str| -> Spanned<String> {
            scalar(props.get(key)).unwrap_or_else(|| Spanned::new(logical.to_string(), m.key.span))
        };
        match ty {
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
                let (kind, key, arn_kind) = match ty {
                    "AWS::IAM::Role" => (PrincipalKind::Role, "RoleName", "role"),
                    "AWS::IAM::User" => (PrincipalKind::User, "UserName", "user"),
                    _ => (PrincipalKind::Group, "GroupName", "group"),
                };
                let trust = if kind == PrincipalKind::Role {
                    add(
                        doc,
                        props.get("AssumeRolePolicyDocument"),
                        PolicyKind::Trust,
                    )
                } else {
                    None
                };
                let mut policies = Vec::new();
                for p in props
                    .get("Policies")
                    .and_then(Node::as_array)
                    .unwrap_or_default()
                {
                    if let Some(i) = add(doc, p.get("PolicyDocument"), PolicyKind::Identity) {
                        doc.policies[i].name = scalar(p.get("PolicyName")).map(|n| n.value);
                        policies.push(i);
                    }
                }
                let name = name_of(key);
                let path = scalar(props.get("Path"))
                    .map(|p| p.value)
                    .unwrap_or_else(|| "/".into());
                let arn = inst
                    .account
                    .as_ref()
                    .map(|a| format!("arn:aws:iam::{a}:{arn_kind}{path}{}", name.value));
                let max = props.get("MaxSessionDuration").and_then(|n| {
                    let v = n.as_scalar_text()?.parse::<u32>().ok()?;
                    Some(Spanned::new(v, n.span))
                });
                if kind == PrincipalKind::User
                    && let Some(lp) = props.get("LoginProfile")
                {
                    logins.push((logical.to_string(), lp.span));
                }
                by_logical.insert(logical.to_string(), doc.principals.len());
                doc.principals.push(IamPrincipal {
                    kind,
                    name,
                    arn,
                    account: inst.account.clone(),
                    path,
                    trust,
                    policies,
                    managed: scalars(props.get("ManagedPolicyArns")),
                    boundary: scalar(props.get("PermissionsBoundary")),
                    max_session_duration: max,
                    groups: scalars(props.get("Groups")),
                    span: whole,
                    origin: inst.origin.clone(),
                    last_used: None,
                });
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                if let Some(i) = add(doc, props.get("PolicyDocument"), PolicyKind::Identity) {
                    // An `AWS::IAM::Policy` is an inline policy of each
                    // principal it names; a managed one is attached.
                    let managed = ty == "AWS::IAM::ManagedPolicy";
                    let name_key = if managed {
                        "ManagedPolicyName"
                    } else {
                        "PolicyName"
                    };
                    doc.policies[i].name = Some(name_of(name_key).value);
                    doc.policies[i].managed = managed;
                    let raw_props = res.get("Properties");
                    for (key, kind) in [
                        ("Roles", PrincipalKind::Role),
                        ("Users", PrincipalKind::User),
                        ("Groups", PrincipalKind::Group),
                    ] {
                        let raw: Vec<&Node> = raw_props
                            .and_then(|p| p.get(key))
                            .and_then(Node::as_array)
                            .map(|a| a.iter().collect())
                            .unwrap_or_default();
                        let evaluated = scalars(props.get(key));
                        for (j, name) in evaluated.iter().enumerate() {
                            let by_ref = raw.get(j).and_then(|r| match intrinsic(r) {
                                Ok(Some(c)) if c.name == "Ref" => {
                                    c.arg.as_str().map(str::to_string)
                                }
                                _ => None,
                            });
                            attaches.push(Attach {
                                policy: i,
                                kind,
                                by_ref,
                                name: Some(name.value.clone()),
                            });
                        }
                    }
                }
            }
            "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
                let (kind, key) = match ty {
                    "AWS::IAM::RolePolicy" => (PrincipalKind::Role, "RoleName"),
                    "AWS::IAM::UserPolicy" => (PrincipalKind::User, "UserName"),
                    _ => (PrincipalKind::Group, "GroupName"),
                };
                if let Some(i) = add(doc, props.get("PolicyDocument"), PolicyKind::Identity) {
                    doc.policies[i].name = scalar(props.get("PolicyName")).map(|n| n.value);
                    let by_ref = res
                        .get("Properties")
                        .and_then(|p| p.get(key))
                        .and_then(|r| match intrinsic(r) {
                            Ok(Some(c)) if c.name == "Ref" => c.arg.as_str().map(str::to_string),
                            _ => None,
                        });
                    attaches.push(Attach {
                        policy: i,
                        kind,
                        by_ref,
                        name: scalar(props.get(key)).map(|s| s.value),
                    });
                }
            }
            "AWS::Organizations::Policy" => {
                let kind = match props.get("Type").and_then(Node::as_str) {
                    Some("SERVICE_CONTROL_POLICY") => Some(PolicyKind::ServiceControl),
                    Some("RESOURCE_CONTROL_POLICY") => Some(PolicyKind::ResourceControl),
                    _ => None,
                };
                if let Some(kind) = kind
                    && let Some(i) = add(doc, props.get("Content"), kind)
                {
                    doc.resources.org_policies.push(model::OrgPolicy {
                        name: name_of("Name"),
                        policy: i,
                        target_ids: scalars(props.get("TargetIds")),
                        span: whole,
                    });
                }
            }
            "AWS::IAM::AccessKey" => doc.resources.access_keys.push(model::AccessKey {
                logical_id: Spanned::new(logical.to_string(), m.key.span),
                user: scalar(props.get("UserName")),
                status: scalar(props.get("Status")),
                account: inst.account.clone(),
                origin: inst.origin.clone(),
                span: whole,
            }),
            "AWS::IAM::InstanceProfile" => {
                doc.resources
                    .instance_profiles
                    .push(model::InstanceProfile {
                        name: name_of("InstanceProfileName"),
                        roles: scalars(props.get("Roles")),
                        span: whole,
                    })
            }
            "AWS::IAM::OIDCProvider" => doc.resources.oidc_providers.push(model::OidcProvider {
                url: scalar(props.get("Url")),
                client_ids: scalars(props.get("ClientIdList")),
                thumbprints: scalars(props.get("ThumbprintList")),
                span: whole,
            }),
            "AWS::EKS::Cluster" => {
                let access = props.get("AccessConfig");
                let vpc = props.get("ResourcesVpcConfig");
                doc.resources.eks_clusters.push(model::EksCluster {
                    name: name_of("Name"),
                    authentication_mode: scalar(access.and_then(|a| a.get("AuthenticationMode"))),
                    bootstrap_creator_admin: scalar(
                        access.and_then(|a| a.get("BootstrapClusterCreatorAdminPermissions")),
                    ),
                    role_arn: scalar(props.get("RoleArn")),
                    endpoint_public_access: scalar(vpc.and_then(|v| v.get("EndpointPublicAccess"))),
                    public_access_cidrs: scalars(vpc.and_then(|v| v.get("PublicAccessCidrs"))),
                    span: whole,
                });
            }
            "AWS::EKS::AccessEntry" => {
                let access_policies = props
                    .get("AccessPolicies")
                    .and_then(Node::as_array)
                    .unwrap_or_default()
                    .iter()
                    .map(|p| {
                        let scope = p.get("AccessScope");
                        model::EksAccessPolicy {
                            policy_arn: scalar(p.get("PolicyArn")),
                            scope: scalar(scope.and_then(|s| s.get("Type"))),
                            namespaces: scalars(scope.and_then(|s| s.get("Namespaces"))),
                            span: p.span,
                        }
                    })
                    .collect();
                doc.resources
                    .eks_access_entries
                    .push(model::EksAccessEntry {
                        cluster: scalar(props.get("ClusterName")),
                        principal_arn: scalar(props.get("PrincipalArn")),
                        kind: scalar(props.get("Type")),
                        username: scalar(props.get("Username")),
                        kubernetes_groups: scalars(props.get("KubernetesGroups")),
                        access_policies,
                        span: whole,
                    });
            }
            "AWS::EKS::PodIdentityAssociation" => {
                doc.resources
                    .eks_pod_identities
                    .push(model::EksPodIdentity {
                        cluster: scalar(props.get("ClusterName")),
                        namespace: scalar(props.get("Namespace")),
                        service_account: scalar(props.get("ServiceAccount")),
                        role_arn: scalar(props.get("RoleArn")),
                        span: whole,
                    })
            }
            "AWS::EC2::LaunchTemplate" => {
                let opts = props
                    .get("LaunchTemplateData")
                    .and_then(|d| d.get("MetadataOptions"));
                doc.resources
                    .launch_templates
                    .push(model::LaunchTemplateMetadata {
                        name: name_of("LaunchTemplateName"),
                        http_tokens: scalar(opts.and_then(|o| o.get("HttpTokens"))),
                        hop_limit: scalar(opts.and_then(|o| o.get("HttpPutResponseHopLimit"))),
                        http_endpoint: scalar(opts.and_then(|o| o.get("HttpEndpoint"))),
                        span: opts.map_or(whole, |o| o.span),
                    });
            }
            "AWS::CloudFormation::StackSet" => {
                crate::load::stackset::from_resource(&props, text, doc, config);
            }
            _ => {
                if let Some(&(_, key, service)) = RESOURCE_POLICIES.iter().find(|(t, ..)| *t == ty)
                    && let Some(i) = add(doc, props.get(key), PolicyKind::Resource)
                {
                    doc.policies[i].resource_service = Some(service);
                }
            }
        }
        for p in &mut doc.policies[first_policy..] {
            p.assumptions.extend(assumptions.iter().cloned());
            p.provenance.extend(provenance.iter().cloned());
        }
    }
    for (logical, span) in logins {
        if let Some(&user) = by_logical.get(&logical) {
            doc.resources
                .login_profiles
                .push(model::LoginProfile { user, span });
        }
    }
    for a in attaches {
        let target = a
            .by_ref
            .as_ref()
            .and_then(|r| by_logical.get(r).copied())
            .or_else(|| {
                let name = a.name.as_ref()?;
                (base..doc.principals.len()).find(|&i| {
                    doc.principals[i].kind == a.kind && &doc.principals[i].name.value == name
                })
            });
        if let Some(t) = target
            && doc.principals[t].kind == a.kind
            && !doc.principals[t].policies.contains(&a.policy)
        {
            doc.principals[t].policies.push(a.policy);
        }
    }
    for p in ev.problems {
        push_problem(doc, p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    fn load_yaml(text: &str) -> Document {
        crate::load::load_document(
            std::path::Path::new("t.yaml"),
            std::path::Path::new("t.yaml"),
            text,
            SourceId(0),
        )
    }

    #[test]
    fn iam_bearing_resources_become_model_objects() {
        let text = r#"AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deploy
      Path: /ci/
      MaxSessionDuration: 7200
      PermissionsBoundary: arn:aws:iam::aws:policy/PowerUserAccess
      ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
      AssumeRolePolicyDocument: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
  ByName:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [deploy]
      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: s3:GetObject, Resource: '*'}]}
  Inline:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: !Ref Deploy
      PolicyName: p
      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: s3:ListBucket, Resource: '*'}]}
  Scp:
    Type: AWS::Organizations::Policy
    Properties:
      Name: deny-leave
      Type: SERVICE_CONTROL_POLICY
      TargetIds: [ou-abcd-12345678]
      Content: {Version: '2012-10-17', Statement: [{Effect: Deny, Action: organizations:LeaveOrganization, Resource: '*'}]}
  Bucket:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: '*', Action: s3:GetObject, Resource: 'arn:aws:s3:::b/*'}]}
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: prod
      AccessConfig: {AuthenticationMode: API_AND_CONFIG_MAP, BootstrapClusterCreatorAdminPermissions: true}
  Entry:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: !Ref Cluster
      PrincipalArn: !GetAtt Deploy.Arn
      AccessPolicies:
        - PolicyArn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
          AccessScope: {Type: namespace, Namespaces: [apps]}
  Pods:
    Type: AWS::EKS::PodIdentityAssociation
    Properties: {ClusterName: prod, Namespace: octopus, ServiceAccount: octopus, RoleArn: !GetAtt Deploy.Arn}
  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        MetadataOptions: {HttpTokens: optional, HttpPutResponseHopLimit: 2}
  Oidc:
    Type: AWS::IAM::OIDCProvider
    Properties: {Url: 'https://oidc.eks.us-east-1.amazonaws.com/id/X', ClientIdList: [sts.amazonaws.com]}
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties: {Roles: [!Ref Deploy]}
"#;
        let doc = load_yaml(text);
        assert!(
            doc.template_problems.is_empty(),
            "{:?}",
            doc.template_problems
        );
        let role = &doc.principals[0];
        assert_eq!(role.name.value, "deploy");
        assert_eq!(role.path, "/ci/");
        assert_eq!(
            role.max_session_duration.as_ref().map(|m| m.value),
            Some(7200)
        );
        assert!(role.boundary.is_some());
        assert_eq!(role.managed.len(), 1);
        let trust = role.trust.expect("trust");
        assert_eq!(doc.policies[trust].policy.kind, PolicyKind::Trust);
        assert_eq!(doc.policies[trust].policy.statements.len(), 1);
        // Attached by name (ManagedPolicy.Roles) and by Ref (RolePolicy.RoleName).
        assert_eq!(role.policies.len(), 2);
        assert_eq!(
            doc.resources.org_policies[0].target_ids[0].value,
            "ou-abcd-12345678"
        );
        let scp = doc.resources.org_policies[0].policy;
        assert_eq!(doc.policies[scp].policy.kind, PolicyKind::ServiceControl);
        assert!(
            doc.policies
                .iter()
                .any(|p| p.policy.kind == PolicyKind::Resource)
        );
        let c = &doc.resources.eks_clusters[0];
        assert_eq!(
            c.authentication_mode.as_ref().map(|s| s.value.as_str()),
            Some("API_AND_CONFIG_MAP")
        );
        let e = &doc.resources.eks_access_entries[0];
        assert_eq!(e.cluster.as_ref().map(|s| s.value.as_str()), Some("prod"));
        assert_eq!(
            e.principal_arn.as_ref().map(|s| s.value.as_str()),
            Some("arn:aws:iam::*:role/ci/deploy")
        );
        assert_eq!(e.access_policies[0].namespaces[0].value, "apps");
        assert_eq!(
            doc.resources.eks_pod_identities[0]
                .namespace
                .as_ref()
                .map(|s| s.value.as_str()),
            Some("octopus")
        );
        assert_eq!(
            doc.resources.launch_templates[0]
                .http_tokens
                .as_ref()
                .map(|s| s.value.as_str()),
            Some("optional")
        );
        assert_eq!(
            doc.resources.oidc_providers[0].client_ids[0].value,
            "sts.amazonaws.com"
        );
        assert_eq!(doc.resources.instance_profiles[0].roles[0].value, "deploy");
    }
}
