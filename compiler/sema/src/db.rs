//! The salsa database: inputs (files, the workspace), the database type, and the query
//! that parses.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use polic_syntax::Parse;
use polic_syntax::ast::Date;

/// Where a file comes from. Standard-library files are read-only and change only with the
/// binary, so they get high durability: edits to workspace files never revalidate them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    Workspace,
    Stdlib,
}

#[salsa::input(debug)]
pub struct File {
    #[returns(ref)]
    pub path: String,
    /// Borrowed for standard-library modules, which are part of the binary.
    #[returns(ref)]
    pub text: Cow<'static, str>,
    pub origin: Origin,
}

/// What is checked together: the workspace's own files, every standard-library module (parsed
/// only when imported), and the date waivers are judged against.
#[salsa::input(debug)]
pub struct Workspace {
    #[returns(ref)]
    pub files: Vec<File>,
    #[returns(ref)]
    pub stdlib: Vec<(String, File)>,
    pub today: Date,
}

#[salsa::db]
pub trait Db: salsa::Database {}

/// Names of the queries salsa is about to execute, when recording is on: how tests show
/// what an edit re-ran.
pub type ExecutionLog = Arc<Mutex<Vec<String>>>;

#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {}

impl Database {
    /// A database that records every query execution into the returned log.
    pub fn with_execution_log() -> (Database, ExecutionLog) {
        let log = ExecutionLog::default();
        let sink = log.clone();
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind
                && let Ok(mut log) = sink.lock()
            {
                log.push(format!("{database_key:?}"));
            }
        })));
        (Database { storage }, log)
    }

    /// A workspace of the given files with the whole standard library available to import.
    pub fn workspace(&self, files: Vec<(String, String)>, today: Date) -> Workspace {
        let files = files
            .into_iter()
            .map(|(path, text)| File::new(self, path, Cow::Owned(text), Origin::Workspace))
            .collect();
        let stdlib = polic_stdlib::MODULES
            .iter()
            .map(|module| {
                let file = File::builder(module.path(), Cow::Borrowed(module.text), Origin::Stdlib)
                    .durability(salsa::Durability::HIGH)
                    .new(self);
                (module.name.to_string(), file)
            })
            .collect();
        Workspace::new(self, files, stdlib, today)
    }
}

/// The parse of a file. Not compared for equality: spans change with every keystroke, so
/// the position-free [`item_tree`] is where unchanged results stop propagating.
#[salsa::tracked(returns(ref), no_eq)]
pub fn parse(db: &dyn Db, file: File) -> Parse {
    polic_syntax::parse(file.text(db))
}

/// The syntax tree without positions. Equal across edits that only move text, so queries
/// reading it are not re-run after such edits. A standard-library module's tree was parsed
/// when polic was built: decoding it costs a fraction of parsing.
#[salsa::tracked(returns(ref))]
pub fn item_tree(db: &dyn Db, file: File) -> Arc<polic_syntax::ast::SourceFile> {
    match prebuilt_tree(db, file) {
        Some(tree) => Arc::new(tree),
        None => parse(db, file).tree.clone(),
    }
}

fn prebuilt_tree(db: &dyn Db, file: File) -> Option<polic_syntax::ast::SourceFile> {
    if *file.origin(db) != Origin::Stdlib {
        return None;
    }
    // The file's text is the module's own (borrowed, never copied): compare addresses, not
    // the catalogue's bytes.
    let Cow::Borrowed(text) = file.text(db) else {
        return None;
    };
    let module = polic_stdlib::MODULES
        .iter()
        .find(|module| std::ptr::eq(module.text, *text))?;
    polic_syntax::decode_tree(module.tree)
}

/// A file's syntax errors. Standard-library modules have none: the build parses them and
/// fails on any.
pub fn syntax_errors(
    db: &dyn Db,
    file: File,
) -> &[polic_diagnostics::Diagnostic<polic_diagnostics::Span>] {
    match file.origin(db) {
        Origin::Stdlib => &[],
        Origin::Workspace => &parse(db, file).errors,
    }
}
