//! OSCAL JSON: the shared path-keeping reader, with OSCAL's props on top.

pub use polic_ruleset::json::{Node, Problem, Problems};

/// OSCAL's `props` on a node.
pub trait Props<'a> {
    fn props(&self, name: &str, problems: &mut Problems) -> Vec<&'a str>;
}

impl<'a> Props<'a> for Node<'a> {
    /// The `value`s of the props named `name` (OSCAL's own namespace, or no namespace).
    fn props(&self, name: &str, problems: &mut Problems) -> Vec<&'a str> {
        let mut values = Vec::new();
        for prop in self.array("props", problems) {
            if !prop.object(problems) {
                continue;
            }
            let own_namespace = match prop.optional_str("ns", problems) {
                None => true,
                Some(ns) => ns == OSCAL_NAMESPACE,
            };
            if prop.required_str("name", problems) == Some(name) && own_namespace {
                values.extend(prop.required_str("value", problems));
            }
        }
        values
    }
}

/// The namespace of props defined by OSCAL itself (an absent `ns` means the same).
pub const OSCAL_NAMESPACE: &str = "http://csrc.nist.gov/ns/oscal";
