//! The incremental verifier's own database (`verify --state DIR`): one SQLite file with the
//! last verified checkpoint and the verifier's snapshot at that size, and, while a run is under
//! way, its progress (the snapshot after the last chunk of tiles fully checked, and the
//! checkpoint that run verifies toward). The verified row changes only after a whole run
//! passed; progress lets a killed run resume and is dropped when a check fails.

use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Binary, Text};
use diesel::sqlite::SqliteConnection;

use basin_ledger_core::replay::ReplayedReading;

use super::reading_rows::{self, Rows};

pub const STATE_FILE: &str = "verifier.sqlite";

const VERIFIED: &str = "verified";
const PROGRESS: &str = "progress";

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{path}: {message}")]
    Open { path: String, message: String },
    #[error("the verifier state database: {0}")]
    Query(#[from] diesel::result::Error),
}

/// One stored snapshot: the checkpoint note it belongs to, its size and the verifier's bytes.
#[derive(Debug, Clone, QueryableByName)]
pub struct StoredSnapshot {
    #[diesel(sql_type = Text)]
    pub checkpoint: String,
    #[diesel(sql_type = BigInt)]
    pub size: i64,
    #[diesel(sql_type = Binary)]
    pub snapshot: Vec<u8>,
}

pub struct StateStore {
    connection: SqliteConnection,
}

impl StateStore {
    /// Opens (creating the folder and the database if missing) `DIR/verifier.sqlite`.
    pub fn open(folder: &Path) -> Result<Self, StateError> {
        let open_error = |message: String| StateError::Open {
            path: folder.display().to_string(),
            message,
        };
        std::fs::create_dir_all(folder).map_err(|error| open_error(error.to_string()))?;
        let path = folder.join(STATE_FILE);
        let mut connection = SqliteConnection::establish(&path.to_string_lossy())
            .map_err(|error| open_error(error.to_string()))?;
        // WAL with synchronous NORMAL: a power cut may lose the last commit, never corrupt the
        // file, and a lost commit only means re-verifying those tiles.
        connection.batch_execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS verifier_snapshots (
                 name TEXT PRIMARY KEY NOT NULL,
                 checkpoint TEXT NOT NULL,
                 size BIGINT NOT NULL,
                 snapshot BLOB NOT NULL
             );",
        )?;
        connection.batch_execute(reading_rows::CREATE)?;
        Ok(Self { connection })
    }

    fn load(&mut self, name: &str) -> Result<Option<StoredSnapshot>, StateError> {
        Ok(diesel::sql_query(
            "SELECT checkpoint, size, snapshot FROM verifier_snapshots WHERE name = ?",
        )
        .bind::<Text, _>(name)
        .get_result::<StoredSnapshot>(&mut self.connection)
        .optional()?)
    }

    pub fn verified(&mut self) -> Result<Option<StoredSnapshot>, StateError> {
        self.load(VERIFIED)
    }

    pub fn progress(&mut self) -> Result<Option<StoredSnapshot>, StateError> {
        self.load(PROGRESS)
    }

    fn upsert(
        connection: &mut SqliteConnection,
        name: &str,
        checkpoint: &str,
        size: u64,
        snapshot: &[u8],
    ) -> Result<(), diesel::result::Error> {
        diesel::sql_query(
            "INSERT INTO verifier_snapshots (name, checkpoint, size, snapshot) VALUES (?, ?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET checkpoint = excluded.checkpoint,
                 size = excluded.size, snapshot = excluded.snapshot",
        )
        .bind::<Text, _>(name)
        .bind::<Text, _>(checkpoint)
        .bind::<BigInt, _>(i64::try_from(size).unwrap_or(i64::MAX))
        .bind::<Binary, _>(snapshot)
        .execute(connection)
        .map(|_| ())
    }

    /// The stored readings, for the verifier to read those it needs.
    pub fn readings(&mut self) -> Rows<'_> {
        Rows(&mut self.connection)
    }

    /// Records the progress of a run toward `target_checkpoint` (the snapshot and the readings
    /// changed since the last save), in one transaction.
    pub fn save_progress(
        &mut self,
        target_checkpoint: &str,
        size: u64,
        snapshot: &[u8],
        changed_readings: &[ReplayedReading],
    ) -> Result<(), StateError> {
        self.connection.immediate_transaction(|connection| {
            Self::upsert(connection, PROGRESS, target_checkpoint, size, snapshot)?;
            reading_rows::write(connection, reading_rows::PROGRESS, changed_readings)
        })?;
        Ok(())
    }

    /// Records a fully verified checkpoint (the snapshot, the progress rows and the readings
    /// changed since the last save) and drops the progress, in one transaction.
    pub fn save_verified(
        &mut self,
        checkpoint: &str,
        size: u64,
        snapshot: &[u8],
        changed_readings: &[ReplayedReading],
    ) -> Result<(), StateError> {
        self.connection.immediate_transaction(|connection| {
            Self::upsert(connection, VERIFIED, checkpoint, size, snapshot)?;
            reading_rows::promote_progress(connection)?;
            reading_rows::write(connection, reading_rows::VERIFIED, changed_readings)?;
            diesel::sql_query("DELETE FROM verifier_snapshots WHERE name = ?")
                .bind::<Text, _>(PROGRESS)
                .execute(connection)
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Records a newer note for the size verified (nothing new to replay): the snapshot stays.
    pub fn save_verified_note(&mut self, checkpoint: &str) -> Result<(), StateError> {
        diesel::sql_query("UPDATE verifier_snapshots SET checkpoint = ? WHERE name = ?")
            .bind::<Text, _>(checkpoint)
            .bind::<Text, _>(VERIFIED)
            .execute(&mut self.connection)?;
        Ok(())
    }

    /// Drops the progress: its entries failed a check, the next run starts from the verified.
    pub fn drop_progress(&mut self) -> Result<(), StateError> {
        self.connection.immediate_transaction(|connection| {
            diesel::sql_query("DELETE FROM verifier_snapshots WHERE name = ?")
                .bind::<Text, _>(PROGRESS)
                .execute(connection)?;
            reading_rows::drop_progress(connection)
        })?;
        Ok(())
    }
}
