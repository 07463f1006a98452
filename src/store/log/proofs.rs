//! RFC 9162 inclusion and consistency proofs from the stored tree. Each is computed from one
//! snapshot (the head size is read once, and everything is derived for that size) and
//! verified with the pure verifier against roots computed from the store before it is
//! returned, so a damaged node table yields an integrity failure instead of a bad proof.

use basin_audit::hash::Hash;
use basin_audit::proof::{verify_consistency, verify_inclusion, ConsistencyCheck, InclusionCheck};
use basin_audit::tree;
use diesel::Connection;

use super::checkpoints::{check_signed_root, find, SignedCheckpoint};
use super::entries::get_entry;
use super::publication::{is_published, latest_published_size};
use super::{head_size, DatabaseNodes};
use crate::ledger_key::LedgerKey;
use crate::store::connection::AnyConnection;
use crate::store::error::StoreError;

#[derive(Debug, Clone)]
pub struct InclusionProof {
    pub index: u64,
    pub tree_size: u64,
    pub leaf_hash: Hash,
    pub hashes: Vec<Hash>,
    /// The signed checkpoint of exactly `tree_size`.
    pub checkpoint: SignedCheckpoint,
}

#[derive(Debug, Clone)]
pub struct ConsistencyProof {
    pub first: u64,
    pub second: u64,
    pub hashes: Vec<Hash>,
}

/// Which inclusion proof to build; `tree_size` defaults to the newest published size.
#[derive(Debug, Clone, Copy)]
pub struct InclusionRequest {
    pub index: u64,
    pub tree_size: Option<u64>,
}

/// Which consistency proof to build; `second` defaults to the newest published size.
#[derive(Debug, Clone, Copy)]
pub struct ConsistencyRequest {
    pub first: u64,
    pub second: Option<u64>,
}

pub fn inclusion_proof(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    request: InclusionRequest,
) -> Result<InclusionProof, StoreError> {
    let index = request.index;
    connection.transaction(|connection| {
        let size = head_size(connection)?;
        if request.tree_size == Some(0) {
            return Err(invalid("tree_size", "must be at least 1".to_owned()));
        }
        let tree_size = requested_size(connection, "tree_size", request.tree_size, size)?;
        if index >= tree_size {
            return Err(invalid(
                "index",
                format!("must be below the tree size {tree_size}"),
            ));
        }
        require_published(connection, "tree_size", tree_size)?;
        let entry = get_entry(connection, index)?;
        let (root, hashes) = {
            let nodes = DatabaseNodes::new(connection);
            (
                tree::root(tree_size, &nodes)?,
                tree::inclusion_proof(index, tree_size, &nodes)?,
            )
        };
        verify_inclusion(InclusionCheck {
            index,
            tree_size,
            leaf_hash: &entry.leaf_hash,
            proof: &hashes,
            root: &root,
        })
        .map_err(|error| StoreError::Integrity {
            what: format!("the log tree of size {tree_size}"),
            reason: format!("the inclusion proof of entry {index} does not verify: {error}"),
        })?;
        let checkpoint =
            find(connection, key, tree_size)?.ok_or_else(|| StoreError::Integrity {
                what: format!("the published checkpoint of tree size {tree_size}"),
                reason: "its signed checkpoint row is missing".to_owned(),
            })?;
        check_signed_root(connection, key, tree_size, root)?;
        Ok(InclusionProof {
            index,
            tree_size,
            leaf_hash: entry.leaf_hash,
            hashes,
            checkpoint,
        })
    })
}

pub fn consistency_proof(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    request: ConsistencyRequest,
) -> Result<ConsistencyProof, StoreError> {
    let first = request.first;
    connection.transaction(|connection| {
        let size = head_size(connection)?;
        if first == 0 {
            return Err(invalid(
                "first",
                "must be at least 1: RFC 9162 defines no proof from the empty tree".to_owned(),
            ));
        }
        let second = requested_size(connection, "second", request.second, size)?;
        if first > second {
            return Err(invalid(
                "first",
                format!("must not exceed second ({second})"),
            ));
        }
        require_published(connection, "second", second)?;
        let (first_root, second_root, hashes) = {
            let nodes = DatabaseNodes::new(connection);
            (
                tree::root(first, &nodes)?,
                tree::root(second, &nodes)?,
                tree::consistency_proof(first, second, &nodes)?,
            )
        };
        check_signed_root(connection, key, first, first_root)?;
        check_signed_root(connection, key, second, second_root)?;
        verify_consistency(ConsistencyCheck {
            first_size: first,
            second_size: second,
            first_root: &first_root,
            second_root: &second_root,
            proof: &hashes,
        })
        .map_err(|error| StoreError::Integrity {
            what: format!("the log tree of size {second}"),
            reason: format!("the consistency proof from size {first} does not verify: {error}"),
        })?;
        Ok(ConsistencyProof {
            first,
            second,
            hashes,
        })
    })
}

/// The requested tree size (within the log), or by default the newest published one.
fn requested_size(
    connection: &mut AnyConnection,
    parameter: &'static str,
    requested: Option<u64>,
    size: u64,
) -> Result<u64, StoreError> {
    let Some(requested) = requested else {
        return latest_published_size(connection)?
            .ok_or_else(|| invalid(parameter, "no checkpoint is published yet".to_owned()));
    };
    check_within_log(parameter, requested, size)?;
    Ok(requested)
}

/// Proofs are served for published sizes only: a reader never gets a proof for a tree the
/// ledger has not published (and it never signs one because a reader asked).
fn require_published(
    connection: &mut AnyConnection,
    parameter: &'static str,
    tree_size: u64,
) -> Result<(), StoreError> {
    if !is_published(connection, tree_size)? {
        return Err(invalid(
            parameter,
            format!("no published checkpoint has tree size {tree_size}"),
        ));
    }
    Ok(())
}

fn check_within_log(parameter: &'static str, tree_size: u64, size: u64) -> Result<(), StoreError> {
    if tree_size > size {
        return Err(invalid(
            parameter,
            format!("must not exceed the current log size {size}"),
        ));
    }
    Ok(())
}

fn invalid(parameter: &'static str, message: String) -> StoreError {
    StoreError::InvalidParameter { parameter, message }
}
