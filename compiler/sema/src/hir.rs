//! The resolved form of one file: every reference checked and bound, conditions typed and
//! lowered, values typed. Position-free (locations are node ids), so it is equal across
//! edits that only move text. The workspace model is assembled from these.

use polic_syntax::ast::{CmpOp, Date, NodeId};

use crate::db::File;
use crate::item::ItemId;

/// A syntax node: where a diagnostic or a definition points. Relative to its item, so that
/// an edit in one item moves no other item's locations ([`crate::item::node`] finds the
/// node in the file's parse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Loc {
    pub item: ItemId,
    pub local: u32,
}

impl Loc {
    /// The location of `node` in the item whose first node is `base`.
    pub fn new(item: ItemId, base: u32, node: NodeId) -> Loc {
        Loc {
            item,
            local: node.0.saturating_sub(base),
        }
    }

    pub fn file(self) -> File {
        self.item.file
    }
}

/// The kinds of named definitions; each kind is its own namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Standard,
    Profile,
    Policy,
    Risk,
    Fact,
    Archetype,
    Control,
    App,
    Waiver,
    Test,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Standard => "standard",
            Kind::Profile => "profile",
            Kind::Policy => "policy",
            Kind::Risk => "risk model",
            Kind::Fact => "fact",
            Kind::Archetype => "archetype",
            Kind::Control => "control",
            Kind::App => "app",
            Kind::Waiver => "waiver",
            Kind::Test => "test",
        }
    }
}

/// A clause, by its standard and normalised id (see [`crate::clause_id::normalize`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClauseKey {
    pub standard: String,
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FactType {
    Enum(Vec<String>),
    Set(Vec<String>),
    Bool,
    Int,
    String,
}

impl FactType {
    pub fn describe(&self) -> &'static str {
        match self {
            FactType::Enum(_) => "enum",
            FactType::Set(_) => "set",
            FactType::Bool => "bool",
            FactType::Int => "int",
            FactType::String => "string",
        }
    }

    /// The enum values of an enum or set type.
    pub fn variants(&self) -> &[String] {
        match self {
            FactType::Enum(v) | FactType::Set(v) => v,
            _ => &[],
        }
    }
}

/// A typed fact value. Enum values are indices into the fact's variants; sets are sorted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactValue {
    Enum(u32),
    Set(Vec<u32>),
    Bool(bool),
    Int(i64),
    Str(String),
}

/// A typed condition over facts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cond {
    Const(bool),
    /// A bool fact.
    Bool(String),
    /// An ordered comparison of an enum or int fact with a constant (enums by position).
    Compare {
        fact: String,
        op: CmpOp,
        value: FactValue,
    },
    /// `fact in {a, b}` for an enum fact, or `value in fact` for a set fact: membership of
    /// the fact's value in `values`, or of each of `values` in the fact's set.
    In {
        fact: String,
        values: Vec<u32>,
        fact_is_set: bool,
    },
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

/// What an `include`, `exclude`, `adopt` or `weight` selects.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Selector {
    Clause(ClauseKey),
    /// A group by its path below the standard (`["v1", "v1-1"]`).
    Group {
        standard: String,
        path: Vec<String>,
    },
    Standard(String),
    Profile(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Named {
    pub name: String,
    pub loc: Loc,
    pub docs: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Profile {
    pub def: Named,
    pub includes: Vec<(Selector, Loc)>,
    pub excludes: Vec<(Selector, Loc)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Policy {
    pub def: Named,
    pub adopts: Vec<Adopt>,
    pub risk: Option<String>,
    /// `lint NAME = LEVEL`, resolved.
    pub lints: Vec<(polic_diagnostics::Code, polic_diagnostics::Lint)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Adopt {
    pub selector: Selector,
    pub when: Option<Cond>,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Risk {
    pub def: Named,
    pub levels: Vec<(String, u32)>,
    pub default: Option<u32>,
    pub weights: Vec<Weight>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Weight {
    pub selector: Selector,
    pub value: u32,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Archetype {
    pub def: Named,
    pub title: Option<String>,
    pub extends: Vec<(String, Loc)>,
    pub facts: Vec<(String, FactValue, Loc)>,
    pub provides: Vec<(String, Loc)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    Design,
    Build,
    Test,
    Deploy,
    Operate,
}

impl Phase {
    pub const ALL: &[(&str, Phase)] = &[
        ("design", Phase::Design),
        ("build", Phase::Build),
        ("test", Phase::Test),
        ("deploy", Phase::Deploy),
        ("operate", Phase::Operate),
    ];
}

/// Finding severities that remediation windows are set for, most severe first.
pub const SEVERITIES: &[&str] = &["critical", "high", "medium", "low"];

/// How an obligation is verified.
pub const VERIFY_KINDS: &[&str] = &["scan", "test", "attest", "metric"];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Control {
    pub def: Named,
    pub title: Option<String>,
    pub satisfies: Vec<(ClauseKey, Loc)>,
    pub applies: Vec<AppliesTo>,
    pub phase: Option<Phase>,
    pub due_days: Option<u32>,
    pub remediation: Vec<(String, u32)>,
    pub obligations: Vec<Obligation>,
    pub targets: Vec<crate::metric::Target>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppliesTo {
    pub archetypes: Vec<String>,
    pub when: Option<Cond>,
    /// False when the condition had errors (already reported): its lowered form reads the
    /// bad parts as `false`, so conclusions drawn from it would be a second, wrong report.
    pub well_typed: bool,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Obligation {
    pub def: Named,
    pub title: Option<String>,
    pub verify: Vec<Verify>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Verify {
    pub kind: String,
    pub subject: Option<String>,
    pub rules: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct App {
    pub def: Named,
    pub title: Option<String>,
    pub archetypes: Vec<(String, Loc)>,
    pub facts: Vec<(String, FactValue, Loc)>,
    pub owner: Option<String>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Waiver {
    pub def: Named,
    pub app: Option<String>,
    pub control: Option<String>,
    pub obligation: Option<String>,
    pub reason: Option<String>,
    pub requested_by: Option<String>,
    pub approved_by: Option<String>,
    pub expires: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mapping {
    pub from: ClauseKey,
    pub to: ClauseKey,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Test {
    pub name: String,
    pub loc: Loc,
    pub app: TestApp,
    pub expectations: Vec<Expectation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TestApp {
    Named(String),
    Inline {
        archetypes: Vec<String>,
        facts: Vec<(String, FactValue)>,
    },
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Expectation {
    pub required: bool,
    pub control: String,
    pub loc: Loc,
}

/// A resolved reference from one place to a definition, for unused-definition checks and
/// the IDE's find-references.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    pub kind: Kind,
    pub name: String,
    pub at: Loc,
}

/// Everything resolved from one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FileHir {
    /// Typed fact defaults: `exposure: ... = internal`.
    pub fact_defaults: Vec<(String, FactValue)>,
    pub profiles: Vec<Profile>,
    pub policies: Vec<Policy>,
    pub risks: Vec<Risk>,
    pub archetypes: Vec<Archetype>,
    pub controls: Vec<Control>,
    pub apps: Vec<App>,
    pub waivers: Vec<Waiver>,
    pub mappings: Vec<Mapping>,
    pub tests: Vec<Test>,
    pub references: Vec<Reference>,
}

impl FileHir {
    /// Appends another item's (or file's) lowered form.
    pub fn extend(&mut self, other: &FileHir) {
        self.fact_defaults
            .extend(other.fact_defaults.iter().cloned());
        self.profiles.extend(other.profiles.iter().cloned());
        self.policies.extend(other.policies.iter().cloned());
        self.risks.extend(other.risks.iter().cloned());
        self.archetypes.extend(other.archetypes.iter().cloned());
        self.controls.extend(other.controls.iter().cloned());
        self.apps.extend(other.apps.iter().cloned());
        self.waivers.extend(other.waivers.iter().cloned());
        self.mappings.extend(other.mappings.iter().cloned());
        self.tests.extend(other.tests.iter().cloned());
        self.references.extend(other.references.iter().cloned());
    }
}
