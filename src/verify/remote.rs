//! The verifier's HTTP client: the keys, the checkpoint, entry bundles and evidence bundles,
//! with every request counted (a run reports what it fetched) and a 429 retried after its
//! `Retry-After`. A 503 on the checkpoint (a witness policy not yet met) is said plainly.

use std::io::Read;
use std::sync::Mutex;
use std::time::Duration;

use basin_audit::tile::TileIndex;
use serde::Serialize;

/// How often one request is retried after a 429 before the run gives up.
const RATE_LIMITED_RETRIES_MAX: u32 = 30;
/// A `Retry-After` longer than this is waited for only this long before retrying.
const RETRY_AFTER_SECONDS_MAX: u64 = 30;
/// The largest response read into memory: a full evidence bundle of large batches.
const RESPONSE_BYTES_MAX: u64 = 1 << 30;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("GET {path}: the ledger has no checkpoint that meets its witness policy yet (503); try again later")]
    NotYetPublished { path: String },
    #[error("GET {path}: status {status}: {body}")]
    Status {
        path: String,
        status: u16,
        body: String,
    },
    #[error("GET {path}: still rate limited after {RATE_LIMITED_RETRIES_MAX} retries")]
    RateLimited { path: String },
    #[error("GET {path}: {message}")]
    Transport { path: String, message: String },
}

/// What one run fetched.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FetchCounts {
    pub requests: u64,
    pub entry_bundles: u64,
    pub evidence_bundles: u64,
    pub retries_after_429: u64,
    pub bytes: u64,
}

pub struct Remote {
    agent: ureq::Agent,
    base: String,
    authorization: Option<String>,
    counts: Mutex<FetchCounts>,
}

impl Remote {
    pub fn new(url: &str, token: Option<&str>) -> Self {
        Self {
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(120))
                .build(),
            base: url.trim_end_matches('/').to_owned(),
            authorization: token.map(|token| format!("Bearer {token}")),
            counts: Mutex::new(FetchCounts::default()),
        }
    }

    pub fn counts(&self) -> FetchCounts {
        match self.counts.lock() {
            Ok(counts) => counts.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn count(&self, change: impl FnOnce(&mut FetchCounts)) {
        match self.counts.lock() {
            Ok(mut counts) => change(&mut counts),
            Err(poisoned) => change(&mut poisoned.into_inner()),
        }
    }

    /// The body of `GET path`, retrying a 429 after its `Retry-After` (1 s when absent).
    pub fn get_bytes(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        for _ in 0..=RATE_LIMITED_RETRIES_MAX {
            let mut request = self.agent.get(&format!("{}{path}", self.base));
            if let Some(authorization) = &self.authorization {
                request = request.set("Authorization", authorization);
            }
            self.count(|counts| counts.requests += 1);
            match request.call() {
                Ok(response) => {
                    let mut body = Vec::new();
                    response
                        .into_reader()
                        .take(RESPONSE_BYTES_MAX)
                        .read_to_end(&mut body)
                        .map_err(|error| FetchError::Transport {
                            path: path.to_owned(),
                            message: error.to_string(),
                        })?;
                    self.count(|counts| counts.bytes += body.len() as u64);
                    return Ok(body);
                }
                Err(ureq::Error::Status(429, response)) => {
                    let seconds = response
                        .header("Retry-After")
                        .and_then(|value| value.trim().parse::<u64>().ok())
                        .unwrap_or(1)
                        .clamp(1, RETRY_AFTER_SECONDS_MAX);
                    self.count(|counts| counts.retries_after_429 += 1);
                    std::thread::sleep(Duration::from_secs(seconds));
                }
                Err(ureq::Error::Status(503, _)) if path == CHECKPOINT_PATH => {
                    return Err(FetchError::NotYetPublished {
                        path: path.to_owned(),
                    })
                }
                Err(ureq::Error::Status(status, response)) => {
                    return Err(FetchError::Status {
                        path: path.to_owned(),
                        status,
                        body: response.into_string().unwrap_or_default(),
                    })
                }
                Err(error) => {
                    return Err(FetchError::Transport {
                        path: path.to_owned(),
                        message: error.to_string(),
                    })
                }
            }
        }
        Err(FetchError::RateLimited {
            path: path.to_owned(),
        })
    }

    pub fn get_json(&self, path: &str) -> Result<serde_json::Value, FetchError> {
        let bytes = self.get_bytes(path)?;
        serde_json::from_slice(&bytes).map_err(|error| FetchError::Transport {
            path: path.to_owned(),
            message: format!("not JSON: {error}"),
        })
    }

    pub fn checkpoint(&self) -> Result<String, FetchError> {
        let bytes = self.get_bytes(CHECKPOINT_PATH)?;
        String::from_utf8(bytes).map_err(|_| FetchError::Transport {
            path: CHECKPOINT_PATH.to_owned(),
            message: "the checkpoint is not UTF-8".to_owned(),
        })
    }

    pub fn entry_bundle(&self, bundle: TileIndex) -> Result<Vec<u8>, FetchError> {
        self.count(|counts| counts.entry_bundles += 1);
        self.get_bytes(&format!("/v1/log/tile/entries/{bundle}"))
    }

    pub fn evidence_bundle(&self, bundle: TileIndex) -> Result<Vec<u8>, FetchError> {
        self.count(|counts| counts.evidence_bundles += 1);
        self.get_bytes(&format!("/v1/log/evidence/{bundle}"))
    }
}

pub const CHECKPOINT_PATH: &str = "/v1/log/checkpoint";
