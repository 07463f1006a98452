//! The replayed readings of `verify --state`, one row per reading in `verifier.sqlite`, so that
//! a run writes only the readings it added or changed and reads old ones only when a new entry
//! needs them. A row belongs to the verified state or to the progress of a run under way
//! (`stage`); a progress row overrides the verified row of the same reading, is promoted when
//! the run passes and dropped when it fails.

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use basin_ledger_core::replay::{ReplayedReading, StoredReadings};

pub const VERIFIED: &str = "verified";
pub const PROGRESS: &str = "progress";

/// Rows per INSERT statement (three bound values each, well under SQLite's limit).
const ROWS_PER_STATEMENT: usize = 500;

pub const CREATE: &str = "CREATE TABLE IF NOT EXISTS verifier_readings (
        id BIGINT NOT NULL,
        stage TEXT NOT NULL,
        reading BLOB NOT NULL,
        PRIMARY KEY (id, stage)
    );
    CREATE INDEX IF NOT EXISTS verifier_readings_stage ON verifier_readings (stage);";

diesel::table! {
    verifier_readings (id, stage) {
        id -> BigInt,
        stage -> Text,
        reading -> Binary,
    }
}

#[derive(Insertable)]
#[diesel(table_name = verifier_readings)]
struct Row<'a> {
    id: i64,
    stage: &'a str,
    reading: Vec<u8>,
}

/// Writes `readings` as rows of `stage`, replacing the rows of the same readings there.
pub fn write(
    connection: &mut SqliteConnection,
    stage: &str,
    readings: &[ReplayedReading],
) -> Result<(), diesel::result::Error> {
    for part in readings.chunks(ROWS_PER_STATEMENT) {
        let rows = part
            .iter()
            .map(|reading| {
                let bytes = serde_json::to_vec(reading)
                    .map_err(|error| diesel::result::Error::SerializationError(Box::new(error)))?;
                Ok(Row {
                    id: reading.id,
                    stage,
                    reading: bytes,
                })
            })
            .collect::<Result<Vec<_>, diesel::result::Error>>()?;
        diesel::replace_into(verifier_readings::table)
            .values(&rows)
            .execute(connection)?;
    }
    Ok(())
}

/// Makes the progress rows verified.
pub fn promote_progress(connection: &mut SqliteConnection) -> Result<(), diesel::result::Error> {
    diesel::sql_query(
        "INSERT OR REPLACE INTO verifier_readings (id, stage, reading)
         SELECT id, 'verified', reading FROM verifier_readings WHERE stage = 'progress'",
    )
    .execute(connection)?;
    drop_progress(connection)
}

pub fn drop_progress(connection: &mut SqliteConnection) -> Result<(), diesel::result::Error> {
    diesel::delete(verifier_readings::table.filter(verifier_readings::stage.eq(PROGRESS)))
        .execute(connection)
        .map(|_| ())
}

fn decode(bytes: &[u8]) -> Result<ReplayedReading, String> {
    serde_json::from_slice(bytes).map_err(|error| format!("a stored reading: {error}"))
}

/// The stored readings as the verifier sees them: progress rows over verified rows.
pub struct Rows<'a>(pub &'a mut SqliteConnection);

impl StoredReadings for Rows<'_> {
    fn reading(&mut self, id: i64) -> Result<Option<ReplayedReading>, String> {
        let rows: Vec<(String, Vec<u8>)> = verifier_readings::table
            .filter(verifier_readings::id.eq(id))
            .select((verifier_readings::stage, verifier_readings::reading))
            .load(self.0)
            .map_err(|error| error.to_string())?;
        let newest = rows
            .iter()
            .find(|(stage, _)| stage == PROGRESS)
            .or_else(|| rows.first());
        newest.map(|(_, bytes)| decode(bytes)).transpose()
    }

    fn all_readings(&mut self) -> Result<Vec<ReplayedReading>, String> {
        // Ordered by id, then stage: "progress" sorts before "verified", and wins.
        let rows: Vec<(i64, Vec<u8>)> = verifier_readings::table
            .order((verifier_readings::id, verifier_readings::stage))
            .select((verifier_readings::id, verifier_readings::reading))
            .load(self.0)
            .map_err(|error| error.to_string())?;
        let mut readings: Vec<ReplayedReading> = Vec::with_capacity(rows.len());
        let mut last = None;
        for (id, bytes) in rows {
            if last != Some(id) {
                readings.push(decode(&bytes)?);
                last = Some(id);
            }
        }
        Ok(readings)
    }
}
