//! `DATABASE_READ_URL`: GET endpoints of the registry, readings, agreements, settlements and
//! balances read from a replica, which may lag; the log never does. Here the replica is a
//! snapshot of the primary taken before a write (a replica that has not caught up): the basins
//! list shows the older state, while the checkpoint, the proofs and the entries come from the
//! primary and agree with each other.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use basin_audit::hash::hash_from_hex;
use basin_audit::note::{parse_vkey, verify_checkpoint};
use basin_audit::proof::{verify_consistency, verify_inclusion, ConsistencyCheck, InclusionCheck};
use common::publication::checkpoint_covering_over_http;
use common::server_process::ServerProcess;
use diesel::prelude::*;
use serde_json::{json, Value};

fn get(base: &str, path: &str, token: &str) -> Value {
    ureq::get(&format!("{base}{path}"))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap_or_else(|error| panic!("GET {path}: {error}"))
        .into_json()
        .unwrap()
}

fn post_basin(base: &str, token: &str, code: &str) -> Value {
    ureq::post(&format!("{base}/v1/basins"))
        .set("Authorization", &format!("Bearer {token}"))
        .send_json(json!({"code": code, "name": "流域"}))
        .unwrap()
        .into_json()
        .unwrap()
}

fn hashes(proof: &Value) -> Vec<[u8; 32]> {
    proof["hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hash| hash_from_hex(hash.as_str().unwrap()).unwrap())
        .collect()
}

#[test]
fn gets_read_the_lagging_replica_while_checkpoints_and_proofs_stay_consistent_on_the_primary() {
    let directory = tempfile::tempdir().unwrap();
    let primary = directory.path().join("primary.db");
    let replica = directory.path().join("replica.db");
    let primary_url = format!("sqlite://{}", primary.display());
    let first = ServerProcess::start(directory.path(), &[("DATABASE_URL", &primary_url)]);
    let token = first
        .stdout_so_far()
        .iter()
        .find_map(|line| line.split("store it now): ").nth(1).map(str::to_owned))
        .expect("admin token");
    post_basin(&first.base_url, &token, "chaobai");
    let seen = checkpoint_covering_over_http(&first.base_url, 1);
    assert!(first.terminate(), "the first server stops cleanly");

    // The replica as of now: a consistent copy of the primary (SQLite's VACUUM INTO).
    let mut connection = diesel::SqliteConnection::establish(primary.to_str().unwrap()).unwrap();
    diesel::sql_query(format!("VACUUM INTO '{}'", replica.display()))
        .execute(&mut connection)
        .unwrap();
    drop(connection);

    let replica_url = format!("sqlite://{}", replica.display());
    let server = ServerProcess::start(
        directory.path(),
        &[
            ("DATABASE_URL", &primary_url),
            ("DATABASE_READ_URL", &replica_url),
        ],
    );
    let base = server.base_url.clone();
    post_basin(&base, &token, "yongding");

    // Reads of the registry come from the replica, which has not seen the second basin.
    let basins = get(&base, "/v1/basins", &token);
    let codes: Vec<&str> = basins["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|basin| basin["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["chaobai"]);

    // The log comes from the primary: its checkpoint covers the second basin's entry, whose
    // inclusion proof leads to that checkpoint's root, which extends the one seen before.
    let note = checkpoint_covering_over_http(&base, 2);
    let keys: Value = ureq::get(&format!("{base}/v1/keys"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    let (origin, key) = parse_vkey(keys["log"]["vkey"].as_str().unwrap()).unwrap();
    let checkpoint = verify_checkpoint(&note, &origin, &key).unwrap();
    let earlier = verify_checkpoint(&seen, &origin, &key).unwrap();
    let entry = get(&base, "/v1/log/entries/1", &token);
    assert_eq!(entry["body"]["code"], "yongding");
    let proof = get(
        &base,
        &format!(
            "/v1/log/proofs/inclusion?index=1&tree_size={}",
            checkpoint.size
        ),
        &token,
    );
    verify_inclusion(InclusionCheck {
        index: 1,
        tree_size: checkpoint.size,
        leaf_hash: &hash_from_hex(entry["leaf_hash"].as_str().unwrap()).unwrap(),
        proof: &hashes(&proof),
        root: &checkpoint.root,
    })
    .unwrap();
    let consistency = get(
        &base,
        &format!(
            "/v1/log/proofs/consistency?first={}&second={}",
            earlier.size, checkpoint.size
        ),
        &token,
    );
    verify_consistency(ConsistencyCheck {
        first_size: earlier.size,
        second_size: checkpoint.size,
        first_root: &earlier.root,
        second_root: &checkpoint.root,
        proof: &hashes(&consistency),
    })
    .unwrap();
}
