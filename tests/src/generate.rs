//! A generator of realistic synthetic workspaces, for benchmarks: two standards mapped to
//! each other, a facts schema, archetypes, and units of controls, apps, waivers and tests
//! spread over files of a few hundred lines, as an organisation's policy repository would
//! be. Units reference each other: a control satisfies a clause another unit's control
//! also satisfies, waivers and tests name other units' controls and apps.

/// The workspace sizes benchmarks sweep, in lines: growth per 10× shows how work scales.
pub const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

/// The number of lines in files.
pub fn line_count(files: &[(String, String)]) -> usize {
    files.iter().map(|(_, text)| text.lines().count()).sum()
}

/// The archetypes of the generated policy, in the order controls and apps cycle through.
const ARCHETYPES: [&str; 4] = ["service", "web", "api", "batch"];

/// Conditions controls cycle through; every generated app has `pii` data, so the second
/// holds for all of them.
const CONDITIONS: [&str; 5] = [
    "exposure == internet",
    "pii in data or payment in data",
    "criticality >= high",
    "regulated and exposure != internal",
    "exposure in {partner, internet}",
];

/// A deterministic scatter of `n` over `0..len`, so references jump across files.
fn elsewhere(n: usize, len: usize) -> usize {
    (n.wrapping_mul(7919) + 13) % len
}

/// Files (path, text) totalling about `lines` lines. Deterministic for a given size.
pub fn workspace(lines: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    // Roughly: each control is 13 lines, each app 7, each waiver 7 and each test 6; a unit
    // of 10 controls + 10 apps, a waiver, a test and their clauses is about 260 lines.
    let units = (lines / 260).max(1);
    let clauses = units * 10;
    files.push((
        "standard.polic".to_string(),
        standard("bench", "B", clauses),
    ));
    files.push(("reference.polic".to_string(), standard("ref", "R", clauses)));
    // Each reference clause maps to a benchmark clause of another unit.
    let mut maps = String::new();
    for clause in 0..clauses {
        maps += &format!(
            "map ref#R-{clause} = bench#B-{}\n",
            elsewhere(clause, clauses)
        );
    }
    files.push(("mappings.polic".to_string(), maps));
    files.push((
        "policy.polic".to_string(),
        String::from(
            "facts {\n  exposure: internal | partner | internet = internal\n  data: set of public | internal | confidential | pii | payment\n  criticality: low | medium | high | critical = medium\n  regulated: bool = false\n}\n\n\
             risk bench-risk {\n  levels { low = 1, medium = 3, high = 5, critical = 8 }\n  default medium\n  weight bench.g0 = high\n}\n\n\
             profile bench-all \"Everything\" { include bench }\n\n\
             policy bench-policy \"Benchmark policy\" {\n  adopt bench-all\n  risk bench-risk\n}\n\n\
             archetype service \"Any service\" { }\n\
             archetype web \"Web service\" extends service { exposure = internet }\n\
             archetype api \"Internal API\" extends service { }\n\
             archetype batch \"Batch job\" extends service { }\n"
        ),
    ));
    for unit in 0..units {
        files.push((format!("unit{unit:05}.polic"), unit_text(unit, units)));
    }
    files
}

/// A standard of `clauses` clauses `#PREFIX-n` in groups of 50.
fn standard(name: &str, prefix: &str, clauses: usize) -> String {
    let mut text = format!("standard {name} \"Benchmark standard {name}\" {{\n");
    for group in 0..clauses.div_ceil(50) {
        text += &format!("  group g{group} \"Group {group}\" {{\n");
        for clause in group * 50..((group + 1) * 50).min(clauses) {
            text += &format!("    clause #{prefix}-{clause} \"Clause {clause}\"\n");
        }
        text += "  }\n";
    }
    text + "}\n"
}

/// One unit file: ten controls (each satisfying its own clause and another unit's), ten
/// apps, a waiver and a test that name other units' controls and apps.
fn unit_text(unit: usize, units: usize) -> String {
    let clauses = units * 10;
    let mut text = String::new();
    for i in 0..10 {
        let n = unit * 10 + i;
        text += &format!(
            "/// Control {n}.\ncontrol c{n} \"Control {n}\" {{\n  satisfies bench#B-{n}\n  satisfies bench#B-{}\n  applies-to {} when {}\n  phase build\n  due 30d\n  obligation o{n} \"Do the thing {n}\" {{\n    verify scan \"scanner\" rules \"rule-{n}\"\n    verify test \"test-{n}\"\n  }}\n}}\n\n",
            elsewhere(n, clauses),
            ARCHETYPES[n % ARCHETYPES.len()],
            CONDITIONS[n % CONDITIONS.len()],
        );
    }
    for i in 0..10 {
        let n = unit * 10 + i;
        let archetype = ARCHETYPES[(n / 3) % ARCHETYPES.len()];
        // Varied facts, so that every condition holds for some app (web fixes exposure).
        let exposure = if archetype == "web" {
            String::new()
        } else {
            format!(
                "  exposure = {}\n",
                ["internal", "partner", "internet"][n % 3]
            )
        };
        text += &format!(
            "app a{n} \"App {n}\" {{\n  archetype {archetype}\n  owner \"team-{}\"\n  data = {{pii, internal}}\n  criticality = high\n{exposure}  regulated = {}\n}}\n\n",
            n % 17,
            n % 2 == 1,
        );
    }
    // Controls numbered 16 mod 20 apply to every service with personal data: every app
    // needs them, so a waiver of one is never moot.
    let other = elsewhere(unit, units);
    let waived = (other / 2) * 20 + 16;
    if waived < clauses {
        text += &format!(
            "waiver w{unit} for a{} on c{waived} {{\n  reason \"Replaced by the platform's control within the year\"\n  requested-by \"team-{}\"\n  approved-by \"ciso\"\n  expires 2027-12-31\n}}\n\n",
            other * 10 + 3,
            unit % 17,
        );
    }
    // Controls numbered 0 mod 20 apply to services exposed to the internet: a web
    // service needs them, an internal API does not.
    let tested = (other / 2) * 20;
    text += &format!(
        "test \"unit {unit} relies on c{tested}\" {{\n  given app {{ archetype web }}\n  expect required c{tested}\n}}\n\ntest \"unit {unit}: internal APIs skip c{tested}\" {{\n  given app {{ archetype api }}\n  expect not required c{tested}\n}}\n"
    );
    text
}

/// A portfolio for evaluation benchmarks: `controls` controls with varied conditions over
/// four archetypes, and `apps` apps with varied facts. One file per kind.
pub fn portfolio(apps: usize, controls: usize) -> Vec<(String, String)> {
    let mut files = workspace(260);
    files.retain(|(path, _)| path == "standard.polic" || path == "policy.polic");
    let conditions = [
        "exposure == internet",
        "pii in data or payment in data",
        "criticality >= high",
        "regulated and exposure != internal",
        "exposure in {partner, internet}",
        "not (public in data) and criticality >= medium",
    ];
    let mut text = String::new();
    for n in 0..controls {
        text += &format!(
            "control k{n} \"Control {n}\" {{\n  satisfies bench#B-{}\n  applies-to {} when {}\n  obligation o \"Obligation\" {{ verify test \"t\" }}\n}}\n",
            n % 10,
            ARCHETYPES[n % ARCHETYPES.len()],
            conditions[n % conditions.len()],
        );
    }
    files.push(("controls.polic".to_string(), text));
    let exposures = ["internal", "partner", "internet"];
    let data = [
        "{public}",
        "{pii}",
        "{pii, payment}",
        "{internal, confidential}",
    ];
    let criticality = ["low", "medium", "high", "critical"];
    let mut text = String::new();
    for n in 0..apps {
        let archetype = ["service", "api", "batch"][n % 3];
        text += &format!(
            "app p{n} \"App {n}\" {{ archetype {archetype}; exposure = {}; data = {}; criticality = {}; regulated = {} }}\n",
            exposures[n % 3],
            data[(n / 3) % 4],
            criticality[(n / 7) % 4],
            n % 5 == 0,
        );
    }
    files.push(("apps.polic".to_string(), text));
    files
}

/// The rule set of [`portfolio`]: what evaluation benchmarks and the peer comparison read.
pub fn portfolio_rules(apps: usize, controls: usize) -> polic_ruleset::RuleSet {
    let db = polic_sema::Database::default();
    let workspace = db.workspace(portfolio(apps, controls), crate::TODAY);
    polic_sema::build::rule_set(&db, workspace).clone()
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_workspace_checks_cleanly_at_its_size() {
        let files = super::workspace(5_000);
        let lines = super::line_count(&files);
        assert!((4_500..6_500).contains(&lines), "{lines} lines");
        let files = files.into_iter().collect();
        let diagnostics = crate::check(&files);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    }
}
