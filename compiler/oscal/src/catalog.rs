//! An OSCAL catalog read into what polic keeps of it: groups, controls (enhancements
//! included), titles, parameters, withdrawal and statement text.

use std::collections::BTreeMap;

use crate::json::{Node, Problems, Props};
use crate::source;

/// What a document's `metadata` says about it.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub title: String,
    pub version: Option<String>,
    pub oscal_version: String,
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub metadata: Metadata,
    /// Top-level groups and controls, in document order.
    pub members: Vec<Member>,
}

#[derive(Debug, Clone)]
pub enum Member {
    Group(Group),
    Control(Control),
}

#[derive(Debug, Clone)]
pub struct Group {
    /// The OSCAL id, when the group has one (it is optional).
    pub id: Option<String>,
    pub title: String,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub params: Vec<Param>,
    pub withdrawn: Option<Withdrawal>,
    /// The statement, flattened to one line (parameters shown as `[Assignment: ...]`).
    pub statement: Option<String>,
    /// Enhancements (controls nested in this one), in document order.
    pub controls: Vec<Control>,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub id: String,
    /// The label, or for a choice its options, as NIST prints them.
    pub label: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Withdrawal {
    /// Controls of this catalog the control was incorporated into or moved to.
    pub into: Vec<String>,
    /// Targets of those links that are not a control: a group, or something outside.
    pub elsewhere: Vec<String>,
}

impl Catalog {
    /// Every control, enhancements right after their base control, in document order.
    pub fn controls(&self) -> Vec<&Control> {
        fn walk<'a>(members: &'a [Member], out: &mut Vec<&'a Control>) {
            for member in members {
                match member {
                    Member::Group(group) => walk(&group.members, out),
                    Member::Control(control) => control.walk(out),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.members, &mut out);
        out
    }

    /// Controls by id.
    pub fn index(&self) -> BTreeMap<&str, &Control> {
        self.controls()
            .into_iter()
            .map(|c| (c.id.as_str(), c))
            .collect()
    }
}

impl Control {
    /// This control and its enhancements, depth first.
    pub fn walk<'a>(&'a self, out: &mut Vec<&'a Control>) {
        out.push(self);
        for child in &self.controls {
            child.walk(out);
        }
    }
}

/// Reads the `metadata` every OSCAL document has.
pub fn metadata(document: &Node<'_>, problems: &mut Problems) -> Metadata {
    let Some(node) = document.required("metadata", problems) else {
        return Metadata::default();
    };
    if !node.object(problems) {
        return Metadata::default();
    }
    let oscal_version = node
        .required_str("oscal-version", problems)
        .unwrap_or_default()
        .to_string();
    if !oscal_version.is_empty() && !supported_version(&oscal_version) {
        problems.add(
            &format!("{}.oscal-version", node.path),
            format!("OSCAL {oscal_version} is not supported: polic reads OSCAL 1.0 to 1.2"),
        );
    }
    Metadata {
        title: node
            .required_str("title", problems)
            .unwrap_or_default()
            .to_string(),
        version: node.optional_str("version", problems).map(str::to_string),
        oscal_version,
        last_modified: node
            .required_str("last-modified", problems)
            .map(str::to_string),
    }
}

fn supported_version(version: &str) -> bool {
    let version = version.strip_prefix('v').unwrap_or(version);
    ["1.0.", "1.1.", "1.2."]
        .iter()
        .any(|minor| version.starts_with(minor))
}

/// What reading needs to remember across the tree: every id seen (to report duplicates
/// and resolve links), parameters (statements may insert those of other controls) and the
/// withdrawal links, resolved once every id is known.
#[derive(Default)]
struct Reader {
    /// Control ids and where each was first seen.
    controls: BTreeMap<String, String>,
    /// Ids of parts (statement items, ...), with the control each belongs to.
    parts: BTreeMap<String, String>,
    groups: BTreeMap<String, String>,
    params: BTreeMap<String, RawParam>,
    /// `incorporated-into` and `moved-to` targets of withdrawn controls, by control id.
    links: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone)]
enum RawParam {
    Label(String),
    Select { many: bool, choices: Vec<String> },
    Unlabelled,
}

/// Reads `$.catalog`. Problems are collected; the catalog is returned whatever they are, so
/// that every problem of a file is reported at once.
pub fn read(catalog: &Node<'_>, problems: &mut Problems) -> Catalog {
    let mut reader = Reader::default();
    let metadata = metadata(catalog, problems);
    let mut members = reader.members(catalog, problems);
    if members.is_empty() && problems.0.is_empty() {
        problems.add(&catalog.path, "the catalog has no controls");
    }
    reader.resolve(&mut members);
    Catalog { metadata, members }
}

impl Reader {
    fn members(&mut self, parent: &Node<'_>, problems: &mut Problems) -> Vec<Member> {
        let mut members = Vec::new();
        for node in parent.array("controls", problems) {
            if let Some(control) = self.control(&node, problems) {
                members.push(Member::Control(control));
            }
        }
        for node in parent.array("groups", problems) {
            if !node.object(problems) {
                continue;
            }
            let id = node.optional_str("id", problems).map(str::to_string);
            if let Some(id) = &id
                && let Some(first) = self.groups.insert(id.clone(), node.path.clone())
            {
                problems.add(
                    &format!("{}.id", node.path),
                    format!("duplicate group id `{id}` (first at {first}.id)"),
                );
            }
            let title = node
                .required_str("title", problems)
                .unwrap_or_default()
                .to_string();
            let group_members = self.members(&node, problems);
            members.push(Member::Group(Group {
                id,
                title,
                members: group_members,
            }));
        }
        members
    }

    fn control(&mut self, node: &Node<'_>, problems: &mut Problems) -> Option<Control> {
        if !node.object(problems) {
            return None;
        }
        let id = node.required_str("id", problems);
        let title = node.required_str("title", problems);
        if let Some(id) = id {
            let at = format!("{}.id", node.path);
            if !source::is_clause_id(id) {
                problems.add(
                    &at,
                    format!("`{id}` cannot be a polic clause id (letters, digits, `.`, `-`, `_`, `(`, `)`, starting with a letter or digit)"),
                );
            } else if let Some(first) = self.controls.insert(id.to_string(), at.clone()) {
                problems.add(
                    &at,
                    format!("duplicate control id `{id}` (first at {first})"),
                );
            }
        }
        let withdrawn = node
            .props("status", problems)
            .iter()
            .any(|status| status.eq_ignore_ascii_case("withdrawn"));
        let mut links = Vec::new();
        for link in node.array("links", problems) {
            if !link.object(problems) {
                continue;
            }
            let href = link.required_str("href", problems);
            let rel = link.optional_str("rel", problems);
            if let (Some(href), Some("incorporated-into" | "moved-to")) = (href, rel) {
                links.push(href.to_string());
            }
        }
        let params = self.params(node, problems);
        let mut statement = Vec::new();
        for part in node.array("parts", problems) {
            self.part(&part, id.unwrap_or_default(), &mut statement, problems);
        }
        let controls = node
            .array("controls", problems)
            .iter()
            .filter_map(|child| self.control(child, problems))
            .collect();
        let (id, title) = (id?.to_string(), title?.to_string());
        if withdrawn {
            self.links.insert(id.clone(), links);
        }
        Some(Control {
            id,
            title,
            params,
            withdrawn: withdrawn.then(Withdrawal::default),
            statement: (!statement.is_empty()).then(|| statement.join(" ")),
            controls,
        })
    }

    fn params(&mut self, node: &Node<'_>, problems: &mut Problems) -> Vec<Param> {
        let mut params = Vec::new();
        for param in node.array("params", problems) {
            if !param.object(problems) {
                continue;
            }
            let Some(id) = param.required_str("id", problems) else {
                continue;
            };
            let raw = if let Some(label) = param.optional_str("label", problems) {
                RawParam::Label(label.to_string())
            } else if let Some(select) = param.get("select")
                && select.object(problems)
            {
                let many = select.optional_str("how-many", problems) == Some("one-or-more");
                let choices = select
                    .array("choice", problems)
                    .iter()
                    .filter_map(|c| c.string(problems).map(str::to_string))
                    .collect();
                RawParam::Select { many, choices }
            } else {
                RawParam::Unlabelled
            };
            self.params.insert(id.to_string(), raw);
            params.push(Param {
                id: id.to_string(),
                label: None,
            });
        }
        params
    }

    /// Collects part ids, and the text of the statement with its items' labels.
    fn part(
        &mut self,
        node: &Node<'_>,
        control: &str,
        text: &mut Vec<String>,
        problems: &mut Problems,
    ) {
        if !node.object(problems) {
            return;
        }
        if let Some(id) = node.optional_str("id", problems) {
            self.parts.insert(id.to_string(), control.to_string());
        }
        let name = node.required_str("name", problems).unwrap_or_default();
        if name != "statement" && name != "item" {
            // Guidance, objectives and the like: not the statement. Their ids still count.
            self.part_ids(node, control, problems);
            return;
        }
        let label = node.props("label", problems).first().map(|l| l.to_string());
        let prose = node.optional_str("prose", problems);
        let line: Vec<&str> = label.iter().map(String::as_str).chain(prose).collect();
        if !line.is_empty() {
            text.push(line.join(" "));
        }
        for child in node.array("parts", problems) {
            self.part(&child, control, text, problems);
        }
    }

    fn part_ids(&mut self, node: &Node<'_>, control: &str, problems: &mut Problems) {
        for child in node.array("parts", problems) {
            if !child.object(problems) {
                continue;
            }
            if let Some(id) = child.optional_str("id", problems) {
                self.parts.insert(id.to_string(), control.to_string());
            }
            self.part_ids(&child, control, problems);
        }
    }

    /// Fills in what needed every id: parameter texts and withdrawal targets.
    fn resolve(&self, members: &mut [Member]) {
        for member in members {
            match member {
                Member::Group(group) => self.resolve(&mut group.members),
                Member::Control(control) => self.resolve_control(control),
            }
        }
    }

    fn resolve_control(&self, control: &mut Control) {
        for param in &mut control.params {
            param.label = self.param_text(&param.id, 0).map(|(_, text)| text);
        }
        if let Some(statement) = &control.statement {
            control.statement = Some(self.insert_params(statement, 0));
        }
        if let Some(withdrawal) = &mut control.withdrawn {
            for href in self.links.get(&control.id).into_iter().flatten() {
                let Some(target) = href.strip_prefix('#') else {
                    withdrawal.elsewhere.push(href.clone());
                    continue;
                };
                // A link to a statement item means the control holding it.
                let owner = if self.controls.contains_key(target) {
                    Some(target)
                } else {
                    self.parts.get(target).map(String::as_str)
                };
                match owner {
                    Some(owner) if owner != control.id => {
                        if !withdrawal.into.iter().any(|i| i == owner) {
                            withdrawal.into.push(owner.to_string());
                        }
                    }
                    _ if self.groups.contains_key(target) => {
                        withdrawal.elsewhere.push(format!("group `{target}`"));
                    }
                    _ => withdrawal.elsewhere.push(href.clone()),
                }
            }
        }
        for child in &mut control.controls {
            self.resolve_control(child);
        }
    }

    /// A parameter as NIST prints it: its label, or `Selection (one or more): a; b`, and
    /// whether it is a selection.
    fn param_text(&self, id: &str, depth: usize) -> Option<(bool, String)> {
        match self.params.get(id)? {
            RawParam::Label(label) => Some((false, self.insert_params(label, depth + 1))),
            RawParam::Select { many, choices } => {
                let choices: Vec<String> = choices
                    .iter()
                    .map(|c| self.insert_params(c, depth + 1))
                    .collect();
                let how = if *many { " (one or more)" } else { "" };
                Some((true, format!("Selection{how}: {}", choices.join("; "))))
            }
            RawParam::Unlabelled => None,
        }
    }

    /// Replaces `{{ insert: param, ID }}` with `[Assignment: LABEL]` or `[Selection: ...]`.
    fn insert_params(&self, text: &str, depth: usize) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start..].find("}}") else {
                break;
            };
            out.push_str(&rest[..start]);
            let inner = &rest[start + 2..start + len];
            let param = inner
                .split_once(':')
                .filter(|(kind, _)| kind.trim() == "insert")
                .and_then(|(_, what)| what.split_once(','))
                .filter(|(kind, _)| kind.trim() == "param")
                .map(|(_, id)| id.trim());
            // Parameters that insert each other cannot loop forever in a malformed file.
            let text = param
                .filter(|_| depth < 8)
                .and_then(|id| self.param_text(id, depth));
            match (param, text) {
                (_, Some((true, selection))) => out.push_str(&format!("[{selection}]")),
                (_, Some((false, label))) => out.push_str(&format!("[Assignment: {label}]")),
                (Some(id), None) => out.push_str(&format!("[{id}]")),
                (None, None) => out.push_str(&rest[start..start + len + 2]),
            }
            rest = &rest[start + len + 2..];
        }
        out.push_str(rest);
        out
    }
}
