//! Loaders: one file per input format, each producing span-keeping
//! [`tree::Node`]s and from them the model objects rules read.
//!
//! [`load_document`] is the entry point: it looks at a file's content (not
//! only its extension) and hands it to the right loader. What cannot be read
//! becomes a [`LoadError`] on the [`Document`], reported by the syntax
//! rules; a bad file never stops the others from being analysed.

pub mod cloudformation;
pub mod eks;
pub mod gaad;
pub mod intrinsics;
pub mod json;
pub mod kubernetes;
pub mod offsets;
pub mod organizations;
pub mod policy_file;
pub mod stackset;
pub mod suppress;
pub mod tree;
pub mod yaml;

use std::path::Path;

use crate::policy::document::{Policy, Problem};
use crate::source::{SourceId, Span};

/// Why a file, or part of it, could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// Not valid JSON.
    Json,
    /// Not valid YAML.
    Yaml,
    /// The file could not be read at all (permissions, symlink loop, not UTF-8, too large).
    Io,
    /// The output of an AWS CLI command that names IAM entities without
    /// the policies that say what they may do (`aws iam list-roles`,
    /// `list-users`, `list-policies`): read as far as it goes.
    PartialExport,
}

/// A problem reading a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// What kind of problem.
    pub kind: LoadErrorKind,
    /// Where (an empty span at the start for whole-file problems).
    pub span: Span,
    /// What went wrong, lowercase.
    pub message: String,
}

/// One policy document found in a file.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDoc {
    /// The modelled policy.
    pub policy: Policy,
    /// Grammar problems (reported by `invalid-policy`).
    pub problems: Vec<Problem>,
    /// The account the policy is in force in, when the input says.
    pub account: Option<String>,
    /// Which instantiation it comes from, for messages ("stack instance
    /// 333333333333 (prod)"); `None` for plain inputs.
    pub origin: Option<String>,
    /// Where that instantiation is defined (the target account of a stack
    /// instance), for a related label.
    pub origin_span: Option<Span>,
    /// Values in the policy that came from something the input does not fix
    /// (a parameter's default, a parameter without a value, an import): a
    /// rule reporting at one of their spans says "may" and names it.
    pub assumptions: Vec<Assumption>,
    /// Values given for this instantiation that decided that the policy
    /// exists (the override `AllowCFNDelete=true` that turned its
    /// resource's `Condition` on), as related labels.
    pub provenance: Vec<crate::source::Spanned<String>>,
    /// Its name (inline policy name, managed policy name), when known.
    pub name: Option<String>,
    /// Its ARN, for managed policies (how attachments find it).
    pub arn: Option<String>,
    /// Its id, for SCPs and RCPs (`p-…`: how Organizations attachments find it).
    pub id: Option<String>,
    /// A managed policy (an export's `Policies` entry, a template's
    /// `AWS::IAM::ManagedPolicy`, an attached AWS managed one), not an
    /// inline policy embedded in one principal.
    pub managed: bool,
    /// For a resource policy, the service of the resource it is attached
    /// to, when the input says (`s3` for an `AWS::S3::BucketPolicy`): it
    /// can grant only that service's actions.
    pub resource_service: Option<&'static str>,
}

/// A value the analysis had to assume (see [`PolicyDoc::assumptions`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumption {
    /// The value in the policy that depends on it.
    pub span: Span,
    /// What was assumed: "parameter `Target` = `*` (its default)".
    pub text: String,
    /// Where the assumed value is written (the parameter's `Default`).
    pub source: Option<Span>,
}

impl PolicyDoc {
    /// A policy document with no instantiation facts.
    pub fn new(policy: Policy, problems: Vec<Problem>) -> Self {
        PolicyDoc {
            policy,
            problems,
            account: None,
            origin: None,
            origin_span: None,
            assumptions: Vec::new(),
            provenance: Vec::new(),
            name: None,
            arn: None,
            id: None,
            managed: false,
            resource_service: None,
        }
    }

    /// Whether this is an AWS managed policy (`arn:aws:iam::aws:policy/…`).
    pub fn is_aws_managed(&self) -> bool {
        self.arn
            .as_deref()
            .and_then(crate::policy::arn::Arn::parse)
            .is_some_and(|a| a.service == "iam" && a.account == "aws")
    }

    /// The assumptions a value at `span` depends on (those whose span
    /// overlaps it).
    pub fn assumptions_at(&self, span: Span) -> impl Iterator<Item = &Assumption> {
        self.assumptions.iter().filter(move |a| {
            a.span.source == span.source
                && a.span.start < span.end.max(span.start + 1)
                && span.start < a.span.end.max(a.span.start + 1)
        })
    }
}

/// Something wrong with a CloudFormation template or StackSet that is not a
/// JSON/YAML syntax error (an unknown tag, a `Fn::Sub` variable that names
/// nothing, circular conditions, a `TemplateURL` that points nowhere);
/// reported by `invalid-template`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateProblem {
    /// Where.
    pub span: Span,
    /// What is wrong, lowercase.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Everything loaded from one file.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The file.
    pub source: SourceId,
    /// The parsed trees (several for multi-document YAML).
    pub roots: Vec<tree::Node>,
    /// Documents embedded as strings in the roots (a trust policy in `aws iam
    /// get-role` output), parsed, with spans into this file.
    pub embedded: Vec<tree::Node>,
    /// The keys the objects of `roots` repeat, found by the parser (the
    /// trees of `embedded` are parsed apart and walked by the rule).
    pub duplicate_keys: Vec<tree::Duplicate>,
    /// Whether it parsed: `roots` is emptied once the file is modelled
    /// when it is small, or an export in a large run, in a run of more
    /// files than threads (see `engine::analyse`), so this is what says it.
    pub parsed: bool,
    /// An account export (`get-account-authorization-details`): once it is
    /// modelled and its tree-reading rules have run, the engine drops its
    /// trees in a large run, where they are as large as the model and
    /// needed by nothing else.
    pub export: bool,
    /// Problems reading it.
    pub errors: Vec<LoadError>,
    /// The policies found in it.
    pub policies: Vec<PolicyDoc>,
    /// Roles, users and groups this file defines, with indices into
    /// `policies`. Empty for bare policy files.
    pub principals: Vec<crate::model::IamPrincipal>,
    /// The organization, from `describe-organization`.
    pub organization: Option<crate::model::Organization>,
    /// Roots, OUs and accounts from Organizations exports.
    pub org_nodes: Vec<crate::model::OrgNode>,
    /// SCP/RCP attachments from Organizations exports (and templates).
    pub policy_targets: Vec<crate::model::PolicyTarget>,
    /// Managed policy ARNs attached by this file (`aws iam
    /// list-attached-role-policies` output), with their spans.
    pub attachments: Vec<crate::source::Spanned<String>>,
    /// IAM-adjacent resources a template defines (EKS, access keys, SCPs, …).
    /// Boxed: most files define none, and a run holds one `Document` per
    /// file (their array is fresh memory, faulted in page by page).
    pub resources: Box<crate::model::Resources>,
    /// Template problems (reported by `invalid-template`).
    pub template_problems: Vec<TemplateProblem>,
    /// Inline suppressions written in this file (YAML comments, resource
    /// `Metadata`), applied by the engine.
    pub suppressions: Vec<suppress::Suppression>,
    /// What the cross-file pass ([`stackset::link`]) still has to do for
    /// this file: the template it is, StackSets it declares.
    pub cfn: Option<cloudformation::Pending>,
    /// `kube-system/aws-auth` ConfigMaps in this file.
    pub aws_auth: Vec<crate::model::AwsAuth>,
    /// Kubernetes ServiceAccounts in this file.
    pub service_accounts: Vec<crate::model::ServiceAccount>,
    /// EKS Pod Identity associations in this file.
    pub pod_identity_associations: Vec<crate::model::PodIdentityAssociation>,
    /// EKS access entries in this file.
    pub access_entries: Vec<crate::model::AccessEntry>,
    /// EC2 launch template versions (instance metadata settings) in this file.
    pub launch_templates: Vec<crate::model::LaunchTemplate>,
}

/// The input formats iamchain recognises by extension; content decides the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.json`.
    Json,
    /// `.yaml` / `.yml`.
    Yaml,
}

impl Format {
    /// The format a path's extension suggests, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

/// Load one file's text into a [`Document`]. `hint` is the file's path
/// relative to the directory the user asked to lint: only its components
/// say where a bare policy is used (`trust`, `scp`, …), so a checkout under
/// `/home/scp/` does not turn every policy into an SCP.
pub fn load_document(path: &Path, hint: &Path, text: &str, source: SourceId) -> Document {
    load_document_with(path, hint, text, source, None)
}

/// How `text`, read from `path`, is parsed: by its extension, else JSON if
/// it begins like JSON.
fn format_of(path: &Path, text: &str) -> Format {
    Format::from_path(path).unwrap_or_else(|| {
        if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with(['{', '['])
        {
            Format::Json
        } else {
            Format::Yaml
        }
    })
}

/// The trees of a file that parsed when it was loaded, parsed again: for a
/// template whose trees the engine dropped and that `stackset::link`
/// instantiates again (see `engine::analyse`). Empty if it does not parse.
pub(crate) fn parse_again(path: &Path, text: &str, source: SourceId) -> Vec<tree::Node> {
    match format_of(path, text) {
        Format::Json => json::parse(text, source)
            .map(|r| vec![r])
            .unwrap_or_default(),
        Format::Yaml => yaml::parse(text, source).unwrap_or_default(),
    }
}

/// [`load_document`] with the run's configuration, which names the
/// accounts of StackSet instances ("stack instance 333333333333 (prod)").
pub fn load_document_with(
    path: &Path,
    hint: &Path,
    text: &str,
    source: SourceId,
    config: Option<&crate::config::Config>,
) -> Document {
    let mut doc = Document {
        source,
        ..Document::default()
    };
    let format = format_of(path, text);
    match format {
        Format::Json => match json::parse_with_duplicates(text, source) {
            Ok((root, duplicates)) => {
                doc.roots.push(root);
                doc.duplicate_keys = duplicates;
            }
            Err(e) => doc.errors.push(LoadError {
                kind: LoadErrorKind::Json,
                span: e.span,
                message: e.message,
            }),
        },
        Format::Yaml => match yaml::parse_with_duplicates(text, source) {
            Ok((roots, duplicates)) => {
                doc.roots = roots;
                doc.duplicate_keys = duplicates;
            }
            // An unrendered Helm template is not what gets applied: its
            // rendered output is. Not reading it is not an error.
            Err(_) if kubernetes::is_unrendered_template(text) => {}
            Err(e) => doc.errors.push(LoadError {
                kind: LoadErrorKind::Yaml,
                span: e.span,
                message: e.message,
            }),
        },
    }
    doc.parsed = !doc.roots.is_empty();
    if matches!(format, Format::Yaml) {
        doc.suppressions = suppress::from_comments(text, source);
    }
    if cloudformation::load(text, source, &mut doc, config) {
        // A template's resources are pushed one by one: a vector grown so
        // reserves up to twice (for one or two, four times) what it holds.
        // Shrinking gives the rest back in place, to the files after it.
        doc.policies.shrink_to_fit();
        doc.principals.shrink_to_fit();
        return doc;
    }
    let roots = std::mem::take(&mut doc.roots);
    for root in &roots {
        if gaad::is_export(root) {
            doc.export = true;
            gaad::load(root, text, &mut doc);
            continue;
        }
        if organizations::is_export(root) {
            organizations::load(path, root, &mut doc);
            continue;
        }
        let found = policy_file::policies_in(hint, text, root);
        let base = doc.policies.len();
        doc.principals
            .extend(found.principals.into_iter().map(|mut p| {
                p.trust = p.trust.map(|t| t + base);
                p
            }));
        append(&mut doc.policies, found.policies);
        append(&mut doc.embedded, found.embedded);
        doc.errors.extend(found.errors);
        doc.attachments.extend(policy_file::attachments_in(root));
        let k8s = kubernetes::objects_in(root, text, source);
        doc.aws_auth.extend(k8s.aws_auth);
        doc.service_accounts.extend(k8s.service_accounts);
        let eks = eks::objects_in(root);
        doc.access_entries.extend(eks.access_entries);
        doc.pod_identity_associations
            .extend(eks.pod_identity_associations);
        doc.launch_templates.extend(eks.launch_templates);
    }
    doc.roots = roots;
    doc
}

/// `more` after `to`'s items; moved whole into an empty `to` (a file's one
/// root), not copied into a new allocation.
fn append<T>(to: &mut Vec<T>, mut more: Vec<T>) {
    if to.is_empty() {
        *to = more;
    } else {
        to.append(&mut more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_managed_is_what_the_arn_says() {
        let by_parse = |arn: &str| {
            crate::policy::arn::Arn::parse(arn)
                .is_some_and(|a| a.service == "iam" && a.account == "aws")
        };
        let doc = |arn: Option<&str>| {
            let built = crate::policy::document::build(
                &tree::Node::new(tree::Value::Object(Vec::new()), Span::default()),
                crate::policy::document::PolicyKind::Identity,
            );
            PolicyDoc {
                arn: arn.map(String::from),
                ..PolicyDoc::new(built.policy, built.problems)
            }
        };
        for arn in [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws-cn:iam::aws:policy/service-role/X",
            "arn:aws:iam:us-east-1:aws:policy/X",
            "arn:aws:iam::aws:",
            "arn:aws:iam::aws",
            "arn:aws:iam::123456789012:policy/Mine",
            "arn:aws:s3::aws:policy/X",
            "arn::iam::aws:x",
            "ARN:aws:iam::aws:policy/X",
            "arn:aws:IAM::aws:policy/X",
            "arn:aws:iam::AWS:policy/X",
            "policy/ReadOnlyAccess",
            "",
            "arn:aws:iam::aws:policy/a:b:c",
        ] {
            assert_eq!(doc(Some(arn)).is_aws_managed(), by_parse(arn), "{arn}");
        }
        assert!(!doc(None).is_aws_managed());
    }
}
