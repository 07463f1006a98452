//! A ledger of many signed one-reading batches, written straight through the store (as the
//! ingest path writes them, body bytes and signatures included) so that tests and benchmarks
//! get thousands of entries in seconds instead of one HTTP request each.
#![allow(dead_code)]

use basin_audit::messages::{public_key_base64, readings_message, sign};
use basin_ledger::model::registry::{Basin, Jurisdiction, Section, Station};
use basin_ledger::store::readings::{ingest_batch, NewBatch};
use basin_ledger::store::{self, registry, AnyConnection, Pool};
use basin_ledger_core::batch::{validate_batch, BatchBody};
use basin_ledger_core::settlement::document::sha256_hex;
use diesel::prelude::*;
use ed25519_dalek::SigningKey;

const CREATED_AT: &str = "2026-12-01T00:00:00Z";
const STATION: &str = "bulk-auto";
const SECTION: &str = "bulk";
/// Batches written per store transaction.
const BATCHES_PER_TRANSACTION: u64 = 1_000;
/// Entries the registry adds before the first batch.
pub const REGISTRY_ENTRIES: u64 = 5;

pub fn station_key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

/// The registry of one signing station (REGISTRY_ENTRIES entries).
pub fn register_signing_station(connection: &mut AnyConnection) {
    let public_key = station_key().verifying_key();
    store::write_transaction(connection, |connection, log| {
        for code in ["UP", "DOWN"] {
            let jurisdiction = Jurisdiction {
                code: code.into(),
                name: code.into(),
                parent: None,
                keys: Vec::new(),
                created_at: CREATED_AT.into(),
            };
            registry::create_jurisdiction(connection, log, &jurisdiction)?;
        }
        let basin = Basin {
            code: "bulk-basin".into(),
            name: "bulk".into(),
            created_at: CREATED_AT.into(),
        };
        registry::create_basin(connection, log, &basin)?;
        let section = Section {
            code: SECTION.into(),
            name: SECTION.into(),
            basin: "bulk-basin".into(),
            river: "river".into(),
            water_body: "river".into(),
            target_class: "III".into(),
            upstream: "UP".into(),
            downstream: "DOWN".into(),
            latitude: None,
            longitude: None,
            created_at: CREATED_AT.into(),
        };
        registry::create_section(connection, log, &section)?;
        let station = Station {
            code: STATION.into(),
            name: STATION.into(),
            section: SECTION.into(),
            public_key: Some(public_key_base64(&public_key)),
            key_id: Some(hex::encode(basin_audit::note::key_id(STATION, &public_key))),
            keys: Vec::new(),
            created_at: CREATED_AT.into(),
        };
        registry::create_station(connection, log, &station)?;
        Ok(())
    })
    .expect("registry");
}

/// Appends the signed batches `batches` (batch number n samples minute n after 2024-01-01).
pub fn append_signed_batches(pool: &Pool, batches: std::ops::Range<u64>) {
    let key = station_key();
    let key_id = hex::encode(basin_audit::note::key_id(STATION, &key.verifying_key()));
    let first_minute = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").expect("time");
    let validated_at = chrono::DateTime::parse_from_rfc3339(CREATED_AT)
        .expect("time")
        .to_utc();
    let mut connection = pool.get().expect("connection");
    let mut next = batches.start;
    while next < batches.end {
        let end = (next + BATCHES_PER_TRANSACTION).min(batches.end);
        store::write_transaction(&mut connection, |connection, log| {
            for number in next..end {
                let sampled_at = (first_minute + chrono::Duration::minutes(number as i64))
                    .to_utc()
                    .format("%Y-%m-%dT%H:%M:%SZ")
                    .to_string();
                let batch_id = format!("b{number}");
                let body = serde_json::to_vec(&serde_json::json!({
                    "batch_id": batch_id, "station": STATION,
                    "readings": [{"section": SECTION, "sampled_at": sampled_at,
                                  "values": {"tp": "0.02", "ph": "7.1"}}]
                }))
                .expect("body");
                let parsed: BatchBody = serde_json::from_slice(&body).expect("batch body");
                let readings = validate_batch(&parsed, SECTION, validated_at).expect("valid");
                let body_sha256 = sha256_hex(&body);
                let signature = sign(&readings_message(&body_sha256).expect("digest"), &key);
                ingest_batch(
                    connection,
                    log,
                    NewBatch {
                        station: STATION,
                        batch_id: &batch_id,
                        body: &body,
                        body_sha256: &body_sha256,
                        signature: Some(&signature),
                        key_id: Some(&key_id),
                        received_at: CREATED_AT,
                        readings,
                    },
                )?;
            }
            Ok(())
        })
        .expect("batches");
        next = end;
    }
}

/// The number of entries in the log.
pub fn log_size(pool: &Pool) -> u64 {
    use basin_ledger::store::schema::log_entries;
    let mut connection = pool.get().expect("connection");
    let count: i64 = log_entries::table
        .count()
        .get_result(&mut connection)
        .expect("count");
    count as u64
}
