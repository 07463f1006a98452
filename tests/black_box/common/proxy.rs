//! A tiny HTTP proxy in front of a test server, standing for a hostile network or operator: it
//! counts requests, can change the bytes of chosen responses, and can stall for ever at the n-th
//! entry bundle (so that a client is caught half-way and killed).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Changes a response body: (request path, body).
pub type Tamper = Box<dyn Fn(&str, &mut Vec<u8>) + Send + Sync>;

struct Shared {
    upstream: String,
    tamper: Option<Tamper>,
    stall_at_entry_bundle: Option<usize>,
    /// Answers this status (with `Retry-After: 1`) instead of forwarding, this many times, to
    /// requests whose path starts with the prefix.
    refuse: Option<Refusal>,
    refused: AtomicUsize,
    entry_bundles: AtomicUsize,
    stalled: AtomicBool,
}

#[derive(Clone)]
pub struct Refusal {
    pub prefix: &'static str,
    pub status: u16,
    pub times: usize,
}

pub struct Proxy {
    pub base_url: String,
    shared: Arc<Shared>,
}

impl Proxy {
    pub fn start(
        upstream: &str,
        tamper: Option<Tamper>,
        stall_at_entry_bundle: Option<usize>,
    ) -> Self {
        Self::start_refusing(upstream, tamper, stall_at_entry_bundle, None)
    }

    pub fn start_refusing(
        upstream: &str,
        tamper: Option<Tamper>,
        stall_at_entry_bundle: Option<usize>,
        refuse: Option<Refusal>,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            upstream: upstream.to_owned(),
            tamper,
            stall_at_entry_bundle,
            refuse,
            refused: AtomicUsize::new(0),
            entry_bundles: AtomicUsize::new(0),
            stalled: AtomicBool::new(false),
        });
        let accepting = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let shared = accepting.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        Self { base_url, shared }
    }

    /// Whether a request reached the stall point.
    pub fn stalled(&self) -> bool {
        self.shared.stalled.load(Ordering::SeqCst)
    }
}

fn serve(stream: TcpStream, shared: &Shared) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("authorization") {
                authorization = Some(value.trim().to_owned());
            }
        }
    }
    let path = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
    if path.starts_with("/v1/log/tile/entries/") {
        let number = shared.entry_bundles.fetch_add(1, Ordering::SeqCst) + 1;
        if shared
            .stall_at_entry_bundle
            .is_some_and(|stall| number >= stall)
        {
            shared.stalled.store(true, Ordering::SeqCst);
            loop {
                std::thread::sleep(Duration::from_secs(60));
            }
        }
    }
    if let Some(refusal) = &shared.refuse {
        if path.starts_with(refusal.prefix)
            && shared.refused.fetch_add(1, Ordering::SeqCst) < refusal.times
        {
            let body = "{\"type\":\"about:blank\",\"status\":0}";
            let head = format!(
                "HTTP/1.1 {} Refused\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
                refusal.status,
                body.len()
            );
            let mut stream = stream;
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
            return;
        }
    }
    let mut request = ureq::get(&format!("{}{path}", shared.upstream));
    if let Some(authorization) = &authorization {
        request = request.set("Authorization", authorization);
    }
    let response = match request.call() {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(_) => return,
    };
    let status = response.status();
    let retry_after = response.header("Retry-After").map(str::to_owned);
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut body).unwrap();
    if let Some(tamper) = &shared.tamper {
        tamper(&path, &mut body);
    }
    let mut head = format!(
        "HTTP/1.1 {status} Proxied\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(seconds) = retry_after {
        head.push_str(&format!("Retry-After: {seconds}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = stream;
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}
