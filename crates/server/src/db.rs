//! The storage trait and its two backends. Everything the server stores goes through [`Tx`]: a
//! transaction that runs SQL written once (with `$1` placeholders) on SQLite or PostgreSQL.
//! Each backend owns its migrations (`migrations/sqlite`, `migrations/postgres`), applied at
//! start in one transaction; a database newer than this binary is refused.
//!
//! Both backends are blocking drivers behind a connection pool (r2d2); [`Db::run`] moves the
//! work to tokio's blocking threads so a request never stalls the runtime.

use std::path::Path;
use std::time::Duration;

use crate::error::ApiError;

/// A value bound to a statement or read from a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::Int(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(v.to_string())
    }
}
impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(v)
    }
}
impl From<&String> for Val {
    fn from(v: &String) -> Val {
        Val::Text(v.clone())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::Real(v)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Val {
        v.map_or(Val::Null, Into::into)
    }
}

impl Val {
    fn as_text(&self) -> Option<String> {
        match self {
            Val::Null => None,
            Val::Int(v) => Some(v.to_string()),
            Val::Real(v) => Some(v.to_string()),
            Val::Text(v) => Some(v.clone()),
        }
    }
    fn as_real(&self) -> Option<f64> {
        match self {
            Val::Int(v) => Some(*v as f64),
            Val::Real(v) => Some(*v),
            Val::Null | Val::Text(_) => None,
        }
    }
    fn as_int(&self) -> Option<i64> {
        match self {
            Val::Int(v) => Some(*v),
            Val::Real(v) => Some(*v as i64),
            Val::Null | Val::Text(_) => None,
        }
    }
}

/// One row: its values in column order.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Val>);

impl Row {
    pub fn int(&self, i: usize) -> i64 {
        match &self.0[i] {
            Val::Int(v) => *v,
            Val::Real(v) => *v as i64,
            _ => 0,
        }
    }
    pub fn opt_int(&self, i: usize) -> Option<i64> {
        match &self.0[i] {
            Val::Null => None,
            _ => Some(self.int(i)),
        }
    }
    pub fn real(&self, i: usize) -> f64 {
        match &self.0[i] {
            Val::Int(v) => *v as f64,
            Val::Real(v) => *v,
            _ => 0.0,
        }
    }
    pub fn text(&self, i: usize) -> String {
        self.opt_text(i).unwrap_or_default()
    }
    pub fn opt_text(&self, i: usize) -> Option<String> {
        match &self.0[i] {
            Val::Text(v) => Some(v.clone()),
            Val::Int(v) => Some(v.to_string()),
            Val::Real(v) => Some(v.to_string()),
            Val::Null => None,
        }
    }
}

/// What went wrong in the database: a unique constraint (the caller decides what it means) or
/// anything else (logged; the client sees `server.storage`).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unique constraint: {0}")]
    Unique(String),
    #[error("{0}")]
    Other(String),
}

pub type DbResult<T> = Result<T, DbError>;

/// A transaction on either backend. SQL uses `$1`, `$2`, ... and portable syntax
/// (`ON CONFLICT`, `RETURNING`, `CAST(.. AS BIGINT)`).
pub trait Tx {
    fn backend(&self) -> Backend;
    /// Runs a statement; returns the rows it changed.
    fn exec(&mut self, sql: &str, params: &[Val]) -> DbResult<u64>;
    fn query(&mut self, sql: &str, params: &[Val]) -> DbResult<Vec<Row>>;
    fn query_opt(&mut self, sql: &str, params: &[Val]) -> DbResult<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
    /// Serialises writers of the change feed, so cursors become visible in order.
    fn lock_changes(&mut self) -> DbResult<()>;
    /// `INSERT INTO <into> <rows> <tail>` for many rows at once, `into` being `table (columns)`
    /// and every row as wide as the columns; the rows a `RETURNING` tail returns. SQLite runs
    /// one prepared row at a time (in process, that is the cheapest); PostgreSQL gets the
    /// columns as arrays in one statement, whatever the number of rows (`unnest`).
    fn insert_many(&mut self, into: &str, rows: &[Vec<Val>], tail: &str) -> DbResult<Vec<Row>>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The database: a pool of connections to one backend.
#[derive(Clone)]
pub enum Db {
    Sqlite(r2d2::Pool<SqliteManager>, WriteGate),
    Postgres(std::sync::Arc<PgPool>),
}

/// SQLite's writers, in the order they asked. SQLite has one write lock, and a connection
/// that finds it taken sleeps and polls (1, 2, 5 ... 100 ms): under fifty laptops the lock
/// sat free while its waiters slept. Writers of this process queue here instead, without a
/// thread each, and the next one starts the moment the last commits.
#[derive(Clone, Default)]
pub struct WriteGate(std::sync::Arc<tokio::sync::Mutex<()>>);

/// How often the write-ahead log is folded into the database, beside the writers.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Folds the write-ahead log into the database on a thread of its own while `gate` lives
/// (SQLite would otherwise do it inside the commit that crosses 1,000 pages, a push holding
/// the write lock through the copy and its fsync). A passive checkpoint waits for nobody:
/// a commit stays durable in the log until then, and a crash replays the log at the next
/// open.
fn checkpoint_beside(path: &Path, gate: &WriteGate) {
    let alive = std::sync::Arc::downgrade(&gate.0);
    let path = path.to_path_buf();
    let _ = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            let Ok(conn) = rusqlite::Connection::open(&path) else {
                return;
            };
            loop {
                std::thread::sleep(CHECKPOINT_EVERY);
                if alive.upgrade().is_none() {
                    return;
                }
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "the write-ahead log could not be checkpointed");
                }
            }
        });
}

/// A PostgreSQL connection with the statements it has prepared: each statement is parsed once
/// per connection, then only bound and run (one round trip instead of two).
pub struct PgConn {
    client: postgres::Client,
    statements: std::collections::HashMap<String, postgres::Statement>,
}

pub struct PgManager {
    config: postgres::Config,
}

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConn;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConn, postgres::Error> {
        let client = self.config.connect(postgres::NoTls)?;
        Ok(PgConn {
            client,
            statements: std::collections::HashMap::new(),
        })
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.client.is_closed()
    }
}

/// The PostgreSQL pool. Its blocking client runs a small runtime of its own, which must not be
/// shut down on one of tokio's worker threads: the last owner hands the pool to a plain thread.
pub struct PgPool(Option<r2d2::Pool<PgManager>>);

impl Drop for PgPool {
    fn drop(&mut self) {
        if let Some(pool) = self.0.take() {
            let _ = std::thread::spawn(move || drop(pool)).join();
        }
    }
}

const SQLITE_MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_init.sql")),
    (
        2,
        include_str!("../migrations/sqlite/0002_user_password_change.sql"),
    ),
    (
        3,
        include_str!("../migrations/sqlite/0003_assessment_handover.sql"),
    ),
    (
        4,
        include_str!("../migrations/sqlite/0004_assessment_verdict.sql"),
    ),
    (
        5,
        include_str!("../migrations/sqlite/0005_received_set.sql"),
    ),
    (
        6,
        include_str!("../migrations/sqlite/0006_council_sheets.sql"),
    ),
    (
        7,
        include_str!("../migrations/sqlite/0007_round_level_kind.sql"),
    ),
    (
        8,
        include_str!("../migrations/sqlite/0008_quorum_proposed.sql"),
    ),
    (
        9,
        include_str!("../migrations/sqlite/0009_office_round.sql"),
    ),
    (10, include_str!("../migrations/sqlite/0010_star_award.sql")),
    (11, include_str!("../migrations/sqlite/0011_forward.sql")),
    (12, include_str!("../migrations/sqlite/0012_coaching.sql")),
    (13, include_str!("../migrations/sqlite/0013_edits.sql")),
    (
        14,
        include_str!("../migrations/sqlite/0014_assessment_feed.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_init.sql")),
    (
        2,
        include_str!("../migrations/postgres/0002_user_password_change.sql"),
    ),
    (
        3,
        include_str!("../migrations/postgres/0003_assessment_handover.sql"),
    ),
    (
        4,
        include_str!("../migrations/postgres/0004_assessment_verdict.sql"),
    ),
    (
        5,
        include_str!("../migrations/postgres/0005_received_set.sql"),
    ),
    (
        6,
        include_str!("../migrations/postgres/0006_council_sheets.sql"),
    ),
    (
        7,
        include_str!("../migrations/postgres/0007_round_level_kind.sql"),
    ),
    (
        8,
        include_str!("../migrations/postgres/0008_quorum_proposed.sql"),
    ),
    (
        9,
        include_str!("../migrations/postgres/0009_office_round.sql"),
    ),
    (
        10,
        include_str!("../migrations/postgres/0010_star_award.sql"),
    ),
    (11, include_str!("../migrations/postgres/0011_forward.sql")),
    (12, include_str!("../migrations/postgres/0012_coaching.sql")),
    (13, include_str!("../migrations/postgres/0013_edits.sql")),
    (
        14,
        include_str!("../migrations/postgres/0014_assessment_feed.sql"),
    ),
];

impl Db {
    /// Opens (creating) `dir/server.sqlite` in WAL mode and applies its migrations.
    pub fn open_sqlite(path: &Path) -> Result<Db, ApiError> {
        let manager = SqliteManager {
            path: path.to_path_buf(),
        };
        let pool = r2d2::Pool::builder()
            .max_size(8)
            .connection_timeout(Duration::from_secs(30))
            .build(manager)
            .map_err(|e| ApiError::startup(format!("cannot open {}: {e}", path.display())))?;
        let gate = WriteGate::default();
        checkpoint_beside(path, &gate);
        let db = Db::Sqlite(pool, gate);
        db.migrate()?;
        Ok(db)
    }

    /// Connects to PostgreSQL (`postgres://user@host/db`) and applies its migrations.
    pub fn open_postgres(url: &str) -> Result<Db, ApiError> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e| ApiError::startup(format!("the database address cannot be read: {e}")))?;
        let manager = PgManager { config };
        let pool = r2d2::Pool::builder()
            .max_size(16)
            .connection_timeout(Duration::from_secs(15))
            .build(manager)
            .map_err(|e| ApiError::startup(format!("cannot connect to PostgreSQL: {e}")))?;
        let db = Db::Postgres(std::sync::Arc::new(PgPool(Some(pool))));
        db.migrate()?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    fn migrate(&self) -> Result<(), ApiError> {
        let migrations = match self {
            Db::Sqlite(..) => SQLITE_MIGRATIONS,
            Db::Postgres(_) => POSTGRES_MIGRATIONS,
        };
        let latest = migrations.last().map_or(0, |m| m.0);
        self.transaction(|tx| {
            // Two servers starting together on one PostgreSQL: the second waits for the first.
            tx.lock_changes()?;
            tx.exec("CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)", &[])?;
            let have = tx
                .query_opt("SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migration", &[])?
                .map_or(0, |r| r.int(0));
            if have > latest {
                return Err(DbError::Other(format!(
                    "the database has schema version {have}, this server knows {latest}: run the newer server"
                )));
            }
            for (version, sql) in migrations.iter().filter(|m| m.0 > have) {
                tx.batch(sql)?;
                if *version == 6 {
                    let filled = crate::ingest::council_sheets_of_stored(tx)?;
                    if filled > 0 {
                        tracing::info!(filled, "the councils stored before have their members' sheets");
                    }
                }
                if *version == 8 {
                    let filled = crate::ingest::rounds_of_stored(tx)?;
                    if filled > 0 {
                        tracing::info!(filled, "the assessments stored before have the round and level their bodies record");
                    }
                }
                tx.exec(
                    "INSERT INTO schema_migration (version, applied_at) VALUES ($1, $2)",
                    &[Val::Int(*version), Val::Text(crate::now())],
                )?;
            }
            Ok(())
        })
        .map_err(|e| ApiError::startup(format!("migrations: {e}")))
    }

    /// Runs `f` in one transaction on this thread (commit on `Ok`, roll back on `Err`). Blocking:
    /// async code calls [`Db::run`].
    pub fn transaction<T>(&self, f: impl FnOnce(&mut dyn TxBatch) -> DbResult<T>) -> DbResult<T> {
        self.transaction_as(Access::Write, f)
    }

    fn transaction_as<T>(
        &self,
        access: Access,
        f: impl FnOnce(&mut dyn TxBatch) -> DbResult<T>,
    ) -> DbResult<T> {
        match self {
            Db::Sqlite(pool, _) => {
                let mut conn = pool
                    .get()
                    .map_err(|e| DbError::Other(format!("pool: {e}")))?;
                // A writer takes the lock at the start (IMMEDIATE), so two writers never
                // deadlock upgrading a read lock. A reader takes none: WAL gives it a snapshot
                // while writers go on, and `query_only` refuses a write by mistake.
                let behaviour = match access {
                    Access::Write => rusqlite::TransactionBehavior::Immediate,
                    Access::Read => rusqlite::TransactionBehavior::Deferred,
                };
                if access == Access::Read {
                    conn.pragma_update(None, "query_only", true)
                        .map_err(sqlite_error)?;
                }
                let outcome = (|| {
                    let tx = conn
                        .transaction_with_behavior(behaviour)
                        .map_err(sqlite_error)?;
                    let mut wrapped = SqliteTx(tx);
                    let value = f(&mut wrapped)?;
                    wrapped.0.commit().map_err(sqlite_error)?;
                    Ok(value)
                })();
                if access == Access::Read {
                    conn.pragma_update(None, "query_only", false)
                        .map_err(sqlite_error)?;
                }
                outcome
            }
            Db::Postgres(pool) => {
                let pool = pool
                    .0
                    .as_ref()
                    .ok_or_else(|| DbError::Other("the pool is closed".into()))?;
                let mut conn = pool
                    .get()
                    .map_err(|e| DbError::Other(format!("pool: {e}")))?;
                let PgConn { client, statements } = &mut *conn;
                let tx = match access {
                    Access::Write => client.transaction(),
                    Access::Read => client
                        .build_transaction()
                        .isolation_level(postgres::IsolationLevel::RepeatableRead)
                        .read_only(true)
                        .start(),
                }
                .map_err(postgres_error)?;
                let mut wrapped = PostgresTx(tx, statements);
                let value = f(&mut wrapped)?;
                wrapped.0.commit().map_err(postgres_error)?;
                Ok(value)
            }
        }
    }

    /// [`Db::transaction`] on a blocking thread.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Tx) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.run_as(Access::Write, f).await
    }

    /// A read-only snapshot on a blocking thread: it never waits for a writer nor holds one up
    /// (sign-in, token checks, lists, exports). A write in it is an error.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Tx) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.run_as(Access::Read, f).await
    }

    async fn run_as<T: Send + 'static>(
        &self,
        access: Access,
        f: impl FnOnce(&mut dyn Tx) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let db = self.clone();
        let turn = match (self, access) {
            (Db::Sqlite(_, gate), Access::Write) => Some(gate.0.clone().lock_owned().await),
            _ => None,
        };
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let mut outcome = None;
            let result = db.transaction_as(access, |tx| match f(tx as &mut dyn Tx) {
                Ok(value) => Ok(value),
                Err(api) => {
                    outcome = Some(api);
                    Err(DbError::Other("rolled back".into()))
                }
            });
            match (result, outcome) {
                (Ok(value), _) => Ok(value),
                (Err(_), Some(api)) => Err(api),
                (Err(e), None) => Err(ApiError::storage(e)),
            }
        })
        .await
        .map_err(|e| ApiError::internal(format!("a storage task failed: {e}")))?
    }
}

/// Whether a transaction may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Write,
    Read,
}

/// A transaction that can also run a script of several statements (migrations).
pub trait TxBatch: Tx {
    fn batch(&mut self, sql: &str) -> DbResult<()>;
}

/// Opens SQLite connections in WAL mode with foreign keys and a busy timeout.
#[derive(Debug)]
pub struct SqliteManager {
    path: std::path::PathBuf,
}

impl r2d2::ManageConnection for SqliteManager {
    type Connection = rusqlite::Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> Result<rusqlite::Connection, rusqlite::Error> {
        let conn = rusqlite::Connection::open(&self.path)?;
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
             PRAGMA wal_autocheckpoint = 0;",
        )?;
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut rusqlite::Connection) -> Result<(), rusqlite::Error> {
        conn.execute_batch("SELECT 1")
    }

    fn has_broken(&self, _: &mut rusqlite::Connection) -> bool {
        false
    }
}

fn sqlite_error(e: rusqlite::Error) -> DbError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            DbError::Unique(e.to_string())
        }
        _ => DbError::Other(e.to_string()),
    }
}

fn postgres_error(e: postgres::Error) -> DbError {
    if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
        DbError::Unique(e.to_string())
    } else {
        DbError::Other(e.to_string())
    }
}

/// `$1` becomes `?1`: SQLite binds `?NNN` by number, whatever the order of appearance.
fn sqlite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

struct SqliteTx<'a>(rusqlite::Transaction<'a>);

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value, ValueRef};
        Ok(match self {
            Val::Null => ToSqlOutput::Owned(Value::Null),
            Val::Int(v) => ToSqlOutput::Owned(Value::Integer(*v)),
            Val::Real(v) => ToSqlOutput::Owned(Value::Real(*v)),
            Val::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
        })
    }
}

impl Tx for SqliteTx<'_> {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn exec(&mut self, sql: &str, params: &[Val]) -> DbResult<u64> {
        let mut stmt = self
            .0
            .prepare_cached(&sqlite_sql(sql))
            .map_err(sqlite_error)?;
        Ok(stmt
            .execute(rusqlite::params_from_iter(params))
            .map_err(sqlite_error)? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> DbResult<Vec<Row>> {
        let mut stmt = self
            .0
            .prepare_cached(&sqlite_sql(sql))
            .map_err(sqlite_error)?;
        let width = stmt.column_count();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params))
            .map_err(sqlite_error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sqlite_error)? {
            out.push(sqlite_row(row, width)?);
        }
        Ok(out)
    }

    fn lock_changes(&mut self) -> DbResult<()> {
        // BEGIN IMMEDIATE already holds SQLite's one write lock.
        Ok(())
    }

    fn insert_many(&mut self, into: &str, rows: &[Vec<Val>], tail: &str) -> DbResult<Vec<Row>> {
        let Some(width) = rows.first().map(Vec::len) else {
            return Ok(Vec::new());
        };
        let marks: Vec<String> = (1..=width).map(|c| format!("?{c}")).collect();
        let sql = format!("INSERT INTO {into} VALUES ({}) {tail}", marks.join(", "));
        let mut stmt = self.0.prepare_cached(&sql).map_err(sqlite_error)?;
        let returns = stmt.column_count();
        let mut out = Vec::new();
        for row in rows {
            if returns == 0 {
                stmt.execute(rusqlite::params_from_iter(row))
                    .map_err(sqlite_error)?;
                continue;
            }
            let mut found = stmt
                .query(rusqlite::params_from_iter(row))
                .map_err(sqlite_error)?;
            while let Some(found) = found.next().map_err(sqlite_error)? {
                out.push(sqlite_row(found, returns)?);
            }
        }
        Ok(out)
    }
}

/// A row as [`Val`]s (a blob is read as text, as the server stores none).
fn sqlite_row(row: &rusqlite::Row<'_>, width: usize) -> DbResult<Row> {
    use rusqlite::types::ValueRef;
    let mut values = Vec::with_capacity(width);
    for i in 0..width {
        values.push(match row.get_ref(i).map_err(sqlite_error)? {
            ValueRef::Null => Val::Null,
            ValueRef::Integer(v) => Val::Int(v),
            ValueRef::Real(v) => Val::Real(v),
            ValueRef::Text(v) | ValueRef::Blob(v) => {
                Val::Text(String::from_utf8_lossy(v).into_owned())
            }
        });
    }
    Ok(Row(values))
}

impl TxBatch for SqliteTx<'_> {
    fn batch(&mut self, sql: &str) -> DbResult<()> {
        self.0.execute_batch(sql).map_err(sqlite_error)
    }
}

struct PostgresTx<'a>(
    postgres::Transaction<'a>,
    &'a mut std::collections::HashMap<String, postgres::Statement>,
);

impl postgres::types::ToSql for Val {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        match self {
            Val::Null => Ok(postgres::types::IsNull::Yes),
            Val::Int(v) if *ty == Type::INT4 => (*v as i32).to_sql(ty, out),
            Val::Int(v) if *ty == Type::FLOAT8 => (*v as f64).to_sql(ty, out),
            Val::Int(v) if *ty == Type::TEXT || *ty == Type::VARCHAR => {
                v.to_string().to_sql(ty, out)
            }
            Val::Int(v) => v.to_sql(ty, out),
            Val::Real(v) => v.to_sql(ty, out),
            Val::Text(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

impl PostgresTx<'_> {
    fn statement(&mut self, sql: &str) -> DbResult<postgres::Statement> {
        if let Some(statement) = self.1.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.0.prepare(sql).map_err(postgres_error)?;
        if self.1.len() > 500 {
            self.1.clear();
        }
        self.1.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    fn params(params: &[Val]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
        params
            .iter()
            .map(|p| p as &(dyn postgres::types::ToSql + Sync))
            .collect()
    }

    fn query_with(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> DbResult<Vec<Row>> {
        use postgres::types::Type;
        let stmt = self.statement(sql)?;
        let rows = self.0.query(&stmt, params).map_err(postgres_error)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut values = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let ty = column.type_();
                let value = if *ty == Type::INT8 {
                    row.try_get::<_, Option<i64>>(i).map(|v| v.map(Val::Int))
                } else if *ty == Type::INT4 {
                    row.try_get::<_, Option<i32>>(i)
                        .map(|v| v.map(|v| Val::Int(v.into())))
                } else if *ty == Type::INT2 {
                    row.try_get::<_, Option<i16>>(i)
                        .map(|v| v.map(|v| Val::Int(v.into())))
                } else if *ty == Type::FLOAT8 {
                    row.try_get::<_, Option<f64>>(i).map(|v| v.map(Val::Real))
                } else if *ty == Type::BOOL {
                    row.try_get::<_, Option<bool>>(i)
                        .map(|v| v.map(|v| Val::Int(v.into())))
                } else {
                    row.try_get::<_, Option<String>>(i)
                        .map(|v| v.map(Val::Text))
                };
                values.push(value.map_err(postgres_error)?.unwrap_or(Val::Null));
            }
            out.push(Row(values));
        }
        Ok(out)
    }
}

impl Tx for PostgresTx<'_> {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn exec(&mut self, sql: &str, params: &[Val]) -> DbResult<u64> {
        let stmt = self.statement(sql)?;
        self.0
            .execute(&stmt, &Self::params(params))
            .map_err(postgres_error)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> DbResult<Vec<Row>> {
        self.query_with(sql, &Self::params(params))
    }

    fn lock_changes(&mut self) -> DbResult<()> {
        // Transaction-scoped: released at commit or rollback. A cursor taken later is
        // committed later, so a client reading `cursor > since` never skips one.
        // The writers of the feed (pushes) also plan each statement for its values and the
        // tables as they are, in the same round trip. PostgreSQL otherwise settles on one
        // generic plan after five runs, made while a new server's tables were nearly empty
        // (before autovacuum's first ANALYZE): under fifty laptops a push's owner lookup then
        // read every assessment instead of the hundred asked. Readers keep their cached plans.
        self.0
            .batch_execute(
                "SELECT pg_advisory_xact_lock(4242); SET LOCAL plan_cache_mode = force_custom_plan",
            )
            .map_err(postgres_error)?;
        Ok(())
    }

    fn insert_many(&mut self, into: &str, rows: &[Vec<Val>], tail: &str) -> DbResult<Vec<Row>> {
        let Some(width) = rows.first().map(Vec::len) else {
            return Ok(Vec::new());
        };
        // Each column becomes one array of the type its values have; a column of NULLs only
        // is a plain NULL, which takes the table's type.
        let mut arrays: Vec<Box<dyn postgres::types::ToSql + Sync>> = Vec::new();
        let mut select = Vec::with_capacity(width);
        let mut unnest = Vec::new();
        for c in 0..width {
            let column = rows.iter().map(|row| row.get(c).unwrap_or(&Val::Null));
            let (array, ty): (Box<dyn postgres::types::ToSql + Sync>, &str) =
                if column.clone().any(|v| matches!(v, Val::Text(_))) {
                    let texts: Vec<Option<String>> = column.map(Val::as_text).collect();
                    (Box::new(texts), "text")
                } else if column.clone().any(|v| matches!(v, Val::Real(_))) {
                    let reals: Vec<Option<f64>> = column.map(Val::as_real).collect();
                    (Box::new(reals), "float8")
                } else if column.clone().any(|v| matches!(v, Val::Int(_))) {
                    let ints: Vec<Option<i64>> = column.map(Val::as_int).collect();
                    (Box::new(ints), "int8")
                } else {
                    select.push("NULL".to_string());
                    continue;
                };
            arrays.push(array);
            unnest.push(format!("${}::{ty}[]", arrays.len()));
            select.push(format!("u.c{c}"));
        }
        let names: Vec<String> = (0..width)
            .filter(|c| select[*c] != "NULL")
            .map(|c| format!("c{c}"))
            .collect();
        let sql = if names.is_empty() {
            // Every value NULL: one row of NULLs per row asked for.
            format!(
                "INSERT INTO {into} SELECT {} FROM generate_series(1, {}) {tail}",
                select.join(", "),
                rows.len()
            )
        } else {
            format!(
                "INSERT INTO {into} SELECT {} FROM unnest({}) AS u({}) {tail}",
                select.join(", "),
                unnest.join(", "),
                names.join(", ")
            )
        };
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
            arrays.iter().map(|a| a.as_ref()).collect();
        self.query_with(&sql, &params)
    }
}

impl TxBatch for PostgresTx<'_> {
    fn batch(&mut self, sql: &str) -> DbResult<()> {
        self.0.batch_execute(sql).map_err(postgres_error)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_for_sqlite() {
        assert_eq!(
            super::sqlite_sql("SELECT $2, $1 WHERE a = $10"),
            "SELECT ?2, ?1 WHERE a = ?10"
        );
    }
}
