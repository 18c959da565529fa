//! CloudFormation intrinsic functions, evaluated symbolically for one
//! instantiation of a template (a stack, or one StackSet instance).
//!
//! [`Evaluator::eval`] turns a template subtree into a plain tree: `Ref`,
//! `Fn::Sub`, `Fn::If`, … are replaced by their values, every produced
//! node spanning the template text that produced it (the whole `!Sub '…'`),
//! and `AWS::NoValue` removes the property. YAML short tags (`!Ref`) and
//! the JSON long forms (`{"Fn::Sub": …}`) meet in one place,
//! [`intrinsic`].
//!
//! What the instantiation does not fix stays symbolic: an unknown part of a
//! string becomes `*` (so wildcard-aware rules see "anything"), and an
//! [`Assumption`] records the span and what was assumed ("parameter
//! `Target` = `*` (its default)", "the account is not known"). Parameter
//! defaults are assumptions only for a template linted on its own; in a
//! StackSet instance they are the values CloudFormation uses.
//!
//! Conditions evaluate in three values per instantiation
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html>);
//! a condition that depends on itself is a [`TemplateProblem`] and unknown.

use std::collections::BTreeMap;

use crate::load::tree::{Member, Node, Value};
use crate::load::{Assumption, TemplateProblem};
use crate::policy::condition::Tri;
use crate::source::{Span, Spanned};

/// A parameter value given for an instantiation (override, parameter file,
/// StackSet-level parameter).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Given {
    /// The value.
    pub value: String,
    /// Where it is written.
    pub span: Span,
    /// Where it comes from, for labels: "this instance's parameter overrides".
    pub from: String,
}

/// The facts of one instantiation.
#[derive(Clone, Debug, Default)]
pub struct Instance {
    /// The account it is deployed in, when known.
    pub account: Option<String>,
    /// The region, when known.
    pub region: Option<String>,
    /// The stack name, when known.
    pub stack_name: Option<String>,
    /// For messages: "stack instance 333333333333 (prod)".
    pub origin: Option<String>,
    /// Where the instance is defined.
    pub origin_span: Option<Span>,
    /// Parameter values given, by name.
    pub given: BTreeMap<String, Given>,
    /// Whether parameter defaults are only assumptions (a template linted
    /// on its own, which a deployer may override).
    pub defaults_assumed: bool,
}

/// A parameter value read while evaluating a condition.
#[derive(Clone, Debug)]
struct Read {
    label: String,
    span: Span,
    given: bool,
}

/// Evaluates intrinsics of one template for one [`Instance`].
pub struct Evaluator<'a> {
    inst: &'a Instance,
    params: BTreeMap<&'a str, &'a Node>,
    conditions: BTreeMap<&'a str, &'a Node>,
    /// Logical id → resource definition.
    pub resources: BTreeMap<&'a str, &'a Node>,
    mappings: Option<&'a Node>,
    cache: BTreeMap<String, (Tri, Vec<Read>)>,
    visiting: Vec<String>,
    reads: Vec<Read>,
    depth: usize,
    /// Problems found (deduplicated by the caller).
    pub problems: Vec<TemplateProblem>,
    /// Assumptions made since the last [`Evaluator::take`].
    pub assumptions: Vec<Assumption>,
    /// Given values that decided a condition since the last take.
    pub provenance: Vec<Spanned<String>>,
}

/// An intrinsic function call: its long name (`Fn::Sub`, `Ref`,
/// `Condition`) and argument.
pub struct Call<'n> {
    /// `Ref`, `Condition` or `Fn::…`.
    pub name: String,
    /// The argument.
    pub arg: &'n Node,
}

/// Most intrinsic calls evaluated inside one another (the tree's own depth
/// is capped by the parsers; this stops a `Fn::FindInMap` value that looks
/// itself up).
const MAX_CALL_DEPTH: usize = 32;

const SHORT_TAGS: &[&str] = &[
    "And",
    "Base64",
    "Cidr",
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "Equals",
    "FindInMap",
    "ForEach",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "RefAll",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
    "ValueOf",
    "ValueOfAll",
];

/// The intrinsic `node` calls, if any: `!Sub x` and `{"Fn::Sub": x}` both
/// give `Fn::Sub`. `Err` for a YAML tag that is no intrinsic (`!Foo`).
pub fn intrinsic(node: &Node) -> Result<Option<Call<'_>>, String> {
    match &node.value {
        Value::Tagged(tag, inner) => {
            let name = match &**tag {
                "Ref" => "Ref".to_string(),
                "Condition" => "Condition".to_string(),
                t if SHORT_TAGS.contains(&t) => format!("Fn::{t}"),
                t => return Err(t.to_string()),
            };
            Ok(Some(Call { name, arg: inner }))
        }
        Value::Object(members) if members.len() == 1 => {
            let key = &*members[0].key.value;
            if key == "Ref" || key.starts_with("Fn::") {
                Ok(Some(Call {
                    name: key.to_string(),
                    arg: &members[0].value,
                }))
            } else {
                Ok(None)
            }
        }
        _ => Ok(None),
    }
}

fn string(value: impl Into<String>, span: Span) -> Node {
    Node::new(Value::String(value.into().into()), span)
}

impl<'a> Evaluator<'a> {
    /// An evaluator for `template` (the whole template object).
    pub fn new(template: &'a Node, inst: &'a Instance) -> Self {
        let section = |name: &str| -> BTreeMap<&'a str, &'a Node> {
            template
                .get(name)
                .and_then(Node::as_object)
                .unwrap_or_default()
                .iter()
                .map(|m| (&*m.key.value, &m.value))
                .collect()
        };
        Evaluator {
            inst,
            params: section("Parameters"),
            conditions: section("Conditions"),
            resources: section("Resources"),
            mappings: template.get("Mappings"),
            cache: BTreeMap::new(),
            visiting: Vec::new(),
            reads: Vec::new(),
            depth: 0,
            problems: Vec::new(),
            assumptions: Vec::new(),
            provenance: Vec::new(),
        }
    }

    /// Take the assumptions and provenance gathered so far.
    pub fn take(&mut self) -> (Vec<Assumption>, Vec<Spanned<String>>) {
        (
            std::mem::take(&mut self.assumptions),
            std::mem::take(&mut self.provenance),
        )
    }

    fn problem(&mut self, span: Span, message: String, help: Option<&str>) {
        let p = TemplateProblem {
            span,
            message,
            help: help.map(str::to_string),
        };
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }

    fn assume(&mut self, span: Span, text: String, source: Option<Span>) {
        self.assumptions.push(Assumption { span, text, source });
    }

    /// Evaluate `node`; `None` when it is `AWS::NoValue` (the property is removed).
    pub fn eval(&mut self, node: &Node) -> Option<Node> {
        // Trees are depth-capped by the parsers, but evaluation can loop
        // (a `Fn::FindInMap` value that looks itself up).
        match intrinsic(node) {
            Err(tag) => {
                self.problem(
                    node.span,
                    format!("`!{tag}` is not a CloudFormation intrinsic function"),
                    Some("use one of !Ref, !Sub, !GetAtt, !If, !Join, !Select, !Split, !FindInMap, !ImportValue, …"),
                );
                self.unknown(node.span, format!("the value of `!{tag}`"))
            }
            Ok(Some(call)) => {
                if self.depth >= MAX_CALL_DEPTH {
                    self.problem(
                        node.span,
                        "intrinsic functions nest too deeply here (a value that refers to itself?)"
                            .into(),
                        None,
                    );
                    return self.unknown(node.span, "the value".into());
                }
                self.depth += 1;
                let v = self.call(&call.name, call.arg, node.span);
                self.depth -= 1;
                v
            }
            Ok(None) => match &node.value {
                Value::Object(members) => {
                    let mut out = Vec::with_capacity(members.len());
                    for m in members {
                        if let Some(v) = self.eval(&m.value) {
                            out.push(Member {
                                key: m.key.clone(),
                                value: v,
                            });
                        }
                    }
                    Some(Node::new(Value::Object(out), node.span))
                }
                Value::Array(items) => {
                    let out = items.iter().filter_map(|i| self.eval(i)).collect();
                    Some(Node::new(Value::Array(out), node.span))
                }
                _ => Some(node.clone()),
            },
        }
    }

    /// Evaluate `node` to a string: `None` when it is no scalar.
    pub fn eval_str(&mut self, node: &Node) -> Option<Spanned<String>> {
        let v = self.eval(node)?;
        v.as_scalar_text()
            .map(|s| Spanned::new(s.into_owned(), v.span))
    }

    fn unknown(&mut self, span: Span, what: String) -> Option<Node> {
        self.assume(span, format!("{what} is not known; read as `*`"), None);
        Some(string("*", span))
    }

    fn call(&mut self, name: &str, arg: &Node, at: Span) -> Option<Node> {
        match name {
            "Ref" => {
                let target = arg.as_scalar_text()?.into_owned();
                self.reference(&target, at)
            }
            "Fn::Sub" => self.sub(arg, at),
            "Fn::GetAtt" => {
                let (res, attr) = match &arg.value {
                    Value::Array(items) if items.len() == 2 => (
                        self.eval_str(&items[0])?.value,
                        self.eval_str(&items[1])?.value,
                    ),
                    _ => {
                        let text = arg.as_scalar_text()?.into_owned();
                        let (r, a) = text.split_once('.')?;
                        (r.to_string(), a.to_string())
                    }
                };
                Some(self.get_att(&res, &attr, at))
            }
            "Fn::Join" => {
                let items = arg.as_array().unwrap_or_default();
                let (Some(delim), Some(list)) = (items.first(), items.get(1)) else {
                    self.problem(at, "`Fn::Join` takes [delimiter, [values]]".into(), None);
                    return self.unknown(at, "the `Fn::Join`".into());
                };
                let delim = self.eval_str(delim).map(|s| s.value).unwrap_or_default();
                let list = self.eval(list)?;
                let parts: Vec<String> = list
                    .as_array()
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|n| n.as_scalar_text().map(|s| s.into_owned()))
                    .collect();
                Some(string(parts.join(&delim), at))
            }
            "Fn::Select" => {
                let items = arg.as_array().unwrap_or_default();
                let (Some(index), Some(list)) = (items.first(), items.get(1)) else {
                    self.problem(at, "`Fn::Select` takes [index, [values]]".into(), None);
                    return self.unknown(at, "the `Fn::Select`".into());
                };
                let index = self.eval_str(index)?;
                let list = self.eval(list)?;
                let items = list.as_array().unwrap_or_default();
                match index.value.parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(item) => Some(Node::new(item.value.clone(), at)),
                    None if items.iter().any(|i| i.as_str() == Some("*")) => {
                        self.unknown(at, "the selected item".into())
                    }
                    None => {
                        self.problem(
                            index.span,
                            format!("`Fn::Select` index `{}` is out of range", index.value),
                            None,
                        );
                        self.unknown(at, "the selected item".into())
                    }
                }
            }
            "Fn::Split" => {
                let items = arg.as_array().unwrap_or_default();
                let (Some(delim), Some(source)) = (items.first(), items.get(1)) else {
                    self.problem(at, "`Fn::Split` takes [delimiter, string]".into(), None);
                    return self.unknown(at, "the `Fn::Split`".into());
                };
                let delim = self.eval_str(delim)?.value;
                let source = self.eval_str(source)?.value;
                if delim.is_empty() {
                    return Some(string(source, at));
                }
                let parts = source
                    .split(delim.as_str())
                    .map(|p| string(p, at))
                    .collect();
                Some(Node::new(Value::Array(parts), at))
            }
            "Fn::If" => {
                let items = arg.as_array().unwrap_or_default();
                let (Some(cond), Some(yes), Some(no)) = (items.first(), items.get(1), items.get(2))
                else {
                    self.problem(
                        at,
                        "`Fn::If` takes [condition, value if true, value if false]".into(),
                        None,
                    );
                    return self.unknown(at, "the `Fn::If`".into());
                };
                let name = cond.as_scalar_text()?.into_owned();
                match self.condition_in_value(&name, cond.span) {
                    Tri::True => self.eval(yes),
                    Tri::False => self.eval(no),
                    Tri::Unknown => {
                        self.assume(at, format!("condition `{name}` holds"), None);
                        self.eval(yes)
                    }
                }
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" | "Condition" => {
                let node = Node::new(
                    Value::Tagged(
                        name.trim_start_matches("Fn::").into(),
                        Box::new(arg.clone()),
                    ),
                    at,
                );
                match self.cond_expr(&node) {
                    Tri::True => Some(string("true", at)),
                    Tri::False => Some(string("false", at)),
                    Tri::Unknown => self.unknown(at, "the condition".into()),
                }
            }
            "Fn::FindInMap" => {
                let items = arg.as_array().unwrap_or_default();
                let keys: Vec<Option<Spanned<String>>> =
                    items.iter().take(3).map(|k| self.eval_str(k)).collect();
                let found = match (keys.first(), keys.get(1), keys.get(2)) {
                    (Some(Some(m)), Some(Some(k1)), Some(Some(k2))) if items.len() >= 3 => self
                        .mappings
                        .and_then(|ms| ms.get(&m.value))
                        .and_then(|m| m.get(&k1.value))
                        .and_then(|m| m.get(&k2.value))
                        .cloned(),
                    _ => None,
                };
                match found {
                    Some(v) => self.eval(&v).map(|n| Node::new(n.value, at)),
                    None if keys.iter().flatten().any(|k| k.value.contains('*')) => {
                        self.unknown(at, "the `Fn::FindInMap` value".into())
                    }
                    None => {
                        self.problem(
                            at,
                            "`Fn::FindInMap` finds no such entry in `Mappings`".into(),
                            None,
                        );
                        self.unknown(at, "the `Fn::FindInMap` value".into())
                    }
                }
            }
            "Fn::ImportValue" => {
                let name = self.eval_str(arg).map(|s| s.value).unwrap_or_default();
                self.unknown(at, format!("the value exported as `{name}`"))
            }
            "Fn::Base64" => self.eval(arg).map(|n| Node::new(n.value, at)),
            "Fn::GetAZs" | "Fn::Cidr" => {
                let what = format!("the result of `{name}`");
                self.unknown(at, what)
                    .map(|n| Node::new(Value::Array(vec![n]), at))
            }
            _ => self.unknown(at, format!("the result of `{name}`")),
        }
    }

    /// `Ref` to a parameter, pseudo parameter or resource.
    fn reference(&mut self, target: &str, at: Span) -> Option<Node> {
        if let Some(v) = self.pseudo(target, at) {
            return v;
        }
        if self.params.contains_key(target) {
            return Some(self.parameter(target, at));
        }
        if let Some(res) = self.resources.get(target).copied() {
            return Some(self.resource_ref(target, res, at));
        }
        self.problem(
            at,
            format!("`Ref` to `{target}`, which is no parameter, resource or pseudo parameter"),
            Some("declare it under `Parameters` or `Resources`, or fix the name"),
        );
        self.unknown(at, format!("`{target}`"))
    }

    /// A pseudo parameter; `None` if `name` is none, `Some(None)` for `AWS::NoValue`.
    fn pseudo(&mut self, name: &str, at: Span) -> Option<Option<Node>> {
        let known = |v: &Option<String>| v.clone();
        let value = match name {
            "AWS::NoValue" => return Some(None),
            "AWS::Partition" => Some("aws".to_string()),
            "AWS::URLSuffix" => Some("amazonaws.com".to_string()),
            "AWS::AccountId" => known(&self.inst.account),
            "AWS::Region" => known(&self.inst.region),
            "AWS::StackName" => known(&self.inst.stack_name),
            "AWS::StackId" | "AWS::NotificationARNs" => None,
            _ => return None,
        };
        Some(match value {
            Some(v) => Some(string(v, at)),
            None => self.unknown(at, format!("`{name}`")),
        })
    }

    fn parameter(&mut self, name: &str, at: Span) -> Node {
        let decl = self.params.get(name).copied();
        let is_list = decl
            .and_then(|d| d.get("Type"))
            .and_then(Node::as_str)
            .is_some_and(|t| t == "CommaDelimitedList" || t.starts_with("List<"));
        let (value, known) = if let Some(g) = self.inst.given.get(name) {
            self.reads.push(Read {
                label: format!("`{name}` = `{}` in {}", g.value, g.from),
                span: g.span,
                given: true,
            });
            (g.value.clone(), true)
        } else if let Some(d) = decl.and_then(|d| d.get("Default")) {
            let v = d
                .as_scalar_text()
                .map(|s| s.into_owned())
                .unwrap_or_default();
            if self.inst.defaults_assumed {
                self.assume(
                    at,
                    format!("parameter `{name}` = `{v}` (its default)"),
                    Some(d.span),
                );
                self.reads.push(Read {
                    label: format!("parameter `{name}` = `{v}` (its default)"),
                    span: d.span,
                    given: false,
                });
            }
            (v, true)
        } else {
            let decl_span = decl.map(|d| d.span);
            self.assume(
                at,
                format!("parameter `{name}` has no default and no value is given; read as `*`"),
                decl_span,
            );
            self.reads.push(Read {
                label: format!("parameter `{name}` has no value"),
                span: decl_span.unwrap_or(at),
                given: false,
            });
            ("*".to_string(), false)
        };
        if is_list && known {
            let items = value.split(',').map(|p| string(p.trim(), at)).collect();
            return Node::new(Value::Array(items), at);
        }
        string(value, at)
    }

    fn prop(&mut self, res: &Node, key: &str) -> Option<String> {
        let node = res.get("Properties")?.get(key)?;
        let v = self.eval_str(node)?.value;
        Some(v)
    }

    fn account(&mut self, at: Span) -> String {
        match &self.inst.account {
            Some(a) => a.clone(),
            None => {
                self.assume(at, "the account is not known; read as `*`".into(), None);
                "*".into()
            }
        }
    }

    fn region(&mut self, at: Span) -> String {
        match &self.inst.region {
            Some(r) => r.clone(),
            None => {
                self.assume(at, "the region is not known; read as `*`".into(), None);
                "*".into()
            }
        }
    }

    /// The name of a resource: its name property, or the pattern of the
    /// name CloudFormation generates (`stack-LogicalId-RANDOM`).
    fn name_of(&mut self, logical: &str, res: &Node, key: &str, at: Span) -> String {
        match self.prop(res, key) {
            Some(n) => n,
            None => {
                self.assume(
                    at,
                    format!("`{logical}` has no `{key}`; CloudFormation generates one"),
                    None,
                );
                let stack = self.inst.stack_name.clone().unwrap_or_else(|| "*".into());
                format!("{stack}-{logical}-*")
            }
        }
    }

    fn iam_path(&mut self, res: &Node) -> String {
        self.prop(res, "Path").unwrap_or_else(|| "/".into())
    }

    fn resource_type(res: &Node) -> &str {
        res.get("Type").and_then(Node::as_str).unwrap_or("")
    }

    fn resource_ref(&mut self, logical: &str, res: &Node, at: Span) -> Node {
        let value = match Self::resource_type(res) {
            "AWS::IAM::Role" => self.name_of(logical, res, "RoleName", at),
            "AWS::IAM::User" => self.name_of(logical, res, "UserName", at),
            "AWS::IAM::Group" => self.name_of(logical, res, "GroupName", at),
            "AWS::IAM::InstanceProfile" => self.name_of(logical, res, "InstanceProfileName", at),
            "AWS::S3::Bucket" => self.name_of(logical, res, "BucketName", at),
            "AWS::ECR::Repository" => self.name_of(logical, res, "RepositoryName", at),
            "AWS::EKS::Cluster" => self.name_of(logical, res, "Name", at),
            "AWS::IAM::ManagedPolicy" | "AWS::SNS::Topic" | "AWS::IAM::OIDCProvider" => {
                return self.get_att(logical, "Arn", at);
            }
            _ => {
                return self
                    .unknown(at, format!("`Ref {logical}`"))
                    .unwrap_or_else(|| string("*", at));
            }
        };
        string(value, at)
    }

    fn get_att(&mut self, logical: &str, attr: &str, at: Span) -> Node {
        let Some(res) = self.resources.get(logical).copied() else {
            self.problem(
                at,
                format!("`Fn::GetAtt` names `{logical}`, which is no resource of this template"),
                None,
            );
            return string("*", at);
        };
        let ty = Self::resource_type(res);
        let value = match (ty, attr) {
            ("AWS::IAM::Role", "Arn")
            | ("AWS::IAM::User", "Arn")
            | ("AWS::IAM::Group", "Arn")
            | ("AWS::IAM::InstanceProfile", "Arn")
            | ("AWS::IAM::ManagedPolicy", "Arn")
            | ("AWS::IAM::ManagedPolicy", "PolicyArn") => {
                let (kind, key) = match ty {
                    "AWS::IAM::Role" => ("role", "RoleName"),
                    "AWS::IAM::User" => ("user", "UserName"),
                    "AWS::IAM::Group" => ("group", "GroupName"),
                    "AWS::IAM::InstanceProfile" => ("instance-profile", "InstanceProfileName"),
                    _ => ("policy", "ManagedPolicyName"),
                };
                let account = self.account(at);
                let path = self.iam_path(res);
                let name = self.name_of(logical, res, key, at);
                Some(format!("arn:aws:iam::{account}:{kind}{path}{name}"))
            }
            ("AWS::S3::Bucket", "Arn") => {
                let name = self.name_of(logical, res, "BucketName", at);
                Some(format!("arn:aws:s3:::{name}"))
            }
            ("AWS::ECR::Repository", "Arn") => {
                let (r, a) = (self.region(at), self.account(at));
                let name = self.name_of(logical, res, "RepositoryName", at);
                Some(format!("arn:aws:ecr:{r}:{a}:repository/{name}"))
            }
            ("AWS::SQS::Queue", "Arn") => {
                let (r, a) = (self.region(at), self.account(at));
                let name = self.name_of(logical, res, "QueueName", at);
                Some(format!("arn:aws:sqs:{r}:{a}:{name}"))
            }
            ("AWS::SNS::Topic", "TopicArn") | ("AWS::SNS::Topic", "Arn") => {
                let (r, a) = (self.region(at), self.account(at));
                let name = self.name_of(logical, res, "TopicName", at);
                Some(format!("arn:aws:sns:{r}:{a}:{name}"))
            }
            ("AWS::KMS::Key", "Arn") => {
                let (r, a) = (self.region(at), self.account(at));
                self.assume(
                    at,
                    format!("the key id of `{logical}` is not known; read as `*`"),
                    None,
                );
                Some(format!("arn:aws:kms:{r}:{a}:key/*"))
            }
            ("AWS::Lambda::Function", "Arn") => {
                let (r, a) = (self.region(at), self.account(at));
                let name = self.name_of(logical, res, "FunctionName", at);
                Some(format!("arn:aws:lambda:{r}:{a}:function:{name}"))
            }
            ("AWS::IAM::OIDCProvider", "Arn") => {
                let a = self.account(at);
                let url = self
                    .prop(res, "Url")
                    .map(|u| u.trim_start_matches("https://").to_string())
                    .unwrap_or_else(|| "*".into());
                Some(format!("arn:aws:iam::{a}:oidc-provider/{url}"))
            }
            _ => None,
        };
        match value {
            Some(v) => string(v, at),
            None => self
                .unknown(at, format!("`{logical}.{attr}`"))
                .unwrap_or_else(|| string("*", at)),
        }
    }

    fn sub(&mut self, arg: &Node, at: Span) -> Option<Node> {
        let (template, vars) = match &arg.value {
            Value::Array(items) => (items.first()?, items.get(1)),
            _ => (arg, None),
        };
        let text = template.as_scalar_text()?.into_owned();
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[i..]);
                rest = "";
                break;
            };
            let name = &after[..close];
            rest = &after[close + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                // `${!Literal}` writes `${Literal}`.
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let name = name.trim();
            let value = if let Some(v) = vars.and_then(|m| m.get(name)) {
                self.eval_str(v).map(|s| s.value)
            } else if name.starts_with("AWS::") {
                match self.pseudo(name, at) {
                    Some(Some(n)) => n.as_str().map(str::to_string),
                    Some(None) => Some(String::new()),
                    None => None,
                }
            } else if self.params.contains_key(name) || self.resources.contains_key(name) {
                {
                    self.reference(name, at).and_then(|n| match &n.value {
                        Value::Array(items) => Some(
                            items
                                .iter()
                                .filter_map(|i| i.as_scalar_text().map(|s| s.into_owned()))
                                .collect::<Vec<_>>()
                                .join(","),
                        ),
                        _ => n.as_scalar_text().map(|s| s.into_owned()),
                    })
                }
            } else if let Some((res, attr)) = name.split_once('.')
                && self.resources.contains_key(res)
            {
                self.get_att(res, attr, at).as_str().map(str::to_string)
            } else {
                None
            };
            match value {
                Some(v) => out.push_str(&v),
                None => {
                    self.problem(
                        template.span,
                        format!(
                            "`${{{name}}}` in `Fn::Sub` names no parameter, resource or variable"
                        ),
                        Some("declare the parameter, or pass the variable in the `Fn::Sub` map"),
                    );
                    self.assume(
                        at,
                        format!("`${{{name}}}` names nothing; read as `*`"),
                        None,
                    );
                    out.push('*');
                }
            }
        }
        out.push_str(rest);
        Some(string(out, at))
    }

    /// A resource's `Condition`: whether it exists in this instantiation.
    /// Given values that decided it become provenance; assumed ones an
    /// assumption spanning `resource`.
    pub fn resource_condition(&mut self, name: &Spanned<String>, resource: Span) -> Tri {
        let saved = std::mem::take(&mut self.reads);
        let t = self.condition(&name.value, name.span);
        let reads = std::mem::replace(&mut self.reads, saved);
        self.note_reads(&reads, resource, &name.value, t);
        t
    }

    fn condition_in_value(&mut self, name: &str, at: Span) -> Tri {
        let saved = std::mem::take(&mut self.reads);
        let t = self.condition(name, at);
        let reads = std::mem::replace(&mut self.reads, saved);
        self.note_reads(&reads, at, name, t);
        t
    }

    fn note_reads(&mut self, reads: &[Read], span: Span, condition: &str, t: Tri) {
        for r in reads {
            if r.given {
                let label = format!(
                    "condition `{condition}` is {} here: {}",
                    tri_word(t),
                    r.label
                );
                if !self
                    .provenance
                    .iter()
                    .any(|p| p.value == label && p.span == r.span)
                {
                    self.provenance.push(Spanned::new(label, r.span));
                }
            } else {
                self.assume(
                    span,
                    format!("{}, so condition `{condition}` is {}", r.label, tri_word(t)),
                    Some(r.span),
                );
            }
        }
    }

    /// Evaluate a named condition (cached, cycle-checked).
    pub fn condition(&mut self, name: &str, at: Span) -> Tri {
        if let Some((t, reads)) = self.cache.get(name) {
            let t = *t;
            self.reads.extend(reads.clone());
            return t;
        }
        if let Some(pos) = self.visiting.iter().position(|v| v == name) {
            let mut cycle: Vec<&str> = self.visiting[pos..].iter().map(String::as_str).collect();
            cycle.push(name);
            let message = format!(
                "condition `{name}` depends on itself: {}",
                cycle.join(" → ")
            );
            let span = self.conditions.get(name).map(|n| n.span).unwrap_or(at);
            self.problem(
                span,
                message,
                Some("break the cycle; CloudFormation rejects circular conditions"),
            );
            return Tri::Unknown;
        }
        let Some(def) = self.conditions.get(name).copied() else {
            self.problem(
                at,
                format!("condition `{name}` is not defined under `Conditions`"),
                None,
            );
            return Tri::Unknown;
        };
        self.visiting.push(name.to_string());
        let saved = std::mem::take(&mut self.reads);
        let t = self.cond_expr(def);
        let reads = std::mem::replace(&mut self.reads, saved);
        self.visiting.pop();
        self.reads.extend(reads.clone());
        self.cache.insert(name.to_string(), (t, reads));
        t
    }

    fn cond_expr(&mut self, node: &Node) -> Tri {
        // `{"Condition": "Name"}` is the long form inside Fn::And / Or / Not.
        if let Some(members) = node.as_object()
            && members.len() == 1
            && &*members[0].key.value == "Condition"
            && let Some(name) = members[0].value.as_str()
        {
            return self.condition(name, members[0].value.span);
        }
        let call = match intrinsic(node) {
            Ok(Some(c)) => c,
            Ok(None) => {
                return match node.as_scalar_text().as_deref() {
                    Some("true") => Tri::True,
                    Some("false") => Tri::False,
                    _ => Tri::Unknown,
                };
            }
            Err(tag) => {
                self.problem(
                    node.span,
                    format!("`!{tag}` is not a CloudFormation intrinsic function"),
                    None,
                );
                return Tri::Unknown;
            }
        };
        let args = call.arg.as_array().unwrap_or_default();
        match call.name.as_str() {
            "Condition" => match call.arg.as_str() {
                Some(n) => self.condition(n, call.arg.span),
                None => Tri::Unknown,
            },
            "Fn::Equals" => {
                let (Some(a), Some(b)) = (args.first(), args.get(1)) else {
                    self.problem(node.span, "`Fn::Equals` takes two values".into(), None);
                    return Tri::Unknown;
                };
                let before = self.assumptions.len();
                let a = self.eval_str(a);
                let b = self.eval_str(b);
                let unknown = self.assumptions[before..]
                    .iter()
                    .any(|x| x.text.ends_with("read as `*`"));
                // Assumptions made while deciding a condition are reported
                // through the reads, not as value assumptions.
                self.assumptions.truncate(before);
                match (a, b) {
                    _ if unknown => Tri::Unknown,
                    (Some(a), Some(b)) => Tri::from_bool(a.value == b.value),
                    _ => Tri::Unknown,
                }
            }
            "Fn::And" => args.iter().fold(Tri::True, |acc, a| {
                let t = self.cond_expr(a);
                acc.and(t)
            }),
            "Fn::Or" => args.iter().fold(Tri::False, |acc, a| {
                let t = self.cond_expr(a);
                acc.or(t)
            }),
            "Fn::Not" => match args.first() {
                Some(a) => match self.cond_expr(a) {
                    Tri::True => Tri::False,
                    Tri::False => Tri::True,
                    Tri::Unknown => Tri::Unknown,
                },
                None => Tri::Unknown,
            },
            _ => Tri::Unknown,
        }
    }
}

fn tri_word(t: Tri) -> &'static str {
    match t {
        Tri::True => "true",
        Tri::False => "false",
        Tri::Unknown => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml;
    use crate::source::SourceId;

    fn template(text: &str) -> Node {
        yaml::parse(text, SourceId(0))
            .expect("yaml")
            .into_iter()
            .next()
            .expect("doc")
    }

    const T: &str = "Parameters:
  Target: {Type: String, Default: '*'}
  Env: {Type: String}
  Names: {Type: CommaDelimitedList, Default: 'a,b'}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Loop1: !Condition Loop2
  Loop2: !Not [!Condition Loop1]
Mappings:
  M: {k: {v: found}}
Resources:
  R:
    Type: AWS::IAM::Role
    Properties: {RoleName: Deploy, Path: /ci/}
";

    fn eval_with(
        inst: &Instance,
        expr: &str,
    ) -> (Option<Node>, Vec<Assumption>, Vec<TemplateProblem>) {
        let t = template(T);
        let e = template(&format!("x: {expr}\n"));
        let mut ev = Evaluator::new(&t, inst);
        let v = ev.eval(e.get("x").expect("x"));
        (v, ev.assumptions, ev.problems)
    }

    fn s(n: &Option<Node>) -> String {
        n.as_ref()
            .and_then(|n| n.as_scalar_text())
            .map(|s| s.into_owned())
            .unwrap_or_default()
    }

    #[test]
    fn sub_with_a_star_default_is_an_assumption() {
        let inst = Instance {
            defaults_assumed: true,
            ..Instance::default()
        };
        let (v, a, p) = eval_with(&inst, "!Sub 'arn:aws:iam::${Target}:role/Deploy'");
        assert_eq!(s(&v), "arn:aws:iam::*:role/Deploy");
        assert!(p.is_empty());
        assert_eq!(a[0].text, "parameter `Target` = `*` (its default)");
    }

    #[test]
    fn given_values_and_pseudo_parameters() {
        let mut inst = Instance {
            account: Some("333333333333".into()),
            ..Instance::default()
        };
        inst.given.insert(
            "Env".into(),
            Given {
                value: "prod".into(),
                span: Span::default(),
                from: "x".into(),
            },
        );
        let (v, a, _) = eval_with(
            &inst,
            "!Sub '${AWS::Partition}:${AWS::AccountId}:${Env}:${!Lit}'",
        );
        assert_eq!(s(&v), "aws:333333333333:prod:${Lit}");
        assert!(a.is_empty());
        let (v, _, _) = eval_with(&inst, "!If [IsProd, yes, no]");
        assert_eq!(s(&v), "yes");
        let (v, _, _) = eval_with(&inst, "!GetAtt R.Arn");
        assert_eq!(s(&v), "arn:aws:iam::333333333333:role/ci/Deploy");
        let (v, _, _) = eval_with(&inst, "!Ref R");
        assert_eq!(s(&v), "Deploy");
        let (v, _, _) = eval_with(&inst, "!Join ['-', !Ref Names]");
        assert_eq!(s(&v), "a-b");
        let (v, _, _) = eval_with(&inst, "!Select [1, !Split [',', 'x,y']]");
        assert_eq!(s(&v), "y");
        let (v, _, _) = eval_with(&inst, "!FindInMap [M, k, v]");
        assert_eq!(s(&v), "found");
        let (v, _, _) = eval_with(&inst, "!Ref AWS::NoValue");
        assert!(v.is_none());
    }

    #[test]
    fn failures_are_problems_not_panics() {
        let inst = Instance::default();
        let (v, _, p) = eval_with(&inst, "!Sub 'arn:${Missing}'");
        assert_eq!(s(&v), "arn:*");
        assert!(p[0].message.contains("`${Missing}`"), "{p:?}");
        let (_, _, p) = eval_with(&inst, "!Foo bar");
        assert!(p[0].message.contains("`!Foo`"));
        let t = template("Mappings:\n  M: {k: {v: !FindInMap [M, k, v]}}\n");
        let e = template("x: !FindInMap [M, k, v]\n");
        let mut ev = Evaluator::new(&t, &inst);
        assert_eq!(s(&ev.eval(e.get("x").expect("x"))), "*");
        assert!(ev.problems[0].message.contains("nest too deeply"));
        let (_, _, p) = eval_with(&inst, "!If [Loop1, a, b]");
        assert!(p[0].message.contains("depends on itself"), "{p:?}");
        let (v, _, _) = eval_with(&inst, "!If [IsProd, a, b]");
        assert_eq!(
            s(&v),
            "a",
            "unknown condition takes the true branch as an assumption"
        );
    }
}
