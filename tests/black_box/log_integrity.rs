//! Tampered storage is refused, never served: a changed entry is reported as corrupt, also when
//! a settlement reads it as the evidence of its readings, and the ledger will not sign a
//! checkpoint that contradicts one it signed before.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;
use common::tamper::execute;

use std::collections::BTreeMap;

use basin_audit::hash::{hash_to_hex, leaf_hash};
use basin_ledger::store::schema::{log_checkpoints, log_entries, reading_batches};
use basin_ledger::store::Pool;
use common::agreements::good_values;
use common::spawn_app;
use diesel::prelude::*;
use serde_json::{json, Value};

fn assert_integrity_failure(reply: &common::Reply, what: &str) {
    assert_eq!(reply.status.as_u16(), 500, "{}", reply.text);
    assert_eq!(reply.content_type, "application/problem+json");
    assert_eq!(reply.body["type"], "urn:basin-ledger:problem:integrity");
    let detail = reply.body["detail"].as_str().expect("detail");
    assert!(
        detail.contains(what) && detail.contains("corrupt"),
        "{detail}"
    );
}

#[actix_web::test]
async fn a_tampered_entry_is_refused_as_corrupt_instead_of_served() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let token = app.admin_token.clone();
    execute(
        &app.pool,
        r#"UPDATE log_entries SET body = '{"code":"XX"}' WHERE entry_index = 2"#,
    );
    assert_integrity_failure(
        &app.get("/v1/log/entries/2", Some(&token)).await,
        "log entry 2",
    );
    assert_integrity_failure(
        &app.get("/v1/log/entries", Some(&token)).await,
        "log entry 2",
    );
    assert_eq!(app.get("/v1/log/entries/1", Some(&token)).await.status, 200);
    // A page that starts after the damage does not read it.
    assert_eq!(
        app.get("/v1/log/entries?start=4", Some(&token))
            .await
            .status,
        200
    );

    // Leaf bytes changed consistently with every column but not with the stored hash.
    app.published_checkpoint().await;
    let entry = app.get("/v1/log/entries/4", Some(&token)).await.body;
    let leaf = entry["leaf"].as_str().unwrap().replace("古北口", "古北囗");
    execute(
        &app.pool,
        &format!(
            "UPDATE log_entries SET leaf = '{}', body = '{}' WHERE entry_index = 4",
            leaf.replace('\'', "''"),
            basin_audit::parse_leaf(leaf.as_bytes()).unwrap().body
        ),
    );
    assert_integrity_failure(
        &app.get("/v1/log/entries/4", Some(&token)).await,
        "log entry 4",
    );
    let proof = app
        .get("/v1/log/proofs/inclusion?index=4", Some(&token))
        .await;
    assert_integrity_failure(&proof, "log entry 4");
}

#[actix_web::test]
async fn the_ledger_refuses_to_sign_a_tree_inconsistent_with_a_checkpoint_it_signed() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let signed = app.checkpoint_covering(6).await;
    assert!(signed.contains("\n6\n"), "{signed}");
    // Leaves 4 and 5 are inside the signed tree of size 6: changing their stored parent
    // rewrites history that checkpoint committed to.
    execute(
        &app.pool,
        &format!(
            "UPDATE log_nodes SET hash = '{}' WHERE level = 1 AND node_index = 2",
            "ab".repeat(32)
        ),
    );
    app.admin_post("/v1/basins", json!({"code": "yongding", "name": "永定河"}))
        .await;
    // The publisher tries to sign the tree of size 7, finds it inconsistent with the signed
    // tree of size 6, and refuses (counted on /metrics, the reason in the log).
    app.metric_reaching("basin_ledger_checkpoint_signing_failures_total", 1.0)
        .await;
    assert_eq!(app.get("/v1/log/checkpoint", None).await.text, signed);
    let stored: i64 = log_checkpoints::table
        .filter(log_checkpoints::tree_size.eq(7))
        .count()
        .get_result(&mut *app.pool.get().unwrap())
        .unwrap();
    assert_eq!(stored, 0, "nothing was signed for the inconsistent tree");
    // The stored checkpoint of size 6 no longer matches the tree either.
    let proof = app
        .get(
            "/v1/log/proofs/inclusion?index=0&tree_size=6",
            Some(&app.admin_token),
        )
        .await;
    assert_integrity_failure(&proof, "the log tree of size 6");
    let consistency = app
        .get(
            "/v1/log/proofs/consistency?first=5&second=6",
            Some(&app.admin_token),
        )
        .await;
    assert_integrity_failure(&consistency, "the log tree of size 6");
}

/// The stored columns of one log entry, as a tamperer would rewrite them.
type EntryColumns = (String, String, String, String, String, String);

fn entry_columns(pool: &Pool, index: i64) -> EntryColumns {
    log_entries::table
        .filter(log_entries::entry_index.eq(index))
        .select((
            log_entries::kind,
            log_entries::time,
            log_entries::prev,
            log_entries::body,
            log_entries::leaf,
            log_entries::leaf_hash,
        ))
        .first(&mut *pool.get().unwrap())
        .unwrap()
}

fn rewrite_entry(pool: &Pool, index: i64, columns: &EntryColumns) {
    let (kind, time, prev, body, leaf, hash) = columns;
    let changed = diesel::update(log_entries::table.filter(log_entries::entry_index.eq(index)))
        .set((
            log_entries::kind.eq(kind),
            log_entries::time.eq(time),
            log_entries::prev.eq(prev),
            log_entries::body.eq(body),
            log_entries::leaf.eq(leaf),
            log_entries::leaf_hash.eq(hash),
        ))
        .execute(&mut *pool.get().unwrap())
        .unwrap();
    assert_eq!(changed, 1);
}

#[actix_web::test]
async fn a_settlement_refuses_a_batch_whose_log_entry_was_altered_in_any_column() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.post_month("2025-07", good_values()).await;
    let index: i64 = reading_batches::table
        .filter(reading_batches::batch_id.eq("month-2025-07"))
        .select(reading_batches::log_index)
        .first(&mut *app.pool.get().unwrap())
        .unwrap();
    let original = entry_columns(&app.pool, index);
    let dry_run = || app.dry_run("miyun-test", "2025-07");
    let (kind, time, prev, body, leaf, hash) = original.clone();

    // The same body with its members in another order is the same body.
    let members: BTreeMap<String, Value> = serde_json::from_str(&body).unwrap();
    let reordered = serde_json::to_string(&members).unwrap();
    assert_ne!(reordered, body);
    rewrite_entry(
        &app.pool,
        index,
        &(
            kind.clone(),
            time.clone(),
            prev.clone(),
            reordered,
            leaf.clone(),
            hash.clone(),
        ),
    );
    let accepted = dry_run().await;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    assert_eq!(accepted.body["dry_run"], true, "{}", accepted.text);

    let spaced = leaf.replacen("\"index\":", "\"index\": ", 1);
    let alterations: [(&str, EntryColumns); 6] = [
        (
            "body",
            (
                kind.clone(),
                time.clone(),
                prev.clone(),
                body.replacen("\"readings\":2", "\"readings\":3", 1),
                leaf.clone(),
                hash.clone(),
            ),
        ),
        (
            "kind",
            (
                "reading.invalidated".into(),
                time.clone(),
                prev.clone(),
                body.clone(),
                leaf.clone(),
                hash.clone(),
            ),
        ),
        (
            "time",
            (
                kind.clone(),
                "2025-08-01T00:00:00Z".into(),
                prev.clone(),
                body.clone(),
                leaf.clone(),
                hash.clone(),
            ),
        ),
        (
            "prev",
            (
                kind.clone(),
                time.clone(),
                "00".repeat(32),
                body.clone(),
                leaf.clone(),
                hash.clone(),
            ),
        ),
        (
            "leaf hash",
            (
                kind.clone(),
                time.clone(),
                prev.clone(),
                body.clone(),
                leaf.clone(),
                "ab".repeat(32),
            ),
        ),
        // Not canonical, though its hash is stored with it.
        (
            "leaf",
            (
                kind.clone(),
                time.clone(),
                prev.clone(),
                body.clone(),
                spaced.clone(),
                hash_to_hex(&leaf_hash(spaced.as_bytes())),
            ),
        ),
    ];
    for (column, altered) in alterations {
        assert_ne!(altered, original, "{column}");
        rewrite_entry(&app.pool, index, &altered);
        let refused = dry_run().await;
        assert_eq!(refused.status, 500, "altered {column}: {}", refused.text);
        assert_integrity_failure(&refused, &format!("log entry {index}"));
        rewrite_entry(&app.pool, index, &original);
    }
    let restored = dry_run().await;
    assert_eq!(restored.status, 200, "{}", restored.text);
}

#[actix_web::test]
async fn a_settlement_names_the_first_counted_reading_whose_batch_is_not_stored() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    let early = app
        .post_readings(
            "july-early",
            &[("2025-07-03T09:00:00+08:00", good_values())],
        )
        .await;
    let late = app
        .post_readings("july-late", &[("2025-07-17T09:00:00+08:00", good_values())])
        .await;
    let dry_run = || app.dry_run("miyun-test", "2025-07");
    execute(
        &app.pool,
        "UPDATE reading_batches SET batch_id = 'renamed-late' WHERE batch_id = 'july-late'",
    );
    assert_integrity_failure(&dry_run().await, &format!("reading {} failed", late[0]));
    // With both gone, the one counted first is named.
    execute(
        &app.pool,
        "UPDATE reading_batches SET batch_id = 'renamed-early' WHERE batch_id = 'july-early'",
    );
    assert_integrity_failure(&dry_run().await, &format!("reading {} failed", early[0]));
}
