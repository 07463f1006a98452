//! Durable appends per second: one-reading batches posted by 1, 16 and 64 concurrent keep-alive
//! clients to the release server (a child process, `synchronous = FULL` on SQLite), each client
//! waiting for its 201 before it posts again. Every 201 is a committed batch and log entry, so
//! this is the rate group commit has to raise. All three rates come from the same run.
//!
//! The clients are connections, not threads: one thread drives every connection (tokio, a
//! current-thread runtime), because the load generator shares the machine's cores with the
//! server, and 64 blocking client threads cost it more CPU than the appends they measure. Each
//! connection still has one request in flight at a time and posts again only after its 201.
//!
//!   cargo bench --bench appends                       # SQLite, 5 s per client count
//!   APPENDS_SECONDS=20 cargo bench --bench appends
//!   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench appends

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

#[path = "../tests/black_box/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::server_process::ServerProcess;
use common::TestDatabase;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CLIENT_COUNTS: [usize; 3] = [1, 16, 64];
/// Each client's readings are this many seconds apart from the next client's, so no two
/// readings of the one station share a `sampled_at`.
const SECONDS_PER_CLIENT: i64 = 1_000_000;

fn main() {
    let seconds: u64 = std::env::var("APPENDS_SECONDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(5);
    let database = TestDatabase::new();
    let url = match &database.url {
        basin_ledger::store::DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
        basin_ledger::store::DatabaseUrl::Postgres(url) => url.clone(),
    };
    let directory = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(
        directory.path(),
        &[
            ("DATABASE_URL", &url),
            ("RATE_LIMIT_PER_SECOND", "1000000"),
            ("RATE_LIMIT_BURST", "1000000"),
        ],
    );
    let token = server
        .stdout_so_far()
        .iter()
        .find_map(|line| line.split("store it now): ").nth(1).map(str::to_owned))
        .expect("admin token");
    let base = server.base_url.clone();
    let post = |path: &str, body: serde_json::Value| {
        ureq::post(&format!("{base}{path}"))
            .set("Authorization", &format!("Bearer {token}"))
            .send_json(body)
            .expect(path);
    };
    post("/v1/jurisdictions", json!({"code": "BJ", "name": "北京市"}));
    post("/v1/jurisdictions", json!({"code": "HE", "name": "河北省"}));
    post("/v1/basins", json!({"code": "chaobai", "name": "潮白河"}));
    post(
        "/v1/sections",
        json!({"code": "gubeikou", "name": "古北口", "basin": "chaobai", "river": "潮河",
               "water_body": "river", "target_class": "II", "upstream": "HE", "downstream": "BJ"}),
    );
    post(
        "/v1/stations",
        json!({"code": "gubeikou-auto", "name": "古北口自动站", "section": "gubeikou"}),
    );

    let address = base.trim_start_matches("http://").to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let mut first_client = 0;
    for clients in CLIENT_COUNTS {
        let appended = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, elapsed) = runtime.block_on(async {
            let connections: Vec<_> = (first_client..first_client + clients)
                .map(|client| {
                    let (address, token) = (address.clone(), token.clone());
                    let (appended, stop) = (Arc::clone(&appended), Arc::clone(&stop));
                    tokio::spawn(post_until_stopped(client, address, token, appended, stop))
                })
                .collect();
            let started = Instant::now();
            let stopper = Arc::clone(&stop);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(seconds));
                stopper.store(true, Ordering::Relaxed);
            });
            for connection in connections {
                connection.await.unwrap();
            }
            (appended.load(Ordering::Relaxed), started.elapsed())
        });
        println!(
            "durable appends on {}: {clients:>2} clients, {count} one-reading batches in {} ms = {} appends/s",
            database.url.backend_name(),
            elapsed.as_millis(),
            u128::from(count) * 1_000_000 / elapsed.as_micros().max(1)
        );
        first_client += clients;
    }
    assert!(server.terminate(), "the server stops cleanly");
}

/// One client: a keep-alive connection posting one-reading batches, each after the 201 of the
/// one before, until `stop`.
async fn post_until_stopped(
    client: usize,
    address: String,
    token: String,
    appended: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
) {
    let mut stream = TcpStream::connect(&address).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let start = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00+08:00").unwrap()
        + chrono::Duration::seconds(client as i64 * SECONDS_PER_CLIENT);
    let mut response = Vec::with_capacity(1024);
    let mut number = 0_i64;
    while !stop.load(Ordering::Relaxed) {
        let sampled_at = (start + chrono::Duration::seconds(number)).to_rfc3339();
        let body = json!({"batch_id": format!("c{client}-{number}"), "station": "gubeikou-auto",
            "readings": [{"section": "gubeikou", "sampled_at": sampled_at, "values": {"ph": "7.62"}}]})
        .to_string();
        let request = format!(
            "POST /v1/readings HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let status = read_response(&mut stream, &mut response).await;
        assert_eq!(
            status,
            201,
            "client {client}: {}",
            String::from_utf8_lossy(&response)
        );
        appended.fetch_add(1, Ordering::Relaxed);
        number += 1;
    }
}

/// Reads one HTTP/1.1 response with a `Content-Length` body into `buffer`; returns its status.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> u16 {
    buffer.clear();
    let header_end = loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        read_more(stream, buffer).await;
    };
    let head = std::str::from_utf8(&buffer[..header_end])
        .unwrap()
        .to_owned();
    let status: u16 = head[9..12].parse().unwrap();
    let body_bytes: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().unwrap())
        })
        .expect("a Content-Length header");
    while buffer.len() < header_end + body_bytes {
        read_more(stream, buffer).await;
    }
    assert_eq!(
        buffer.len(),
        header_end + body_bytes,
        "one response at a time"
    );
    status
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) {
    let mut chunk = [0_u8; 4096];
    let read = stream.read(&mut chunk).await.unwrap();
    assert!(read > 0, "the server closed the connection");
    buffer.extend_from_slice(&chunk[..read]);
}
