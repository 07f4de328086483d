//! An app repository: a `polic.toml` whose `[policy]` names the organisation's policy (a
//! directory or a bundle written by `polic build --bundle`), and the `polic.lock` that
//! pins it by digest. The policy's sources are checked with the app's own files, shown
//! under [`POLICY_PREFIX`]; see docs/app-repository.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polic_diagnostics::{Code, Diagnostic, Located, Span};
use polic_ruleset::bundle::{self, Bundle};
use toml::Spanned;

use crate::load::{Loaded, Options};
use crate::root::Root;

/// Where the policy's files are shown, and what tells them from the app's: not a path a
/// checkout can hold, like `<stdlib>/`.
pub const POLICY_PREFIX: &str = "<policy>/";

pub const LOCK_FILE: &str = "polic.lock";
const SETTINGS_FILE: &str = "polic.toml";
const LOCK_VERSION: u32 = 1;
/// A bundle holds a whole policy's text; a policy file is at most `MAX_SOURCE_BYTES`.
const MAX_BUNDLE_BYTES: u64 = 256 * 1024 * 1024;

/// Whether a shown path is one of the policy's files.
pub fn is_policy_file(shown: &str) -> bool {
    shown.starts_with(POLICY_PREFIX)
}

/// How the policy is named, as `polic.lock` records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Path,
    Bundle,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Path => "path",
            Kind::Bundle => "bundle",
        }
    }
}

/// The policy an app repository is checked against.
#[derive(Debug, Clone)]
pub struct Pin {
    pub kind: Kind,
    /// As `polic.toml` writes it.
    pub source: String,
    pub revision: Option<String>,
    pub digest: String,
    /// Each policy file's digest, by its path relative to the policy: what `polic.lock`
    /// keeps so that a mismatch can say what changed.
    pub files: BTreeMap<String, String>,
}

impl Pin {
    /// One line for reports: `policy `SOURCE` (KIND) at REVISION, digest DIGEST`.
    pub fn describe(&self) -> String {
        let revision = self
            .revision
            .as_deref()
            .map_or_else(String::new, |r| format!(" at revision {r}"));
        format!(
            "policy `{}` ({}){revision}, digest {}",
            self.source,
            self.kind.as_str(),
            self.digest
        )
    }
}

/// An app repository, opened: the policy's sources and what is wrong with its pin.
#[derive(Debug)]
pub struct AppRepository {
    /// The directory holding `polic.toml`.
    pub dir: PathBuf,
    /// `None` when the policy could not be read (a problem says why).
    pub pin: Option<Pin>,
    /// The policy's files by their path relative to the policy.
    pub sources: BTreeMap<String, String>,
    /// Problems with `polic.toml`'s `[policy]`, the policy or `polic.lock`.
    pub problems: Vec<Diagnostic>,
    /// The texts the problems point into (`polic.toml`, `polic.lock`), by shown path.
    pub texts: BTreeMap<String, String>,
    /// Where `[policy]` is, for problems about the policy as a whole.
    at_policy: Located,
}

const POLICY_HELP: &str = "write `path = \"../policy\"` for a policy checked out beside the app, or `bundle = \"policy.bundle.json\"` for one written by `polic build --bundle`";

/// The other settings of `polic.toml` are polic-tags'.
#[derive(serde::Deserialize)]
struct Named {
    policy: Option<serde::de::IgnoredAny>,
}

#[derive(serde::Deserialize)]
struct Settings {
    policy: Option<Spanned<PolicySetting>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicySetting {
    path: Option<Spanned<String>>,
    bundle: Option<Spanned<String>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LockFile {
    version: u32,
    policy: Spanned<LockedPolicy>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LockedPolicy {
    kind: Spanned<String>,
    source: Spanned<String>,
    revision: Option<String>,
    digest: Spanned<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
}

/// The app repository whose `polic.toml` is in `dir`, or `None` when that file names no
/// `[policy]` (a policy repository, or no settings at all). Shown paths are `root`'s.
pub fn open(dir: &Path, root: &Root) -> Option<AppRepository> {
    let settings_path = dir.join(SETTINGS_FILE);
    let text = std::fs::read_to_string(&settings_path).ok()?;
    // Whether this is an app repository at all, before what `[policy]` says is judged:
    // a `polic.toml` that polic cannot read is reported where its other settings are.
    let named: Named = toml::from_str(&text).ok()?;
    named.policy?;
    let shown = shown(root, &settings_path);
    let policy = match toml::from_str::<Settings>(&text) {
        Ok(Settings {
            policy: Some(policy),
        }) => policy,
        Ok(Settings { policy: None }) => return None,
        Err(error) => {
            let span = error.span().unwrap_or(0..0);
            let problem = Diagnostic::new(
                Code::PolicyUnavailable,
                format!("`[policy]` cannot be read: {}", error.message()),
                Located {
                    file: shown.clone(),
                    span: Span::new(span.start, span.end),
                },
            )
            .with_help(POLICY_HELP);
            return Some(AppRepository {
                dir: dir.to_path_buf(),
                pin: None,
                sources: BTreeMap::new(),
                problems: vec![problem.clone()],
                texts: BTreeMap::from([(shown, text)]),
                at_policy: problem.primary.at,
            });
        }
    };
    let mut repo = AppRepository {
        dir: dir.to_path_buf(),
        pin: None,
        sources: BTreeMap::new(),
        problems: Vec::new(),
        texts: BTreeMap::from([(shown.clone(), text.clone())]),
        at_policy: at(&shown, &policy),
    };
    let setting = policy.into_inner();
    let (kind, source) = match (setting.path, setting.bundle) {
        (Some(path), None) => (Kind::Path, path),
        (None, Some(bundle)) => (Kind::Bundle, bundle),
        (path, bundle) => {
            let located = path
                .as_ref()
                .or(bundle.as_ref())
                .map_or(repo.at_policy.clone(), |s| at(&shown, s));
            repo.problems.push(
                Diagnostic::new(
                    Code::PolicyUnavailable,
                    "`[policy]` must name exactly one of `path` and `bundle`",
                    located,
                )
                .with_help(POLICY_HELP),
            );
            return Some(repo);
        }
    };
    let site = at(&shown, &source);
    let written = source.into_inner();
    let read = match kind {
        Kind::Path => read_directory(&dir.join(&written), dir),
        Kind::Bundle => read_bundle(&dir.join(&written)),
    };
    match read {
        Ok((sources, revision)) => {
            repo.pin = Some(Pin {
                kind,
                source: written,
                revision,
                digest: bundle::sources_digest(&sources),
                files: sources
                    .iter()
                    .map(|(path, text)| (path.clone(), bundle::digest(text.as_bytes())))
                    .collect(),
            });
            repo.sources = sources;
            repo.check_lock(root);
        }
        Err(reason) => repo.problems.push(
            Diagnostic::new(
                Code::PolicyUnavailable,
                format!("cannot read the policy `{written}`: {reason}"),
                site,
            )
            .with_help(match kind {
                Kind::Path => "point `path` at the policy repository's directory of `.polic` files",
                Kind::Bundle => "rebuild the bundle with `polic build --bundle -o FILE` in the policy repository",
            }),
        ),
    }
    Some(repo)
}

fn shown(root: &Root, path: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    root.display(&absolute)
}

fn at<T>(file: &str, spanned: &Spanned<T>) -> Located {
    let range = spanned.span();
    Located {
        file: file.to_string(),
        span: Span::new(range.start, range.end),
    }
}

/// A policy checked out as a directory: its files relative to it, and its commit when it
/// is a repository of its own (in the app's, the commit is the app's and says nothing).
fn read_directory(
    dir: &Path,
    app: &Path,
) -> Result<(BTreeMap<String, String>, Option<String>), String> {
    // The policy is read as a workspace of its own: reads stay inside it.
    let loaded: Loaded =
        crate::load(&[dir.to_path_buf()], Options::default()).map_err(|error| {
            error
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_string()
        })?;
    if let Some(problem) = loaded.problems.first() {
        return Err(problem.message.clone());
    }
    let sources = loaded
        .files
        .into_iter()
        .map(|(shown, text)| {
            let relative = loaded
                .root
                .relative(&shown)
                .map_or(shown, |p| p.to_string_lossy().replace('\\', "/"));
            (relative, text)
        })
        .collect();
    let own =
        crate::git::repository(dir).filter(|top| crate::git::repository(app) != Some(top.clone()));
    Ok((sources, own.and_then(|top| crate::git::checked_out(&top))))
}

fn read_bundle(path: &Path) -> Result<(BTreeMap<String, String>, Option<String>), String> {
    let bytes = crate::read_bytes(path, MAX_BUNDLE_BYTES).map_err(|e| e.reason())?;
    let text = String::from_utf8(bytes).map_err(|_| "it is not valid UTF-8".to_string())?;
    let bundle = Bundle::parse(&text)?;
    Ok((bundle.sources, bundle.revision))
}

impl AppRepository {
    /// Compares the policy read with the one `polic.lock` pins.
    fn check_lock(&mut self, root: &Root) {
        let Some(pin) = &self.pin else { return };
        let lock_path = self.dir.join(LOCK_FILE);
        let text = match std::fs::read_to_string(&lock_path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                self.problems.push(
                    Diagnostic::new(
                        Code::PolicyNotLocked,
                        format!("no `{LOCK_FILE}` pins the policy `{}`", pin.source),
                        self.at_policy.clone(),
                    )
                    .with_label(format!("digest {}", pin.digest))
                    .with_help(format!(
                        "run `polic update` to write {LOCK_FILE}, and commit it: CI then checks against exactly this policy"
                    )),
                );
                return;
            }
            Err(error) => {
                self.problems.push(
                    Diagnostic::new(
                        Code::PolicyUnavailable,
                        format!("cannot read `{LOCK_FILE}`: {error}"),
                        self.at_policy.clone(),
                    )
                    .with_help("make sure the user running polic may read it"),
                );
                return;
            }
        };
        let shown = shown(root, &lock_path);
        self.texts.insert(shown.clone(), text.clone());
        let lock: LockFile = match toml::from_str(&text) {
            Ok(lock) => lock,
            Err(error) => {
                let span = error.span().unwrap_or(0..0);
                self.problems.push(
                    Diagnostic::new(
                        Code::PolicyUnavailable,
                        format!("`{LOCK_FILE}` cannot be read: {}", error.message()),
                        Located {
                            file: shown,
                            span: Span::new(span.start, span.end),
                        },
                    )
                    .with_help(format!("run `polic update` to write {LOCK_FILE} again")),
                );
                return;
            }
        };
        if lock.version != LOCK_VERSION {
            self.problems.push(
                Diagnostic::new(
                    Code::PolicyUnavailable,
                    format!(
                        "`{LOCK_FILE}` is version {}, and this polic reads version {LOCK_VERSION}",
                        lock.version
                    ),
                    at(&shown, &lock.policy),
                )
                .with_help(format!("run `polic update` to write {LOCK_FILE} again")),
            );
            return;
        }
        let locked = lock.policy.into_inner();
        if *locked.kind.get_ref() != pin.kind.as_str() || *locked.source.get_ref() != pin.source {
            self.problems.push(
                Diagnostic::new(
                    Code::PolicyChanged,
                    format!(
                        "`polic.toml` names the policy `{}` ({}), and `{LOCK_FILE}` pins `{}` ({})",
                        pin.source,
                        pin.kind.as_str(),
                        locked.source.get_ref(),
                        locked.kind.get_ref()
                    ),
                    at(&shown, &locked.source),
                )
                .with_secondary(self.at_policy.clone(), "the policy named here")
                .with_help(format!(
                    "run `polic update` to pin the policy `polic.toml` names, and commit {LOCK_FILE}"
                )),
            );
            return;
        }
        if *locked.digest.get_ref() == pin.digest {
            return;
        }
        let mut diagnostic = Diagnostic::new(
            Code::PolicyChanged,
            format!(
                "the policy `{}` changed since `{LOCK_FILE}` was written",
                pin.source
            ),
            at(&shown, &locked.digest),
        )
        .with_label(format!("its digest is now {}", pin.digest));
        if locked.revision != pin.revision {
            let name = |r: &Option<String>| r.clone().unwrap_or_else(|| "none".to_string());
            diagnostic = diagnostic.with_note(format!(
                "revision: {} → {}",
                name(&locked.revision),
                name(&pin.revision)
            ));
        }
        for note in changed_files(&locked.files, &pin.files) {
            diagnostic = diagnostic.with_note(note);
        }
        self.problems.push(diagnostic.with_help(format!(
            "review the change (`polic diff`), then run `polic update` and commit {LOCK_FILE}"
        )));
    }

    /// The policy's files as the checker sees them, beside the app's.
    pub fn policy_files(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.sources
            .iter()
            .map(|(path, text)| (format!("{POLICY_PREFIX}{path}"), text.clone()))
    }

    /// Where `[policy]` is in `polic.toml`: problems of the policy as a whole point there.
    pub fn at_policy(&self) -> &Located {
        &self.at_policy
    }

    /// The lock file for the policy read, as `polic update` writes it.
    pub fn lock_text(&self) -> Option<String> {
        let pin = self.pin.as_ref()?;
        let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
        let mut lock = format!(
            "# The policy this app repository is checked against, written by `polic update`.\n\
             # Commit it: CI then checks against exactly this policy.\n\
             version = {LOCK_VERSION}\n\n[policy]\nkind = {}\nsource = {}\n",
            quote(pin.kind.as_str()),
            quote(&pin.source)
        );
        if let Some(revision) = &pin.revision {
            lock.push_str(&format!("revision = {}\n", quote(revision)));
        }
        lock.push_str(&format!(
            "digest = {}\n\n[policy.files]\n",
            quote(&pin.digest)
        ));
        for (path, digest) in &pin.files {
            lock.push_str(&format!("{} = {}\n", quote(path), quote(digest)));
        }
        Some(lock)
    }
}

/// What differs between the files a lock pinned and those read, one note each, in path
/// order.
fn changed_files(locked: &BTreeMap<String, String>, now: &BTreeMap<String, String>) -> Vec<String> {
    let mut notes = Vec::new();
    for (path, digest) in now {
        match locked.get(path) {
            None => notes.push(format!("added: `{path}`")),
            Some(old) if old != digest => notes.push(format!("changed: `{path}`")),
            Some(_) => {}
        }
    }
    for path in locked.keys().filter(|p| !now.contains_key(*p)) {
        notes.push(format!("removed: `{path}`"));
    }
    notes.sort_by(|a, b| {
        let path = |n: &str| n.split_once('`').map(|(_, p)| p.to_string());
        path(a).cmp(&path(b))
    });
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_files_are_named_in_path_order() {
        let locked = BTreeMap::from([
            ("a.polic".to_string(), "sha256:1".to_string()),
            ("b.polic".to_string(), "sha256:2".to_string()),
            ("d.polic".to_string(), "sha256:4".to_string()),
        ]);
        let now = BTreeMap::from([
            ("a.polic".to_string(), "sha256:1".to_string()),
            ("b.polic".to_string(), "sha256:9".to_string()),
            ("c.polic".to_string(), "sha256:3".to_string()),
        ]);
        assert_eq!(
            changed_files(&locked, &now),
            [
                "changed: `b.polic`",
                "added: `c.polic`",
                "removed: `d.polic`"
            ]
        );
    }
}
