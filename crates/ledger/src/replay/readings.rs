//! Replaying a `readings.batch` entry: the batch's bytes must hash to the logged digest, carry
//! the station's signature when it has a key, pass the ingest rules as of the entry's time, and
//! hold exactly as many readings as the entry's id range. Then every reading the ledger serves
//! must be the one rebuilt here.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

use super::bundle::{EvidenceSource, ExportedReading};
use super::reading::ReplayedReading;
use super::signatures::SignatureCheck;
use super::state::LedgerState;
use super::stored::StoredReadings;
use super::Failure;
use crate::batch::{validate_batch, BatchBody, ReadingStatus};
use crate::entry::ReadingsBatchLogged;
use crate::time::parse_instant;

impl LedgerState {
    pub(super) fn apply_batch(
        &mut self,
        index: u64,
        time: &str,
        logged: &ReadingsBatchLogged,
        evidence: &dyn EvidenceSource,
        signatures: &mut Vec<SignatureCheck>,
        stored: &mut dyn StoredReadings,
    ) -> Result<(), Failure> {
        let fail = |what: String| Failure::at(index, what);
        let station_code = logged.station.as_str();
        let batch_id = &logged.batch_id;
        let name = format!("{station_code}/{batch_id}");
        let evidence = evidence
            .batch_evidence(index, station_code, batch_id)
            .ok_or_else(|| fail(format!("the body of batch {name} is missing")))?;
        let body_sha256 = hex::encode(Sha256::digest(&evidence.body));
        if logged.body_sha256 != body_sha256 {
            return Err(fail(format!(
                "the body of batch {name} hashes to {body_sha256}, not the logged body_sha256"
            )));
        }
        let station = self
            .stations
            .get(&logged.station)
            .ok_or_else(|| fail(format!("batch of unregistered station {station_code}")))?;
        let section = station.section.as_str().to_owned();
        // A station that ever held a key signs every batch, with a key active at this entry
        // (API.md "Keys and rotation"); the entry names the key that verified at receipt.
        if let Some(active) = self.station_key_sets.get(&logged.station) {
            let key_id = logged
                .key_id
                .as_deref()
                .ok_or_else(|| fail(format!("batch {name} of a signing station names no key")))?;
            let public_key = active.get(key_id).ok_or_else(|| {
                fail(format!(
                    "batch {name} is signed by key {key_id}, not an active key of station {station_code}"
                ))
            })?;
            let key = match self.station_keys.get(public_key) {
                Some(key) => *key,
                None => {
                    let key = basin_audit::messages::parse_public_key_base64(public_key)
                        .map_err(|error| fail(format!("station key: {error}")))?;
                    self.station_keys.insert(public_key.clone(), key);
                    key
                }
            };
            let signature = logged.signature.as_deref().ok_or_else(|| {
                fail(format!(
                    "batch {name} of a signing station has no signature"
                ))
            })?;
            if evidence.signature.as_deref() != Some(signature) {
                return Err(fail(format!(
                    "the served signature of batch {name} differs from the logged one"
                )));
            }
            let message = basin_audit::messages::readings_message(&body_sha256)
                .map_err(|error| fail(error.to_string()))?;
            // Checked later, many at once and on every core (`verify_signature_checks`).
            signatures.push(SignatureCheck::new(
                index,
                name.clone(),
                key,
                message,
                signature,
            )?);
            self.signed_batches_checked += 1;
        }
        let body: BatchBody = serde_json::from_slice(&evidence.body)
            .map_err(|error| fail(format!("batch body is not a readings request: {error}")))?;
        let received_at = parse_instant(time).map_err(|error| fail(format!("time: {error}")))?;
        // The logged time is truncated to the second; the server validated against the instant
        // itself, up to a second later.
        let validated_at = received_at + chrono::Duration::seconds(1);
        let readings = validate_batch(&body, &section, validated_at)
            .map_err(|errors| fail(format!("batch body fails the ingest rules: {errors}")))?;
        if readings.len() != logged.readings as usize {
            return Err(fail(format!(
                "{} reading ids logged for {} readings in the body",
                logged.readings,
                readings.len()
            )));
        }
        self.reading_ids
            .add(logged.reading_ids())
            .map_err(|id| fail(format!("reading id {id} is used twice")))?;
        for (reading, id) in readings.into_iter().zip(logged.reading_ids()) {
            if let Some(revised) = reading.revises {
                let old = self
                    .reading_to_change(revised, stored)?
                    .ok_or_else(|| fail(format!("revises unknown reading {revised}")))?;
                old.superseded = true;
            }
            let replayed = ReplayedReading {
                id,
                log_index: index,
                station: logged.station.clone(),
                section: reading.section,
                sampled_at: reading.sampled_at,
                values_json: reading.values_json,
                flags_json: reading.flags_json,
                valid: reading.status == ReadingStatus::Valid,
                superseded: false,
                invalidated: false,
            };
            self.changed_readings.insert(id);
            if self.readings.insert(id, replayed).is_some() {
                return Err(fail(format!("reading id {id} is used twice")));
            }
        }
        self.batches_checked += 1;
        Ok(())
    }

    /// Every reading the ledger serves must be exactly the one the evidence and the log rebuild.
    pub fn compare_readings(&self, exported: &[ExportedReading]) -> Result<(), Failure> {
        let mut seen = BTreeSet::new();
        for served in exported {
            let Some(replayed) = self.readings.get(&served.id) else {
                return Err(Failure::general(format!(
                    "reading {} is served but no logged batch recorded it",
                    served.id
                )));
            };
            let same = replayed.station.as_str() == served.station
                && replayed.section == served.section
                && replayed.sampled_at == served.sampled_at
                && replayed.values_json == served.values_json
                && same_flags(replayed.flags_json.as_deref(), served.flags_json.as_deref())
                && (replayed.valid == (served.status == "valid"))
                && replayed.superseded == served.superseded
                && replayed.invalidated == served.invalidated;
            if !same {
                return Err(Failure::at(
                    replayed.log_index,
                    format!(
                        "reading {} as served differs from what its batch and the log record",
                        served.id
                    ),
                ));
            }
            seen.insert(served.id);
        }
        if let Some(missing) = self
            .readings
            .values()
            .find(|reading| !seen.contains(&reading.id))
        {
            return Err(Failure::at(
                missing.log_index,
                format!("reading {} was recorded but is not served", missing.id),
            ));
        }
        Ok(())
    }
}

/// Flags compare as JSON objects (their key order in the text is not part of what they say);
/// no flags and an empty object are the same.
fn same_flags(replayed: Option<&str>, served: Option<&str>) -> bool {
    let parse = |text: Option<&str>| -> Option<serde_json::Value> {
        let value = serde_json::from_str::<serde_json::Value>(text?).ok()?;
        (value.as_object().is_some_and(|flags| !flags.is_empty())).then_some(value)
    };
    match (replayed, served) {
        (None, None) => true,
        _ => parse(replayed) == parse(served) && parse(replayed).is_some(),
    }
}
