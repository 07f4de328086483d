//! The wording of an evaluation that explanations, snapshots and every report format
//! share (the formats themselves are polic-report's).

use crate::eval::{AppReport, Item, Report};
use crate::evidence::{CodeTag, Verb};
use crate::metrics::bands;
use crate::metrics::target::{TargetResult, describe, show};

/// `implements a.py:3-8, b.py:2; tests t.py:1-5`
pub fn code_locations<'t>(tags: impl IntoIterator<Item = &'t CodeTag>) -> String {
    let mut by_verb: [Vec<String>; 2] = Default::default();
    for tag in tags {
        let locations = &mut by_verb[tag.verb as usize];
        // A tag naming two obligations of one control is one place in the code.
        let location = tag.location();
        if !locations.contains(&location) {
            locations.push(location);
        }
    }
    [Verb::Implements, Verb::Tests]
        .iter()
        .zip(by_verb)
        .filter(|(_, locations)| !locations.is_empty())
        .map(|(verb, locations)| format!("{} {}", verb.as_str(), locations.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The required controls of an app that nothing speaks to, by name.
pub fn uncovered<'r>(report: &'r Report, app: &'r AppReport) -> Vec<&'r str> {
    app.uncovered
        .iter()
        .map(|&c| report.rules.controls[c].name.as_str())
        .collect()
}

/// What to say about an item beside its status.
pub fn detail(item: &Item) -> String {
    match (item.provided_by, item.waiver, &item.detail) {
        (_, _, Some(detail)) => detail.clone(),
        (Some(by), _, None) => format!("provided by {by}"),
        (_, Some(waiver), None) => format!("waiver {}", waiver.name),
        _ => String::new(),
    }
}

/// The clauses an item serves, as every format cites them: `nist80053#si-2, iso27001#A.8.8`.
pub fn clause_list(item: &Item) -> String {
    item.clauses().collect::<Vec<_>>().join(", ")
}

/// A metric target's result, as the table and Markdown show it: the target, the value,
/// met or unmet, the DORA band (with its source) and the control's clauses.
pub fn target_cells(app: &AppReport, t: &TargetResult) -> [String; 5] {
    let value = t.judged.value.map_or_else(
        || "nothing counted".to_string(),
        |v| show(v, &t.target.unit),
    );
    let band = t.judged.band.as_ref().map_or_else(String::new, |b| {
        format!("{b} (DORA {})", bands::dora().year)
    });
    let clauses = app
        .items
        .iter()
        .find(|i| i.control_index == t.control_index)
        .map(clause_list)
        .unwrap_or_default();
    [
        describe(t.target),
        value,
        if t.judged.met { "met" } else { "unmet" }.to_string(),
        band,
        clauses,
    ]
}
