//! The readings store at national scale, against the release server (a child process): a
//! national shape (up to 300 sections, one station each, hourly readings of 8 parameters from
//! 2021-01-01 UTC+08:00) backfilled over HTTP in 1,000-reading batches by several concurrent
//! clients, then
//! - the ingest rate (readings/s and values/s = readings × 8 / s),
//! - a month's assessment, `GET /v1/sections/{code}/assessment?period=YYYY-MM`, p50/p99 over
//!   200 requests across sections and months,
//! - a year's settlement of an agreement over 3 sections, `POST /v1/agreements/{code}/settlements`,
//!   end to end,
//! - database bytes per reading (every table with its indexes and TOAST on PostgreSQL; the file
//!   on SQLite).
//!
//!   cargo bench --bench pg_scale                                  # SQLite, 100,000 readings
//!   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench pg_scale -- 10000000
//!   PG_SCALE_CLIENTS=8 …                                          # concurrent backfill clients

#![allow(clippy::unwrap_used, clippy::expect_used)] // Bench code: a panic is how it fails.

#[path = "../tests/black_box/common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use basin_ledger::store::DatabaseUrl;
use common::server_process::ServerProcess;
use common::TestDatabase;
use serde_json::json;

const READINGS_DEFAULT: u64 = 100_000;
const READINGS_PER_BATCH: u64 = 1_000;
const VALUES_PER_READING: u64 = 8;
const SECTIONS_MAX: u64 = 300;
/// Every section holds at least a (leap) year, so the yearly settlement has complete data.
const HOURS_PER_SECTION_MIN: u64 = 8_784;
/// A backfill tool uploading a few stations at once.
const CLIENTS_DEFAULT: usize = 4;
const ASSESSMENT_REQUESTS: usize = 200;
const SETTLED_SECTIONS: usize = 3;
/// 2021-01-01T00:00:00+08:00, the first hour of every section.
const FIRST_HOUR: &str = "2020-12-31T16:00:00Z";

fn main() {
    let readings: u64 = std::env::args()
        .skip(1)
        .find_map(|argument| argument.parse().ok())
        .unwrap_or(READINGS_DEFAULT);
    let clients: usize = std::env::var("PG_SCALE_CLIENTS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(CLIENTS_DEFAULT);
    let sections = (readings / HOURS_PER_SECTION_MIN).clamp(SETTLED_SECTIONS as u64, SECTIONS_MAX);
    let hours = readings / sections;
    let database = TestDatabase::new();
    let url = match &database.url {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
        DatabaseUrl::Postgres(url) => url.clone(),
    };
    let directory = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(
        directory.path(),
        &[
            ("DATABASE_URL", &url),
            ("RATE_LIMIT_PER_SECOND", "1000000"),
            ("RATE_LIMIT_BURST", "1000000"),
            // The default publication interval: signing checkpoints is not what is measured.
            (
                "CHECKPOINT_INTERVAL_MS",
                &basin_ledger::publish::CHECKPOINT_INTERVAL_MS_DEFAULT.to_string(),
            ),
        ],
    );
    let token = server
        .stdout_so_far()
        .iter()
        .find_map(|line| line.split("store it now): ").nth(1).map(str::to_owned))
        .expect("admin token");
    let base = server.base_url.clone();
    println!(
        "pg_scale on {}: {sections} sections × {hours} hourly readings = {} readings, {clients} clients",
        database.url.backend_name(),
        sections * hours
    );
    register(&base, &token, sections);

    let started = Instant::now();
    backfill(&base, &token, sections, hours, clients);
    let seconds = started.elapsed().as_secs_f64();
    let stored = sections * hours;
    let mut table = vec![format!(
        "ingest ({clients} clients, {READINGS_PER_BATCH}-reading batches)   {:>9.0} readings/s = {:>9.0} values/s  (goal ≥ 500,000 values/s; {stored} readings in {seconds:.1} s)",
        stored as f64 / seconds,
        (stored * VALUES_PER_READING) as f64 / seconds
    )];
    analyze(&database.url);
    let (p50, p99) = month_assessments(&base, &token, sections, hours);
    table.push(format!(
        "month assessment ({ASSESSMENT_REQUESTS} requests)        p50 {:>7.1} ms   p99 {:>7.1} ms  (goal p99 ≤ 50 ms)",
        millis(p50),
        millis(p99)
    ));
    if hours >= HOURS_PER_SECTION_MIN {
        let (settle, rows) = year_settlement(&base, &token);
        table.push(format!(
            "year settlement, {SETTLED_SECTIONS} sections ({rows} readings) {:>9.0} ms  (goal ≤ 2,000 ms)",
            millis(settle)
        ));
    }
    let (bytes, breakdown) = database_bytes(&database.url);
    table.push(format!(
        "database bytes per reading                 {:>9.0} B  ({:.2} GB in all; {breakdown})",
        bytes as f64 / stored as f64,
        bytes as f64 / 1e9
    ));
    println!();
    for line in table {
        println!("  {line}");
    }
    assert!(server.terminate(), "the server stops cleanly");
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn section_code(number: u64) -> String {
    format!("s{number:03}")
}

fn post(agent: &ureq::Agent, base: &str, token: &str, path: &str, body: &serde_json::Value) {
    agent
        .post(&format!("{base}{path}"))
        .set("Authorization", &format!("Bearer {token}"))
        .send_json(body)
        .unwrap_or_else(|error| panic!("POST {path}: {error}"));
}

/// Two jurisdictions, one basin, the sections with a station each, and a yearly agreement over
/// the first three sections (the evaluation bench's components).
fn register(base: &str, token: &str, sections: u64) {
    let agent = ureq::AgentBuilder::new().build();
    post(
        &agent,
        base,
        token,
        "/v1/jurisdictions",
        &json!({"code": "UP", "name": "upstream"}),
    );
    post(
        &agent,
        base,
        token,
        "/v1/jurisdictions",
        &json!({"code": "DOWN", "name": "downstream"}),
    );
    post(
        &agent,
        base,
        token,
        "/v1/basins",
        &json!({"code": "national", "name": "national"}),
    );
    for number in 0..sections {
        let code = section_code(number);
        post(
            &agent,
            base,
            token,
            "/v1/sections",
            &json!({"code": code, "name": code, "basin": "national", "river": "river",
                    "water_body": "river", "target_class": "III", "upstream": "UP", "downstream": "DOWN"}),
        );
        post(
            &agent,
            base,
            token,
            "/v1/stations",
            &json!({"code": format!("{code}-auto"), "name": code, "section": code}),
        );
    }
    post(
        &agent,
        base,
        token,
        "/v1/agreements",
        &json!({
            "code": "national-yearly", "name": "national", "basin": "national", "upstream": "UP", "downstream": "DOWN",
            "period": "year", "effective_from": "2021", "min_valid_months": 12,
            "components": [
                {"kind": "index", "section": section_code(0), "k0": "0.85",
                 "weights": {"codmn": "0.25", "nh3n": "0.25", "tp": "0.25", "tn": "0.25"},
                 "baseline": {"codmn": "4", "nh3n": "0.5", "tp": "0.1", "tn": "1.0"},
                 "tiers": [{"max_p": "1", "amount_fen": 100_000_000}, {"max_p": null, "amount_fen": -100_000_000}]},
                {"kind": "class_steps", "section": section_code(1), "parameters": ["codmn", "nh3n", "tp"],
                 "rate_worse_fen": 30_000_000, "rate_worse_mild_fen": 15_000_000, "inflow_section": section_code(0)},
                {"kind": "threshold", "section": section_code(2), "parameter": "tn", "limit": "4.10", "monthly_limit": "6",
                 "amount_if_met_fen": 10_000_000, "amount_if_failed_fen": -10_000_000},
                {"kind": "attainment", "section": section_code(2), "target_class": "III", "threshold": "0.8",
                 "amount_if_met_fen": 5_000_000, "amount_if_failed_fen": -5_000_000}
            ]
        }),
    );
}

/// A small deterministic generator, so every run stores the same values.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound.max(1)
    }
}

/// Batch `number` of a section's station: hours `[number × 1000, …)` after the first hour, as a
/// station posts it (values as decimal strings, keys sorted as the batch rules store them).
fn batch_body(section: u64, number: u64, hours: u64) -> String {
    let code = section_code(section);
    let first = chrono::DateTime::parse_from_rfc3339(FIRST_HOUR).unwrap();
    let mut random = Lcg(section * 1_000_003 + number);
    let mut body =
        format!(r#"{{"batch_id":"{code}-backfill-{number}","station":"{code}-auto","readings":["#);
    let start = number * READINGS_PER_BATCH;
    for hour in start..(start + READINGS_PER_BATCH).min(hours) {
        if hour > start {
            body.push(',');
        }
        let sampled_at = (first + chrono::Duration::hours(hour as i64))
            .with_timezone(&chrono::Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        write!(
            body,
            r#"{{"section":"{code}","sampled_at":"{sampled_at}","values":{{"codmn":"{}.{}","do":"{}.{:02}","nh3n":"0.{:03}","ph":"7.{:02}","temp":"{}.{}","tn":"{}.{:02}","tp":"0.{:03}","turbidity":"{}.{}"}}}}"#,
            1 + random.below(6),
            random.below(10),
            5 + random.below(5),
            random.below(100),
            50 + random.below(900),
            random.below(100),
            2 + random.below(25),
            random.below(10),
            1 + random.below(6),
            random.below(100),
            10 + random.below(200),
            random.below(30),
            random.below(10),
        )
        .unwrap();
    }
    body.push_str("]}");
    body
}

/// Every client takes every `clients`-th section and posts their batches round-robin, so time
/// advances across its stations together, as a national backfill would.
fn backfill(base: &str, token: &str, sections: u64, hours: u64, clients: usize) {
    let batches_per_section = hours.div_ceil(READINGS_PER_BATCH);
    let total = sections * batches_per_section;
    let posted = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients as u64)
        .map(|client| {
            let (base, token, posted) = (base.to_owned(), token.to_owned(), Arc::clone(&posted));
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new().build();
                let mine: Vec<u64> = (client..sections).step_by(clients).collect();
                for number in 0..batches_per_section {
                    for &section in &mine {
                        let body = batch_body(section, number, hours);
                        let response = agent
                            .post(&format!("{base}/v1/readings"))
                            .set("Authorization", &format!("Bearer {token}"))
                            .set("Content-Type", "application/json")
                            .send_string(&body)
                            .unwrap_or_else(|error| panic!("batch {section}/{number}: {error}"));
                        assert_eq!(response.status(), 201);
                        let done = posted.fetch_add(1, Ordering::Relaxed) + 1;
                        if done % 1_000 == 0 {
                            let seconds = started.elapsed().as_secs_f64();
                            println!(
                                "  {done}/{total} batches in {seconds:.0} s = {:.0} values/s",
                                (done * READINGS_PER_BATCH * VALUES_PER_READING) as f64 / seconds
                            );
                        }
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
}

/// Fresh planner statistics after the bulk load, as autovacuum would gather them shortly after.
fn analyze(url: &DatabaseUrl) {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    match url {
        DatabaseUrl::Postgres(url) => diesel::PgConnection::establish(url)
            .unwrap()
            .batch_execute("ANALYZE")
            .unwrap(),
        DatabaseUrl::Sqlite(path) => diesel::SqliteConnection::establish(path)
            .unwrap()
            .batch_execute("ANALYZE")
            .unwrap(),
    }
}

fn month_assessments(base: &str, token: &str, sections: u64, hours: u64) -> (Duration, Duration) {
    let agent = ureq::AgentBuilder::new().build();
    let months = (hours / (24 * 31)).max(1);
    let mut random = Lcg(7);
    let mut times: Vec<Duration> = (0..ASSESSMENT_REQUESTS)
        .map(|_| {
            let section = section_code(random.below(sections));
            let month = random.below(months);
            let period = format!("{}-{:02}", 2021 + month / 12, 1 + month % 12);
            let started = Instant::now();
            let response = agent
                .get(&format!(
                    "{base}/v1/sections/{section}/assessment?period={period}"
                ))
                .set("Authorization", &format!("Bearer {token}"))
                .call()
                .unwrap_or_else(|error| panic!("assessment {section} {period}: {error}"));
            let body: serde_json::Value = response.into_json().unwrap();
            let elapsed = started.elapsed();
            assert!(
                body["class"].is_string(),
                "{section} {period} has data: {body}"
            );
            elapsed
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[times.len() * 99 / 100])
}

/// Issues the 2021 settlement (stored and logged) and returns its time and readings counted.
fn year_settlement(base: &str, token: &str) -> (Duration, u64) {
    let agent = ureq::AgentBuilder::new().build();
    let started = Instant::now();
    let response = agent
        .post(&format!("{base}/v1/agreements/national-yearly/settlements"))
        .set("Authorization", &format!("Bearer {token}"))
        .send_json(json!({"period": "2021"}))
        .unwrap_or_else(|error| panic!("settlement: {error}"));
    let body: serde_json::Value = response.into_json().unwrap();
    let elapsed = started.elapsed();
    let rows = body["inputs"]["reading_count"]
        .as_u64()
        .expect("reading_count");
    (elapsed, rows)
}

/// The database's size in bytes, with where it goes.
fn database_bytes(url: &DatabaseUrl) -> (u64, String) {
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Text};
    match url {
        DatabaseUrl::Postgres(url) => {
            #[derive(QueryableByName)]
            struct TableSize {
                #[diesel(sql_type = Text)]
                name: String,
                #[diesel(sql_type = BigInt)]
                bytes: i64,
            }
            let mut connection = diesel::PgConnection::establish(url).unwrap();
            let sizes: Vec<TableSize> = diesel::sql_query(
                "SELECT c.relname::text AS name, pg_total_relation_size(c.oid)::bigint AS bytes \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY bytes DESC",
            )
            .load(&mut connection)
            .unwrap();
            let total = sizes.iter().map(|size| size.bytes as u64).sum();
            let breakdown = sizes
                .iter()
                .take(3)
                .map(|size| format!("{} {:.2} GB", size.name, size.bytes as f64 / 1e9))
                .collect::<Vec<_>>()
                .join(", ");
            (total, breakdown)
        }
        DatabaseUrl::Sqlite(path) => {
            let file = |suffix: &str| {
                std::fs::metadata(format!("{path}{suffix}")).map_or(0, |metadata| metadata.len())
            };
            let (main, wal) = (file(""), file("-wal"));
            (main + wal, format!("file {main} B, WAL {wal} B"))
        }
    }
}
