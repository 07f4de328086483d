//! A generator of realistic synthetic workspaces, for benchmarks: a standard, a facts
//! schema, archetypes, controls with conditions and obligations, apps and waivers, spread
//! over files of a few hundred lines, as an organisation's policy repository would be.

/// The workspace sizes benchmarks sweep, in lines: growth per 10× shows how work scales.
pub const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

/// The number of lines in files.
pub fn line_count(files: &[(String, String)]) -> usize {
    files.iter().map(|(_, text)| text.lines().count()).sum()
}

/// Files (path, text) totalling about `lines` lines. Deterministic for a given size.
pub fn workspace(lines: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    // Roughly: each control is 12 lines and each app 7; a unit of 10 controls + 10 apps
    // (plus clauses) is about 200 lines.
    let units = (lines / 200).max(1);
    let clauses = units * 10;
    let mut standard = String::from("standard bench \"Benchmark standard\" {\n");
    for group in 0..clauses.div_ceil(50) {
        standard += &format!("  group g{group} \"Group {group}\" {{\n");
        for clause in group * 50..((group + 1) * 50).min(clauses) {
            standard += &format!("    clause #B-{clause} \"Clause {clause}\"\n");
        }
        standard += "  }\n";
    }
    standard += "}\n";
    files.push(("standard.polic".to_string(), standard));

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
    let archetypes = ["service", "web", "api", "batch"];
    let conditions = [
        "exposure == internet",
        "pii in data or payment in data",
        "criticality >= high",
        "regulated and exposure != internal",
        "exposure in {partner, internet}",
    ];
    for unit in 0..units {
        let mut text = String::new();
        for i in 0..10 {
            let n = unit * 10 + i;
            text += &format!(
                "/// Control {n}.\ncontrol c{n} \"Control {n}\" {{\n  satisfies bench#B-{n}\n  applies-to {} when {}\n  phase build\n  due 30d\n  obligation o{n} \"Do the thing {n}\" {{\n    verify scan \"scanner\" rules \"rule-{n}\"\n    verify test \"test-{n}\"\n  }}\n}}\n\n",
                archetypes[n % archetypes.len()],
                conditions[n % conditions.len()],
            );
        }
        for i in 0..10 {
            let n = unit * 10 + i;
            let archetype = archetypes[(n / 3) % archetypes.len()];
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
        files.push((format!("unit{unit:05}.polic"), text));
    }
    files
}

/// A portfolio for evaluation benchmarks: `controls` controls with varied conditions over
/// four archetypes, and `apps` apps with varied facts. One file per kind.
pub fn portfolio(apps: usize, controls: usize) -> Vec<(String, String)> {
    let mut files = workspace(200);
    files.retain(|(path, _)| path == "standard.polic" || path == "policy.polic");
    let archetypes = ["service", "web", "api", "batch"];
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
            archetypes[n % archetypes.len()],
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
