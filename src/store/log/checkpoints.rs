//! Signed checkpoints: signed by the publisher when the log grows (never because a reader asked
//! for a size), one per tree size, and stored, so the same size always has the same note. Before the ledger signs a new size it proves, from the
//! stored tree, that the new tree and the latest signed one are consistent (one extends the
//! other): the ledger must never sign two checkpoints that contradict each other.
//!
//! Signing happens outside the write path. The decision is taken inside the caller's read
//! snapshot (`plan_checkpoint`); signing and storing follow outside it (`complete_checkpoint`),
//! because on SQLite a read transaction that later writes can fail to upgrade its lock.

use basin_audit::hash::{hash_from_hex, hash_to_hex, Hash};
use basin_audit::proof::{verify_consistency, ConsistencyCheck};
use basin_audit::tree;
use diesel::prelude::*;

use super::{head_size, to_i64, DatabaseNodes};
use crate::ledger_key::LedgerKey;
use crate::store::connection::AnyConnection;
use crate::store::error::{is_unique_violation, StoreError};
use crate::store::schema::log_checkpoints;

/// A checkpoint note and the tree head it signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    pub tree_size: u64,
    pub root: Hash,
    pub note: String,
}

/// What `plan_checkpoint` decided for one tree size.
#[derive(Debug, Clone)]
pub enum CheckpointPlan {
    /// Signed before and re-checked: serve it as stored.
    Stored(SignedCheckpoint),
    /// Not signed yet, and consistent with the latest signed checkpoint: sign it.
    Sign { tree_size: u64, root: Hash },
}

/// Signs (or finds) the checkpoint of the log's current size. Only the publisher and `export`
/// call this; readers are served published checkpoints (`super::publication`).
pub fn current_checkpoint(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    signed_at: &str,
) -> Result<SignedCheckpoint, StoreError> {
    let plan = connection.transaction(|connection| {
        let size = head_size(connection)?;
        let root = tree::root(size, &DatabaseNodes::new(connection))?;
        plan_checkpoint(connection, key, size, root)
    })?;
    complete_checkpoint(connection, key, plan, signed_at)
}

/// Decides, inside the caller's snapshot, how to answer for the tree of `tree_size` leaves
/// whose root the caller computed from the stored tree.
pub fn plan_checkpoint(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    tree_size: u64,
    root: Hash,
) -> Result<CheckpointPlan, StoreError> {
    if let Some(stored) = find(connection, key, tree_size)? {
        if stored.root != root {
            return Err(stored_mismatch(tree_size, &stored.root, &root));
        }
        return Ok(CheckpointPlan::Stored(stored));
    }
    if let Some(latest) = latest_signed(connection, key)? {
        check_consistent(connection, &latest, tree_size, root)?;
    }
    Ok(CheckpointPlan::Sign { tree_size, root })
}

/// Checks a root computed from the store against the checkpoint signed for that size, if any:
/// a proof must never lead to a root other than the one the ledger signed.
pub fn check_signed_root(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    tree_size: u64,
    root: Hash,
) -> Result<(), StoreError> {
    match find(connection, key, tree_size)? {
        Some(stored) if stored.root != root => Err(stored_mismatch(tree_size, &stored.root, &root)),
        _ => Ok(()),
    }
}

/// Signs and stores a planned checkpoint. When another server stored the same size first,
/// its note is used instead, after the same checks (Ed25519 is deterministic, so with the
/// one ledger key both notes are the same bytes anyway).
pub fn complete_checkpoint(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    plan: CheckpointPlan,
    signed_at: &str,
) -> Result<SignedCheckpoint, StoreError> {
    let (tree_size, root) = match plan {
        CheckpointPlan::Stored(stored) => return Ok(stored),
        CheckpointPlan::Sign { tree_size, root } => (tree_size, root),
    };
    let note = key
        .sign_checkpoint(tree_size, root, signed_at)
        .map_err(|error| StoreError::Corrupt(format!("cannot sign checkpoint: {error}")))?;
    let inserted = diesel::insert_into(log_checkpoints::table)
        .values((
            log_checkpoints::tree_size.eq(to_i64(tree_size)?),
            log_checkpoints::root_hash.eq(hash_to_hex(&root)),
            log_checkpoints::note.eq(&note),
            log_checkpoints::signed_at.eq(signed_at),
        ))
        .execute(connection);
    match inserted {
        Ok(_) => Ok(SignedCheckpoint {
            tree_size,
            root,
            note,
        }),
        Err(error) if is_unique_violation(&error) => {
            let stored = find(connection, key, tree_size)?.ok_or_else(|| {
                StoreError::Corrupt(format!("checkpoint {tree_size} vanished after a conflict"))
            })?;
            if stored.root != root {
                return Err(stored_mismatch(tree_size, &stored.root, &root));
            }
            Ok(stored)
        }
        Err(error) => Err(error.into()),
    }
}

/// The stored checkpoint of `tree_size`, its note verified with the ledger key.
pub fn find(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    tree_size: u64,
) -> Result<Option<SignedCheckpoint>, StoreError> {
    let row: Option<(i64, String, String)> = log_checkpoints::table
        .filter(log_checkpoints::tree_size.eq(to_i64(tree_size)?))
        .select(checkpoint_columns())
        .first(connection)
        .optional()?;
    row.map(|row| verify_stored(key, row)).transpose()
}

/// The stored checkpoint of the largest tree (the newest signed one, published or not), verified.
pub fn latest_signed(
    connection: &mut AnyConnection,
    key: &LedgerKey,
) -> Result<Option<SignedCheckpoint>, StoreError> {
    let row: Option<(i64, String, String)> = log_checkpoints::table
        .order(log_checkpoints::tree_size.desc())
        .select(checkpoint_columns())
        .first(connection)
        .optional()?;
    row.map(|row| verify_stored(key, row)).transpose()
}

/// The newest published checkpoint, verified. Tiles and bundles are served up to its size.
pub fn latest(
    connection: &mut AnyConnection,
    key: &LedgerKey,
) -> Result<Option<SignedCheckpoint>, StoreError> {
    match super::publication::latest_published_size(connection)? {
        Some(size) => find(connection, key, size)?
            .ok_or_else(|| StoreError::Integrity {
                what: format!("the published checkpoint of tree size {size}"),
                reason: "its signed checkpoint row is missing".to_owned(),
            })
            .map(Some),
        None => Ok(None),
    }
}

fn checkpoint_columns() -> (
    log_checkpoints::tree_size,
    log_checkpoints::root_hash,
    log_checkpoints::note,
) {
    (
        log_checkpoints::tree_size,
        log_checkpoints::root_hash,
        log_checkpoints::note,
    )
}

/// A stored note must verify with this ledger's key and name the size and root stored with it.
fn verify_stored(
    key: &LedgerKey,
    (tree_size, root_hash, note): (i64, String, String),
) -> Result<SignedCheckpoint, StoreError> {
    let integrity = |reason: String| StoreError::Integrity {
        what: format!("the stored checkpoint of tree size {tree_size}"),
        reason,
    };
    let checkpoint = key
        .verify_checkpoint(&note)
        .map_err(|error| integrity(format!("its note does not verify: {error}")))?;
    let root = hash_from_hex(&root_hash)
        .map_err(|error| integrity(format!("stored root hash: {error}")))?;
    if i64::try_from(checkpoint.size).ok() != Some(tree_size) || checkpoint.root != root {
        return Err(integrity(
            "its note names another tree size or root".to_owned(),
        ));
    }
    Ok(SignedCheckpoint {
        tree_size: checkpoint.size,
        root,
        note,
    })
}

/// Proves from the stored tree that the tree of `tree_size` leaves with `root` and the tree
/// of the latest signed checkpoint are consistent, whichever is larger.
fn check_consistent(
    connection: &mut AnyConnection,
    latest: &SignedCheckpoint,
    tree_size: u64,
    root: Hash,
) -> Result<(), StoreError> {
    let ((first, first_root), (second, second_root)) = if latest.tree_size <= tree_size {
        ((latest.tree_size, latest.root), (tree_size, root))
    } else {
        ((tree_size, root), (latest.tree_size, latest.root))
    };
    // The empty tree is a prefix of every tree; RFC 9162 defines no proof from it.
    if first == 0 {
        return Ok(());
    }
    let proof = tree::consistency_proof(first, second, &DatabaseNodes::new(connection))?;
    verify_consistency(ConsistencyCheck {
        first_size: first,
        second_size: second,
        first_root: &first_root,
        second_root: &second_root,
        proof: &proof,
    })
    .map_err(|error| StoreError::Integrity {
        what: format!("the log tree of size {tree_size}"),
        reason: format!(
            "it is not consistent with the signed checkpoint of size {}: {error}",
            latest.tree_size
        ),
    })
}

fn stored_mismatch(tree_size: u64, stored: &Hash, computed: &Hash) -> StoreError {
    StoreError::Integrity {
        what: format!("the log tree of size {tree_size}"),
        reason: format!(
            "its root is {} but the signed checkpoint says {}",
            hash_to_hex(computed),
            hash_to_hex(stored)
        ),
    }
}
