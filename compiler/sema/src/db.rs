//! The salsa database: inputs (files, the workspace), the database type, and the query
//! that parses.

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
    #[returns(ref)]
    pub text: String,
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
            .map(|(path, text)| File::new(self, path, text, Origin::Workspace))
            .collect();
        let stdlib = polic_stdlib::MODULES
            .iter()
            .map(|module| {
                let file = File::builder(module.path(), module.text.to_string(), Origin::Stdlib)
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
/// reading it are not re-run after such edits.
#[salsa::tracked(returns(ref))]
pub fn item_tree(db: &dyn Db, file: File) -> Arc<polic_syntax::ast::SourceFile> {
    parse(db, file).tree.clone()
}
