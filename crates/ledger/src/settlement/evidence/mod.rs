//! A stored reading row checked against the evidence that recorded it: the batch's exact bytes,
//! which must hash to the `body_sha256` of its logged `readings.batch` entry, and in which the
//! reading must stand at its position with the same section, instant and values.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::counted::CountedReading;
use crate::batch::{recorded_form, BatchBody};
use crate::entry::ReadingsBatchLogged;

/// A logged batch entry with the bytes it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedBatch {
    pub entry: ReadingsBatchLogged,
    pub body: Vec<u8>,
}

/// Checks every reading against its batch; the first that differs is returned as
/// `(reading id, what)`.
pub fn check_against_evidence(
    readings: &[CountedReading],
    batches: &[LoggedBatch],
) -> Result<(), (i64, String)> {
    let mut parsed: BTreeMap<i64, (&LoggedBatch, BatchBody)> = BTreeMap::new();
    for batch in batches {
        let first = batch.entry.first_reading_id;
        let body: Result<BatchBody, String> =
            if hex::encode(Sha256::digest(&batch.body)) == batch.entry.body_sha256 {
                serde_json::from_slice(&batch.body).map_err(|error| error.to_string())
            } else {
                Err("its batch body does not hash to the logged body_sha256".into())
            };
        match body {
            Ok(body) => {
                parsed.insert(first, (batch, body));
            }
            Err(problem) => {
                if let Some(reading) = readings
                    .iter()
                    .find(|reading| batch.entry.reading_ids().contains(&reading.id))
                {
                    return Err((reading.id, problem));
                }
            }
        }
    }
    for reading in readings {
        let found = parsed
            .range(..=reading.id)
            .next_back()
            .filter(|(_, (batch, _))| batch.entry.reading_ids().contains(&reading.id));
        let Some((first, (batch, body))) = found else {
            return Err((reading.id, "no logged batch recorded it".into()));
        };
        let position = usize::try_from(reading.id - first).unwrap_or(usize::MAX);
        let recorded = body.readings.get(position).and_then(recorded_form);
        let same = recorded.as_ref().is_some_and(|recorded| {
            recorded.section == reading.section
                && recorded.sampled_at == reading.sampled_at
                && recorded.values_json == reading.values_json
                && recorded.flags_json == reading.flags_json
        });
        if !same {
            return Err((
                reading.id,
                format!(
                    "as stored it differs from what batch {}/{} recorded",
                    batch.entry.station.as_str(),
                    batch.entry.batch_id
                ),
            ));
        }
    }
    Ok(())
}
