//! Two server processes (the real binary) on one PostgreSQL database, written to concurrently,
//! keep one log: contiguous, chained, and committed to by every checkpoint either server
//! signed meanwhile, all with the one ledger key.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use basin_ledger::model::access::Role;
use basin_ledger::store::DatabaseUrl;
use basin_ledger::tokens::create_token;
use common::audit::{
    postgres_url_or_skip, published_log_key, verify_checkpoint_covers, verify_entries,
};
use common::publication::checkpoint_covering_over_http;
use common::server_process::ServerProcess;
use common::TestDatabase;
use serde_json::{json, Value};

const WRITERS: usize = 4;
const WRITES_PER_WRITER: usize = 8;

fn get_json(url: &str, token: &str) -> Value {
    ureq::get(url)
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap_or_else(|error| panic!("GET {url}: {error}"))
        .into_json()
        .expect("JSON")
}

/// The published checkpoint, once there is one.
fn checkpoint(server: &str) -> Option<String> {
    match ureq::get(&format!("{server}/v1/log/checkpoint")).call() {
        Ok(response) => Some(response.into_string().expect("text")),
        Err(ureq::Error::Status(503, _)) => None,
        Err(error) => panic!("checkpoint: {error}"),
    }
}

#[test]
fn two_servers_on_one_postgresql_database_keep_one_contiguous_verifiable_log() {
    let Some(base_url) = postgres_url_or_skip("two servers sharing one database") else {
        return;
    };
    let database = TestDatabase::postgres(&base_url);
    let pool = database.pool();
    let token = create_token(
        &mut pool.get().unwrap(),
        Role::Admin,
        None,
        Some("test"),
        chrono::Utc::now(),
    )
    .unwrap();
    let DatabaseUrl::Postgres(url) = &database.url else {
        panic!("a PostgreSQL test database")
    };
    // One directory, so the second server reads the key file the first one created.
    let directory = tempfile::tempdir().unwrap();
    // Both publish (every 20 ms here): they must never sign two notes for one size.
    let environment = [
        ("DATABASE_URL", url.as_str()),
        ("CHECKPOINT_INTERVAL_MS", "20"),
    ];
    let first = ServerProcess::start(directory.path(), &environment);
    let second = ServerProcess::start(directory.path(), &environment);
    let servers = [first.base_url.clone(), second.base_url.clone()];

    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let (servers, token) = (servers.clone(), token.clone());
            std::thread::spawn(move || {
                for number in 0..WRITES_PER_WRITER {
                    let server = &servers[(writer + number) % 2];
                    let response = ureq::post(&format!("{server}/v1/basins"))
                        .set("Authorization", &format!("Bearer {token}"))
                        .send_json(json!({"code": format!("w{writer}-{number}"), "name": "流域"}))
                        .unwrap_or_else(|error| panic!("writer {writer} write {number}: {error}"));
                    assert_eq!(response.status(), 201);
                }
            })
        })
        .collect();
    // Meanwhile both servers publish checkpoints of whatever size the log has reached.
    let writing = Arc::new(AtomicBool::new(true));
    let reader = {
        let (servers, writing) = (servers.clone(), writing.clone());
        std::thread::spawn(move || {
            let mut notes = Vec::new();
            while writing.load(Ordering::SeqCst) {
                notes.extend(servers.iter().filter_map(|server| checkpoint(server)));
                // Leaves the two shared cores mostly to the writers.
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            notes
        })
    };
    for writer in writers {
        writer.join().expect("writer thread");
    }
    writing.store(false, Ordering::SeqCst);
    let notes = reader.join().expect("reader thread");

    let mut items: Vec<Value> = Vec::new();
    let mut path = format!("{}/v1/log/entries?limit=10", servers[0]);
    loop {
        let page = get_json(&path, &token);
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("{}/v1/log/entries?limit=10&cursor={cursor}", servers[0])
            }
            None => break,
        }
    }
    let leaf_hashes = verify_entries(&items);
    let published: Vec<String> = servers
        .iter()
        .map(|server| checkpoint_covering_over_http(server, leaf_hashes.len() as u64))
        .collect();
    assert_eq!(published[0], published[1], "one note for the final size");
    assert_eq!(
        leaf_hashes.len(),
        WRITERS * WRITES_PER_WRITER,
        "one entry per write, no gaps"
    );

    let keys: Vec<Value> = servers
        .iter()
        .map(|server| get_json(&format!("{server}/v1/keys"), &token))
        .collect();
    assert_eq!(keys[0], keys[1], "both servers publish the one ledger key");
    let (origin, public_key) = published_log_key(&keys[0]);
    assert!(
        notes.len() >= 2,
        "checkpoints were signed during the writes"
    );
    for note in notes.iter().chain(published.iter()) {
        verify_checkpoint_covers(note, &origin, &public_key, &leaf_hashes);
    }
    let last = leaf_hashes.len() - 1;
    let proof = get_json(
        &format!("{}/v1/log/proofs/inclusion?index={last}", servers[1]),
        &token,
    );
    assert_eq!(proof["leaf_hash"], hex::encode(leaf_hashes[last]));
    assert_eq!(proof["checkpoint"], published[0].as_str());
    assert!(first.terminate() && second.terminate());
}
