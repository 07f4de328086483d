//! Reading JSON with the path of every value at hand, so that each problem names where it
//! is (`$.catalog.groups[3].controls[7].id: missing`) and reading goes on past it: one run
//! reports every problem of a file. OSCAL import and the scanner readers share it.

use serde_json::Value;

/// A problem with the input, at a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Problems found so far.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn add(&mut self, path: &str, message: impl Into<String>) {
        self.0.push(Problem {
            path: path.to_string(),
            message: message.into(),
        });
    }
}

/// A value and the path that reached it.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub value: &'a Value,
    pub path: String,
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Node<'a> {
    pub fn root(value: &'a Value) -> Node<'a> {
        Node {
            value,
            path: "$".to_string(),
        }
    }

    /// A member of an object, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        self.value.get(key).map(|value| Node {
            value,
            path: format!("{}.{key}", self.path),
        })
    }

    /// A member that must be there.
    pub fn required(&self, key: &str, problems: &mut Problems) -> Option<Node<'a>> {
        let node = self.get(key);
        if node.is_none() && self.value.is_object() {
            problems.add(&format!("{}.{key}", self.path), "missing");
        }
        node
    }

    /// Checks that this is an object (reporting it if not).
    pub fn object(&self, problems: &mut Problems) -> bool {
        if self.value.is_object() {
            return true;
        }
        problems.add(
            &self.path,
            format!("expected an object, found {}", kind(self.value)),
        );
        false
    }

    pub fn string(&self, problems: &mut Problems) -> Option<&'a str> {
        match self.value {
            Value::String(s) => Some(s),
            other => {
                problems.add(
                    &self.path,
                    format!("expected a string, found {}", kind(other)),
                );
                None
            }
        }
    }

    /// A string member that must be there.
    pub fn required_str(&self, key: &str, problems: &mut Problems) -> Option<&'a str> {
        self.required(key, problems)?.string(problems)
    }

    /// A string member that may be absent.
    pub fn optional_str(&self, key: &str, problems: &mut Problems) -> Option<&'a str> {
        self.get(key)?.string(problems)
    }

    /// The items of an array member; none when it is absent (or not an array, reported).
    pub fn array(&self, key: &str, problems: &mut Problems) -> Vec<Node<'a>> {
        let Some(node) = self.get(key) else {
            return Vec::new();
        };
        match node.value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, value)| Node {
                    value,
                    path: format!("{}[{i}]", node.path),
                })
                .collect(),
            other => {
                problems.add(
                    &node.path,
                    format!("expected an array, found {}", kind(other)),
                );
                Vec::new()
            }
        }
    }
}
