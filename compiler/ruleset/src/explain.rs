//! Traces for `polic explain`: from a clause, control, archetype or app to everything that
//! stands behind it: mapped clauses, the controls satisfying it, the archetypes they apply
//! to and which of them provide one, the apps that need them and, from an evaluation, each
//! app's evidence, open findings, waivers and resulting status.
//!
//! A trace is a tree of [`Node`]s, written as text, Markdown or JSON from the same tree, so
//! the three always say the same. docs/traceability.md documents the JSON shape.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use polic_syntax::ast::Date;
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::clause_id;
use crate::eval::{AppReport, Item, Report, Status, effective_facts, finding_due};
use crate::evidence::{CodeTag, Evidence, EvidenceSet, Finding, Outcome, ScanRun, Subject};
use crate::report::code_locations;
use crate::schema::{Clause, Control, RuleSet, Waiver};

/// Named in the JSON form; the version changes with any incompatible change of its shape.
pub const SCHEMA_NAME: &str = "polic-explain";
pub const SCHEMA_VERSION: u32 = 1;

/// What can be explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Control,
    Clause,
    Archetype,
    App,
}

impl Kind {
    pub fn parse(word: &str) -> Option<Kind> {
        Some(match word {
            "control" => Kind::Control,
            "clause" => Kind::Clause,
            "archetype" => Kind::Archetype,
            "app" => Kind::App,
            _ => return None,
        })
    }
}

/// Why nothing could be explained: what is wrong with the name, and the closest known name
/// (chosen as `polic check` chooses it for the same typo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    pub message: String,
    pub help: Option<String>,
    pub suggestion: Option<String>,
}

/// A profile's `exclude` that removes a clause, with the reason written there. The rule
/// set does not keep profiles, so the caller, who has the sources, supplies these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// `standard#id`, spelled as the rule set spells it.
    pub clause: String,
    pub profile: String,
    pub reason: Option<String>,
    /// Where the exclude names the clause (or what holds it).
    pub source: String,
    /// Whether the policy adopts the profile (directly or through another profile).
    pub adopted: bool,
}

/// Everything a trace is made from.
pub struct Context<'a> {
    /// The evaluation at the trace's date; its rule set is the one traced.
    pub report: &'a Report<'a>,
    pub evidence: &'a EvidenceSet,
    pub scans: &'a [ScanRun],
    /// Whether any evidence was given: without, statuses are not shown, since every one
    /// would only say that there is no evidence.
    pub evidence_named: bool,
    /// The tags found in the apps' sources, when they were scanned.
    pub code: Option<&'a [CodeTag]>,
    pub exclusions: &'a [Exclusion],
}

/// One line of a trace and what hangs under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// What the line is about: `clause`, `control`, `app`, `evidence`, ..., or `section`
    /// (a heading, in `name`) and `note` (a sentence, in `name`).
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Fields::is_empty")]
    pub fields: Fields,
    /// `file:line:column` of the definition, or `file:line` of an evidence record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

/// A node's properties, in the order they are written (a JSON object in that order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(pub Vec<(&'static str, String)>);

impl Fields {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl Serialize for Fields {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl Node {
    fn new(kind: &'static str) -> Node {
        Node {
            kind,
            name: None,
            title: None,
            fields: Fields::default(),
            source: None,
            children: Vec::new(),
        }
    }

    fn named(kind: &'static str, name: impl Into<String>) -> Node {
        Node {
            name: Some(name.into()),
            ..Node::new(kind)
        }
    }

    fn section(heading: impl Into<String>, children: Vec<Node>) -> Node {
        Node {
            children,
            ..Node::named("section", heading)
        }
    }

    fn note(text: impl Into<String>) -> Node {
        Node::named("note", text)
    }

    fn title(mut self, title: &Option<String>) -> Node {
        self.title.clone_from(title);
        self
    }

    fn field(mut self, key: &'static str, value: impl ToString) -> Node {
        self.fields.0.push((key, value.to_string()));
        self
    }

    fn field_if(self, key: &'static str, value: Option<impl ToString>) -> Node {
        match value {
            Some(value) => self.field(key, value),
            None => self,
        }
    }

    fn source(mut self, source: &str) -> Node {
        self.source = Some(source.to_string());
        self
    }

    fn child(mut self, child: Node) -> Node {
        self.children.push(child);
        self
    }

    /// A section, left out when it would be empty.
    fn section_if(self, heading: impl Into<String>, children: Vec<Node>) -> Node {
        if children.is_empty() {
            self
        } else {
            self.child(Node::section(heading, children))
        }
    }
}

/// A trace: its tree, and the evaluation it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    pub at: Date,
    pub evidence: bool,
    pub root: Node,
}

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    version: u32,
    at: String,
    evidence: bool,
    trace: &'a Node,
}

/// Field values that are free text: quoted in text, so that their commas are theirs.
const QUOTED: [&str; 3] = ["reason", "detail", "doc"];

impl Trace {
    /// For a terminal: one line per node, children indented under it.
    pub fn text(&self) -> String {
        let mut out = String::new();
        text_node(&mut out, &self.root, 0);
        out
    }

    /// For an audit pack: a heading, sections as subheadings, nodes as nested lists.
    pub fn markdown(&self) -> String {
        let root = &self.root;
        let mut out = format!("## {}\n\n", markdown_line(root));
        for child in &root.children {
            if child.kind == "section" {
                let _ = writeln!(
                    out,
                    "\n### {}\n",
                    escape(child.name.as_deref().unwrap_or(""))
                );
                for node in &child.children {
                    markdown_item(&mut out, node, 0);
                }
            } else {
                markdown_item(&mut out, child, 0);
            }
        }
        out
    }

    /// The documented JSON shape: `{schema, version, at, evidence, trace}`, `trace` the root
    /// node.
    pub fn json(&self) -> String {
        let document = Document {
            schema: SCHEMA_NAME,
            version: SCHEMA_VERSION,
            at: self.at.to_string(),
            evidence: self.evidence,
            trace: &self.root,
        };
        serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
    }
}

/// `kind name "title"  fields  source`, the fields as `key value` except the bare status
/// and the `= value` of a fact.
fn text_line(node: &Node) -> String {
    let mut line = node.kind.to_string();
    if let Some(name) = &node.name {
        let _ = write!(line, " {name}");
    }
    if let Some(title) = &node.title {
        let _ = write!(line, " \"{title}\"");
    }
    let fields: Vec<String> = node
        .fields
        .0
        .iter()
        .map(|(key, value)| match *key {
            "status" => value.clone(),
            "value" => format!("= {value}"),
            key if QUOTED.contains(&key) => format!("{} \"{value}\"", key.replace('_', " ")),
            key => format!("{} {value}", key.replace('_', " ")),
        })
        .collect();
    if !fields.is_empty() {
        let _ = write!(line, "  {}", fields.join(", "));
    }
    if let Some(source) = &node.source {
        let _ = write!(line, "  {source}");
    }
    line
}

fn text_node(out: &mut String, node: &Node, depth: usize) {
    let indent = "  ".repeat(depth);
    match node.kind {
        "section" => {
            let _ = writeln!(out, "\n{indent}{}", node.name.as_deref().unwrap_or(""));
        }
        "note" => {
            let _ = writeln!(out, "{indent}{}", node.name.as_deref().unwrap_or(""));
        }
        _ => {
            let _ = writeln!(out, "{indent}{}", text_line(node));
        }
    }
    for child in &node.children {
        text_node(out, child, depth + 1);
    }
}

/// Markdown's inline specials, escaped in free text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Code spans for names and locations: their text needs no escaping.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

fn markdown_line(node: &Node) -> String {
    if matches!(node.kind, "section" | "note") {
        let text = escape(node.name.as_deref().unwrap_or(""));
        return if node.kind == "section" {
            format!("**{text}**")
        } else {
            text
        };
    }
    let mut line = format!("{} ", node.kind);
    if let Some(name) = &node.name {
        let _ = write!(line, "{} ", code(name));
    }
    if let Some(title) = &node.title {
        let _ = write!(line, "\"{}\" ", escape(title));
    }
    let fields: Vec<String> = node
        .fields
        .0
        .iter()
        .map(|(key, value)| match *key {
            "status" => format!("**{}**", escape(value)),
            "value" => format!("= {}", code(value)),
            key => format!("{} {}", key.replace('_', " "), escape(value)),
        })
        .collect();
    if !fields.is_empty() {
        let _ = write!(line, "— {} ", fields.join(", "));
    }
    if let Some(source) = &node.source {
        let _ = write!(line, "({})", code(source));
    }
    line.trim_end().to_string()
}

fn markdown_item(out: &mut String, node: &Node, depth: usize) {
    let _ = writeln!(out, "{}- {}", "  ".repeat(depth), markdown_line(node));
    for child in &node.children {
        markdown_item(out, child, depth + 1);
    }
}

/// The trace of a definition.
pub fn explain(context: &Context, kind: Kind, name: &str) -> Result<Trace, NotFound> {
    let rules = context.report.rules;
    let names = |all: Vec<&str>| NotFound {
        message: format!("no {} `{name}` in the policy", kind_word(kind)),
        help: None,
        suggestion: polic_diagnostics::suggest::closest(name, all).map(str::to_string),
    };
    let tracer = Tracer::new(context);
    let root = match kind {
        Kind::Control => match rules.controls.iter().position(|c| c.name == name) {
            Some(c) => tracer.control_trace(c),
            None => {
                return Err(names(
                    rules.controls.iter().map(|c| c.name.as_str()).collect(),
                ));
            }
        },
        Kind::Clause => tracer.clause_trace(resolve_clause(rules, name)?),
        Kind::Archetype => match rules.archetypes.iter().position(|a| a.name == name) {
            Some(index) => tracer.archetype_trace(index),
            None => {
                return Err(names(
                    rules.archetypes.iter().map(|a| a.name.as_str()).collect(),
                ));
            }
        },
        Kind::App => match rules.apps.iter().position(|a| a.name == name) {
            Some(index) => tracer.app_trace(index),
            None => return Err(names(rules.apps.iter().map(|a| a.name.as_str()).collect())),
        },
    };
    Ok(Trace {
        at: context.report.at,
        evidence: context.evidence_named,
        root,
    })
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Control => "control",
        Kind::Clause => "clause",
        Kind::Archetype => "archetype",
        Kind::App => "app",
    }
}

/// A clause by `standard#id`, in any of the standard's spellings.
pub fn find_clause<'a>(rules: &'a RuleSet, reference: &str) -> Option<&'a Clause> {
    let (standard, id) = reference.split_once('#')?;
    let key = clause_id::normalize(id);
    rules
        .clauses
        .iter()
        .find(|c| c.standard == standard && clause_id::normalize(&c.id) == key)
}

/// A clause, or what is wrong with the reference, worded and suggested as `polic check`
/// does for the same reference in a policy: the standard first, then the id among the
/// standard's clauses by normalised key.
fn resolve_clause<'a>(rules: &'a RuleSet, reference: &str) -> Result<&'a Clause, NotFound> {
    let Some((standard, id)) = reference.split_once('#') else {
        return Err(NotFound {
            message: format!("`{reference}` is not a clause reference"),
            help: Some("write `standard#id`, as in `iso27001#A.8.8`".to_string()),
            suggestion: None,
        });
    };
    if let Some(clause) = find_clause(rules, reference) {
        return Ok(clause);
    }
    let standards: BTreeSet<&str> = rules.clauses.iter().map(|c| c.standard.as_str()).collect();
    if !standards.contains(standard) {
        return Err(NotFound {
            message: format!("unknown standard `{standard}`"),
            help: Some(
                "the policy neither defines nor imports it (`polic stdlib` lists the standard library's)"
                    .to_string(),
            ),
            suggestion: polic_diagnostics::suggest::closest(standard, standards)
                .map(|s| format!("{s}#{id}")),
        });
    }
    let keys: BTreeMap<String, &Clause> = rules
        .clauses
        .iter()
        .filter(|c| c.standard == standard)
        .map(|c| (clause_id::normalize(&c.id), c))
        .collect();
    let key = clause_id::normalize(id);
    Err(NotFound {
        message: format!("unknown clause `{id}` in standard `{standard}`"),
        help: None,
        suggestion: polic_diagnostics::suggest::closest(&key, keys.keys().map(String::as_str))
            .map(|k| keys[k].reference()),
    })
}

/// What a piece of evidence an item cites is, by its origin.
enum Record<'a> {
    Evidence(&'a Evidence),
    Finding(&'a Finding),
    Scan(&'a ScanRun),
}

/// Builds the nodes of a trace from one context, with evidence looked up by origin once.
struct Tracer<'a> {
    context: &'a Context<'a>,
    rules: &'a RuleSet,
    records: BTreeMap<&'a str, Record<'a>>,
}

impl<'a> Tracer<'a> {
    fn new(context: &'a Context<'a>) -> Tracer<'a> {
        let mut records = BTreeMap::new();
        for e in &context.evidence.evidence {
            records.insert(e.origin.as_str(), Record::Evidence(e));
        }
        for f in &context.evidence.findings {
            records.insert(f.origin.as_str(), Record::Finding(f));
        }
        for s in context.scans {
            records.insert(s.origin.as_str(), Record::Scan(s));
        }
        Tracer {
            context,
            rules: context.report.rules,
            records,
        }
    }

    /// What the evaluation rests on: the date and the evidence, or that there is none.
    fn basis(&self) -> Node {
        let set = self.context.evidence;
        if self.context.evidence_named {
            Node::note(format!(
                "evaluated at {} from {} evidence record(s), {} finding(s) and {} scanner run(s)",
                self.context.report.at,
                set.evidence.len(),
                set.findings.len(),
                self.context.scans.len()
            ))
        } else {
            Node::note(format!(
                "no evidence given: the structure only, waivers judged at {}; give `--evidence` or `--sarif`, or name them in polic.toml (`evidence`, `sarif`)",
                self.context.report.at
            ))
        }
    }

    /// A clause named by a control or a mapping: its title, weight and definition.
    fn clause_ref(&self, reference: &str) -> Node {
        let node = Node::named("clause", reference);
        match find_clause(self.rules, reference) {
            Some(c) => node
                .title(&c.title)
                .field(
                    "weight",
                    c.adopted
                        .as_ref()
                        .map_or("not adopted".to_string(), |a| a.weight.to_string()),
                )
                .field_if("group", (!c.group.is_empty()).then(|| c.group.join(" / ")))
                .source(&c.source),
            None => node,
        }
    }

    fn clause_trace(&self, clause: &Clause) -> Node {
        let reference = clause.reference();
        let mut root = Node::named("clause", &reference)
            .title(&clause.title)
            .source(&clause.source)
            .child(self.basis())
            .child(Node::named("standard", &clause.standard).title(&clause.standard_title));
        if !clause.group.is_empty() {
            root = root.child(Node::named("group", clause.group.join(" / ")));
        }
        if clause.withdrawn {
            root = root.child(Node::note("withdrawn from the standard"));
        }
        root = root.child(match &clause.adopted {
            Some(adoption) => {
                let when: Vec<String> = adoption.when.iter().map(ToString::to_string).collect();
                Node::new("adoption")
                    .field("status", "adopted")
                    .field("weight", adoption.weight)
                    .field(
                        "for",
                        if when.is_empty() {
                            "every app".to_string()
                        } else {
                            format!("apps where {}", when.join(" or "))
                        },
                    )
            }
            None => {
                let mut node = Node::new("adoption").field("status", "not adopted by the policy");
                for exclusion in self
                    .context
                    .exclusions
                    .iter()
                    .filter(|e| e.clause == reference)
                {
                    node = node.child(
                        Node::named("excluded-by", &exclusion.profile)
                            .field(
                                "reason",
                                exclusion.reason.as_deref().unwrap_or("none given"),
                            )
                            .field(
                                "profile",
                                if exclusion.adopted {
                                    "adopted by the policy"
                                } else {
                                    "not adopted by the policy"
                                },
                            )
                            .source(&exclusion.source),
                    );
                }
                node
            }
        });
        let mapped: Vec<Node> = self
            .rules
            .mappings
            .iter()
            .filter_map(|m| {
                let (direction, other) = if m.from == reference {
                    ("maps to", &m.to)
                } else if m.to == reference {
                    ("mapped from", &m.from)
                } else {
                    return None;
                };
                Some(
                    self.clause_ref(other)
                        .field("mapping", format!("{direction}, {}", m.source)),
                )
            })
            .collect();
        root = root.section_if("mapped to and from", mapped);
        let controls: Vec<Node> = self
            .rules
            .controls
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.satisfies.contains(&reference) || c.via_mappings.contains(&reference)
            })
            .map(|(c, control)| {
                let node = Node::named("control", &control.name).title(&control.title);
                let node = if control.satisfies.contains(&reference) {
                    node.field("satisfies", "directly")
                } else {
                    node.field(
                        "satisfies",
                        format!(
                            "through {}",
                            mapped_from(self.rules, control, &reference).join(", ")
                        ),
                    )
                };
                self.control_chain(node.source(&control.source), c)
            })
            .collect();
        if controls.is_empty() {
            root = root.child(Node::note("not covered: no control satisfies it"));
        } else {
            root = root.child(Node::section("satisfied by", controls));
        }
        if self.context.evidence_named
            && let Some(report) = self
                .context
                .report
                .clauses
                .iter()
                .find(|r| r.clause == reference)
        {
            root = root.child(
                Node::new("result")
                    .field("needed_by", plural(report.needed_by, "app"))
                    .field("met_by", plural(report.met_by, "app")),
            );
        }
        root
    }

    /// Under a control: its `applies-to` lines, the archetypes they reach (and which provide
    /// it), then the apps that must meet it, each with its evidence and status.
    fn control_chain(&self, node: Node, c: usize) -> Node {
        let control = &self.rules.controls[c];
        let mut node = node;
        for applies in &control.applies {
            node = node.child(
                Node::named("applies-to", applies.archetypes.join(", "))
                    .field_if("when", applies.when.as_ref())
                    .source(&applies.source),
            );
        }
        let archetypes: Vec<Node> = self
            .rules
            .archetypes
            .iter()
            .filter(|a| {
                control
                    .applies
                    .iter()
                    .any(|line| a.lineage.iter().any(|l| line.archetypes.contains(l)))
            })
            .map(|a| {
                Node::named("archetype", &a.name)
                    .field_if("provided_by", a.provides.get(&control.name))
                    .source(&a.source)
            })
            .collect();
        let apps: Vec<Node> = self
            .context
            .report
            .apps
            .iter()
            .filter_map(|a| self.app_under_control(a, c))
            .collect();
        let heading = format!("required of {}", plural(apps.len(), "app"));
        node.section_if("archetypes", archetypes)
            .section_if(heading, apps)
    }

    /// An app under one of the controls it must meet: through which archetype, whether the
    /// platform provides it, and the obligations' statuses with what they rest on.
    fn app_under_control(&self, app: &AppReport<'a>, c: usize) -> Option<Node> {
        let items: Vec<&Item> = app.items.iter().filter(|i| i.control_index == c).collect();
        let first = items.first()?;
        let node = Node::named("app", &app.app.name)
            .title(&app.app.title)
            .field("archetype", first.archetype)
            .field_if("provided_by", first.provided_by);
        Some(self.obligations(node, &items).source(&app.app.source))
    }

    /// The items of one control for one app: with evidence, the resulting status and one
    /// node per obligation; without, only the waivers (they are policy, not evidence).
    fn obligations(&self, node: Node, items: &[&Item]) -> Node {
        if !self.context.evidence_named {
            let mut waivers: BTreeMap<&str, Node> = BTreeMap::new();
            for item in items {
                if let Some(waiver) = item.waiver {
                    waivers
                        .entry(waiver.name.as_str())
                        .or_insert_with(|| waiver_node(waiver, item.status));
                }
            }
            return waivers.into_values().fold(node, Node::child);
        }
        let mut node = node.field_if("status", resulting(items).map(Status::as_str));
        for item in items {
            let obligation = &item.control.obligations[item.obligation];
            let mut child = Node::named("obligation", &obligation.name)
                .field("status", item.status.as_str())
                .field("priority", item.priority)
                .field_if("due", item.due)
                .field_if("detail", item.detail.as_deref());
            for origin in &item.evidence {
                child = child.child(self.record(origin, item));
            }
            if let Some(waiver) = item.waiver {
                child = child.child(waiver_node(waiver, item.status));
            }
            node = node.child(child);
        }
        node
    }

    /// A piece of evidence an item cites, with what an auditor checks of it.
    fn record(&self, origin: &str, item: &Item) -> Node {
        match self.records.get(origin) {
            Some(Record::Evidence(e)) => Node::new("evidence")
                .field_if(
                    "platform",
                    match &e.subject {
                        Subject::Archetype(a) => Some(a),
                        Subject::App(_) => None,
                    },
                )
                .field_if("tool", e.tool.as_deref())
                .field_if("version", e.tool_version.as_deref())
                .field(
                    "outcome",
                    match e.outcome {
                        Outcome::Pass => "pass",
                        Outcome::Fail => "fail",
                    },
                )
                .field("collected", e.collected)
                .field_if("commit", e.commit.as_deref())
                .field_if("expires", e.expires)
                .field_if("detail", e.detail.as_deref())
                .source(origin),
            Some(Record::Finding(f)) => Node::named("finding", &f.id)
                .field("severity", &f.severity)
                .field("first_seen", f.first_seen)
                .field_if("due", finding_due(item.control, f, self.context.report.at))
                .field_if("tool", f.tool.as_deref())
                .field_if("detail", f.detail.as_deref())
                .source(origin),
            Some(Record::Scan(s)) => Node::new("scan")
                .field("tool", &s.tool)
                .field_if("version", s.tool_version.as_deref())
                .field("collected", s.collected)
                .field(
                    "failing_rules",
                    if s.failing_rules.is_empty() {
                        "none".to_string()
                    } else {
                        s.failing_rules.join(" ")
                    },
                )
                .source(origin),
            None => Node::new("evidence").source(origin),
        }
    }

    fn control_trace(&self, c: usize) -> Node {
        let control = &self.rules.controls[c];
        let mut root = Node::named("control", &control.name)
            .title(&control.title)
            .field("weight", control.weight)
            .field_if("phase", control.phase.as_deref())
            .field_if("due", control.due_days.map(|d| format!("{d}d")))
            .field_if(
                "remediation",
                (!control.remediation.is_empty()).then(|| {
                    let windows: Vec<String> = control
                        .remediation
                        .iter()
                        .map(|(s, d)| format!("{s} {d}d"))
                        .collect();
                    windows.join(" ")
                }),
            )
            .source(&control.source)
            .child(self.basis());
        if let Some(doc) = &control.doc {
            root = root.child(Node::new("doc").field("doc", doc));
        }
        let satisfies = control
            .satisfies
            .iter()
            .map(|c| self.clause_ref(c))
            .collect();
        let mapped = control
            .via_mappings
            .iter()
            .map(|clause| {
                self.clause_ref(clause).field(
                    "through",
                    mapped_from(self.rules, control, clause).join(", "),
                )
            })
            .collect();
        let obligations = control
            .obligations
            .iter()
            .map(|obligation| {
                let mut node = Node::named("obligation", &obligation.name)
                    .title(&obligation.title)
                    .source(&obligation.source);
                for verify in &obligation.verify {
                    node = node.child(
                        Node::named("verify", &verify.kind)
                            .field_if("subject", verify.subject.as_deref())
                            .field_if(
                                "rules",
                                (!verify.rules.is_empty()).then(|| verify.rules.join(" ")),
                            ),
                    );
                }
                node
            })
            .collect();
        let root = root
            .section_if("satisfies", satisfies)
            .section_if("and through mappings", mapped)
            .section_if("obligations", obligations);
        self.control_chain(root, c)
    }

    fn archetype_trace(&self, index: usize) -> Node {
        let archetype = &self.rules.archetypes[index];
        let root = Node::named("archetype", &archetype.name)
            .title(&archetype.title)
            .field_if(
                "extends",
                (archetype.lineage.len() > 1).then(|| archetype.lineage[1..].join(" → ")),
            )
            .source(&archetype.source)
            .child(self.basis());
        let facts = archetype
            .facts
            .iter()
            .map(|(fact, value)| Node::named("fact", fact).field("value", value))
            .collect();
        let of_archetype = |app: &AppReport| {
            app.app.archetypes.iter().any(|a| {
                self.rules
                    .archetypes
                    .iter()
                    .any(|r| r.name == *a && r.lineage.contains(&archetype.name))
            })
        };
        let mut controls = Vec::new();
        for (c, control) in self.rules.controls.iter().enumerate() {
            let lines: Vec<String> = control
                .applies
                .iter()
                .filter(|a| archetype.lineage.iter().any(|l| a.archetypes.contains(l)))
                .map(|a| format!("{a}, {}", a.source))
                .collect();
            if lines.is_empty() {
                continue;
            }
            let node = Node::named("control", &control.name)
                .title(&control.title)
                .field("applies", lines.join("; "))
                .field_if("provided_by", archetype.provides.get(&control.name))
                .source(&control.source);
            let apps = self
                .context
                .report
                .apps
                .iter()
                .filter(|a| of_archetype(a))
                .filter_map(|a| self.app_under_control(a, c));
            controls.push(apps.fold(node, Node::child));
        }
        let apps: Vec<Node> = self
            .context
            .report
            .apps
            .iter()
            .filter(|a| of_archetype(a))
            .map(|a| {
                Node::named("app", &a.app.name)
                    .title(&a.app.title)
                    .source(&a.app.source)
            })
            .collect();
        let heading = format!("apps ({})", apps.len());
        root.section_if("facts (fixed for every app of it)", facts)
            .section_if("controls", controls)
            .section_if(heading, apps)
    }

    fn app_trace(&self, index: usize) -> Node {
        let report = &self.context.report.apps[index];
        let app = report.app;
        let mut root = Node::named("app", &app.name)
            .title(&app.title)
            .field("archetype", app.archetypes.join(", "))
            .field_if("owner", app.owner.as_deref())
            .field_if("unit", app.unit.as_deref())
            .source(&app.source)
            .child(self.basis());
        let facts = effective_facts(self.rules, &app.archetypes, &app.facts)
            .iter()
            .map(|(fact, value)| {
                let origin = if app.facts.contains_key(fact) {
                    "the app"
                } else if self
                    .rules
                    .archetypes
                    .iter()
                    .any(|a| app.archetypes.contains(&a.name) && a.facts.contains_key(fact))
                {
                    "its archetype"
                } else {
                    "default"
                };
                Node::named("fact", fact)
                    .field("value", value)
                    .field("from", origin)
            })
            .collect();
        root = root.section_if("facts", facts);
        let code = self.context.code;
        let mut by_control: BTreeMap<usize, Vec<&Item>> = BTreeMap::new();
        for item in &report.items {
            by_control.entry(item.control_index).or_default().push(item);
        }
        let mut required = Vec::new();
        for (c, mut items) in by_control {
            items.sort_by_key(|i| i.obligation);
            let control = &self.rules.controls[c];
            let first = items[0];
            let applies = &control.applies[first.line];
            let mut node = Node::named("control", &control.name)
                .title(&control.title)
                .field("weight", control.weight)
                .field_if("provided_by", first.provided_by)
                .field("because", format!("{applies}, {}", applies.source));
            if let Some(code) = code {
                let locations = code_locations(
                    code.iter()
                        .filter(|t| t.app == app.name && t.control == control.name),
                );
                node = node.field(
                    "in_code",
                    if locations.is_empty() {
                        "no tag".to_string()
                    } else {
                        locations
                    },
                );
            }
            required.push(self.obligations(node.source(&control.source), &items));
        }
        root = root.section_if("required controls", required);
        let unrequired: Vec<Node> = code
            .unwrap_or_default()
            .iter()
            .filter(|t| {
                t.app == app.name && !report.items.iter().any(|i| i.control.name == t.control)
            })
            .map(|tag| Node::named(tag.verb.as_str(), &tag.control).source(&tag.origin))
            .collect();
        root.section_if("tags that name no control it requires", unrequired)
    }
}

/// The clauses of `satisfies` through which a control satisfies a mapped clause.
fn mapped_from<'r>(rules: &'r RuleSet, control: &Control, clause: &str) -> Vec<&'r str> {
    rules
        .mappings
        .iter()
        .filter_map(|m| {
            if m.to == clause && control.satisfies.contains(&m.from) {
                Some(m.from.as_str())
            } else if m.from == clause && control.satisfies.contains(&m.to) {
                Some(m.to.as_str())
            } else {
                None
            }
        })
        .collect()
}

/// One status for a control's obligations in one app: the most urgent of them, so that a
/// control holds only when every obligation does.
fn resulting(items: &[&Item]) -> Option<Status> {
    const URGENCY: [Status; 7] = [
        Status::Overdue,
        Status::WaiverExpired,
        Status::Stale,
        Status::Unmet,
        Status::Waived,
        Status::Provided,
        Status::Met,
    ];
    URGENCY
        .into_iter()
        .find(|s| items.iter().any(|i| i.status == *s))
}

fn waiver_node(waiver: &Waiver, status: Status) -> Node {
    Node::named("waiver", &waiver.name)
        .field(
            "status",
            if status == Status::WaiverExpired {
                "expired"
            } else {
                "in force"
            },
        )
        .field_if("reason", waiver.reason.as_deref())
        .field_if("requested_by", waiver.requested_by.as_deref())
        .field_if("approved_by", waiver.approved_by.as_deref())
        .field_if("expires", waiver.expires.as_deref())
        .source(&waiver.source)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
