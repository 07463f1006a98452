//! Slow and oversized clients do not hang the server: with more trickling connections open than
//! the server has worker threads, ordinary requests are still answered, and an oversized header
//! is refused instead of being buffered.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::server_process::ServerProcess;

fn address(server: &ServerProcess) -> String {
    server.base_url.trim_start_matches("http://").to_owned()
}

#[test]
fn trickling_clients_do_not_block_other_requests() {
    let directory = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(directory.path(), &[]);
    // Far more half-sent requests than worker threads (one per core).
    let mut slow: Vec<TcpStream> = (0..64)
        .map(|_| {
            let mut stream = TcpStream::connect(address(&server)).unwrap();
            stream
                .write_all(b"POST /v1/readings HTTP/1.1\r\nHost: x\r\nContent-Le")
                .unwrap();
            stream
        })
        .collect();
    let started = Instant::now();
    let health = ureq::get(&format!("{}/healthz", server.base_url))
        .timeout(Duration::from_secs(5))
        .call()
        .unwrap();
    assert_eq!(health.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(5));
    // A body that never finishes arriving does not hold the server either.
    let mut stalled_body = TcpStream::connect(address(&server)).unwrap();
    stalled_body
        .write_all(b"POST /v1/basins HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"code\":")
        .unwrap();
    let health = ureq::get(&format!("{}/healthz", server.base_url))
        .timeout(Duration::from_secs(5))
        .call()
        .unwrap();
    assert_eq!(health.status(), 200);
    // The server cuts off a client that never completes its request head (10 s limit).
    let first = &mut slow[0];
    first
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut buffer = [0_u8; 256];
    let waited = Instant::now();
    let read = first.read(&mut buffer).unwrap_or(0);
    let answer = String::from_utf8_lossy(&buffer[..read]);
    assert!(
        read == 0 || answer.starts_with("HTTP/1.1 408"),
        "the slow client is closed or told 408: {answer}"
    );
    assert!(
        waited.elapsed() < Duration::from_secs(25),
        "closed by the server's timeout, not ours"
    );
    assert!(server.terminate());
}

#[test]
fn an_oversized_header_is_refused_without_hanging() {
    let directory = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(directory.path(), &[]);
    let mut stream = TcpStream::connect(address(&server)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let huge = "a".repeat(256 * 1024);
    let request =
        format!("GET /v1/basins HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {huge}\r\n\r\n");
    // The server may close the connection before we finish writing; that is a refusal too.
    let _ = stream.write_all(request.as_bytes());
    let mut buffer = [0_u8; 256];
    let read = stream.read(&mut buffer).unwrap_or(0);
    let answer = String::from_utf8_lossy(&buffer[..read]);
    assert!(
        read == 0
            || answer.starts_with("HTTP/1.1 431")
            || answer.starts_with("HTTP/1.1 400")
            || answer.starts_with("HTTP/1.1 401"),
        "{answer}"
    );
    let health = ureq::get(&format!("{}/healthz", server.base_url))
        .timeout(Duration::from_secs(5))
        .call()
        .unwrap();
    assert_eq!(health.status(), 200, "the server is still serving");
    assert!(server.terminate());
}
