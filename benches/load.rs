//! Load run: the release server as a child process, driven with mixed traffic from worker threads
//! for a fixed time. Reports per operation: requests, throughput, p50/p99 latency, errors; and the
//! server's peak resident memory (VmHWM) and its memory at the start and end of the run.
//!
//!   cargo bench --bench load                                        # SQLite, 20 s
//!   LOAD_SECONDS=60 cargo bench --bench load
//!   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench load

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

#[path = "../tests/black_box/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::server_process::ServerProcess;
use common::TestDatabase;
use serde_json::json;

const WORKERS: usize = 4;

#[derive(Default)]
struct Samples {
    micros: Vec<u64>,
    errors: u64,
}

fn memory_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|line| line.starts_with(field))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|value| value.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[u64], per_mille: usize) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[(sorted.len() * per_mille / 1000).min(sorted.len() - 1)]
}

fn main() {
    let seconds: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(20);
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
    post(
        "/v1/jurisdictions",
        json!({"code": "HE-CD", "name": "承德市"}),
    );
    post("/v1/basins", json!({"code": "chaobai", "name": "潮白河"}));
    post(
        "/v1/sections",
        json!({"code": "gubeikou", "name": "古北口", "basin": "chaobai", "river": "潮河", "water_body": "river", "target_class": "II", "upstream": "HE-CD", "downstream": "BJ"}),
    );
    for worker in 0..WORKERS {
        post(
            "/v1/stations",
            json!({"code": format!("load-{worker}"), "name": "负载站", "section": "gubeikou"}),
        );
    }
    // A month of readings and a monthly agreement, so settlements can be previewed under load.
    let july: Vec<_> = (1..=31)
        .map(|day| json!({"section": "gubeikou", "sampled_at": format!("2025-07-{day:02}T08:00:00+08:00"), "values": {"codmn": "1.8", "nh3n": "0.12"}}))
        .collect();
    post(
        "/v1/readings",
        json!({"batch_id": "july", "station": "load-0", "readings": july}),
    );
    post(
        "/v1/agreements",
        json!({"code": "load-agreement", "name": "负载协议", "basin": "chaobai", "upstream": "HE-CD", "downstream": "BJ",
        "period": "month", "effective_from": "2025-01", "min_valid_months": 1, "components": [{"kind": "index", "section": "gubeikou", "k0": "1",
        "weights": {"codmn": "0.5", "nh3n": "0.5"}, "baseline": {"codmn": "4", "nh3n": "0.5"},
        "tiers": [{"max_p": "1", "amount_fen": 1_000_000}, {"max_p": null, "amount_fen": -1_000_000}]}]}),
    );
    let pid = server.child.id();
    let memory_at_start = memory_kib(pid, "VmRSS:");

    let samples: Arc<Mutex<BTreeMap<&'static str, Samples>>> = Arc::default();
    let memory_over_time: Arc<Mutex<Vec<u64>>> = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..WORKERS)
        .map(|worker| {
            let (base, token, samples) = (base.clone(), token.clone(), Arc::clone(&samples));
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
                let mut iteration = 0_usize;
                let mut batches_sent = 0_usize;
                while Instant::now() < deadline {
                    let (operation, request, body) = match iteration % 13 {
                        0 | 1 => {
                            let readings: Vec<_> = (0..100)
                                .map(|offset| {
                                    // Hourly readings from 2000-01-01, as an automatic station sends them.
                                    let hour = (batches_sent * 100 + offset) as i64;
                                    let at = chrono::DateTime::from_timestamp(946_684_800 + hour * 3600, 0).unwrap();
                                    json!({"section": "gubeikou", "sampled_at": at.to_rfc3339(), "values": {"tp": "0.018", "nh3n": "0.27", "do": "7.5", "codmn": "2.1"}})
                                })
                                .collect();
                            let body = json!({"batch_id": format!("load-{batches_sent}"), "station": format!("load-{worker}"), "readings": readings});
                            batches_sent += 1;
                            ("ingest 100 readings", agent.post(&format!("{base}/v1/readings")), Some(body))
                        }
                        2..=4 => ("readings page", agent.get(&format!("{base}/v1/sections/gubeikou/readings?limit=100")), None),
                        5 | 6 => ("assessment (month)", agent.get(&format!("{base}/v1/sections/gubeikou/assessment?period=2000-01")), None),
                        7 | 8 => ("registry get", agent.get(&format!("{base}/v1/sections/gubeikou")), None),
                        9 => ("healthz", agent.get(&format!("{base}/healthz")), None),
                        10 => ("inclusion proof", agent.get(&format!("{base}/v1/log/proofs/inclusion?index={}", iteration % 7)), None),
                        11 => ("checkpoint", agent.get(&format!("{base}/v1/log/checkpoint")), None),
                        _ => (
                            "settlement dry run",
                            agent.post(&format!("{base}/v1/agreements/load-agreement/settlements?dry_run=true")),
                            Some(json!({"period": "2025-07"})),
                        ),
                    };
                    let request = request.set("Authorization", &format!("Bearer {token}"));
                    let begun = Instant::now();
                    let outcome = match body {
                        Some(body) => request.send_json(body),
                        None => request.call(),
                    };
                    let micros = u64::try_from(begun.elapsed().as_micros()).unwrap_or(u64::MAX);
                    let mut samples = samples.lock().unwrap();
                    let entry = samples.entry(operation).or_default();
                    match outcome {
                        Ok(response) if response.status() < 300 => entry.micros.push(micros),
                        _ => entry.errors += 1,
                    }
                    iteration += 1;
                }
            })
        })
        .collect();
    let sampler = {
        let memory_over_time = Arc::clone(&memory_over_time);
        std::thread::spawn(move || {
            while Instant::now() < deadline {
                memory_over_time
                    .lock()
                    .unwrap()
                    .push(memory_kib(pid, "VmRSS:"));
                std::thread::sleep(Duration::from_millis(500));
            }
        })
    };
    for worker in workers {
        worker.join().unwrap();
    }
    sampler.join().unwrap();
    let elapsed_ms = started.elapsed().as_millis().max(1) as u64;
    let memory_at_end = memory_kib(pid, "VmRSS:");
    let peak = memory_kib(pid, "VmHWM:");
    println!(
        "load run on {} for {} s with {WORKERS} workers",
        database.url.backend_name(),
        seconds
    );
    println!(
        "{:<22} {:>9} {:>10} {:>10} {:>10} {:>7}",
        "operation", "requests", "per second", "p50 ms", "p99 ms", "errors"
    );
    for (operation, samples) in samples.lock().unwrap().iter_mut() {
        samples.micros.sort_unstable();
        let count = samples.micros.len() as u64;
        let p50 = percentile(&samples.micros, 500);
        let p99 = percentile(&samples.micros, 990);
        println!(
            "{operation:<22} {count:>9} {:>10} {:>7}.{:02} {:>7}.{:02} {:>7}",
            count * 1000 / elapsed_ms,
            p50 / 1000,
            p50 % 1000 / 10,
            p99 / 1000,
            p99 % 1000 / 10,
            samples.errors
        );
    }
    let over_time = memory_over_time.lock().unwrap().clone();
    let quarters: Vec<String> = (1..=4)
        .map(|quarter| {
            over_time
                .get(over_time.len() * quarter / 4 - usize::from(quarter == 4))
                .map_or("-".into(), |kib| format!("{kib}"))
        })
        .collect();
    println!("server memory: {memory_at_start} KiB at start; at each quarter of the run {} KiB; {memory_at_end} KiB at end; peak {peak} KiB", quarters.join(" / "));
    assert!(server.terminate());
}
