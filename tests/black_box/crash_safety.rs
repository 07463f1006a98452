//! Crash safety: the real server is killed with SIGKILL at arbitrary moments while reading
//! batches stream in, then restarted. Every acknowledged batch is present, no batch is
//! half-present, the log verifies, and the next append continues the chain.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use basin_audit::note::{sign_checkpoint, Checkpoint};
use basin_audit::tree::{self, MemoryTree};
use basin_ledger::export::bundle_from_database;
use basin_ledger::store::{self, AnyConnection};
use basin_ledger::verify::{verify_bundle, LogKey, VerifyOptions};
use common::server_process::ServerProcess;
use common::TestDatabase;
use diesel::prelude::*;
use ed25519_dalek::SigningKey;
use serde_json::json;

const KILLS: usize = 20;
const READINGS_PER_BATCH: usize = 50;

fn database_url_text(database: &TestDatabase) -> String {
    match &database.url {
        store::DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
        store::DatabaseUrl::Postgres(url) => url.clone(),
    }
}

fn batch(number: usize) -> serde_json::Value {
    let readings: Vec<_> = (0..READINGS_PER_BATCH)
        .map(|offset| {
            let minute = number * READINGS_PER_BATCH + offset;
            json!({"section": "gubeikou", "values": {"tp": "0.018", "nh3n": "0.27"},
                   "sampled_at": format!("2024-{:02}-{:02}T{:02}:{:02}:00Z", 1 + minute / 40_000 % 12, 1 + minute / 1440 % 28, minute / 60 % 24, minute % 60)})
        })
        .collect();
    json!({"batch_id": format!("crash-{number}"), "station": "gubeikou-auto", "readings": readings})
}

fn post(base: &str, token: &str, path: &str, body: &serde_json::Value) -> Result<u16, String> {
    match ureq::post(&format!("{base}{path}"))
        .set("Authorization", &format!("Bearer {token}"))
        .timeout(Duration::from_secs(10))
        .send_json(body.clone())
    {
        Ok(response) => Ok(response.status()),
        Err(ureq::Error::Status(status, _)) => Ok(status),
        Err(error) => Err(error.to_string()),
    }
}

/// A small deterministic generator, so a failing run can be replayed.
fn next_delay_milliseconds(state: &mut u64) -> u64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    20 + (*state >> 33) % 180
}

fn verify_log(connection: &mut AnyConnection) {
    let key = SigningKey::from_bytes(&[5_u8; 32]);
    let size = store::export::log_size(connection).unwrap();
    let hashes: Vec<_> = store::export::entries(connection, 0, size)
        .unwrap()
        .into_iter()
        .map(|(_, _, hash)| basin_audit::hash::hash_from_hex(&hash).unwrap())
        .collect();
    assert_eq!(
        hashes.len() as u64,
        size,
        "the head and the stored entries agree"
    );
    let root = tree::root(size, &MemoryTree::from_leaf_hashes(hashes)).unwrap();
    let note = sign_checkpoint(
        &Checkpoint {
            origin: "crash.test/log".into(),
            size,
            root,
        },
        &key,
    )
    .unwrap();
    let log_key = LogKey::single("crash.test/log", key.verifying_key());
    let bundle = bundle_from_database(connection, note, size, log_key).unwrap();
    verify_bundle(
        &bundle,
        &VerifyOptions {
            old_checkpoint: None,
        },
        &mut |_, _| {},
    )
    .expect("the log verifies after the crashes");
}

#[test]
fn killed_servers_lose_no_acknowledged_batch_and_leave_no_half_batch() {
    let database = TestDatabase::new();
    let url = database_url_text(&database);
    let directory = tempfile::tempdir().unwrap();
    let environment = [("DATABASE_URL", url.as_str())];
    let server = ServerProcess::start(directory.path(), &environment);
    let token = server
        .stdout_so_far()
        .iter()
        .find_map(|line| line.split("store it now): ").nth(1).map(str::to_owned))
        .expect("admin token");
    for (path, body) in [
        ("/v1/jurisdictions", json!({"code": "BJ", "name": "北京市"})),
        (
            "/v1/jurisdictions",
            json!({"code": "HE-CD", "name": "承德市"}),
        ),
        ("/v1/basins", json!({"code": "chaobai", "name": "潮白河"})),
        (
            "/v1/sections",
            json!({"code": "gubeikou", "name": "古北口", "basin": "chaobai", "river": "潮河", "water_body": "river", "target_class": "II", "upstream": "HE-CD", "downstream": "BJ"}),
        ),
        (
            "/v1/stations",
            json!({"code": "gubeikou-auto", "name": "古北口", "section": "gubeikou"}),
        ),
    ] {
        assert_eq!(post(&server.base_url, &token, path, &body), Ok(201));
    }
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut next_batch = 0_usize;
    let mut random = 20_261_129_u64;
    let mut server = Some(server);
    for _ in 0..KILLS {
        let running = server
            .take()
            .unwrap_or_else(|| ServerProcess::start(directory.path(), &environment));
        let base = running.base_url.clone();
        let token = token.clone();
        let acknowledged_by_writer = Arc::clone(&acknowledged);
        let first = next_batch;
        next_batch += 1_000;
        let writer = std::thread::spawn(move || {
            for number in first..first + 1_000 {
                match post(&base, &token, "/v1/readings", &batch(number)) {
                    Ok(201) => acknowledged_by_writer.lock().unwrap().push(number),
                    Ok(status) => panic!("batch {number} answered {status}"),
                    Err(_) => return,
                }
            }
        });
        std::thread::sleep(Duration::from_millis(next_delay_milliseconds(&mut random)));
        let mut running = running;
        running.child.kill().expect("SIGKILL");
        running.child.wait().unwrap();
        writer
            .join()
            .expect("the writer saw only 201s before the kill");
    }
    let server = ServerProcess::start(directory.path(), &environment);
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        !acknowledged.is_empty(),
        "batches were acknowledged between the kills"
    );
    eprintln!(
        "{} batches acknowledged across {KILLS} kills",
        acknowledged.len()
    );

    let pool = basin_ledger::server::open_database(&database.url).unwrap();
    let mut connection = pool.get().unwrap();
    use basin_ledger::store::schema::{reading_batches, readings};
    let counts: Vec<(String, i64)> = readings::table
        .group_by(readings::batch_id)
        .select((readings::batch_id, diesel::dsl::count_star()))
        .load(&mut connection)
        .unwrap();
    for (batch_id, count) in &counts {
        assert_eq!(
            *count as usize, READINGS_PER_BATCH,
            "batch {batch_id} is half-present"
        );
    }
    let stored: std::collections::HashSet<String> = reading_batches::table
        .select(reading_batches::batch_id)
        .load::<String>(&mut connection)
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        stored.len(),
        counts.len(),
        "every batch row has its readings and no readings lack their batch"
    );
    for number in &acknowledged {
        assert!(
            stored.contains(&format!("crash-{number}")),
            "acknowledged batch crash-{number} was lost"
        );
    }
    verify_log(&mut connection);
    // The chain continues after the last crash.
    assert_eq!(
        post(&server.base_url, &token, "/v1/readings", &batch(next_batch)),
        Ok(201)
    );
    verify_log(&mut connection);
    assert!(server.terminate());
}
