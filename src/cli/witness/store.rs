//! The witness's own database: one row per witnessed log with the size and root it cosigned
//! last. The table is created at start if missing (SQLite or PostgreSQL, the same statement),
//! so a witness needs no migration set of its own.
//!
//! Checking a request against the stored tree and storing the new tree happen in one
//! transaction that first locks the log's row (an `UPDATE` of the row: a row lock on
//! PostgreSQL, the database write lock on SQLite, taken before anything is read), so two
//! submissions from the same old size are serialised and the second sees the first's size.

use basin_audit::hash::{hash_from_hex, hash_to_hex};
use basin_audit::witness::{WitnessError, WitnessedTree};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::store::{open_pool, DatabaseUrl, Pool, StoreError};

diesel::table! {
    witness_logs (origin) {
        origin -> Text,
        size -> BigInt,
        root -> Text,
    }
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS witness_logs (
    origin TEXT PRIMARY KEY NOT NULL,
    size BIGINT NOT NULL CHECK (size >= 0),
    root TEXT NOT NULL
)";

/// Why a submission was not cosigned: the witness refused it, or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum CosignError {
    #[error(transparent)]
    Refused(#[from] WitnessError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for CosignError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Store(StoreError::from(error))
    }
}

#[derive(Clone)]
pub struct WitnessStore {
    pool: Pool,
}

impl WitnessStore {
    /// Opens the database, creates the table if missing and a row (the empty tree) for every
    /// witnessed log that has none yet.
    pub fn open<'a>(
        url: &DatabaseUrl,
        origins: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, StoreError> {
        let pool = open_pool(url)?;
        let mut connection = pool.get()?;
        connection.batch_execute(CREATE_TABLE)?;
        let empty = WitnessedTree::empty();
        for origin in origins {
            connection.transaction(|connection| {
                let present: i64 = witness_logs::table
                    .filter(witness_logs::origin.eq(origin))
                    .count()
                    .get_result(connection)?;
                if present == 0 {
                    diesel::insert_into(witness_logs::table)
                        .values((
                            witness_logs::origin.eq(origin),
                            witness_logs::size.eq(0_i64),
                            witness_logs::root.eq(hash_to_hex(&empty.root)),
                        ))
                        .execute(connection)?;
                }
                Ok::<_, StoreError>(())
            })?;
        }
        Ok(Self { pool })
    }

    /// The tree last cosigned for `origin`.
    pub fn witnessed(&self, origin: &str) -> Result<WitnessedTree, StoreError> {
        let mut connection = self.pool.get()?;
        read_tree(&mut connection, origin)
    }

    /// Locks the log's row, hands the stored tree to `advance` and stores the tree it returns,
    /// all in one transaction; nothing is stored when `advance` refuses.
    pub fn advance(
        &self,
        origin: &str,
        advance: impl FnOnce(WitnessedTree) -> Result<WitnessedTree, WitnessError>,
    ) -> Result<WitnessedTree, CosignError> {
        let mut connection = self.pool.get().map_err(StoreError::from)?;
        connection.transaction(|connection| {
            let locked =
                diesel::update(witness_logs::table.filter(witness_logs::origin.eq(origin)))
                    .set(witness_logs::size.eq(witness_logs::size))
                    .execute(connection)?;
            if locked != 1 {
                return Err(StoreError::Corrupt(format!("no witness row for log {origin}")).into());
            }
            let stored = read_tree(connection, origin)?;
            let next = advance(stored)?;
            if next != stored {
                // No log comes near 2^63 leaves; a checkpoint that claims more is refused
                // as malformed rather than stored in a wider type.
                let size = i64::try_from(next.size).map_err(|_| {
                    WitnessError::Malformed("tree sizes above 2^63 - 1 are not supported")
                })?;
                diesel::update(witness_logs::table.filter(witness_logs::origin.eq(origin)))
                    .set((
                        witness_logs::size.eq(size),
                        witness_logs::root.eq(hash_to_hex(&next.root)),
                    ))
                    .execute(connection)?;
            }
            Ok(next)
        })
    }
}

fn read_tree(
    connection: &mut crate::store::AnyConnection,
    origin: &str,
) -> Result<WitnessedTree, StoreError> {
    let (size, root): (i64, String) = witness_logs::table
        .filter(witness_logs::origin.eq(origin))
        .select((witness_logs::size, witness_logs::root))
        .first(connection)?;
    Ok(WitnessedTree {
        size: u64::try_from(size)
            .map_err(|_| StoreError::Corrupt(format!("negative witnessed size {size}")))?,
        root: hash_from_hex(&root)
            .map_err(|_| StoreError::Corrupt(format!("witnessed root of {origin} is not hex")))?,
    })
}
