//! Storage: diesel over SQLite or PostgreSQL. Transactions live here; every write
//! transaction appends its audit-log entries before it commits.

pub mod agreements;
pub mod balances;
pub mod connection;
pub mod database_url;
pub mod error;
pub mod export;
pub mod group_commit;
pub mod ledger_keys;
pub mod log;
pub mod page;
pub mod readings;
pub mod registry;
pub mod schema;
pub mod settlements;
pub mod tokens;

pub use connection::{open_pool, run_migrations, AnyConnection, Pool, PooledConnection};
pub use database_url::{DatabaseUrl, DATABASE_URL_DEFAULT};
pub use error::StoreError;
pub use log::LogWriter;

/// Statement size for `IN` lists, far below either backend's bound-variable limit.
pub(crate) const IN_LIST_MAX: usize = 500;

use diesel::Connection;

/// Runs `work` in one write transaction. The transaction first locks the log head row, which
/// serialises all writers (also across processes on one PostgreSQL) and, on SQLite, takes the
/// write lock before anything is read, so the transaction can never fail to upgrade later.
/// Everything `work` changes and every log entry it appends commit together or not at all.
pub fn write_transaction<T>(
    connection: &mut AnyConnection,
    work: impl FnOnce(&mut AnyConnection, &mut LogWriter) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    write_transaction_as(connection, work)
}

/// [`write_transaction`] with the caller's error type, for a layer that adds its own cases
/// (settlements' evaluation errors) to the store's.
pub fn write_transaction_as<T, E>(
    connection: &mut AnyConnection,
    work: impl FnOnce(&mut AnyConnection, &mut LogWriter) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError> + From<diesel::result::Error>,
{
    connection.transaction(|connection| {
        let mut writer = LogWriter::lock_head(connection)?;
        let result = work(connection, &mut writer)?;
        writer.finish(connection)?;
        Ok(result)
    })
}
