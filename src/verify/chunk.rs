//! One chunk of a remote verification: fetch the entry bundle and the evidence bundle of each
//! tile, then run the pure checks on every core (entry parsing and leaf hashes in parallel, the
//! ordered replay, Ed25519 batch verification of the station signatures in parallel slices).

use std::collections::BTreeMap;

use basin_audit::tile::{decode_bundle, decode_evidence, TileIndex, TILE_WIDTH_FULL};
use basin_audit::Checkpoint;
use basin_ledger_core::replay::{
    prepare_entry, verify_signature_checks, BatchEvidence, Failure, LogKey, PreparedEntry,
    StoredReadings, Verifier,
};
use rayon::prelude::*;

use super::remote::{FetchError, Remote};

/// Full tiles checked between two progress commits.
pub const TILES_PER_COMMIT: u64 = 16;

/// Signatures per Ed25519 batch: large enough to amortise, small enough to spread over cores.
const SIGNATURES_PER_BATCH: usize = 64;

/// Why a chunk stopped: a check failed (the run fails, naming it), or fetching did.
#[derive(Debug, thiserror::Error)]
pub enum ChunkError {
    #[error(transparent)]
    Failed(#[from] Failure),
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

/// The entries `from..` of the tiles `tiles`, and their evidence, as served.
pub struct FetchedEntries {
    pub leaves: Vec<(u64, Vec<u8>)>,
    pub evidence: BTreeMap<u64, BatchEvidence>,
}

/// The bundle index of tile `number` in a tree of `tree_size` leaves.
pub fn bundle_index(number: u64, tree_size: u64) -> Result<TileIndex, Failure> {
    let width = (tree_size - number * u64::from(TILE_WIDTH_FULL)).min(u64::from(TILE_WIDTH_FULL));
    if width == u64::from(TILE_WIDTH_FULL) {
        return Ok(TileIndex::full(number));
    }
    TileIndex::partial(number, width as u16)
        .map_err(|error| Failure::general(format!("tile {number}: {error}")))
}

/// Fetches the entry and evidence bundles of `tiles`, keeping the entries from `from` on.
pub fn fetch(
    remote: &Remote,
    tiles: std::ops::Range<u64>,
    tree_size: u64,
    from: u64,
) -> Result<FetchedEntries, ChunkError> {
    let mut fetched = FetchedEntries {
        leaves: Vec::new(),
        evidence: BTreeMap::new(),
    };
    for number in tiles {
        let bundle = bundle_index(number, tree_size)?;
        let start = number * u64::from(TILE_WIDTH_FULL);
        let end = start + u64::from(bundle.width());
        let bytes = remote.entry_bundle(bundle)?;
        let leaves = decode_bundle(&bytes, bundle.width()).map_err(|error| {
            Failure::general(format!("entry bundle {bundle} is malformed: {error}"))
        })?;
        fetched.leaves.extend(
            (start..end)
                .zip(leaves)
                .filter(|(index, _)| *index >= from)
                .map(|(index, leaf)| (index, leaf.to_vec())),
        );
        let bytes = remote.evidence_bundle(bundle)?;
        let records = decode_evidence(&bytes, start..end).map_err(|error| {
            Failure::general(format!("evidence bundle {bundle} is malformed: {error}"))
        })?;
        for record in records.into_iter().filter(|record| record.index >= from) {
            let evidence = BatchEvidence {
                body: record.body.to_vec(),
                signature: record.signature.map(str::to_owned),
            };
            fetched.evidence.insert(record.index, evidence);
        }
    }
    Ok(fetched)
}

/// Parses and hashes every leaf on all cores; the first bad one (lowest index) is named.
pub fn prepare(leaves: &[(u64, Vec<u8>)]) -> Result<Vec<PreparedEntry>, Failure> {
    leaves
        .par_iter()
        .map(|(index, leaf)| prepare_entry(*index, leaf))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// Replays `entries` into the verifier, then checks the station signatures they carry.
pub fn apply(
    verifier: &mut Verifier,
    entries: &[PreparedEntry],
    evidence: &BTreeMap<u64, BatchEvidence>,
    log_key: &LogKey,
    stored: &mut dyn StoredReadings,
) -> Result<(), Failure> {
    let signatures = verifier.apply(entries, evidence, log_key, stored)?;
    signatures
        .par_chunks(SIGNATURES_PER_BATCH)
        .map(verify_signature_checks)
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// Checks the old checkpoint's root when the verifier has exactly its size.
pub fn check_old(verifier: &Verifier, old: Option<&Checkpoint>) -> Result<(), Failure> {
    match old {
        Some(old) if old.size == verifier.size() && old.root != verifier.root() => {
            Err(Failure::general(format!(
                "the log is not consistent with the old checkpoint of size {}: its history was rewritten",
                old.size
            )))
        }
        _ => Ok(()),
    }
}

/// The chunks from `start` to `tree_size`: (tiles, first entry to keep). Only the first may
/// start inside a tile (the partial tile a previous run ended in).
pub fn chunk_plan(start: u64, tree_size: u64) -> Vec<(std::ops::Range<u64>, u64)> {
    let tile = u64::from(TILE_WIDTH_FULL);
    let tiles_total = tree_size.div_ceil(tile);
    let mut plan = Vec::new();
    if start >= tree_size {
        return plan;
    }
    let mut first = start / tile;
    let mut from = start;
    while first < tiles_total {
        let end = (first + TILES_PER_COMMIT).min(tiles_total);
        plan.push((first..end, from));
        first = end;
        from = end * tile;
    }
    plan
}

/// Checks one fetched chunk, stopping at the old checkpoint's size to check its root.
pub fn verify_chunk(
    verifier: &mut Verifier,
    fetched: FetchedEntries,
    log_key: &LogKey,
    old: Option<&Checkpoint>,
    stored: &mut dyn StoredReadings,
) -> Result<(), Failure> {
    let prepared = prepare(&fetched.leaves)?;
    let mut evidence = fetched.evidence;
    let here = verifier.size();
    let split = old
        .map(|old| old.size)
        .filter(|size| *size > here && *size < here + prepared.len() as u64)
        .map_or(prepared.len(), |size| (size - here) as usize);
    let later_evidence = evidence.split_off(&(here + split as u64));
    apply(verifier, &prepared[..split], &evidence, log_key, stored)?;
    check_old(verifier, old)?;
    apply(
        verifier,
        &prepared[split..],
        &later_evidence,
        log_key,
        stored,
    )?;
    check_old(verifier, old)
}
