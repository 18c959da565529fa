//! `privilege-escalation`: the identity policies one principal holds
//! together — its own and its attached AWS managed policies — allow a known
//! way to gain more privilege: rewriting a policy it holds, attaching or
//! writing policies, taking over other users' credentials, or passing a
//! role to a service that runs code the principal controls.
//!
//! The methods follow the catalogue cloudsplaining and PMapper popularised
//! (Rhino Security Labs' list). Every action a method needs is decided with
//! the policy evaluator, over *all* of the principal's policies at once, so
//! a method split across statements and files is found, and an explicit
//! Deny anywhere defuses it. An Allow whose conditions the analysis cannot
//! decide still counts, and the message says "may"; the severity stays
//! error, because a condition the analysis cannot see (a tag, a region) is
//! rarely what stops an attacker who already holds the principal.

use std::cell::OnceCell;
use std::collections::BTreeSet;

use crate::catalog::{self, Action, ResourceType};
use crate::diagnostic::{Finding, Severity};
use crate::load::PolicyDoc;
use crate::policy::condition::{self, RequestContext, Tri};
use crate::policy::eval::{self, Decision, Request, statement_applies};
use crate::policy::{Statement, pattern};
use crate::principals::{ManagedAttachment, PrincipalPolicies};
use crate::rules::{Category, Context, Rule, RuleMeta};
use crate::source::Span;

pub(crate) struct PrivilegeEscalation;

static META: RuleMeta = RuleMeta {
    name: "privilege-escalation",
    category: Category::Permissions,
    default_severity: Severity::Error,
    summary: "the principal's policies together allow a known privilege-escalation method",
    docs: include_str!("../../../rules/privilege-escalation.md"),
};

/// A known escalation method.
pub(crate) struct Method {
    /// What the holder can do, after "allow" in the message.
    pub(crate) does: &'static str,
    /// Every step is needed; a step is any one of its actions.
    pub(crate) steps: &'static [&'static [&'static str]],
    /// For methods that pass a role: the service principal it is passed
    /// to, the value of `iam:PassedToService` in that request.
    pub(crate) passed_to: Option<&'static str>,
    /// The method only works on *other* users: a resource scoped to the
    /// caller's own user (`${aws:username}`) does not enable it.
    pub(crate) others_only: bool,
    /// The method rewrites a resource's own policy (or ACL) to grant more
    /// on that resource: it escalates nothing when the principal already
    /// holds every action of the service on the resources concerned.
    pub(crate) resource_policy: bool,
}

const PASS_ROLE: &[&str] = &["iam:PassRole"];

const fn m(does: &'static str, steps: &'static [&'static [&'static str]]) -> Method {
    Method {
        does,
        steps,
        passed_to: None,
        others_only: false,
        resource_policy: false,
    }
}

const fn pass(
    does: &'static str,
    steps: &'static [&'static [&'static str]],
    service: &'static str,
) -> Method {
    Method {
        does,
        steps,
        passed_to: Some(service),
        others_only: false,
        resource_policy: false,
    }
}

const fn others(does: &'static str, steps: &'static [&'static [&'static str]]) -> Method {
    Method {
        does,
        steps,
        passed_to: None,
        others_only: true,
        resource_policy: false,
    }
}

const fn rewrites(does: &'static str, steps: &'static [&'static [&'static str]]) -> Method {
    Method {
        does,
        steps,
        passed_to: None,
        others_only: false,
        resource_policy: true,
    }
}

/// The methods, in the order findings are reported.
pub(crate) static METHODS: &[Method] = &[
    m(
        "creating a new default version of a managed policy",
        &[&["iam:CreatePolicyVersion"]],
    ),
    m(
        "switching a managed policy to another, broader version",
        &[&["iam:SetDefaultPolicyVersion"]],
    ),
    m(
        "attaching AdministratorAccess or IAMFullAccess to a user",
        &[&["iam:AttachUserPolicy"]],
    ),
    m(
        "attaching AdministratorAccess or IAMFullAccess to a group",
        &[&["iam:AttachGroupPolicy"]],
    ),
    m(
        "attaching AdministratorAccess or IAMFullAccess to a role",
        &[&["iam:AttachRolePolicy"]],
    ),
    m(
        "writing an inline policy that grants anything to a user",
        &[&["iam:PutUserPolicy"]],
    ),
    m(
        "writing an inline policy that grants anything to a group",
        &[&["iam:PutGroupPolicy"]],
    ),
    m(
        "writing an inline policy that grants anything to a role",
        &[&["iam:PutRolePolicy"]],
    ),
    // Naming the principal's own ARN in a same-account trust policy lets it
    // assume the role with no `sts:AssumeRole` in its identity policies:
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html
    m(
        "rewriting a role's trust policy to trust itself and assuming the role",
        &[&["iam:UpdateAssumeRolePolicy"]],
    ),
    m(
        "adding a user to a more privileged group",
        &[&["iam:AddUserToGroup"]],
    ),
    others(
        "creating access keys for other users and acting as them",
        &[&["iam:CreateAccessKey"]],
    ),
    others(
        "setting a console password for other users and signing in as them",
        &[&["iam:CreateLoginProfile"]],
    ),
    others(
        "changing other users' console passwords and signing in as them",
        &[&["iam:UpdateLoginProfile"]],
    ),
    pass(
        "passing a role to a new EC2 instance and using its credentials",
        &[PASS_ROLE, &["ec2:RunInstances", "ec2:RequestSpotInstances"]],
        "ec2.amazonaws.com",
    ),
    pass(
        "passing a role to a new Lambda function and running it",
        &[
            PASS_ROLE,
            &["lambda:CreateFunction"],
            &[
                "lambda:InvokeFunction",
                "lambda:CreateEventSourceMapping",
                "lambda:AddPermission",
            ],
        ],
        "lambda.amazonaws.com",
    ),
    m(
        "replacing a Lambda function's code, which runs with the function's role",
        &[&["lambda:UpdateFunctionCode"]],
    ),
    pass(
        "passing a role to a new Glue development endpoint and logging in to it",
        &[PASS_ROLE, &["glue:CreateDevEndpoint"]],
        "glue.amazonaws.com",
    ),
    m(
        "adding an SSH key to a Glue development endpoint and using its role",
        &[&["glue:UpdateDevEndpoint"]],
    ),
    pass(
        "passing a role to a new Glue job and running it (directly or by a trigger)",
        &[
            PASS_ROLE,
            &["glue:CreateJob"],
            &["glue:StartJobRun", "glue:CreateTrigger"],
        ],
        "glue.amazonaws.com",
    ),
    pass(
        "passing a role to an existing Glue job and running it (directly or by a trigger)",
        &[
            PASS_ROLE,
            &["glue:UpdateJob"],
            &["glue:StartJobRun", "glue:CreateTrigger"],
        ],
        "glue.amazonaws.com",
    ),
    pass(
        "passing a role to a new CloudFormation stack that creates anything",
        &[PASS_ROLE, &["cloudformation:CreateStack"]],
        "cloudformation.amazonaws.com",
    ),
    // Updating a stack without naming a role reuses the service role the
    // stack already has, so no `iam:PassRole` is needed:
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html
    m(
        "updating an existing CloudFormation stack, which runs with the stack's role",
        &[&["cloudformation:UpdateStack"]],
    ),
    m(
        "executing a change set on an existing CloudFormation stack, which runs with the stack's role",
        &[
            &["cloudformation:CreateChangeSet"],
            &["cloudformation:ExecuteChangeSet"],
        ],
    ),
    pass(
        "passing a role to a new CloudFormation StackSet and deploying its instances",
        &[
            PASS_ROLE,
            &["cloudformation:CreateStackSet"],
            &["cloudformation:CreateStackInstances"],
        ],
        "cloudformation.amazonaws.com",
    ),
    pass(
        "passing a role to an existing CloudFormation StackSet while updating it",
        &[PASS_ROLE, &["cloudformation:UpdateStackSet"]],
        "cloudformation.amazonaws.com",
    ),
    pass(
        "passing a role to a new CodeBuild project and running a build",
        &[
            PASS_ROLE,
            &["codebuild:CreateProject"],
            &["codebuild:StartBuild", "codebuild:StartBuildBatch"],
        ],
        "codebuild.amazonaws.com",
    ),
    // `StartBuild` takes a `buildspecOverride`: the build runs commands the
    // caller chose, with the project's service role.
    m(
        "starting a build of an existing CodeBuild project with its own buildspec",
        &[&["codebuild:StartBuild", "codebuild:StartBuildBatch"]],
    ),
    pass(
        "passing a role to a new SageMaker notebook, training or processing job",
        &[
            PASS_ROLE,
            &[
                "sagemaker:CreateNotebookInstance",
                "sagemaker:CreateTrainingJob",
                "sagemaker:CreateProcessingJob",
            ],
        ],
        "sagemaker.amazonaws.com",
    ),
    m(
        "opening an existing SageMaker notebook, which runs with the notebook's role",
        &[&["sagemaker:CreatePresignedNotebookInstanceUrl"]],
    ),
    m(
        "attaching a lifecycle script to an existing SageMaker notebook and restarting it",
        &[
            &["sagemaker:CreateNotebookInstanceLifecycleConfig"],
            &["sagemaker:StopNotebookInstance"],
            &["sagemaker:UpdateNotebookInstance"],
            &["sagemaker:StartNotebookInstance"],
        ],
    ),
    pass(
        "passing a role to a new ECS task definition and running it",
        &[
            PASS_ROLE,
            &["ecs:RegisterTaskDefinition"],
            &["ecs:RunTask", "ecs:StartTask", "ecs:CreateService"],
        ],
        "ecs-tasks.amazonaws.com",
    ),
    m(
        "running commands in existing ECS tasks and using their roles",
        &[&["ecs:ExecuteCommand"]],
    ),
    pass(
        "passing a role to a new Data Pipeline and activating it",
        &[
            PASS_ROLE,
            &["datapipeline:CreatePipeline"],
            &["datapipeline:PutPipelineDefinition"],
            &["datapipeline:ActivatePipeline"],
        ],
        "datapipeline.amazonaws.com",
    ),
    pass(
        "passing a role to a new App Runner service",
        &[PASS_ROLE, &["apprunner:CreateService"]],
        "tasks.apprunner.amazonaws.com",
    ),
    m(
        "changing the source of an existing App Runner service, which runs with the service's role",
        &[&["apprunner:UpdateService"]],
    ),
    pass(
        "passing a role to a new Bedrock AgentCore code interpreter and running code in it",
        &[
            PASS_ROLE,
            &["bedrock-agentcore:CreateCodeInterpreter"],
            &["bedrock-agentcore:StartCodeInterpreterSession"],
            &["bedrock-agentcore:InvokeCodeInterpreter"],
        ],
        "bedrock-agentcore.amazonaws.com",
    ),
    m(
        "running code in an existing Bedrock AgentCore code interpreter, with its role",
        &[
            &["bedrock-agentcore:StartCodeInterpreterSession"],
            &["bedrock-agentcore:InvokeCodeInterpreter"],
        ],
    ),
    m(
        "running commands on EC2 instances and using their roles",
        &[&["ssm:SendCommand"]],
    ),
    m(
        "opening a shell on EC2 instances and using their roles",
        &[&["ssm:StartSession"]],
    ),
    m(
        "pushing an SSH key to EC2 instances, logging in and using their roles",
        &[&["ec2-instance-connect:SendSSHPublicKey"]],
    ),
    // User data runs again at boot when the script asks cloud-init to.
    m(
        "replacing an EC2 instance's user data and restarting it, which runs the script with its role",
        &[
            &["ec2:ModifyInstanceAttribute"],
            &["ec2:StopInstances"],
            &["ec2:StartInstances"],
        ],
    ),
    m(
        "making a new launch template version the default, whose user data runs with its role",
        &[
            &["ec2:CreateLaunchTemplateVersion"],
            &["ec2:ModifyLaunchTemplate"],
        ],
    ),
    // A resource policy alone grants access within its account, so whoever
    // writes one can grant itself what its identity policies do not:
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    rewrites(
        "writing a resource policy that grants it more on that resource",
        &[&[
            "s3:PutBucketPolicy",
            "lambda:AddPermission",
            "kms:PutKeyPolicy",
            "secretsmanager:PutResourcePolicy",
            "sqs:AddPermission",
            "sns:AddPermission",
            "ecr:SetRepositoryPolicy",
        ]],
    ),
    // An ACL grant to everyone (where Block Public Access and S3 Object
    // Ownership still allow ACLs) lets the holder act anonymously, outside
    // its identity policies and their Denies.
    rewrites(
        "granting everyone access with an S3 ACL and acting anonymously",
        &[&["s3:PutBucketAcl", "s3:PutObjectAcl"]],
    ),
];

/// Resource types that name what an escalation acts on, preferred over the
/// action's other types (`ssm:SendCommand` requires a `document` but
/// escalates through the `instance`).
const PREFERRED_TYPES: &[&str] = &["role", "user", "policy", "instance", "function", "group"];

/// The resource type an escalation step is decided on.
pub(crate) fn target_type(action: Action) -> Option<ResourceType> {
    let types: Vec<ResourceType> = action.resource_types().collect();
    PREFERRED_TYPES
        .iter()
        .find_map(|p| {
            types
                .iter()
                .find(|t| t.name() == *p && t.service() == action.service())
                .copied()
        })
        .or_else(|| types.iter().find(|t| t.required()).copied())
        .or_else(|| types.first().copied())
}

/// Whether two resource patterns can match a common ARN, compared part by
/// part (`arn:partition:service:region:account:resource`), so that the
/// account's `*` does not swallow the resource type.
fn arn_overlaps(a: &str, b: &str) -> bool {
    let parts = |s: &str| s.splitn(6, ':').count();
    if parts(a) != 6 || parts(b) != 6 {
        return overlaps(a.as_bytes(), b.as_bytes());
    }
    a.splitn(6, ':')
        .zip(b.splitn(6, ':'))
        .all(|(x, y)| overlaps(x.as_bytes(), y.as_bytes()))
}

/// Whether two IAM wildcard patterns (`*`, `?`) can match a common string.
fn overlaps(a: &[u8], b: &[u8]) -> bool {
    // Most ARN parts compared are equal, `*`, or plain text (a partition,
    // a service, an account): no table for those.
    let wild = |p: &[u8]| p.iter().any(|&c| c == b'*' || c == b'?');
    if a == b || a == b"*" || b == b"*" {
        return true;
    }
    if !wild(a) && !wild(b) {
        return false;
    }
    // A literal character both start (or both end) with is in every
    // string either matches there: the rest decides (`role/app-*` and
    // `role/*` come down to `app-*` and `*`).
    let literal = |x: &u8, y: &u8| x == y && *x != b'*' && *x != b'?';
    let head = a.iter().zip(b).take_while(|(x, y)| literal(x, y)).count();
    let (a, b) = (&a[head..], &b[head..]);
    let tail = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| literal(x, y))
        .count();
    let (a, b) = (&a[..a.len() - tail], &b[..b.len() - tail]);
    if a == b"*" || b == b"*" {
        return true;
    }
    // reach[i * w + j]: the prefixes a[..i] and b[..j] can match a common
    // string (one allocation, rows of w = b.len() + 1).
    let w = b.len() + 1;
    let mut reach = vec![false; (a.len() + 1) * w];
    reach[0] = true;
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            if !reach[i * w + j] {
                continue;
            }
            let (ca, cb) = (a.get(i), b.get(j));
            if ca == Some(&b'*') {
                reach[(i + 1) * w + j] = true;
                if j < b.len() {
                    reach[i * w + j + 1] = true;
                }
            }
            if cb == Some(&b'*') {
                reach[i * w + j + 1] = true;
                if i < a.len() {
                    reach[(i + 1) * w + j] = true;
                }
            }
            if let (Some(&x), Some(&y)) = (ca, cb)
                && (x == y || x == b'?' || y == b'?')
            {
                reach[(i + 1) * w + j + 1] = true;
            }
        }
    }
    reach[a.len() * w + b.len()]
}

/// One of the principal's policies, and the attachment it came through.
struct Held<'a> {
    policy: &'a PolicyDoc,
    attachment: Option<&'a ManagedAttachment>,
}

/// A statement that contributes an action, as a label.
#[derive(Clone)]
struct Contribution {
    span: Span,
    /// What grants it: "attached `IAMFullAccess`", "statement 1".
    who: String,
    /// The name of the attached managed policy that grants it, if one does.
    attached: Option<String>,
    message: String,
}

/// What the policies grant of one action. Which statements grant it is
/// worked out only for a method that is reported ([`contributions`]):
/// most grants belong to methods whose other steps are not granted.
struct Grant {
    /// Allowed for certain (not only under undecidable conditions).
    certain: bool,
    /// The specific resources it is granted on, when not on every resource
    /// of its type.
    only_on: Vec<String>,
}

/// The resource that stands for every resource of the type `action` acts
/// on (`*` for an action that takes no resource).
fn generic_resource(action: Action) -> String {
    if action.accepts_only_star() {
        "*".to_string()
    } else {
        target_type(action)
            .map_or("*", ResourceType::any_arn)
            .to_string()
    }
}

/// The request context `action` is asked about in `method`: passing a
/// role is asked with the service it is passed to.
fn request_context(method: &Method, action: Action) -> RequestContext {
    let context = RequestContext::new();
    match method.passed_to {
        Some(service) if action.full_name() == "iam:PassRole" => {
            context.with("iam:PassedToService", service)
        }
        _ => context,
    }
}

/// AWS managed policies whose attachment is an escalation, asked about one
/// by one for the attach methods: an `iam:PolicyARN` condition that lets
/// through only other policies (`ReadOnlyAccess`) defuses the method,
/// where a deny-list of `AdministratorAccess` alone does not (attaching
/// `IAMFullAccess` lets the principal attach the rest).
const ESCALATING_POLICIES: &[&str] = &[
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/IAMFullAccess",
];

/// The request contexts `action` is asked in: one, or for the attach
/// methods one per [`ESCALATING_POLICIES`] entry, plus one where the
/// policy is not known when a condition of `statements` on `iam:PolicyARN`
/// could let a customer managed policy through (its content, which may be
/// anything, is not in the input: "may").
fn request_contexts(
    method: &Method,
    action: Action,
    statements: &[(usize, &Statement)],
) -> Vec<RequestContext> {
    let base = request_context(method, action);
    if !matches!(
        action.full_name(),
        "iam:AttachUserPolicy" | "iam:AttachGroupPolicy" | "iam:AttachRolePolicy"
    ) {
        return vec![base];
    }
    let mut contexts: Vec<RequestContext> = ESCALATING_POLICIES
        .iter()
        .map(|arn| base.clone().with("iam:PolicyARN", arn))
        .collect();
    let customer = |c: &crate::policy::condition::Condition| {
        c.key_is("iam:PolicyARN")
            && (c.operator.value.negated
                || c.values.iter().any(|v| {
                    crate::policy::arn::Arn::parse(&v.value).is_none_or(|a| a.account != "aws")
                }))
    };
    if statements
        .iter()
        .any(|(_, s)| s.conditions.iter().any(customer))
    {
        contexts.push(base);
    }
    contexts
}

/// The decision on one resource of `scope` (the indices into `scope.live`
/// of the statements that apply to it) in the most permissive of
/// `contexts`. How each statement's conditions come out in each context
/// is kept in `conditions` (one row per context, one cell per statement
/// of `scope.live`) for the other resources.
fn decide(
    scope: &Scope<'_>,
    on: &[usize],
    contexts: &[RequestContext],
    conditions: &[Vec<OnceCell<Tri>>],
) -> Decision {
    let mut best = Decision::ImplicitDeny;
    for (context, tri) in contexts.iter().zip(conditions) {
        let applying = on.iter().filter_map(|&i| {
            let s = *scope.live.get(i)?;
            let t = tri
                .get(i)?
                .get_or_init(|| condition::evaluate_all(&s.conditions, context));
            Some((s, *t))
        });
        match eval::combine(applying) {
            Decision::Allowed => return Decision::Allowed,
            Decision::Conditional => best = Decision::Conditional,
            _ => {}
        }
    }
    best
}

/// The Allow statements that grant `action` as `grant` found it, as
/// labels: on every resource of its type, or on each resource it is
/// granted on.
fn contributions(
    held: &[Held<'_>],
    statements: &[(usize, &Statement)],
    action: Action,
    method: &Method,
    grant: &Grant,
) -> Vec<Contribution> {
    let generic = generic_resource(action);
    let contexts = request_contexts(method, action, statements);
    let on: Vec<&str> = if grant.only_on.is_empty() {
        vec![generic.as_str()]
    } else {
        grant.only_on.iter().map(String::as_str).collect()
    };
    let mut by = Vec::new();
    for resource in on {
        let applies = |s: &Statement| {
            contexts.iter().any(|context| {
                let request = Request {
                    action: action.full_name(),
                    resource,
                    caller: None,
                    context,
                };
                statement_applies(s, &request) != Tri::False
            })
        };
        let shown = if resource == generic { "*" } else { resource };
        by.extend(
            statements
                .iter()
                .filter(|(_, s)| s.is_allow() && applies(s))
                .filter_map(|&(i, s)| held.get(i).map(|h| contribution(h, s, action, shown))),
        );
    }
    by
}

fn contribution(
    held: &Held<'_>,
    statement: &Statement,
    action: Action,
    resource: &str,
) -> Contribution {
    let on = if resource == "*" {
        String::new()
    } else {
        format!(" on `{resource}`")
    };
    if let Some(att) = held.attachment {
        let name = att.arn.rsplit('/').next().unwrap_or(&att.arn);
        let who = format!("attached `{name}`");
        return Contribution {
            span: att.span,
            message: format!("{who} allows {action}{on}"),
            who,
            attached: Some(name.to_string()),
        };
    }
    let span = match &statement.action {
        Some(e) if e.negated => e.key,
        Some(e) => e
            .items
            .iter()
            .find(|i| pattern::matches_ignore_case(&i.value, action.full_name()))
            .map_or(e.key, |i| i.span),
        None => statement.span,
    };
    let who = statement.label();
    Contribution {
        span,
        message: format!("{who} allows {action}{on}"),
        who,
        attached: None,
    }
}

/// The statements of the principal's policies that can apply to one
/// action (those whose `Action`/`NotAction` covers it), with the index of
/// the policy they are in. Built once per principal, so that a principal
/// with a huge policy is scanned once rather than once per method.
type Relevant<'a> = Vec<(usize, &'a Statement)>;

/// Whether an `Action`/`NotAction` element covers a catalog action; the
/// same answer as `eval::action_applies`, without allocating.
fn covers_action(statement: &Statement, action: Action) -> bool {
    let Some(element) = &statement.action else {
        return false;
    };
    let listed = statement.action_items().any(|(i, known)| {
        // An item that names an action exactly was looked up when the
        // policy was read (a guardrail's `NotAction` lists a hundred, each
        // asked about every method action).
        if let Some(k) = known {
            return k == action;
        }
        // Most items name another service: compare prefixes before globbing.
        let service = i.value.split_once(':').map_or("*", |(s, _)| s);
        if !catalog::is_wildcard(service) && !service.eq_ignore_ascii_case(action.service()) {
            false
        } else if catalog::is_wildcard(&i.value) {
            action.matches(&i.value)
        } else {
            i.value.eq_ignore_ascii_case(action.full_name())
        }
    });
    listed != element.negated
}

/// A method's steps, each its alternative actions with their index in
/// [`method_actions`].
type Steps = Vec<Vec<(Action, usize)>>;

/// Every method's steps resolved in the catalog, once per process, in the
/// order of [`METHODS`]: the lookups would otherwise run for every method
/// of every principal.
fn method_steps() -> &'static [Steps] {
    static STEPS: std::sync::OnceLock<Vec<Steps>> = std::sync::OnceLock::new();
    STEPS.get_or_init(|| {
        let actions = method_actions();
        METHODS
            .iter()
            .map(|m| {
                m.steps
                    .iter()
                    .map(|step| {
                        step.iter()
                            .filter_map(|name| {
                                let a = catalog::action(name)?;
                                Some((a, actions.binary_search(&a).ok()?))
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect()
    })
}

/// Every action the methods use, resolved once.
fn method_actions() -> &'static [Action] {
    static ACTIONS: std::sync::OnceLock<Vec<Action>> = std::sync::OnceLock::new();
    ACTIONS.get_or_init(|| {
        let mut actions: Vec<Action> = METHODS
            .iter()
            .flat_map(|m| m.steps.iter().flat_map(|s| s.iter()))
            .filter_map(|name| catalog::action(name))
            .collect();
        actions.sort();
        actions.dedup();
        actions
    })
}

/// [`method_actions`] as a set.
fn method_action_set() -> &'static catalog::ActionSet {
    static SET: std::sync::OnceLock<catalog::ActionSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| method_actions().iter().copied().collect())
}

/// The services of the actions the methods use.
fn method_services() -> &'static [&'static str] {
    static SERVICES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    SERVICES.get_or_init(|| {
        let mut s: Vec<&'static str> = method_actions().iter().map(|a| a.service()).collect();
        s.sort_unstable_by(|a, b| catalog::cmp_ci(a.as_bytes(), b.as_bytes()));
        s.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        s
    })
}

/// Whether a method uses an action of `service` (in any case).
fn is_method_service(service: &str) -> bool {
    // Per name length below 32, the first letters (lowercase, as bits) of
    // the method services of that length: most items of a long managed
    // policy (thousands, of every service) are told apart by this alone.
    static SHAPES: std::sync::OnceLock<[u32; 32]> = std::sync::OnceLock::new();
    let shapes = SHAPES.get_or_init(|| {
        let mut shapes = [0u32; 32];
        for s in method_services() {
            match (s.as_bytes().first(), shapes.get_mut(s.len())) {
                (Some(f), Some(bits)) if f.is_ascii_alphabetic() => {
                    *bits |= 1 << (f.to_ascii_lowercase() - b'a');
                }
                // A name this shape cannot describe: no filtering at all.
                _ => return [u32::MAX; 32],
            }
        }
        shapes
    });
    if let (Some(f), Some(bits)) = (service.as_bytes().first(), shapes.get(service.len()))
        && f.is_ascii_alphabetic()
        && bits & (1 << (f.to_ascii_lowercase() - b'a')) == 0
    {
        return false;
    }
    method_services()
        .binary_search_by(|m| catalog::cmp_ci(m.as_bytes(), service.as_bytes()))
        .is_ok()
}

/// Whether some Allow of `held` could grant an action a method uses: the
/// cheap test that lets the great majority of principals — whose policies
/// name none of those services — skip the method search.
fn could_escalate(held: &[Held<'_>]) -> bool {
    held.iter().any(|h| match h.attachment {
        // Worked out once per attached managed policy, like its hits:
        // `ReadOnlyAccess` lists thousands of actions.
        Some(m) => {
            static ANY: crate::memo::Memo<String, bool> = crate::memo::Memo::new(4_096);
            ANY.get_or(&*m.arn, || policy_could_escalate(h.policy))
        }
        None => policy_could_escalate(h.policy),
    })
}

/// Whether some Allow of `policy` names a service a method uses (or any
/// service).
fn policy_could_escalate(policy: &PolicyDoc) -> bool {
    let services = method_services();
    policy
        .policy
        .statements
        .iter()
        .any(|s| s.is_allow() && s.may_name_service(services))
}

/// For every action the methods use, the statements that can apply to it.
fn index<'a>(held: &[Held<'a>]) -> Vec<(Action, Relevant<'a>)> {
    let actions = method_actions();
    let mut out: Vec<(Action, Relevant<'a>)> = actions.iter().map(|&a| (a, Vec::new())).collect();
    for (i, h) in held.iter().enumerate() {
        let policy: &'a PolicyDoc = h.policy;
        let hits = match h.attachment {
            Some(m) => managed_hits(&m.arn, policy),
            None => std::sync::Arc::new(policy_hits(policy)),
        };
        for (si, ks) in hits.iter() {
            let Some(s) = policy.policy.statements.get(*si) else {
                continue;
            };
            for &k in ks {
                if let Some(list) = out.get_mut(k) {
                    list.1.push((i, s));
                }
            }
        }
    }
    out
}

/// Which method actions (indices into [`method_actions`]) each statement
/// of `policy` can apply to: (statement index, action indices), for the
/// statements that apply to some.
type Hits = Vec<(usize, Vec<usize>)>;

/// [`policy_hits`] of an attached AWS managed policy, worked out once per
/// process: its text is the catalog's for that ARN, and thousands of
/// principals attach the same few (`ReadOnlyAccess` has thousands of
/// actions to match).
fn managed_hits(arn: &str, policy: &PolicyDoc) -> std::sync::Arc<Hits> {
    static HITS: crate::memo::Memo<String, std::sync::Arc<Hits>> = crate::memo::Memo::new(4_096);
    HITS.get_or(arn, || std::sync::Arc::new(policy_hits(policy)))
}

/// See [`Hits`].
fn policy_hits(policy: &PolicyDoc) -> Hits {
    let actions = method_actions();
    let mut out = Vec::new();
    // Cleared after each statement that hit something: most hit nothing,
    // and clearing and scanning all of it for each was most of this
    // function's work.
    let mut hit = vec![false; actions.len()];
    for (si, s) in policy.policy.statements.iter().enumerate() {
        let Some(element) = &s.action else { continue };
        let mut dirty = false;
        if element.negated {
            // `NotAction` applies to everything it does not list.
            for (k, a) in actions.iter().enumerate() {
                hit[k] = covers_action(s, *a);
            }
            dirty = true;
        } else {
            // Look each item up instead of matching every method action
            // against every item: an exact name is one binary search.
            for (item, known) in s.action_items() {
                // The catalog action an item names exactly was found when
                // the policy was read: its text is not read again (the
                // statements are out of cache by now, and reading each
                // item's text was most of this function's time).
                if let Some(a) = known {
                    // Most name no method's action: one bit says so.
                    if !method_action_set().contains(a) {
                        continue;
                    }
                    if let Ok(k) = actions.binary_search(&a) {
                        hit[k] = true;
                        dirty = true;
                    }
                    continue;
                }
                let service = item.value.split_once(':').map_or("*", |(s, _)| s);
                let any_service = catalog::is_wildcard(service);
                // Items of services no method uses cannot matter.
                if !any_service && !is_method_service(service) {
                    continue;
                }
                if !catalog::is_wildcard(&item.value) {
                    // Names no catalog action.
                    continue;
                }
                for &k in wildcard_hits(&item.value).iter() {
                    hit[k] = true;
                    dirty = true;
                }
            }
        }
        if !dirty {
            continue;
        }
        let ks: Vec<usize> = (0..hit.len()).filter(|&k| hit[k]).collect();
        if !ks.is_empty() {
            out.push((si, ks));
        }
        hit.iter_mut().for_each(|x| *x = false);
    }
    out
}

/// The method actions (indices into [`method_actions`]) the wildcard
/// `pattern` matches: once per pattern per process, as `s3:*` and
/// `iam:Get*` recur in policy after policy.
fn wildcard_hits(pattern: &str) -> std::sync::Arc<Vec<usize>> {
    static HITS: crate::memo::Memo<String, std::sync::Arc<Vec<usize>>> =
        crate::memo::Memo::new(16_384);
    HITS.get_or(pattern, || {
        let service = pattern.split_once(':').map_or("*", |(s, _)| s);
        let any_service = catalog::is_wildcard(service);
        let hits = method_actions()
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                (any_service || service.eq_ignore_ascii_case(a.service())) && a.matches(pattern)
            })
            .map(|(k, _)| k)
            .collect();
        std::sync::Arc::new(hits)
    })
}

fn relevant<'i, 'a>(
    index: &'i [(Action, Relevant<'a>)],
    action: Action,
) -> &'i [(usize, &'a Statement)] {
    // `index` follows `method_actions`, which is sorted.
    index
        .binary_search_by(|(a, _)| a.cmp(&action))
        .ok()
        .map(|k| &index[k])
        .map_or(&[][..], |(_, l)| l.as_slice())
}

/// The resources [`grant`] asks one action about, and which statements
/// apply to a request (without a caller) for the action on each: their
/// action, resource and principal elements match, and only their
/// conditions are left to ask. The conditions do not depend on the
/// resource (the request contexts name none): each statement's are asked
/// once per context, not once per resource.
struct Scope<'a> {
    /// The statements whose action and principal elements match.
    live: Vec<&'a Statement>,
    /// Some of them is a Deny without conditions on every resource: every
    /// resource is denied, and nothing is left to ask. (A folder that
    /// holds `AWSDenyAll` among a thousand policies is one principal whose
    /// every method is denied this way.)
    denied: bool,
    /// Every resource of the type first, then each narrower one an Allow
    /// names, each with the indices into `live` of the statements whose
    /// resource element matches it, worked out when first asked: most
    /// grants stop at the first, which every Allow on `*` grants.
    resources: Vec<(String, OnceCell<Vec<usize>>)>,
}

impl Scope<'_> {
    /// The indices into `live` of the statements that apply to the
    /// `k`-th resource.
    fn on(&self, k: usize) -> &[usize] {
        self.resources.get(k).map_or(&[], |(resource, on)| {
            on.get_or_init(|| {
                self.live
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| eval::resource_applies(s.resource.as_ref(), resource))
                    .map(|(i, _)| i)
                    .collect()
            })
        })
    }
}

/// [`scope`] for each (action, `others_only`) asked about, for one
/// principal: the methods that pass a role all ask about `iam:PassRole`,
/// in different contexts but about the same resources. A folder of a
/// thousand policy files (one principal) names hundreds of roles, and
/// evaluated every statement on each once per method (the AWS managed
/// policies as one folder: half of the run).
type Scopes<'a> = std::collections::BTreeMap<(Action, bool), Scope<'a>>;

/// Decide one action over every policy the principal holds.
fn grant<'a>(
    statements: &[(usize, &'a Statement)],
    action: Action,
    method: &Method,
    scopes: &mut Scopes<'a>,
) -> Option<Grant> {
    // Nothing can grant it without an Allow: skip the resource and
    // evaluation work (most principals, for most methods).
    if !statements.iter().any(|(_, s)| s.is_allow()) {
        return None;
    }
    let scope = scopes
        .entry((action, method.others_only))
        .or_insert_with(|| scope(statements, action, method.others_only));
    if scope.denied {
        return None;
    }
    let contexts = request_contexts(method, action, statements);
    let conditions: Vec<Vec<OnceCell<Tri>>> = contexts
        .iter()
        .map(|_| scope.live.iter().map(|_| OnceCell::new()).collect())
        .collect();
    let mut result: Option<Grant> = None;
    for (k, (resource, _)) in scope.resources.iter().enumerate() {
        let decision = decide(scope, scope.on(k), &contexts, &conditions);
        if !matches!(decision, Decision::Allowed | Decision::Conditional) {
            continue;
        }
        let g = result.get_or_insert(Grant {
            certain: false,
            only_on: Vec::new(),
        });
        g.certain |= decision == Decision::Allowed;
        if k == 0 {
            // Every resource of the type: narrower ones add nothing.
            g.only_on.clear();
            break;
        }
        g.only_on.push(resource.clone());
    }
    result
}

/// The resources [`grant`] asks `action` about, and the statements that
/// apply to each ([`Scope`]).
fn scope<'a>(
    statements: &[(usize, &'a Statement)],
    action: Action,
    others_only: bool,
) -> Scope<'a> {
    let generic = generic_resource(action);
    // Ask about every resource of the type, and about each narrower
    // resource an Allow names: a statement scoped to some roles still
    // enables the escalation on those. So does an Allow on `*` beside a
    // Deny with `NotResource`, which leaves the resources it lists.
    let mut candidates = vec![generic.clone()];
    if generic != "*" {
        let named = statements.iter().flat_map(|(_, s)| match &s.resource {
            Some(r) if s.is_allow() != r.negated => r.items.as_slice(),
            _ => &[],
        });
        for r in named {
            let self_only = r.value.contains("${aws:username}");
            if (others_only && self_only)
                || pattern::matches(&r.value, &generic)
                || !arn_overlaps(&r.value, &generic)
                || candidates.iter().any(|c| *c == r.value)
            {
                continue;
            }
            candidates.push(r.value.to_string());
        }
    }
    // What does not depend on the resource, matched once: a request
    // without a caller, so a statement with a `Principal` never applies.
    let live: Vec<&Statement> = statements
        .iter()
        .map(|&(_, s)| s)
        .filter(|s| {
            eval::action_applies(s.action.as_ref(), action.full_name())
                && eval::principal_applies(s.principal.as_ref(), None)
        })
        .collect();
    let denied = live
        .iter()
        .any(|s| !s.is_allow() && s.conditions.is_empty() && on_every_resource(s));
    let resources = candidates
        .into_iter()
        .map(|resource| (resource, OnceCell::new()))
        .collect();
    Scope {
        live,
        denied,
        resources,
    }
}

/// Whether a statement's resource element matches every resource whatever
/// it is: absent, or a `Resource` with `*`.
fn on_every_resource(statement: &Statement) -> bool {
    statement
        .resource
        .as_ref()
        .is_none_or(|e| !e.negated && e.items.iter().any(|i| i.value == "*"))
}

/// Whether the principal already holds every action of `service`, without
/// a condition, on each of `on`: rewriting those resources' policies then
/// grants it nothing new. Its own Denies do not matter: a resource policy
/// naming the principal cannot lift an explicit Deny of its identity
/// policies
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>).
fn holds_whole_service(held: &[Held<'_>], service: &str, on: &[String]) -> bool {
    let whole = format!("{service}:*");
    on.iter().all(|resource| {
        held.iter()
            .flat_map(|h| &h.policy.policy.statements)
            .any(|s| {
                s.is_allow()
                    && s.conditions.is_empty()
                    && s.action.as_ref().is_some_and(|e| {
                        !e.negated
                            && e.items
                                .iter()
                                .any(|i| pattern::matches_ignore_case(&i.value, &whole))
                    })
                    && s.resources()
                        .iter()
                        .any(|r| pattern::matches(&r.value, resource))
            })
    })
}

/// Whether the principal holds `*` on `*` without a condition (and no
/// Deny takes the IAM actions back), and through which policy.
fn administrator<'h, 'a>(
    held: &'h [Held<'a>],
    index: &[(Action, Relevant<'a>)],
) -> Option<&'h Held<'a>> {
    let grants_everything = |policy: &PolicyDoc| {
        policy.policy.statements.iter().any(|s| {
            s.is_allow()
                && s.conditions.is_empty()
                && s.actions().iter().any(|a| super::is_every_action(&a.value))
                && s.has_any_resource()
        })
    };
    let source = held.iter().find(|h| match h.attachment {
        // Once per attached managed policy (see `could_escalate`).
        Some(m) => {
            static EVERYTHING: crate::memo::Memo<String, bool> = crate::memo::Memo::new(4_096);
            EVERYTHING.get_or(&*m.arn, || grants_everything(h.policy))
        }
        None => grants_everything(h.policy),
    })?;
    let context = RequestContext::new();
    let allowed = |name: &str, resource: &str| {
        let Some(action) = catalog::action(name) else {
            return false;
        };
        let request = Request {
            action: action.full_name(),
            resource,
            caller: None,
            context: &context,
        };
        let statements = relevant(index, action);
        eval::evaluate_statements(statements.iter().map(|&(_, s)| s), &request) == Decision::Allowed
    };
    let still_admin = allowed("iam:AttachRolePolicy", "arn:aws:iam::*:role/*")
        && allowed("iam:CreatePolicyVersion", "arn:aws:iam::*:policy/*")
        && allowed("iam:PassRole", "arn:aws:iam::*:role/*");
    still_admin.then_some(source)
}

impl Rule for PrivilegeEscalation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_principal(&self, principal: &PrincipalPolicies<'_>, cx: &mut Context<'_>) {
        let held: Vec<Held<'_>> = principal
            .policies
            .iter()
            .map(|&policy| Held {
                policy,
                attachment: None,
            })
            .chain(principal.managed.iter().map(|&m| Held {
                policy: &m.policy,
                attachment: Some(m),
            }))
            .collect();
        // The findings are a function of the policies held and the places
        // that attach them: the users of a group that hold nothing else
        // hold the same, and all but the first would only repeat it.
        let key: Box<[usize]> = held
            .iter()
            .flat_map(|h| {
                let attachment = h.attachment.map_or(0, |a| std::ptr::from_ref(a).addr());
                [std::ptr::from_ref(h.policy).addr(), attachment]
            })
            .collect();
        if cx.checked(&key) {
            return;
        }
        check_held(&held, cx);
        // Only once checked to the end: after a panic the next one tries.
        cx.remember(key);
    }
}

fn check_held(held: &[Held<'_>], cx: &mut Context<'_>) {
    // Administrator access is a superset of every method: one finding,
    // not thirty. Granted by an own policy it is `admin-access`'s
    // finding; granted by an attached managed policy (which
    // `admin-access` does not see) it is reported here once.
    if !could_escalate(held) {
        return;
    }
    let index = index(held);
    if let Some(admin) = administrator(held, &index) {
        if let Some(att) = admin.attachment {
            let name = att.arn.rsplit('/').next().unwrap_or(&att.arn);
            cx.report(
                att.span,
                format!("attached `{name}` already gives this principal administrator access"),
            )
            .label("every action on every resource")
            .help("attach policies that grant only what this principal needs");
        }
        return;
    }
    let mut scopes = Scopes::new();
    let found: Vec<Found> = METHODS
        .iter()
        .zip(method_steps())
        .filter_map(|(method, steps)| found_method(held, &index, method, steps, &mut scopes))
        .collect();
    // One finding per place to fix: the methods whose first step is
    // granted at the same place (an attached `IAMFullAccess` enables
    // thirteen, one `iam:*` item as many) are one finding naming them all.
    let mut places: Vec<Vec<Found>> = Vec::new();
    for f in found {
        match places.iter_mut().find(|p| {
            p.first()
                .is_some_and(|g| key(g.primary.span) == key(f.primary.span))
        }) {
            Some(place) => place.push(f),
            None => places.push(vec![f]),
        }
    }
    for place in &places {
        report_place(place, cx);
    }
}

/// A method the principal's policies allow, before it is reported.
struct Found {
    /// Where its first step is granted (the finding's primary span).
    primary: Contribution,
    /// Its steps' actions, in order.
    names: Vec<&'static str>,
    /// ` on `arn…`` when the first step is granted on some resources only.
    scope: String,
    /// Every step granted for certain (not only under undecidable conditions).
    certain: bool,
    method: &'static Method,
    /// The statements behind every step, for the related locations.
    by: Vec<Vec<Contribution>>,
}

/// Report the methods found at one place: as before for one method, as
/// one finding naming each for several.
fn report_place(place: &[Found], cx: &mut Context<'_>) {
    let Some(first) = place.first() else {
        return;
    };
    let verb = if place.iter().all(|f| f.certain) {
        "allow"
    } else {
        "may allow (depending on conditions)"
    };
    let way = |f: &Found| format!("{}{}", f.names.join(" + "), f.scope);
    // An attached managed policy is what to detach: the message names it.
    let through = match &first.primary.attached {
        Some(name) => format!(" through attached `{name}`"),
        None => String::new(),
    };
    let message = match place {
        [one] => format!(
            "this principal's policies together {verb} privilege escalation{through} by {} ({}){}",
            one.method.does,
            one.names.join(" + "),
            one.scope
        ),
        many => format!(
            "this principal's policies together {verb} privilege escalation{through} in {} ways: {}",
            many.len(),
            many.iter().map(way).collect::<Vec<_>>().join(", ")
        ),
    };
    // The first steps, each once (several methods begin with iam:PassRole).
    let mut firsts: Vec<&str> = Vec::new();
    for f in place {
        if let Some(&n) = f.names.first()
            && !firsts.contains(&n)
        {
            firsts.push(n);
        }
    }
    let label = match (place, firsts.as_slice()) {
        ([one], _) => one.primary.message.clone(),
        (_, [action]) => format!("{} allows {action}", first.primary.who),
        _ if place.iter().all(|f| f.names.len() == 1) => {
            format!("{} allows each of them", first.primary.who)
        }
        _ => format!("{} allows the first action of each", first.primary.who),
    };
    let mut seen: BTreeSet<(u32, u32, u32)> = BTreeSet::new();
    seen.insert(key(first.primary.span));
    let finding: &mut Finding = cx.report(first.primary.span, message).label(label);
    for f in place {
        for step in &f.by {
            for c in step {
                if seen.insert(key(c.span)) {
                    finding.related(c.span, c.message.clone());
                }
            }
        }
    }
    let help = if let Some(name) = &first.primary.attached {
        // An AWS managed policy cannot be edited, only detached.
        format!("detach `{name}`, or attach a policy that grants only what this principal needs")
    } else if place.iter().all(|f| f.method.passed_to.is_some()) {
        // The second steps: what the passed role is handed to.
        let mut then: Vec<&str> = Vec::new();
        for f in place {
            if let Some(&n) = f.names.get(1).or(f.names.first())
                && !then.contains(&n)
            {
                then.push(n);
            }
        }
        let then = then.join("`, `");
        format!(
            "scope `iam:PassRole` to the roles this principal must pass, with an `iam:PassedToService` condition, or remove `{then}`"
        )
    } else if let [one] = firsts.as_slice() {
        format!(
            "remove `{one}`, or scope it to resources that grant no more than this principal already has"
        )
    } else {
        "remove these actions, or scope them to resources that grant no more than this principal already has".to_string()
    };
    finding.help(help);
}

/// A granted step of a method: the action, the statements that can apply
/// to it, what they grant.
struct Step<'i, 'a> {
    action: Action,
    statements: &'i [(usize, &'a Statement)],
    grant: Grant,
}

fn found_method<'a>(
    held: &[Held<'_>],
    index: &[(Action, Relevant<'a>)],
    method: &'static Method,
    method_steps: &Steps,
    scopes: &mut Scopes<'a>,
) -> Option<Found> {
    let mut steps: Vec<Step<'_, '_>> = Vec::new();
    for step in method_steps {
        let found = step.iter().find_map(|&(action, k)| {
            // `index` follows `method_actions`.
            let statements = index.get(k).map_or(&[][..], |(_, l)| l.as_slice());
            grant(statements, action, method, scopes).map(|grant| Step {
                action,
                statements,
                grant,
            })
        });
        steps.push(found?);
    }
    let certain = steps.iter().all(|s| s.grant.certain);
    let Step {
        action: first,
        grant: first_grant,
        ..
    } = steps.first()?;
    if method.resource_policy {
        let on = if first_grant.only_on.is_empty() {
            vec![
                target_type(*first)
                    .map_or("*", ResourceType::any_arn)
                    .to_string(),
            ]
        } else {
            first_grant.only_on.clone()
        };
        if holds_whole_service(held, first.service(), &on) {
            return None;
        }
    }
    // The statements behind each step, now that the method is reported.
    let by: Vec<Vec<Contribution>> = steps
        .iter()
        .map(|s| contributions(held, s.statements, s.action, method, &s.grant))
        .collect();
    let primary = by.first().and_then(|b| b.first()).cloned()?;
    let scope = if first_grant.only_on.is_empty() {
        String::new()
    } else {
        format!(
            " on {}",
            first_grant
                .only_on
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Some(Found {
        primary,
        names: steps.iter().map(|s| s.action.full_name()).collect(),
        scope,
        certain,
        method,
        by,
    })
}

fn key(span: Span) -> (u32, u32, u32) {
    (span.source.0, span.start, span.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_names_real_actions_with_a_target() {
        for m in METHODS {
            for step in m.steps {
                for name in *step {
                    let a =
                        catalog::action(name).unwrap_or_else(|| panic!("{name} not in catalog"));
                    assert_eq!(a.full_name(), *name, "canonical spelling");
                    if !a.accepts_only_star() {
                        assert!(target_type(a).is_some(), "{name}");
                    }
                }
            }
        }
    }

    /// The filter on services is a linear search's answer, in any case.
    #[test]
    fn method_services_are_found_as_by_a_linear_search() {
        // Every service of the catalog in three cases, and names the
        // length-and-letter filter cannot describe.
        let mut services: Vec<String> = catalog::services()
            .flat_map(|s| [s.to_string(), s.to_ascii_uppercase(), format!("{s}x")])
            .collect();
        services.extend(
            [
                "iam",
                "IAM",
                "Ec2",
                "s3",
                "bedrock-agentcore",
                "sqs",
                "",
                "*",
                "nope",
                "1am",
                "-iam",
                "é",
                "abcdefghijklmnopqrstuvwxyzabcdefghij",
            ]
            .map(String::from),
        );
        for s in &services {
            let linear = method_actions()
                .iter()
                .any(|a| a.service().eq_ignore_ascii_case(s));
            assert_eq!(is_method_service(s), linear, "{s}");
        }
    }

    #[test]
    fn targets_and_generic_resources() {
        let target = |n: &str| {
            catalog::action(n)
                .and_then(target_type)
                .map(|t| t.any_arn().to_string())
                .unwrap_or_default()
        };
        assert_eq!(target("iam:PassRole"), "arn:aws:iam::*:role/*");
        assert_eq!(target("iam:CreateAccessKey"), "arn:aws:iam::*:user/*");
        assert_eq!(target("iam:CreatePolicyVersion"), "arn:aws:iam::*:policy/*");
        assert_eq!(
            target("lambda:CreateFunction"),
            "arn:aws:lambda:*:*:function:*"
        );
        assert_eq!(target("ssm:SendCommand"), "arn:aws:ec2:*:*:instance/*");
        assert_eq!(target("ec2:RunInstances"), "arn:aws:ec2:*:*:instance/*");
    }

    #[test]
    fn pattern_overlap() {
        let o = |a: &str, b: &str| arn_overlaps(a, b);
        assert!(o("arn:aws:iam::123:role/app-*", "arn:aws:iam::*:role/*"));
        assert!(o("arn:aws:iam::123:*", "arn:aws:iam::*:role/*"));
        assert!(o("*", "arn:aws:iam::*:role/*"));
        assert!(!o("arn:aws:s3:::bucket/*", "arn:aws:iam::*:role/*"));
        assert!(!o("arn:aws:iam::123:user/*", "arn:aws:iam::*:role/*"));
        assert!(o("a?c", "abc"));
        assert!(overlaps(
            b"arn:aws:iam::123:user/*",
            b"arn:aws:iam::*:role/*"
        ));
    }

    /// Every pair of patterns up to three characters of `a`, `b`, `*`,
    /// `?` (the shortcuts for equal, `*` and plain patterns included)
    /// against a search for a common string: one exists, if at all, among
    /// the strings of `a` and `b` no longer than both patterns together.
    #[test]
    fn overlap_is_a_common_string() {
        fn all(alphabet: &[u8], max: usize) -> Vec<Vec<u8>> {
            let mut out = vec![Vec::new()];
            let mut last = vec![Vec::new()];
            for _ in 0..max {
                last = last
                    .iter()
                    .flat_map(|p| {
                        alphabet.iter().map(move |&c| {
                            let mut q = p.clone();
                            q.push(c);
                            q
                        })
                    })
                    .collect();
                out.extend(last.iter().cloned());
            }
            out
        }
        let patterns = all(b"ab*?", 3);
        let strings = all(b"ab", 6);
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).expect("ASCII");
        for a in &patterns {
            for b in &patterns {
                let common = strings.iter().any(|s| {
                    pattern::matches(&text(a), &text(s)) && pattern::matches(&text(b), &text(s))
                });
                assert_eq!(overlaps(a, b), common, "{} and {}", text(a), text(b));
            }
        }
    }
}
