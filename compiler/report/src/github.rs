//! GitHub Actions workflow commands: annotations CI shows on the lines they name.

/// What an annotation is: the severity GitHub shows it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annotation {
    Error,
    Warning,
    Notice,
}

/// Where an annotation points: one-based lines and columns (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub line: u32,
    pub column: u32,
    /// The end, when the annotation spans a range.
    pub end: Option<(u32, u32)>,
}

/// A workflow command line (`::error file=f,line=3,...::message`), with its properties and
/// message escaped as the runner reads them.
pub fn annotation(kind: Annotation, file: &str, at: Place, title: &str, message: &str) -> String {
    let command = match kind {
        Annotation::Error => "error",
        Annotation::Warning => "warning",
        Annotation::Notice => "notice",
    };
    let mut properties = vec![
        ("file", file.to_string()),
        ("line", at.line.to_string()),
        ("col", at.column.to_string()),
    ];
    if let Some((end_line, end_column)) = at.end {
        properties.push(("endLine", end_line.to_string()));
        properties.push(("endColumn", end_column.to_string()));
    }
    properties.push(("title", title.to_string()));
    let escape_data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let escape_property = |s: &str| escape_data(s).replace(':', "%3A").replace(',', "%2C");
    let properties: Vec<String> = properties
        .iter()
        .map(|(name, value)| format!("{name}={}", escape_property(value)))
        .collect();
    format!(
        "::{command} {}::{}\n",
        properties.join(","),
        escape_data(message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_and_message_are_escaped() {
        let at = Place {
            line: 3,
            column: 1,
            end: Some((3, 4)),
        };
        assert_eq!(
            annotation(
                Annotation::Warning,
                "a,b:c.polic",
                at,
                "P0001 x",
                "50%\nnext"
            ),
            "::warning file=a%2Cb%3Ac.polic,line=3,col=1,endLine=3,endColumn=4,title=P0001 x::50%25%0Anext\n"
        );
    }
}
