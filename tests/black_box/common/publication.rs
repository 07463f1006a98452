//! Waiting for publication: the server signs checkpoints in the background when the log grows
//! (at most once per interval), so a test that reads the checkpoint right after a write polls
//! until the published checkpoint covers the log. Polling has a generous deadline; no test
//! asserts how long publication takes.

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use basin_ledger::publish::PublishSettings;
use basin_ledger::store::log::head_size;

use super::TestApp;

/// In-process apps sign every 10 ms, so waiting stays short.
pub const TEST_PUBLISH_SETTINGS: PublishSettings = PublishSettings {
    checkpoint_interval: Duration::from_millis(10),
};

/// How long a test waits for a checkpoint before it fails.
pub const PUBLICATION_DEADLINE: Duration = Duration::from_secs(60);

/// The tree size a checkpoint note names (its second line).
pub fn note_size(note: &str) -> Option<u64> {
    note.lines().nth(1).and_then(|line| line.parse().ok())
}

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// The log's current size, read from the database.
    pub fn log_size(&self) -> u64 {
        head_size(&mut self.pool.get().expect("connection")).expect("log head")
    }

    /// Waits until `GET /v1/log/checkpoint` serves a checkpoint of at least `size` entries and
    /// returns its note.
    pub async fn checkpoint_covering(&self, size: u64) -> String {
        let started = Instant::now();
        loop {
            let reply = self.get("/v1/log/checkpoint", None).await;
            if reply.status == 200 && note_size(&reply.text).is_some_and(|found| found >= size) {
                return reply.text;
            }
            assert!(
                started.elapsed() < PUBLICATION_DEADLINE,
                "no checkpoint of size {size} was published: {} {}",
                reply.status,
                reply.text
            );
            actix_web::rt::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until the published checkpoint covers the whole log, and returns its note.
    pub async fn published_checkpoint(&self) -> String {
        let size = self.log_size();
        self.checkpoint_covering(size).await
    }
}

/// The same wait against a server at `base_url` (a spawned binary).
pub fn checkpoint_covering_over_http(base_url: &str, size: u64) -> String {
    let started = Instant::now();
    loop {
        if let Ok(response) = ureq::get(&format!("{base_url}/v1/log/checkpoint")).call() {
            let text = response.into_string().unwrap_or_default();
            if note_size(&text).is_some_and(|found| found >= size) {
                return text;
            }
        }
        assert!(
            started.elapsed() < PUBLICATION_DEADLINE,
            "no checkpoint of size {size} was published at {base_url}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The value of one Prometheus sample line (`name{labels}`, exactly as exposed), if present.
pub fn metric_value(exposition: &str, sample: &str) -> Option<f64> {
    exposition.lines().find_map(|line| {
        line.strip_prefix(sample)
            .and_then(|rest| rest.strip_prefix(' '))
            .and_then(|value| value.trim().parse().ok())
    })
}

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// Waits until the sample reaches at least `at_least` on `/metrics`.
    pub async fn metric_reaching(&self, sample: &str, at_least: f64) -> f64 {
        let started = Instant::now();
        loop {
            let text = self.get("/metrics", None).await.text;
            if let Some(value) = metric_value(&text, sample).filter(|value| *value >= at_least) {
                return value;
            }
            assert!(
                started.elapsed() < PUBLICATION_DEADLINE,
                "{sample} never reached {at_least}:\n{text}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
