//! The seed's multi-account example end to end, as the issue's "Done means"
//! states it: `iamchain lint` on the three account exports of
//! `testdata/scenarios/octopus-exports` (with its `.iamchain.yaml`) reports
//! no broken chain and the Pod Identity `sts:TagSession` gaps of the seed's
//! deploy-role trusts; copies changed at test time show `broken-chain` when
//! the launcher loses `sts:AssumeRole` on the Prod role and
//! `unintended-chain` when a second principal can reach `ProdDeployRole`;
//! `iamchain graph` draws the launcher → deploy-role picture in every format,
//! limited by `--from` / `--to`.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const SEED: &str = "testdata/scenarios/octopus-exports";
const DEV: &str = "dev-111111111111.authorization-details.json";
const PROD: &str = "prod-333333333333.authorization-details.json";
const LAUNCHER: &str = "arn:aws:iam::111111111111:role/OctoLauncherRole";
const PROD_ROLE: &str = "arn:aws:iam::333333333333:role/ProdDeployRole";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Run iamchain in `dir` (where `.iamchain.yaml` is found upward).
fn iamchain(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("iamchain")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run")
}

/// `iamchain lint . --format json` in `dir`: the exit code and the findings.
fn lint(dir: &Path) -> (Option<i32>, Vec<Value>) {
    let out = iamchain(dir, &["lint", ".", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let findings = v["findings"].as_array().expect("findings").clone();
    (out.status.code(), findings)
}

fn of_rule<'a>(findings: &'a [Value], rule: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

fn message(f: &Value) -> &str {
    f["message"].as_str().unwrap_or_default()
}

/// A copy of the seed scenario (exports and `.iamchain.yaml`) in a temp dir.
fn copy_of_seed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(root().join(SEED)).expect("seed") {
        let p = entry.expect("entry").path();
        let name = p.file_name().expect("name");
        std::fs::copy(&p, dir.path().join(name)).expect("copy");
    }
    dir
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

fn write_json(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(v).expect("json")).expect("write");
}

/// The role named `name` in an export.
fn role_mut<'a>(export: &'a mut Value, name: &str) -> &'a mut Value {
    export["RoleDetailList"]
        .as_array_mut()
        .expect("roles")
        .iter_mut()
        .find(|r| r["RoleName"] == name)
        .unwrap_or_else(|| panic!("no role {name}"))
}

#[test]
fn seed_has_no_broken_chain_and_the_tag_session_gaps_of_its_trusts() {
    let (code, findings) = lint(&root().join(SEED));
    assert_eq!(code, Some(1), "{findings:#?}");
    assert!(
        of_rule(&findings, "broken-chain").is_empty(),
        "{findings:#?}"
    );
    // The intended chains are exactly the declared ones.
    for rule in [
        "unintended-chain",
        "launcher-resource-permissions",
        "chain-to-admin",
        "role-chain-session-too-long",
    ] {
        assert!(of_rule(&findings, rule).is_empty(), "{rule}: {findings:#?}");
    }
    // The seed's deploy-role trusts allow only sts:AssumeRole, but the
    // launcher gets its credentials from EKS Pod Identity, whose transitive
    // session tags need sts:TagSession in every next trust: one finding per
    // deploy role, each at the trust entry, each with the whole chain.
    let tags = of_rule(&findings, "pod-identity-chain-tag-session");
    let mut targets: Vec<&str> = tags
        .iter()
        .map(|f| {
            let m = message(f);
            m.split('`').nth(1).unwrap_or_default()
        })
        .collect();
    targets.sort();
    assert_eq!(
        targets,
        ["DevDeployRole", "ProdDeployRole", "StagingDeployRole"],
        "{tags:#?}"
    );
    for f in &tags {
        assert!(
            message(f).contains("`pods.eks.amazonaws.com` → `OctoLauncherRole` → "),
            "{f:#}"
        );
        let related = f["related"].as_array().expect("related");
        assert_eq!(
            related[0]["path"], DEV,
            "the chain starts at the pod: {f:#}"
        );
        assert!(
            related[0]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("`pods.eks.amazonaws.com` → `OctoLauncherRole`")),
            "{f:#}"
        );
    }
}

#[test]
fn removing_the_launchers_assume_role_on_prod_breaks_the_chain_at_the_launcher_policy() {
    let dir = copy_of_seed();
    // Edit the text, not a re-serialisation, so the file keeps its layout:
    // drop the Prod ARN from the launcher policy's Resource list.
    let dev = dir.path().join(DEV);
    let text = std::fs::read_to_string(&dev).expect("read");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains(PROD_ROLE))
        .collect();
    assert_eq!(at.len(), 1, "the launcher policy names the Prod role once");
    lines.remove(at[0]);
    let previous = &mut lines[at[0] - 1];
    *previous = previous.trim_end_matches(',').to_string();
    std::fs::write(&dev, lines.join("\n") + "\n").expect("write");

    let (_, findings) = lint(dir.path());
    let broken = of_rule(&findings, "broken-chain");
    assert_eq!(broken.len(), 1, "{findings:#?}");
    let f = broken[0];
    assert_eq!(
        message(f),
        "`ProdDeployRole` trusts `OctoLauncherRole`, but no policy of `OctoLauncherRole` allows `sts:AssumeRole` on it"
    );
    // At the Prod trust entry that names the launcher…
    assert_eq!(f["location"]["path"], PROD);
    let line = f["location"]["line"].as_u64().expect("line") as usize;
    let prod_text = std::fs::read_to_string(dir.path().join(PROD)).expect("read");
    assert!(
        prod_text
            .lines()
            .nth(line - 1)
            .is_some_and(|l| l.contains(LAUNCHER)),
        "{f:#}"
    );
    // …with the launcher's policy as the side that is missing.
    let related = f["related"].as_array().expect("related");
    assert_eq!(related.len(), 1, "{f:#}");
    assert_eq!(related[0]["path"], DEV);
    assert_eq!(related[0]["message"], "no statement here allows it");
    let line = related[0]["line"].as_u64().expect("line") as usize;
    let dev_text = std::fs::read_to_string(&dev).expect("read");
    let lines: Vec<&str> = dev_text.lines().collect();
    assert!(
        lines[line - 1].contains("\"PolicyDocument\"")
            && lines[line - 2].contains("\"AssumeDeployRoles\""),
        "the related location is the launcher's AssumeDeployRoles policy: {:?}",
        &lines[line - 2..line]
    );
    assert!(
        f["help"].as_str().is_some_and(|h| h.contains(PROD_ROLE)),
        "{f:#}"
    );
    // The Prod hop is gone; the other two remain.
    let tags = of_rule(&findings, "pod-identity-chain-tag-session");
    assert_eq!(tags.len(), 2, "{tags:#?}");
}

#[test]
fn a_second_principal_reaching_the_prod_deploy_role_is_an_unintended_chain() {
    let dir = copy_of_seed();
    // A Jenkins role on EC2 in the Dev account, allowed to assume the Prod role…
    let dev = dir.path().join(DEV);
    let mut export = read_json(&dev);
    let jenkins: Value = serde_json::json!({
        "Path": "/",
        "RoleName": "JenkinsRole",
        "Arn": "arn:aws:iam::111111111111:role/JenkinsRole",
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]
        },
        "RolePolicyList": [{
            "PolicyName": "AssumeProd",
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": PROD_ROLE}]
            }
        }],
        "AttachedManagedPolicies": []
    });
    export["RoleDetailList"]
        .as_array_mut()
        .expect("roles")
        .push(jenkins);
    write_json(&dev, &export);
    // …and trusted by it next to the launcher.
    let prod = dir.path().join(PROD);
    let mut export = read_json(&prod);
    let role = role_mut(&mut export, "ProdDeployRole");
    role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"] =
        serde_json::json!([LAUNCHER, "arn:aws:iam::111111111111:role/JenkinsRole"]);
    write_json(&prod, &export);

    let (_, findings) = lint(dir.path());
    let unintended = of_rule(&findings, "unintended-chain");
    assert_eq!(unintended.len(), 1, "{findings:#?}");
    let f = unintended[0];
    assert_eq!(
        message(f),
        "`JenkinsRole` can assume deploy role `ProdDeployRole`: `JenkinsRole` is not a launcher meant to reach `ProdDeployRole` (as declared in .iamchain.yaml)"
    );
    assert_eq!(f["location"]["path"], PROD);
    let related: Vec<&str> = f["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| r["message"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        related[0],
        "chain: `ec2.amazonaws.com` → `JenkinsRole` → `ProdDeployRole`"
    );
    assert!(related[1].starts_with("`ec2.amazonaws.com` → `JenkinsRole` (service)"));
    assert!(
        related[2]
            .starts_with("`JenkinsRole` → `ProdDeployRole` (sts:AssumeRole): the caller's policy")
    );
    assert!(
        related[3]
            .starts_with("`JenkinsRole` → `ProdDeployRole` (sts:AssumeRole): the role's trust")
    );
    // The launcher's own chain to Prod is still the intended one.
    assert!(
        of_rule(&findings, "broken-chain").is_empty(),
        "{findings:#?}"
    );
}

/// `iamchain graph` on the seed with its `.iamchain.yaml` (account
/// environments, the declared launcher).
fn graph(args: &[&str]) -> String {
    let config = format!("{SEED}/.iamchain.yaml");
    let mut all = vec!["graph", SEED, "--config", &config];
    all.extend_from_slice(args);
    let out = iamchain(root(), &all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn graph_json_limits_to_the_paths_between_from_and_to() {
    let v: Value = serde_json::from_str(&graph(&[
        "--format",
        "json",
        "--from",
        "pods.eks.amazonaws.com",
        "--to",
        "ProdDeployRole",
    ]))
    .expect("json");
    assert_eq!(v["version"], 1);
    let ids: Vec<&str> = v["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        ids,
        [LAUNCHER, PROD_ROLE, "service:pods.eks.amazonaws.com"],
        "{v:#}"
    );
    let edges: Vec<(&str, &str, &str)> = v["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap_or_default(),
                e["to"].as_str().unwrap_or_default(),
                e["mechanism"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        edges,
        [
            (LAUNCHER, PROD_ROLE, "sts:AssumeRole"),
            (
                "service:pods.eks.amazonaws.com",
                LAUNCHER,
                "EKS Pod Identity"
            ),
        ]
    );
    let prod = &v["nodes"][1];
    assert_eq!(prod["environment"], "prod", "{prod:#}");
    assert_eq!(prod["flagged"], true, "the tag-session finding marks it");
    assert_eq!(v["nodes"][0]["launcher"], true);
}

#[test]
fn graph_mermaid_and_dot_draw_accounts_environments_and_mechanisms() {
    let mermaid = graph(&["--format", "mermaid", "--from", "OctoLauncherRole"]);
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    for needle in [
        "subgraph acct_111111111111[\"111111111111 (dev)\"]",
        "subgraph acct_222222222222[\"222222222222 (staging)\"]",
        "subgraph acct_333333333333[\"333333333333 (prod)\"]",
        "OctoLauncherRole (launcher)",
        "-->|\"sts:AssumeRole\"|",
    ] {
        assert!(mermaid.contains(needle), "{needle}:\n{mermaid}");
    }
    // `--from` the launcher: the pod that obtains it is not on those paths.
    assert!(!mermaid.contains("pods.eks.amazonaws.com"), "{mermaid}");

    let dot = graph(&["--format", "dot", "--to", "StagingDeployRole"]);
    assert!(dot.starts_with("digraph iamchain {"), "{dot}");
    for needle in [
        "subgraph \"cluster_222222222222\"",
        "label=\"222222222222 (staging)\"",
        "label=\"EKS Pod Identity\"",
        "label=\"sts:AssumeRole\"",
        "StagingDeployRole",
    ] {
        assert!(dot.contains(needle), "{needle}:\n{dot}");
    }
    // `--to` Staging: neither the Dev nor the Prod deploy role.
    assert!(!dot.contains("DevDeployRole"), "{dot}");
    assert!(!dot.contains("ProdDeployRole"), "{dot}");
}

#[test]
fn aws_auth_mappings_are_edges_into_kubernetes_groups() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("prod-333333333333.json"),
        r#"{"RoleDetailList": [{"RoleName": "ProdDeployRole", "Arn": "arn:aws:iam::333333333333:role/ProdDeployRole", "Path": "/",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "RolePolicyList": []}]}"#,
    )
    .expect("write export");
    std::fs::write(
        dir.path().join("aws-auth.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::333333333333:role/ProdDeployRole\n      username: deployer\n      groups:\n        - system:masters\n",
    )
    .expect("write aws-auth");
    let out = assert_cmd::Command::cargo_bin("iamchain")
        .expect("binary")
        .args(["graph", "--no-config", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let edges = v["edges"].as_array().expect("edges");
    assert!(
        edges.iter().any(
            |e| e["from"] == "arn:aws:iam::333333333333:role/ProdDeployRole"
                && e["to"] == "k8s:kubernetes group system:masters"
                && e["mechanism"] == "aws-auth / access entry"
        ),
        "{edges:?}"
    );
}

/// An export of account 444455556666 with a role whose trust is open to
/// anyone, a role allowed `sts:AssumeRole` on every role and a role whose
/// policy names the open role.
fn open_trust_export() -> Value {
    let role = |name: &str, trust: Value, resource: &str| {
        serde_json::json!({
            "RoleName": name,
            "Arn": format!("arn:aws:iam::444455556666:role/{name}"),
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": trust, "Action": "sts:AssumeRole"}]},
            "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}]}}],
            "AttachedManagedPolicies": []
        })
    };
    let ec2 = serde_json::json!({"Service": "ec2.amazonaws.com"});
    serde_json::json!({
        "UserDetailList": [], "GroupDetailList": [], "Policies": [],
        "RoleDetailList": [
            role("Open", serde_json::json!({"AWS": "*"}), "arn:aws:s3:::none"),
            role("AnyRole", ec2.clone(), "*"),
            role("AccountRoles", ec2.clone(), "arn:aws:iam::444455556666:role/*"),
            role("Names", ec2.clone(), "arn:aws:iam::444455556666:role/Open"),
            role("Prefix", ec2, "arn:aws:iam::444455556666:role/Op*"),
        ]
    })
}

#[test]
fn a_trust_open_to_anyone_gets_edges_from_anyone_and_from_callers_that_name_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_json(&dir.path().join("open.json"), &open_trust_export());
    let out = iamchain(dir.path(), &["graph", ".", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let open = "arn:aws:iam::444455556666:role/Open";
    let mut into_open: Vec<&str> = v["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| e["to"] == open)
        .map(|e| e["from"].as_str().unwrap_or_default())
        .collect();
    into_open.sort_unstable();
    // `AnyRole` and `AccountRoles` may assume every role: they are among
    // "anyone" and get no edge of their own; `Names` and `Prefix` single
    // the role out.
    assert_eq!(
        into_open,
        [
            "*",
            "arn:aws:iam::444455556666:role/Names",
            "arn:aws:iam::444455556666:role/Prefix"
        ],
        "{v:#}"
    );
}

/// One account: `launcher` (a role, or a user) and `deploy`, whose trust
/// names the launcher's ARN, so the trust alone grants the hop (no
/// identity policy of the launcher needs to allow it). `inline` is the
/// launcher's inline policy, `boundary` its permissions boundary.
fn same_account_export(user: bool, inline: Option<Value>, boundary: Option<Value>) -> Value {
    let kind = if user { "user" } else { "role" };
    let launcher_arn = format!("arn:aws:iam::111111111111:{kind}/launcher");
    let mut launcher = serde_json::json!({
        "Path": "/",
        "Arn": launcher_arn,
        "Tags": [],
        "AttachedManagedPolicies": [],
    });
    let policies_key = if user {
        "UserPolicyList"
    } else {
        "RolePolicyList"
    };
    launcher[policies_key] = Value::Array(
        inline
            .into_iter()
            .map(|d| serde_json::json!({"PolicyName": "inline", "PolicyDocument": d}))
            .collect(),
    );
    let mut managed = Vec::new();
    if let Some(b) = boundary {
        let arn = "arn:aws:iam::111111111111:policy/boundary";
        launcher["PermissionsBoundary"] = serde_json::json!({
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": arn,
        });
        managed.push(serde_json::json!({
            "PolicyName": "boundary",
            "Arn": arn,
            "Path": "/",
            "DefaultVersionId": "v1",
            "AttachmentCount": 0,
            "PermissionsBoundaryUsageCount": 1,
            "IsAttachable": true,
            "PolicyVersionList": [{"Document": b, "VersionId": "v1", "IsDefaultVersion": true}],
        }));
    }
    if user {
        launcher["UserName"] = "launcher".into();
        launcher["UserId"] = "AIDAAAAAAAAAAAAAAAAA1".into();
        launcher["GroupList"] = Value::Array(Vec::new());
    } else {
        launcher["RoleName"] = "launcher".into();
        launcher["RoleId"] = "AROAAAAAAAAAAAAAAAAA1".into();
        launcher["AssumeRolePolicyDocument"] = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        });
    }
    let deploy = serde_json::json!({
        "Path": "/",
        "RoleName": "deploy",
        "RoleId": "AROAAAAAAAAAAAAAAAAA2",
        "Arn": "arn:aws:iam::111111111111:role/deploy",
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": launcher_arn}, "Action": "sts:AssumeRole"}],
        },
        "RolePolicyList": [],
        "AttachedManagedPolicies": [],
        "Tags": [],
    });
    let (users, roles) = if user {
        (vec![launcher], vec![deploy])
    } else {
        (Vec::new(), vec![launcher, deploy])
    };
    serde_json::json!({
        "UserDetailList": users,
        "GroupDetailList": [],
        "RoleDetailList": roles,
        "Policies": managed,
    })
}

/// Whether `graph --format json` draws the launcher → deploy hop, and the
/// broken-chain findings of the same input.
fn same_account_hop(export: &Value) -> (bool, Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    write_json(&dir.path().join("gaad.json"), export);
    let out = iamchain(
        dir.path(),
        &["graph", ".", "--no-config", "--format", "json"],
    );
    let graph: Value = serde_json::from_slice(&out.stdout).expect("graph json");
    let hop = graph["edges"].as_array().expect("edges").iter().any(|e| {
        e["from"].as_str().is_some_and(|f| f.ends_with("/launcher"))
            && e["to"] == "arn:aws:iam::111111111111:role/deploy"
    });
    let (_, findings) = lint(dir.path());
    let broken = of_rule(&findings, "broken-chain")
        .into_iter()
        .map(|f| message(f).to_string())
        .collect();
    (hop, broken)
}

#[test]
fn a_same_account_trust_naming_the_caller_is_enough_but_an_explicit_deny_and_a_roles_boundary_still_count()
 {
    let deny = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111111111111:role/deploy"}],
    });
    let s3_only = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    });
    for user in [false, true] {
        // No identity policy allows the call: the trust alone grants it.
        assert_eq!(
            same_account_hop(&same_account_export(user, None, None)),
            (true, Vec::new()),
            "user: {user}"
        );
        // An explicit Deny in the caller's own policy beats every Allow.
        let (hop, broken) = same_account_hop(&same_account_export(user, Some(deny.clone()), None));
        assert!(!hop, "user: {user}");
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(broken[0].contains("denies `sts:AssumeRole`"), "{broken:?}");
    }
    // A boundary that does not allow the call caps a role (a trust naming
    // a role's ARN cannot lift it), not a user.
    let (hop, broken) = same_account_hop(&same_account_export(false, None, Some(s3_only.clone())));
    assert!(!hop);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(
        same_account_hop(&same_account_export(true, None, Some(s3_only))),
        (true, Vec::new())
    );
}

#[test]
fn a_trust_condition_on_the_callers_arn_is_decided_at_each_hop() {
    let allow = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    });
    let hop = |operator: &str, arn: &str| {
        let mut export = same_account_export(false, Some(allow.clone()), None);
        let roles = export["RoleDetailList"].as_array_mut().expect("roles");
        let deploy = roles
            .iter_mut()
            .find(|r| r["RoleName"] == "deploy")
            .expect("deploy");
        deploy["AssumeRolePolicyDocument"] = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                "Action": "sts:AssumeRole",
                "Condition": {operator: {"aws:PrincipalArn": arn}},
            }],
        });
        same_account_hop(&export).0
    };
    // The launcher is `arn:aws:iam::111111111111:role/launcher`.
    assert!(!hop("ArnEquals", "arn:aws:iam::111111111111:role/other"));
    assert!(hop("ArnLike", "arn:aws:iam::111111111111:role/launch*"));
    assert!(!hop(
        "ArnNotEquals",
        "arn:aws:iam::111111111111:role/launcher"
    ));

    // The caller's own policy may say which accounts' roles it assumes:
    // `aws:ResourceAccount` is the role's.
    for (account, reaches) in [("111111111111", true), ("222222222222", false)] {
        let only = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceAccount": account}},
            }],
        });
        let mut export = same_account_export(false, Some(only), None);
        let roles = export["RoleDetailList"].as_array_mut().expect("roles");
        let deploy = roles
            .iter_mut()
            .find(|r| r["RoleName"] == "deploy")
            .expect("deploy");
        deploy["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"] =
            "arn:aws:iam::111111111111:root".into();
        assert_eq!(same_account_hop(&export).0, reaches, "{account}");
    }
}

/// The organization scenario with its SCP replaced by an RCP whose Deny
/// statement is `deny`, attached to the root.
fn organization_with_rcp(deny: &Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let from = root().join("testdata/scenarios/organization");
    for entry in std::fs::read_dir(&from).expect("scenario") {
        let p = entry.expect("entry").path();
        let name = p.file_name().expect("name").to_string_lossy().to_string();
        if !name.contains("p-guardprod") {
            std::fs::copy(&p, dir.path().join(&name)).expect("copy");
        }
    }
    let content = serde_json::json!({"Version": "2012-10-17", "Statement": [deny]});
    write_json(
        &dir.path().join("describe-policy-p-rcpguard.json"),
        &serde_json::json!({"Policy": {
            "PolicySummary": {
                "Id": "p-rcpguard",
                "Arn": "arn:aws:organizations::999999999999:policy/o-exampleorgid/resource_control_policy/p-rcpguard",
                "Name": "RcpGuard",
                "Type": "RESOURCE_CONTROL_POLICY",
                "AwsManaged": false,
            },
            "Content": content.to_string(),
        }}),
    );
    write_json(
        &dir.path().join("targets-for-p-rcpguard.json"),
        &serde_json::json!({"Targets": [{
            "TargetId": "r-ex12",
            "Arn": "arn:aws:organizations::999999999999:root/o-exampleorgid/r-ex12",
            "Name": "Root",
            "Type": "ROOT",
        }]}),
    );
    dir
}

/// The conditions of the one graph edge into the Prod deploy role.
fn conditions_into_prod(dir: &Path) -> Value {
    let out = iamchain(dir, &["graph", ".", "--format", "json"]);
    let graph: Value = serde_json::from_slice(&out.stdout).expect("graph json");
    let to_prod: Vec<&Value> = graph["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| e["to"] == PROD_ROLE)
        .collect();
    assert_eq!(to_prod.len(), 1, "{graph:#}");
    to_prod[0]["conditions"].clone()
}

#[test]
fn an_rcp_on_the_roles_account_can_break_a_hop_both_sides_allow() {
    let guard = |exempt: &str| {
        serde_json::json!({
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sts:AssumeRole",
            "Resource": "arn:aws:iam::*:role/ProdDeployRole",
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": exempt}},
        })
    };
    // The RCP lets only the launcher into ProdDeployRole: the intended hop
    // from ToolsRole breaks, at the role's account.
    let dir = organization_with_rcp(&guard("arn:aws:iam::111111111111:role/OctoLauncherRole"));
    let (_, findings) = lint(dir.path());
    let broken = of_rule(&findings, "broken-chain");
    assert_eq!(broken.len(), 1, "{findings:#?}");
    assert!(
        message(broken[0]).contains("an RCP on account 333333333333 denies `sts:AssumeRole`"),
        "{}",
        message(broken[0])
    );
    // Exempting ToolsRole mends it.
    let dir = organization_with_rcp(&guard("arn:aws:iam::444444444444:role/ToolsRole"));
    let (_, findings) = lint(dir.path());
    assert!(
        of_rule(&findings, "broken-chain").is_empty(),
        "{findings:#?}"
    );
    // A data perimeter: callers of the organization pass it, decided (the
    // exports say which accounts are in it).
    let dir = organization_with_rcp(&serde_json::json!({
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sts:*",
        "Resource": "*",
        "Condition": {
            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorgid"},
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
        },
    }));
    let (_, findings) = lint(dir.path());
    assert!(
        of_rule(&findings, "broken-chain").is_empty(),
        "{findings:#?}"
    );
    assert_eq!(conditions_into_prod(dir.path()), serde_json::json!([]));
    // A caller whose account the exports do not place in the organization:
    // the hop depends on its organization.
    let accounts_file = dir.path().join("accounts-for-r-ex12.json");
    let mut accounts = read_json(&accounts_file);
    accounts["Accounts"]
        .as_array_mut()
        .expect("accounts")
        .retain(|a| a["Id"] != "444444444444");
    write_json(&accounts_file, &accounts);
    assert_eq!(
        conditions_into_prod(dir.path()),
        serde_json::json!(["aws:PrincipalOrgID"])
    );
}

#[test]
fn a_data_perimeter_deny_in_a_trust_policy_is_decided_for_the_organizations_callers() {
    // An RCP about something else: only the SCP is gone.
    let dir = organization_with_rcp(&serde_json::json!({
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:DeleteBucket",
        "Resource": "*",
    }));
    let export = dir
        .path()
        .join("prod-333333333333.authorization-details.json");
    let mut prod = read_json(&export);
    let trust = &mut role_mut(&mut prod, "ProdDeployRole")["AssumeRolePolicyDocument"];
    trust["Statement"]
        .as_array_mut()
        .expect("statements")
        .push(serde_json::json!({
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorgid"},
                "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
            },
        }));
    write_json(&export, &prod);
    // ToolsRole's account is in the organization: the Deny does not apply.
    assert_eq!(conditions_into_prod(dir.path()), serde_json::json!([]));
}
