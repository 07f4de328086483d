//! Applicability, decided for all apps at once. Facts are stored by column (one vector per
//! fact, one entry per app) and each condition is evaluated over a whole column into a
//! bitset of apps, so a control's applicability to ten thousand apps is a few hundred word
//! operations. A fact an app does not have makes every comparison on it false.

use std::collections::BTreeMap;

use crate::schema::{Condition, FactKind, RuleSet, Value};

/// One bit per app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    pub fn zeros(len: usize) -> Bits {
        Bits {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    pub fn ones(len: usize) -> Bits {
        let mut bits = Bits {
            words: vec![u64::MAX; len.div_ceil(64)],
            len,
        };
        bits.trim();
        bits
    }

    fn from_fn(len: usize, mut f: impl FnMut(usize) -> bool) -> Bits {
        let mut bits = Bits::zeros(len);
        for (w, word) in bits.words.iter_mut().enumerate() {
            let base = w * 64;
            let mut value = 0u64;
            for i in 0..64.min(len - base) {
                value |= u64::from(f(base + i)) << i;
            }
            *word = value;
        }
        bits
    }

    /// Clears the bits past `len` in the last word, so that counts and `not` stay exact.
    fn trim(&mut self) {
        let extra = self.words.len() * 64 - self.len;
        if extra > 0
            && let Some(last) = self.words.last_mut()
        {
            *last &= u64::MAX >> extra;
        }
    }

    pub fn get(&self, i: usize) -> bool {
        self.words[i / 64] >> (i % 64) & 1 == 1
    }

    pub fn set(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    pub fn clear(&mut self, i: usize) {
        self.words[i / 64] &= !(1 << (i % 64));
    }

    pub fn and(&mut self, other: &Bits) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a &= b);
    }

    pub fn or(&mut self, other: &Bits) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a |= b);
    }

    pub fn not(&mut self) {
        self.words.iter_mut().for_each(|w| *w = !*w);
        self.trim();
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut word = word;
            std::iter::from_fn(move || {
                if word == 0 {
                    return None;
                }
                let bit = word.trailing_zeros() as usize;
                word &= word - 1;
                Some(w * 64 + bit)
            })
        })
    }
}

/// One fact's values for every app.
#[derive(Debug, Clone)]
enum Column {
    /// Enum value index, or `u32::MAX` when absent.
    Enum(Vec<u32>),
    /// Set of enum value indices as a mask (enum facts have at most 64 values).
    Set {
        masks: Vec<u64>,
        present: Bits,
    },
    Bool {
        values: Bits,
        present: Bits,
    },
    Int(Vec<Option<i64>>),
    String(Vec<Option<String>>),
}

/// A condition with facts and values resolved to columns and indices.
#[derive(Debug, Clone)]
enum Compiled {
    Const(bool),
    /// Enum fact's value is in the mask (every comparison on an enum reduces to this).
    EnumIn {
        column: usize,
        mask: u64,
    },
    /// Set fact contains all of the mask.
    SetHas {
        column: usize,
        mask: u64,
    },
    /// A bool fact has this value.
    Bool {
        column: usize,
        expected: bool,
    },
    Int {
        column: usize,
        cmp: IntCmp,
        value: i64,
    },
    StrEq {
        column: usize,
        equal: bool,
        value: String,
    },
    Not(Box<Compiled>),
    And(Vec<Compiled>),
    Or(Vec<Compiled>),
}

#[derive(Debug, Clone, Copy)]
enum IntCmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The facts of a population of apps, by column, and the schema to compile conditions.
pub struct Population {
    len: usize,
    names: BTreeMap<String, usize>,
    values: Vec<Vec<String>>,
    columns: Vec<Column>,
}

/// Why a rule set cannot be evaluated (a hand-edited or corrupt rule set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineError(pub String);

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Population {
    /// Builds the columns from each app's effective facts (already merged: defaults,
    /// archetype facts, the app's own).
    pub fn new<'f>(
        rules: &RuleSet,
        apps: impl IntoIterator<Item = &'f BTreeMap<String, Value>>,
    ) -> Result<Population, EngineError> {
        let apps: Vec<&BTreeMap<String, Value>> = apps.into_iter().collect();
        let len = apps.len();
        let mut names = BTreeMap::new();
        let mut values = Vec::new();
        let mut columns = Vec::new();
        for (index, fact) in rules.facts.iter().enumerate() {
            names.insert(fact.name.clone(), index);
            if fact.values.len() > 64 {
                return Err(EngineError(format!(
                    "fact `{}` has more than 64 values",
                    fact.name
                )));
            }
            let variant = |name: &str| fact.values.iter().position(|v| v == name);
            let bad = |app: usize| {
                EngineError(format!(
                    "app #{app} has a value of the wrong type for fact `{}`",
                    fact.name
                ))
            };
            let column = match fact.kind {
                FactKind::Enum => Column::Enum(
                    apps.iter()
                        .enumerate()
                        .map(|(i, app)| match app.get(&fact.name) {
                            None => Ok(u32::MAX),
                            Some(Value::Name(n)) => {
                                variant(n).map(|v| v as u32).ok_or_else(|| bad(i))
                            }
                            Some(_) => Err(bad(i)),
                        })
                        .collect::<Result<_, _>>()?,
                ),
                FactKind::Set => {
                    let mut masks = vec![0u64; len];
                    let mut present = Bits::zeros(len);
                    for (i, app) in apps.iter().enumerate() {
                        match app.get(&fact.name) {
                            None => {}
                            Some(Value::Set(items)) => {
                                present.set(i);
                                for item in items {
                                    masks[i] |= 1 << variant(item).ok_or_else(|| bad(i))?;
                                }
                            }
                            Some(_) => return Err(bad(i)),
                        }
                    }
                    Column::Set { masks, present }
                }
                FactKind::Bool => {
                    let mut values = Bits::zeros(len);
                    let mut present = Bits::zeros(len);
                    for (i, app) in apps.iter().enumerate() {
                        match app.get(&fact.name) {
                            None => {}
                            Some(Value::Bool(b)) => {
                                present.set(i);
                                if *b {
                                    values.set(i);
                                }
                            }
                            Some(_) => return Err(bad(i)),
                        }
                    }
                    Column::Bool { values, present }
                }
                FactKind::Int => Column::Int(
                    apps.iter()
                        .enumerate()
                        .map(|(i, app)| match app.get(&fact.name) {
                            None => Ok(None),
                            Some(Value::Int(n)) => Ok(Some(*n)),
                            Some(_) => Err(bad(i)),
                        })
                        .collect::<Result<_, _>>()?,
                ),
                FactKind::String => Column::String(
                    apps.iter()
                        .enumerate()
                        .map(|(i, app)| match app.get(&fact.name) {
                            None => Ok(None),
                            Some(Value::Name(s)) => Ok(Some(s.clone())),
                            Some(_) => Err(bad(i)),
                        })
                        .collect::<Result<_, _>>()?,
                ),
            };
            values.push(fact.values.clone());
            columns.push(column);
        }
        Ok(Population {
            len,
            names,
            values,
            columns,
        })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The apps for which the condition holds.
    pub fn eval(&self, condition: &Condition) -> Result<Bits, EngineError> {
        Ok(self.run(&self.compile(condition)?))
    }

    fn column(&self, fact: &str) -> Result<usize, EngineError> {
        self.names
            .get(fact)
            .copied()
            .ok_or_else(|| EngineError(format!("condition names unknown fact `{fact}`")))
    }

    fn mask(&self, column: usize, names: &[String]) -> Result<u64, EngineError> {
        names.iter().try_fold(0u64, |mask, name| {
            let index = self.values[column]
                .iter()
                .position(|v| v == name)
                .ok_or_else(|| EngineError(format!("condition names unknown value `{name}`")))?;
            Ok(mask | 1 << index)
        })
    }

    fn compile(&self, condition: &Condition) -> Result<Compiled, EngineError> {
        use Condition as C;
        let compare = |fact: &str, value: &Value, cmp: IntCmp| -> Result<Compiled, EngineError> {
            let column = self.column(fact)?;
            Ok(match (&self.columns[column], value) {
                (Column::Enum(_), Value::Name(name)) => {
                    let index = self
                        .mask(column, std::slice::from_ref(name))?
                        .trailing_zeros();
                    let count = self.values[column].len() as u32;
                    // The enum values that satisfy the comparison, by position.
                    let mask = (0..count)
                        .filter(|&v| match cmp {
                            IntCmp::Eq => v == index,
                            IntCmp::Ne => v != index,
                            IntCmp::Lt => v < index,
                            IntCmp::Le => v <= index,
                            IntCmp::Gt => v > index,
                            IntCmp::Ge => v >= index,
                        })
                        .fold(0u64, |m, v| m | 1 << v);
                    Compiled::EnumIn { column, mask }
                }
                (Column::Int(_), Value::Int(n)) => Compiled::Int {
                    column,
                    cmp,
                    value: *n,
                },
                (Column::Bool { .. }, Value::Bool(b)) => match cmp {
                    IntCmp::Eq => Compiled::Bool {
                        column,
                        expected: *b,
                    },
                    IntCmp::Ne => Compiled::Bool {
                        column,
                        expected: !*b,
                    },
                    _ => {
                        return Err(EngineError(format!(
                            "ordering comparison on bool fact `{fact}`"
                        )));
                    }
                },
                (Column::String(_), Value::Name(s)) if matches!(cmp, IntCmp::Eq | IntCmp::Ne) => {
                    Compiled::StrEq {
                        column,
                        equal: matches!(cmp, IntCmp::Eq),
                        value: s.clone(),
                    }
                }
                _ => {
                    return Err(EngineError(format!(
                        "comparison of fact `{fact}` with a value of another type"
                    )));
                }
            })
        };
        Ok(match condition {
            C::Const { value } => Compiled::Const(*value),
            C::Bool { fact } => Compiled::Bool {
                column: self.column(fact)?,
                expected: true,
            },
            C::Eq { fact, value } => compare(fact, value, IntCmp::Eq)?,
            C::Ne { fact, value } => compare(fact, value, IntCmp::Ne)?,
            C::Lt { fact, value } => compare(fact, value, IntCmp::Lt)?,
            C::Le { fact, value } => compare(fact, value, IntCmp::Le)?,
            C::Gt { fact, value } => compare(fact, value, IntCmp::Gt)?,
            C::Ge { fact, value } => compare(fact, value, IntCmp::Ge)?,
            C::In { fact, values } => {
                let column = self.column(fact)?;
                Compiled::EnumIn {
                    column,
                    mask: self.mask(column, values)?,
                }
            }
            C::Has { fact, values } => {
                let column = self.column(fact)?;
                Compiled::SetHas {
                    column,
                    mask: self.mask(column, values)?,
                }
            }
            C::Not { arg } => Compiled::Not(Box::new(self.compile(arg)?)),
            C::And { args } => Compiled::And(
                args.iter()
                    .map(|a| self.compile(a))
                    .collect::<Result<_, _>>()?,
            ),
            C::Or { args } => Compiled::Or(
                args.iter()
                    .map(|a| self.compile(a))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    fn run(&self, compiled: &Compiled) -> Bits {
        let len = self.len;
        match compiled {
            Compiled::Const(true) => Bits::ones(len),
            Compiled::Const(false) => Bits::zeros(len),
            Compiled::EnumIn { column, mask } => match &self.columns[*column] {
                // u32::MAX (absent) shifts to a zero bit through the `checked_shr`.
                Column::Enum(values) => Bits::from_fn(len, |i| {
                    mask.checked_shr(values[i]).is_some_and(|m| m & 1 == 1)
                }),
                _ => Bits::zeros(len),
            },
            Compiled::SetHas { column, mask } => match &self.columns[*column] {
                Column::Set { masks, present } => {
                    let mut bits = Bits::from_fn(len, |i| masks[i] & mask == *mask);
                    bits.and(present);
                    bits
                }
                _ => Bits::zeros(len),
            },
            Compiled::Bool { column, expected } => match &self.columns[*column] {
                Column::Bool { values, present } => {
                    let mut bits = values.clone();
                    if !expected {
                        bits.not();
                    }
                    bits.and(present);
                    bits
                }
                _ => Bits::zeros(len),
            },
            Compiled::Int { column, cmp, value } => match &self.columns[*column] {
                Column::Int(values) => Bits::from_fn(len, |i| {
                    values[i].is_some_and(|v| match cmp {
                        IntCmp::Eq => v == *value,
                        IntCmp::Ne => v != *value,
                        IntCmp::Lt => v < *value,
                        IntCmp::Le => v <= *value,
                        IntCmp::Gt => v > *value,
                        IntCmp::Ge => v >= *value,
                    })
                }),
                _ => Bits::zeros(len),
            },
            Compiled::StrEq {
                column,
                equal,
                value,
            } => match &self.columns[*column] {
                Column::String(values) => Bits::from_fn(len, |i| {
                    values[i].as_ref().is_some_and(|v| (v == value) == *equal)
                }),
                _ => Bits::zeros(len),
            },
            // Negation of a comparison keeps the rule that absent facts compare false only
            // for the comparison itself: `not (x == a)` holds for an app without `x`.
            Compiled::Not(inner) => {
                let mut bits = self.run(inner);
                bits.not();
                bits
            }
            Compiled::And(args) => {
                let mut bits = Bits::ones(len);
                for arg in args {
                    bits.and(&self.run(arg));
                }
                bits
            }
            Compiled::Or(args) => {
                let mut bits = Bits::zeros(len);
                for arg in args {
                    bits.or(&self.run(arg));
                }
                bits
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_count_and_iterate_exactly() {
        let mut bits = Bits::ones(70);
        assert_eq!(bits.count(), 70);
        bits.not();
        assert_eq!(bits.count(), 0);
        bits.set(3);
        bits.set(69);
        assert_eq!(bits.iter().collect::<Vec<_>>(), vec![3, 69]);
        assert!(bits.get(69) && !bits.get(68));
    }
}
