//! The signing thread: after a write (or every other interval when idle, to catch writes by
//! other server processes on the same database), it signs the log's current size if it has
//! not been signed, at most once per interval. Without a policy that checkpoint is published
//! at once; with one, the witness threads are woken to get it cosigned.

use super::Context;
use crate::model::time::utc_text;
use crate::store::log::{checkpoints, publication};
use crate::store::{ledger_keys, StoreError};

pub fn run(context: &Context) {
    let interval = context.settings.checkpoint_interval;
    let mut seen = 0;
    let mut signed_size = None;
    let mut retirements_logged = 0;
    loop {
        match sign_round(context, &mut retirements_logged) {
            Ok(size) => {
                if signed_size != Some(size) {
                    signed_size = Some(size);
                    context.signed.notify();
                }
            }
            Err(error) => {
                context.metrics.signing_failures.inc();
                tracing::error!(%error, "cannot sign the log's checkpoint");
            }
        }
        // At most one checkpoint per interval, then wait for the next write (or poll).
        if !context.writes.pause(interval) {
            return;
        }
        match context.writes.wait(seen, interval) {
            Some(generation) => seen = generation,
            None => return,
        }
    }
}

/// Signs the head if needed and returns its size; publishes it when no witness must see it.
/// First logs `key.retired` for a retired ledger key whose `valid_to` has passed, so the
/// checkpoint that contains it is signed by the key in force alone.
fn sign_round(context: &Context, retirements_logged: &mut usize) -> Result<u64, StoreError> {
    let mut connection = context.pool.get()?;
    let now = utc_text(chrono::Utc::now());
    let due = context
        .key
        .retired()
        .iter()
        .filter(|retired| !retired.signs_at(&now))
        .count();
    if due > *retirements_logged {
        let logged = ledger_keys::log_retirements(&mut connection, &context.key, &now)?;
        tracing::info!(retired = ?logged, "retired ledger keys are in the log");
        *retirements_logged = due;
        context.writes.notify();
    }
    let signed = checkpoints::current_checkpoint(&mut connection, &context.key, &now)?;
    if context.policy.is_none() && !publication::is_published(&mut connection, signed.tree_size)? {
        publication::publish(&mut connection, signed.tree_size, &now)?;
    }
    Ok(signed.tree_size)
}
