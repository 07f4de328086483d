//! The server's state: the salsa database, the workspace input and which document each
//! file comes from. Only notifications change it, under a lock and before any `.await`;
//! requests work on a [`Snapshot`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polic_sema::{Database, File, Origin, Workspace};
use polic_syntax::ast::Date;
use salsa::Setter;
use tower_lsp_server::gen_lsp_types::{TextDocumentContentChangeEvent, Uri};

use crate::convert::{self, Encoding};

/// What the client configured in `initializationOptions`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Config {
    /// Where docs/diagnostics.md is published: diagnostic codes link to `BASE#p0102`.
    pub diagnostics_base_url: Option<String>,
    /// How long to wait after a change before checking, in milliseconds.
    pub diagnostics_delay_ms: Option<u64>,
}

/// One workspace file: on disk, open in the editor, or both.
#[derive(Debug, Clone)]
pub struct Doc {
    pub file: File,
    /// The URI the client uses for it.
    pub uri: String,
    /// The editor's version while the document is open.
    pub version: Option<i32>,
}

/// Which file each path is; shared by snapshots and replaced on change.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// Workspace files by path (for non-file URIs, the URI itself).
    pub docs: BTreeMap<String, Doc>,
    /// Open source files of other languages, read for their `polic:` tags only: database
    /// files that are not workspace members, so they are never parsed as policy.
    pub sources: BTreeMap<String, Doc>,
    /// The `sources` of each workspace folder's `polic.toml`: which app a source file
    /// under one of them belongs to.
    pub source_apps: Vec<polic_tags::settings::Spec>,
    /// Standard-library modules by name.
    pub stdlib: BTreeMap<String, File>,
    /// What reading the workspace folders' files found: files not UTF-8 or unreadable.
    pub problems: Vec<polic_diagnostics::Diagnostic>,
}

/// A consistent view for one request: a clone of the database handle and what it needs to
/// map URIs. Never held across an `.await`: a write waits until every clone is dropped.
#[derive(Clone)]
pub struct Snapshot {
    pub db: Database,
    pub workspace: Workspace,
    pub files: Arc<Files>,
    pub encoding: Encoding,
    pub config: Arc<Config>,
    /// Whether the client takes ordered `documentChanges` in workspace edits.
    pub document_changes: bool,
}

impl Snapshot {
    /// The file a URI names: a workspace document or a standard-library module.
    pub fn file(&self, uri: &Uri) -> Option<File> {
        let uri = uri.0.as_str();
        if let Some(module) = convert::stdlib_module(uri) {
            return self.files.stdlib.get(module).copied();
        }
        self.files.docs.get(&path_of(uri)).map(|doc| doc.file)
    }

    /// The app a workspace folder's `polic.toml` names for a source file, if any.
    pub fn source_app(&self, file: File) -> Option<&str> {
        let path = Path::new(file.path(&self.db));
        self.files
            .source_apps
            .iter()
            .find_map(|spec| spec.app_for(path))
    }

    /// The source file (not policy) a URI names, read for its tags.
    pub fn source(&self, uri: &Uri) -> Option<File> {
        self.files
            .sources
            .get(&path_of(uri.0.as_str()))
            .map(|doc| doc.file)
    }

    /// The URI the client knows a file by.
    pub fn uri(&self, file: File) -> Uri {
        self.uri_of_path(file.path(&self.db))
    }

    pub fn uri_of_path(&self, path: &str) -> Uri {
        if let Some(module) = path
            .strip_prefix("<stdlib>/")
            .and_then(|p| p.strip_suffix(".polic"))
        {
            return Uri(convert::stdlib_uri(module));
        }
        match self
            .files
            .docs
            .get(path)
            .or_else(|| self.files.sources.get(path))
        {
            Some(doc) => Uri(doc.uri.clone()),
            None => Uri(convert::path_to_uri(path)),
        }
    }

    pub fn file_of_path(&self, path: &str) -> Option<File> {
        if let Some(doc) = self
            .files
            .docs
            .get(path)
            .or_else(|| self.files.sources.get(path))
        {
            return Some(doc.file);
        }
        let module = path.strip_prefix("<stdlib>/")?.strip_suffix(".polic")?;
        self.files.stdlib.get(module).copied()
    }
}

/// The path a URI's file is known by: its file-system path, or the URI itself when it is
/// not a `file:` URI (an unsaved buffer).
pub fn path_of(uri: &str) -> String {
    convert::uri_to_path(uri).unwrap_or_else(|| uri.to_string())
}

pub struct State {
    pub db: Database,
    pub workspace: Workspace,
    pub files: Arc<Files>,
    pub roots: Vec<PathBuf>,
    pub encoding: Encoding,
    pub config: Arc<Config>,
    pub document_changes: bool,
    /// Whether the client lets the server register file watchers.
    pub watch_files: bool,
}

impl State {
    pub fn new(today: Date) -> State {
        let db = Database::default();
        let workspace = db.workspace(Vec::new(), today);
        let stdlib = workspace
            .stdlib(&db)
            .iter()
            .map(|(name, file)| (name.clone(), *file))
            .collect();
        State {
            db,
            workspace,
            files: Arc::new(Files {
                docs: BTreeMap::new(),
                sources: BTreeMap::new(),
                source_apps: Vec::new(),
                stdlib,
                problems: Vec::new(),
            }),
            roots: Vec::new(),
            encoding: Encoding::Utf16,
            config: Arc::default(),
            document_changes: false,
            watch_files: false,
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            db: self.db.clone(),
            workspace: self.workspace,
            files: self.files.clone(),
            encoding: self.encoding,
            config: self.config.clone(),
            document_changes: self.document_changes,
        }
    }

    /// Moves the date waivers are judged against, when the day has changed.
    pub fn set_today(&mut self, today: Date) {
        if *self.workspace.today(&self.db) != today {
            self.workspace.set_today(&mut self.db).to(today);
        }
    }

    fn set_text(&mut self, file: File, text: String) {
        if *file.text(&self.db) != text {
            file.set_text(&mut self.db).to(text.into());
        }
    }

    /// Adds a file; [`State::sync_members`] then updates the workspace input.
    fn add(&mut self, path: String, uri: String, text: String, version: Option<i32>) {
        let file = File::new(&self.db, path.clone(), text.into(), Origin::Workspace);
        Arc::make_mut(&mut self.files)
            .docs
            .insert(path, Doc { file, uri, version });
    }

    fn remove(&mut self, path: &str) {
        Arc::make_mut(&mut self.files).docs.remove(path);
    }

    /// Sets the workspace's files when they changed, sorted by path: the first definition
    /// of a name is the one in the first file, as in `polic check`.
    fn sync_members(&mut self) {
        let files: Vec<File> = self.files.docs.values().map(|doc| doc.file).collect();
        if *self.workspace.files(&self.db) != files {
            self.workspace.set_files(&mut self.db).to(files);
        }
    }

    /// The editor opened a document: its text overrides the disk's. Documents that are
    /// not policy (by extension or language id) are source files read for their tags.
    pub fn open(&mut self, uri: &Uri, language: &str, text: String, version: i32) {
        let path = path_of(uri.0.as_str());
        if !(path.ends_with(".polic") || language == "polic") {
            let file = File::new(&self.db, path.clone(), text.into(), Origin::Workspace);
            let doc = Doc {
                file,
                uri: uri.0.as_str().to_string(),
                version: Some(version),
            };
            Arc::make_mut(&mut self.files).sources.insert(path, doc);
            return;
        }
        match self.files.docs.get(&path).map(|doc| doc.file) {
            Some(file) => {
                self.set_text(file, text);
                let doc = Arc::make_mut(&mut self.files)
                    .docs
                    .get_mut(&path)
                    .expect("document listed above");
                doc.version = Some(version);
                doc.uri = uri.0.as_str().to_string();
            }
            None => self.add(path, uri.0.as_str().to_string(), text, Some(version)),
        }
        self.sync_members();
    }

    /// Applies the editor's changes in order; ranges are in the negotiated encoding.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) {
        let path = path_of(uri.0.as_str());
        let Some(file) = self
            .files
            .docs
            .get(&path)
            .or_else(|| self.files.sources.get(&path))
            .map(|doc| doc.file)
        else {
            return;
        };
        let mut text = file.text(&self.db).to_string();
        for change in changes {
            match change {
                TextDocumentContentChangeEvent::TextDocumentContentChangeWholeDocument(whole) => {
                    text = whole.text;
                }
                TextDocumentContentChangeEvent::TextDocumentContentChangePartial(partial) => {
                    let index = polic_diagnostics::LineIndex::new(&text);
                    let span = convert::span(&text, &index, partial.range, self.encoding);
                    text.replace_range(span.range(), &partial.text);
                }
            }
        }
        self.set_text(file, text);
        let files = Arc::make_mut(&mut self.files);
        if let Some(doc) = files.docs.get_mut(&path).or(files.sources.get_mut(&path)) {
            doc.version = Some(version);
        }
    }

    /// The editor closed a document: the disk's text takes over again, or, for a file not
    /// on disk under a workspace folder, it leaves the workspace. A source file under the
    /// configured sources goes back to its text on disk, when that has tags.
    pub fn close(&mut self, uri: &Uri, on_disk: Option<String>) {
        let path = path_of(uri.0.as_str());
        if Arc::make_mut(&mut self.files)
            .sources
            .remove(&path)
            .is_some()
        {
            if self.in_sources(Path::new(&path)) {
                let text = on_disk.filter(|text| polic_tags::scan::mentions_tags(text.as_bytes()));
                self.source_changed(Path::new(&path), text);
            }
            return;
        }
        match on_disk {
            Some(text) if self.in_roots(&path) => {
                if let Some(file) = self.files.docs.get(&path).map(|doc| doc.file) {
                    self.set_text(file, text);
                }
                if let Some(doc) = Arc::make_mut(&mut self.files).docs.get_mut(&path) {
                    doc.version = None;
                }
            }
            _ => self.remove(&path),
        }
        self.sync_members();
    }

    /// Files changed on disk (`None`: deleted). Open documents keep the editor's text.
    pub fn disk_changed(&mut self, changes: Vec<(PathBuf, Option<String>)>) {
        for (path, text) in changes {
            self.disk_changed_one(&path, text);
        }
        self.sync_members();
    }

    fn disk_changed_one(&mut self, path: &Path, text: Option<String>) {
        let key = path.to_string_lossy().into_owned();
        let open = self
            .files
            .docs
            .get(&key)
            .is_some_and(|doc| doc.version.is_some());
        if open {
            return;
        }
        match (self.files.docs.get(&key).map(|doc| doc.file), text) {
            (Some(file), Some(text)) => self.set_text(file, text),
            (None, Some(text)) => self.add(key.clone(), convert::path_to_uri(&key), text, None),
            (Some(_), None) => self.remove(&key),
            (None, None) => {}
        }
    }

    /// Whether a path is under a directory the settings name as sources.
    pub fn in_sources(&self, path: &Path) -> bool {
        self.files
            .source_apps
            .iter()
            .any(|spec| path.starts_with(&spec.dir))
    }

    /// The source directories holding any of `paths`: what a change on disk rescans.
    pub fn source_specs_of(&self, paths: &[PathBuf]) -> Vec<polic_tags::settings::Spec> {
        let mut specs: Vec<polic_tags::settings::Spec> = Vec::new();
        for spec in &self.files.source_apps {
            if paths.iter().any(|path| path.starts_with(&spec.dir))
                && !specs.iter().any(|s| s.dir == spec.dir)
            {
                specs.push(spec.clone());
            }
        }
        specs
    }

    /// Replaces what is known of the files under the rescanned source directories (open
    /// documents keep the editor's text) with what the scan found there.
    pub fn sources_rescanned(
        &mut self,
        specs: &[polic_tags::settings::Spec],
        found: Vec<(PathBuf, String)>,
    ) {
        Arc::make_mut(&mut self.files).sources.retain(|path, doc| {
            doc.version.is_some()
                || !specs
                    .iter()
                    .any(|spec| Path::new(path).starts_with(&spec.dir))
        });
        for (path, text) in found {
            self.source_changed(&path, Some(text));
        }
    }

    /// A source file changed on disk: its tags as read now (`None`: deleted, or no tags
    /// left). An open document keeps the editor's text.
    pub fn source_changed(&mut self, path: &Path, text: Option<String>) {
        let key = path.to_string_lossy().into_owned();
        let existing = self.files.sources.get(&key);
        if existing.is_some_and(|doc| doc.version.is_some()) {
            return;
        }
        match (existing.map(|doc| doc.file), text) {
            (Some(file), Some(text)) => self.set_text(file, text),
            (None, Some(text)) => {
                let file = File::new(&self.db, key.clone(), text.into(), Origin::Workspace);
                let doc = Doc {
                    file,
                    uri: convert::path_to_uri(&key),
                    version: None,
                };
                Arc::make_mut(&mut self.files).sources.insert(key, doc);
            }
            (Some(_), None) => {
                Arc::make_mut(&mut self.files).sources.remove(&key);
            }
            (None, None) => {}
        }
    }

    fn in_roots(&self, path: &str) -> bool {
        self.roots
            .iter()
            .any(|root| Path::new(path).starts_with(root))
    }

    pub fn add_root(
        &mut self,
        root: PathBuf,
        scanned: Scanned,
        source_apps: Vec<polic_tags::settings::Spec>,
        sources: Vec<(PathBuf, String)>,
    ) {
        let files = Arc::make_mut(&mut self.files);
        files.source_apps.extend(source_apps);
        files.problems.extend(scanned.problems);
        for (path, text) in sources {
            self.source_changed(&path, Some(text));
        }
        self.roots.push(root);
        self.disk_changed(
            scanned
                .files
                .into_iter()
                .map(|(path, text)| (path, Some(text)))
                .collect(),
        );
    }

    /// Forgets a workspace folder's files, except open documents.
    pub fn remove_root(&mut self, root: &Path) {
        self.roots.retain(|r| r != root);
        let files = Arc::make_mut(&mut self.files);
        files.source_apps.retain(|spec| !spec.dir.starts_with(root));
        files
            .problems
            .retain(|p| !Path::new(&p.primary.at.file).starts_with(root));
        let gone: Vec<String> = self
            .files
            .docs
            .iter()
            .filter(|(path, doc)| {
                doc.version.is_none() && Path::new(path).starts_with(root) && !self.in_roots(path)
            })
            .map(|(path, _)| path.clone())
            .collect();
        for path in gone {
            self.remove(&path);
        }
        Arc::make_mut(&mut self.files)
            .sources
            .retain(|path, doc| doc.version.is_some() || !Path::new(path).starts_with(root));
        self.sync_members();
    }
}

/// The files with tags under the directories the settings name as sources (in parallel,
/// as `polic check --sources` walks them), with their text, by absolute path.
pub fn scan_sources(specs: &[polic_tags::settings::Spec]) -> Vec<(PathBuf, String)> {
    specs
        .iter()
        .flat_map(|spec| {
            let path = under(&spec.dir);
            polic_tags::walk(&spec.dir)
                .files
                .into_iter()
                .map(move |scanned| (path(&scanned.path), scanned.text))
        })
        .collect()
}

/// A workspace folder's policy files, found and read as `polic check` does (see
/// polic-project: `.gitignore` respected, symbolic links kept inside the folder, each
/// file once, only regular files of at most 16 MiB), and what could not be read.
#[derive(Debug, Default)]
pub struct Scanned {
    pub files: Vec<(PathBuf, String)>,
    /// Diagnostics for files that cannot be used (not UTF-8, unreadable), by the path
    /// the files are known by: each such file is in `files` with an empty text, so that
    /// the diagnostic has a document to be shown in.
    pub problems: Vec<polic_diagnostics::Diagnostic>,
}

/// Maps a path as a walk of `dir` shows it back to a path under `dir` as the client named
/// it (shown paths start at the repository, and are canonical).
fn under(dir: &Path) -> impl Fn(&str) -> PathBuf {
    let root = polic_project::Root::at(dir, false).ok();
    let dir = dir.to_path_buf();
    move |shown| match root.as_ref().and_then(|root| root.relative(shown)) {
        Some(relative) => dir.join(relative),
        None => dir.join(shown),
    }
}

pub fn scan(root: &Path) -> Scanned {
    let mut scanned = Scanned::default();
    let Ok(discovered) = polic_project::discover(&[root.to_path_buf()], Default::default()) else {
        // No policy files in the folder, or it is gone: nothing to check.
        return scanned;
    };
    let key = under(root);
    for problem in discovered.problems {
        let path = key(&problem.primary.at.file);
        scanned.files.push((path.clone(), String::new()));
        scanned
            .problems
            .push(in_file(problem, &path.to_string_lossy()));
    }
    for file in discovered.files {
        let path = key(&file.shown);
        match polic_project::read_source(&file.path) {
            Ok(source) => scanned.files.push((path, source.text)),
            Err(error) => {
                scanned.files.push((path.clone(), String::new()));
                let shown = path.to_string_lossy();
                let diagnostic = match error {
                    polic_project::ReadError::NotUtf8 { .. } => polic_diagnostics::Diagnostic::new(
                        polic_diagnostics::Code::InvalidUtf8,
                        "file is not valid UTF-8",
                        whole(&shown),
                    )
                    .with_help("save the file as UTF-8"),
                    error => polic_diagnostics::Diagnostic::new(
                        polic_diagnostics::Code::UnreadableFile,
                        format!("cannot read `{}`: {}", file.shown, error.reason()),
                        whole(&shown),
                    ),
                };
                scanned.problems.push(diagnostic);
            }
        }
    }
    scanned.files.sort();
    scanned
}

fn whole(path: &str) -> polic_diagnostics::Located {
    polic_diagnostics::Located {
        file: path.to_string(),
        span: polic_diagnostics::Span::default(),
    }
}

fn in_file(diagnostic: polic_diagnostics::Diagnostic, path: &str) -> polic_diagnostics::Diagnostic {
    diagnostic.map_locations(|_| whole(path))
}

/// A policy file's text, if it is a regular file of at most 16 MiB in UTF-8 (a
/// byte-order mark dropped).
pub fn read(path: &Path) -> Option<String> {
    polic_project::read_source(path)
        .ok()
        .map(|source| source.text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_that_is_not_utf8_is_a_diagnostic_and_link_loops_end() {
        let root = std::env::temp_dir().join(format!("polic-lsp-scan-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("temp dir");
        std::fs::write(root.join("policy.polic"), "// fine\n").expect("write");
        std::fs::write(root.join("latin1.polic"), b"// caf\xe9\n").expect("write");
        std::os::unix::fs::symlink(".", root.join("x")).expect("symlink");
        std::os::unix::fs::symlink(".", root.join("y")).expect("symlink");
        let scanned = super::scan(&root);
        let paths: Vec<_> = scanned.files.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(
            paths,
            [root.join("latin1.polic"), root.join("policy.polic")]
        );
        let messages: Vec<&str> = scanned
            .problems
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(messages, ["file is not valid UTF-8"]);
        assert_eq!(
            scanned.problems[0].primary.at.file,
            root.join("latin1.polic").to_string_lossy()
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
