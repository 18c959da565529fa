//! The EKS launcher scenario across files: a ServiceAccount in one
//! manifest, its role's trust in `aws iam get-role` output elsewhere, and
//! the aws-auth ConfigMap, with findings inside `mapRoles` at their exact
//! line and column; and severities that follow the account's environment.

use std::path::{Path, PathBuf};

use iamchain::config::{Account, Config};
use iamchain::diagnostic::Severity;
use iamchain::model::Environment;
use iamchain::source::SourceMap;
use iamchain::{discover, engine};

fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/scenarios/eks-launcher")
}

/// (rule, file name, line, column, severity) of every finding.
fn lint(paths: &[PathBuf], config: &Config) -> Vec<(String, String, u32, u32, Severity)> {
    let (candidates, errors) = discover::discover(paths, config).expect("discover");
    let run = engine::run(&candidates, &errors, config, SourceMap::new());
    run.report
        .findings
        .iter()
        .map(|f| {
            let (start, _) = run.sources.range(f.primary.span);
            let file = run
                .sources
                .path(f.primary.span.source)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            (
                f.rule.to_string(),
                file,
                start.line,
                start.column,
                f.severity,
            )
        })
        .collect()
}

#[test]
fn service_account_trust_and_aws_auth_join_across_files() {
    let found = lint(&[scenario()], &Config::default());
    let at = |rule: &str| -> Vec<(String, u32, u32, Severity)> {
        found
            .iter()
            .filter(|f| f.0 == rule)
            .map(|f| (f.1.clone(), f.2, f.3, f.4))
            .collect()
    };
    // Only the worker's service account is not admitted by the role's trust.
    assert_eq!(
        at("irsa-trust-mismatch"),
        vec![("octopus.yaml".to_string(), 20, 33, Severity::Error)]
    );
    // Inside the `mapRoles: |` string: the group and the role ARN, at their
    // own line and column of the ConfigMap file.
    assert_eq!(
        at("system-masters-mapping"),
        vec![("aws-auth.yaml".to_string(), 12, 11, Severity::Error)]
    );
    assert_eq!(
        at("aws-auth-role-path"),
        vec![("aws-auth.yaml".to_string(), 19, 16, Severity::Error)]
    );
    assert!(at("aws-auth-missing-node-role").is_empty(), "{found:?}");
    assert_eq!(found.len(), 3, "{found:?}");
}

#[test]
fn the_same_trust_without_the_manifest_is_not_a_mismatch() {
    let found = lint(&[scenario().join("iam")], &Config::default());
    assert!(
        found.iter().all(|f| f.0 != "irsa-trust-mismatch"),
        "{found:?}"
    );
}

#[test]
fn prod_accounts_raise_the_severity() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p
    };
    let trust = write(
        "get-role.json",
        r#"{"Role": {"RoleName": "PodRole", "Path": "/", "Arn": "arn:aws:iam::333333333333:role/PodRole",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}}}"#,
    );
    let aws_auth = write(
        "aws-auth.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::333333333333:role/PlatformAdmin\n      username: admin\n      groups:\n        - system:masters\n        - system:nodes\n",
    );
    let entry = write(
        "associated-access-policies.json",
        r#"{"associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            "accessScope": {"type": "cluster", "namespaces": []}}], "clusterName": "platform",
            "principalArn": "arn:aws:iam::333333333333:role/PlatformAdmin"}"#,
    );
    let severities = |config: &Config| {
        let mut found: Vec<(String, Severity)> =
            lint(&[trust.clone(), aws_auth.clone(), entry.clone()], config)
                .into_iter()
                .map(|f| (f.0, f.4))
                .collect();
        found.sort();
        found
    };
    let expected = |s: Severity, n: Severity| {
        vec![
            ("access-entry-cluster-admin".to_string(), s),
            ("pod-identity-trust-unrestricted".to_string(), n),
            ("system-masters-mapping".to_string(), s),
        ]
    };
    assert_eq!(
        severities(&Config::default()),
        expected(Severity::Warning, Severity::Note)
    );
    let mut prod = Config::default();
    prod.accounts.insert(
        "333333333333".into(),
        Account {
            name: Some("acme-prod".into()),
            environment: Some(Environment::Prod),
        },
    );
    assert_eq!(
        severities(&prod),
        expected(Severity::Error, Severity::Warning)
    );
    // A severity the user configured wins over the per-case one.
    prod.severity
        .insert("system-masters-mapping".into(), Severity::Note);
    assert!(severities(&prod).contains(&("system-masters-mapping".to_string(), Severity::Note)));
}

/// `iamchain graph --format json` on the scenario: the edges out of
/// federated (IRSA) nodes, with their undecided condition keys.
fn federated_edges(dir: &Path) -> Vec<(String, String, Vec<String>)> {
    let out = assert_cmd::Command::cargo_bin("iamchain")
        .expect("binary")
        .args(["graph", "--format", "json"])
        .arg(dir)
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| {
            e["from"]
                .as_str()
                .is_some_and(|f| f.starts_with("federated:"))
        })
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            let conditions = e["conditions"]
                .as_array()
                .map(|c| {
                    c.iter()
                        .filter_map(|k| k.as_str())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            (s("from"), s("to"), conditions)
        })
        .collect()
}

#[test]
fn an_irsa_trust_pinning_sub_and_aud_is_an_unconditional_edge_from_that_service_account() {
    let edges = federated_edges(&scenario());
    assert_eq!(edges.len(), 1, "{edges:?}");
    let (from, to, conditions) = &edges[0];
    assert!(
        from.ends_with("#system:serviceaccount:octopus:octopus-server"),
        "{from}"
    );
    assert!(to.ends_with(":role/OctoLauncherRole"), "{to}");
    // The node is that service account (its `sub`), and IRSA tokens carry
    // `aud` = `sts.amazonaws.com`: nothing is left undecided.
    assert!(conditions.is_empty(), "{conditions:?}");
}

#[test]
fn an_irsa_trust_requiring_another_audience_admits_no_irsa_token() {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read dir") {
            let p = entry.expect("entry").path();
            let target = to.join(p.file_name().expect("name"));
            if p.is_dir() {
                copy(&p, &target);
            } else {
                let text = std::fs::read_to_string(&p).expect("read");
                let text = text.replace("\"sts.amazonaws.com\"", "\"my-own-audience\"");
                std::fs::write(target, text).expect("write");
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy(&scenario(), dir.path());
    let trust = std::fs::read_to_string(dir.path().join("iam/OctoLauncherRole/get-role.json"))
        .expect("trust copied");
    assert!(trust.contains("my-own-audience"));
    assert_eq!(federated_edges(dir.path()), []);
}
