//! The standard library: `.polic` modules embedded in the binary, imported with
//! `import std.NAME`. Each module's header states its source, version and licence; see
//! stdlib/README.md. Every `*.polic` file in this directory is a module: the build script
//! lists them and parses each one.

/// One embedded module.
#[derive(Debug, Clone, Copy)]
pub struct Module {
    /// The name after `std.` in an import.
    pub name: &'static str,
    pub text: &'static str,
    /// The syntax tree of `text`, parsed when polic was built (`polic_syntax::decode_tree`
    /// reads it).
    pub tree: &'static [u8],
}

impl Module {
    /// The path diagnostics and the language server show for this module.
    pub fn path(&self) -> String {
        format!("<stdlib>/{}.polic", self.name)
    }
}

// `MODULES`: every module, sorted by name.
include!(concat!(env!("OUT_DIR"), "/modules.rs"));

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
