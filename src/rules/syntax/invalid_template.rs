//! `invalid-template`: a CloudFormation template or StackSet that
//! CloudFormation would reject, or that iamchain cannot follow: an unknown
//! `!Tag`, a `Fn::Sub` variable that names nothing, circular conditions, a
//! `TemplateURL` that points to no file.

use crate::diagnostic::Severity;
use crate::load::Document;
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct InvalidTemplate;

static META: RuleMeta = RuleMeta {
    name: "invalid-template",
    category: Category::Syntax,
    default_severity: Severity::Error,
    summary: "template that CloudFormation rejects or iamchain cannot follow",
    docs: include_str!("../../../rules/invalid-template.md"),
};

impl Rule for InvalidTemplate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, document: &Document, cx: &mut Context<'_>) {
        for p in &document.template_problems {
            let f = cx.report(p.span, p.message.clone()).label("here");
            if let Some(h) = &p.help {
                f.help(h.clone());
            }
        }
    }
}
