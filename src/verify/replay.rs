//! Replaying the log into the ledger's state: the registry, station keys, bureau keys and every
//! reading with its status, exactly as they stood at each entry. Reading batches are re-hashed
//! and their station signatures checked on the way.

use std::collections::BTreeMap;

use basin_audit::entry::LogEntry;
use sha2::{Digest, Sha256};

use super::bundle::{Bundle, LogKey};
use super::{Failure, SettlementCheck};
use crate::api::readings::validate::{validate_batch, ReadingBatchRequest};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayedReading {
    pub id: i64,
    /// The log index of the batch that recorded it.
    pub log_index: u64,
    pub station: String,
    pub section: String,
    pub sampled_at: String,
    /// The values object exactly as the readings API shows it.
    pub values_json: String,
    pub valid: bool,
    pub superseded: bool,
    pub invalidated: bool,
}

impl ReplayedReading {
    pub fn counts(&self) -> bool {
        self.valid && !self.superseded && !self.invalidated
    }
}

#[derive(Debug, Default)]
pub struct LedgerState {
    /// The registry as logged: kind prefix → code → the resource body.
    pub sections: BTreeMap<String, serde_json::Value>,
    pub stations: BTreeMap<String, serde_json::Value>,
    pub jurisdictions: BTreeMap<String, serde_json::Value>,
    /// (jurisdiction, key id) → (public key, retired).
    pub jurisdiction_keys: BTreeMap<(String, String), (String, bool)>,
    pub agreement_versions: BTreeMap<(String, u64), serde_json::Value>,
    pub readings: BTreeMap<i64, ReplayedReading>,
    pub batches_checked: usize,
    pub signed_batches_checked: usize,
}

fn body_text<'a>(entry: &'a LogEntry, field: &str) -> Result<&'a str, Failure> {
    entry.body[field].as_str().ok_or_else(|| {
        Failure::at(
            entry.index,
            format!("the {} body has no {field}", entry.kind),
        )
    })
}

impl LedgerState {
    pub fn apply(
        &mut self,
        entry: &LogEntry,
        bundle: &Bundle,
        log_key: &LogKey,
        settlements: &mut dyn SettlementCheck,
    ) -> Result<(), Failure> {
        match entry.kind.as_str() {
            "jurisdiction.created" => {
                self.jurisdictions
                    .insert(body_text(entry, "code")?.to_owned(), entry.body.clone());
            }
            "basin.created" => {}
            "section.created" => {
                self.sections
                    .insert(body_text(entry, "code")?.to_owned(), entry.body.clone());
            }
            "station.created" => {
                self.stations
                    .insert(body_text(entry, "code")?.to_owned(), entry.body.clone());
            }
            "key.added" | "key.retired" => {
                let key = (
                    body_text(entry, "owner")?.to_owned(),
                    body_text(entry, "key_id")?.to_owned(),
                );
                let public_key = body_text(entry, "public_key")?.to_owned();
                self.jurisdiction_keys
                    .insert(key, (public_key, entry.kind == "key.retired"));
            }
            "agreement.version" => {
                let code = body_text(entry, "code")
                    .or_else(|_| body_text(entry, "agreement"))?
                    .to_owned();
                let version = entry.body["version"]
                    .as_u64()
                    .ok_or_else(|| Failure::at(entry.index, "agreement.version has no version"))?;
                self.agreement_versions
                    .insert((code, version), entry.body.clone());
            }
            "readings.batch" => self.apply_batch(entry, bundle)?,
            "reading.invalidated" => {
                let id = entry.body["reading_id"].as_i64().ok_or_else(|| {
                    Failure::at(entry.index, "reading.invalidated has no reading_id")
                })?;
                let reading = self.readings.get_mut(&id).ok_or_else(|| {
                    Failure::at(entry.index, format!("invalidates unknown reading {id}"))
                })?;
                reading.invalidated = true;
            }
            kind if kind.starts_with("settlement.") => {
                settlements.check(entry.index, kind, &entry.body, self, log_key)?
            }
            other => {
                return Err(Failure::at(
                    entry.index,
                    format!("unknown entry kind {other:?}"),
                ))
            }
        }
        Ok(())
    }

    fn apply_batch(&mut self, entry: &LogEntry, bundle: &Bundle) -> Result<(), Failure> {
        let fail = |what: String| Failure::at(entry.index, what);
        let station_code = body_text(entry, "station")?;
        let batch_id = body_text(entry, "batch_id")?;
        let evidence = bundle
            .batches
            .get(&(station_code.to_owned(), batch_id.to_owned()))
            .ok_or_else(|| {
                fail(format!(
                    "the body of batch {station_code}/{batch_id} is missing"
                ))
            })?;
        let body_sha256 = hex::encode(Sha256::digest(&evidence.body));
        if entry.body["body_sha256"].as_str() != Some(body_sha256.as_str()) {
            return Err(fail(format!("the body of batch {station_code}/{batch_id} hashes to {body_sha256}, not the logged body_sha256")));
        }
        let station = self
            .stations
            .get(station_code)
            .ok_or_else(|| fail(format!("batch of unregistered station {station_code}")))?;
        let logged_signature = entry.body["signature"].as_str();
        if let Some(public_key) = station["public_key"].as_str() {
            let key = basin_audit::messages::parse_public_key_base64(public_key)
                .map_err(|error| fail(format!("station key: {error}")))?;
            let signature = logged_signature.ok_or_else(|| {
                fail(format!(
                    "batch {station_code}/{batch_id} of a signing station has no signature"
                ))
            })?;
            if evidence.signature.as_deref() != Some(signature) {
                return Err(fail(format!("the exported signature of batch {station_code}/{batch_id} differs from the logged one")));
            }
            let message = basin_audit::messages::readings_message(&body_sha256)
                .map_err(|error| fail(error.to_string()))?;
            basin_audit::messages::verify_signature(&message, &key, signature).map_err(|_| {
                fail(format!(
                    "the station signature on batch {station_code}/{batch_id} does not verify"
                ))
            })?;
            self.signed_batches_checked += 1;
        }
        let section = station["section"].as_str().unwrap_or_default();
        let request: ReadingBatchRequest = serde_json::from_slice(&evidence.body)
            .map_err(|error| fail(format!("batch body is not a readings request: {error}")))?;
        let received_at = chrono::DateTime::parse_from_rfc3339(&entry.time)
            .map_err(|error| fail(format!("time: {error}")))?;
        // The logged time is truncated to the second; the server validated against the instant
        // itself, up to a second later.
        let validated_at = received_at.with_timezone(&chrono::Utc) + chrono::Duration::seconds(1);
        let readings = validate_batch(&request, section, validated_at).map_err(|error| {
            fail(format!(
                "batch body fails the ingest rules: {:?}",
                error.problem().errors
            ))
        })?;
        let ids = entry.body["reading_ids"]
            .as_array()
            .ok_or_else(|| fail("readings.batch has no reading_ids".into()))?;
        if ids.len() != readings.len() {
            return Err(fail(format!(
                "{} reading ids logged for {} readings in the body",
                ids.len(),
                readings.len()
            )));
        }
        for (reading, id) in readings.into_iter().zip(ids) {
            let id = id
                .as_i64()
                .ok_or_else(|| fail("a reading id is not an integer".into()))?;
            if let Some(revised) = reading.revises {
                let old = self
                    .readings
                    .get_mut(&revised)
                    .ok_or_else(|| fail(format!("revises unknown reading {revised}")))?;
                old.superseded = true;
            }
            let replayed = ReplayedReading {
                id,
                log_index: entry.index,
                station: station_code.to_owned(),
                section: reading.section,
                sampled_at: reading.sampled_at,
                values_json: reading.values_json,
                valid: reading.status == crate::store::readings::ReadingStatus::Valid,
                superseded: false,
                invalidated: false,
            };
            if self.readings.insert(id, replayed).is_some() {
                return Err(fail(format!("reading id {id} is used twice")));
            }
        }
        self.batches_checked += 1;
        Ok(())
    }
}

impl LedgerState {
    /// Every reading the ledger serves must be exactly the one the evidence and the log rebuild.
    pub fn compare_readings(
        &self,
        exported: &[super::bundle::ExportedReading],
    ) -> Result<(), Failure> {
        let mut seen = std::collections::BTreeSet::new();
        for served in exported {
            let Some(replayed) = self.readings.get(&served.id) else {
                return Err(Failure::general(format!(
                    "reading {} is served but no logged batch recorded it",
                    served.id
                )));
            };
            let same = replayed.station == served.station
                && replayed.section == served.section
                && replayed.sampled_at == served.sampled_at
                && replayed.values_json == served.values_json
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
