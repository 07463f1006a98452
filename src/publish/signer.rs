//! The signing thread: after a write (or every other interval when idle, to catch writes by
//! other server processes on the same database), it signs the log's current size if it has
//! not been signed, at most once per interval. Without a policy that checkpoint is published
//! at once; with one, the witness threads are woken to get it cosigned.

use super::Context;
use crate::model::time::utc_text;
use crate::store::log::{checkpoints, publication};
use crate::store::StoreError;

pub fn run(context: &Context) {
    let interval = context.settings.checkpoint_interval;
    let mut seen = 0;
    let mut signed_size = None;
    loop {
        match sign_round(context) {
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
fn sign_round(context: &Context) -> Result<u64, StoreError> {
    let mut connection = context.pool.get()?;
    let now = utc_text(chrono::Utc::now());
    let signed = checkpoints::current_checkpoint(&mut connection, &context.key, &now)?;
    if context.policy.is_none() && !publication::is_published(&mut connection, signed.tree_size)? {
        publication::publish(&mut connection, signed.tree_size, &now)?;
    }
    Ok(signed.tree_size)
}
