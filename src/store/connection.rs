//! One connection type for SQLite and PostgreSQL, its pool and the embedded migrations.
//! Dialect differences stay in this file.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::database_url::DatabaseUrl;
use super::error::StoreError;

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Runs one diesel statement on the backend's own connection. Through `MultiConnection` diesel
/// writes a statement's SQL text again on every execution, cached or not (about a fifth of the
/// writer's CPU at 64 ingest clients); on the backend's connection a cached statement is only
/// bound and stepped. Used for the statements every append or request runs; the statement
/// expression is compiled once per backend, so it must be valid diesel for both.
macro_rules! natively {
    ($connection:expr, $inner:ident => $statement:expr) => {
        match $connection {
            $crate::store::connection::AnyConnection::Postgresql($inner) => $statement,
            $crate::store::connection::AnyConnection::Sqlite($inner) => $statement,
        }
    };
}
pub(crate) use natively;

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// How long an SQLite writer waits for the lock before giving up.
const SQLITE_BUSY_TIMEOUT_MILLISECONDS: u32 = 10_000;
/// Each SQLite connection's page cache, in KiB (SQLite's default is 2 MiB).
const SQLITE_CACHE_KIBIBYTES: u32 = 32 * 1024;
const POOL_CONNECTIONS_MAX: u32 = 8;
const POOL_CONNECTION_TIMEOUT: Duration = Duration::from_secs(15);

/// Opens connections for the backend the URL names, so that connection errors are reported
/// as they are (wrong password, unreachable server) instead of being hidden.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }

    fn establish(&self) -> Result<AnyConnection, ConnectionError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                diesel::PgConnection::establish(url).map(AnyConnection::Postgresql)
            }
            DatabaseUrl::Sqlite(path) => {
                let mut connection = diesel::SqliteConnection::establish(path)?;
                // WAL lets readers proceed during a write; FULL synchronous makes a committed
                // (acknowledged) write survive power loss, which a ledger owes its users. A larger
                // page cache keeps a big log's upper tree levels and indexes in memory. Group
                // commit runs each write in a savepoint, whose undo pages SQLite keeps in a
                // statement journal: in memory it costs a copy, in a temporary file (the default
                // past 64 KiB) a write system call per page. It never has to survive a crash.
                connection
                    .batch_execute(&format!(
                        "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MILLISECONDS};
                         PRAGMA journal_mode = WAL;
                         PRAGMA synchronous = FULL;
                         PRAGMA foreign_keys = ON;
                         PRAGMA cache_size = -{SQLITE_CACHE_KIBIBYTES};
                         PRAGMA temp_store = MEMORY;"
                    ))
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(AnyConnection::Sqlite(connection))
            }
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        self.establish().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, connection: &mut AnyConnection) -> Result<(), r2d2::Error> {
        connection
            .batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _connection: &mut AnyConnection) -> bool {
        false
    }
}

/// Opens the pool, checking one connection now so a bad URL fails at start, not on the
/// first request.
pub fn open_pool(url: &DatabaseUrl) -> Result<Pool, StoreError> {
    let manager = ConnectionManager::new(url.clone());
    manager.connect().map_err(StoreError::Connect)?;
    r2d2::Pool::builder()
        .max_size(POOL_CONNECTIONS_MAX)
        .connection_timeout(POOL_CONNECTION_TIMEOUT)
        .build(manager)
        .map_err(|error| {
            StoreError::Connect(r2d2::Error::ConnectionError(
                ConnectionError::BadConnection(error.to_string()),
            ))
        })
}

/// Runs the embedded migrations of the connection's backend; returns the versions applied.
pub fn run_migrations(connection: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    let applied = match connection {
        AnyConnection::Postgresql(inner) => inner
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|versions| versions.iter().map(ToString::to_string).collect()),
        AnyConnection::Sqlite(inner) => inner
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|versions| versions.iter().map(ToString::to_string).collect()),
    };
    applied.map_err(|error| StoreError::Migration(error.to_string()))
}
