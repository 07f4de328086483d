//! The standard library: `.polic` modules embedded in the binary, imported with
//! `import std.NAME`. Each module's header states its source, version and licence; see
//! stdlib/README.md.

/// One embedded module.
#[derive(Debug, Clone, Copy)]
pub struct Module {
    /// The name after `std.` in an import.
    pub name: &'static str,
    pub text: &'static str,
}

impl Module {
    /// The path diagnostics and the language server show for this module.
    pub fn path(&self) -> String {
        format!("<stdlib>/{}.polic", self.name)
    }
}

/// Every module, sorted by name.
pub const MODULES: &[Module] = &[
    Module {
        name: "asvs4",
        text: include_str!("../asvs4.polic"),
    },
    Module {
        name: "asvs5",
        text: include_str!("../asvs5.polic"),
    },
    Module {
        name: "iso27001",
        text: include_str!("../iso27001.polic"),
    },
    Module {
        name: "nist80053",
        text: include_str!("../nist80053.polic"),
    },
    Module {
        name: "starter",
        text: include_str!("../starter.polic"),
    },
];

pub fn module(name: &str) -> Option<&'static Module> {
    MODULES.iter().find(|module| module.name == name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn modules_are_sorted_and_unique() {
        let names: Vec<_> = super::MODULES.iter().map(|m| m.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
    }
}
