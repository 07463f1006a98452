//! The ledger as the poster sees it over HTTP: the station's section, and the signed
//! `POST /v1/readings` with the station's token (API.md, "Readings").

use std::time::Duration;

use basin_audit::messages::{readings_message, sign};
use sha2::{Digest, Sha256};

use super::stations::Station;

/// The longest `Retry-After` honoured as sent; longer ones are cut to this.
const RETRY_AFTER_SECONDS_MAX: u64 = 600;
const HTTP_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const HTTP_TIMEOUT: Duration = Duration::from_secs(60);
/// The most of a refusal's body kept in the spool and the log.
const DETAIL_BYTES_MAX: usize = 2_048;

/// What became of one post.
pub enum Posted {
    Done(u16),
    /// The ledger refused the batch for good (400, 409, 413, 422).
    Refused(u16, String),
    RetryAfter(Duration),
    Failed(String),
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

pub struct LedgerClient {
    agent: ureq::Agent,
    base_url: String,
}

impl LedgerClient {
    pub fn new(base_url: &str) -> Self {
        Self {
            agent: ureq::AgentBuilder::new()
                .timeout_connect(HTTP_CONNECT_TIMEOUT)
                .timeout(HTTP_TIMEOUT)
                .build(),
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The section the station serves (`GET /v1/stations/{code}`).
    pub fn station_section(&self, code: &str, token: &str) -> Result<String, String> {
        #[derive(serde::Deserialize)]
        struct StationBody {
            section: String,
        }
        self.agent
            .get(&self.url(&format!("/v1/stations/{code}")))
            .set("Authorization", &format!("Bearer {token}"))
            .call()
            .map_err(|error| error.to_string())?
            .into_json::<StationBody>()
            .map(|body| body.section)
            .map_err(|error| error.to_string())
    }

    /// Posts one batch body, signed with the station's key, with its token.
    pub fn post_batch(&self, station: &Station, body: &str) -> Posted {
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
