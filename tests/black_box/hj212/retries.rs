//! The poster against a ledger that answers 429 with `Retry-After`, then 503, then 201: it
//! waits, retries, and every attempt carries the same bytes under the same batch id, signed
//! by the station's key, with the station's token.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;

use basin_audit::messages::{readings_message, verify_signature};
use sha2::{Digest, Sha256};

use crate::common::hj212::{
    exchange, frame, hourly_segment, Gateway, StationFiles, DEADLINE, MN, PW,
};
use crate::common::server_process::free_port;

/// One request as the fake ledger saw it.
struct Seen {
    request_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map_or(0, |(_, value)| value.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        request_line: request_line.trim_end().to_owned(),
        headers,
        body,
    })
}

/// Serves `answers` in order to POST /v1/readings (GET /v1/stations/… always finds the section).
fn fake_ledger(listener: TcpListener, answers: Vec<&'static str>, seen: mpsc::Sender<Seen>) {
    let mut answers = answers.into_iter();
    for stream in listener.incoming() {
        let mut stream = stream.unwrap();
        while let Some(request) = read_request(&mut stream) {
            let response = if request
                .request_line
                .starts_with("GET /v1/stations/gubeikou-auto ")
            {
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n{\"section\":\"gubeikou\"}".to_owned()
            } else {
                answers
                    .next()
                    .unwrap_or("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")
                    .to_owned()
            };
            stream.write_all(response.as_bytes()).unwrap();
            let _ = seen.send(request);
        }
    }
}

#[test]
fn a_rate_limited_or_failing_ledger_gets_the_same_signed_batch_again_until_it_takes_it() {
    let files = StationFiles::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let ledger_url = format!("http://{}", listener.local_addr().unwrap());
    let stations = files.write_stations("blt_station_token");
    let (sender, seen) = mpsc::channel();
    std::thread::spawn(move || {
        fake_ledger(
            listener,
            vec![
                "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            ],
            sender,
        )
    });
    let port = free_port();
    let gateway = Gateway::start(
        &stations,
        &files.directory.path().join("spool"),
        &ledger_url,
        port,
        &[],
    );
    let mut logger = TcpStream::connect(gateway.address()).unwrap();
    let packet = frame(&hourly_segment(MN, PW, "20250701080000", 5));
    assert!(exchange(&mut logger, &packet, DEADLINE).contains("CN=9014"));

    let mut posts = Vec::new();
    while posts.len() < 3 {
        let request = seen
            .recv_timeout(DEADLINE)
            .expect("the gateway posts again");
        if request.request_line.starts_with("POST /v1/readings ") {
            posts.push(request);
        }
    }
    assert_eq!(
        gateway.wait_for_metric("basin_ledger_hj212_batches_total{outcome=\"posted\"}", 1),
        1
    );
    assert_eq!(
        gateway.metric("basin_ledger_hj212_batches_total{outcome=\"rate_limited\"}"),
        1
    );
    assert_eq!(
        gateway.metric("basin_ledger_hj212_batches_total{outcome=\"retried\"}"),
        1
    );
    let body: serde_json::Value = serde_json::from_slice(&posts[0].body).unwrap();
    assert_eq!(
        body["readings"],
        serde_json::json!([{"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00",
                            "values": {"nh3n": "0.270", "ph": "7.61"}}])
    );
    let public_key = basin_audit::messages::parse_public_key_base64(&files.public_key).unwrap();
    for post in &posts {
        assert_eq!(
            post.body, posts[0].body,
            "every attempt sends the same bytes"
        );
        let header = |name: &str| {
            post.headers
                .iter()
                .find(|(header, _)| header == name)
                .map(|(_, value)| value.clone())
                .unwrap()
        };
        assert_eq!(header("authorization"), "Bearer blt_station_token");
        let digest = hex::encode(Sha256::digest(&post.body));
        let message = readings_message(&digest).unwrap();
        verify_signature(&message, &public_key, &header("signature")).unwrap();
    }
}
