//! Audit-log throughput beside the raw primitives it is built from, measured in one run:
//! SHA-256 hashes per second, Ed25519 verifications per second, log appends per second (one
//! transaction each, and many per transaction) and `verify` throughput in entries per second.
//!
//!   cargo bench --bench audit
//!   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench audit

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

#[path = "../tests/black_box/common/mod.rs"]
mod common;

use std::time::Instant;

use basin_audit::note::{sign_checkpoint, Checkpoint};
use basin_audit::tree::{self, MemoryTree};
use basin_domain::Code;
use basin_ledger::export::bundle_from_database;
use basin_ledger::store::{self, AnyConnection};
use basin_ledger::verify::{verify_bundle, LogKey, VerifyOptions};
use basin_ledger_core::entry::{BasinCreated, Entry};
use ed25519_dalek::{Signer, SigningKey, Verifier};
use sha2::{Digest, Sha256};

const HASHES: u64 = 200_000;
const SIGNATURES: u64 = 5_000;
const SINGLE_APPENDS: u64 = 1_000;
const BATCHED_APPENDS: u64 = 20_000;

fn per_second(count: u64, started: Instant) -> u64 {
    count * 1_000_000
        / u64::try_from(started.elapsed().as_micros())
            .unwrap_or(u64::MAX)
            .max(1)
}

fn append(connection: &mut AnyConnection, transactions: u64, per_transaction: u64) {
    for transaction in 0..transactions {
        store::write_transaction(connection, |connection, log| {
            for entry in 0..per_transaction {
                let code = format!("bench-{transaction}-{entry}");
                let entry = Entry::BasinCreated(BasinCreated {
                    code: Code::parse(&code).expect("a bench code"),
                    name: "基准".into(),
                    created_at: "2026-01-01T00:00:00Z".into(),
                });
                log.append(connection, "2026-01-01T00:00:00Z", &entry)?;
            }
            Ok(())
        })
        .expect("append");
    }
}

fn main() {
    let leaf = [7_u8; 200];
    let started = Instant::now();
    let mut digest = [0_u8; 32];
    for _ in 0..HASHES {
        digest = Sha256::new()
            .chain_update(digest)
            .chain_update(leaf)
            .finalize()
            .into();
    }
    let sha256_rate = per_second(HASHES, started);
    std::hint::black_box(digest);

    let key = SigningKey::from_bytes(&[3_u8; 32]);
    let signature = key.sign(b"basin-ledger/settlement/v1\n");
    let public_key = key.verifying_key();
    let started = Instant::now();
    for _ in 0..SIGNATURES {
        public_key
            .verify(b"basin-ledger/settlement/v1\n", &signature)
            .expect("verifies");
    }
    let ed25519_rate = per_second(SIGNATURES, started);

    let database = common::TestDatabase::new();
    let pool = database.pool();
    let mut connection = pool.get().unwrap();
    let started = Instant::now();
    append(&mut connection, SINGLE_APPENDS, 1);
    let single_rate = per_second(SINGLE_APPENDS, started);
    let started = Instant::now();
    append(&mut connection, BATCHED_APPENDS / 1_000, 1_000);
    let batched_rate = per_second(BATCHED_APPENDS, started);

    let size = store::export::log_size(&mut connection).unwrap();
    let hashes: Vec<_> = store::export::entries(&mut connection, 0, size)
        .unwrap()
        .into_iter()
        .map(|(_, _, hash)| basin_audit::hash::hash_from_hex(&hash).unwrap())
        .collect();
    let root = tree::root(size, &MemoryTree::from_leaf_hashes(hashes)).unwrap();
    let note = sign_checkpoint(
        &Checkpoint {
            origin: "bench/log".into(),
            size,
            root,
        },
        &key,
    )
    .unwrap();
    let bundle = bundle_from_database(
        &mut connection,
        note,
        size,
        LogKey::single("bench/log", public_key),
    )
    .unwrap();
    let started = Instant::now();
    verify_bundle(
        &bundle,
        &VerifyOptions {
            old_checkpoint: None,
        },
        &mut |_, _| {},
    )
    .expect("verifies");
    let verify_rate = per_second(size, started);

    println!(
        "audit benchmark on {} ({size} entries)",
        database.url.backend_name()
    );
    println!("  raw SHA-256 (200-byte leaves):        {sha256_rate:>10} hashes/s");
    println!("  raw Ed25519 verify:                   {ed25519_rate:>10} verifications/s");
    println!("  log append, one per transaction:      {single_rate:>10} entries/s");
    println!("  log append, 1,000 per transaction:    {batched_rate:>10} entries/s");
    println!("  verify (parse, hash, chain, tree):    {verify_rate:>10} entries/s");
}
