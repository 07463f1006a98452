//! What an auditor checks, using the pure `basin-audit` crate only: the tests verify what the
//! server serves the way an outside verifier would, not through the server's own code.
#![allow(dead_code)]

use basin_audit::entry::{parse_leaf, ChainWalker};
use basin_audit::hash::{leaf_hash, Hash};
use basin_audit::messages::public_key_base64;
use basin_audit::note::{key_id_hex, parse_vkey, verify_checkpoint};
use basin_audit::{Checkpoint, MemoryTree};
use ed25519_dalek::VerifyingKey;
use serde_json::Value;

/// Checks every entry (in order from entry 0): its leaf bytes are canonical and say what the
/// other fields say, hash to the leaf hash shown, and chain to the entry before. Returns the
/// leaf hashes.
pub fn verify_entries(items: &[Value]) -> Vec<Hash> {
    let mut walker = ChainWalker::new();
    items
        .iter()
        .map(|item| {
            let leaf = item["leaf"].as_str().expect("leaf is a string");
            let entry = parse_leaf(leaf.as_bytes()).expect("leaf bytes are a canonical leaf");
            assert_eq!(item["index"], entry.index, "{item}");
            assert_eq!(item["kind"], entry.kind.as_str(), "{item}");
            assert_eq!(item["time"], entry.time.as_str(), "{item}");
            assert_eq!(item["prev"], hex::encode(entry.prev), "{item}");
            assert_eq!(item["body"], entry.body, "{item}");
            let hash = walker.push(&entry).expect("the chain holds");
            assert_eq!(hash, leaf_hash(leaf.as_bytes()));
            assert_eq!(item["leaf_hash"], hex::encode(hash), "{item}");
            hash
        })
        .collect()
}

/// The log key as `GET /v1/keys` publishes it, after checking its fields agree.
pub fn published_log_key(keys: &Value) -> (String, VerifyingKey) {
    let vkey = keys["log"]["vkey"].as_str().expect("vkey");
    let (origin, public_key) = parse_vkey(vkey).expect("vkey parses and its key id matches");
    assert_eq!(keys["log"]["origin"], origin.as_str());
    assert_eq!(keys["log"]["key_id"], key_id_hex(&origin, &public_key));
    assert_eq!(keys["log"]["public_key"], public_key_base64(&public_key));
    assert!(keys["log"]["valid_from"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert_eq!(keys["retired"], serde_json::json!([]));
    (origin, public_key)
}

/// Verifies a checkpoint note and checks it commits to exactly these leaves.
pub fn verify_checkpoint_covers(
    note: &str,
    origin: &str,
    public_key: &VerifyingKey,
    leaf_hashes: &[Hash],
) -> Checkpoint {
    let checkpoint = verify_checkpoint(note, origin, public_key).expect("checkpoint verifies");
    let size = checkpoint.size;
    assert!(
        size as usize <= leaf_hashes.len(),
        "checkpoint beyond the log"
    );
    let tree = MemoryTree::from_leaf_hashes(leaf_hashes[..size as usize].iter().copied());
    let root = basin_audit::tree::root(size, &tree).expect("memory tree root");
    assert_eq!(checkpoint.root, root, "checkpoint root of size {size}");
    checkpoint
}

/// PostgreSQL for tests that need one whatever `DATABASE_URL` says: `DATABASE_URL` when it
/// names one, else the local server these machines run. Under CI its absence is a failure;
/// elsewhere the test prints that it skipped.
pub fn postgres_url_or_skip(purpose: &str) -> Option<String> {
    use diesel::Connection;
    let url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    match diesel::PgConnection::establish(&url) {
        Ok(_) => Some(url),
        Err(error) if std::env::var_os("CI").is_some() => {
            panic!("PostgreSQL is required under CI ({purpose}): {error}")
        }
        Err(error) => {
            eprintln!("SKIPPED: no PostgreSQL reachable for {purpose} ({error})");
            None
        }
    }
}
