//! The standard library against the data it was made from (stdlib/data, vendored so that a
//! clean clone tests it): each generated module is exactly what its generator writes from
//! that data, counts computed here from the data match what the compiler sees, and every
//! module compiles with no diagnostics.
//!
//! `nist80053` is written by `polic import oscal` (the polic-oscal crate); `asvs4` and
//! `asvs5` by the generator below. To regenerate after changing a generator or the data:
//! `POLIC_REGENERATE_STDLIB=1 cargo test -p polic-tests --test stdlib`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polic_ruleset::RuleSet;
use polic_ruleset::clause_id::normalize;
use polic_sema::Database;
use serde_json::Value;

fn stdlib() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../stdlib")
}

fn data(path: &str) -> PathBuf {
    stdlib().join("data").join(path)
}

fn read_json(path: &str) -> Value {
    let text = std::fs::read_to_string(data(path)).expect("vendored data is readable");
    serde_json::from_str(&text).expect("vendored data is JSON")
}

const CATALOG: &str = "oscal/catalog-5.0.1-2021/NIST_SP-800-53_rev5_catalog.json";
const BASELINES: &[&str] = &["LOW", "MODERATE", "HIGH", "PRIVACY"];
const ASVS5: &str = "asvs/5.0.0/OWASP_Application_Security_Verification_Standard_5.0.0_en.json";
const ASVS4: &str = "asvs/4.0.3/OWASP_Application_Security_Verification_Standard_4.0.3-en.json";
const MAP_4_TO_5: &str = "asvs/mappings/mapping_v4.0.3_to_v5.0.0.yml";
const MAP_5_TO_4: &str = "asvs/mappings/mapping_v5.0.0_to_v4.0.3.yml";

fn baseline(level: &str) -> String {
    format!("oscal/NIST_SP-800-53_rev5_{level}-baseline_profile.json")
}

fn format(text: &str) -> String {
    polic_fmt::format(text, &polic_fmt::Options::default()).expect("generated source parses")
}

// ---- generators -------------------------------------------------------------------------

const NIST_HEADER: &str = "\
// NIST SP 800-53 Rev. 5: security and privacy controls, as a polic standard-library module.
//
// Generated with `polic import oscal` from the OSCAL files in stdlib/data/oscal; do not edit
// by hand (see stdlib/README.md for the commands; tests/stdlib.rs checks this file is their
// output).
// Source: usnistgov/oscal-content. Catalog 5.0.1 (OSCAL 1.0.0, commit a849dbca, 2021-06-08),
//   nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json: every control and
//   enhancement (withdrawn ones too), family groups, titles, statements (`text`, parameters
//   shown as [Assignment: ...]) and parameters as published.
// Baselines: the 5.1.1+u4 profiles (commit 941c978, 2024-02-13),
//   nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_{LOW,MODERATE,HIGH,PRIVACY}-baseline_profile.json,
//   resolved against catalog 5.0.1, which has every id they select.
// Licence: a work of the US Government, public domain in the US, and CC0 1.0 worldwide
//   (see stdlib/data/oscal/LICENSE-oscal-content.md).
";

/// The nist80053 module: the catalog as a standard, then the four baselines as profiles,
/// each as `polic import oscal` writes it.
fn nist80053() -> String {
    let catalog_json = read_json(CATALOG);
    let catalog = polic_oscal::read_catalog(&catalog_json).expect("the catalog reads");
    let mut parts = vec![NIST_HEADER.to_string()];
    let standard = polic_oscal::import(
        &catalog_json,
        "NIST_SP-800-53_rev5_catalog.json",
        &polic_oscal::Options {
            with_text: true,
            name: Some("nist80053".into()),
            title: Some("NIST SP 800-53 Rev. 5".into()),
            ..Default::default()
        },
    )
    .expect("the catalog imports");
    parts.push(standard.text);
    for level in BASELINES {
        let path = baseline(level);
        let file = path.rsplit('/').next().unwrap_or_default();
        let profile = polic_oscal::import(
            &read_json(&path),
            file,
            &polic_oscal::Options {
                name: Some(format!("nist80053-{}", level.to_lowercase())),
                title: Some(format!("NIST SP 800-53 Rev. 5 {level} baseline")),
                standard: Some("nist80053".into()),
                catalog: Some(("nist80053".into(), &catalog)),
                ..Default::default()
            },
        )
        .expect("the baseline imports");
        parts.push(profile.text);
    }
    format(&parts.join("\n"))
}

/// A polic string literal of a text folded onto one line.
fn quote(text: &str) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("\"{}\"", folded.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A clause title from a requirement: its first sentence without the leading "Verify
/// that", markdown escapes (`\_`) dropped, cut at a word to at most 78 characters with "…"
/// when longer than 80.
fn asvs_title(description: &str) -> String {
    let folded = description.split_whitespace().collect::<Vec<_>>().join(" ");
    // A sentence ends at ". ", except after "e.g" and "i.e".
    let end = folded
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| !(folded[..i].ends_with("e.g") || folded[..i].ends_with("i.e")))
        .unwrap_or(folded.len());
    let mut sentence = String::new();
    let mut chars = folded[..end].trim_end_matches('.').chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            continue;
        }
        sentence.push(c);
    }
    for prefix in ["Verify that, ", "Verify that ", "Verify "] {
        if let Some(rest) = sentence.strip_prefix(prefix) {
            sentence = rest.to_string();
            break;
        }
    }
    let mut title: String = sentence
        .chars()
        .take(1)
        .flat_map(char::to_uppercase)
        .collect();
    title.extend(sentence.chars().skip(1));
    if title.chars().count() <= 80 {
        return title;
    }
    let head: String = title.chars().take(79).collect();
    let cut = head.rfind(' ').unwrap_or(head.len());
    format!("{}…", head[..cut].trim_end_matches([' ', ',', ';', ':']))
}

/// One ASVS requirement, as the generator needs it.
struct Requirement {
    id: String,
    description: String,
    /// The lowest level requiring it; none for a requirement the source deleted.
    level: Option<u32>,
    /// The levels requiring it (4.0.3 marks each; 5.0.0 implies every level from `level`).
    levels: [bool; 3],
}

struct Section {
    id: String,
    name: String,
    requirements: Vec<Requirement>,
}

struct Chapter {
    id: String,
    name: String,
    sections: Vec<Section>,
}

/// An ASVS JSON file's chapters (`Requirements`), sections and requirements.
fn asvs_chapters(json: &Value) -> Vec<Chapter> {
    let items = |v: &Value| v["Items"].as_array().cloned().unwrap_or_default();
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_string();
    let mut chapters = Vec::new();
    for chapter in json["Requirements"].as_array().into_iter().flatten() {
        let mut sections = Vec::new();
        for section in items(chapter) {
            let mut requirements = Vec::new();
            for req in items(&section) {
                let levels = match req["L"].as_str() {
                    // 5.0.0: `L` is the lowest level requiring it.
                    Some(l) => {
                        let l: usize = l.parse().expect("`L` is a level");
                        [1 >= l, 2 >= l, 3 >= l]
                    }
                    // 4.0.3: each level says whether it requires it.
                    None => ["L1", "L2", "L3"].map(|l| req[l]["Required"].as_bool() == Some(true)),
                };
                requirements.push(Requirement {
                    id: text(&req, "Shortcode"),
                    description: text(&req, "Description"),
                    level: levels.iter().position(|r| *r).map(|p| p as u32 + 1),
                    levels,
                });
            }
            sections.push(Section {
                id: text(&section, "Shortcode"),
                name: text(&section, "Name"),
                requirements,
            });
        }
        chapters.push(Chapter {
            id: text(chapter, "Shortcode"),
            name: text(chapter, "Name"),
            sections,
        });
    }
    chapters
}

/// `V1.2` as a group name: `v1-2`.
fn group_name(shortcode: &str) -> String {
    shortcode.to_lowercase().replace('.', "-")
}

/// The 4.0.3 → 5.0.0 mapping file: per 4.0.3 requirement (`V1.1.5`), the text of its
/// entry (`MOVED TO v5.0.0-13.1.1`). The files are YAML of one shape, read strictly:
/// `vX-ID:` keys, one `  tag-vY: VALUE` member each, continued on lines indented further.
fn mapping(path: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(data(path)).expect("the mapping is readable");
    let mut entries: BTreeMap<String, String> = BTreeMap::new();
    let mut key: Option<String> = None;
    for line in text.lines() {
        if line == "---" || line == "..." {
            continue;
        }
        if let Some(k) = line.strip_suffix(':').filter(|k| !k.starts_with(' ')) {
            let (_, id) = k.split_once('-').expect("a key is VERSION-ID");
            key = Some(format!("V{id}"));
        } else if let Some(member) = line.strip_prefix("  ").filter(|m| !m.starts_with(' ')) {
            let (_, value) = member.split_once(": ").expect("a member is `tag: value`");
            let k = key.clone().expect("a member follows a key");
            entries.insert(k, value.to_string());
        } else if let Some(more) = line.strip_prefix("    ") {
            let k = key.as_ref().expect("a continuation follows a member");
            let entry = entries.get_mut(k).expect("a continuation follows a member");
            entry.push(' ');
            entry.push_str(more.trim());
        } else {
            panic!("{path}: unexpected line {line:?}");
        }
    }
    entries
}

/// The requirement ids a mapping entry names in version `version` (`v5.0.0-13.1.1` gives
/// `V13.1.1`).
fn named(entry: &str, version: &str) -> Vec<String> {
    let marker = format!("{version}-");
    entry
        .match_indices(&marker)
        .map(|(i, _)| {
            let rest = &entry[i + marker.len()..];
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            format!("V{}", id.trim_end_matches('.'))
        })
        .filter(|id| id.len() > 1)
        .collect()
}

struct AsvsModule {
    name: &'static str,
    version: &'static str,
    source: &'static str,
    header_extra: &'static str,
    /// Whether the source gives only a lowest level (5.0.0) rather than each level (4.0.3).
    lowest_level_only: bool,
}

/// An ASVS module: the standard (chapter groups, section groups, a clause per requirement
/// with its lowest level and full text), a profile per level, and for 4.0.3 its mapping
/// to 5.0.0.
fn asvs(module: &AsvsModule, json: &Value, maps: Option<&BTreeMap<String, Vec<String>>>) -> String {
    let AsvsModule {
        name,
        version,
        source,
        header_extra,
        lowest_level_only,
    } = module;
    let chapters = asvs_chapters(json);
    let mut out = format!(
        "\
// OWASP Application Security Verification Standard {version}, as a polic standard-library module.
//
// OWASP Application Security Verification Standard {version}, © OWASP Foundation, CC BY-SA 4.0;
// this file is a derivative and is licensed CC BY-SA 4.0; see stdlib/README.md
// (licence text: stdlib/LICENSES/CC-BY-SA-4.0.md).
// Source: OWASP/ASVS, {source}.
// Changes: generated from that JSON; each clause title is the requirement's first sentence without
// the leading \"Verify that\", shortened to about 80 characters; `text` holds the full requirement
// (whitespace folded onto one line); `level` is the lowest ASVS level that requires it.
{header_extra}
/// OWASP Application Security Verification Standard {version} (© OWASP Foundation, CC BY-SA 4.0).
standard {name} \"OWASP ASVS {version}\" {{
  version \"{version}\"
"
    );
    for chapter in &chapters {
        out.push_str(&format!(
            "\n  group {} {} {{\n",
            group_name(&chapter.id),
            quote(&chapter.name)
        ));
        for (s, section) in chapter.sections.iter().enumerate() {
            if s > 0 {
                out.push('\n');
            }
            out.push_str(&format!(
                "    group {} {} {{\n",
                group_name(&section.id),
                quote(&section.name)
            ));
            for req in &section.requirements {
                // 4.0.3 marks a deleted requirement `[DELETED, DUPLICATE OF 4.1.3]`.
                if let Some(reason) = req
                    .description
                    .strip_prefix("[DELETED")
                    .and_then(|r| r.strip_suffix(']'))
                {
                    let into = reason
                        .split_once("DUPLICATE OF ")
                        .map(|(_, id)| format!(" into #V{}", id.trim()))
                        .unwrap_or_default();
                    out.push_str(&format!(
                        "      clause #{} {} {{ withdrawn{into} }}\n",
                        req.id,
                        quote(&format!("Deleted{}", reason.to_lowercase()))
                    ));
                    continue;
                }
                out.push_str(&format!(
                    "      clause #{} {} {{\n",
                    req.id,
                    quote(&asvs_title(&req.description))
                ));
                if let Some(level) = req.level {
                    out.push_str(&format!("        level {level}\n"));
                }
                out.push_str(&format!(
                    "        text {}\n      }}\n",
                    quote(&req.description)
                ));
            }
            out.push_str("    }\n");
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    let requirements: Vec<&Requirement> = chapters
        .iter()
        .flat_map(|c| &c.sections)
        .flat_map(|s| &s.requirements)
        .collect();
    for level in 1..=3 {
        let ids: Vec<String> = requirements
            .iter()
            .filter(|r| r.levels[level - 1])
            .map(|r| format!("{name}#{}", r.id))
            .collect();
        let which = if *lowest_level_only {
            format!("every requirement whose lowest level is {level} or less")
        } else {
            format!("every requirement level {level} requires")
        };
        out.push_str(&format!(
            "\n/// ASVS {version} level {level}: {which} ({}).\nprofile {name}-l{level} \"OWASP ASVS {version} Level {level}\" {{\n  include {}\n}}\n",
            ids.len(),
            ids.join(", ")
        ));
    }
    if let Some(maps) = maps {
        out.push_str(
            "\n// The 4.0.3 → 5.0.0 mapping: each 4.0.3 requirement and the 5.0.0 requirements its\n// entry names (moved, split, merged, covered by), where they exist.\n",
        );
        let mut maps: Vec<(&String, &Vec<String>)> = maps.iter().collect();
        maps.sort_by(|a, b| polic_ruleset::clause_id::natural_cmp(a.0, b.0));
        for (from, to) in maps {
            let to: Vec<String> = to.iter().map(|t| format!("asvs5#{t}")).collect();
            out.push_str(&format!("map {name}#{from} = {}\n", to.join(", ")));
        }
    }
    format(&out)
}

fn asvs5() -> String {
    let module = AsvsModule {
        name: "asvs5",
        version: "5.0.0",
        source: "5.0/docs_en/OWASP_Application_Security_Verification_Standard_5.0.0_en.json",
        header_extra: "",
        lowest_level_only: true,
    };
    asvs(&module, &read_json(ASVS5), None)
}

/// 4.0.3 requirement → the existing 5.0.0 requirements its mapping entry names.
fn asvs4_to_5() -> BTreeMap<String, Vec<String>> {
    let existing: BTreeSet<String> = asvs_chapters(&read_json(ASVS5))
        .iter()
        .flat_map(|c| &c.sections)
        .flat_map(|s| &s.requirements)
        .map(|r| r.id.clone())
        .collect();
    mapping(MAP_4_TO_5)
        .into_iter()
        .filter_map(|(from, entry)| {
            let mut to: Vec<String> = named(&entry, "v5.0.0")
                .into_iter()
                .filter(|id| existing.contains(id))
                .collect();
            to.dedup();
            (!to.is_empty()).then_some((from, to))
        })
        .collect()
}

fn asvs4() -> String {
    let module = AsvsModule {
        name: "asvs4",
        version: "4.0.3",
        source: "4.0/docs_en/OWASP Application Security Verification Standard 4.0.3-en.json,\n//   with 5.0/mappings/mapping_v4.0.3_to_v5.0.0.yml for the `map` statements at the end",
        header_extra: "// Requirements 4.0.3 marks \"[DELETED, ...]\" are withdrawn (into the one they duplicate).\n\nimport std.asvs5\n",
        lowest_level_only: false,
    };
    asvs(&module, &read_json(ASVS4), Some(&asvs4_to_5()))
}

// ---- the modules are what the generators write --------------------------------------------

#[test]
fn generated_modules_are_up_to_date() {
    let regenerate = std::env::var_os("POLIC_REGENERATE_STDLIB").is_some();
    let mut stale = Vec::new();
    for (name, text) in [
        ("nist80053", nist80053()),
        ("asvs5", asvs5()),
        ("asvs4", asvs4()),
    ] {
        let path = stdlib().join(format!("{name}.polic"));
        if regenerate {
            std::fs::write(&path, &text).expect("the module is writable");
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != text {
            let line = committed
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| committed.lines().count().min(text.lines().count()));
            stale.push(format!(
                "{name}.polic differs from its generator from line {}:\n  file:      {:?}\n  generated: {:?}",
                line + 1,
                committed.lines().nth(line).unwrap_or_default(),
                text.lines().nth(line).unwrap_or_default()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "{}\nregenerate with POLIC_REGENERATE_STDLIB=1 cargo test -p polic-tests --test stdlib",
        stale.join("\n")
    );
}

/// Checks read the trees parsed when polic was built; they must be exactly what parsing
/// the embedded text gives.
#[test]
fn prebuilt_trees_are_the_modules_parsed() {
    for module in polic_stdlib::MODULES {
        let parse = polic_syntax::parse(module.text);
        assert!(
            parse.errors.is_empty(),
            "{}: {:?}",
            module.name,
            parse.errors
        );
        assert!(
            polic_syntax::decode_tree(module.tree).as_ref() == Some(&*parse.tree),
            "{}: the prebuilt tree differs from the parse of the text",
            module.name
        );
    }
}

// ---- helpers over compiled workspaces -----------------------------------------------------

fn compile(text: &str) -> (Vec<polic_diagnostics::Diagnostic>, RuleSet) {
    let db = Database::default();
    let workspace = db.workspace(
        vec![("policy.polic".to_string(), text.to_string())],
        polic_tests::TODAY,
    );
    let diagnostics = polic_sema::check(&db, workspace);
    let rules = polic_sema::build::rule_set(&db, workspace).clone();
    (diagnostics, rules)
}

fn messages(diagnostics: &[polic_diagnostics::Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format!("{}: {} ({:?})", d.code.as_str(), d.message, d.primary.at))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The clauses a policy adopting `target` adopts.
fn adopted(imports: &str, target: &str) -> BTreeSet<String> {
    let (diagnostics, rules) = compile(&format!(
        "{imports}\npolicy p \"p\" {{\n  adopt {target}\n  lint uncovered = allow\n}}\n"
    ));
    assert!(diagnostics.is_empty(), "{}", messages(&diagnostics));
    rules
        .clauses
        .iter()
        .filter(|c| c.adopted.is_some())
        .map(|c| c.reference())
        .collect()
}

#[test]
fn every_module_compiles_without_diagnostics() {
    let all: Vec<String> = polic_stdlib::MODULES
        .iter()
        .map(|m| format!("import std.{}", m.name))
        .collect();
    for imports in all.iter().map(|i| vec![i.clone()]).chain([all.clone()]) {
        let (diagnostics, _) = compile(&imports.join("\n"));
        assert!(
            diagnostics.is_empty(),
            "{}:\n{}",
            imports.join(", "),
            messages(&diagnostics)
        );
    }
}

// ---- NIST SP 800-53: counts computed from the OSCAL files ----------------------------------

/// Every control of the catalog, walked here independently of the importer: (family, id,
/// withdrawn).
fn catalog_controls() -> Vec<(String, String, bool)> {
    fn walk(family: &str, controls: &Value, out: &mut Vec<(String, String, bool)>) {
        for control in controls.as_array().into_iter().flatten() {
            let withdrawn = control["props"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == "status" && p["value"] == "withdrawn");
            let id = control["id"].as_str().expect("a control has an id");
            out.push((family.to_string(), id.to_string(), withdrawn));
            walk(family, &control["controls"], out);
        }
    }
    let catalog = read_json(CATALOG);
    let mut out = Vec::new();
    for group in catalog["catalog"]["groups"].as_array().expect("groups") {
        walk(
            group["id"].as_str().expect("a family id"),
            &group["controls"],
            &mut out,
        );
    }
    out
}

#[test]
fn the_nist_catalog_has_every_control_of_the_oscal_file() {
    let expected = catalog_controls();
    let (diagnostics, rules) = compile("import std.nist80053");
    assert!(diagnostics.is_empty(), "{}", messages(&diagnostics));
    let clauses: Vec<(String, String, bool)> = rules
        .clauses
        .iter()
        .filter(|c| c.standard == "nist80053")
        .map(|c| (c.group.join("."), c.id.clone(), c.withdrawn))
        .collect();
    let as_set = |v: &[(String, String, bool)]| v.iter().cloned().collect::<BTreeSet<_>>();
    assert_eq!(clauses.len(), expected.len());
    assert_eq!(as_set(&clauses), as_set(&expected));
    let families =
        |v: &[(String, String, bool)]| v.iter().map(|c| c.0.clone()).collect::<BTreeSet<_>>();
    assert_eq!(families(&clauses), families(&expected));
    let withdrawn = |v: &[(String, String, bool)]| v.iter().filter(|c| c.2).count();
    assert_eq!(withdrawn(&clauses), withdrawn(&expected));
}

#[test]
fn each_baseline_adopts_exactly_what_its_profile_selects() {
    for level in BASELINES {
        let profile = read_json(&baseline(level));
        let selected: BTreeSet<String> = profile["profile"]["imports"]
            .as_array()
            .expect("imports")
            .iter()
            .flat_map(|i| {
                i["include-controls"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .flat_map(|c| c["with-ids"].as_array().cloned().unwrap_or_default())
            .map(|id| format!("nist80053#{}", id.as_str().expect("an id")))
            .collect();
        let name = format!("nist80053-{}", level.to_lowercase());
        let adopted = adopted("import std.nist80053", &name);
        assert_eq!(adopted.len(), selected.len(), "{name}");
        assert_eq!(adopted, selected, "{name}");
    }
}

#[test]
fn clause_ids_resolve_in_every_spelling() {
    let (diagnostics, rules) = compile(
        "import std.nist80053
archetype service \"Any service\" {}
archetype job \"Job\" {}
control a \"A\" {
  satisfies nist80053#SA-9(3)
  applies-to service
  obligation o \"O\" { verify attest \"owner\" }
}
control b \"B\" {
  satisfies nist80053#sa-9.3, nist80053#SA-09(03)
  applies-to service, job
  // Not a duplicate of `a` (P0407, P0408): it applies to more, its obligation differs.
  obligation o \"O too\" { verify attest \"owner\" }
}
",
    );
    assert!(diagnostics.is_empty(), "{}", messages(&diagnostics));
    for control in &rules.controls {
        assert!(
            control.satisfies.iter().all(|s| s == "nist80053#sa-9.3"),
            "{:?}",
            control.satisfies
        );
    }
    assert_eq!(normalize("SA-9(3)"), normalize("sa-9.3"));
}

/// Every withdrawn control with replacements, adopted by name, fails with them named.
#[test]
fn adopting_a_withdrawn_control_names_its_replacement() {
    let catalog = read_json(CATALOG);
    let mut replacements: BTreeMap<String, Vec<String>> = BTreeMap::new();
    fn walk(controls: &Value, out: &mut BTreeMap<String, Vec<String>>) {
        for control in controls.as_array().into_iter().flatten() {
            let withdrawn = control["props"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == "status" && p["value"] == "withdrawn");
            let targets: Vec<String> = control["links"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|l| l["rel"] == "incorporated-into" || l["rel"] == "moved-to")
                .filter_map(|l| l["href"].as_str()?.strip_prefix('#').map(str::to_string))
                .collect();
            if withdrawn {
                out.insert(
                    control["id"].as_str().unwrap_or_default().to_string(),
                    targets,
                );
            }
            walk(&control["controls"], out);
        }
    }
    for group in catalog["catalog"]["groups"].as_array().expect("groups") {
        walk(&group["controls"], &mut replacements);
    }
    let includes: Vec<String> = replacements
        .keys()
        .map(|id| format!("nist80053#{id}"))
        .collect();
    let (diagnostics, _) = compile(&format!(
        "import std.nist80053\nprofile withdrawn \"Withdrawn\" {{\n  include {}\n}}\npolicy p \"p\" {{\n  adopt withdrawn\n  lint uncovered = allow\n}}\n",
        includes.join(", ")
    ));
    let withdrawn: Vec<&polic_diagnostics::Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "P0706")
        .collect();
    assert_eq!(
        withdrawn.len(),
        replacements.len(),
        "{}",
        messages(&diagnostics)
    );
    let mut named = 0;
    for d in withdrawn {
        let id = d
            .message
            .split('`')
            .nth(1)
            .expect("the message names the clause");
        // A link to a statement item (`ac-2_smt.k`) names the control holding it; a link to a
        // family names no single clause.
        let expected: Vec<String> = replacements[id]
            .iter()
            .filter_map(|t| {
                let control = t.split('_').next().unwrap_or(t);
                control
                    .contains('-')
                    .then(|| format!("nist80053#{control}"))
            })
            .collect();
        let help = d.help.clone().unwrap_or_default();
        for target in &expected {
            assert!(help.contains(target.as_str()), "{id}: {help}");
        }
        named += usize::from(!expected.is_empty());
    }
    assert!(
        named > 150,
        "most withdrawn controls name replacements: {named}"
    );
}

// ---- ASVS ----------------------------------------------------------------------------------

#[test]
fn asvs_modules_have_every_requirement_and_level() {
    for (module, path) in [("asvs5", ASVS5), ("asvs4", ASVS4)] {
        let chapters = asvs_chapters(&read_json(path));
        let requirements: Vec<&Requirement> = chapters
            .iter()
            .flat_map(|c| &c.sections)
            .flat_map(|s| &s.requirements)
            .collect();
        let (diagnostics, rules) = compile(&format!("import std.{module}"));
        assert!(diagnostics.is_empty(), "{}", messages(&diagnostics));
        let clauses: BTreeMap<String, bool> = rules
            .clauses
            .iter()
            .filter(|c| c.standard == module)
            .map(|c| (c.id.clone(), c.withdrawn))
            .collect();
        assert_eq!(clauses.len(), requirements.len(), "{module}");
        // A group per section (4.0.3 has two empty ones, which hold no clause to see here).
        let sections: BTreeSet<Vec<String>> = chapters
            .iter()
            .flat_map(|c| {
                c.sections
                    .iter()
                    .filter(|s| !s.requirements.is_empty())
                    .map(|s| vec![group_name(&c.id), group_name(&s.id)])
            })
            .collect();
        let groups: BTreeSet<Vec<String>> = rules
            .clauses
            .iter()
            .filter(|c| c.standard == module)
            .map(|c| c.group.clone())
            .collect();
        assert_eq!(groups, sections, "{module}: a group per section");
        for req in &requirements {
            assert_eq!(
                clauses.get(&req.id),
                Some(&req.level.is_none()),
                "{module} {}",
                req.id
            );
        }
        for level in 1..=3 {
            let expected: BTreeSet<String> = requirements
                .iter()
                .filter(|r| r.levels[level - 1])
                .map(|r| format!("{module}#{}", r.id))
                .collect();
            assert_eq!(
                adopted(
                    &format!("import std.{module}"),
                    &format!("{module}-l{level}")
                ),
                expected,
                "{module} level {level}"
            );
        }
    }
}

/// The mapping as polic holds it is the one the 5.0.0 → 4.0.3 file states from the other
/// side, which the generator does not read.
#[test]
fn the_asvs_mapping_agrees_with_both_mapping_files() {
    let (diagnostics, rules) = compile("import std.asvs4");
    assert!(diagnostics.is_empty(), "{}", messages(&diagnostics));
    let held: BTreeSet<(String, String)> = rules
        .mappings
        .iter()
        .map(|m| (m.from.clone(), m.to.clone()))
        .collect();
    let requirements = |path: &str| -> BTreeSet<String> {
        asvs_chapters(&read_json(path))
            .iter()
            .flat_map(|c| &c.sections)
            .flat_map(|s| &s.requirements)
            .map(|r| r.id.clone())
            .collect()
    };
    let (v4, v5) = (requirements(ASVS4), requirements(ASVS5));
    let reverse: BTreeSet<(String, String)> = mapping(MAP_5_TO_4)
        .into_iter()
        .flat_map(|(to, entry)| {
            named(&entry, "v4.0.3")
                .into_iter()
                .map(move |from| (from, to.clone()))
        })
        .filter(|(from, to)| v4.contains(from) && v5.contains(to))
        .map(|(from, to)| (format!("asvs4#{from}"), format!("asvs5#{to}")))
        .collect();
    assert!(!reverse.is_empty());
    assert_eq!(held, reverse);
}
