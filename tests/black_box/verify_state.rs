//! `verify --url --state DIR` (API.md "Log tiles, evidence and receipts"): an auditor verifies a
//! ledger of thousands of signed batches through entry and evidence bundles under the default
//! rate limit; a later run fetches only the tiles of new entries (its request count follows the
//! new entries, not the log); a run killed half-way resumes where it committed; a tampered
//! entry bundle or evidence bundle fails naming what failed and leaves the stored checkpoint.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use basin_ledger::model::access::Role;
use basin_ledger::store::{DatabaseUrl, Pool};
use basin_ledger::tokens::create_token;
use serde_json::Value;

use crate::common::checkpoints::wait_for_checkpoint;
use crate::common::proxy::{Proxy, Refusal, Tamper};
use crate::common::server_process::ServerProcess;
use crate::common::signed_ledger::{append_signed_batches, log_size, register_signing_station};
use crate::common::TestDatabase;

/// Signed batches in the ledger of the main tests: more than one commit of 16 full tiles.
const LEDGER_BATCHES: u64 = 5_000;
/// Batches added before the second run.
const MORE_BATCHES: u64 = 600;
/// Batches in the ledger of the tamper test.
const SMALL_LEDGER_BATCHES: u64 = 700;
/// Entries per tile (tlog-tiles).
const TILE_WIDTH: u64 = 256;
/// Full tiles a run commits at once (the verifier's `TILES_PER_COMMIT`).
const TILES_PER_COMMIT: u64 = 16;

struct Ledger {
    directory: tempfile::TempDir,
    _database: TestDatabase,
    pool: Pool,
    server: ServerProcess,
    token: String,
}

impl Ledger {
    fn with_batches(batches: u64) -> Self {
        let directory = tempfile::tempdir().unwrap();
        let database = TestDatabase::new();
        let pool = database.pool();
        register_signing_station(&mut pool.get().unwrap());
        append_signed_batches(&pool, 0..batches);
        let token = create_token(
            &mut pool.get().unwrap(),
            Role::Auditor,
            None,
            Some("auditor"),
            chrono::Utc::now(),
        )
        .unwrap();
        let url = match &database.url {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
            DatabaseUrl::Postgres(url) => url.clone(),
        };
        let server = ServerProcess::start(directory.path(), &[("DATABASE_URL", url.as_str())]);
        let ledger = Self {
            directory,
            _database: database,
            pool,
            server,
            token,
        };
        ledger.wait_published();
        ledger
    }

    /// Waits until a checkpoint covers every entry; returns the size.
    fn wait_published(&self) -> u64 {
        let size = log_size(&self.pool);
        wait_for_checkpoint(&self.server.base_url, size);
        size
    }

    fn command(&self, url: &str, state: Option<&str>) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_basin-ledger"));
        command
            .args(["verify", "--url", url, "--token", &self.token])
            .current_dir(self.directory.path())
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn");
        if let Some(state) = state {
            command.args(["--state", state]);
        }
        command
    }

    fn verify(&self, url: &str, state: Option<&str>) -> Output {
        self.command(url, state).output().unwrap()
    }
}

fn passed(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "verify failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn tiles_of(size: u64) -> u64 {
    size.div_ceil(TILE_WIDTH)
}

#[test]
fn an_incremental_audit_verifies_the_ledger_then_fetches_only_the_tiles_of_new_entries() {
    let ledger = Ledger::with_batches(LEDGER_BATCHES);
    let url = ledger.server.base_url.clone();
    let size = ledger.wait_published();

    let first = passed(&ledger.verify(&url, Some("state")));
    assert_eq!(first["tree_size"], size);
    assert_eq!(first["previous_size"], 0);
    assert_eq!(first["entries_verified"], size);
    assert_eq!(first["signed_batches"], LEDGER_BATCHES);
    assert_eq!(first["readings"], LEDGER_BATCHES);
    assert_eq!(first["fetched"]["entry_bundles"], tiles_of(size));
    assert_eq!(first["fetched"]["evidence_bundles"], tiles_of(size));

    append_signed_batches(&ledger.pool, LEDGER_BATCHES..LEDGER_BATCHES + MORE_BATCHES);
    let grown = ledger.wait_published();
    let second = passed(&ledger.verify(&url, Some("state")));
    assert_eq!(second["tree_size"], grown);
    assert_eq!(second["previous_size"], size);
    assert_eq!(second["entries_verified"], grown - size);
    assert_eq!(second["signed_batches"], LEDGER_BATCHES + MORE_BATCHES);
    // Only the tiles holding new entries: the partial tile the first run ended in, and after.
    let new_tiles = tiles_of(grown) - size / TILE_WIDTH;
    assert!(new_tiles <= MORE_BATCHES.div_ceil(TILE_WIDTH) + 1);
    assert_eq!(second["fetched"]["entry_bundles"], new_tiles);
    assert_eq!(second["fetched"]["evidence_bundles"], new_tiles);
    let retries = second["fetched"]["retries_after_429"].as_u64().unwrap();
    // The keys, the checkpoint, and two bundles per new tile: nothing else.
    assert_eq!(second["fetched"]["requests"], 2 + 2 * new_tiles + retries);

    let third = passed(&ledger.verify(&url, Some("state")));
    assert_eq!(third["previous_size"], grown);
    assert_eq!(third["entries_verified"], 0);
    assert_eq!(third["fetched"]["entry_bundles"], 0);
    assert_eq!(third["fetched"]["requests"], 2);
}

#[test]
fn a_killed_incremental_audit_resumes_where_it_committed_and_passes() {
    let ledger = Ledger::with_batches(LEDGER_BATCHES);
    let size = ledger.wait_published();
    // The proxy stalls on the first entry bundle after the first commit of 16 tiles.
    let stall_at = (TILES_PER_COMMIT + 1) as usize;
    let proxy = Proxy::start(&ledger.server.base_url, None, Some(stall_at));
    let mut running = ledger
        .command(&proxy.base_url, Some("state"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once the run has committed its first 16 tiles and waits for the next ones.
    let state_file = ledger.directory.path().join("state/verifier.sqlite");
    let started = Instant::now();
    while !(proxy.stalled() && committed_progress(&state_file).is_some()) {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the run never committed progress before tile {stall_at}"
        );
        assert!(running.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    running.kill().unwrap(); // SIGKILL: no chance to clean up.
    running.wait().unwrap();

    let resumed = passed(&ledger.verify(&ledger.server.base_url, Some("state")));
    let committed = TILES_PER_COMMIT * TILE_WIDTH;
    assert_eq!(resumed["resumed_at"], committed);
    assert_eq!(resumed["previous_size"], 0);
    assert_eq!(resumed["tree_size"], size);
    assert_eq!(resumed["entries_verified"], size - committed);
    assert_eq!(resumed["signed_batches"], LEDGER_BATCHES);
    assert_eq!(
        resumed["fetched"]["entry_bundles"],
        tiles_of(size) - TILES_PER_COMMIT
    );
}

/// The size of the progress a run committed, read as another process would.
fn committed_progress(state_file: &std::path::Path) -> Option<i64> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Progress {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        size: i64,
    }
    let mut connection = diesel::SqliteConnection::establish(&state_file.to_string_lossy()).ok()?;
    diesel::sql_query("SELECT size FROM verifier_snapshots WHERE name = 'progress'")
        .get_result::<Progress>(&mut connection)
        .ok()
        .map(|progress| progress.size)
}

/// Replaces every `from` in the bodies of responses whose path starts with `prefix`.
fn replacing(prefix: &'static str, from: &'static str, to: &'static str) -> Tamper {
    assert_eq!(from.len(), to.len(), "bundle lengths stay valid");
    Box::new(move |path: &str, body: &mut Vec<u8>| {
        let (from, to) = (from.as_bytes(), to.as_bytes());
        if path.starts_with(prefix) {
            let mut at = 0;
            while let Some(found) = body[at..].windows(from.len()).position(|w| w == from) {
                body[at + found..at + found + to.len()].copy_from_slice(to);
                at += found + to.len();
            }
        }
    })
}

#[test]
fn a_tampered_entry_bundle_or_evidence_bundle_fails_naming_it_and_keeps_the_stored_checkpoint() {
    let ledger = Ledger::with_batches(SMALL_LEDGER_BATCHES);
    let url = ledger.server.base_url.clone();
    let size = ledger.wait_published();
    // Without --state too, through bundles, with the served readings compared.
    let plain = passed(&ledger.verify(&url, None));
    assert_eq!(plain["tree_size"], size);
    assert_eq!(plain["fetched"]["entry_bundles"], tiles_of(size));
    passed(&ledger.verify(&url, Some("state")));
    append_signed_batches(
        &ledger.pool,
        SMALL_LEDGER_BATCHES..SMALL_LEDGER_BATCHES + 300,
    );
    let grown = ledger.wait_published();

    let cases = [
        (
            replacing("/v1/log/evidence/", "\"0.02\"", "\"0.03\""),
            "hashes to",
        ),
        (
            replacing("/v1/log/tile/entries/", "00:00:00Z", "00:00:01Z"),
            "the hash chain is broken",
        ),
    ];
    for (tamper, named) in cases {
        let proxy = Proxy::start(&url, Some(tamper), None);
        let output = ledger.verify(&proxy.base_url, Some("state"));
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "a tampered run passed");
        assert!(message.contains("verification FAILED: entry "), "{message}");
        assert!(message.contains(named), "{message}");
    }
    // The stored checkpoint did not move: an honest run starts from it.
    let honest = passed(&ledger.verify(&url, Some("state")));
    assert_eq!(honest["previous_size"], size);
    assert_eq!(honest["resumed_at"], Value::Null);
    assert_eq!(honest["entries_verified"], grown - size);
}

fn get(url: &str, token: Option<&str>) -> (u16, String, Vec<u8>) {
    let mut request = ureq::get(url);
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    let response = match request.call() {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => panic!("{url}: {error}"),
    };
    let status = response.status();
    let cache = response
        .header("Cache-Control")
        .unwrap_or_default()
        .to_owned();
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut body).unwrap();
    (status, cache, body)
}

#[test]
fn evidence_bundles_hold_each_batch_body_and_signature_and_only_published_entries() {
    let ledger = Ledger::with_batches(SMALL_LEDGER_BATCHES);
    let size = ledger.wait_published();
    let token = Some(ledger.token.as_str());
    let base = format!("{}/v1/log", ledger.server.base_url);
    let (status, cache, full) = get(&format!("{base}/evidence/000"), token);
    assert_eq!(status, 200);
    assert_eq!(cache, "public, max-age=31536000, immutable");
    let (_, _, bundle) = get(&format!("{base}/tile/entries/000"), token);
    let leaves = basin_audit::tile::decode_bundle(&bundle, 256).unwrap();
    let records = basin_audit::tile::decode_evidence(&full, 0..256).unwrap();
    // Every readings.batch entry of the tile, and nothing else, with its exact body.
    let batches: Vec<(u64, Value)> = leaves
        .iter()
        .enumerate()
        .map(|(index, leaf)| (index as u64, serde_json::from_slice::<Value>(leaf).unwrap()))
        .filter(|(_, leaf)| leaf["kind"] == "readings.batch")
        .collect();
    assert_eq!(records.len(), batches.len());
    assert!(records.len() > 200);
    for (record, (index, leaf)) in records.iter().zip(&batches) {
        assert_eq!(record.index, *index);
        assert_eq!(
            leaf["body"]["body_sha256"],
            basin_ledger_core::settlement::document::sha256_hex(record.body)
        );
        assert_eq!(leaf["body"]["signature"].as_str(), record.signature);
    }
    let last_tile = size / TILE_WIDTH;
    let width = size % TILE_WIDTH;
    let partial = format!("{base}/evidence/{last_tile:03}.p/{width}");
    let (status, cache, _) = get(&partial, token);
    assert_eq!((status, cache.as_str()), (200, "no-cache"));
    let (status, _, _) = get(&format!("{base}/evidence/{:03}", last_tile + 1), token);
    assert_eq!(status, 404, "beyond the published checkpoint");
    let (status, _, _) = get(&format!("{base}/evidence/000"), None);
    assert_eq!(status, 401, "the same access as tiles");
}

#[test]
fn a_rate_limited_bundle_is_retried_after_retry_after_and_an_unpublished_checkpoint_is_said_plainly(
) {
    let ledger = Ledger::with_batches(SMALL_LEDGER_BATCHES);
    let size = ledger.wait_published();
    let rate_limited = Refusal {
        prefix: "/v1/log/tile/entries/",
        status: 429,
        times: 2,
    };
    let proxy = Proxy::start_refusing(&ledger.server.base_url, None, None, Some(rate_limited));
    let report = passed(&ledger.verify(&proxy.base_url, Some("state")));
    assert_eq!(report["tree_size"], size);
    assert_eq!(report["fetched"]["retries_after_429"], 2);
    assert_eq!(report["fetched"]["entry_bundles"], tiles_of(size));

    let unpublished = Refusal {
        prefix: "/v1/log/checkpoint",
        status: 503,
        times: 1,
    };
    let proxy = Proxy::start_refusing(&ledger.server.base_url, None, None, Some(unpublished));
    let output = ledger.verify(&proxy.base_url, Some("other-state"));
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("no checkpoint that meets its witness policy yet (503); try again later"),
        "{message}"
    );
    assert!(!message.contains("verification FAILED"), "{message}");
}
