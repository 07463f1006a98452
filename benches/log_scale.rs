//! The log at scale, on SQLite, against the release server: the demo ledger (whose settlements
//! come first in the log) grown by signed one-reading batches written straight through the
//! store, then at 10k, 100k and 1M entries (those up to the size asked for, and that size):
//! - the log build rate,
//! - hash tile, entry bundle and inclusion proof latency p50/p99 (random positions),
//! - `GET /v1/settlements/{id}/verification` latency p50/p99 (every demo settlement in turn);
//!
//! and at the largest size `verify --url --state` three times: the whole log, then after 1,000
//! more entries, then after 10,000 more (the incremental verify of the last 10,000 entries).
//!
//!   cargo bench --bench log_scale                 # 20,000 entries (CI)
//!   nice -n 10 cargo bench --bench log_scale -- 1000000

#![allow(clippy::unwrap_used, clippy::expect_used)] // Bench code: a panic is how it fails.

#[path = "../tests/black_box/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use basin_audit::tile::TileIndex;
use basin_ledger::ledger_key::{LedgerKey, LOG_ORIGIN_DEFAULT};
use basin_ledger::model::access::Role;
use basin_ledger::store::{DatabaseUrl, Pool};
use basin_ledger::tokens::create_token;
use common::checkpoints::wait_for_checkpoint;
use common::server_process::ServerProcess;
use common::signed_ledger::{append_signed_batches, log_size, register_signing_station};

const ENTRIES_DEFAULT: u64 = 20_000;
const MEASURED_SIZES: [u64; 3] = [10_000, 100_000, 1_000_000];
const REQUESTS_PER_MEASURE: usize = 400;
const MORE_ENTRIES: [u64; 2] = [1_000, 10_000];

fn main() {
    let entries: u64 = std::env::args()
        .skip(1)
        .find_map(|argument| argument.parse().ok())
        .unwrap_or(ENTRIES_DEFAULT);
    let folder = tempfile::tempdir().unwrap();
    let database = folder.path().join("ledger.db");
    let url = DatabaseUrl::Sqlite(database.to_string_lossy().into_owned());
    let pool = basin_ledger::server::open_database(&url).unwrap();
    let key_path = folder.path().join("basin-ledger.key");
    let (key, _) = LedgerKey::load_or_create(&key_path, LOG_ORIGIN_DEFAULT).unwrap();
    basin_ledger::server::register_ledger_key(&pool, &key).unwrap();
    let now = chrono::Utc::now();
    let (settlements, token) = {
        let mut connection = pool.get().unwrap();
        let summary = basin_ledger::demo::setup(&mut connection, &key, now).unwrap();
        register_signing_station(&mut connection);
        let token = create_token(&mut connection, Role::Auditor, None, Some("bench"), now);
        (summary.settlements.len() as i64, token.unwrap())
    };
    let demo_entries = log_size(&pool);
    println!("demo ledger: {demo_entries} entries, {settlements} settlements");

    let mut sizes: Vec<u64> = MEASURED_SIZES
        .into_iter()
        .filter(|size| *size < entries)
        .collect();
    sizes.push(entries);
    let mut batches = 0;
    for size in sizes {
        let added = size.saturating_sub(log_size(&pool));
        let started = Instant::now();
        append_signed_batches(&pool, batches..batches + added);
        batches += added;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "\n{size} entries: built {added} batches in {seconds:.1} s = {:.0} entries/s; database {:.0} MB",
            added as f64 / seconds.max(1e-9),
            std::fs::metadata(&database).unwrap().len() as f64 / 1e6
        );
        let server = serve(folder.path(), &database, false);
        let published = log_size(&pool);
        wait_for_checkpoint(&server.base_url, published);
        measure_reads(&server.base_url, &token, published, settlements);
        server.terminate();
        if size == entries {
            let server = serve(folder.path(), &database, true);
            wait_for_checkpoint(&server.base_url, published);
            measure_verify(folder.path(), &server.base_url, &token, &pool, &mut batches);
            server.terminate();
        }
    }
}

/// The release server on the ledger; reads are measured with the rate limit lifted, `verify`
/// runs under the default one.
fn serve(folder: &Path, database: &Path, rate_limited: bool) -> ServerProcess {
    let url = format!("sqlite://{}", database.display());
    // The default publication interval, not the tests' short one: a reader waits for it once.
    let interval = basin_ledger::publish::CHECKPOINT_INTERVAL_MS_DEFAULT.to_string();
    let mut environment = vec![
        ("DATABASE_URL", url.as_str()),
        ("CHECKPOINT_INTERVAL_MS", interval.as_str()),
    ];
    if !rate_limited {
        environment.extend([
            ("RATE_LIMIT_PER_SECOND", "1000000"),
            ("RATE_LIMIT_BURST", "1000000"),
        ]);
    }
    ServerProcess::start(folder, &environment)
}

/// A small deterministic generator, so runs sample the same positions.
struct Positions(u64);

impl Positions {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound.max(1)
    }
}

fn measure_reads(base_url: &str, token: &str, size: u64, settlements: i64) {
    let agent = ureq::AgentBuilder::new().build();
    let get = |path: &str| {
        let started = Instant::now();
        let response = agent
            .get(&format!("{base_url}{path}"))
            .set("Authorization", &format!("Bearer {token}"))
            .call()
            .unwrap_or_else(|error| panic!("GET {path}: {error}"));
        let mut sink = Vec::new();
        std::io::copy(&mut response.into_reader(), &mut sink).unwrap();
        started.elapsed()
    };
    let full_tiles = size / 256;
    let mut positions = Positions(7);
    let report = |what: &str, path: &mut dyn FnMut() -> String| {
        let mut times: Vec<Duration> = (0..REQUESTS_PER_MEASURE).map(|_| get(&path())).collect();
        times.sort();
        let p50 = times[times.len() / 2];
        let p99 = times[times.len() * 99 / 100];
        println!(
            "  {what:<34} p50 {:>7.3} ms  p99 {:>7.3} ms",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    };
    if full_tiles > 0 {
        let mut tiles = Positions(11);
        report("hash tile (level 0, full)", &mut || {
            format!(
                "/v1/log/tile/0/{}",
                TileIndex::full(tiles.below(full_tiles))
            )
        });
        report("entry bundle (full)", &mut || {
            format!(
                "/v1/log/tile/entries/{}",
                TileIndex::full(tiles.below(full_tiles))
            )
        });
    }
    report("inclusion proof", &mut || {
        format!(
            "/v1/log/proofs/inclusion?index={}&tree_size={size}",
            positions.below(size)
        )
    });
    let mut next = 0;
    report("settlement verification", &mut || {
        next = next % settlements + 1;
        format!("/v1/settlements/{next}/verification")
    });
}

fn verify_once(folder: &Path, base_url: &str, token: &str) -> (f64, serde_json::Value) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_basin-ledger"))
        .args([
            "verify", "--url", base_url, "--token", token, "--state", "state",
        ])
        .current_dir(folder)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "verify failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (seconds, serde_json::from_slice(&output.stdout).unwrap())
}

fn measure_verify(folder: &Path, base_url: &str, token: &str, pool: &Pool, batches: &mut u64) {
    let (first, report) = verify_once(folder, base_url, token);
    println!(
        "  verify --url --state, whole log: {first:.2} s, {} entries, {} requests",
        report["entries_verified"], report["fetched"]["requests"]
    );
    for more in MORE_ENTRIES {
        append_signed_batches(pool, *batches..*batches + more);
        *batches += more;
        wait_for_checkpoint(base_url, log_size(pool));
        let (seconds, report) = verify_once(folder, base_url, token);
        println!(
            "  verify --url --state, {more} more: {seconds:.2} s = {:.1}% of the first, {} entries of {}, {} requests",
            100.0 * seconds / first,
            report["entries_verified"],
            report["tree_size"],
            report["fetched"]["requests"]
        );
    }
}
