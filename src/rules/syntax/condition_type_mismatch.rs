//! `condition-type-mismatch`: an operator that cannot compare the key's
//! type (`Bool` on a string key, `StringEquals` on `aws:SourceIp`), a set
//! operator on a single-valued key, or a multivalued key without one.
//!
//! AWS documents which operators fit which key type
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>)
//! and that `ForAllValues:` is true when the key is absent
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>).
//! String operators on ARN keys and ARN operators on string keys are both
//! accepted by AWS (`aws:SourceArn` is documented with either), so they are
//! not reported.
//!
//! A value that a date or numeric operator cannot read (`"bad"` under
//! `DateGreaterThan`) is reported too: no request value compares with it, so
//! the condition never holds. Date operators take no policy variables
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws-dates.html>).

use crate::catalog::{self, ConditionKeyType};
use crate::diagnostic::Severity;
use crate::load::PolicyDoc;
use crate::policy::Statement;
use crate::policy::condition::{Operator, OperatorKind, SetQualifier, parse_date};
use crate::rules::{Category, Context, Rule, RuleMeta};

pub(crate) struct ConditionTypeMismatch;

static META: RuleMeta = RuleMeta {
    name: "condition-type-mismatch",
    category: Category::Syntax,
    default_severity: Severity::Warning,
    summary: "condition operator does not fit the key's type",
    docs: include_str!("../../../rules/condition-type-mismatch.md"),
};

/// Whether an operator kind can compare values of `ty` (one value's type).
pub(crate) fn fits(kind: OperatorKind, ty: ConditionKeyType) -> bool {
    use ConditionKeyType as T;
    use OperatorKind as K;
    match kind {
        K::StringEquals | K::StringEqualsIgnoreCase | K::StringLike => {
            matches!(ty, T::String | T::Arn)
        }
        K::NumericEquals
        | K::NumericLessThan
        | K::NumericLessThanEquals
        | K::NumericGreaterThan
        | K::NumericGreaterThanEquals => ty == T::Numeric,
        K::DateEquals
        | K::DateLessThan
        | K::DateLessThanEquals
        | K::DateGreaterThan
        | K::DateGreaterThanEquals => ty == T::Date,
        K::Bool => ty == T::Bool,
        K::BinaryEquals => ty == T::Binary,
        K::IpAddress => ty == T::IpAddress,
        K::ArnEquals | K::ArnLike => matches!(ty, T::Arn | T::String),
        K::Null => true,
    }
}

/// The operator to use for a key of type `ty` instead of `kind`, keeping
/// the comparison where both types order values (`NumericLessThan` on a
/// date → `DateLessThan`) and the negation.
pub(crate) fn operator_for(
    kind: OperatorKind,
    ty: ConditionKeyType,
    negated: bool,
) -> &'static str {
    use ConditionKeyType as T;
    use OperatorKind as K;
    let ordered = |numeric: [&'static str; 4], date: [&'static str; 4]| -> Option<&'static str> {
        let i = match kind {
            K::NumericLessThan | K::DateLessThan => 0,
            K::NumericLessThanEquals | K::DateLessThanEquals => 1,
            K::NumericGreaterThan | K::DateGreaterThan => 2,
            K::NumericGreaterThanEquals | K::DateGreaterThanEquals => 3,
            _ => return None,
        };
        match ty {
            T::Numeric => Some(numeric[i]),
            T::Date => Some(date[i]),
            _ => None,
        }
    };
    if let Some(op) = ordered(
        [
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ],
        [
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
        ],
    ) {
        return op;
    }
    match (ty, negated) {
        (T::String, false) => "StringEquals",
        (T::String, true) => "StringNotEquals",
        (T::Arn, false) => "ArnLike",
        (T::Arn, true) => "ArnNotLike",
        (T::Numeric, false) => "NumericEquals",
        (T::Numeric, true) => "NumericNotEquals",
        (T::Date, false) => "DateEquals",
        (T::Date, true) => "DateNotEquals",
        (T::Bool, _) => "Bool",
        (T::Binary, _) => "BinaryEquals",
        (T::IpAddress, false) => "IpAddress",
        (T::IpAddress, true) => "NotIpAddress",
        (other, n) => operator_for(kind, other.element(), n),
    }
}

/// The key's type as AWS uses it. The catalog types `…:amr` of Cognito
/// as `String`, but it is a list (`authenticated`, the provider…) that
/// AWS's own examples test with `ForAnyValue:StringLike`
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif>).
fn key_type(key: &str) -> Option<ConditionKeyType> {
    let ty = catalog::condition_key(key)?.key_type();
    if key.len() > 4 && key[key.len() - 4..].eq_ignore_ascii_case(":amr") {
        return Some(ConditionKeyType::ArrayOfString);
    }
    Some(ty)
}

/// What a value of a date or numeric operator must be, when `value` is not
/// one: `Some("a date")`.
fn unreadable(kind: OperatorKind, value: &str) -> Option<&'static str> {
    use OperatorKind as K;
    match kind {
        K::DateEquals
        | K::DateLessThan
        | K::DateLessThanEquals
        | K::DateGreaterThan
        | K::DateGreaterThanEquals => parse_date(value)
            .is_none()
            .then_some("a date (ISO 8601 or epoch seconds)"),
        K::NumericEquals
        | K::NumericLessThan
        | K::NumericLessThanEquals
        | K::NumericGreaterThan
        | K::NumericGreaterThanEquals => (!crate::policy::condition::has_variable(value)
            && value.trim().parse::<f64>().is_err())
        .then_some("a number"),
        _ => None,
    }
}

fn base_name(op: &Operator) -> &str {
    let name = op.name.as_str();
    name.split_once(':').map_or(name, |(_, rest)| rest)
}

impl Rule for ConditionTypeMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, statement: &Statement, _policy: &PolicyDoc, cx: &mut Context<'_>) {
        for c in &statement.conditions {
            let op = &c.operator.value;
            let key = c.key.value.as_str();
            for v in &c.values {
                if let Some(needed) = unreadable(op.kind, &v.value) {
                    cx.report(
                        v.span,
                        format!(
                            "`{}` is not {needed}: `{}` cannot compare it with the request",
                            v.value,
                            base_name(op)
                        ),
                    )
                    .label(format!("not {needed}"))
                    .help(format!("write {needed}"));
                }
            }
            let Some(ty) = key_type(key) else {
                continue;
            };
            if !fits(op.kind, ty.element()) {
                cx.report(
                    c.operator.span,
                    format!(
                        "`{}` cannot compare `{key}`, which is of type {}",
                        base_name(op),
                        ty.element()
                    ),
                )
                .label("operator of another type")
                .related(c.key.span, format!("{} key", ty.element()))
                .help(format!(
                    "use `{}` (or another {} operator)",
                    operator_for(op.kind, ty.element(), op.negated),
                    ty.element()
                ));
                continue;
            }
            if op.kind == OperatorKind::Null {
                continue;
            }
            match (op.set, ty.is_multivalued()) {
                (Some(SetQualifier::ForAllValues), false) => {
                    cx.report(
                        c.operator.span,
                        format!(
                            "`ForAllValues:` on the single-valued key `{key}` is true when the key is absent, so this condition also holds for requests without it"
                        ),
                    )
                    .label("set operator on a single-valued key")
                    .related(c.key.span, "single-valued key")
                    .help(format!("use `{}` without `ForAllValues:`", base_name(op)));
                }
                (Some(SetQualifier::ForAnyValue), false) => {
                    cx.report(
                        c.operator.span,
                        format!(
                            "`ForAnyValue:` is for multivalued keys, and `{key}` is single-valued"
                        ),
                    )
                    .label("set operator on a single-valued key")
                    .related(c.key.span, "single-valued key")
                    .help(format!("use `{}` without `ForAnyValue:`", base_name(op)));
                }
                (None, true) => {
                    cx.report(
                        c.operator.span,
                        format!(
                            "`{key}` is multivalued, and `{}` without `ForAllValues:` or `ForAnyValue:` does not say whether all or any of its values must match",
                            op.name
                        ),
                    )
                    .label("multivalued key without a set operator")
                    .related(c.key.span, format!("{ty} key"))
                    .help(format!(
                        "use `ForAnyValue:{0}` (any value matches) or `ForAllValues:{0}` (every value matches)",
                        op.name
                    ));
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConditionKeyType as T;
    use OperatorKind as K;

    #[test]
    fn type_families() {
        assert!(fits(K::StringEquals, T::String));
        assert!(fits(K::StringLike, T::Arn));
        assert!(fits(K::ArnLike, T::String));
        assert!(!fits(K::StringEquals, T::IpAddress));
        assert!(!fits(K::Bool, T::String));
        assert!(!fits(K::NumericLessThan, T::Date));
        assert!(!fits(K::DateGreaterThan, T::Numeric));
        assert!(fits(K::Null, T::Binary));
        assert_eq!(
            operator_for(K::StringEquals, T::IpAddress, false),
            "IpAddress"
        );
        assert_eq!(
            operator_for(K::StringLike, T::ArrayOfArn, true),
            "ArnNotLike"
        );
        assert_eq!(
            operator_for(K::NumericLessThan, T::Date, false),
            "DateLessThan"
        );
        assert_eq!(
            operator_for(K::DateGreaterThan, T::Numeric, false),
            "NumericGreaterThan"
        );
        assert_eq!(operator_for(K::Bool, T::String, false), "StringEquals");
    }

    #[test]
    fn real_key_types() {
        assert_eq!(key_type("aws:SourceIp"), Some(T::IpAddress));
        assert_eq!(key_type("AWS:TagKeys"), Some(T::ArrayOfString));
        assert_eq!(
            key_type("cognito-identity.amazonaws.com:amr"),
            Some(T::ArrayOfString)
        );
        assert_eq!(key_type("token.actions.githubusercontent.com:sub"), None);
    }
}
