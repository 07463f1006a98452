//! One thread per witness of the policy: it sends the newest signed checkpoint with a
//! consistency proof from the size that witness cosigned last (learned from its 409 and
//! proved again), verifies and stores the cosignature, and publishes the checkpoint once the
//! stored cosignatures meet the quorum. Failures are logged and counted, and retried after at
//! most `WITNESS_RETRY_SECONDS_MAX`; they never reach a writer.

use std::time::Duration;

use basin_audit::note::{parse_note, verify_cosignature};
use basin_audit::policy::{add_checkpoint_body, parse_tree_size_body, plan_submission, Submission};
use basin_audit::policy::PolicyWitness;
use basin_audit::tree;

use super::served::with_cosignatures;
use super::{Context, WITNESS_RETRY_SECONDS_MAX};
use crate::model::time::utc_text;
use crate::store::log::checkpoints::{self, SignedCheckpoint};
use crate::store::log::{publication, DatabaseNodes};
use crate::store::{AnyConnection, StoreError};

/// Connecting to a witness may take this long.
const WITNESS_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// A whole add-checkpoint request may take this long.
const WITNESS_REQUEST_TIMEOUT: Duration = Duration::from_secs(8);
/// A witness answers with a few signature lines; more is refused.
const WITNESS_RESPONSE_BYTES_MAX: u64 = 64 * 1024;
/// Requests per round: the first, and a re-proof after each 409 (bounded).
const SUBMISSION_ATTEMPTS_MAX: usize = 3;

#[derive(Debug, thiserror::Error)]
enum RoundError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("the witness is unreachable: {0}")]
    Unreachable(String),
    #[error("the witness refused the checkpoint of size {size} with status {status}: {body}")]
    Refused { size: u64, status: u16, body: String },
    #[error("the witness cosigned size {witness_size}, beyond this log's newest checkpoint {size}")]
    WitnessAhead { witness_size: u64, size: u64 },
    #[error("the witness's answer is not a valid cosignature: {0}")]
    BadCosignature(String),
    #[error("the witness kept answering 409")]
    Conflicts,
}

impl RoundError {
    fn outcome(&self) -> String {
        match self {
            Self::Store(_) => "store_error".into(),
            Self::Unreachable(_) => "unreachable".into(),
            Self::Refused { status, .. } => format!("refused_{status}"),
            Self::WitnessAhead { .. } => "witness_ahead".into(),
            Self::BadCosignature(_) => "bad_cosignature".into(),
            Self::Conflicts => "conflicts".into(),
        }
    }
}

pub fn run(context: &Context, index: usize) {
    let Some(witness) = context
        .policy
        .as_ref()
        .and_then(|policy| policy.policy.witnesses().get(index))
        .cloned()
    else {
        return;
    };
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(WITNESS_CONNECT_TIMEOUT)
        .timeout(WITNESS_REQUEST_TIMEOUT)
        .build();
    let healthy_wait = context.settings.checkpoint_interval;
    let mut known_size: Option<u64> = None;
    let mut latest_size: Option<u64> = None;
    let mut seen = 0;
    let mut failures: u32 = 0;
    loop {
        let result = round(context, &agent, &witness, &mut known_size, &mut latest_size);
        if let (Some(cosigned), Some(latest)) = (known_size, latest_size) {
            set_gauges(context, &witness, cosigned, latest);
        }
        let wait = match result {
            Ok(()) => {
                failures = 0;
                healthy_wait
            }
            Err(error) => {
                failures = failures.saturating_add(1);
                count(context, &witness, &error.outcome());
                tracing::warn!(witness = %witness.name, %error, "witness submission failed");
                retry_delay(healthy_wait, failures)
            }
        };
        match context.signed.wait(seen, wait) {
            Some(generation) => seen = generation,
            None => return,
        }
    }
}

/// Doubling from the interval after each failure, at most `WITNESS_RETRY_SECONDS_MAX`.
fn retry_delay(interval: Duration, failures: u32) -> Duration {
    let doubled = interval.saturating_mul(1 << failures.min(16));
    doubled.min(Duration::from_secs(WITNESS_RETRY_SECONDS_MAX))
}

fn count(context: &Context, witness: &PolicyWitness, outcome: &str) {
    context
        .metrics
        .submissions
        .with_label_values(&[&witness.name, outcome])
        .inc();
}

fn round(
    context: &Context,
    agent: &ureq::Agent,
    witness: &PolicyWitness,
    known_size: &mut Option<u64>,
    latest_size: &mut Option<u64>,
) -> Result<(), RoundError> {
    let mut connection = context.pool.get().map_err(StoreError::from)?;
    let Some(latest) = checkpoints::latest_signed(&mut connection, &context.key)? else {
        return Ok(());
    };
    *latest_size = Some(latest.tree_size);
    if known_size.is_none() {
        *known_size = publication::last_cosigned_size(&mut connection, &witness.name)?;
    }
    let cosigned = publication::cosignatures(&mut connection, latest.tree_size)?
        .iter()
        .any(|stored| stored.witness == witness.name);
    if !cosigned {
        let mut witness_size = known_size.unwrap_or(0);
        let mut attempts = 0;
        loop {
            attempts += 1;
            match submit(&mut connection, agent, witness, &latest, witness_size)? {
                Answer::Cosigned(line, timestamp) => {
                    let stored = publication::StoredCosignature {
                        witness: witness.name.clone(),
                        signature_line: line,
                        cosigned_at: timestamp,
                    };
                    publication::store_cosignature(&mut connection, latest.tree_size, &stored)?;
                    count(context, witness, "cosigned");
                    break;
                }
                Answer::Conflict(size) => {
                    count(context, witness, "conflict");
                    *known_size = Some(size);
                    witness_size = size;
                    if attempts == SUBMISSION_ATTEMPTS_MAX {
                        return Err(RoundError::Conflicts);
                    }
                }
            }
        }
    }
    *known_size = Some(latest.tree_size);
    publish_if_quorum(context, &mut connection, &latest)
}

fn set_gauges(context: &Context, witness: &PolicyWitness, cosigned_size: u64, latest_size: u64) {
    let gauge = |value: u64| i64::try_from(value).unwrap_or(i64::MAX);
    context
        .metrics
        .cosigned_size
        .with_label_values(&[&witness.name])
        .set(gauge(cosigned_size));
    context
        .metrics
        .lag_entries
        .with_label_values(&[&witness.name])
        .set(gauge(latest_size.saturating_sub(cosigned_size)));
}

enum Answer {
    Cosigned(String, u64),
    Conflict(u64),
}

/// One add-checkpoint request for `latest`, proved from `witness_size`.
fn submit(
    connection: &mut AnyConnection,
    agent: &ureq::Agent,
    witness: &PolicyWitness,
    latest: &SignedCheckpoint,
    witness_size: u64,
) -> Result<Answer, RoundError> {
    let (old_size, with_proof) = match plan_submission(witness_size, latest.tree_size) {
        Submission::Send { old_size, proof } => (old_size, proof),
        Submission::WitnessAhead { witness_size } => {
            return Err(RoundError::WitnessAhead {
                witness_size,
                size: latest.tree_size,
            })
        }
    };
    // The witness judges the proof: it is sent as the store computes it, so a rewritten
    // history reaches the witness, which refuses it.
    let proof = if with_proof {
        tree::consistency_proof(old_size, latest.tree_size, &DatabaseNodes::new(connection))
            .map_err(StoreError::from)?
    } else {
        Vec::new()
    };
    let body = add_checkpoint_body(old_size, &proof, &latest.note);
    let url = format!(
        "{}/add-checkpoint",
        witness.url.as_deref().unwrap_or_default()
    );
    let response = match agent
        .post(&url)
        .set("Content-Type", "text/plain; charset=utf-8")
        .send_string(&body)
    {
        Ok(response) => response,
        Err(ureq::Error::Status(409, response)) => {
            let text = read_text(response)?;
            return parse_tree_size_body(&text)
                .map(Answer::Conflict)
                .ok_or_else(|| RoundError::Refused {
                    size: latest.tree_size,
                    status: 409,
                    body: text,
                });
        }
        Err(ureq::Error::Status(status, response)) => {
            return Err(RoundError::Refused {
                size: latest.tree_size,
                status,
                body: read_text(response)?.trim_end().chars().take(200).collect(),
            })
        }
        Err(ureq::Error::Transport(error)) => return Err(RoundError::Unreachable(error.to_string())),
    };
    let text = read_text(response)?;
    let checkpoint_text = parse_note(&latest.note)
        .map_err(|error| RoundError::BadCosignature(error.to_string()))?
        .text;
    // Keep the one line that verifies with this witness's key; others are ignored.
    for line in text.split_inclusive('\n') {
        if let Ok(timestamp) =
            verify_cosignature(&checkpoint_text, line, &witness.key_name, &witness.public_key)
        {
            return Ok(Answer::Cosigned(line.to_owned(), timestamp));
        }
    }
    Err(RoundError::BadCosignature(
        "no line verifies with the witness's key".to_owned(),
    ))
}

fn read_text(response: ureq::Response) -> Result<String, RoundError> {
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(response.into_reader(), WITNESS_RESPONSE_BYTES_MAX),
        &mut text,
    )
    .map_err(|error| RoundError::Unreachable(error.to_string()))?;
    Ok(text)
}

/// Publishes `latest` once its stored, verified cosignatures meet the quorum.
fn publish_if_quorum(
    context: &Context,
    connection: &mut AnyConnection,
    latest: &SignedCheckpoint,
) -> Result<(), RoundError> {
    let Some(policy) = context.policy.as_deref() else {
        return Ok(());
    };
    if publication::is_published(connection, latest.tree_size)? {
        return Ok(());
    }
    let note = with_cosignatures(connection, policy, latest)?;
    let (_, cosigners) = policy
        .policy
        .cosigners_of(&note)
        .map_err(|error| RoundError::BadCosignature(error.to_string()))?;
    if policy.policy.quorum_met(|index| cosigners.contains(&index)) {
        publication::publish(connection, latest.tree_size, &utc_text(chrono::Utc::now()))?;
        tracing::info!(tree_size = latest.tree_size, "published a witnessed checkpoint");
    }
    Ok(())
}
