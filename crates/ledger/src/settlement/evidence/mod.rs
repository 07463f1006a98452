//! A stored reading row checked against the evidence that recorded it: the batch's exact bytes,
//! which must hash to the `body_sha256` of its logged `readings.batch` entry, and in which the
//! reading must stand at its position with the same section, instant, values and flags, as
//! posted valid.
//!
//! Every settlement runs this over every reading it counts, so it reads each body in place
//! ([`view`], by a scanner for the plain form stations post, [`plain`]) and compares bytes
//! ([`recorded`]) rather than building the recorded form of each reading; a test holds it to
//! the same verdicts as `batch::recorded_form`.

mod plain;
mod recorded;
mod view;

use std::collections::BTreeMap;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::entry::ReadingsBatchLogged;
pub use recorded::StoredRow;
use view::BodyView;

/// A logged batch entry with the bytes it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedBatch {
    pub entry: ReadingsBatchLogged,
    pub body: Vec<u8>,
}

/// The logged batches, each body read in place once its bytes hash to its entry.
pub struct ReadBodies<'b> {
    /// By first reading id.
    parsed: BTreeMap<i64, (&'b LoggedBatch, BodyView<'b>)>,
    /// The batches whose bytes do not hash or parse, with why.
    unreadable: Vec<(&'b LoggedBatch, String)>,
}

/// Reads every batch body (over the cores): the part of the check that needs no stored row, so
/// it can run while the rows are parsed.
pub fn read_bodies(batches: &[LoggedBatch]) -> ReadBodies<'_> {
    let bodies: Vec<Result<BodyView<'_>, String>> = batches.par_iter().map(read_body).collect();
    let mut read = ReadBodies {
        parsed: BTreeMap::new(),
        unreadable: Vec::new(),
    };
    for (batch, body) in batches.iter().zip(bodies) {
        match body {
            Ok(body) => {
                read.parsed
                    .insert(batch.entry.first_reading_id, (batch, body));
            }
            Err(problem) => read.unreadable.push((batch, problem)),
        }
    }
    read
}

/// Checks every reading against its batch; the first that differs is returned as
/// `(reading id, what)`.
pub fn check_against_evidence<R: StoredRow + Sync>(
    readings: &[R],
    batches: &[LoggedBatch],
) -> Result<(), (i64, String)> {
    check_against_bodies(readings, &read_bodies(batches))
}

/// [`check_against_evidence`] over bodies already read.
pub fn check_against_bodies<R: StoredRow + Sync>(
    readings: &[R],
    bodies: &ReadBodies<'_>,
) -> Result<(), (i64, String)> {
    for (batch, problem) in &bodies.unreadable {
        let ids = batch.entry.reading_ids();
        if let Some(reading) = readings.iter().find(|reading| ids.contains(&reading.id())) {
            return Err((reading.id(), problem.clone()));
        }
    }
    // In chunks over the cores; the first reading that differs, in the given order, is named.
    let verdicts: Vec<Result<(), (i64, String)>> = readings
        .par_chunks(READINGS_PER_TASK)
        .map_init(Vec::new, |scratch, chunk| {
            chunk
                .iter()
                .try_for_each(|reading| check_reading(reading, &bodies.parsed, scratch))
        })
        .collect();
    verdicts.into_iter().collect()
}

/// Readings checked by one task: enough to outweigh handing the task to another core.
const READINGS_PER_TASK: usize = 2_048;

fn check_reading<R: StoredRow>(
    reading: &R,
    parsed: &BTreeMap<i64, (&LoggedBatch, BodyView<'_>)>,
    scratch: &mut Vec<u8>,
) -> Result<(), (i64, String)> {
    let id = reading.id();
    let found = parsed
        .range(..=id)
        .next_back()
        .filter(|(_, (batch, _))| batch.entry.reading_ids().contains(&id));
    let Some((first, (batch, body))) = found else {
        return Err((id, "no logged batch recorded it".into()));
    };
    let position = usize::try_from(id - first).unwrap_or(usize::MAX);
    let same = body
        .readings
        .get(position)
        .is_some_and(|sent| recorded::records(sent, reading, scratch));
    if same {
        return Ok(());
    }
    Err((
        id,
        format!(
            "as stored it differs from what batch {}/{} recorded",
            batch.entry.station.as_str(),
            batch.entry.batch_id
        ),
    ))
}

/// The body, once its bytes are shown to be the logged ones.
fn read_body(batch: &LoggedBatch) -> Result<BodyView<'_>, String> {
    if hex::encode(Sha256::digest(&batch.body)) != batch.entry.body_sha256 {
        return Err("its batch body does not hash to the logged body_sha256".into());
    }
    match plain::plain_body(&batch.body) {
        Some(body) => Ok(body),
        None => serde_json::from_slice(&batch.body).map_err(|error| error.to_string()),
    }
}

#[cfg(test)]
mod plain_tests;
#[cfg(test)]
mod tests;
