//! Which source directories to scan, and for which app: `--sources [APP=]DIR` and the
//! `sources` setting of a `polic.toml` beside the policy, read the same way by the command
//! line and the language server.

use std::path::{Path, PathBuf};

pub const SETTINGS_FILE: &str = "polic.toml";

/// One directory to scan, and the app its files belong to when the user said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub app: Option<String>,
    pub dir: PathBuf,
}

impl Spec {
    /// `DIR` or `APP=DIR`, with `DIR` relative to `base`. A `=` belongs to the directory
    /// unless what precedes it is a name.
    pub fn parse(text: &str, base: &Path) -> Spec {
        let named = text.split_once('=').filter(|(app, _)| {
            !app.is_empty()
                && app
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
        let (app, dir) = match named {
            Some((app, dir)) => (Some(app.to_string()), dir),
            None => (None, text),
        };
        Spec {
            app,
            dir: if base == Path::new(".") {
                PathBuf::from(dir)
            } else {
                base.join(dir)
            },
        }
    }

    /// The app named for a file under this directory, if any.
    pub fn app_for(&self, path: &Path) -> Option<&str> {
        path.starts_with(&self.dir)
            .then_some(self.app.as_deref())
            .flatten()
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    /// As `--sources` takes them, relative to the settings file.
    #[serde(default)]
    sources: Vec<String>,
}

/// The `sources` of the `polic.toml` in `dir`; none when there is no such file. The error
/// is a message naming the file.
pub fn read(dir: &Path) -> Result<Vec<Spec>, String> {
    let path = dir.join(SETTINGS_FILE);
    let shown = path.to_string_lossy().replace('\\', "/");
    let shown = shown.strip_prefix("./").unwrap_or(&shown);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(format!("cannot read {shown}: {error}")),
    };
    let settings: Settings = toml::from_str(&text)
        .map_err(|error| format!("{shown}: {}", error.to_string().trim_end()))?;
    Ok(settings
        .sources
        .iter()
        .map(|s| Spec::parse(s, dir))
        .collect())
}
