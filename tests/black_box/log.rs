//! The audit log through HTTP, checked the way an outside auditor would: entries, the signed
//! checkpoint, the published key, and every inclusion and consistency proof of a small log.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use basin_audit::proof::{verify_consistency, verify_inclusion, ConsistencyCheck, InclusionCheck};
use basin_audit::{Hash, MemoryTree};
use basin_ledger::api::rate_limit::RateLimit;
use common::audit::{published_log_key, verify_checkpoint_covers, verify_entries};
use common::{spawn_app, spawn_app_configured};
use serde_json::{json, Value};

/// Every entry, following `next_cursor` with small pages so that pagination is exercised.
macro_rules! all_entries {
    ($app:expr) => {{
        let mut items: Vec<Value> = Vec::new();
        let mut path = "/v1/log/entries?limit=4".to_owned();
        loop {
            let page = $app.get(&path, Some(&$app.admin_token)).await;
            assert_eq!(page.status, 200, "{}", page.text);
            items.extend(
                page.body["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .cloned(),
            );
            match page.body["next_cursor"].as_str() {
                Some(cursor) => path = format!("/v1/log/entries?limit=4&cursor={cursor}"),
                None => break,
            }
        }
        items
    }};
}

fn hashes_of(reply: &Value) -> Vec<Vec<u8>> {
    reply["hashes"]
        .as_array()
        .expect("hashes")
        .iter()
        .map(|hash| hex::decode(hash.as_str().expect("hex string")).expect("hex"))
        .collect()
}

fn root_of(leaf_hashes: &[Hash], size: usize) -> Hash {
    let tree = MemoryTree::from_leaf_hashes(leaf_hashes[..size].iter().copied());
    basin_audit::tree::root(size as u64, &tree).expect("root")
}

#[actix_web::test]
async fn registry_writes_produce_contiguous_entries_that_verify_with_the_pure_crate() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let items = all_entries!(app);
    let kinds: Vec<&str> = items
        .iter()
        .map(|item| item["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "jurisdiction.created",
            "jurisdiction.created",
            "jurisdiction.created",
            "basin.created",
            "section.created",
            "station.created"
        ]
    );
    let leaf_hashes = verify_entries(&items);
    assert_eq!(leaf_hashes.len(), 6);
    assert_eq!(items[4]["body"]["code"], "gubeikou");
    let single = app.get("/v1/log/entries/4", Some(&app.admin_token)).await;
    assert_eq!(single.status, 200, "{}", single.text);
    assert_eq!(single.body, items[4]);
    let from_start = app
        .get("/v1/log/entries?start=5&limit=1000", Some(&app.admin_token))
        .await;
    assert_eq!(from_start.body["items"], json!([items[5]]));
    assert_eq!(from_start.body["next_cursor"], Value::Null);
    let beyond = app
        .get("/v1/log/entries?start=6", Some(&app.admin_token))
        .await;
    assert_eq!(beyond.body, json!({"items": [], "next_cursor": null}));
}

#[actix_web::test]
async fn the_checkpoint_verifies_with_the_published_key_and_commits_to_every_leaf() {
    let app = spawn_app().await;
    app.checkpoint_covering(0).await;
    let empty = app.get("/v1/log/checkpoint", None).await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert!(
        empty.content_type.starts_with("text/plain"),
        "{}",
        empty.content_type
    );
    let keys = app.get("/v1/keys", None).await;
    assert_eq!(keys.status, 200, "{}", keys.text);
    let (origin, public_key) = published_log_key(&keys.body);
    assert_eq!(origin, "localhost/basin-ledger");
    let checkpoint = verify_checkpoint_covers(&empty.text, &origin, &public_key, &[]);
    assert_eq!(checkpoint.size, 0);

    app.register_chaobai().await;
    let note = app.checkpoint_covering(6).await;
    let leaf_hashes = verify_entries(&all_entries!(app));
    let checkpoint = verify_checkpoint_covers(&note, &origin, &public_key, &leaf_hashes);
    assert_eq!(checkpoint.size, 6);
    assert!(note.starts_with("localhost/basin-ledger\n6\n"), "{note}");
    // The same size is answered with the stored note, byte for byte.
    assert_eq!(app.get("/v1/log/checkpoint", None).await.text, note);
    assert_eq!(
        app.get("/v1/log/policy", None).await.problem_pointers(404),
        Vec::<String>::new()
    );
}

#[actix_web::test]
async fn every_inclusion_and_consistency_proof_of_a_twenty_entry_log_verifies() {
    // About 450 requests with one token: more than the default per-token burst allows.
    let app = spawn_app_configured(|state| {
        state.with_rate_limit(RateLimit {
            requests_per_second: 100_000,
            burst_requests: 100_000,
        })
    })
    .await;
    // Each write is published before the next, so every size from 1 to 20 has a checkpoint.
    for number in 0..20 {
        app.admin_post(
            "/v1/basins",
            json!({"code": format!("b{number:02}"), "name": format!("流域{number}")}),
        )
        .await;
        app.checkpoint_covering(number + 1).await;
    }
    let leaf_hashes = verify_entries(&all_entries!(app));
    assert_eq!(leaf_hashes.len(), 20);
    let (origin, public_key) = published_log_key(&app.get("/v1/keys", None).await.body);
    let current = app.get("/v1/log/checkpoint", None).await.text;
    verify_checkpoint_covers(&current, &origin, &public_key, &leaf_hashes);

    for tree_size in 1..=20_usize {
        let mut checkpoint_note: Option<String> = None;
        for index in 0..tree_size {
            let path = format!("/v1/log/proofs/inclusion?index={index}&tree_size={tree_size}");
            let reply = app.get(&path, Some(&app.admin_token)).await;
            assert_eq!(reply.status, 200, "{path}: {}", reply.text);
            assert_eq!(reply.body["index"], index);
            assert_eq!(reply.body["tree_size"], tree_size);
            assert_eq!(reply.body["leaf_hash"], hex::encode(leaf_hashes[index]));
            let note = reply.body["checkpoint"]
                .as_str()
                .expect("checkpoint")
                .to_owned();
            if let Some(previous) = &checkpoint_note {
                assert_eq!(previous, &note, "one note per tree size");
            }
            let checkpoint = verify_checkpoint_covers(&note, &origin, &public_key, &leaf_hashes);
            assert_eq!(checkpoint.size, tree_size as u64);
            checkpoint_note = Some(note);
            let proof = hashes_of(&reply.body);
            let check = |proof: &[Vec<u8>]| {
                verify_inclusion(InclusionCheck {
                    index: index as u64,
                    tree_size: tree_size as u64,
                    leaf_hash: &leaf_hashes[index],
                    proof,
                    root: &checkpoint.root,
                })
            };
            assert_eq!(check(&proof), Ok(()), "{path}");
            if !proof.is_empty() {
                let mut flipped = proof.clone();
                flipped[0][0] ^= 1;
                assert!(check(&flipped).is_err(), "a flipped bit must fail");
            }
        }
    }
    let default_size = app
        .get("/v1/log/proofs/inclusion?index=3", Some(&app.admin_token))
        .await;
    assert_eq!(default_size.body["tree_size"], 20);
    assert_eq!(default_size.body["checkpoint"], current.as_str());

    for first in 1..=20_usize {
        for second in first..=20_usize {
            let path = format!("/v1/log/proofs/consistency?first={first}&second={second}");
            let reply = app.get(&path, Some(&app.admin_token)).await;
            assert_eq!(reply.status, 200, "{path}: {}", reply.text);
            assert_eq!(reply.body["first"], first);
            assert_eq!(reply.body["second"], second);
            let proof = hashes_of(&reply.body);
            let check = ConsistencyCheck {
                first_size: first as u64,
                second_size: second as u64,
                first_root: &root_of(&leaf_hashes, first),
                second_root: &root_of(&leaf_hashes, second),
                proof: &proof,
            };
            assert_eq!(verify_consistency(check), Ok(()), "{path}");
        }
    }
}

#[actix_web::test]
async fn bad_log_query_parameters_are_422_problems_naming_the_parameter() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    app.published_checkpoint().await;
    let cases = [
        ("/v1/log/proofs/inclusion", "index"),
        ("/v1/log/proofs/inclusion?index=abc", "index"),
        ("/v1/log/proofs/inclusion?index=-1", "index"),
        (
            "/v1/log/proofs/inclusion?index=99999999999999999999",
            "index",
        ),
        ("/v1/log/proofs/inclusion?index=0&tree_size=7", "tree_size"),
        ("/v1/log/proofs/inclusion?index=0&tree_size=0", "tree_size"),
        (
            "/v1/log/proofs/inclusion?index=0&tree_size=2.5",
            "tree_size",
        ),
        ("/v1/log/proofs/inclusion?index=5&tree_size=3", "index"),
        ("/v1/log/proofs/inclusion?index=6", "index"),
        ("/v1/log/proofs/consistency", "first"),
        ("/v1/log/proofs/consistency?first=0&second=3", "first"),
        ("/v1/log/proofs/consistency?first=4&second=3", "first"),
        ("/v1/log/proofs/consistency?first=1&second=7", "second"),
        ("/v1/log/proofs/consistency?first=1&second=x", "second"),
        ("/v1/log/entries?start=x", "start"),
        ("/v1/log/entries?limit=0", "limit"),
        ("/v1/log/entries?cursor=!!!", "cursor"),
        ("/v1/log/entries?start=1&cursor=MQ", "cursor"),
    ];
    for (path, parameter) in cases {
        let reply = app.get(path, Some(&app.admin_token)).await;
        assert_eq!(
            reply.problem_pointers(422),
            [parameter],
            "{path}: {}",
            reply.text
        );
    }
    for path in [
        "/v1/log/entries/6",
        "/v1/log/entries/x",
        "/v1/log/entries/-1",
    ] {
        app.get(path, Some(&app.admin_token))
            .await
            .problem_pointers(404);
    }
    for path in [
        "/v1/log/entries",
        "/v1/log/entries/0",
        "/v1/log/proofs/inclusion?index=0",
        "/v1/log/proofs/consistency?first=1",
    ] {
        app.get(path, None).await.problem_pointers(401);
    }
}
