//! Kubernetes manifests: the objects that map identities between a cluster
//! and IAM.
//!
//! Any loaded tree with `apiVersion`/`kind` is looked at (multi-document
//! YAML, Helm-rendered output, `kubectl get -o yaml|json`, `kind: List`):
//! - the `kube-system/aws-auth` ConfigMap: `mapRoles`, `mapUsers` and
//!   `mapAccounts` hold YAML *inside a string*, parsed with
//!   [`yaml::parse_embedded`] so every span points at its line in the file;
//!   what the authenticator would reject or ignore becomes an
//!   [`AwsAuthProblem`];
//! - ServiceAccounts, with their `eks.amazonaws.com/role-arn` (IRSA) annotation.
//!
//! A `kubectl patch` fragment (`data.mapRoles` without `apiVersion`/`kind`)
//! is read too, marked as not [`AwsAuth::complete`]: rules that need the
//! whole map (a missing node role) skip it.
//!
//! Unrendered Helm templates: see [`is_unrendered_template`].

use crate::load::tree::{Node, Value};
use crate::load::yaml;
use crate::model::{AwsAuth, AwsAuthMapping, AwsAuthProblem, AwsAuthSection, ServiceAccount};
use crate::source::{SourceId, Spanned};

/// The annotation that binds a ServiceAccount to an IAM role (IRSA).
pub const ROLE_ARN_ANNOTATION: &str = "eks.amazonaws.com/role-arn";
/// The annotation that changes the audience of the projected token.
pub const AUDIENCE_ANNOTATION: &str = "eks.amazonaws.com/audience";

/// What the Kubernetes objects of one loaded tree hold.
#[derive(Default)]
pub struct Found {
    /// aws-auth ConfigMaps.
    pub aws_auth: Vec<AwsAuth>,
    /// ServiceAccounts.
    pub service_accounts: Vec<ServiceAccount>,
}

/// The Kubernetes objects in a loaded tree; `text` is the file's text.
pub fn objects_in(root: &Node, text: &str, source: SourceId) -> Found {
    let mut found = Found::default();
    visit(root, text, source, &mut found, 0);
    found
}

fn visit(node: &Node, text: &str, source: SourceId, found: &mut Found, depth: usize) {
    let kind = node.get("kind").and_then(Node::as_str);
    match kind {
        // `kubectl get … -o yaml` of several objects.
        Some("List") if depth < 2 => {
            for item in node
                .get("items")
                .and_then(Node::as_array)
                .unwrap_or_default()
            {
                visit(item, text, source, found, depth + 1);
            }
        }
        Some("ConfigMap") if is_aws_auth(node) => {
            found.aws_auth.push(aws_auth(node, text, source, true));
        }
        Some("ServiceAccount") => {
            if let Some(sa) = service_account(node) {
                found.service_accounts.push(sa);
            }
        }
        // A patch fragment: `data.mapRoles` etc. without apiVersion/kind,
        // named aws-auth or not named at all.
        None if node.get("apiVersion").is_none()
            && node.get("data").is_some_and(|d| {
                ["mapRoles", "mapUsers", "mapAccounts"]
                    .iter()
                    .any(|k| d.get(k).is_some())
            })
            && node
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Node::as_str)
                .is_none_or(|n| n == "aws-auth") =>
        {
            found.aws_auth.push(aws_auth(node, text, source, false));
        }
        _ => {}
    }
}

fn is_aws_auth(node: &Node) -> bool {
    let meta = node.get("metadata");
    meta.and_then(|m| m.get("name")).and_then(Node::as_str) == Some("aws-auth")
        && meta
            .and_then(|m| m.get("namespace"))
            .and_then(Node::as_str)
            .is_none_or(|ns| ns == "kube-system")
}

fn spanned(node: &Node) -> Option<Spanned<String>> {
    node.as_scalar_text()
        .map(|s| Spanned::new(s.into_owned(), node.span))
}

fn service_account(node: &Node) -> Option<ServiceAccount> {
    let meta = node.get("metadata")?;
    let name = meta.get("name").and_then(spanned)?;
    let annotations = meta.get("annotations");
    let annotation = |key: &str| annotations.and_then(|a| a.get(key)).and_then(spanned);
    Some(ServiceAccount {
        name,
        namespace: meta.get("namespace").and_then(spanned),
        role_arn: annotation(ROLE_ARN_ANNOTATION),
        audience: annotation(AUDIENCE_ANNOTATION),
        span: node.span,
    })
}

fn aws_auth(node: &Node, text: &str, source: SourceId, complete: bool) -> AwsAuth {
    let name = node
        .get("metadata")
        .and_then(|m| m.get("name"))
        .map_or(node.span, |n| n.span);
    let mut map = AwsAuth {
        name,
        span: node.span,
        complete: complete && node.get("apiVersion").is_some(),
        map_roles_key: None,
        mappings: Vec::new(),
        accounts: Vec::new(),
        problems: Vec::new(),
    };
    let Some(data) = node.get("data").and_then(Node::as_object) else {
        return map;
    };
    for member in data {
        let section = match &*member.key.value {
            "mapRoles" => AwsAuthSection::MapRoles,
            "mapUsers" => AwsAuthSection::MapUsers,
            "mapAccounts" => AwsAuthSection::MapAccounts,
            _ => continue,
        };
        if section == AwsAuthSection::MapRoles {
            map.map_roles_key = Some(member.key.span);
        }
        let value = &member.value;
        let items = match &value.value {
            Value::Null => continue,
            Value::String(_) => match yaml::parse_embedded(value, text, source) {
                Ok(docs) => match docs.into_iter().next() {
                    None => continue,
                    Some(Node {
                        value: Value::Null, ..
                    }) => continue,
                    Some(Node {
                        value: Value::Array(items),
                        ..
                    }) => items,
                    Some(other) => {
                        map.problems.push(AwsAuthProblem {
                            span: other.span,
                            message: format!(
                                "`{}` must hold a YAML list, found {}: the authenticator ignores every entry in it",
                                section.key(),
                                other.type_name()
                            ),
                            help: "write the entries as a list, each starting with `- `".into(),
                        });
                        continue;
                    }
                },
                Err(e) => {
                    map.problems.push(AwsAuthProblem {
                        span: e.span,
                        message: format!(
                            "the YAML in `{}` does not parse ({}): the authenticator ignores every entry in it",
                            section.key(),
                            e.message
                        ),
                        help: "fix the YAML before applying: until then no principal mapped here can sign in to the cluster".into(),
                    });
                    continue;
                }
            },
            _ => {
                map.problems.push(AwsAuthProblem {
                    span: value.span,
                    message: format!(
                        "`{}` must be a string holding YAML, found {}: ConfigMap data values are strings",
                        section.key(),
                        value.type_name()
                    ),
                    help: format!("write `{}: |` and indent the list under it", section.key()),
                });
                continue;
            }
        };
        for item in &items {
            match section {
                AwsAuthSection::MapAccounts => account_entry(item, &mut map),
                _ => mapping_entry(item, section, &mut map),
            }
        }
    }
    map
}

fn account_entry(item: &Node, map: &mut AwsAuth) {
    match &item.value {
        Value::String(s) => {
            if !crate::policy::arn::is_account_id(s) {
                map.problems.push(AwsAuthProblem {
                    span: item.span,
                    message: format!("`{s}` is not a 12-digit AWS account id"),
                    help: "list account ids only, e.g. `- \"111122223333\"`".into(),
                });
            }
            map.accounts.push(Spanned::new(s.to_string(), item.span));
        }
        Value::Number(n) => {
            map.problems.push(AwsAuthProblem {
                span: item.span,
                message: format!(
                    "account id `{n}` is an unquoted YAML number, not the string the authenticator expects"
                ),
                help: format!("quote it: `- \"{n}\"`"),
            });
            map.accounts.push(Spanned::new(n.to_string(), item.span));
        }
        _ => map.problems.push(AwsAuthProblem {
            span: item.span,
            message: format!(
                "`mapAccounts` entries are account ids, found {}",
                item.type_name()
            ),
            help: "list account ids only, e.g. `- \"111122223333\"`".into(),
        }),
    }
}

fn mapping_entry(item: &Node, section: AwsAuthSection, map: &mut AwsAuth) {
    let Some(members) = item.as_object() else {
        map.problems.push(AwsAuthProblem {
            span: item.span,
            message: format!(
                "`{}` entries are mappings with `{}`, `username` and `groups`, found {}",
                section.key(),
                section.arn_key(),
                item.type_name()
            ),
            help: format!(
                "write `- {}: arn:…` and indent `username:` and `groups:` under it",
                section.arn_key()
            ),
        });
        return;
    };
    let mut entry = AwsAuthMapping {
        section,
        arn: None,
        username: None,
        groups: Vec::new(),
        unknown_keys: Vec::new(),
        span: item.span,
    };
    let mut has_groups = false;
    for m in members {
        // The authenticator reads the YAML through JSON, whose field names
        // match ignoring case (`roleArn` works, `role_arn` does not).
        let key = m.key.value.to_ascii_lowercase();
        if key == section.arn_key() {
            entry.arn = scalar(&m.value, map, "an ARN");
        } else if key == "username" {
            entry.username = scalar(&m.value, map, "a user name");
        } else if key == "groups" {
            has_groups = true;
            match &m.value.value {
                Value::Array(groups) => {
                    for g in groups {
                        if let Some(g) = scalar(g, map, "a group name") {
                            entry.groups.push(g);
                        }
                    }
                }
                Value::Null => {}
                _ => map.problems.push(AwsAuthProblem {
                    span: m.value.span,
                    message: format!(
                        "`groups` must be a list, found {}: the authenticator rejects the whole `{}`",
                        m.value.type_name(),
                        section.key()
                    ),
                    help: "write each group on its own line under `groups:`, starting with `- `"
                        .into(),
                }),
            }
        } else {
            entry
                .unknown_keys
                .push(Spanned::new(m.key.value.to_string(), m.key.span));
            let hint = match key.as_str() {
                "group" => "`groups`".to_string(),
                "role_arn" | "rolearn " | "role" | "arn" | "userarn" | "rolarn"
                    if section == AwsAuthSection::MapRoles =>
                {
                    "`rolearn`".to_string()
                }
                "user_arn" | "user" | "arn" | "rolearn" if section == AwsAuthSection::MapUsers => {
                    "`userarn`".to_string()
                }
                "user" | "name" | "user_name" => "`username`".to_string(),
                _ => format!("`{}`, `username` or `groups`", section.arn_key()),
            };
            map.problems.push(AwsAuthProblem {
                span: m.key.span,
                message: format!(
                    "unknown key `{}` in a `{}` entry: the authenticator ignores it",
                    m.key.value,
                    section.key()
                ),
                help: format!("use {hint}"),
            });
        }
    }
    if entry.arn.is_none() {
        map.problems.push(AwsAuthProblem {
            span: item.span,
            message: format!(
                "`{}` entry has no `{}`: it maps no principal",
                section.key(),
                section.arn_key()
            ),
            help: format!(
                "add `{}:` with the ARN of the principal to map",
                section.arn_key()
            ),
        });
    }
    // With an unknown key (`group:`) that finding already says what is wrong.
    if !has_groups && entry.username.is_none() && entry.unknown_keys.is_empty() {
        map.problems.push(AwsAuthProblem {
            span: item.span,
            message: format!(
                "`{}` entry has neither `groups` nor `username`: the principal signs in with no permissions",
                section.key()
            ),
            help: "add the Kubernetes `groups` the principal belongs to".into(),
        });
    }
    map.mappings.push(entry);
}

fn scalar(node: &Node, map: &mut AwsAuth, what: &str) -> Option<Spanned<String>> {
    match &node.value {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => spanned(node),
        _ => {
            map.problems.push(AwsAuthProblem {
                span: node.span,
                message: format!("expected {what}, found {}", node.type_name()),
                help: format!("write {what} as a plain string"),
            });
            None
        }
    }
}

/// Whether a YAML text that failed to parse is an unrendered Helm (Go)
/// template: it holds a template action such as `{{ .Values.x }}`,
/// `{{- if … }}` or `{{ include … }}`. Such files are not reported as
/// invalid YAML: they are not what is applied, their rendered output is
/// (lint `helm template` output instead). The aws-auth placeholders
/// `{{EC2PrivateDNSName}}`, `{{SessionName}}`, `{{AccountID}}` are not
/// template actions: a file holding only those is still reported.
pub fn is_unrendered_template(text: &str) -> bool {
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            return false;
        };
        let inner = &after[..close];
        let placeholder = !inner.is_empty()
            && inner.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && inner.chars().all(|c| c.is_ascii_alphanumeric());
        if !placeholder {
            return true;
        }
        rest = &after[close + 2..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    const SRC: SourceId = SourceId(0);

    fn load(text: &str) -> Found {
        let roots = yaml::parse(text, SRC).expect("valid YAML");
        let mut all = Found::default();
        for r in &roots {
            let f = objects_in(r, text, SRC);
            all.aws_auth.extend(f.aws_auth);
            all.service_accounts.extend(f.service_accounts);
        }
        all
    }

    fn line_col(text: &str, offset: u32) -> (usize, usize) {
        let before = &text[..offset as usize];
        let line = before.matches('\n').count() + 1;
        let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        (line, col)
    }

    const AWS_AUTH: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - groups:
      - system:bootstrappers
      - system:nodes
      rolearn: arn:aws:iam::968802670493:role/eksctl-k8s-NodeInstanceRole
      username: system:node:{{EC2PrivateDNSName}}
    - rolearn: arn:aws:iam::968802670493:role/mytestrole
      username: admin
      groups:
        - system:masters
  mapUsers: |
    []
";

    #[test]
    fn map_roles_entries_point_at_their_line_and_column_in_the_configmap() {
        let found = load(AWS_AUTH);
        assert_eq!(found.aws_auth.len(), 1);
        let map = &found.aws_auth[0];
        assert!(map.complete);
        assert!(map.problems.is_empty(), "{:?}", map.problems);
        assert_eq!(map.mappings.len(), 2);
        let masters = &map.mappings[1].groups[0];
        assert_eq!(masters.value, "system:masters");
        assert_eq!(line_col(AWS_AUTH, masters.span.start), (16, 11));
        let arn = map.mappings[1].arn.as_ref().expect("rolearn");
        assert_eq!(line_col(AWS_AUTH, arn.span.start), (13, 16));
        assert_eq!(
            &AWS_AUTH[arn.span.start as usize..arn.span.end as usize],
            "arn:aws:iam::968802670493:role/mytestrole"
        );
    }

    #[test]
    fn invalid_inner_yaml_is_a_problem_inside_the_string() {
        let text = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/a
      groups:
        - system:masters
     - rolearn: arn:aws:iam::111122223333:role/b
";
        let found = load(text);
        let map = &found.aws_auth[0];
        assert_eq!(map.problems.len(), 1, "{:?}", map.problems);
        let (line, _) = line_col(text, map.problems[0].span.start);
        assert!((9..=11).contains(&line), "line {line}");
    }

    #[test]
    fn unknown_keys_and_missing_arn_are_problems() {
        let text = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - roleArn: arn:aws:iam::111122223333:role/a
      group:
        - admins
    - username: x
      groups: [a]
  mapAccounts: |
    - 111122223333
";
        let map = &load(text).aws_auth[0];
        let messages: Vec<&str> = map.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("unknown key `group`"));
        assert!(messages[1].contains("has no `rolearn`"));
        assert!(messages[2].contains("unquoted"));
        assert_eq!(
            map.mappings[0].arn.as_ref().map(|a| a.value.as_str()),
            Some("arn:aws:iam::111122223333:role/a")
        );
    }

    #[test]
    fn service_accounts_in_multi_document_and_list_manifests() {
        let text = "\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: octopus-agent-scripts
  namespace: octopus
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111111111111:role/OctoLauncherRole
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: plain}
";
        let found = load(text);
        assert_eq!(found.service_accounts.len(), 2);
        let sa = &found.service_accounts[0];
        assert_eq!(
            sa.namespace.as_ref().map(|n| n.value.as_str()),
            Some("octopus")
        );
        assert!(sa.role_arn.is_some());
        assert!(found.service_accounts[1].namespace.is_none());
    }

    #[test]
    fn patch_fragments_are_incomplete_maps() {
        let found =
            load("data:\n  mapUsers: |\n    - userarn: arn:aws:iam::1:user/a\n      groups: [x]\n");
        assert_eq!(found.aws_auth.len(), 1);
        assert!(!found.aws_auth[0].complete);
    }

    #[test]
    fn helm_actions_are_templates_but_aws_auth_placeholders_are_not() {
        assert!(is_unrendered_template("name: {{ .Values.name }}\n"));
        assert!(is_unrendered_template("{{- if .Values.x }}\n"));
        assert!(!is_unrendered_template(
            "username: system:node:{{EC2PrivateDNSName}}\n"
        ));
        assert!(!is_unrendered_template("plain: text\n"));
    }
}
