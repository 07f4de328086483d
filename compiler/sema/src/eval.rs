//! Evaluating typed conditions on fact values.

use polic_syntax::ast::CmpOp;

use crate::hir::{Cond, FactValue};

/// How to read a fact that has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// For an app: a comparison on a fact it does not set is false.
    False,
    /// For an archetype: an app of it may still set the fact, so the result is unknown.
    Unknown,
}

/// Three-valued evaluation: `None` when the answer depends on facts not known yet.
pub fn eval<'a>(
    cond: &Cond,
    facts: &impl Fn(&str) -> Option<&'a FactValue>,
    missing: Missing,
) -> Option<bool> {
    let absent = match missing {
        Missing::False => Some(false),
        Missing::Unknown => None,
    };
    match cond {
        Cond::Const(b) => Some(*b),
        Cond::Bool(fact) => match facts(fact) {
            Some(FactValue::Bool(b)) => Some(*b),
            _ => absent,
        },
        Cond::Compare { fact, op, value } => match facts(fact) {
            Some(actual) => Some(compare(actual, *op, value)),
            None => absent,
        },
        Cond::In {
            fact,
            values,
            fact_is_set,
        } => match (facts(fact), fact_is_set) {
            (Some(FactValue::Enum(v)), false) => Some(values.contains(v)),
            (Some(FactValue::Set(set)), true) => Some(values.iter().all(|v| set.contains(v))),
            _ => absent,
        },
        Cond::Not(inner) => eval(inner, facts, missing).map(|b| !b),
        Cond::And(a, b) => match (eval(a, facts, missing), eval(b, facts, missing)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Cond::Or(a, b) => match (eval(a, facts, missing), eval(b, facts, missing)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
    }
}

pub(crate) fn compare(actual: &FactValue, op: CmpOp, expected: &FactValue) -> bool {
    let ordering = match (actual, expected) {
        (FactValue::Enum(a), FactValue::Enum(b)) => a.cmp(b),
        (FactValue::Int(a), FactValue::Int(b)) => a.cmp(b),
        (FactValue::Bool(a), FactValue::Bool(b)) => a.cmp(b),
        (FactValue::Str(a), FactValue::Str(b)) => a.cmp(b),
        (FactValue::Set(a), FactValue::Set(b)) => a.cmp(b),
        // Ill-typed comparisons were reported and lowered to constants.
        _ => return false,
    };
    match op {
        CmpOp::Eq => ordering.is_eq(),
        CmpOp::NotEq => ordering.is_ne(),
        CmpOp::Lt => ordering.is_lt(),
        CmpOp::LtEq => ordering.is_le(),
        CmpOp::Gt => ordering.is_gt(),
        CmpOp::GtEq => ordering.is_ge(),
    }
}
