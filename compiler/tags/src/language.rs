//! How each kind of source file writes comments and strings: enough to find comments and
//! to not mistake a string's contents for one.

/// A string literal form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    pub open: &'static str,
    pub close: &'static str,
    /// Whether it may run over several lines (otherwise a line end closes it, so that one
    /// unclosed quote cannot hide the rest of the file).
    pub multiline: bool,
}

const fn quote(delimiter: &'static str, multiline: bool) -> Quote {
    Quote {
        open: delimiter,
        close: delimiter,
        multiline,
    }
}

const DOUBLE: Quote = quote("\"", false);
const DOUBLE_MULTILINE: Quote = quote("\"", true);
const SINGLE: Quote = quote("'", false);
const SINGLE_MULTILINE: Quote = quote("'", true);
const BACKTICK: Quote = quote("`", true);
const TRIPLE_DOUBLE: Quote = quote("\"\"\"", true);
const TRIPLE_SINGLE: Quote = quote("'''", true);

/// The comment and string syntax of a family of languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syntax {
    pub name: &'static str,
    pub line: &'static [&'static str],
    pub block: &'static [(&'static str, &'static str)],
    /// Longer delimiters first: `"""` before `"`.
    pub strings: &'static [Quote],
    /// `'` starts a character literal (`'x'`, `'\n'`) only when one closes right after, as
    /// in C or Rust, where a lone `'` is a lifetime or a label.
    pub char_literals: bool,
}

const C_LIKE: Syntax = Syntax {
    name: "C-like",
    line: &["//"],
    block: &[("/*", "*/")],
    strings: &[TRIPLE_DOUBLE, DOUBLE],
    char_literals: true,
};
const RUST: Syntax = Syntax {
    name: "Rust",
    line: &["//"],
    block: &[("/*", "*/")],
    strings: &[DOUBLE_MULTILINE],
    char_literals: true,
};
const GO: Syntax = Syntax {
    name: "Go",
    line: &["//"],
    block: &[("/*", "*/")],
    strings: &[DOUBLE, BACKTICK],
    char_literals: true,
};
const JAVASCRIPT: Syntax = Syntax {
    name: "JavaScript",
    line: &["//"],
    block: &[("/*", "*/")],
    strings: &[DOUBLE, SINGLE, BACKTICK],
    char_literals: false,
};
const PHP: Syntax = Syntax {
    name: "PHP",
    line: &["//", "#"],
    block: &[("/*", "*/")],
    strings: &[DOUBLE_MULTILINE, SINGLE_MULTILINE],
    char_literals: false,
};
const CSS: Syntax = Syntax {
    name: "CSS",
    line: &[],
    block: &[("/*", "*/")],
    strings: &[DOUBLE, SINGLE],
    char_literals: false,
};
const SCSS: Syntax = Syntax {
    name: "Sass",
    line: &["//"],
    ..CSS
};
const PYTHON: Syntax = Syntax {
    name: "Python",
    line: &["#"],
    block: &[],
    strings: &[TRIPLE_DOUBLE, TRIPLE_SINGLE, DOUBLE, SINGLE],
    char_literals: false,
};
const HASH: Syntax = Syntax {
    name: "shell-like",
    line: &["#"],
    block: &[],
    strings: &[DOUBLE, SINGLE],
    char_literals: false,
};
const HCL: Syntax = Syntax {
    name: "HCL",
    line: &["#", "//"],
    block: &[("/*", "*/")],
    strings: &[DOUBLE],
    char_literals: false,
};
const INI: Syntax = Syntax {
    name: "INI",
    line: &["#", ";"],
    block: &[],
    strings: &[],
    char_literals: false,
};
const SQL: Syntax = Syntax {
    name: "SQL",
    line: &["--"],
    block: &[("/*", "*/")],
    strings: &[SINGLE_MULTILINE, DOUBLE],
    char_literals: false,
};
const LUA: Syntax = Syntax {
    name: "Lua",
    line: &["--"],
    block: &[("--[[", "]]")],
    strings: &[DOUBLE, SINGLE],
    char_literals: false,
};
const HASKELL: Syntax = Syntax {
    name: "Haskell",
    line: &["--"],
    block: &[("{-", "-}")],
    strings: &[DOUBLE],
    char_literals: true,
};
const MARKUP: Syntax = Syntax {
    name: "markup",
    line: &[],
    block: &[("<!--", "-->")],
    strings: &[],
    char_literals: false,
};

/// File extensions (lowercase) and whole file names with their syntax.
const BY_EXTENSION: &[(&[&str], Syntax)] = &[
    (
        &[
            "c", "h", "cc", "cpp", "cxx", "hh", "hpp", "hxx", "cs", "java", "kt", "kts", "scala",
            "sc", "swift", "dart", "groovy", "gradle", "m", "mm", "proto", "zig", "v", "sv",
        ],
        C_LIKE,
    ),
    (&["rs"], RUST),
    (&["go"], GO),
    (
        &[
            "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "json5", "jsonc",
        ],
        JAVASCRIPT,
    ),
    (&["php"], PHP),
    (&["css"], CSS),
    (&["scss", "sass", "less"], SCSS),
    (&["py", "pyi", "pyw"], PYTHON),
    (
        &[
            "sh",
            "bash",
            "zsh",
            "fish",
            "ksh",
            "rb",
            "pl",
            "pm",
            "r",
            "yaml",
            "yml",
            "toml",
            "ex",
            "exs",
            "ps1",
            "psm1",
            "nix",
            "cmake",
            "mk",
            "tcl",
            "jl",
            "cr",
            "nim",
            "dockerfile",
            "containerfile",
            "conf",
            "properties",
            "gitignore",
            "env",
        ],
        HASH,
    ),
    (&["tf", "tfvars", "hcl", "nomad"], HCL),
    (&["ini", "cfg"], INI),
    (&["sql"], SQL),
    (&["lua"], LUA),
    (&["hs", "lhs", "elm", "purs"], HASKELL),
    (
        &[
            "html", "htm", "xhtml", "xml", "svg", "md", "markdown", "vue", "svelte", "xsd", "xsl",
            "plist", "csproj", "props", "targets",
        ],
        MARKUP,
    ),
];

const BY_NAME: &[(&str, Syntax)] = &[
    ("Dockerfile", HASH),
    ("Containerfile", HASH),
    ("Makefile", HASH),
    ("GNUmakefile", HASH),
    ("Jenkinsfile", C_LIKE),
    ("Gemfile", HASH),
    ("Rakefile", HASH),
    ("CMakeLists.txt", HASH),
];

/// How a file's comments are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Known(Syntax),
    /// An unknown kind of file: only comments that start a line (after `//`, `#`, `--`,
    /// `;`, `/*`, `*` or `<!--`) are read, which no string can contain by accident.
    LineStart,
}

impl Language {
    /// The language of a file by its name (`Dockerfile`) or extension (`.py`).
    pub fn of(path: &str) -> Language {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if let Some((_, syntax)) = BY_NAME.iter().find(|(n, _)| *n == name) {
            return Language::Known(*syntax);
        }
        let Some((_, extension)) = name.rsplit_once('.') else {
            return Language::LineStart;
        };
        let extension = extension.to_ascii_lowercase();
        BY_EXTENSION
            .iter()
            .find(|(extensions, _)| extensions.contains(&extension.as_str()))
            .map_or(Language::LineStart, |(_, syntax)| Language::Known(*syntax))
    }
}

/// Comment leaders accepted at the start of a line in files of unknown kind.
pub const LINE_START_LEADERS: &[&str] = &["<!--", "//", "/*", "--", "#", ";", "*"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_extension_or_name() {
        assert_eq!(Language::of("src/app.PY"), Language::Known(PYTHON));
        assert_eq!(Language::of("deploy/Dockerfile"), Language::Known(HASH));
        assert_eq!(Language::of("web/index.tsx"), Language::Known(JAVASCRIPT));
        assert_eq!(Language::of("notes.txt"), Language::LineStart);
        assert_eq!(Language::of("LICENSE"), Language::LineStart);
    }
}
