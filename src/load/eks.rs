//! EKS and EC2 CLI output that says who gets into a cluster and what a pod
//! can reach: `aws eks describe-access-entry` (`{"accessEntry": …}`),
//! `list-associated-access-policies` (`{"associatedAccessPolicies": […],
//! "principalArn": …}`), `describe-pod-identity-association`
//! (`{"association": …}`), `list-pod-identity-associations`
//! (`{"associations": […]}`, without role ARNs), and `aws ec2
//! describe-launch-template-versions` (`{"LaunchTemplateVersions": […]}`)
//! or `get-launch-template-data` (`{"LaunchTemplateData": …}`).

use crate::load::tree::{Node, Value};
use crate::model::{AccessEntry, AccessPolicyAssociation, LaunchTemplate, PodIdentityAssociation};
use crate::source::Spanned;

/// What the EKS/EC2 CLI output of one loaded tree holds.
#[derive(Default)]
pub struct Found {
    /// Access entries.
    pub access_entries: Vec<AccessEntry>,
    /// Pod Identity associations.
    pub pod_identity_associations: Vec<PodIdentityAssociation>,
    /// Launch template versions.
    pub launch_templates: Vec<LaunchTemplate>,
}

fn text(node: Option<&Node>) -> Option<Spanned<String>> {
    let node = node?;
    node.as_scalar_text()
        .map(|s| Spanned::new(s.into_owned(), node.span))
}

fn texts(node: Option<&Node>) -> Vec<Spanned<String>> {
    node.and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| text(Some(n)))
        .collect()
}

/// The EKS/EC2 objects in a loaded tree.
pub fn objects_in(root: &Node) -> Found {
    let mut found = Found::default();
    if root.as_object().is_none() {
        return found;
    }
    if let Some(entry) = root.get("accessEntry") {
        found.access_entries.push(AccessEntry {
            cluster: text(entry.get("clusterName")),
            principal_arn: text(entry.get("principalArn")),
            entry_type: text(entry.get("type")),
            kubernetes_groups: texts(entry.get("kubernetesGroups")),
            policies: Vec::new(),
            span: entry.span,
        });
    }
    if let Some(list) = root
        .get("associatedAccessPolicies")
        .and_then(Node::as_array)
    {
        found.access_entries.push(AccessEntry {
            cluster: text(root.get("clusterName")),
            principal_arn: text(root.get("principalArn")),
            entry_type: None,
            kubernetes_groups: Vec::new(),
            policies: list
                .iter()
                .filter_map(|p| {
                    Some(AccessPolicyAssociation {
                        policy_arn: text(p.get("policyArn"))?,
                        scope_type: text(p.get("accessScope").and_then(|s| s.get("type"))),
                        namespaces: texts(p.get("accessScope").and_then(|s| s.get("namespaces"))),
                        span: p.span,
                    })
                })
                .collect(),
            span: root.span,
        });
    }
    let associations: Vec<&Node> = match (root.get("association"), root.get("associations")) {
        (Some(a), _) => vec![a],
        (None, Some(list)) => list.as_array().unwrap_or_default().iter().collect(),
        _ => Vec::new(),
    };
    for a in associations {
        if a.get("serviceAccount").is_none() && a.get("associationArn").is_none() {
            continue;
        }
        found
            .pod_identity_associations
            .push(PodIdentityAssociation {
                cluster: text(a.get("clusterName")),
                namespace: text(a.get("namespace")),
                service_account: text(a.get("serviceAccount")),
                role_arn: text(a.get("roleArn")),
                target_role_arn: text(a.get("targetRoleArn")),
                association_arn: text(a.get("associationArn")),
                disable_session_tags: matches!(
                    a.get("disableSessionTags").map(|n| &n.value),
                    Some(Value::Bool(true))
                ),
                span: a.span,
            });
    }
    if let Some(versions) = root.get("LaunchTemplateVersions").and_then(Node::as_array) {
        for v in versions {
            if let Some(data) = v.get("LaunchTemplateData") {
                let name =
                    text(v.get("LaunchTemplateName")).or_else(|| text(v.get("LaunchTemplateId")));
                let version = v
                    .get("VersionNumber")
                    .and_then(Node::as_scalar_text)
                    .map(|s| s.into_owned());
                found
                    .launch_templates
                    .push(launch_template(data, name, version));
            }
        }
    } else if let Some(data) = root.get("LaunchTemplateData") {
        found
            .launch_templates
            .push(launch_template(data, None, None));
    }
    found
}

/// A launch template's data (`LaunchTemplateData`, also the CloudFormation
/// property of the same name).
pub fn launch_template(
    data: &Node,
    name: Option<Spanned<String>>,
    version: Option<String>,
) -> LaunchTemplate {
    let options = data.get("MetadataOptions");
    let hop = options.and_then(|o| o.get("HttpPutResponseHopLimit"));
    let profile = data.get("IamInstanceProfile");
    LaunchTemplate {
        name,
        version,
        http_tokens: text(options.and_then(|o| o.get("HttpTokens"))),
        hop_limit: hop.and_then(|h| {
            let n = h.as_scalar_text()?.trim().parse::<u32>().ok()?;
            Some(Spanned::new(n, h.span))
        }),
        http_endpoint: text(options.and_then(|o| o.get("HttpEndpoint"))),
        instance_profile: text(profile.and_then(|p| p.get("Arn")))
            .or_else(|| text(profile.and_then(|p| p.get("Name")))),
        metadata_options: options.map(|o| o.span),
        span: data.span,
    }
}
