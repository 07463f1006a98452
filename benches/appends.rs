//! Durable appends per second: one-reading batches posted by 1, 16 and 64 concurrent keep-alive
//! clients to the release server (a child process, `synchronous = FULL` on SQLite), each client
//! waiting for its 201 before it posts again. Every 201 is a committed batch and log entry, so
//! this is the rate group commit has to raise. All three rates come from the same run.
//!
//!   cargo bench --bench appends                       # SQLite, 5 s per client count
//!   APPENDS_SECONDS=20 cargo bench --bench appends
//!   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench appends

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

#[path = "../tests/black_box/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::server_process::ServerProcess;
use common::TestDatabase;
use serde_json::json;

const CLIENT_COUNTS: [usize; 3] = [1, 16, 64];
/// Each client's readings are this many seconds apart from the next client's, so no two
/// readings of the one station share a `sampled_at`.
const SECONDS_PER_CLIENT: i64 = 1_000_000;

fn main() {
    let seconds: u64 = std::env::var("APPENDS_SECONDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(5);
    let database = TestDatabase::new();
    let url = match &database.url {
        basin_ledger::store::DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
        basin_ledger::store::DatabaseUrl::Postgres(url) => url.clone(),
    };
    let directory = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(
        directory.path(),
        &[
            ("DATABASE_URL", &url),
            ("RATE_LIMIT_PER_SECOND", "1000000"),
            ("RATE_LIMIT_BURST", "1000000"),
        ],
    );
    let token = server
        .stdout_so_far()
        .iter()
        .find_map(|line| line.split("store it now): ").nth(1).map(str::to_owned))
        .expect("admin token");
    let base = server.base_url.clone();
    let post = |path: &str, body: serde_json::Value| {
        ureq::post(&format!("{base}{path}"))
            .set("Authorization", &format!("Bearer {token}"))
            .send_json(body)
            .expect(path);
    };
    post("/v1/jurisdictions", json!({"code": "BJ", "name": "北京市"}));
    post("/v1/jurisdictions", json!({"code": "HE", "name": "河北省"}));
    post("/v1/basins", json!({"code": "chaobai", "name": "潮白河"}));
    post(
        "/v1/sections",
        json!({"code": "gubeikou", "name": "古北口", "basin": "chaobai", "river": "潮河",
               "water_body": "river", "target_class": "II", "upstream": "HE", "downstream": "BJ"}),
    );
    post(
        "/v1/stations",
        json!({"code": "gubeikou-auto", "name": "古北口自动站", "section": "gubeikou"}),
    );

    let mut first_client = 0;
    for clients in CLIENT_COUNTS {
        let appended = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let workers: Vec<_> = (first_client..first_client + clients)
            .map(|client| {
                let (base, token) = (base.clone(), token.clone());
                let (appended, stop) = (Arc::clone(&appended), Arc::clone(&stop));
                std::thread::spawn(move || {
                    let agent = ureq::AgentBuilder::new().build();
                    let start = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00+08:00")
                        .unwrap()
                        + chrono::Duration::seconds(client as i64 * SECONDS_PER_CLIENT);
                    let mut number = 0_i64;
                    while !stop.load(Ordering::Relaxed) {
                        let sampled_at = (start + chrono::Duration::seconds(number)).to_rfc3339();
                        let body = json!({"batch_id": format!("c{client}-{number}"), "station": "gubeikou-auto",
                            "readings": [{"section": "gubeikou", "sampled_at": sampled_at, "values": {"ph": "7.62"}}]});
                        let response = agent
                            .post(&format!("{base}/v1/readings"))
                            .set("Authorization", &format!("Bearer {token}"))
                            .send_json(body)
                            .unwrap_or_else(|error| panic!("client {client}: {error}"));
                        assert_eq!(response.status(), 201);
                        appended.fetch_add(1, Ordering::Relaxed);
                        number += 1;
                    }
                })
            })
            .collect();
        let started = Instant::now();
        std::thread::sleep(Duration::from_secs(seconds));
        stop.store(true, Ordering::Relaxed);
        for worker in workers {
            worker.join().unwrap();
        }
        let elapsed = started.elapsed();
        let count = appended.load(Ordering::Relaxed);
        println!(
            "durable appends on {}: {clients:>2} clients, {count} one-reading batches in {} ms = {} appends/s",
            database.url.backend_name(),
            elapsed.as_millis(),
            u128::from(count) * 1_000_000 / elapsed.as_micros().max(1)
        );
        first_client += clients;
    }
    assert!(server.terminate(), "the server stops cleanly");
}
