//! The two databases behind one small interface: SQL text shared by both (`$1` parameters,
//! which SQLite reads as numbered too), values as [`Val`].

use std::fmt::Write;

/// A value in or out of a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Val {
    pub fn int(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn real(&self) -> Option<f64> {
        match self {
            Val::Real(r) => Some(*r),
            Val::Int(i) => Some(*i as f64),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Val::Text(t) => Some(t),
            _ => None,
        }
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::Text(s.to_string())
    }
}

impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::Text(s)
    }
}

impl From<i64> for Val {
    fn from(i: i64) -> Val {
        Val::Int(i)
    }
}

impl From<f64> for Val {
    fn from(r: f64) -> Val {
        Val::Real(r)
    }
}

impl From<Option<String>> for Val {
    fn from(s: Option<String>) -> Val {
        s.map_or(Val::Null, Val::Text)
    }
}

pub type Rows = Vec<Vec<Val>>;

pub trait Backend {
    /// Whether a table exists (asked without an error, which would abort a PostgreSQL
    /// transaction).
    fn has_table(&mut self, name: &str) -> Result<bool, String>;
    fn batch(&mut self, sql: &str) -> Result<(), String>;
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64, String>;
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Rows, String>;
    /// Starts a transaction that holds the store's write lock until it ends, so that
    /// writers from many processes take turns.
    fn begin_write(&mut self) -> Result<(), String>;
    /// Inserts many rows of text columns into `table`, skipping rows whose primary key
    /// exists when `skip_existing`.
    fn insert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Val>],
        skip_existing: bool,
    ) -> Result<(), String>;
}

pub struct Sqlite(pub rusqlite::Connection);

/// Bound by reference: recording binds hundreds of thousands of part bodies.
impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Val::Null => ValueRef::Null,
            Val::Int(i) => ValueRef::Integer(*i),
            Val::Real(r) => ValueRef::Real(*r),
            Val::Text(t) => ValueRef::Text(t.as_bytes()),
        }))
    }
}

impl Backend for Sqlite {
    fn has_table(&mut self, name: &str) -> Result<bool, String> {
        let rows = self.query(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1",
            &[name.into()],
        )?;
        Ok(!rows.is_empty())
    }

    fn batch(&mut self, sql: &str) -> Result<(), String> {
        self.0.execute_batch(sql).map_err(|e| e.to_string())
    }

    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64, String> {
        self.0
            .prepare_cached(sql)
            .and_then(|mut s| s.execute(rusqlite::params_from_iter(params)))
            .map(|n| n as u64)
            .map_err(|e| e.to_string())
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Rows, String> {
        let mut statement = self.0.prepare_cached(sql).map_err(|e| e.to_string())?;
        let width = statement.column_count();
        let rows = statement
            .query_map(rusqlite::params_from_iter(params), |row| {
                (0..width)
                    .map(|i| {
                        Ok(match row.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => Val::Null,
                            rusqlite::types::ValueRef::Integer(i) => Val::Int(i),
                            rusqlite::types::ValueRef::Real(r) => Val::Real(r),
                            rusqlite::types::ValueRef::Text(t)
                            | rusqlite::types::ValueRef::Blob(t) => {
                                Val::Text(String::from_utf8_lossy(t).into_owned())
                            }
                        })
                    })
                    .collect::<Result<Vec<Val>, rusqlite::Error>>()
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<Rows, _>>().map_err(|e| e.to_string())
    }

    fn begin_write(&mut self) -> Result<(), String> {
        // IMMEDIATE takes the write lock now: two recorders never both read the latest
        // state and then both write.
        self.batch("BEGIN IMMEDIATE")
    }

    fn insert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Val>],
        skip_existing: bool,
    ) -> Result<(), String> {
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT {}INTO {table} ({}) VALUES ({})",
            if skip_existing { "OR IGNORE " } else { "" },
            columns.join(", "),
            placeholders.join(", ")
        );
        let mut statement = self.0.prepare_cached(&sql).map_err(|e| e.to_string())?;
        for row in rows {
            statement
                .execute(rusqlite::params_from_iter(row))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

pub struct Postgres(pub postgres::Client);

type PgParam = Box<dyn postgres::types::ToSql + Sync>;

/// SQL NULL for a parameter of any type (an `Option::<T>::None` accepts only `T`'s).
#[derive(Debug)]
struct PgNull;

impl postgres::types::ToSql for PgNull {
    fn to_sql(
        &self,
        _: &postgres::types::Type,
        _: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        Ok(postgres::types::IsNull::Yes)
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn pg_params(params: &[Val]) -> Vec<PgParam> {
    params
        .iter()
        .map(|v| -> PgParam {
            match v {
                Val::Null => Box::new(PgNull),
                Val::Int(i) => Box::new(*i),
                Val::Real(r) => Box::new(*r),
                Val::Text(t) => Box::new(t.clone()),
            }
        })
        .collect()
}

fn pg_error(error: postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => db.message().to_string(),
        None => error.to_string(),
    }
}

impl Backend for Postgres {
    fn has_table(&mut self, name: &str) -> Result<bool, String> {
        let rows = self.query(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
            &[name.into()],
        )?;
        Ok(!rows.is_empty())
    }

    fn batch(&mut self, sql: &str) -> Result<(), String> {
        self.0.batch_execute(sql).map_err(pg_error)
    }

    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64, String> {
        let boxed = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = boxed.iter().map(|b| &**b).collect();
        self.0.execute(sql, &refs).map_err(pg_error)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Rows, String> {
        use postgres::types::Type;
        let boxed = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = boxed.iter().map(|b| &**b).collect();
        let rows = self.0.query(sql, &refs).map_err(pg_error)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut values = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let value = match *column.type_() {
                    Type::INT8 => row.get::<_, Option<i64>>(i).map(Val::Int),
                    Type::INT4 => row.get::<_, Option<i32>>(i).map(|v| Val::Int(v.into())),
                    Type::FLOAT8 => row.get::<_, Option<f64>>(i).map(Val::Real),
                    _ => row.get::<_, Option<String>>(i).map(Val::Text),
                };
                values.push(value.unwrap_or(Val::Null));
            }
            out.push(values);
        }
        Ok(out)
    }

    fn begin_write(&mut self) -> Result<(), String> {
        // One advisory lock for the whole store (its key is "poli" in ASCII), held to the end
        // of the transaction.
        self.batch("BEGIN; SELECT pg_advisory_xact_lock(1886351459);")
    }

    fn insert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Val>],
        skip_existing: bool,
    ) -> Result<(), String> {
        if rows.is_empty() {
            return Ok(());
        }
        // COPY into a scratch table, then one INSERT: one round trip for any number of
        // rows, where row-by-row inserts would take one each.
        let scratch = format!("polic_copy_{table}");
        self.batch(&format!(
            "CREATE TEMP TABLE IF NOT EXISTS {scratch} (LIKE {table}) ON COMMIT DROP; TRUNCATE {scratch};"
        ))?;
        let mut data = String::new();
        for row in rows {
            for (i, value) in row.iter().enumerate() {
                if i > 0 {
                    data.push('\t');
                }
                match value {
                    Val::Null => data.push_str("\\N"),
                    Val::Int(v) => {
                        let _ = write!(data, "{v}");
                    }
                    Val::Real(v) => {
                        let _ = write!(data, "{v:?}");
                    }
                    Val::Text(t) => copy_escape(t, &mut data),
                }
            }
            data.push('\n');
        }
        let list = columns.join(", ");
        {
            use std::io::Write as _;
            let mut writer = self
                .0
                .copy_in(&format!("COPY {scratch} ({list}) FROM STDIN"))
                .map_err(pg_error)?;
            writer
                .write_all(data.as_bytes())
                .map_err(|e| e.to_string())?;
            writer.finish().map_err(pg_error)?;
        }
        self.batch(&format!(
            "INSERT INTO {table} ({list}) SELECT {list} FROM {scratch}{}",
            if skip_existing {
                " ON CONFLICT DO NOTHING"
            } else {
                ""
            }
        ))
    }
}

/// COPY's text format: backslash, tab, newline and carriage return escaped.
fn copy_escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}
