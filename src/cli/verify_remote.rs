//! `verify --url URL [--state DIR]`: the log read through entry bundles and evidence bundles
//! only, checked by the pure incremental verifier. With `--state`, a run starts from the last
//! verified checkpoint, fetches only tiles it has not verified, commits its progress after each
//! chunk of full tiles (so a killed run resumes there), and stores the new checkpoint only after
//! everything passed. Without `--state` it starts from entry 0 and also compares the readings
//! and settlements the ledger serves with what the log rebuilds.

use std::path::Path;

use anyhow::{anyhow, Context};
use basin_audit::hash::hash_to_hex;
use basin_audit::Checkpoint;
use basin_ledger_core::replay::bundle::log_key_from_keys_json;
use basin_ledger_core::replay::{Failure, LogKey, NoStoredReadings, Verifier};
use serde::Serialize;

use super::audit::{progress_bar, read_old_checkpoint};
use crate::verify::chunk::{self, ChunkError};
use crate::verify::remote::{FetchCounts, Remote};
use crate::verify::served::{fetch_readings, fetch_settlements};
use crate::verify::state_store::StateStore;

pub struct UrlOptions<'a> {
    pub url: &'a str,
    pub token: Option<&'a str>,
    pub state: Option<&'a Path>,
    /// A checkpoint seen before (`--checkpoint FILE`): the log must extend it.
    pub old_checkpoint: Option<&'a Path>,
    /// A witness policy (`--policy FILE`): the served checkpoint, and the one seen before,
    /// must carry cosignatures that meet its quorum.
    pub policy: Option<&'a Path>,
}

/// What a run verified and what it fetched.
#[derive(Debug, Serialize)]
pub struct UrlReport {
    pub tree_size: u64,
    pub root_hash: String,
    /// The size verified before this run (0 without `--state`).
    pub previous_size: u64,
    /// Where this run started when it resumed an interrupted one.
    pub resumed_at: Option<u64>,
    pub entries_verified: u64,
    pub reading_batches: usize,
    pub signed_batches: usize,
    pub readings: usize,
    pub settlements: usize,
    pub fetched: FetchCounts,
}

/// The checkpoint verified before this run (size 0 without `--state`).
struct Previous {
    size: u64,
    root: basin_audit::Hash,
}

fn failed(failure: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("verification FAILED: {failure}")
}

/// The verifier to start from: the progress of an interrupted run toward a checkpoint this one
/// covers, else the last verified state, else an empty log.
fn starting_point(
    store: Option<&mut StateStore>,
    checkpoint: &Checkpoint,
) -> anyhow::Result<(Verifier, Previous, Option<u64>)> {
    let Some(store) = store else {
        let verifier = Verifier::default();
        let previous = Previous {
            size: 0,
            root: verifier.root(),
        };
        return Ok((verifier, previous, None));
    };
    let verifier = match store.verified()? {
        Some(stored) => Verifier::from_snapshot(&stored.snapshot)
            .map_err(|error| anyhow!("the stored verifier state is unreadable: {error}"))?,
        None => Verifier::default(),
    };
    let verified = verifier.size();
    let previous = Previous {
        size: verified,
        root: verifier.root(),
    };
    if verified > checkpoint.size {
        return Err(failed(format!(
            "the ledger serves a checkpoint of {} entries, fewer than the {verified} verified before",
            checkpoint.size
        )));
    }
    if let Some(progress) = store.progress()? {
        let size = u64::try_from(progress.size).unwrap_or(0);
        if size > verified && size <= checkpoint.size {
            if let Ok(resumed) = Verifier::from_snapshot(&progress.snapshot) {
                return Ok((resumed, previous, Some(size)));
            }
        }
        store.drop_progress()?;
    }
    Ok((verifier, previous, None))
}

pub fn verify_url(options: &UrlOptions<'_>) -> anyhow::Result<UrlReport> {
    let remote = Remote::new(options.url, options.token);
    let keys = remote.get_json("/v1/keys")?;
    let log_key =
        log_key_from_keys_json(&keys).map_err(|message| anyhow!("/v1/keys: {message}"))?;
    let note = remote.checkpoint()?;
    // Cosignatures and other signatures by keys not ours are ignored (c2sp.org/signed-note).
    let (checkpoint, signed_by) = log_key
        .verify_checkpoint(&note)
        .map_err(|error| failed(format!("the checkpoint does not verify: {error}")))?;
    let mut store = options.state.map(StateStore::open).transpose()?;
    let (mut verifier, previous, resumed_at) = starting_point(store.as_mut(), &checkpoint)?;
    let previous_size = previous.size;
    let old_text = read_old_checkpoint(options.old_checkpoint)?;
    if let Some(policy) = options.policy {
        super::policy_check::check_quorum(policy, &note, old_text.as_deref())?;
    }
    let old_signed = old_text
        .map(|old| {
            log_key
                .verify_checkpoint(&old)
                .map_err(|error| failed(format!("the old checkpoint does not verify: {error}")))
        })
        .transpose()?;
    let old = old_signed.as_ref().map(|(old, _)| old.clone());
    if let Some(old) = &old {
        if old.size == previous.size && old.root != previous.root {
            return Err(failed(format!(
                "the checkpoint verified before differs from the old checkpoint of size {}",
                old.size
            )));
        }
        if old.size < verifier.size() && old.size != previous.size {
            return Err(anyhow!(
                "--checkpoint of size {} is older than the state in --state; check it with a fresh --state",
                old.size
            ));
        }
    }
    let start = verifier.size();
    let outcome = run_chunks(
        &remote,
        &mut verifier,
        &log_key,
        &checkpoint,
        &note,
        &mut store,
        old.as_ref(),
    );
    let verified = outcome.and_then(|()| {
        verifier
            .check_checkpoint(&checkpoint)
            .map_err(ChunkError::Failed)?;
        // Which ledger key may sign which sizes is known once the key entries are replayed.
        let keys = &verifier.ledger.ledger_keys;
        keys.check_checkpoint_key(&signed_by, checkpoint.size)
            .and_then(|()| match &old_signed {
                Some((old, old_signed_by)) => keys.check_checkpoint_key(old_signed_by, old.size),
                None => Ok(()),
            })
            .map_err(ChunkError::Failed)
    });
    match verified {
        Ok(()) => {}
        Err(ChunkError::Failed(failure)) => {
            // What was checked toward this checkpoint cannot be trusted: start over next time.
            if let Some(store) = store.as_mut() {
                store.drop_progress()?;
            }
            return Err(failed(failure));
        }
        Err(ChunkError::Fetch(error)) => return Err(error.into()),
    }
    if store.is_none() {
        let readings = fetch_readings(&remote)?;
        verifier
            .ledger
            .compare_readings(&readings)
            .map_err(failed)?;
        let settlements = fetch_settlements(&remote)?;
        verifier
            .settlements
            .compare_served(&settlements)
            .map_err(failed)?;
    }
    if let Some(store) = store.as_mut() {
        if verifier.size() == previous_size && previous_size > 0 {
            store.save_verified_note(&note)?;
        } else {
            let changed = verifier.take_changed_readings();
            store.save_verified(&note, verifier.size(), &verifier.to_snapshot()?, &changed)?;
        }
    }
    if let Some(path) = options.old_checkpoint {
        std::fs::write(path, &note).with_context(|| path.display().to_string())?;
    }
    Ok(UrlReport {
        tree_size: verifier.size(),
        root_hash: hash_to_hex(&verifier.root()),
        previous_size,
        resumed_at,
        entries_verified: verifier.size() - start,
        reading_batches: verifier.ledger.batches_checked,
        signed_batches: verifier.ledger.signed_batches_checked,
        readings: verifier.ledger.reading_count() as usize,
        settlements: verifier.settlements.settlements_checked(),
        fetched: remote.counts(),
    })
}

#[allow(clippy::too_many_arguments)]
fn run_chunks(
    remote: &Remote,
    verifier: &mut Verifier,
    log_key: &LogKey,
    checkpoint: &Checkpoint,
    note: &str,
    store: &mut Option<StateStore>,
    old: Option<&Checkpoint>,
) -> Result<(), ChunkError> {
    let bar = progress_bar();
    if let Some(bar) = &bar {
        bar.set_length(checkpoint.size);
        bar.set_position(verifier.size());
    }
    chunk::check_old(verifier, old)?;
    // One thread fetches the next chunk while this one verifies the last.
    let chunks = chunk::chunk_plan(verifier.size(), checkpoint.size);
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            for (tiles, from) in chunks {
                let fetched = chunk::fetch(remote, tiles, checkpoint.size, from);
                let failed = fetched.is_err();
                if sender.send(fetched).is_err() || failed {
                    break;
                }
            }
        });
        for fetched in receiver {
            let fetched = fetched?;
            match store.as_mut() {
                Some(store) => {
                    chunk::verify_chunk(verifier, fetched, log_key, old, &mut store.readings())?
                }
                None => {
                    chunk::verify_chunk(verifier, fetched, log_key, old, &mut NoStoredReadings)?
                }
            }
            if let Some(bar) = &bar {
                bar.set_position(verifier.size());
            }
            if verifier.size() < checkpoint.size {
                if let Some(store) = store.as_mut() {
                    let snapshot = verifier
                        .to_snapshot()
                        .map_err(|error| Failure::general(format!("state: {error}")))?;
                    let changed = verifier.take_changed_readings();
                    store
                        .save_progress(note, verifier.size(), &snapshot, &changed)
                        .map_err(|error| Failure::general(error.to_string()))?;
                }
            }
        }
        Ok::<(), ChunkError>(())
    })?;
    if verifier.size() < checkpoint.size {
        return Err(ChunkError::Failed(Failure::general(format!(
            "only {} of the checkpoint's {} entries were served",
            verifier.size(),
            checkpoint.size
        ))));
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(())
}
