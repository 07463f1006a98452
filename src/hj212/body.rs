//! The JSON the gateway spools and posts. A spooled reading is the reading without its section
//! (learned from the ledger when the batch is formed); a batch body is exactly the
//! `POST /v1/readings` shape, values as the packet's literal text and `flags` only for values
//! whose HJ 212 flag is not N. The batch id is derived from the body's content.

use std::collections::BTreeMap;

use basin_hj212::StationReading;
use basin_ledger_core::batch::{validate_batch, BatchBody};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `hj212-` and this many hex digits of the content's SHA-256 (128 bits: no two batches of a
/// station will share one).
const BATCH_ID_HEX_DIGITS: usize = 32;
/// The section name used when a lone reading is checked against the ledger's rules on arrival
/// (the rules compare it with itself).
const CHECK_SECTION: &str = "hj212-check";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpooledReading {
    pub sampled_at: String,
    pub values: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flags: BTreeMap<String, String>,
}

impl SpooledReading {
    pub fn from_mapped(reading: &StationReading) -> Self {
        Self {
            sampled_at: reading.sampled_at.clone(),
            values: reading
                .values
                .iter()
                .map(|(code, value)| ((*code).to_owned(), value.clone()))
                .collect(),
            flags: reading
                .flags
                .iter()
                .map(|(code, flag)| ((*code).to_owned(), flag.letter().to_owned()))
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct PostedReading<'a> {
    section: &'a str,
    sampled_at: &'a str,
    values: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    flags: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
struct PostedBatch<'a> {
    batch_id: &'a str,
    station: &'a str,
    readings: &'a [PostedReading<'a>],
}

/// The batch id and the exact body bytes for `readings` of `station` in `section`.
pub fn batch_body(
    station: &str,
    section: &str,
    readings: &[SpooledReading],
) -> Result<(String, String), serde_json::Error> {
    let posted: Vec<PostedReading<'_>> = readings
        .iter()
        .map(|reading| PostedReading {
            section,
            sampled_at: &reading.sampled_at,
            values: &reading.values,
            flags: &reading.flags,
        })
        .collect();
    let content = serde_json::to_vec(&PostedBatch {
        batch_id: "",
        station,
        readings: &posted,
    })?;
    let digest = hex::encode(Sha256::digest(&content));
    let batch_id = format!("hj212-{}", &digest[..BATCH_ID_HEX_DIGITS]);
    let body = serde_json::to_string(&PostedBatch {
        batch_id: &batch_id,
        station,
        readings: &posted,
    })?;
    Ok((batch_id, body))
}

/// Applies the ledger's own batch rules (`basin_ledger_core::batch`) to one reading on arrival,
/// so that a packet the ledger would refuse is refused before it is acknowledged, instead of
/// spoiling a batch of a thousand acknowledged readings later.
pub fn check_against_ledger_rules(
    station: &str,
    reading: &SpooledReading,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let (_, body) = batch_body(station, CHECK_SECTION, std::slice::from_ref(reading))
        .map_err(|error| error.to_string())?;
    let parsed: BatchBody = serde_json::from_str(&body).map_err(|error| error.to_string())?;
    validate_batch(&parsed, CHECK_SECTION, now)
        .map(|_| ())
        .map_err(|errors| errors.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(flags: &[(&str, &str)]) -> SpooledReading {
        SpooledReading {
            sampled_at: "2020-07-01T08:05:00+08:00".into(),
            values: [
                ("ph".to_owned(), "7.61".to_owned()),
                ("tp".to_owned(), "0.018".to_owned()),
            ]
            .into(),
            flags: flags
                .iter()
                .map(|(code, flag)| ((*code).to_owned(), (*flag).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn the_body_is_the_readings_api_shape_and_its_id_follows_its_content() {
        let (batch_id, body) = batch_body("gubeikou-auto", "gubeikou", &[reading(&[])]).unwrap();
        assert_eq!(
            body,
            format!(
                "{{\"batch_id\":\"{batch_id}\",\"station\":\"gubeikou-auto\",\"readings\":[{{\"section\":\
                 \"gubeikou\",\"sampled_at\":\"2020-07-01T08:05:00+08:00\",\"values\":{{\"ph\":\"7.61\",\
                 \"tp\":\"0.018\"}}}}]}}"
            )
        );
        assert!(batch_id.starts_with("hj212-") && batch_id.len() == 38);
        let (again, _) = batch_body("gubeikou-auto", "gubeikou", &[reading(&[])]).unwrap();
        assert_eq!(again, batch_id);
        let (other, flagged) =
            batch_body("gubeikou-auto", "gubeikou", &[reading(&[("tp", "M")])]).unwrap();
        assert_ne!(other, batch_id);
        assert!(flagged.contains(",\"flags\":{\"tp\":\"M\"}}"), "{flagged}");
    }

    #[test]
    fn a_reading_the_ledger_would_refuse_is_found_on_arrival() {
        let now = chrono::Utc::now();
        assert_eq!(
            check_against_ledger_rules("gubeikou-auto", &reading(&[]), now),
            Ok(())
        );
        let mut bad = reading(&[]);
        bad.values.insert("ph".into(), "15".into());
        assert!(check_against_ledger_rules("gubeikou-auto", &bad, now).is_err());
    }
}
