use crate::Severity;

macro_rules! codes {
    ($( $variant:ident = $code:literal, $name:literal, $severity:ident, $summary:literal; )*) => {
        /// A stable diagnostic code. Codes are never renumbered or reused; each has one doc
        /// text in `compiler/diagnostics/docs/`, shown by `polic explain` and linked from the LSP.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as written in output, e.g. `P0102`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }

            /// The kebab-case name, also the lint name in `lint NAME = LEVEL`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),* }
            }

            /// One line: what the diagnostic is about.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary),* }
            }

            /// The full explanation in Markdown: what, why, an example, the fix.
            pub fn doc(self) -> &'static str {
                match self { $(Code::$variant => include_str!(concat!("../docs/", $code, ".md"))),* }
            }
        }
    };
}

codes! {
    SyntaxError = "P0001", "syntax-error", Error, "the text does not follow the grammar";
    UnterminatedString = "P0002", "unterminated-string", Error, "a string literal is not closed on its line";
    InvalidCharacter = "P0003", "invalid-character", Error, "a character that cannot start any token";
    InvalidLiteral = "P0004", "invalid-literal", Error, "a date, duration, number or escape that is malformed";
    InvalidUtf8 = "P0005", "invalid-utf8", Error, "a source file is not valid UTF-8";
    UnreadableFile = "P0006", "unreadable-file", Error, "a source file could not be read";
    OutsideWorkspace = "P0007", "outside-workspace", Error, "an import or a source directory lies outside the workspace root";
    NestingTooDeep = "P0009", "nesting-too-deep", Error, "parentheses or `not`s in a condition nest too deeply";

    DuplicateDefinition = "P0101", "duplicate-definition", Error, "a name is defined twice";
    UnknownClause = "P0102", "unknown-clause", Error, "a clause reference names no clause of its standard";
    UnknownStandard = "P0103", "unknown-standard", Error, "a reference names no standard";
    UnknownGroup = "P0104", "unknown-group", Error, "a group path names no group of its standard";
    UnknownArchetype = "P0105", "unknown-archetype", Error, "a reference names no archetype";
    UnknownControl = "P0106", "unknown-control", Error, "a reference names no control";
    UnknownApp = "P0107", "unknown-app", Error, "a reference names no app";
    UnknownSelection = "P0108", "unknown-selection", Error, "an include, exclude or adopt names no profile, standard, group or clause";
    UnknownRiskModel = "P0109", "unknown-risk-model", Error, "a policy names no risk model";
    UnknownImport = "P0110", "unknown-import", Error, "an import names no standard-library module or file";
    UnknownObligation = "P0111", "unknown-obligation", Error, "a reference names no obligation of its control";
    UnknownRiskLevel = "P0112", "unknown-risk-level", Error, "a weight or default names no level of the risk model";
    UnknownLint = "P0113", "unknown-lint", Error, "a lint setting names no lint or no level";
    UnknownOption = "P0114", "unknown-option", Error, "a keyword value (phase, verify kind, severity, expectation) is not one of the allowed ones";
    DuplicateProperty = "P0115", "duplicate-property", Error, "a property that may appear once appears twice";

    UnknownFact = "P0201", "unknown-fact", Error, "a condition or assignment names no declared fact";
    TypeMismatch = "P0202", "type-mismatch", Error, "a value does not have the fact's type";
    UnknownEnumValue = "P0203", "unknown-enum-value", Error, "a value is not one of the fact's enum values";
    InvalidComparison = "P0204", "invalid-comparison", Error, "a comparison that cannot mean anything";
    DuplicateEnumValue = "P0205", "duplicate-enum-value", Error, "an enum type lists one value twice";
    NonBoolCondition = "P0206", "non-bool-condition", Error, "a condition that is not true or false";
    ConditionNeverHolds = "P0207", "condition-never-holds", Warning, "a condition holds for no assignment of the facts";
    ConditionAlwaysHolds = "P0208", "condition-always-holds", Warning, "a `when` condition holds whatever the facts";
    RedundantTerm = "P0209", "redundant-term", Warning, "a term of a condition says nothing the rest does not";
    ConditionHoldsForNoArchetype = "P0210", "condition-holds-for-no-archetype", Warning, "an `applies-to` or `adopt` condition holds for no archetype it can reach";
    ConditionHoldsForNoApp = "P0211", "condition-holds-for-no-app", Hint, "a condition holds for no app of the workspace today";

    InheritanceCycle = "P0301", "inheritance-cycle", Error, "archetypes extend each other in a cycle";
    ConflictingFacts = "P0302", "conflicting-facts", Error, "an archetype inherits two different values for one fact";
    ProvidesUnrequired = "P0303", "provides-unrequired", Error, "an archetype provides a control that does not apply to it";

    ControlWithoutObligation = "P0401", "control-without-obligation", Error, "a control puts no obligation on anyone";
    ControlAppliesToNothing = "P0402", "control-applies-to-nothing", Warning, "a control's conditions hold for no archetype";
    ControlSatisfiesNothing = "P0403", "control-satisfies-nothing", Warning, "a control satisfies no clause";
    ControlWithoutAppliesTo = "P0404", "control-without-applies-to", Error, "a control does not say what it applies to";
    DuplicateObligation = "P0405", "duplicate-obligation", Error, "a control has two obligations with one name";
    PaperOnlyCoverage = "P0406", "paper-only-coverage", Warning, "a clause is satisfied only by controls no app is asked to meet";
    DuplicateControl = "P0407", "duplicate-control", Warning, "two controls have the same applicability and clauses";
    IdenticalObligation = "P0408", "identical-obligation", Warning, "an obligation has the same title and verification as another";
    UnknownMetric = "P0409", "unknown-metric", Error, "a target names no metric, or a statistic or filter its metric does not have";
    WrongUnit = "P0410", "wrong-unit", Error, "a target's value is not in its statistic's unit";
    ImpossibleTarget = "P0411", "impossible-target", Error, "a target that no value can meet";

    WeightOutOfRange = "P0501", "weight-out-of-range", Error, "a level or weight is outside the allowed range";
    WeightedTwice = "P0502", "weighted-twice", Error, "a clause or group is weighted twice";
    WeightNotAdopted = "P0503", "weight-not-adopted", Warning, "a weight targets clauses the policy does not adopt";
    LevelsNotIncreasing = "P0504", "levels-not-increasing", Error, "risk levels are not strictly increasing";
    MissingLevels = "P0505", "missing-levels", Error, "a risk model declares no levels";

    WaiverWithoutApprover = "P0601", "waiver-without-approver", Error, "a waiver has no approver";
    SelfApprovedWaiver = "P0602", "self-approved-waiver", Error, "a waiver is approved by its own requester";
    ExpiredWaiver = "P0603", "expired-waiver", Error, "a waiver's expiry date has passed";
    IncompleteWaiver = "P0604", "incomplete-waiver", Error, "a waiver lacks a reason, requester or expiry date";
    WaiverNotRequired = "P0605", "waiver-not-required", Warning, "a waiver excuses a control the app does not require";

    UncoveredClauses = "P0701", "uncovered", Warning, "adopted clauses that no control satisfies";
    MultiplePolicies = "P0702", "multiple-policies", Error, "the workspace has more than one policy";
    EmptyProfile = "P0703", "empty-profile", Warning, "a profile or adoption selects no clause";
    ContradictorySelection = "P0704", "contradictory-selection", Error, "one profile includes and excludes the same thing";
    IneffectiveExclude = "P0705", "ineffective-exclude", Warning, "an exclude removes nothing that was included";
    WithdrawnClause = "P0706", "withdrawn-clause", Error, "a withdrawn clause is satisfied, adopted, weighted or mapped";
    ProfileCycle = "P0707", "profile-cycle", Error, "profiles include each other in a cycle";

    AppWithoutArchetype = "P0801", "app-without-archetype", Error, "an app names no archetype";
    PolicyChanged = "P0830", "policy-changed", Error, "an app repository's policy is not the one its polic.lock pins";
    PolicyNotLocked = "P0831", "policy-not-locked", Error, "an app repository has no polic.lock pinning its policy";
    PolicyUnavailable = "P0832", "policy-unavailable", Error, "an app repository's policy, or its polic.lock, cannot be read";
    PolicyHasErrors = "P0833", "policy-has-errors", Error, "the policy an app repository is checked against has errors of its own";
    MalformedScanReport = "P0840", "malformed-scan-report", Error, "a scanner report cannot be read as its format";
    UnknownScanFormat = "P0841", "unknown-scan-format", Error, "a scanner report names a format polic does not read";

    MalformedTag = "P1001", "malformed-tag", Error, "a `polic:` tag in a source file cannot be read";
    TagNotRequired = "P1002", "tag-not-required", Warning, "a source file's tag names a control its app does not require";

    Unused = "P0901", "unused", Hint, "a definition nothing refers to";
}

impl Code {
    /// Looks a code up by its code (`P0102`, any case) or its name (`unknown-clause`).
    pub fn lookup(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str().eq_ignore_ascii_case(text) || code.name() == text)
    }

    /// Only warnings and hints can be re-levelled by a policy's `lint` settings: errors mean
    /// the policy cannot be evaluated faithfully.
    pub fn is_lint(self) -> bool {
        self.default_severity() != Severity::Error
    }
}

/// The level a policy gives a lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lint {
    Allow,
    Level(Severity),
}

impl Lint {
    pub fn parse(text: &str) -> Option<Lint> {
        Some(match text {
            "allow" => Lint::Allow,
            "hint" => Lint::Level(Severity::Hint),
            "warn" => Lint::Level(Severity::Warning),
            "error" => Lint::Level(Severity::Error),
            _ => return None,
        })
    }

    pub const NAMES: &'static [&'static str] = &["allow", "hint", "warn", "error"];
}
