//! Ingest throughput: readings per second through `POST /v1/readings` in batches of 1,000
//! (HTTP handling, validation, one write transaction with the log append).
//!
//! SQLite: `cargo bench --bench ingest`
//! PostgreSQL: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench ingest`

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

#[path = "../tests/black_box/common/mod.rs"]
mod common;

use std::time::Instant;

use serde_json::{json, Value};

const READINGS_PER_BATCH: usize = 1_000;
const BATCHES: usize = 20;

fn batch(number: usize) -> Value {
    let start = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00+08:00").unwrap();
    let readings: Vec<Value> = (0..READINGS_PER_BATCH)
        .map(|offset| {
            let minute = (number * READINGS_PER_BATCH + offset) as i64;
            let sampled_at = (start + chrono::Duration::minutes(minute)).to_rfc3339();
            json!({"section": "gubeikou", "sampled_at": sampled_at,
                   "values": {"ph": "7.62", "do": "7.51", "codmn": "1.0", "nh3n": "0.270", "tp": "0.018", "tn": "3.06", "temp": "18.2", "turbidity": "4.1"}})
        })
        .collect();
    json!({"batch_id": format!("bench-{number}"), "station": "gubeikou-auto", "readings": readings})
}

fn main() {
    let system = actix_web::rt::System::new();
    system.block_on(async {
        let app = common::spawn_app().await;
        app.register_chaobai().await;
        let bodies: Vec<Vec<u8>> = (0..BATCHES)
            .map(|number| serde_json::to_vec(&batch(number)).unwrap())
            .collect();
        let token = app.admin_token.clone();
        let started = Instant::now();
        for body in bodies {
            let reply = app.post_raw("/v1/readings", Some(&token), body).await;
            assert_eq!(reply.status, 201, "{}", reply.text);
        }
        let elapsed = started.elapsed();
        let readings = (BATCHES * READINGS_PER_BATCH) as u128;
        println!(
            "ingest on {}: {} batches of {} readings (8 values each) in {} ms = {} readings/s",
            app.database.url.backend_name(),
            BATCHES,
            READINGS_PER_BATCH,
            elapsed.as_millis(),
            readings * 1_000_000 / elapsed.as_micros().max(1)
        );
    });
}
