//! Publication on growth (API.md "Log tiles, evidence and receipts"): the server signs
//! checkpoints when the log grows, from its background publisher, never because a reader
//! asked for a size; proofs and tiles are served for published sizes only; `LOG_READ=public`
//! opens tiles to anonymous readers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use basin_ledger::api::LogRead;
use basin_ledger::model::access::Role;
use basin_ledger::store::schema::log_checkpoints;
use common::publication::note_size;
use common::{spawn_app, spawn_app_configured, spawn_app_publishing};
use diesel::prelude::*;

fn signed_checkpoints(pool: &basin_ledger::store::Pool) -> i64 {
    log_checkpoints::table
        .count()
        .get_result(&mut *pool.get().unwrap())
        .unwrap()
}

#[actix_web::test]
async fn readers_asking_for_checkpoints_proofs_and_tiles_never_make_the_ledger_sign() {
    // No publisher runs here: whatever readers ask, nothing gets signed.
    let app = spawn_app_publishing(|state| state, false).await;
    app.register_chaobai().await;
    let token = app.admin_token.clone();
    let checkpoint = app.get("/v1/log/checkpoint", None).await;
    checkpoint.problem_pointers(503);
    assert!(
        checkpoint.body["detail"]
            .as_str()
            .unwrap()
            .contains("no checkpoint is published yet"),
        "{}",
        checkpoint.text
    );
    for (path, parameter) in [
        ("/v1/log/proofs/inclusion?index=0&tree_size=6", "tree_size"),
        ("/v1/log/proofs/inclusion?index=0", "tree_size"),
        ("/v1/log/proofs/consistency?first=1&second=6", "second"),
        ("/v1/log/proofs/consistency?first=1", "second"),
    ] {
        let reply = app.get(path, Some(&token)).await;
        assert_eq!(
            reply.problem_pointers(422),
            [parameter],
            "{path}: {}",
            reply.text
        );
    }
    let tile = app.get("/v1/log/tile/0/000.p/6", Some(&token)).await;
    tile.problem_pointers(404);
    assert_eq!(signed_checkpoints(&app.pool), 0, "no reader made it sign");
}

#[actix_web::test]
async fn the_published_checkpoint_follows_the_log_and_proofs_name_unpublished_sizes() {
    let app = spawn_app().await;
    let token = app.admin_token.clone();
    app.register_chaobai().await;
    let six = app.checkpoint_covering(6).await;
    assert_eq!(note_size(&six), Some(6));
    // Published sizes are exactly the stored checkpoints, each signed once.
    let proof = app
        .get("/v1/log/proofs/inclusion?index=5", Some(&token))
        .await;
    assert_eq!(proof.status, 200, "{}", proof.text);
    assert_eq!(proof.body["tree_size"], 6);
    assert_eq!(proof.body["checkpoint"], six.as_str());
    app.admin_post(
        "/v1/basins",
        serde_json::json!({"code": "yongding", "name": "永定河"}),
    )
    .await;
    let seven = app.checkpoint_covering(7).await;
    assert_eq!(note_size(&seven), Some(7));
    let published: Vec<i64> = log_checkpoints::table
        .select(log_checkpoints::tree_size)
        .order(log_checkpoints::tree_size)
        .load(&mut *app.pool.get().unwrap())
        .unwrap();
    let unpublished = (1..=7).find(|size| !published.contains(size));
    if let Some(size) = unpublished {
        let path = format!("/v1/log/proofs/inclusion?index=0&tree_size={size}");
        let reply = app.get(&path, Some(&token)).await;
        assert_eq!(reply.problem_pointers(422), ["tree_size"], "{}", reply.text);
        assert!(
            reply.text.contains("no published checkpoint"),
            "{}",
            reply.text
        );
    }
    let consistency = app
        .get("/v1/log/proofs/consistency?first=6&second=7", Some(&token))
        .await;
    assert_eq!(consistency.status, 200, "{}", consistency.text);
}

#[actix_web::test]
async fn log_read_public_opens_tiles_to_readers_without_a_token() {
    let closed = spawn_app().await;
    closed.register_chaobai().await;
    closed.checkpoint_covering(6).await;
    closed
        .get("/v1/log/tile/0/000.p/6", None)
        .await
        .problem_pointers(401);
    let auditor = closed.token(Role::Auditor, None);
    let with_token = closed.get("/v1/log/tile/0/000.p/6", Some(&auditor)).await;
    assert_eq!(with_token.status, 200);

    let open = spawn_app_configured(|state| state.with_log_read(LogRead::Public)).await;
    open.register_chaobai().await;
    open.checkpoint_covering(6).await;
    for path in ["/v1/log/tile/0/000.p/6", "/v1/log/tile/entries/000.p/6"] {
        let reply = open.get(path, None).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        assert_eq!(reply.content_type, "application/octet-stream");
    }
    // Only the log's public material opens: entries still need a token.
    open.get("/v1/log/entries", None)
        .await
        .problem_pointers(401);
}
