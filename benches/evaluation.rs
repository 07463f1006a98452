//! Evaluation against storage: a year of hourly readings (8,760 × 8 parameters) at 3 sections,
//! settled by a yearly agreement with an index, class steps with an inflow section, a threshold and
//! an attainment component. Times reading the counted rows from the database, the pure evaluation
//! (statistics and rules), the readings digest alone, the whole document assembly (parsing the
//! literal values, evaluation, readings digest, document hash) and a dry-run issue end to end.
//! The row read and the dry run are timed in turn in one loop, and their ratio printed: the
//! fastest of each, with the machine in the same state for both.
//!
//! SQLite: `cargo bench --bench evaluation`
//! PostgreSQL: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench evaluation`
//! Runs per measurement: `EVALUATION_REPEATS=20 …` (default 5). Hourly one-reading batches
//! instead of one batch per section: `EVALUATION_READINGS_PER_BATCH=1 …`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

#[path = "../tests/black_box/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use basin_audit::canonical::canonical_json;
use basin_domain::agreement::{validate, AgreementTerms};
use basin_domain::evaluation::{evaluate, EvaluationInput};
use basin_domain::statistics::ReadingForStatistics;
use basin_domain::{Code, ParameterCode, Period};
use basin_ledger::api::agreements::{prepare_agreement, NewAgreement};
use basin_ledger::model::registry::{Basin, Jurisdiction, Section, Station};
use basin_ledger::store::readings::{
    ingest_batch, readings_in_period, NewBatch, NewReading, ReadingStatus,
};
use basin_ledger::store::settlements::{preview, IssueRequest};
use basin_ledger::store::{self, agreements, registry, AnyConnection};
use basin_ledger_core::settlement::document::{
    assemble, readings_digest, sha256_hex, DocumentInputs, InputReading, UsedReading,
};
use rust_decimal::Decimal;
use serde_json::json;

const SECTIONS: [&str; 3] = ["upper", "middle", "lower"];
const HOURS: usize = 8_760;
/// Runs per measurement (the fastest is reported); `EVALUATION_REPEATS` overrides it.
const REPEATS_DEFAULT: usize = 5;
const CREATED_AT: &str = "2025-01-01T00:00:00Z";

fn main() {
    let database = common::TestDatabase::new();
    let pool = database.pool();
    let mut connection = pool.get().expect("connection");
    let started = Instant::now();
    seed(&mut connection);
    println!(
        "evaluation bench on {}: seeded {} readings in {:.1} s",
        database.url.backend_name(),
        HOURS * SECTIONS.len(),
        started.elapsed().as_secs_f64()
    );
    let period = Period::parse("2024").expect("period");
    let section_codes: Vec<String> = SECTIONS.iter().map(|code| (*code).to_owned()).collect();
    let (start, end) = (
        basin_ledger::model::time::utc_text(period.start_utc()),
        basin_ledger::model::time::utc_text(period.end_utc()),
    );

    let rows =
        readings_in_period(&mut connection, &section_codes, &start, &end, true).expect("rows");
    let used: Vec<UsedReading> = rows
        .iter()
        .map(|row| UsedReading {
            id: row.id,
            section: row.section.clone(),
            sampled_at: row.sampled_at.clone(),
            values: serde_json::from_str(&row.values_json).expect("values"),
        })
        .collect();
    let facts = agreements::basin_section_facts(&mut connection, "bench").expect("facts");
    let version = agreements::get_version(&mut connection, "bench-yearly", 1).expect("version");
    let terms: AgreementTerms = AgreementTerms {
        period: basin_domain::PeriodKind::Year,
        min_valid_months: Some(12),
        below_detection: None,
        components: serde_json::from_value(version.version.components.clone()).expect("components"),
    };
    let valid = validate(&terms, |code| facts.get(code).copied()).expect("valid terms");

    let (evaluate_time, evaluation) = fastest(|| {
        let mut readings: BTreeMap<Code, Vec<ReadingForStatistics>> = BTreeMap::new();
        for reading in &used {
            readings
                .entry(Code::parse(&reading.section).expect("code"))
                .or_default()
                .push(for_statistics(reading));
        }
        evaluate(EvaluationInput {
            terms: valid.clone(),
            period,
            sections: facts.clone(),
            readings,
        })
        .expect("evaluates")
    });
    let (digest_time, digest) = fastest(|| readings_digest(&used).expect("digest"));
    let (value_digest_time, value_digest) = fastest(|| digest_through_json_values(&used));
    assert_eq!(
        digest, value_digest,
        "the streaming digest must equal JCS over JSON values"
    );
    let digest_bytes = canonical_json(&readings_as_values(&used))
        .expect("JCS")
        .len();
    // The readings are moved into the assembly: clone them before the clock starts.
    let mut copies: Vec<Vec<UsedReading>> = (0..repeats()).map(|_| used.clone()).collect();
    let (assemble_time, document) = fastest(|| {
        let readings = copies
            .pop()
            .expect("a copy per run")
            .into_iter()
            .map(|reading| InputReading::try_from(reading).expect("a stored reading"))
            .collect();
        assemble(DocumentInputs {
            id: "1".into(),
            agreement: "bench-yearly".into(),
            agreement_version: 1,
            upstream: Code::parse("UP").expect("code"),
            downstream: Code::parse("DOWN").expect("code"),
            terms: valid.clone(),
            sections: facts.clone(),
            period,
            readings,
            issued_at: chrono::Utc::now(),
            supersedes: None,
        })
        .expect("assembles")
    });
    let request = IssueRequest {
        agreement: "bench-yearly".into(),
        period,
        supersedes: None,
    };
    // The acceptance ratio: reading the rows and the dry run, run in turn in one loop so that
    // both see the machine in the same state.
    let (mut read_time, mut dry_run_time) = (Duration::MAX, Duration::MAX);
    for _ in 0..repeats() {
        let started = Instant::now();
        let read =
            readings_in_period(&mut connection, &section_codes, &start, &end, true).expect("rows");
        read_time = read_time.min(started.elapsed());
        assert_eq!(read.len(), rows.len());
        drop(read);
        let started = Instant::now();
        preview(&mut connection, &request, chrono::Utc::now()).expect("preview");
        dry_run_time = dry_run_time.min(started.elapsed());
    }
    println!(
        "  {} rows, net {} fen; best of {}:",
        rows.len(),
        evaluation.net_fen.as_i64(),
        repeats()
    );
    println!(
        "  read counted rows from the database   {:>8.1} ms",
        millis(read_time)
    );
    println!(
        "  evaluate (statistics and rules)       {:>8.1} ms",
        millis(evaluate_time)
    );
    println!(
        "  readings digest (RFC 8785 + SHA-256)  {:>8.1} ms  ({} KiB of JCS)",
        millis(digest_time),
        digest_bytes / 1024
    );
    println!(
        "    the same through JSON values         {:>8.1} ms",
        millis(value_digest_time)
    );
    let raw = vec![0_u8; digest_bytes];
    let (sha_time, _) = fastest(|| sha256_hex(&raw));
    println!(
        "    SHA-256 alone over as many bytes     {:>8.1} ms",
        millis(sha_time)
    );
    println!(
        "  assemble document (+ digests, {} KiB) {:>8.1} ms",
        document.canonical_text.len() / 1024,
        millis(assemble_time)
    );
    println!(
        "  dry-run issue end to end              {:>8.1} ms  ({:.2}× reading the rows)",
        millis(dry_run_time),
        dry_run_time.as_secs_f64() / read_time.as_secs_f64()
    );
}

/// The readings as the JSON values the contract describes (the way the digest was computed
/// before it was streamed), sorted as the digest sorts them.
fn readings_as_values(readings: &[UsedReading]) -> serde_json::Value {
    let mut sorted: Vec<&UsedReading> = readings.iter().collect();
    sorted
        .sort_by(|a, b| (&a.section, &a.sampled_at, a.id).cmp(&(&b.section, &b.sampled_at, b.id)));
    serde_json::Value::Array(
        sorted
            .iter()
            .map(|r| json!({"id": r.id, "section": r.section, "sampled_at": r.sampled_at, "values": r.values}))
            .collect(),
    )
}

fn digest_through_json_values(readings: &[UsedReading]) -> String {
    sha256_hex(&canonical_json(&readings_as_values(readings)).expect("JCS"))
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// Readings per posted batch: a year's in one batch per section unless
/// `EVALUATION_READINGS_PER_BATCH` says otherwise (1: a station posting every hour).
fn readings_per_batch() -> usize {
    std::env::var("EVALUATION_READINGS_PER_BATCH")
        .ok()
        .and_then(|text| text.parse().ok())
        .filter(|readings| *readings > 0)
        .unwrap_or(HOURS)
}

/// The batch exactly as a station would post it: settlements check every counted row against
/// these bytes.
fn posted_body(station: &str, readings: &[NewReading]) -> Vec<u8> {
    let posted: Vec<serde_json::Value> = readings
        .iter()
        .map(|reading| {
            let values: serde_json::Value =
                serde_json::from_str(&reading.values_json).expect("values");
            json!({"section": reading.section, "sampled_at": reading.sampled_at, "values": values})
        })
        .collect();
    serde_json::to_vec(
        &json!({"batch_id": readings[0].sampled_at, "station": station, "readings": posted}),
    )
    .expect("body")
}

fn repeats() -> usize {
    std::env::var("EVALUATION_REPEATS")
        .ok()
        .and_then(|text| text.parse().ok())
        .filter(|repeats| *repeats > 0)
        .unwrap_or(REPEATS_DEFAULT)
}

/// The fastest of [`repeats`] runs and the last result.
fn fastest<T>(mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut result = None;
    for _ in 0..repeats() {
        let started = Instant::now();
        let value = work();
        best = best.min(started.elapsed());
        result = Some(value);
    }
    (best, result.expect("at least one run"))
}

fn for_statistics(reading: &UsedReading) -> ReadingForStatistics {
    ReadingForStatistics {
        id: reading.id,
        sampled_at: chrono::DateTime::parse_from_rfc3339(&reading.sampled_at)
            .expect("time")
            .with_timezone(&chrono::Utc),
        values: reading
            .values
            .iter()
            .map(|(code, text)| {
                (
                    ParameterCode::parse(code).expect("parameter"),
                    Decimal::from_str_exact(text).expect("decimal").into(),
                )
            })
            .collect(),
        flags: BTreeMap::new(),
    }
}

/// A deterministic generator, so every run measures the same data.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, modulo: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % modulo
    }
}

fn seed(connection: &mut AnyConnection) {
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
        registry::create_basin(
            connection,
            log,
            &Basin {
                code: "bench".into(),
                name: "bench".into(),
                created_at: CREATED_AT.into(),
            },
        )?;
        for code in SECTIONS {
            let section = Section {
                code: code.into(),
                name: code.into(),
                basin: "bench".into(),
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
                code: format!("{code}-auto"),
                name: code.into(),
                section: code.into(),
                public_key: None,
                key_id: None,
                keys: Vec::new(),
                created_at: CREATED_AT.into(),
            };
            registry::create_station(connection, log, &station)?;
        }
        Ok(())
    })
    .expect("registry");
    let mut random = Lcg(2024);
    let first_hour =
        chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00+08:00").expect("time");
    for code in SECTIONS {
        let readings: Vec<NewReading> = (0..HOURS)
            .map(|hour| {
                let sampled_at = first_hour + chrono::Duration::hours(hour as i64);
                let values = json!({
                    "ph": format!("7.{:02}", random.next(100)),
                    "do": format!("{}.{:02}", 5 + random.next(5), random.next(100)),
                    "codmn": format!("{}.{}", 1 + random.next(6), random.next(10)),
                    "nh3n": format!("0.{:03}", 50 + random.next(900)),
                    "tp": format!("0.{:03}", 10 + random.next(200)),
                    "tn": format!("{}.{:02}", 1 + random.next(6), random.next(100)),
                    "temp": format!("{}.{}", 2 + random.next(25), random.next(10)),
                    "turbidity": format!("{}.{}", random.next(30), random.next(10)),
                });
                NewReading {
                    section: code.into(),
                    sampled_at: basin_ledger::model::time::utc_text(
                        sampled_at.with_timezone(&chrono::Utc),
                    ),
                    // Keys sorted, as the batch rules store them.
                    values_json: serde_json::to_string(
                        &serde_json::from_value::<BTreeMap<String, String>>(values)
                            .expect("values"),
                    )
                    .expect("values"),
                    flags_json: None,
                    status: ReadingStatus::Valid,
                    reason: None,
                    revises: None,
                }
            })
            .collect();
        let station = format!("{code}-auto");
        let per_batch = readings_per_batch();
        let mut readings = readings.into_iter().peekable();
        let mut batches = Vec::new();
        while readings.peek().is_some() {
            let batch: Vec<NewReading> = readings.by_ref().take(per_batch).collect();
            let batch_id = batch[0].sampled_at.clone();
            batches.push((batch_id, posted_body(&station, &batch), batch));
        }
        // A section's batches in one transaction: seeding is not what is measured.
        store::write_transaction(connection, |connection, log| {
            for (batch_id, body, readings) in batches {
                ingest_batch(
                    connection,
                    log,
                    NewBatch {
                        key_id: None,
                        station: &station,
                        batch_id: &batch_id,
                        body: &body,
                        body_sha256: &sha256_hex(&body),
                        signature: None,
                        received_at: CREATED_AT,
                        readings,
                    },
                )?;
            }
            Ok(())
        })
        .expect("readings");
    }
    let request: NewAgreement = serde_json::from_value(json!({
        "code": "bench-yearly", "name": "bench", "basin": "bench", "upstream": "UP", "downstream": "DOWN",
        "period": "year", "effective_from": "2024",
        "components": [
            {"kind": "index", "section": "upper", "k0": "0.85",
             "weights": {"codmn": "0.25", "nh3n": "0.25", "tp": "0.25", "tn": "0.25"},
             "baseline": {"codmn": "4", "nh3n": "0.5", "tp": "0.1", "tn": "1.0"},
             "tiers": [{"max_p": "1", "amount_fen": 100_000_000}, {"max_p": null, "amount_fen": -100_000_000}]},
            {"kind": "class_steps", "section": "middle", "parameters": ["codmn", "nh3n", "tp"],
             "rate_worse_fen": 30_000_000, "rate_worse_mild_fen": 15_000_000, "inflow_section": "upper"},
            {"kind": "threshold", "section": "lower", "parameter": "tn", "limit": "4.10", "monthly_limit": "6",
             "amount_if_met_fen": 10_000_000, "amount_if_failed_fen": -10_000_000},
            {"kind": "attainment", "section": "lower", "target_class": "III", "threshold": "0.8",
             "amount_if_met_fen": 5_000_000, "amount_if_failed_fen": -5_000_000}
        ]
    }))
    .expect("agreement body");
    let version =
        prepare_agreement(connection, &request, chrono::Utc::now()).expect("valid agreement");
    store::write_transaction(connection, |connection, log| {
        agreements::create_agreement(connection, log, &version)
    })
    .expect("agreement");
}
