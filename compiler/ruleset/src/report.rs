//! The wording of an evaluation that explanations, snapshots and every report format
//! share (the formats themselves are polic-report's).

use crate::eval::{AppReport, Report};
use crate::evidence::{CodeTag, Verb};

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
