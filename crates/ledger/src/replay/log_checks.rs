//! Checks on the log itself: leaf bytes, leaf hashes, the chain, the root against the signed
//! checkpoint, and consistency with an older checkpoint.

use basin_audit::entry::{parse_leaf, ChainWalker, LogEntry};
use basin_audit::hash::{hash_from_hex, leaf_hash, Hash};
use basin_audit::tree::{self, MemoryTree};

use super::bundle::{BundleEntry, LogKey};
use super::Failure;

/// Parses every leaf, recomputes its hash, and walks the chain. Returns the entries with their
/// recomputed leaf hashes.
pub fn check_entries(entries: &[BundleEntry]) -> Result<Vec<(LogEntry, Hash)>, Failure> {
    let mut walker = ChainWalker::new();
    let mut checked = Vec::with_capacity(entries.len());
    for (position, exported) in entries.iter().enumerate() {
        let position = position as u64;
        if exported.index != position {
            return Err(Failure::at(
                position,
                format!(
                    "the entry at position {position} claims index {}",
                    exported.index
                ),
            ));
        }
        let entry = parse_leaf(exported.leaf.as_bytes()).map_err(|error| {
            Failure::at(
                position,
                format!("the leaf bytes are not a canonical log entry: {error}"),
            )
        })?;
        let computed = leaf_hash(exported.leaf.as_bytes());
        let claimed = hash_from_hex(&exported.leaf_hash)
            .map_err(|_| Failure::at(position, "the claimed leaf hash is not 64 hex digits"))?;
        if computed != claimed {
            return Err(Failure::at(
                position,
                format!(
                    "the leaf hashes to {} but {} is claimed",
                    hex::encode(computed),
                    exported.leaf_hash
                ),
            ));
        }
        walker
            .push(&entry)
            .map_err(|error| Failure::at(position, format!("the hash chain is broken: {error}")))?;
        checked.push((entry, computed));
    }
    Ok(checked)
}

fn root_of(leaf_hashes: &[Hash]) -> Result<Hash, Failure> {
    let tree = MemoryTree::from_leaf_hashes(leaf_hashes.iter().copied());
    tree::root(leaf_hashes.len() as u64, &tree)
        .map_err(|error| Failure::general(format!("tree: {error}")))
}

/// The checkpoint must be signed by a ledger key and commit to exactly these leaves. Returns
/// the root and the id of the key that signed.
pub fn check_checkpoint(
    note: &str,
    key: &LogKey,
    leaf_hashes: &[Hash],
) -> Result<(Hash, String), Failure> {
    let (checkpoint, signed_by) = key.verify_checkpoint(note).map_err(|error| {
        Failure::general(format!(
            "the checkpoint does not verify with the log key: {error}"
        ))
    })?;
    let size = leaf_hashes.len() as u64;
    if checkpoint.size != size {
        return Err(Failure::general(format!(
            "the checkpoint is for {} entries but the log has {size}",
            checkpoint.size
        )));
    }
    let root = root_of(leaf_hashes)?;
    if checkpoint.root != root {
        return Err(Failure::general(format!(
            "the checkpoint's root {} differs from the root {} of the entries",
            hex::encode(checkpoint.root),
            hex::encode(root)
        )));
    }
    Ok((root, signed_by))
}

/// An older checkpoint must be a prefix of this log: the root of its first `size` leaves.
/// Returns its size and the id of the key that signed it.
pub fn check_consistency(
    old_note: &str,
    key: &LogKey,
    leaf_hashes: &[Hash],
) -> Result<(u64, String), Failure> {
    let (old, signed_by) = key.verify_checkpoint(old_note).map_err(|error| {
        Failure::general(format!(
            "the old checkpoint does not verify with the log key: {error}"
        ))
    })?;
    let old_size = usize::try_from(old.size).unwrap_or(usize::MAX);
    if old_size > leaf_hashes.len() {
        return Err(Failure::general(format!(
            "the old checkpoint has {} entries, more than the log's {}",
            old.size,
            leaf_hashes.len()
        )));
    }
    let prefix_root = root_of(&leaf_hashes[..old_size])?;
    if prefix_root != old.root {
        let blame = old_size.saturating_sub(1) as u64;
        return Err(Failure::at(
            blame,
            "the log is not consistent with the old checkpoint: its history was rewritten",
        ));
    }
    Ok((old.size, signed_by))
}
