//! Tags against the policy's rule set: which app a source file belongs to, whether each tag
//! names a control (or obligation) the policy defines, and whether that app must meet it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use polic_diagnostics::suggest::closest;
use polic_diagnostics::{Code, Diagnostic, Located, Span};
use polic_ruleset::RuleSet;
use polic_ruleset::eval::{Candidate, applicability, effective_facts};
use polic_ruleset::evidence::CodeTag;
use polic_ruleset::schema::Control;

use crate::scan::{FileTags, Target, Verb};

/// What tags are resolved against.
pub struct Policy<'r> {
    rules: &'r RuleSet,
    controls: BTreeMap<&'r str, &'r Control>,
    /// Per app asked about, whether it must meet each control (by index): computed for one
    /// app at a time, since an editor asks about one file's app in a large portfolio.
    /// `None` when the policy's conditions cannot be evaluated (it has errors, which the
    /// checker reports).
    required: RefCell<BTreeMap<String, Option<Rc<[bool]>>>>,
    /// Where each app is declared: its file's directory, deepest first.
    app_dirs: Vec<(&'r str, &'r str)>,
}

/// A file's tags as diagnostics and as evidence.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub diagnostics: Vec<Diagnostic>,
    /// Every target of every tag, known or not: evaluation reports those that match
    /// nothing rather than dropping them.
    pub code: Vec<CodeTag>,
}

impl<'r> Policy<'r> {
    pub fn new(rules: &'r RuleSet) -> Policy<'r> {
        let mut app_dirs: Vec<(&str, &str)> = rules
            .apps
            .iter()
            .map(|app| (source_dir(&app.source), app.name.as_str()))
            .collect();
        app_dirs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
        Policy {
            rules,
            controls: rules
                .controls
                .iter()
                .map(|c| (c.name.as_str(), c))
                .collect(),
            required: RefCell::default(),
            app_dirs,
        }
    }

    /// Whether `app` must meet each control, by index; `None` for an unknown app or a
    /// policy whose conditions cannot be evaluated.
    fn required_of(&self, app: &str) -> Option<Rc<[bool]>> {
        if let Some(known) = self.required.borrow().get(app) {
            return known.clone();
        }
        let computed = self
            .rules
            .apps
            .iter()
            .find(|a| a.name == app)
            .and_then(|found| {
                let candidate = Candidate {
                    archetypes: found.archetypes.clone(),
                    facts: effective_facts(self.rules, &found.archetypes, &found.facts),
                };
                let applicable = applicability(self.rules, &[candidate]).ok()?;
                Some(applicable.required.iter().map(|bits| bits.get(0)).collect())
            });
        self.required
            .borrow_mut()
            .insert(app.to_string(), computed.clone());
        computed
    }

    /// The app a source file belongs to: the one declared in the nearest `.polic` file in
    /// the file's directory or above it, or the policy's only app. `None` when that is
    /// ambiguous (two apps declared side by side) or the policy has no app there.
    pub fn app_of(&self, path: &str) -> Option<&'r str> {
        let deepest = self
            .app_dirs
            .iter()
            .find(|(dir, _)| is_within(path, dir))
            .map(|(dir, _)| *dir);
        match deepest {
            Some(dir) => {
                let mut apps = self.app_dirs.iter().filter(|(d, _)| *d == dir);
                match (apps.next(), apps.next()) {
                    (Some((_, app)), None) => Some(app),
                    _ => None,
                }
            }
            None => match self.rules.apps.as_slice() {
                [only] => Some(only.name.as_str()),
                _ => None,
            },
        }
    }

    pub fn has_app(&self, name: &str) -> bool {
        self.rules.apps.iter().any(|a| a.name == name)
    }

    pub fn app_names(&self) -> impl Iterator<Item = &'r str> {
        self.rules.apps.iter().map(|a| a.name.as_str())
    }

    /// The control a tag target names, if the policy defines it.
    pub fn control(&self, name: &str) -> Option<&'r Control> {
        self.controls.get(name).copied()
    }

    /// Whether `app` must meet `control`; `None` when either is unknown or the policy's
    /// conditions cannot be evaluated.
    pub fn requires(&self, app: &str, control: &str) -> Option<bool> {
        let index = self.rules.controls.iter().position(|c| c.name == control)?;
        Some(self.required_of(app)?[index])
    }

    /// Controls by name, for completion: those `app` must meet first when it is known.
    pub fn controls_for(&self, app: Option<&str>) -> Vec<(&'r Control, bool)> {
        let required = app.and_then(|app| self.required_of(app));
        let mut out: Vec<(&Control, bool)> = self
            .rules
            .controls
            .iter()
            .enumerate()
            .map(|(c, control)| (control, required.as_ref().is_some_and(|r| r[c])))
            .collect();
        out.sort_by_key(|(control, required)| (!required, control.name.as_str()));
        out
    }

    /// Checks a file's tags for `app` (`None`: the file belongs to no app, and only the
    /// names are checked).
    pub fn resolve(&self, app: Option<&str>, path: &str, tags: &FileTags) -> Resolved {
        let located = |span: Span| Located {
            file: path.to_string(),
            span,
        };
        let mut out = Resolved {
            diagnostics: tags
                .problems
                .iter()
                .cloned()
                .map(|d| d.in_file(path))
                .collect(),
            code: Vec::new(),
        };
        for tag in &tags.tags {
            for target in &tag.targets {
                if let Some(problem) = self.check_target(app, target, tag.verb) {
                    out.diagnostics.push(problem.map_locations(located));
                }
                if let Some(app) = app {
                    out.code.push(CodeTag {
                        app: app.to_string(),
                        verb: tag.verb,
                        control: target.control.clone(),
                        obligation: target.obligation.as_ref().map(|(o, _)| o.clone()),
                        file: path.to_string(),
                        lines: tag.lines,
                        origin: format!("{path}:{}", tag.line),
                    });
                }
            }
        }
        out
    }

    fn check_target(
        &self,
        app: Option<&str>,
        target: &Target,
        verb: Verb,
    ) -> Option<Diagnostic<Span>> {
        let Some(control) = self.control(&target.control) else {
            let mut problem = Diagnostic::new(
                Code::UnknownControl,
                format!("unknown control `{}`", target.control),
                target.control_span,
            )
            .with_label("no control has this name");
            match closest(&target.control, self.controls.keys().copied()) {
                Some(suggestion) => {
                    problem = problem.with_suggestion(target.control_span, suggestion)
                }
                None if self.controls.is_empty() => {
                    problem = problem.with_help("the policy defines no control");
                }
                None => {}
            }
            return Some(problem);
        };
        if let Some((obligation, span)) = &target.obligation
            && !control.obligations.iter().any(|o| o.name == *obligation)
        {
            let known: Vec<&str> = control
                .obligations
                .iter()
                .map(|o| o.name.as_str())
                .collect();
            let mut problem = Diagnostic::new(
                Code::UnknownObligation,
                format!(
                    "unknown obligation `{obligation}` of control `{}`",
                    control.name
                ),
                *span,
            )
            .with_label("the control has no obligation of this name")
            .with_help(format!("its obligations are {}", known.join(", ")));
            if let Some(suggestion) = closest(obligation, known.iter().copied()) {
                problem = problem.with_suggestion(*span, suggestion);
            }
            return Some(problem);
        }
        let app = app?;
        if self.requires(app, &control.name)? {
            return None;
        }
        let applies: Vec<String> = control.applies.iter().map(ToString::to_string).collect();
        Some(
            Diagnostic::new(
                Code::TagNotRequired,
                format!("app `{app}` does not require control `{}`", control.name),
                target.span(),
            )
            .with_label(format!("this code {} it", verb_phrase(verb)))
            .with_note(format!("`{}` has `{}`", control.name, applies.join("`, `")))
            .with_help(format!(
                "correct the tag, or the archetype and facts of app `{app}`"
            )),
        )
    }
}

fn verb_phrase(verb: Verb) -> &'static str {
    match verb {
        Verb::Implements => "is said to implement",
        Verb::Tests => "is said to test",
    }
}

/// The directory of a `file:line:col` source location, with `/` separators.
fn source_dir(source: &str) -> &str {
    let file = source.rsplitn(3, ':').nth(2).unwrap_or(source);
    file.rfind('/').map_or("", |slash| &file[..slash])
}

/// Whether `path` is inside directory `dir` (`""` is the current directory).
fn is_within(path: &str, dir: &str) -> bool {
    if dir.is_empty() {
        return !path.starts_with('/') && !path.starts_with("../");
    }
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_contain_their_files_only() {
        assert!(is_within("svc/shop/app.py", "svc/shop"));
        assert!(!is_within("svc/shopfront/app.py", "svc/shop"));
        assert!(is_within("app.py", ""));
        assert!(!is_within("../other/app.py", ""));
        assert_eq!(source_dir("apps/shop.polic:3:1"), "apps");
        assert_eq!(source_dir("shop.polic:3:1"), "");
    }
}
