//! One thread per witness of the policy: it sends the newest signed checkpoint with a
//! consistency proof from the size that witness cosigned last (learned from its 409 and
//! proved again), verifies and stores the cosignature, and publishes the checkpoint once the
//! stored cosignatures meet the quorum. Failures are logged and counted, and retried after at
//! most `WITNESS_RETRY_SECONDS_MAX`; they never reach a writer.

mod submit;

use std::time::Duration;

use basin_audit::policy::PolicyWitness;

use super::served::with_cosignatures;
use super::{Context, WITNESS_RETRY_SECONDS_MAX};
use crate::model::time::utc_text;
use crate::store::log::checkpoints::{self, SignedCheckpoint};
use crate::store::log::publication;
use crate::store::{AnyConnection, StoreError};
use submit::{submit, Answer, RoundError, WITNESS_CONNECT_TIMEOUT, WITNESS_REQUEST_TIMEOUT};

/// Requests per round: the first, and a re-proof after each 409 (bounded).
const SUBMISSION_ATTEMPTS_MAX: usize = 3;

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
        tracing::info!(
            tree_size = latest.tree_size,
            "published a witnessed checkpoint"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_witness_is_retried_sooner_than_every_ten_seconds() {
        let interval = Duration::from_millis(100);
        assert_eq!(retry_delay(interval, 1), Duration::from_millis(200));
        assert_eq!(retry_delay(interval, 3), Duration::from_millis(800));
        for failures in [10, 100, u32::MAX] {
            assert_eq!(
                retry_delay(interval, failures),
                Duration::from_secs(WITNESS_RETRY_SECONDS_MAX)
            );
        }
        const { assert!(WITNESS_RETRY_SECONDS_MAX < 10) };
    }
}
