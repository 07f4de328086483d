//! JUnit XML, typed and written through quick-xml (which escapes every text and
//! attribute): suites of cases, each passing, failing or skipped. Counts are computed from
//! the cases, so they cannot disagree with them.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

pub struct Suites {
    pub name: String,
    pub suites: Vec<Suite>,
}

pub struct Suite {
    pub name: String,
    pub cases: Vec<Case>,
}

pub struct Case {
    pub classname: String,
    pub name: String,
    pub outcomes: Vec<Outcome>,
    /// What the case printed: where code implements and tests an obligation, say.
    pub system_out: Option<String>,
}

impl Case {
    pub fn new(classname: impl Into<String>, name: impl Into<String>) -> Case {
        Case {
            classname: classname.into(),
            name: name.into(),
            outcomes: Vec::new(),
            system_out: None,
        }
    }

    fn failed(&self) -> bool {
        self.outcomes
            .iter()
            .any(|o| matches!(o, Outcome::Failure { .. }))
    }

    fn skipped(&self) -> bool {
        self.outcomes
            .iter()
            .any(|o| matches!(o, Outcome::Skipped { .. }))
    }
}

pub enum Outcome {
    Failure {
        kind: Option<String>,
        message: String,
        text: String,
    },
    Skipped {
        message: String,
    },
}

/// The start of a `testsuites` or `testsuite` element: its name, and how many of its
/// cases there are, failed and were skipped.
fn counted<'c>(
    tag: &'static str,
    name: &str,
    cases: impl Iterator<Item = &'c Case>,
) -> BytesStart<'static> {
    let (mut tests, mut failures, mut skipped) = (0usize, 0usize, 0usize);
    for case in cases {
        tests += 1;
        failures += usize::from(case.failed());
        skipped += usize::from(case.skipped());
    }
    let mut element = BytesStart::new(tag);
    element.push_attribute(("name", name));
    for (attribute, count) in [
        ("tests", tests),
        ("failures", failures),
        ("skipped", skipped),
    ] {
        element.push_attribute((attribute, count.to_string().as_str()));
    }
    element
}

fn start<'a>(name: &'a str, attributes: &[(&str, &str)]) -> BytesStart<'a> {
    let mut element = BytesStart::new(name);
    for &attribute in attributes {
        element.push_attribute(attribute);
    }
    element
}

impl Suites {
    pub fn to_xml(&self) -> String {
        let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
        // Writing into a Vec fails only on a malformed event, which this never builds.
        let _ = self.write(&mut writer);
        let mut out = String::from_utf8(writer.into_inner()).unwrap_or_default();
        out.push('\n');
        out
    }

    fn write(&self, w: &mut Writer<Vec<u8>>) -> std::io::Result<()> {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let all = self.suites.iter().flat_map(|s| &s.cases);
        w.write_event(Event::Start(counted("testsuites", &self.name, all)))?;
        for suite in &self.suites {
            w.write_event(Event::Start(counted(
                "testsuite",
                &suite.name,
                suite.cases.iter(),
            )))?;
            for case in &suite.cases {
                write_case(w, case)?;
            }
            w.write_event(Event::End(BytesEnd::new("testsuite")))?;
        }
        w.write_event(Event::End(BytesEnd::new("testsuites")))
    }
}

fn write_case(w: &mut Writer<Vec<u8>>, case: &Case) -> std::io::Result<()> {
    let element = start(
        "testcase",
        &[("classname", &case.classname), ("name", &case.name)],
    );
    if case.outcomes.is_empty() && case.system_out.is_none() {
        return w.write_event(Event::Empty(element));
    }
    w.write_event(Event::Start(element))?;
    for outcome in &case.outcomes {
        match outcome {
            Outcome::Failure {
                kind,
                message,
                text,
            } => {
                let mut attributes = Vec::new();
                if let Some(kind) = kind {
                    attributes.push(("type", kind.as_str()));
                }
                attributes.push(("message", message.as_str()));
                w.write_event(Event::Start(start("failure", &attributes)))?;
                w.write_event(Event::Text(BytesText::new(text)))?;
                w.write_event(Event::End(BytesEnd::new("failure")))?;
            }
            Outcome::Skipped { message } => {
                w.write_event(Event::Empty(start("skipped", &[("message", message)])))?;
            }
        }
    }
    if let Some(out) = &case.system_out {
        w.write_event(Event::Start(BytesStart::new("system-out")))?;
        w.write_event(Event::Text(BytesText::new(out)))?;
        w.write_event(Event::End(BytesEnd::new("system-out")))?;
    }
    w.write_event(Event::End(BytesEnd::new("testcase")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_escapes_as_junit_readers_expect() {
        let mut failing = Case::new("polic", "a<b>.polic");
        failing.outcomes.push(Outcome::Failure {
            kind: Some("error".into()),
            message: "unknown `x` & \"y\"".into(),
            text: "line 1\nline <2>".into(),
        });
        let mut skipped = Case::new("polic", "waived");
        skipped.outcomes.push(Outcome::Skipped {
            message: "waived by w".into(),
        });
        skipped.system_out = Some("implements a.py:1".into());
        let xml = Suites {
            name: "polic check".into(),
            suites: vec![Suite {
                name: "s".into(),
                cases: vec![failing, skipped, Case::new("polic", "ok")],
            }],
        }
        .to_xml();
        assert_eq!(
            xml,
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="polic check" tests="3" failures="1" skipped="1">
  <testsuite name="s" tests="3" failures="1" skipped="1">
    <testcase classname="polic" name="a&lt;b&gt;.polic">
      <failure type="error" message="unknown `x` &amp; &quot;y&quot;">line 1
line &lt;2&gt;</failure>
    </testcase>
    <testcase classname="polic" name="waived">
      <skipped message="waived by w"/>
      <system-out>implements a.py:1</system-out>
    </testcase>
    <testcase classname="polic" name="ok"/>
  </testsuite>
</testsuites>
"#
        );
    }
}
