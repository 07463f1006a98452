//! Verification rate at scale, in one run: a ledger of signed one-reading batches, then
//! - the raw cost of its crypto (SHA-256 of every leaf and batch body, one Ed25519 verify per
//!   signed batch, one core, one at a time),
//! - the full incremental verify of the same entries (`verify --url --state` without the HTTP:
//!   parse, chain, tree, replay, batch signatures on all cores), with its rate beside the raw one,
//! - the incremental verify of the last 10,000 entries from a stored snapshot.
//!
//!   cargo bench --bench verify                 # 2,000 batches (CI)
//!   cargo bench --bench verify -- 1000000      # a million
//!   BENCH_LEDGER_DIR=/tmp/big cargo bench --bench verify -- 100000   # keep the ledger

#![allow(clippy::unwrap_used, clippy::expect_used)] // Bench code: a panic is how it fails.

#[path = "../tests/black_box/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use basin_audit::hash::leaf_hash;
use basin_audit::messages::{readings_message, verify_signature};
use basin_ledger::store::schema::{log_entries, reading_batches};
use basin_ledger::store::DatabaseUrl;
use basin_ledger::verify::chunk;
use basin_ledger_core::replay::{
    BatchEvidence, LogKey, NoStoredReadings, ReplayedReading, StoredReadings, Verifier,
};
use basin_ledger_core::settlement::document::sha256_hex;
use common::signed_ledger::{append_signed_batches, register_signing_station};
use diesel::prelude::*;

const BATCHES_DEFAULT: u64 = 2_000;
const INCREMENTAL_ENTRIES: u64 = 10_000;
/// Entries verified between snapshots, as the CLI commits (16 tiles).
const ENTRIES_PER_CHUNK: usize = 16 * 256;

fn main() {
    let batches: u64 = std::env::args()
        .skip(1)
        .find_map(|argument| argument.parse().ok())
        .unwrap_or(BATCHES_DEFAULT);
    let kept = std::env::var_os("BENCH_LEDGER_DIR").map(std::path::PathBuf::from);
    let temporary = tempfile::tempdir().unwrap();
    let folder = kept.clone().unwrap_or_else(|| temporary.path().to_owned());
    std::fs::create_dir_all(&folder).unwrap();
    let url = DatabaseUrl::Sqlite(folder.join("ledger.db").to_string_lossy().into_owned());
    let pool = basin_ledger::server::open_database(&url).unwrap();
    let mut connection = pool.get().unwrap();
    // A kept ledger grows by `batches` on each run.
    let existing: i64 = reading_batches::table
        .count()
        .get_result(&mut connection)
        .unwrap();
    let existing = existing as u64;
    let started = Instant::now();
    if existing == 0 {
        register_signing_station(&mut connection);
    }
    append_signed_batches(&pool, existing..existing + batches);
    println!(
        "built {batches} signed batches in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let leaves: Vec<(i64, String)> = log_entries::table
        .select((log_entries::entry_index, log_entries::leaf))
        .order(log_entries::entry_index.asc())
        .load(&mut connection)
        .unwrap();
    let leaves: Vec<(u64, Vec<u8>)> = leaves
        .into_iter()
        .map(|(index, leaf)| (index as u64, leaf.into_bytes()))
        .collect();
    let rows: Vec<(i64, Vec<u8>, Option<String>)> = reading_batches::table
        .select((
            reading_batches::log_index,
            reading_batches::body,
            reading_batches::signature,
        ))
        .load(&mut connection)
        .unwrap();
    let evidence: BTreeMap<u64, BatchEvidence> = rows
        .into_iter()
        .map(|(index, body, signature)| (index as u64, BatchEvidence { body, signature }))
        .collect();
    let station_key = common::signed_ledger::station_key().verifying_key();
    let entries = leaves.len() as u64;

    // Raw crypto: what any verifier must at least do, one core, one signature at a time.
    let started = Instant::now();
    let mut sink = 0_u8;
    for (_, leaf) in &leaves {
        sink ^= leaf_hash(leaf)[0];
    }
    for batch in evidence.values() {
        let digest = sha256_hex(&batch.body);
        let message = readings_message(&digest).unwrap();
        verify_signature(&message, &station_key, batch.signature.as_deref().unwrap()).unwrap();
    }
    let raw_seconds = started.elapsed().as_secs_f64();
    let raw_rate = entries as f64 / raw_seconds;
    println!("raw SHA-256 + Ed25519 verify: {entries} entries in {raw_seconds:.2} s = {raw_rate:.0} entries/s (sink {sink})");

    let log_key = LogKey::single("bench/basin-ledger", station_key);
    let incremental_from = entries.saturating_sub(INCREMENTAL_ENTRIES);
    let mut snapshot = None;
    let started = Instant::now();
    let mut verifier = Verifier::default();
    for part in leaves.chunks(ENTRIES_PER_CHUNK) {
        // The last progress snapshot the CLI would have committed before the final 10,000
        // entries (inside the clock, as a real run pays for it).
        if snapshot.is_none() && verifier.size() + part.len() as u64 > incremental_from {
            snapshot = Some((verifier.size(), verifier.to_snapshot().unwrap()));
        }
        verify_part(
            &mut verifier,
            part,
            &evidence,
            &log_key,
            &mut NoStoredReadings,
        );
    }
    let full_seconds = started.elapsed().as_secs_f64();
    let full_rate = entries as f64 / full_seconds;
    println!(
        "full verify ({} threads): {entries} entries in {full_seconds:.2} s = {full_rate:.0} entries/s = {:.2}x raw crypto",
        rayon::current_num_threads(),
        full_rate / raw_rate
    );

    let (from, bytes) = snapshot.unwrap_or((0, Verifier::default().to_snapshot().unwrap()));
    // The readings before the snapshot, as the state database would serve them.
    let mut stored: BTreeMap<i64, ReplayedReading> = verifier
        .ledger
        .readings
        .values()
        .filter(|reading| reading.log_index < from)
        .map(|reading| (reading.id, reading.clone()))
        .collect();
    let started = Instant::now();
    let mut resumed = Verifier::from_snapshot(&bytes).unwrap();
    for part in leaves[from as usize..].chunks(ENTRIES_PER_CHUNK) {
        verify_part(&mut resumed, part, &evidence, &log_key, &mut stored);
    }
    let saved = resumed.to_snapshot().unwrap();
    println!(
        "incremental verify of the last {} entries (snapshot {:.1} MB loaded and saved): {:.2} s",
        entries - from,
        saved.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    assert_eq!(resumed.root(), verifier.root());
}

fn verify_part(
    verifier: &mut Verifier,
    part: &[(u64, Vec<u8>)],
    evidence: &BTreeMap<u64, BatchEvidence>,
    log_key: &LogKey,
    stored: &mut dyn StoredReadings,
) {
    let (Some(first), Some(last)) = (part.first(), part.last()) else {
        return;
    };
    let evidence: BTreeMap<u64, BatchEvidence> = evidence
        .range(first.0..=last.0)
        .map(|(index, batch)| (*index, batch.clone()))
        .collect();
    let prepared = chunk::prepare(part).unwrap();
    chunk::apply(verifier, &prepared, &evidence, log_key, stored).unwrap();
}
