//! The poster: a thread of its own that turns spooled readings into signed batches and posts
//! them to the ledger (API.md, "HJ 212 gateway"). A station's readings become a batch when
//! 1,000 are waiting or the oldest has waited `--flush-seconds`; the batch is frozen in the
//! spool before its first post, so every retry (after a timeout, a 5xx, a restart) sends the
//! same bytes under the same id and the ledger stores it once. While the ledger is down it
//! retries with capped exponential backoff, and it honours a 429's `Retry-After`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use basin_audit::messages::{readings_message, sign};
use sha2::{Digest, Sha256};

use super::body::{batch_body, SpooledReading};
use super::intake::Gateway;
use super::spool::{PendingBatch, Spool};
use super::stations::Station;

/// Most readings in one posted batch (the ledger takes up to 5,000).
pub const BATCH_READINGS_MAX: usize = 1_000;
/// How often the poster looks for due readings when there is nothing to do.
const POLL_INTERVAL: Duration = Duration::from_millis(200);
const BACKOFF_INITIAL: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// The longest `Retry-After` honoured as sent; longer ones are cut to this.
const RETRY_AFTER_SECONDS_MAX: u64 = 600;
const HTTP_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const HTTP_TIMEOUT: Duration = Duration::from_secs(60);
/// The most of a refusal's body kept in the spool and the log.
const DETAIL_BYTES_MAX: usize = 2_048;

pub struct PosterOptions {
    pub ledger_url: String,
    pub flush_seconds: u64,
}

enum Posted {
    Done(u16),
    /// The ledger refused the batch for good (400, 409, 413, 422).
    Refused(u16, String),
    RetryAfter(Duration),
    Failed(String),
}

struct Poster {
    gateway: Arc<Gateway>,
    spool: Spool,
    agent: ureq::Agent,
    options: PosterOptions,
    sections: HashMap<String, String>,
    backoff: Duration,
}

/// Runs for as long as the process does.
pub fn run_poster(gateway: Arc<Gateway>, spool: Spool, options: PosterOptions) {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(HTTP_CONNECT_TIMEOUT)
        .timeout(HTTP_TIMEOUT)
        .build();
    let mut poster = Poster {
        gateway,
        spool,
        agent,
        options,
        sections: HashMap::new(),
        backoff: BACKOFF_INITIAL,
    };
    loop {
        match poster.step() {
            Ok(true) => {}
            Ok(false) => std::thread::sleep(POLL_INTERVAL),
            Err(wait) => std::thread::sleep(wait),
        }
    }
}

fn truncated(mut text: String) -> String {
    if text.len() > DETAIL_BYTES_MAX {
        let mut end = DETAIL_BYTES_MAX;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

impl Poster {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.options.ledger_url.trim_end_matches('/'))
    }

    /// The next wait after a failure, doubling up to the cap.
    fn fail(&mut self, what: &str, error: &str) -> Duration {
        let wait = self.backoff;
        self.backoff = (self.backoff * 2).min(BACKOFF_MAX);
        self.gateway
            .metrics
            .batches
            .with_label_values(&["retried"])
            .inc();
        tracing::warn!(
            what,
            error,
            retry_in_ms = wait.as_millis() as u64,
            "ledger unreachable; retrying"
        );
        wait
    }

    /// Does one piece of work: `Ok(true)` when it did some, `Ok(false)` when there was none,
    /// `Err(wait)` when it must wait before trying again.
    fn step(&mut self) -> Result<bool, Duration> {
        let pending = self
            .spool
            .pending_batches()
            .map_err(|error| self.fail("reading the spool", &format!("{error:#}")))?;
        if let Some(batch) = pending.into_iter().next() {
            self.post_batch(&batch)?;
            return Ok(true);
        }
        let now = chrono::Utc::now().timestamp();
        let flush_seconds = i64::try_from(self.options.flush_seconds).unwrap_or(i64::MAX);
        let due = self
            .spool
            .due_stations(now, flush_seconds, BATCH_READINGS_MAX)
            .map_err(|error| self.fail("reading the spool", &format!("{error:#}")))?;
        let Some(code) = due.into_iter().next() else {
            return Ok(false);
        };
        let section = self.section(&code)?;
        let formed = self
            .spool
            .form_batch(&code, BATCH_READINGS_MAX, |texts| {
                let readings = texts
                    .iter()
                    .map(|text| serde_json::from_str::<SpooledReading>(text))
                    .collect::<Result<Vec<_>, _>>()?;
                batch_body(&code, &section, &readings)
            })
            .map_err(|error| self.fail("forming a batch", &format!("{error:#}")))?;
        if let Some(batch_id) = formed {
            tracing::info!(station = %code, %batch_id, "batch formed");
        }
        Ok(true)
    }

    fn station(&self, code: &str) -> Option<&Station> {
        self.gateway.stations.by_code(code)
    }

    /// The section the station serves, as the ledger says (asked once per station).
    fn section(&mut self, code: &str) -> Result<String, Duration> {
        if let Some(section) = self.sections.get(code) {
            return Ok(section.clone());
        }
        #[derive(serde::Deserialize)]
        struct StationBody {
            section: String,
        }
        let token = match self.station(code) {
            Some(station) => station.token.clone(),
            None => return Err(self.fail("station lookup", "station not in the stations file")),
        };
        let answer = self
            .agent
            .get(&self.url(&format!("/v1/stations/{code}")))
            .set("Authorization", &format!("Bearer {token}"))
            .call()
            .map_err(|error| error.to_string())
            .and_then(|response| {
                response
                    .into_json::<StationBody>()
                    .map_err(|error| error.to_string())
            });
        match answer {
            Ok(body) => {
                self.sections.insert(code.to_owned(), body.section.clone());
                Ok(body.section)
            }
            Err(error) => Err(self.fail("station lookup", &error)),
        }
    }

    fn post_batch(&mut self, batch: &PendingBatch) -> Result<(), Duration> {
        let outcome = match self.station(&batch.station) {
            Some(station) => self.send(station, &batch.body),
            None => Posted::Failed(format!(
                "station {} is not in the stations file",
                batch.station
            )),
        };
        let finish = |spool: &mut Spool, state, status, detail: Option<&str>| {
            spool.finish_batch(&batch.batch_id, state, status, detail)
        };
        match outcome {
            Posted::Done(status) => {
                self.backoff = BACKOFF_INITIAL;
                finish(&mut self.spool, "posted", status, None)
                    .map_err(|error| self.fail("recording a batch", &format!("{error:#}")))?;
                self.gateway
                    .metrics
                    .batches
                    .with_label_values(&["posted"])
                    .inc();
                tracing::info!(station = %batch.station, batch_id = %batch.batch_id, status, "batch posted");
                Ok(())
            }
            Posted::Refused(status, detail) => {
                finish(&mut self.spool, "rejected", status, Some(&detail))
                    .map_err(|error| self.fail("recording a batch", &format!("{error:#}")))?;
                self.gateway
                    .metrics
                    .batches
                    .with_label_values(&["rejected"])
                    .inc();
                tracing::error!(station = %batch.station, batch_id = %batch.batch_id, status, detail, "the ledger refused a batch; it stays in the spool");
                Ok(())
            }
            Posted::RetryAfter(wait) => {
                self.gateway
                    .metrics
                    .batches
                    .with_label_values(&["rate_limited"])
                    .inc();
                tracing::info!(wait_seconds = wait.as_secs(), "ledger rate limit; waiting");
                Err(wait)
            }
            Posted::Failed(error) => Err(self.fail("posting a batch", &error)),
        }
    }

    fn send(&self, station: &Station, body: &str) -> Posted {
        let digest = hex::encode(Sha256::digest(body.as_bytes()));
        let message = match readings_message(&digest) {
            Ok(message) => message,
            Err(error) => return Posted::Failed(error.to_string()),
        };
        let signature = sign(&message, &station.signing_key);
        let sent = self
            .agent
            .post(&self.url("/v1/readings"))
            .set("Authorization", &format!("Bearer {}", station.token))
            .set("Signature", &signature)
            .set("Content-Type", "application/json")
            .send_bytes(body.as_bytes());
        match sent {
            Ok(response) => Posted::Done(response.status()),
            Err(ureq::Error::Status(429, response)) => {
                let seconds = response
                    .header("Retry-After")
                    .and_then(|value| value.trim().parse::<u64>().ok())
                    .unwrap_or(1)
                    .clamp(1, RETRY_AFTER_SECONDS_MAX);
                Posted::RetryAfter(Duration::from_secs(seconds))
            }
            Err(ureq::Error::Status(status @ (400 | 409 | 413 | 422), response)) => {
                Posted::Refused(
                    status,
                    truncated(response.into_string().unwrap_or_default()),
                )
            }
            Err(ureq::Error::Status(status, _)) => Posted::Failed(format!("HTTP {status}")),
            Err(error) => Posted::Failed(error.to_string()),
        }
    }
}
