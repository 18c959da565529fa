//! CloudFormation and StackSets from the command line: the seed's
//! `deployment-roles` StackSet is linted once per stack instance, and only
//! the Prod instance, whose override switches `AllowCFNDelete` on, gets
//! `prod-delete-right`, pointing into the `TemplateBody` and at the override.

use std::path::Path;

use assert_cmd::Command;

fn lint_json(dir: &str, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = Command::cargo_bin("iamchain")
        .expect("binary")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .args(["lint", ".", "--format", "json"])
        .args(extra)
        .output()
        .expect("run");
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), v)
}

fn findings<'a>(v: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn stackset_prod_delete_right_only_for_the_prod_instance() {
    let (code, v) = lint_json("testdata/scenarios/octopus-stackset", &[]);
    assert_eq!(code, Some(1));
    let delete = findings(&v, "prod-delete-right");
    assert_eq!(delete.len(), 1, "{delete:#?}");
    let f = delete[0];
    assert_eq!(
        f["message"],
        "`cloudformation:DeleteStack` lets a production role delete resources, in stack instance 333333333333 (prod)"
    );
    // The statement inside the TemplateBody block of the outer file.
    assert_eq!(f["location"]["path"], "deployment-roles.yaml");
    assert_eq!(f["location"]["line"], 183);
    assert_eq!(f["location"]["column"], 25);
    let related = f["related"].as_array().expect("related");
    // The Prod instance's target account, and the override that enabled the policy.
    assert_eq!(related[0]["line"], 42);
    assert_eq!(related[0]["message"], "stack instance 333333333333 (prod)");
    assert_eq!(related[1]["line"], 50);
    assert_eq!(
        related[1]["message"],
        "condition `CanDeleteCFN` is true here: `AllowCFNDelete` = `true` in this instance's parameter overrides"
    );
    // Dev and Staging hold the same right, but they are not production; Prod
    // overrides AllowECRPush to false, so nobody has a push right in Prod.
    assert!(findings(&v, "prod-push-right").is_empty());
}

#[test]
fn without_the_accounts_config_no_environment_is_known() {
    let (_, v) = lint_json("testdata/scenarios/octopus-stackset", &["--no-config"]);
    assert!(findings(&v, "prod-delete-right").is_empty());
}

#[test]
fn broken_templates_are_findings_not_crashes() {
    let (code, v) = lint_json("testdata/rules/invalid-template/bad", &["--no-config"]);
    assert_eq!(code, Some(1));
    let messages: Vec<&str> = findings(&v, "invalid-template")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    for expected in [
        "condition `IsProd` depends on itself: IsProd → NotDev → IsProd",
        "`${Enviroment}` in `Fn::Sub` names no parameter, resource or variable",
        "`TemplateURL` `templates/deploy-role.yaml` points to no file",
        "`!Reff` is not a CloudFormation intrinsic function",
    ] {
        assert!(messages.contains(&expected), "{expected}: {messages:#?}");
    }
}

#[test]
fn a_star_parameter_default_is_reported_as_may_with_the_assumption() {
    let (_, v) = lint_json(
        "testdata/rules/assume-role-any-resource/bad",
        &["--no-config"],
    );
    let any = findings(&v, "assume-role-any-resource");
    assert!(
        any.iter().any(|f| f["message"]
            == "`sts:AssumeRole` may reach a role of this name in every account, including accounts outside your control, assuming parameter `Target` = `*` (its default)"),
        "{any:#?}"
    );
    // A parameter file beside the template gives the account: nothing to report.
    let (_, v) = lint_json(
        "testdata/rules/assume-role-any-resource/good/cloudformation-sub-given-account",
        &["--no-config"],
    );
    assert!(findings(&v, "assume-role-any-resource").is_empty());
}
