//! The poster: a thread of its own that turns spooled readings into signed batches and posts
//! them to the ledger (API.md, "HJ 212 gateway"). A station's readings become a batch when
//! 1,000 are waiting or the oldest has waited `--flush-seconds`; the batch is frozen in the
//! spool before its first post, so every retry (after a timeout, a 5xx, a restart) sends the
//! same bytes under the same id and the ledger stores it once. While the ledger is down it
//! retries with capped exponential backoff, and it honours a 429's `Retry-After`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::body::{batch_body, SpooledReading};
use super::intake::Gateway;
use super::ledger_client::{LedgerClient, Posted};
use super::spool::{PendingBatch, Spool};
use super::stations::Station;

/// Most readings in one posted batch (the ledger takes up to 5,000).
pub const BATCH_READINGS_MAX: usize = 1_000;
/// How often the poster looks for due readings when there is nothing to do.
const POLL_INTERVAL: Duration = Duration::from_millis(200);
const BACKOFF_INITIAL: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

pub struct PosterOptions {
    pub ledger_url: String,
    pub flush_seconds: u64,
}

struct Poster {
    gateway: Arc<Gateway>,
    spool: Spool,
    ledger: LedgerClient,
    options: PosterOptions,
    sections: HashMap<String, String>,
    /// Per station, so that one station the ledger refuses to hear (not registered yet, a
    /// revoked token) does not hold up the others.
    backoff: HashMap<String, Duration>,
    waiting_until: HashMap<String, Instant>,
}

/// Runs for as long as the process does.
pub fn run_poster(gateway: Arc<Gateway>, spool: Spool, options: PosterOptions) {
    let ledger = LedgerClient::new(&options.ledger_url);
    let mut poster = Poster {
        gateway,
        spool,
        ledger,
        options,
        sections: HashMap::new(),
        backoff: HashMap::new(),
        waiting_until: HashMap::new(),
    };
    loop {
        match poster.step() {
            Ok(true) => {}
            Ok(false) => std::thread::sleep(POLL_INTERVAL),
            Err(wait) => std::thread::sleep(wait),
        }
    }
}

impl Poster {
    /// Whether the station's last failure has been waited out.
    fn ready(&self, station: &str) -> bool {
        self.waiting_until
            .get(station)
            .is_none_or(|until| *until <= Instant::now())
    }

    fn wait(&mut self, station: &str, wait: Duration) {
        self.waiting_until
            .insert(station.to_owned(), Instant::now() + wait);
    }

    /// Records a failure for `station`: the next attempt waits, doubling up to the cap.
    fn fail(&mut self, station: &str, what: &str, error: &str) {
        let backoff = self
            .backoff
            .entry(station.to_owned())
            .or_insert(BACKOFF_INITIAL);
        let wait = *backoff;
        *backoff = (wait * 2).min(BACKOFF_MAX);
        self.wait(station, wait);
        self.gateway
            .metrics
            .batches
            .with_label_values(&["retried"])
            .inc();
        tracing::warn!(
            station,
            what,
            error,
            retry_in_ms = wait.as_millis() as u64,
            "ledger unreachable or refusing; retrying"
        );
    }

    fn spool_failed(error: &dyn std::fmt::Display) -> Duration {
        tracing::error!(error = %error, "cannot read the spool");
        BACKOFF_MAX
    }

    /// Does one piece of work: `Ok(true)` when it did (or tried) some, `Ok(false)` when there
    /// was none, `Err(wait)` when the spool itself failed.
    fn step(&mut self) -> Result<bool, Duration> {
        let pending = self
            .spool
            .pending_batches()
            .map_err(|error| Self::spool_failed(&error))?;
        // A station has at most one batch waiting; post the oldest of a station not waiting.
        if let Some(batch) = pending.into_iter().find(|batch| self.ready(&batch.station)) {
            self.post_batch(&batch);
            return Ok(true);
        }
        let now = chrono::Utc::now().timestamp();
        let flush_seconds = i64::try_from(self.options.flush_seconds).unwrap_or(i64::MAX);
        let due = self
            .spool
            .due_stations(now, flush_seconds, BATCH_READINGS_MAX)
            .map_err(|error| Self::spool_failed(&error))?;
        let Some(code) = due.into_iter().find(|code| self.ready(code)) else {
            return Ok(false);
        };
        let Some(section) = self.section(&code) else {
            return Ok(true);
        };
        let formed = self
            .spool
            .form_batch(&code, BATCH_READINGS_MAX, |texts| {
                let readings = texts
                    .iter()
                    .map(|text| serde_json::from_str::<SpooledReading>(text))
                    .collect::<Result<Vec<_>, _>>()?;
                batch_body(&code, &section, &readings)
            })
            .map_err(|error| Self::spool_failed(&format!("{error:#}")))?;
        if let Some(batch_id) = formed {
            tracing::info!(station = %code, %batch_id, "batch formed");
        }
        Ok(true)
    }

    fn station(&self, code: &str) -> Option<&Station> {
        self.gateway.stations.by_code(code)
    }

    /// The section the station serves, as the ledger says (asked once per station).
    fn section(&mut self, code: &str) -> Option<String> {
        if let Some(section) = self.sections.get(code) {
            return Some(section.clone());
        }
        let token = match self.station(code) {
            Some(station) => station.token.clone(),
            None => {
                self.fail(code, "station lookup", "station not in the stations file");
                return None;
            }
        };
        let answer = self.ledger.station_section(code, &token);
        match answer {
            Ok(body) => {
                self.sections.insert(code.to_owned(), body.clone());
                Some(body)
            }
            Err(error) => {
                self.fail(code, "station lookup", &error);
                None
            }
        }
    }

    fn post_batch(&mut self, batch: &PendingBatch) {
        let outcome = match self.station(&batch.station) {
            Some(station) => self.ledger.post_batch(station, &batch.body),
            None => Posted::Failed(format!(
                "station {} is not in the stations file",
                batch.station
            )),
        };
        let (state, status, detail) = match outcome {
            Posted::Done(status) => ("posted", status, None),
            Posted::Refused(status, detail) => ("rejected", status, Some(detail)),
            Posted::RetryAfter(wait) => {
                self.gateway
                    .metrics
                    .batches
                    .with_label_values(&["rate_limited"])
                    .inc();
                tracing::info!(
                    station = %batch.station,
                    wait_seconds = wait.as_secs(),
                    "ledger rate limit; waiting"
                );
                self.wait(&batch.station, wait);
                return;
            }
            Posted::Failed(error) => {
                self.fail(&batch.station, "posting a batch", &error);
                return;
            }
        };
        if let Err(error) =
            self.spool
                .finish_batch(&batch.batch_id, state, status, detail.as_deref())
        {
            // Posted again later: the ledger answers a replay with its first receipt.
            tracing::error!(error = format!("{error:#}"), "cannot record a posted batch");
            self.wait(&batch.station, BACKOFF_MAX);
            return;
        }
        self.backoff.remove(&batch.station);
        self.gateway
            .metrics
            .batches
            .with_label_values(&[state])
            .inc();
        match detail {
            None => tracing::info!(
                station = %batch.station, batch_id = %batch.batch_id, status, "batch posted"
            ),
            Some(detail) => tracing::error!(
                station = %batch.station, batch_id = %batch.batch_id, status, detail,
                "the ledger refused a batch for good; it stays in the spool"
            ),
        }
    }
}
