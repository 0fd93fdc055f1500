//! One database handle for both stores: the embedded SQLite file (one
//! connection behind an async mutex) or a PostgreSQL pool.
//!
//! Statements are written once, with PostgreSQL's numbered parameters
//! (`$1`, `$2`, …); for SQLite they become `?1`, `?2`, … (same numbering).
//! Columns are read through [`Row`], values bound through [`Val`]. The
//! dialects differ only where [`Dialect`] is asked: the lock clause of a
//! queue look-up and the few statements a store writes twice.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::Connection;

use super::StoreError;

/// Why a `store.url` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    #[error("a sqlite:// URL needs a file path, e.g. sqlite:///var/lib/parcel-desk/state.sqlite3")]
    NoPath,
    #[error("not a PostgreSQL URL this proxy can read: {0}")]
    NotPostgres(#[source] tokio_postgres::Error),
    #[error(
        "sslmode=require: this proxy connects to PostgreSQL without TLS (loopback, a Unix socket or a private network; or a TLS-terminating sidecar)"
    )]
    TlsRequired,
    #[error("expected sqlite:///path/to/file.sqlite3 or postgres://user@host:port/database")]
    Unknown,
}

/// Where the state lives (`store.url`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file (`:memory:`: private, in memory).
    Sqlite(PathBuf),
    /// A PostgreSQL URL (`postgres://user[:password]@host:port/db`).
    Postgres(String),
}

impl Location {
    /// Reads `sqlite:///abs/path`, `sqlite://rel/path`, `sqlite::memory:`,
    /// `postgres://…` or `postgresql://…`.
    pub fn parse(url: &str) -> Result<Location, LocationError> {
        if let Some(rest) = url.strip_prefix("sqlite://") {
            if rest.is_empty() {
                return Err(LocationError::NoPath);
            }
            return Ok(Location::Sqlite(PathBuf::from(rest)));
        }
        if url == "sqlite::memory:" {
            return Ok(Location::Sqlite(PathBuf::from(":memory:")));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let cfg: tokio_postgres::Config = url.parse().map_err(LocationError::NotPostgres)?;
            if cfg.get_ssl_mode() == tokio_postgres::config::SslMode::Require {
                return Err(LocationError::TlsRequired);
            }
            return Ok(Location::Postgres(url.to_owned()));
        }
        Err(LocationError::Unknown)
    }

    /// The URL with any password replaced by `***` (for logs and errors).
    pub fn redacted(&self) -> String {
        match self {
            Location::Sqlite(p) => format!("sqlite://{}", p.display()),
            Location::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(s), Some(at)) if at > s => {
                    let userinfo = &url[s + 3..at];
                    let user = userinfo.split(':').next().unwrap_or("");
                    let hidden = if userinfo.contains(':') { format!("{user}:***") } else { user.to_owned() };
                    format!("{}{hidden}{}", &url[..s + 3], &url[at..])
                }
                _ => url.clone(),
            },
        }
    }
}

/// Which SQL dialect a handle speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// One bound value.
#[derive(Clone, Copy, Debug)]
pub enum Val<'a> {
    Int(i64),
    OptInt(Option<i64>),
    Text(&'a str),
    OptText(Option<&'a str>),
    Bytes(&'a [u8]),
}

impl rusqlite::ToSql for Val<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Val::Int(v) => v.to_sql(),
            Val::OptInt(v) => v.to_sql(),
            Val::Text(v) => v.to_sql(),
            Val::OptText(v) => v.to_sql(),
            Val::Bytes(v) => v.to_sql(),
        }
    }
}

type PgParam<'a> = &'a (dyn tokio_postgres::types::ToSql + Sync);

fn pg_params<'a>(vals: &'a [Val<'a>]) -> Vec<PgParam<'a>> {
    vals.iter()
        .map(|v| -> PgParam<'a> {
            match v {
                Val::Int(v) => v,
                Val::OptInt(v) => v,
                Val::Text(v) => v,
                Val::OptText(v) => v,
                Val::Bytes(v) => v,
            }
        })
        .collect()
}

/// A column type both drivers read.
pub trait Col: rusqlite::types::FromSql + for<'a> tokio_postgres::types::FromSql<'a> {}
impl<T: rusqlite::types::FromSql + for<'a> tokio_postgres::types::FromSql<'a>> Col for T {}

/// One result row.
pub enum Row<'a, 'b> {
    Lite(&'a rusqlite::Row<'b>),
    Pg(&'a tokio_postgres::Row),
}

impl Row<'_, '_> {
    /// Column `i` (from 0).
    pub fn get<T: Col>(&self, i: usize) -> Result<T, StoreError> {
        match self {
            Row::Lite(r) => r.get(i).map_err(StoreError::from),
            Row::Pg(r) => r.try_get(i).map_err(StoreError::from),
        }
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        // The server's message (constraint, syntax) when there is one;
        // never the bound values.
        match e.as_db_error() {
            Some(db) => StoreError(format!("store: {}: {}", db.code().code(), db.message())),
            None => StoreError(format!("store: {e}")),
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError(format!("store: no PostgreSQL connection: {e}"))
    }
}

enum Inner {
    Sqlite(Arc<tokio::sync::Mutex<Connection>>),
    Postgres(deadpool_postgres::Pool),
}

/// The shared handle; cheap to clone.
#[derive(Clone)]
pub struct Db(Arc<Inner>);

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.dialect() {
            Dialect::Sqlite => "Db(sqlite)",
            Dialect::Postgres => "Db(postgres)",
        })
    }
}

/// Connections a proxy keeps open to PostgreSQL.
pub const PG_POOL_SIZE: usize = 16;

impl Db {
    /// Opens the SQLite file (WAL, 5 s busy timeout) or connects the
    /// PostgreSQL pool (and checks one connection works).
    pub async fn open(at: &Location) -> Result<Db, StoreError> {
        match at {
            Location::Sqlite(path) => {
                let db = open_sqlite(path)?;
                Ok(Db(Arc::new(Inner::Sqlite(Arc::new(tokio::sync::Mutex::new(db))))))
            }
            Location::Postgres(url) => {
                let cfg: tokio_postgres::Config = url.parse().map_err(|e| StoreError(format!("store: {e}")))?;
                let mgr = deadpool_postgres::Manager::from_config(
                    cfg,
                    tokio_postgres::NoTls,
                    deadpool_postgres::ManagerConfig { recycling_method: deadpool_postgres::RecyclingMethod::Fast },
                );
                let pool = deadpool_postgres::Pool::builder(mgr)
                    .max_size(PG_POOL_SIZE)
                    .runtime(deadpool_postgres::Runtime::Tokio1)
                    .wait_timeout(Some(std::time::Duration::from_secs(10)))
                    .create_timeout(Some(std::time::Duration::from_secs(5)))
                    .build()
                    .map_err(|e| StoreError(format!("store: {e}")))?;
                let db = Db(Arc::new(Inner::Postgres(pool)));
                db.conn().await.map_err(|e| StoreError(format!("cannot reach {}: {e}", at.redacted())))?;
                Ok(db)
            }
        }
    }

    pub fn dialect(&self) -> Dialect {
        match &*self.0 {
            Inner::Sqlite(_) => Dialect::Sqlite,
            Inner::Postgres(_) => Dialect::Postgres,
        }
    }

    /// `FOR UPDATE SKIP LOCKED` on PostgreSQL (a queue look-up several
    /// proxies make at once); nothing on SQLite, whose write transactions
    /// already exclude each other.
    pub fn skip_locked(&self) -> &'static str {
        match self.dialect() {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// One connection (the SQLite one, locked; or one from the pool).
    pub async fn conn(&self) -> Result<Conn, StoreError> {
        Ok(match &*self.0 {
            Inner::Sqlite(m) => Conn::Lite(m.clone().lock_owned().await),
            Inner::Postgres(pool) => Conn::Pg(Box::new(pool.get().await?)),
        })
    }

    /// Runs one statement; the number of rows it changed.
    pub async fn exec(&self, sql: &str, vals: &[Val<'_>]) -> Result<u64, StoreError> {
        self.conn().await?.exec(sql, vals).await
    }

    /// Every row of a query, each through `f`.
    pub async fn query<T>(
        &self,
        sql: &str,
        vals: &[Val<'_>],
        f: impl Fn(&Row<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        self.conn().await?.query(sql, vals, f).await
    }

    /// The first row of a query, if any.
    pub async fn query_opt<T>(
        &self,
        sql: &str,
        vals: &[Val<'_>],
        f: impl Fn(&Row<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.query(sql, vals, f).await?.into_iter().next())
    }

    /// Starts a transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): the transactions of every process on the file
    /// run one after another.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let mut conn = self.conn().await?;
        match &mut conn {
            Conn::Lite(c) => c.execute_batch("BEGIN IMMEDIATE")?,
            Conn::Pg(c) => c.batch_execute("BEGIN").await?,
        }
        Ok(Tx { conn: Some(conn) })
    }
}

/// Opens the SQLite file at `path` (`:memory:`: a private in-memory
/// database): WAL, 5 s busy timeout (other processes may share the file).
pub fn open_sqlite(path: &Path) -> Result<Connection, StoreError> {
    let db = if path.as_os_str() == ":memory:" {
        Connection::open_in_memory()?
    } else {
        Connection::open(path).map_err(|e| StoreError(format!("cannot open the store {}: {e}", path.display())))?
    };
    db.busy_timeout(std::time::Duration::from_secs(5))?;
    db.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
    Ok(db)
}

/// One connection, held.
pub enum Conn {
    Lite(tokio::sync::OwnedMutexGuard<Connection>),
    Pg(Box<deadpool_postgres::Object>),
}

/// `$1` → `?1`: SQLite's numbered parameters.
fn lite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

impl Conn {
    pub async fn exec(&mut self, sql: &str, vals: &[Val<'_>]) -> Result<u64, StoreError> {
        match self {
            Conn::Lite(c) => {
                let mut stmt = c.prepare_cached(&lite_sql(sql))?;
                Ok(stmt.execute(rusqlite::params_from_iter(vals.iter()))? as u64)
            }
            Conn::Pg(c) => {
                let stmt = c.prepare_cached(sql).await?;
                Ok(c.execute(&stmt, &pg_params(vals)).await?)
            }
        }
    }

    pub async fn query<T>(
        &mut self,
        sql: &str,
        vals: &[Val<'_>],
        f: impl Fn(&Row<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        match self {
            Conn::Lite(c) => {
                let mut stmt = c.prepare_cached(&lite_sql(sql))?;
                let mut rows = stmt.query(rusqlite::params_from_iter(vals.iter()))?;
                while let Some(r) = rows.next()? {
                    out.push(f(&Row::Lite(r))?);
                }
            }
            Conn::Pg(c) => {
                let stmt = c.prepare_cached(sql).await?;
                for r in c.query(&stmt, &pg_params(vals)).await? {
                    out.push(f(&Row::Pg(&r))?);
                }
            }
        }
        Ok(out)
    }

    pub async fn query_opt<T>(
        &mut self,
        sql: &str,
        vals: &[Val<'_>],
        f: impl Fn(&Row<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.query(sql, vals, f).await?.into_iter().next())
    }

    /// Runs several statements without parameters (migrations).
    pub async fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        match self {
            Conn::Lite(c) => c.execute_batch(sql)?,
            Conn::Pg(c) => c.batch_execute(sql).await?,
        }
        Ok(())
    }
}

/// A transaction. Dropped without [`Tx::commit`]: rolled back (SQLite at
/// once; a PostgreSQL connection is closed instead of going back to the
/// pool, which ends its transaction on the server).
pub struct Tx {
    conn: Option<Conn>,
}

impl Tx {
    /// Ends the transaction with `COMMIT` (keeping its changes) or
    /// `ROLLBACK`; on success the connection goes back unharmed.
    async fn end(mut self, statement: &str) -> Result<(), StoreError> {
        let r = self.batch(statement).await;
        if r.is_ok() {
            self.conn = None;
        }
        r
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        self.end("COMMIT").await
    }

    /// Ends the transaction without its changes.
    pub async fn rollback(self) -> Result<(), StoreError> {
        self.end("ROLLBACK").await
    }
}

/// A transaction runs its statements on its connection.
impl std::ops::Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn.as_ref().expect("transaction used after its end")
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn.as_mut().expect("transaction used after its end")
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        match self.conn.take() {
            None => {}
            Some(Conn::Lite(c)) => {
                let _ = c.execute_batch("ROLLBACK");
            }
            Some(Conn::Pg(c)) => {
                // Never reused with an open transaction: closed instead.
                drop(deadpool_postgres::Object::take(*c));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_urls() {
        assert_eq!(Location::parse("sqlite:///var/x.sqlite3").unwrap(), Location::Sqlite("/var/x.sqlite3".into()));
        assert_eq!(Location::parse("sqlite://data/x.sqlite3").unwrap(), Location::Sqlite("data/x.sqlite3".into()));
        assert_eq!(Location::parse("sqlite::memory:").unwrap(), Location::Sqlite(":memory:".into()));
        let pg = Location::parse("postgres://desk:s3cret@127.0.0.1:5433/desk").unwrap();
        assert_eq!(pg.redacted(), "postgres://desk:***@127.0.0.1:5433/desk");
        assert!(Location::parse("postgres://u@h/db?sslmode=require").unwrap_err().to_string().contains("without TLS"));
        assert!(Location::parse("mysql://x").unwrap_err().to_string().contains("expected"));
        assert!(Location::parse("sqlite://").is_err());
    }
}
