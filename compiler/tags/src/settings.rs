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
            dir: relative_to(base, dir),
        }
    }

    /// The app named for a file under this directory, if any.
    pub fn app_for(&self, path: &Path) -> Option<&str> {
        path.starts_with(&self.dir)
            .then_some(self.app.as_deref())
            .flatten()
    }
}

/// `path` relative to `base`, kept as written when `base` is the current directory so that
/// messages show it as the user wrote it.
fn relative_to(base: &Path, path: &str) -> PathBuf {
    if base == Path::new(".") {
        PathBuf::from(path)
    } else {
        base.join(path)
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Settings {
    /// As `--sources` takes them, relative to the settings file.
    #[serde(default)]
    sources: Vec<String>,
    /// As `--evidence`, `--sarif` and `--scan` take them, relative to the settings file.
    #[serde(default)]
    evidence: Vec<String>,
    #[serde(default)]
    sarif: Vec<String>,
    /// As `--scan` takes them: `APP=FORMAT:FILE`.
    #[serde(default)]
    scan: Vec<String>,
    /// An app repository's policy: polic-project reads it (`polic_project::app`).
    #[serde(default, rename = "policy")]
    _policy: Option<serde::de::IgnoredAny>,
}

/// The `polic.toml` in `dir`, as it is shown in messages, and its settings (all empty when
/// there is no such file).
fn load(dir: &Path) -> Result<(String, Settings), String> {
    let path = dir.join(SETTINGS_FILE);
    let shown = path.to_string_lossy().replace('\\', "/");
    let shown = shown.strip_prefix("./").unwrap_or(&shown).to_string();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok((shown, Settings::default()));
        }
        Err(error) => return Err(format!("cannot read {shown}: {error}")),
    };
    let settings: Settings = toml::from_str(&text)
        .map_err(|error| format!("{shown}: {}", error.to_string().trim_end()))?;
    Ok((shown, settings))
}

/// The evidence a `polic.toml` names, its paths resolved against the file's directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceFiles {
    /// JSON-lines evidence files.
    pub evidence: Vec<PathBuf>,
    /// SARIF logs, each with the app it was run over.
    pub sarif: Vec<(String, PathBuf)>,
    /// Scanner reports, each with the app it was run over and its format.
    pub scan: Vec<ScanReport>,
}

/// `APP=FILE`, `FILE` relative to `base`; `None` without an app.
pub fn app_file(text: &str, base: &Path) -> Option<(String, PathBuf)> {
    let (app, file) = text.split_once('=').filter(|(app, _)| !app.is_empty())?;
    Some((app.to_string(), relative_to(base, file)))
}

/// A scanner report over one app, as `--scan APP=FORMAT:FILE` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanReport {
    pub app: String,
    /// The scanner that wrote it (`trivy`): its reader, and the findings' tool.
    pub format: String,
    pub path: PathBuf,
}

impl ScanReport {
    /// `APP=FORMAT:FILE`, `FILE` relative to `base`; `None` when a part is missing. The
    /// format is the text before the first `:`, so a file may hold one (`C:\x.json`).
    pub fn parse(text: &str, base: &Path) -> Option<ScanReport> {
        let (app, rest) = text.split_once('=').filter(|(app, _)| !app.is_empty())?;
        let (format, file) = rest
            .split_once(':')
            .filter(|(format, file)| !format.is_empty() && !file.is_empty())?;
        Some(ScanReport {
            app: app.to_string(),
            format: format.to_string(),
            path: relative_to(base, file),
        })
    }
}

/// The `evidence`, `sarif` and `scan` of the `polic.toml` in `dir`; none when there is no
/// such file.
pub fn read_evidence(dir: &Path) -> Result<EvidenceFiles, String> {
    let (shown, settings) = load(dir)?;
    let mut files = EvidenceFiles {
        evidence: settings
            .evidence
            .iter()
            .map(|f| relative_to(dir, f))
            .collect(),
        ..EvidenceFiles::default()
    };
    for entry in &settings.sarif {
        let Some(sarif) = app_file(entry, dir) else {
            return Err(format!(
                "{shown}: sarif entry `{entry}` needs the form APP=FILE"
            ));
        };
        files.sarif.push(sarif);
    }
    for entry in &settings.scan {
        let Some(scan) = ScanReport::parse(entry, dir) else {
            return Err(format!(
                "{shown}: scan entry `{entry}` needs the form APP=FORMAT:FILE"
            ));
        };
        files.scan.push(scan);
    }
    Ok(files)
}

/// The `sources` of the `polic.toml` in `dir`; none when there is no such file. The error
/// is a message naming the file.
pub fn read(dir: &Path) -> Result<Vec<Spec>, String> {
    let (_, settings) = load(dir)?;
    Ok(settings
        .sources
        .iter()
        .map(|s| Spec::parse(s, dir))
        .collect())
}
