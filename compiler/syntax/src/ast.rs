//! The syntax tree. It holds no positions: every node that diagnostics or the IDE point at
//! carries a [`NodeId`], and the parse's [`SourceMap`](crate::SourceMap) gives its span. So
//! an edit that only moves text (whitespace, comments) yields an equal tree, and everything
//! computed from the tree is reused.

/// Index of a node's span in its file's source map. Ids are given in source order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct NodeId(pub u32);

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Name {
    pub text: String,
    pub id: NodeId,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Str {
    /// The value with escapes resolved.
    pub value: String,
    pub id: NodeId,
}

/// `std#A.8.24`. `standard` and `clause` have their own ids (for precise labels); `id`
/// covers the whole reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ClauseRef {
    pub standard: Name,
    /// The clause id as written, without `#`.
    pub clause: Name,
    pub id: NodeId,
}

/// A dotted path: `standard`, `standard.group`, `standard.group.subgroup`, or a profile name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Path {
    pub segments: Vec<Name>,
    pub id: NodeId,
}

/// What `include`, `exclude`, `adopt` and `weight` point at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Target {
    Clause(ClauseRef),
    Path(Path),
}

impl Target {
    pub fn id(&self) -> NodeId {
        match self {
            Target::Clause(c) => c.id,
            Target::Path(p) => p.id,
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        if parts.next().is_some() || text.len() != 10 {
            return None;
        }
        Date::new(year, month, day)
    }

    /// Days since 1970-01-01 (negative before), for date arithmetic.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A duration in whole days (`15d`, `2w`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Duration {
    pub days: u32,
    pub id: NodeId,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SourceFile {
    /// Shared, so that each item's own query holds its syntax without copying it.
    pub items: Vec<std::sync::Arc<Item>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Item {
    /// The `///` lines before the item, without the slashes, joined with newlines.
    pub docs: Option<String>,
    pub kind: ItemKind,
    pub id: NodeId,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ItemKind {
    Import(Import),
    Standard(Standard),
    Profile(Profile),
    Policy(Policy),
    Risk(Risk),
    Facts(Facts),
    Archetype(Archetype),
    Control(Control),
    Map(Mapping),
    App(App),
    Waiver(Waiver),
    Test(Test),
    /// Text that could not be parsed as an item; the error is reported separately.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Import {
    /// `import std.nist80053`
    Stdlib(Path),
    /// `import "../org.polic"`
    File(Str),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Standard {
    pub name: Name,
    pub title: Option<Str>,
    pub members: Vec<StandardMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum StandardMember {
    Version(Str),
    Group(Group),
    Clause(Clause),
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Group {
    pub docs: Option<String>,
    pub name: Name,
    pub title: Option<Str>,
    pub members: Vec<StandardMember>,
    pub id: NodeId,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Clause {
    pub docs: Option<String>,
    /// The clause id as written, without `#`.
    pub name: Name,
    pub title: Option<Str>,
    pub props: Vec<ClauseProp>,
    pub id: NodeId,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ClauseProp {
    Text(Str),
    Level(u32, NodeId),
    Param {
        name: Str,
        label: Option<Str>,
    },
    /// `withdrawn` or `withdrawn into #x, #y`.
    Withdrawn {
        into: Vec<Name>,
        id: NodeId,
    },
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    pub name: Name,
    pub title: Option<Str>,
    pub members: Vec<Selection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Selection {
    Include {
        targets: Vec<Target>,
        reason: Option<Str>,
        id: NodeId,
    },
    Exclude {
        targets: Vec<Target>,
        reason: Option<Str>,
        id: NodeId,
    },
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Policy {
    pub name: Name,
    pub title: Option<Str>,
    pub members: Vec<PolicyMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PolicyMember {
    Adopt {
        target: Target,
        when: Option<Expr>,
        id: NodeId,
    },
    Risk(Name),
    Lint {
        name: Name,
        level: Name,
    },
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Risk {
    pub name: Name,
    pub title: Option<Str>,
    pub members: Vec<RiskMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum RiskMember {
    Levels {
        levels: Vec<(Name, Number)>,
        id: NodeId,
    },
    Default(Name),
    Weight {
        target: Target,
        value: WeightValue,
        id: NodeId,
    },
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Number {
    pub value: u64,
    pub id: NodeId,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum WeightValue {
    Level(Name),
    Number(Number),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Facts {
    pub members: Vec<FactDecl>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FactDecl {
    pub docs: Option<String>,
    pub name: Name,
    pub ty: TypeExpr,
    pub default: Option<Value>,
    pub id: NodeId,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TypeExpr {
    Enum(Vec<Name>),
    SetOf(Vec<Name>),
    Bool,
    Int,
    String,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Archetype {
    pub name: Name,
    pub title: Option<Str>,
    pub extends: Vec<Name>,
    pub members: Vec<ArchetypeMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ArchetypeMember {
    Fact(FactAssign),
    Provides(Vec<Name>),
    Error,
}

/// `fact = value` in an archetype, an app or a test's app.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FactAssign {
    pub fact: Name,
    pub value: Value,
    pub id: NodeId,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// An enum value, or a fact when it stands in a condition.
    Name(Name),
    Str(Str),
    Int(Number),
    Bool(bool, NodeId),
    Set(Vec<Name>, NodeId),
}

impl Value {
    pub fn id(&self) -> NodeId {
        match self {
            Value::Name(n) => n.id,
            Value::Str(s) => s.id,
            Value::Int(n) => n.id,
            Value::Bool(_, id) | Value::Set(_, id) => *id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Control {
    pub name: Name,
    pub title: Option<Str>,
    pub members: Vec<ControlMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ControlMember {
    Satisfies(Vec<ClauseRef>),
    AppliesTo {
        archetypes: Vec<Name>,
        when: Option<Expr>,
        id: NodeId,
    },
    Phase(Name),
    Due(Duration),
    Remediation {
        windows: Vec<(Name, Duration)>,
        id: NodeId,
    },
    Obligation(Obligation),
    Target(MetricTarget),
    Error,
}

/// `target time-to-patch p90 <= 15d over 90d severity critical`: a metric's statistic,
/// compared with a value in its unit, over a window of days.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct MetricTarget {
    pub metric: Name,
    pub statistic: Name,
    pub op: CmpOp,
    pub value: Quantity,
    pub window: Duration,
    pub severity: Option<Name>,
    pub id: NodeId,
}

/// A number with its unit as written: `15d` (a duration token, in days), `4 hours`,
/// `15 percent`, `1 per-week`, or a bare count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Quantity {
    pub amount: u64,
    /// `d` for a duration token (in days), else the unit word; `None`: a count.
    pub unit: Option<String>,
    pub id: NodeId,
}

/// The unit words a target's value may carry after its number.
pub const UNIT_WORDS: &[&str] = &["hours", "percent", "per-day", "per-week"];

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Obligation {
    pub docs: Option<String>,
    pub name: Name,
    pub title: Option<Str>,
    pub verify: Vec<Verify>,
    pub id: NodeId,
}

/// `verify scan "semgrep" rules "a", "b"`
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Verify {
    pub kind: Name,
    pub subject: Option<Str>,
    pub rules: Vec<Str>,
    pub id: NodeId,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Mapping {
    pub from: ClauseRef,
    pub to: Vec<ClauseRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct App {
    pub name: Name,
    pub title: Option<Str>,
    pub members: Vec<AppMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum AppMember {
    Archetype(Vec<Name>),
    Owner(Str),
    Unit(Str),
    Fact(FactAssign),
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Waiver {
    pub name: Name,
    pub app: Name,
    /// The control, and optionally one of its obligations.
    pub control: Name,
    pub obligation: Option<Name>,
    pub members: Vec<WaiverMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum WaiverMember {
    Reason(Str),
    RequestedBy(Str),
    ApprovedBy(Str),
    /// `None` when the date is invalid (reported when lexing).
    Expires(Option<Date>, NodeId),
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Test {
    pub name: Str,
    pub members: Vec<TestMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TestMember {
    /// `given app NAME`
    GivenApp(Name),
    /// `given app { ... }`
    GivenInline {
        members: Vec<AppMember>,
        id: NodeId,
    },
    /// `expect [not] required CONTROL`
    Expect {
        negated: bool,
        what: Name,
        control: Name,
        id: NodeId,
    },
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtEq => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtEq => ">=",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>, NodeId),
    Compare {
        lhs: Value,
        op: CmpOp,
        rhs: Value,
        id: NodeId,
    },
    In {
        lhs: Value,
        negated: bool,
        rhs: Value,
        id: NodeId,
    },
    /// A bare value: a bool fact, or `true`/`false`.
    Value(Value),
    Error(NodeId),
}
