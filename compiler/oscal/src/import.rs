//! OSCAL to polic source: a catalog becomes a `standard`, a profile a `profile`, and a
//! component definition one `profile` per component (the clauses it implements).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::catalog::{self, Catalog, Control, Member, Metadata};
use crate::json::{Node, Problem, Problems};
use crate::source;

/// The namespace of the props polic writes into OSCAL (and reads back).
pub const POLIC_NAMESPACE: &str = "urn:polic";

#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    /// Keep each control's statement as the clause's `text`.
    pub with_text: bool,
    /// The name of the standard or profile written; by default made from the file name.
    pub name: Option<String>,
    /// Its title; by default the document's `metadata.title`.
    pub title: Option<String>,
    /// The standard a profile or component definition selects from; by default the name
    /// of `catalog`, else made from the document's import (or source) reference.
    pub standard: Option<String>,
    /// The catalog a profile selects from, with the name it was imported under: patterns
    /// and `with-child-controls` are expanded against it, and every id is checked.
    pub catalog: Option<(String, &'a Catalog)>,
}

/// The OSCAL models polic imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Catalog,
    Profile,
    ComponentDefinition,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Catalog => "catalog",
            Kind::Profile => "profile",
            Kind::ComponentDefinition => "component definition",
        }
    }
}

/// polic source made from an OSCAL document.
#[derive(Debug, Clone)]
pub struct Imported {
    pub text: String,
    /// One line about what was written, for the terminal.
    pub summary: String,
}

/// The root key of each OSCAL model, and whether polic imports it.
const MODELS: &[(&str, Option<Kind>)] = &[
    ("catalog", Some(Kind::Catalog)),
    ("profile", Some(Kind::Profile)),
    ("component-definition", Some(Kind::ComponentDefinition)),
    ("system-security-plan", None),
    ("assessment-plan", None),
    ("assessment-results", None),
    ("plan-of-action-and-milestones", None),
    ("mapping-collection", None),
];

/// Which model a document holds, at its root.
fn model<'a>(root: &Node<'a>, problems: &mut Problems) -> Option<(Kind, Node<'a>)> {
    if !root.object(problems) {
        return None;
    }
    for (key, kind) in MODELS {
        let Some(node) = root.get(key) else { continue };
        return match kind {
            Some(kind) => node.object(problems).then_some((*kind, node)),
            None => {
                problems.add(
                    &node.path,
                    format!(
                        "an OSCAL {key}: polic imports catalogs, profiles and component definitions"
                    ),
                );
                None
            }
        };
    }
    problems.add(
        &root.path,
        "not an OSCAL document: expected one of `catalog`, `profile` or `component-definition` at the top",
    );
    None
}

/// Reads a catalog, for `--catalog`.
pub fn read_catalog(json: &Value) -> Result<Catalog, Vec<Problem>> {
    let mut problems = Problems::default();
    let root = Node::root(json);
    let catalog = match model(&root, &mut problems) {
        Some((Kind::Catalog, node)) => Some(catalog::read(&node, &mut problems)),
        Some((kind, node)) => {
            problems.add(
                &node.path,
                format!("an OSCAL {}, where a catalog was expected", kind.as_str()),
            );
            None
        }
        None => None,
    };
    match catalog {
        Some(catalog) if problems.0.is_empty() => Ok(catalog),
        _ => Err(problems.0),
    }
}

/// Turns an OSCAL document into polic source. `file` is the document's file name, shown in
/// the header and used for the default name.
pub fn import(json: &Value, file: &str, options: &Options<'_>) -> Result<Imported, Vec<Problem>> {
    let mut problems = Problems::default();
    let root = Node::root(json);
    let imported = match model(&root, &mut problems) {
        Some((Kind::Catalog, node)) => {
            let catalog = catalog::read(&node, &mut problems);
            Some(write_standard(&catalog, file, options, &mut problems))
        }
        Some((Kind::Profile, node)) => Some(profile(&node, file, options, &mut problems)),
        Some((Kind::ComponentDefinition, node)) => {
            Some(component_definition(&node, file, options, &mut problems))
        }
        None => None,
    };
    match imported {
        Some(mut imported) if problems.0.is_empty() => {
            imported.text = polic_fmt::format(&imported.text, &polic_fmt::Options::default())
                .map_err(|refusal| {
                    vec![Problem {
                        path: "$".to_string(),
                        message: format!(
                            "polic wrote source it cannot read back, a bug: {refusal}"
                        ),
                    }]
                })?;
            Ok(imported)
        }
        _ => Err(problems.0),
    }
}

/// A polic name for what a file or reference holds: its last path segment without
/// extensions, as an identifier (`NIST_SP-800-53_rev5_catalog.json` gives
/// `nist_sp-800-53_rev5_catalog`).
pub fn name_from_reference(reference: &str) -> String {
    let last = reference
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(reference)
        .split(['#', '?'])
        .next()
        .unwrap_or_default();
    let stem = match last.split_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => last,
    };
    source::identifier_from(stem, "oscal")
}

fn header(out: &mut String, kind: Kind, file: &str, metadata: &Metadata) {
    source::comment(
        out,
        "//",
        &format!(
            "Imported from the OSCAL {} {file} by `polic import oscal`.\n{}",
            kind.as_str(),
            describe(metadata)
        ),
    );
    out.push('\n');
}

/// `"TITLE", version V, OSCAL X, last modified D.`
fn describe(metadata: &Metadata) -> String {
    let mut parts = vec![format!("\"{}\"", metadata.title)];
    parts.extend(metadata.version.as_ref().map(|v| format!("version {v}")));
    parts.push(format!("OSCAL {}", metadata.oscal_version));
    parts.extend(
        metadata
            .last_modified
            .as_ref()
            .map(|d| format!("last modified {d}")),
    );
    format!("{}.", parts.join(", "))
}

fn validated_name(
    given: Option<&String>,
    default: impl FnOnce() -> String,
    what: &str,
    problems: &mut Problems,
) -> String {
    match given {
        Some(name) if !source::is_identifier(name) => {
            problems.add(
                "$",
                format!("`{name}` cannot name a {what}: use letters, digits, `_` and single `-` (not a reserved word)"),
            );
            name.clone()
        }
        Some(name) => name.clone(),
        None => default(),
    }
}

// ---- catalog → standard -------------------------------------------------------------

fn write_standard(
    catalog: &Catalog,
    file: &str,
    options: &Options<'_>,
    problems: &mut Problems,
) -> Imported {
    let name = validated_name(
        options.name.as_ref(),
        || name_from_reference(file),
        "standard",
        problems,
    );
    let title = options.title.as_ref().unwrap_or(&catalog.metadata.title);
    let mut out = String::new();
    header(&mut out, Kind::Catalog, file, &catalog.metadata);
    source::doc(
        &mut out,
        "",
        &format!("{}.", catalog.metadata.title.trim_end_matches('.')),
    );
    out.push_str(&format!("standard {name} {} {{\n", source::quote(title)));
    if let Some(version) = &catalog.metadata.version {
        out.push_str(&format!("  version {}\n", source::quote(version)));
    }
    let mut names = BTreeSet::new();
    write_members(
        &mut out,
        "  ",
        &catalog.members,
        options.with_text,
        &mut names,
    );
    out.push_str("}\n");
    let controls = catalog.controls();
    let withdrawn = controls.iter().filter(|c| c.withdrawn.is_some()).count();
    Imported {
        text: out,
        summary: format!(
            "standard `{name}`: {} clauses ({withdrawn} withdrawn)",
            controls.len()
        ),
    }
}

fn write_members(
    out: &mut String,
    indent: &str,
    members: &[Member],
    with_text: bool,
    names: &mut BTreeSet<String>,
) {
    for member in members {
        match member {
            Member::Control(control) => {
                let mut all = Vec::new();
                control.walk(&mut all);
                for control in all {
                    write_clause(out, indent, control, with_text);
                }
            }
            Member::Group(group) => {
                // Groups stand apart: a blank line before each, as in the standard library.
                out.push('\n');
                let base =
                    source::identifier_from(group.id.as_deref().unwrap_or(&group.title), "g");
                let mut name = base.clone();
                let mut n = 2;
                while !names.insert(name.clone()) {
                    name = format!("{base}-{n}");
                    n += 1;
                }
                out.push_str(&format!(
                    "{indent}group {name} {} {{\n",
                    source::quote(&group.title)
                ));
                write_members(
                    out,
                    &format!("{indent}  "),
                    &group.members,
                    with_text,
                    names,
                );
                out.push_str(&format!("{indent}}}\n"));
            }
        }
    }
}

fn write_clause(out: &mut String, indent: &str, control: &Control, with_text: bool) {
    let head = format!(
        "{indent}clause #{} {}",
        control.id,
        source::quote(&control.title)
    );
    if let Some(withdrawal) = &control.withdrawn {
        if !withdrawal.elsewhere.is_empty() {
            source::doc(
                out,
                indent,
                &format!(
                    "Withdrawn; incorporated into or moved to {}, not a single clause.",
                    withdrawal.elsewhere.join(", ")
                ),
            );
        }
        let into: Vec<String> = withdrawal.into.iter().map(|t| format!("#{t}")).collect();
        if into.is_empty() {
            out.push_str(&format!("{head} {{ withdrawn }}\n"));
        } else {
            out.push_str(&format!(
                "{head} {{ withdrawn into {} }}\n",
                into.join(", ")
            ));
        }
        return;
    }
    let mut props = Vec::new();
    if with_text && let Some(statement) = &control.statement {
        props.push(format!("text {}", source::quote(statement)));
    }
    for param in &control.params {
        match &param.label {
            Some(label) => props.push(format!(
                "param {} {}",
                source::quote(&param.id),
                source::quote(label)
            )),
            None => props.push(format!("param {}", source::quote(&param.id))),
        }
    }
    if props.is_empty() {
        out.push_str(&format!("{head}\n"));
        return;
    }
    out.push_str(&format!("{head} {{\n"));
    for prop in props {
        out.push_str(&format!("{indent}  {prop}\n"));
    }
    out.push_str(&format!("{indent}}}\n"));
}

// ---- profile → profile --------------------------------------------------------------

/// A back-matter resource: what a `#uuid` reference can name.
struct Resource {
    title: Option<String>,
    /// The polic standard it stands for, when polic wrote it.
    standard: Option<String>,
    hrefs: Vec<String>,
}

fn back_matter(document: &Node<'_>, problems: &mut Problems) -> BTreeMap<String, Resource> {
    let mut resources = BTreeMap::new();
    let Some(back_matter) = document.get("back-matter") else {
        return resources;
    };
    for resource in back_matter.array("resources", problems) {
        if !resource.object(problems) {
            continue;
        }
        let Some(uuid) = resource.required_str("uuid", problems) else {
            continue;
        };
        let standard = resource
            .array("props", problems)
            .iter()
            .find(|p| {
                p.value.get("ns").and_then(Value::as_str) == Some(POLIC_NAMESPACE)
                    && p.value.get("name").and_then(Value::as_str) == Some("standard")
            })
            .and_then(|p| p.value.get("value").and_then(Value::as_str))
            .map(str::to_string);
        let hrefs = resource
            .array("rlinks", problems)
            .iter()
            .filter_map(|link| link.required_str("href", problems).map(str::to_string))
            .collect();
        resources.insert(
            uuid.to_string(),
            Resource {
                title: resource.optional_str("title", problems).map(str::to_string),
                standard,
                hrefs,
            },
        );
    }
    resources
}

/// The standard a reference (an import's `href`, a control implementation's `source`)
/// stands for: `--standard`, else the `--catalog`'s name, else what the reference names.
fn standard_for(
    reference: &Node<'_>,
    href: &str,
    resources: &BTreeMap<String, Resource>,
    options: &Options<'_>,
    problems: &mut Problems,
) -> String {
    if let Some(standard) = &options.standard {
        return standard.clone();
    }
    if let Some((name, _)) = &options.catalog {
        return name.clone();
    }
    let Some(uuid) = href.strip_prefix('#') else {
        return name_from_reference(href);
    };
    let Some(resource) = resources.get(uuid) else {
        problems.add(
            &reference.path,
            format!("`{href}` names no resource in `back-matter`"),
        );
        return String::new();
    };
    if let Some(standard) = &resource.standard {
        return standard.clone();
    }
    // Of a resource's links (one per format), a JSON one is what polic would read.
    let link = resource
        .hrefs
        .iter()
        .find(|h| h.ends_with(".json"))
        .or(resource.hrefs.first());
    match (link, &resource.title) {
        (Some(link), _) => name_from_reference(link),
        (None, Some(title)) => source::identifier_from(title, "oscal"),
        (None, None) => {
            problems.add(
                &reference.path,
                format!("the resource `{href}` names no catalog: give --catalog or --standard"),
            );
            String::new()
        }
    }
}

/// What a profile keeps of one `include-controls` or `exclude-controls` entry.
#[derive(Default)]
struct Selected {
    ids: Vec<String>,
    /// Withdrawn ids named one by one, with their replacements: left out of includes.
    withdrawn: Vec<(String, Vec<String>)>,
}

fn selection(
    node: &Node<'_>,
    catalog: Option<&(String, &Catalog)>,
    selected: &mut Selected,
    problems: &mut Problems,
) {
    if !node.object(problems) {
        return;
    }
    let index = catalog.map(|(_, c)| c.index());
    let children = match node.optional_str("with-child-controls", problems) {
        None | Some("no") => false,
        Some("yes") => true,
        Some(other) => {
            problems.add(
                &format!("{}.with-child-controls", node.path),
                format!("`{other}`: expected `yes` or `no`"),
            );
            false
        }
    };
    if children && index.is_none() {
        problems.add(
            &format!("{}.with-child-controls", node.path),
            "`yes` needs the catalog to find the children: give --catalog",
        );
    }
    // Adds a control and, when asked, its current (not withdrawn) descendants.
    let add = |control: &Control, named: bool, selected: &mut Selected| {
        if let Some(withdrawal) = &control.withdrawn {
            if named {
                selected
                    .withdrawn
                    .push((control.id.clone(), withdrawal.into.clone()));
            }
        } else {
            selected.ids.push(control.id.clone());
        }
        if children {
            let mut all = Vec::new();
            control.walk(&mut all);
            selected.ids.extend(
                all.iter()
                    .skip(1)
                    .filter(|c| c.withdrawn.is_none())
                    .map(|c| c.id.clone()),
            );
        }
    };
    for id in node.array("with-ids", problems) {
        let Some(text) = id.string(problems) else {
            continue;
        };
        match &index {
            Some(index) => match index.get(text) {
                Some(control) => add(control, true, selected),
                None => problems.add(&id.path, format!("no control `{text}` in the catalog")),
            },
            _ if source::is_clause_id(text) => selected.ids.push(text.to_string()),
            _ => problems.add(&id.path, format!("`{text}` cannot be a polic clause id")),
        }
    }
    for matching in node.array("matching", problems) {
        if !matching.object(problems) {
            continue;
        }
        let Some(pattern) = matching.required_str("pattern", problems) else {
            continue;
        };
        let Some((_, catalog)) = catalog else {
            problems.add(
                &format!("{}.pattern", matching.path),
                format!("`{pattern}` needs the catalog to expand: give --catalog"),
            );
            continue;
        };
        // A pattern selects like a group does: withdrawn controls are skipped.
        for control in catalog.controls() {
            if glob(pattern, &control.id) {
                add(control, false, selected);
            }
        }
    }
}

/// OSCAL's `matching` patterns: `*` any run of characters, `?` any one.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_p, star_t)) = star {
            pi = star_p + 1;
            ti = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Ids without repeats; in catalog order when the catalog is known.
fn ordered(ids: Vec<String>, catalog: Option<&(String, &Catalog)>) -> Vec<String> {
    match catalog {
        Some((_, catalog)) => {
            let wanted: BTreeSet<String> = ids.into_iter().collect();
            catalog
                .controls()
                .into_iter()
                .filter(|c| wanted.contains(&c.id))
                .map(|c| c.id.clone())
                .collect()
        }
        None => {
            let mut seen = BTreeSet::new();
            ids.into_iter()
                .filter(|id| seen.insert(id.clone()))
                .collect()
        }
    }
}

fn profile(
    node: &Node<'_>,
    file: &str,
    options: &Options<'_>,
    problems: &mut Problems,
) -> Imported {
    let metadata = catalog::metadata(node, problems);
    let name = validated_name(
        options.name.as_ref(),
        || name_from_reference(file),
        "profile",
        problems,
    );
    let resources = back_matter(node, problems);
    let catalog = options.catalog.as_ref();
    let (mut includes, mut excludes) = (Vec::new(), Vec::new());
    let mut withdrawn = Vec::new();
    let mut standards = BTreeSet::new();
    let imports = node.array("imports", problems);
    if imports.is_empty() && node.get("imports").is_some() {
        problems.add(
            &format!("{}.imports", node.path),
            "no imports: the profile selects nothing",
        );
    } else if node.get("imports").is_none() {
        problems.add(&format!("{}.imports", node.path), "missing");
    }
    for import in &imports {
        if !import.object(problems) {
            continue;
        }
        let Some(href_node) = import.required("href", problems) else {
            continue;
        };
        let Some(href) = href_node.string(problems) else {
            continue;
        };
        let standard = standard_for(&href_node, href, &resources, options, problems);
        standards.insert(standard.clone());
        let include_all = import.get("include-all").is_some();
        if include_all {
            includes.push(standard.clone());
        } else if import.get("include-controls").is_none() {
            problems.add(
                &import.path,
                "selects nothing: expected `include-all` or `include-controls`",
            );
        }
        let mut included = Selected::default();
        for entry in import.array("include-controls", problems) {
            selection(&entry, catalog, &mut included, problems);
        }
        let mut excluded = Selected::default();
        for entry in import.array("exclude-controls", problems) {
            selection(&entry, catalog, &mut excluded, problems);
        }
        let reference = |id: String| format!("{standard}#{id}");
        // As OSCAL resolves a profile: what is excluded is taken out of what is included.
        // Only from a whole standard is that an `exclude`; from a list of ids, the ids go.
        let removed: BTreeSet<String> = excluded.ids.into_iter().collect();
        let kept = included.ids.into_iter().filter(|id| !removed.contains(id));
        includes.extend(ordered(kept.collect(), catalog).into_iter().map(reference));
        if include_all {
            excludes.extend(
                ordered(removed.into_iter().collect(), catalog)
                    .into_iter()
                    .map(reference),
            );
        }
        withdrawn.extend(included.withdrawn.into_iter().map(|(id, into)| {
            if into.is_empty() {
                id
            } else {
                format!("{id} (into {})", into.join(", "))
            }
        }));
    }
    let title = options.title.as_ref().unwrap_or(&metadata.title);
    let mut out = String::new();
    header(&mut out, Kind::Profile, file, &metadata);
    let clauses = includes.iter().filter(|i| i.contains('#')).count();
    let from: Vec<String> = standards.iter().map(|s| format!("`{s}`")).collect();
    let mut about = format!(
        "{} ({}OSCAL {}): {clauses} clauses of {}.",
        metadata.title.trim_end_matches('.'),
        metadata
            .version
            .as_ref()
            .map(|v| format!("profile version {v}, "))
            .unwrap_or_default(),
        metadata.oscal_version,
        from.join(", ")
    );
    if !withdrawn.is_empty() {
        about.push_str(&format!(
            "\nLeft out, withdrawn in the catalog: {}.",
            withdrawn.join(", ")
        ));
    }
    if node.get("modify").is_some() {
        about.push_str(
            "\nIts `modify` section (parameter settings, alterations) is not carried: a polic profile selects clauses.",
        );
    }
    source::doc(&mut out, "", &about);
    out.push_str(&format!("profile {name} {} {{\n", source::quote(title)));
    if !includes.is_empty() {
        out.push_str(&format!("  include {}\n", includes.join(", ")));
    }
    if !excludes.is_empty() {
        out.push_str(&format!("  exclude {}\n", excludes.join(", ")));
    }
    out.push_str("}\n");
    Imported {
        text: out,
        summary: format!(
            "profile `{name}`: {clauses} clauses of {}, {} excluded",
            from.join(", "),
            excludes.len()
        ),
    }
}

// ---- component definition → profiles ------------------------------------------------

fn component_definition(
    node: &Node<'_>,
    file: &str,
    options: &Options<'_>,
    problems: &mut Problems,
) -> Imported {
    let metadata = catalog::metadata(node, problems);
    let resources = back_matter(node, problems);
    let components = node.array("components", problems);
    let mut out = String::new();
    header(&mut out, Kind::ComponentDefinition, file, &metadata);
    let mut written = Vec::new();
    let mut names = BTreeSet::new();
    for component in &components {
        if !component.object(problems) {
            continue;
        }
        let title = component
            .required_str("title", problems)
            .unwrap_or_default()
            .to_string();
        let name = match &options.name {
            Some(name) if components.len() == 1 => {
                validated_name(Some(name), String::new, "profile", problems)
            }
            _ => source::identifier_from(&title, "component"),
        };
        if !names.insert(name.clone()) {
            problems.add(
                &format!("{}.title", component.path),
                format!("a second component named `{name}`"),
            );
        }
        let mut includes = Vec::new();
        for implementation in component.array("control-implementations", problems) {
            if !implementation.object(problems) {
                continue;
            }
            let Some(source_node) = implementation.required("source", problems) else {
                continue;
            };
            let Some(href) = source_node.string(problems) else {
                continue;
            };
            let standard = standard_for(&source_node, href, &resources, options, problems);
            let index = options.catalog.as_ref().map(|(_, c)| c.index());
            for requirement in implementation.array("implemented-requirements", problems) {
                if !requirement.object(problems) {
                    continue;
                }
                let Some(id_node) = requirement.required("control-id", problems) else {
                    continue;
                };
                let Some(id) = id_node.string(problems) else {
                    continue;
                };
                if !source::is_clause_id(id) {
                    problems.add(&id_node.path, format!("`{id}` cannot be a polic clause id"));
                } else if index.as_ref().is_some_and(|index| !index.contains_key(id)) {
                    problems.add(&id_node.path, format!("no control `{id}` in the catalog"));
                } else {
                    includes.push(format!("{standard}#{id}"));
                }
            }
        }
        let includes = ordered(includes, None);
        if includes.is_empty() {
            continue;
        }
        if !written.is_empty() {
            out.push('\n');
        }
        source::doc(
            &mut out,
            "",
            &format!(
                "The {} clauses component \"{title}\" implements.",
                includes.len()
            ),
        );
        out.push_str(&format!("profile {name} {} {{\n", source::quote(&title)));
        out.push_str(&format!("  include {}\n", includes.join(", ")));
        out.push_str("}\n");
        written.push(format!("`{name}` ({})", includes.len()));
    }
    if written.is_empty() && problems.0.is_empty() {
        problems.add(&node.path, "no component implements any control");
    }
    Imported {
        text: out,
        summary: format!("profiles {}", written.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::{glob, name_from_reference};

    #[test]
    fn patterns_match_as_oscal_says() {
        assert!(glob("ac-2*", "ac-2"));
        assert!(glob("ac-2*", "ac-2.13"));
        assert!(glob("ac-2*", "ac-20"));
        assert!(!glob("ac-2*", "ac-1"));
        assert!(glob("ac-?", "ac-3"));
        assert!(!glob("ac-?", "ac-10"));
        assert!(glob("*", "anything"));
    }

    #[test]
    fn names_come_from_the_last_segment() {
        assert_eq!(
            name_from_reference("../../nist.gov/json/NIST_SP-800-53_rev5_catalog.json"),
            "nist_sp-800-53_rev5_catalog"
        );
        assert_eq!(name_from_reference("https://x.org/cat.json#frag"), "cat");
        assert_eq!(
            name_from_reference("2024 catalog.json"),
            "oscal-2024-catalog"
        );
    }
}
