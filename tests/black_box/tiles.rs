//! The log read only through C2SP tlog-tiles (API.md "Log tiles, evidence and receipts"): with
//! the signed checkpoints, the hash tiles and entry bundles alone reproduce every checkpoint root
//! and every entry; a tile changed on the way, or in the database, is refused; tiles beyond the
//! newest signed checkpoint are not served, and bad paths are problems naming their parameter.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::collections::HashMap;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::{self, TestRequest};
use basin_audit::hash::hash_to_hex;
use basin_audit::note::{verify_checkpoint, Checkpoint};
use basin_audit::proof::{verify_consistency, ConsistencyCheck};
use basin_audit::tile::{
    tree_bundles, tree_tiles, Tile, TileIndex, TileReadError, TileReader, TileSource,
};
use basin_audit::tree::{self, NodeId, NodeReader};
use basin_ledger::ledger_key::LOG_ORIGIN_DEFAULT;
use basin_ledger::model::access::Role;
use basin_ledger::store;
use basin_ledger_core::entry::{Entry, ReadingInvalidated};
use common::{spawn_app, TestApp};
use diesel::connection::SimpleConnection;
use serde_json::{json, Value};

/// Entries appended straight to the store, on top of the registry and a few batches posted over
/// HTTP: three full tiles and a partial one at level 0, a partial one at level 1.
const APPENDED_ENTRIES: u64 = 800;

/// One binary response: status, `Content-Type`, `Cache-Control` and the exact body bytes.
struct Fetched {
    status: u16,
    content_type: String,
    cache_control: String,
    bytes: Vec<u8>,
}

async fn fetch<S, B>(app: &TestApp<S>, path: &str, token: &str) -> Fetched
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let request = TestRequest::get()
        .uri(path)
        .insert_header(("Authorization", format!("Bearer {token}")))
        .to_request();
    let response = test::call_service(&app.service, request).await;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (status, content_type, cache_control) = (
        response.status().as_u16(),
        header("content-type"),
        header("cache-control"),
    );
    let bytes = test::read_body(response).await.to_vec();
    Fetched {
        status,
        content_type,
        cache_control,
        bytes,
    }
}

/// Tiles and bundles as the server sent them, by path below `/v1/log/`.
#[derive(Default, Clone)]
struct Downloaded {
    resources: HashMap<String, Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0} was not downloaded")]
struct NotDownloaded(String);

impl Downloaded {
    fn get(&self, path: String) -> Result<Vec<u8>, NotDownloaded> {
        self.resources
            .get(&path)
            .cloned()
            .ok_or(NotDownloaded(path))
    }
}

impl TileSource for Downloaded {
    type Error = NotDownloaded;
    fn read_tile(&self, tile: Tile) -> Result<Vec<u8>, NotDownloaded> {
        self.get(format!("tile/{tile}"))
    }
    fn read_entry_bundle(&self, bundle: TileIndex) -> Result<Vec<u8>, NotDownloaded> {
        self.get(format!("tile/entries/{bundle}"))
    }
}

/// Downloads every tile and bundle of the tree of `tree_size` leaves, checking the headers.
async fn download<S, B>(app: &TestApp<S>, token: &str, tree_size: u64, into: &mut Downloaded)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let paths = tree_tiles(tree_size)
        .into_iter()
        .map(|tile| (format!("tile/{tile}"), tile.position().is_full()))
        .chain(
            tree_bundles(tree_size)
                .into_iter()
                .map(|bundle| (format!("tile/entries/{bundle}"), bundle.is_full())),
        );
    for (path, full) in paths {
        let reply = fetch(app, &format!("/v1/log/{path}"), token).await;
        assert_eq!(
            reply.status,
            200,
            "{path}: {}",
            String::from_utf8_lossy(&reply.bytes)
        );
        assert_eq!(reply.content_type, "application/octet-stream", "{path}");
        let expected_cache = if full {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        assert_eq!(reply.cache_control, expected_cache, "{path}");
        into.resources.insert(path, reply.bytes);
    }
}

/// The published checkpoint once it covers the whole log, verified with the app's ledger key.
async fn signed_checkpoint<S, B>(app: &TestApp<S>) -> Checkpoint
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let note = app.published_checkpoint().await;
    verify_checkpoint(&note, LOG_ORIGIN_DEFAULT, &app.ledger_public_key)
        .expect("the checkpoint verifies")
}

/// Every entry through `/v1/log/entries`, for comparison.
async fn listed_entries<S, B>(app: &TestApp<S>) -> Vec<Value>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut items = Vec::new();
    let mut path = "/v1/log/entries?limit=1000".to_owned();
    loop {
        let page = app.get(&path, Some(&app.admin_token)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        items.extend(page.body["items"].as_array().unwrap().iter().cloned());
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/log/entries?limit=1000&cursor={cursor}"),
            None => break,
        }
    }
    items
}

/// Posts `batches` one-reading batches over HTTP.
async fn post_batches<S, B>(app: &TestApp<S>, batches: u32)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for day in 1..=batches {
        app.admin_post(
            "/v1/readings",
            json!({"batch_id": format!("tiles-{day}"), "station": "gubeikou-auto",
                   "readings": [{"section": "gubeikou", "sampled_at": format!("2025-07-{day:02}T08:00:00+08:00"),
                                 "values": {"tp": "0.02"}}]}),
        )
        .await;
    }
}

/// Appends `count` small entries in one write transaction, as any store writer would.
fn append_entries(pool: &store::Pool, count: u64) {
    let mut connection = pool.get().unwrap();
    store::write_transaction(&mut connection, |connection, log| {
        for number in 0..count {
            let entry = Entry::ReadingInvalidated(ReadingInvalidated {
                reading_id: number as i64 + 1_000_000,
                jurisdiction: None,
                reason: format!("tile test entry {number}"),
            });
            log.append(connection, "2026-12-01T00:00:00Z", &entry)?;
        }
        Ok(())
    })
    .unwrap();
}

#[actix_web::test]
async fn the_log_read_only_through_tiles_and_bundles_reproduces_every_checkpoint_root_and_entry() {
    let app = spawn_app().await;
    let auditor = app.token(Role::Auditor, None);
    app.register_chaobai().await;
    post_batches(&app, 5).await;
    let first = signed_checkpoint(&app).await;
    append_entries(&app.pool, APPENDED_ENTRIES);
    let second = signed_checkpoint(&app).await;
    assert_eq!(second.size, first.size + APPENDED_ENTRIES);
    assert!(second.size > 3 * 256 && second.size < 4 * 256);

    // Older checkpoints stay readable: their partial tiles are covered by the newest one.
    let mut downloaded = Downloaded::default();
    for checkpoint in [&first, &second] {
        download(&app, &auditor, checkpoint.size, &mut downloaded).await;
        let reader = TileReader::new(checkpoint.size, checkpoint.root, &downloaded);
        reader.verify_tree().unwrap();
        assert_eq!(
            tree::root(checkpoint.size, &reader).unwrap(),
            checkpoint.root
        );
    }

    let reader = TileReader::new(second.size, second.root, &downloaded);
    let leaves: Vec<Vec<u8>> = tree_bundles(second.size)
        .into_iter()
        .flat_map(|bundle| reader.entry_bundle(bundle.index()).unwrap())
        .collect();
    let listed = listed_entries(&app).await;
    assert_eq!(leaves.len(), listed.len());
    assert_eq!(leaves.len() as u64, second.size);
    for (index, (leaf, item)) in leaves.iter().zip(&listed).enumerate() {
        assert_eq!(
            std::str::from_utf8(leaf).unwrap(),
            item["leaf"].as_str().unwrap(),
            "entry {index}"
        );
        assert_eq!(item["index"], index as u64);
    }
    let leaf_hashes = reader
        .read_nodes(
            &(0..second.size)
                .map(|index| NodeId { level: 0, index })
                .collect::<Vec<_>>(),
        )
        .unwrap();
    for (hash, item) in leaf_hashes.iter().zip(&listed) {
        assert_eq!(hash_to_hex(hash), item["leaf_hash"].as_str().unwrap());
    }

    // The two checkpoints are consistent, proved from checked tiles alone.
    let proof = tree::consistency_proof(first.size, second.size, &reader).unwrap();
    verify_consistency(ConsistencyCheck {
        first_size: first.size,
        second_size: second.size,
        first_root: &first.root,
        second_root: &second.root,
        proof: &proof,
    })
    .unwrap();
    // And an inclusion proof from tiles is the server's own, for the signed size.
    let served = app
        .get(
            &format!(
                "/v1/log/proofs/inclusion?index=300&tree_size={}",
                second.size
            ),
            Some(&auditor),
        )
        .await;
    assert_eq!(served.status, 200, "{}", served.text);
    let from_tiles: Vec<String> = tree::inclusion_proof(300, second.size, &reader)
        .unwrap()
        .iter()
        .map(hash_to_hex)
        .collect();
    assert_eq!(served.body["hashes"], json!(from_tiles));
}

#[actix_web::test]
async fn a_tile_or_bundle_changed_on_the_way_or_in_the_database_is_refused() {
    let app = spawn_app().await;
    let auditor = app.token(Role::Auditor, None);
    app.register_chaobai().await;
    append_entries(&app.pool, 600);
    let checkpoint = signed_checkpoint(&app).await;
    let mut honest = Downloaded::default();
    download(&app, &auditor, checkpoint.size, &mut honest).await;

    // One flipped bit in level-0 tile 1, read for an index whose own hash is intact.
    let mut tampered = honest.clone();
    tampered.resources.get_mut("tile/0/001").unwrap()[7 * 32] ^= 0x01;
    let reader = TileReader::new(checkpoint.size, checkpoint.root, &tampered);
    let result = reader.read_nodes(&[NodeId {
        level: 0,
        index: 256 + 100,
    }]);
    assert!(
        matches!(&result, Err(TileReadError::TileMismatch { tile, .. }) if tile.to_string() == "0/001"),
        "{result:?}"
    );
    assert!(reader.verify_tree().is_err());

    // One changed byte in an entry of a bundle.
    let mut tampered = honest.clone();
    let bundle = tampered.resources.get_mut("tile/entries/000").unwrap();
    let last = bundle.len() - 2;
    bundle[last] ^= 0x01;
    let reader = TileReader::new(checkpoint.size, checkpoint.root, &tampered);
    assert!(matches!(
        reader.entry_bundle(0),
        Err(TileReadError::EntryMismatch { index: 255 })
    ));

    // A node row or a leaf altered in the database: the server refuses to serve them.
    {
        let mut connection = app.pool.get().unwrap();
        connection
            .batch_execute(&format!(
                "UPDATE log_nodes SET hash = '{}' WHERE level = 0 AND node_index = 3",
                "0".repeat(64)
            ))
            .unwrap();
        connection
            .batch_execute(
                "UPDATE log_entries SET leaf = REPLACE(leaf, 'entry 300', 'entry 999') WHERE entry_index = 306",
            )
            .unwrap();
    }
    for (path, what) in [
        ("/v1/log/tile/0/000", "log tile 0/000"),
        ("/v1/log/tile/entries/001", "log entry 306"),
    ] {
        let reply = app.get(path, Some(&auditor)).await;
        assert_eq!(reply.status, 500, "{path}: {}", reply.text);
        assert_eq!(reply.content_type, "application/problem+json");
        assert_eq!(reply.body["type"], "urn:basin-ledger:problem:integrity");
        assert!(
            reply.body["detail"].as_str().unwrap().contains(what),
            "{path}: {}",
            reply.text
        );
    }
}

#[actix_web::test]
async fn tiles_beyond_the_newest_signed_checkpoint_are_not_served() {
    let app = spawn_app().await;
    let auditor = app.token(Role::Auditor, None);
    app.register_chaobai().await;
    assert_eq!(signed_checkpoint(&app).await.size, 6);
    for (path, status) in [
        ("/v1/log/tile/0/000.p/6", 200),
        ("/v1/log/tile/0/000.p/3", 200),
        ("/v1/log/tile/entries/000.p/6", 200),
        ("/v1/log/tile/0/000.p/7", 404),
        ("/v1/log/tile/0/000", 404),
        ("/v1/log/tile/entries/000", 404),
        ("/v1/log/tile/1/000.p/1", 404),
        ("/v1/log/tile/0/001.p/1", 404),
        ("/v1/log/tile/7/000", 404),
        ("/v1/log/tile/63/x018/x446/x744/x073/x709/x551/615", 404),
        (
            "/v1/log/tile/0/x018/x446/x744/x073/x709/x551/615.p/255",
            404,
        ),
    ] {
        let reply = fetch(&app, path, &auditor).await;
        assert_eq!(
            reply.status,
            status,
            "{path}: {}",
            String::from_utf8_lossy(&reply.bytes)
        );
        if status == 404 {
            assert_eq!(reply.content_type, "application/problem+json", "{path}");
        }
    }
    // An older, narrower partial bundle is the prefix of the wider one.
    let narrow = fetch(&app, "/v1/log/tile/entries/000.p/3", &auditor).await;
    let wide = fetch(&app, "/v1/log/tile/entries/000.p/6", &auditor).await;
    assert!(wide.bytes.starts_with(&narrow.bytes) && narrow.bytes.len() < wide.bytes.len());

    // The log grows; the new entry is served once a checkpoint covers it.
    post_batches(&app, 1).await;
    assert_eq!(signed_checkpoint(&app).await.size, 7);
    assert_eq!(
        fetch(&app, "/v1/log/tile/0/000.p/7", &auditor).await.status,
        200
    );

    let anonymous = app.get("/v1/log/tile/0/000.p/7", None).await;
    assert_eq!(anonymous.status, 401);
}

#[actix_web::test]
async fn malformed_tile_paths_are_problems_naming_their_parameter() {
    let app = spawn_app().await;
    let auditor = app.token(Role::Auditor, None);
    app.register_chaobai().await;
    signed_checkpoint(&app).await;
    for (path, parameter) in [
        ("/v1/log/tile/00/000.p/1", "level"),
        ("/v1/log/tile/64/000", "level"),
        ("/v1/log/tile/-1/000", "level"),
        ("/v1/log/tile/x/000", "level"),
        ("/v1/log/tile/0/0", "index"),
        ("/v1/log/tile/0/0000", "index"),
        ("/v1/log/tile/0/x000/001", "index"),
        ("/v1/log/tile/0/001/002", "index"),
        ("/v1/log/tile/0/", "index"),
        ("/v1/log/tile/0/000.p/0", "index"),
        ("/v1/log/tile/0/000.p/256", "index"),
        ("/v1/log/tile/0/000.p/06", "index"),
        ("/v1/log/tile/0/000.p/1/2", "index"),
        ("/v1/log/tile/0/x018/x446/x744/x073/x709/x551/616", "index"),
        ("/v1/log/tile/entries/1", "index"),
        ("/v1/log/tile/entries/000.p/", "index"),
        ("/v1/log/tile/entries/x000/000", "index"),
    ] {
        let reply = app.get(path, Some(&auditor)).await;
        let named = reply.problem_pointers(422);
        assert_eq!(named, [parameter], "{path}: {}", reply.text);
    }
}
