//! The spool: an embedded SQLite database in `--spool DIR` that holds every packet's reading
//! from the moment it is acknowledged until the ledger has it (API.md, "HJ 212 gateway").
//!
//! SQLite through diesel, as the ledger uses it: the bundled library is already built, so the
//! spool costs no new dependency, and `synchronous=FULL` in WAL mode makes every committed
//! write durable before the gateway answers CN=9014. A batch is formed (its body frozen, its id
//! derived from the body) in one transaction before it is first posted, so a restart re-posts
//! the same bytes under the same id, and the ledger's idempotent ingest stores it once.

use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};

/// The spool folder is the gateway's alone.
const SPOOL_FOLDER_MODE: u32 = 0o700;
const SPOOL_FILE: &str = "spool.db";
/// How long a writer waits for the other connection's lock.
const BUSY_TIMEOUT_MILLISECONDS: u32 = 10_000;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS spooled_readings (
    id INTEGER PRIMARY KEY,
    station TEXT NOT NULL,
    sampled_at TEXT NOT NULL,
    reading TEXT NOT NULL,
    received_at_seconds BIGINT NOT NULL,
    batch_id TEXT,
    UNIQUE (station, sampled_at)
);
CREATE INDEX IF NOT EXISTS spooled_readings_unbatched ON spooled_readings (station, batch_id);
CREATE TABLE IF NOT EXISTS spooled_batches (
    sequence INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL UNIQUE,
    station TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    last_status INTEGER,
    last_detail TEXT
);
";

#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    #[error("spool folder {path}")]
    Folder {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("spool database")]
    Database(#[from] diesel::result::Error),
    #[error("spool database")]
    Connection(#[from] diesel::ConnectionError),
}

/// What storing a packet's reading did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New,
    /// The same reading was spooled before (a packet sent again after a lost reply).
    Duplicate,
    /// Another reading of the station at the same instant was spooled before.
    Conflict,
}

/// A formed batch waiting for the ledger.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct PendingBatch {
    #[diesel(sql_type = Text)]
    pub batch_id: String,
    #[diesel(sql_type = Text)]
    pub station: String,
    #[diesel(sql_type = Text)]
    pub body: String,
}

#[derive(QueryableByName)]
struct ReadingText {
    #[diesel(sql_type = Text)]
    reading: String,
}

#[derive(QueryableByName)]
struct SpooledRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    reading: String,
}

#[derive(QueryableByName)]
struct DueStation {
    #[diesel(sql_type = Text)]
    station: String,
    #[diesel(sql_type = BigInt)]
    readings: i64,
    #[diesel(sql_type = BigInt)]
    oldest_seconds: i64,
}

pub struct Spool {
    connection: SqliteConnection,
}

/// One reading to spool (a struct, so that its three texts cannot be swapped).
#[derive(Debug, Clone, Copy)]
pub struct NewReading<'a> {
    pub station: &'a str,
    /// The reading's instant as the reading's text carries it; unique per station.
    pub sampled_at: &'a str,
    /// The spooled reading's JSON.
    pub reading: &'a str,
    pub received_at_seconds: i64,
}

/// Creates the folder (mode 0700) if it is missing.
fn create_folder(folder: &Path) -> Result<(), SpoolError> {
    let error = |source| SpoolError::Folder {
        path: folder.display().to_string(),
        source,
    };
    if !folder.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(SPOOL_FOLDER_MODE)
            .create(folder)
            .map_err(error)?;
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(SPOOL_FOLDER_MODE))
            .map_err(error)?;
    }
    Ok(())
}

impl Spool {
    /// Opens (creating if missing) the spool in `folder`. Each caller gets its own connection.
    pub fn open(folder: &Path) -> Result<Self, SpoolError> {
        create_folder(folder)?;
        let path = folder.join(SPOOL_FILE);
        let mut connection = SqliteConnection::establish(&path.to_string_lossy())?;
        connection.batch_execute(&format!(
            "PRAGMA busy_timeout = {BUSY_TIMEOUT_MILLISECONDS}; PRAGMA journal_mode = WAL; \
             PRAGMA synchronous = FULL;"
        ))?;
        connection.batch_execute(SCHEMA)?;
        Ok(Self { connection })
    }

    /// Stores one reading of `station` durably (committed with synchronous=FULL).
    pub fn store(&mut self, new: NewReading<'_>) -> Result<Stored, SpoolError> {
        let NewReading {
            station,
            sampled_at,
            reading,
            received_at_seconds,
        } = new;
        self.connection.immediate_transaction(|connection| {
            let existing: Vec<ReadingText> = diesel::sql_query(
                "SELECT reading FROM spooled_readings WHERE station = ? AND sampled_at = ?",
            )
            .bind::<Text, _>(station)
            .bind::<Text, _>(sampled_at)
            .load(connection)?;
            if let Some(existing) = existing.first() {
                return Ok(match existing.reading == reading {
                    true => Stored::Duplicate,
                    false => Stored::Conflict,
                });
            }
            diesel::sql_query(
                "INSERT INTO spooled_readings (station, sampled_at, reading, received_at_seconds) \
                 VALUES (?, ?, ?, ?)",
            )
            .bind::<Text, _>(station)
            .bind::<Text, _>(sampled_at)
            .bind::<Text, _>(reading)
            .bind::<BigInt, _>(received_at_seconds)
            .execute(connection)?;
            Ok(Stored::New)
        })
    }

    /// Stations with readings in no batch and no batch waiting, whose oldest such reading came
    /// `flush_seconds` ago or which hold `readings_max` of them.
    pub fn due_stations(
        &mut self,
        now_seconds: i64,
        flush_seconds: i64,
        readings_max: usize,
    ) -> Result<Vec<String>, SpoolError> {
        let rows: Vec<DueStation> = diesel::sql_query(
            "SELECT station, COUNT(*) AS readings, MIN(received_at_seconds) AS oldest_seconds \
             FROM spooled_readings WHERE batch_id IS NULL AND station NOT IN \
             (SELECT station FROM spooled_batches WHERE state = 'pending') GROUP BY station \
             ORDER BY station",
        )
        .load(&mut self.connection)?;
        Ok(rows
            .into_iter()
            .filter(|row| {
                row.readings as usize >= readings_max
                    || now_seconds - row.oldest_seconds >= flush_seconds
            })
            .map(|row| row.station)
            .collect())
    }

    /// Freezes up to `readings_max` unbatched readings of `station` (by sampling time) into a
    /// batch whose body `make_body` writes from their spooled texts; returns the batch id.
    pub fn form_batch(
        &mut self,
        station: &str,
        readings_max: usize,
        make_body: impl FnOnce(&[String]) -> Result<(String, String), serde_json::Error>,
    ) -> Result<Option<String>, anyhow::Error> {
        self.connection
            .immediate_transaction::<_, anyhow::Error, _>(|connection| {
                let rows: Vec<SpooledRow> = diesel::sql_query(
                    "SELECT id, reading FROM spooled_readings WHERE station = ? AND batch_id IS NULL \
                     ORDER BY sampled_at, id LIMIT ?",
                )
                .bind::<Text, _>(station)
                .bind::<BigInt, _>(readings_max as i64)
                .load(connection)?;
                if rows.is_empty() {
                    return Ok(None);
                }
                let texts: Vec<String> = rows.iter().map(|row| row.reading.clone()).collect();
                let (batch_id, body) = make_body(&texts)?;
                diesel::sql_query(
                    "INSERT INTO spooled_batches (batch_id, station, body, state) \
                     VALUES (?, ?, ?, 'pending')",
                )
                .bind::<Text, _>(&batch_id)
                .bind::<Text, _>(station)
                .bind::<Text, _>(&body)
                .execute(connection)?;
                for row in &rows {
                    diesel::sql_query("UPDATE spooled_readings SET batch_id = ? WHERE id = ?")
                        .bind::<Text, _>(&batch_id)
                        .bind::<BigInt, _>(row.id)
                        .execute(connection)?;
                }
                Ok(Some(batch_id))
            })
    }

    /// Formed batches the ledger has not confirmed, oldest first.
    pub fn pending_batches(&mut self) -> Result<Vec<PendingBatch>, SpoolError> {
        Ok(diesel::sql_query(
            "SELECT batch_id, station, body FROM spooled_batches WHERE state = 'pending' \
             ORDER BY sequence",
        )
        .load(&mut self.connection)?)
    }

    /// Records the ledger's final answer: `posted` (200 or 201) or `rejected` (kept, with why).
    pub fn finish_batch(
        &mut self,
        batch_id: &str,
        state: &str,
        status: u16,
        detail: Option<&str>,
    ) -> Result<(), SpoolError> {
        diesel::sql_query(
            "UPDATE spooled_batches SET state = ?, last_status = ?, last_detail = ? \
             WHERE batch_id = ?",
        )
        .bind::<Text, _>(state)
        .bind::<Integer, _>(i32::from(status))
        .bind::<Nullable<Text>, _>(detail)
        .bind::<Text, _>(batch_id)
        .execute(&mut self.connection)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(
        station: &'a str,
        sampled_at: &'a str,
        reading: &'a str,
        seconds: i64,
    ) -> NewReading<'a> {
        NewReading {
            station,
            sampled_at,
            reading,
            received_at_seconds: seconds,
        }
    }

    #[test]
    fn a_reading_is_stored_once_and_a_different_one_at_the_same_instant_conflicts() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("spool");
        let mut spool = Spool::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, SPOOL_FOLDER_MODE);
        let at = "2020-07-01T08:00:00+08:00";
        assert_eq!(
            spool.store(row("s", at, "{\"a\":1}", 100)).unwrap(),
            Stored::New
        );
        assert_eq!(
            spool.store(row("s", at, "{\"a\":1}", 101)).unwrap(),
            Stored::Duplicate
        );
        assert_eq!(
            spool.store(row("s", at, "{\"a\":2}", 102)).unwrap(),
            Stored::Conflict
        );
        assert_eq!(
            spool.store(row("t", at, "{\"a\":2}", 102)).unwrap(),
            Stored::New
        );
    }

    #[test]
    fn readings_become_a_frozen_batch_that_survives_reopening_until_it_is_finished() {
        let folder = tempfile::tempdir().unwrap();
        let mut spool = Spool::open(folder.path()).unwrap();
        for hour in 0..3 {
            let at = format!("2020-07-01T0{hour}:00:00+08:00");
            spool.store(row("s", &at, &format!("{hour}"), 100)).unwrap();
        }
        assert!(spool.due_stations(159, 60, 1_000).unwrap().is_empty());
        assert_eq!(spool.due_stations(100, 60, 3).unwrap(), ["s"]);
        assert_eq!(spool.due_stations(160, 60, 1_000).unwrap(), ["s"]);
        let formed = spool
            .form_batch("s", 2, |texts| Ok(("b1".into(), texts.join("+"))))
            .unwrap();
        assert_eq!(formed.as_deref(), Some("b1"));
        // A station with a batch waiting forms no other until it is finished.
        assert!(spool.due_stations(1_000, 60, 1_000).unwrap().is_empty());
        drop(spool);
        let mut spool = Spool::open(folder.path()).unwrap();
        let pending = spool.pending_batches().unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(
            (pending[0].batch_id.as_str(), pending[0].body.as_str()),
            ("b1", "0+1")
        );
        spool.finish_batch("b1", "posted", 201, None).unwrap();
        assert!(spool.pending_batches().unwrap().is_empty());
        let next = spool
            .form_batch("s", 2, |texts| Ok(("b2".into(), texts.join("+"))))
            .unwrap();
        assert_eq!(next.as_deref(), Some("b2"));
        assert_eq!(spool.pending_batches().unwrap()[0].body, "2");
    }
}
