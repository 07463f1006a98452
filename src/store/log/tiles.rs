//! C2SP tlog-tiles from stored data: a hash tile is a range of one level's stored nodes, an entry
//! bundle a range of stored leaves, each read in one query after the newest signed checkpoint.
//! Only what that checkpoint covers is served, so a reader never sees a tile of a tree the
//! ledger has not signed, and what is served never changes afterwards (the log only grows).

use std::ops::Range;

use basin_audit::hash::{leaf_hash, Hash};
use basin_audit::tile::{encode_bundle, perfect_root, tile_bytes, Tile, TileIndex, TILE_HEIGHT};
use basin_audit::tree::NodeId;
use diesel::prelude::*;

use super::checkpoints::latest;
use super::{parse_hash, to_i64};
use crate::ledger_key::LedgerKey;
use crate::store::connection::AnyConnection;
use crate::store::error::StoreError;
use crate::store::schema::{log_entries, log_nodes};

/// The hash tile's bytes: its hashes, 32 bytes each. A full tile is first checked against the
/// stored node its 256 hashes make, read in the same query.
pub fn hash_tile(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    tile: Tile,
) -> Result<Vec<u8>, StoreError> {
    connection.transaction(|connection| {
        let (tree_level, indexes) =
            covered(connection, key, tile)?.ok_or_else(|| StoreError::NotFound {
                what: "log tile",
                key: tile.to_string(),
            })?;
        // The node one tile level up: a tile is a perfect subtree of height 8.
        let parent = tile.position().is_full().then(|| NodeId {
            level: tree_level + TILE_HEIGHT as u8,
            index: tile.position().index(),
        });
        let mut query = log_nodes::table
            .select((log_nodes::level, log_nodes::node_index, log_nodes::hash))
            .filter(
                log_nodes::level.eq(i32::from(tree_level)).and(
                    log_nodes::node_index
                        .ge(to_i64(indexes.start)?)
                        .and(log_nodes::node_index.lt(to_i64(indexes.end)?)),
                ),
            )
            .into_boxed();
        if let Some(parent) = parent {
            query = query.or_filter(
                log_nodes::level
                    .eq(i32::from(parent.level))
                    .and(log_nodes::node_index.eq(to_i64(parent.index)?)),
            );
        }
        let rows: Vec<(i32, i64, String)> = query
            .order((log_nodes::level.asc(), log_nodes::node_index.asc()))
            .load(connection)?;
        let integrity = |reason: String| StoreError::Integrity {
            what: format!("log tile {tile}"),
            reason,
        };
        let mut hashes = Vec::with_capacity(usize::from(tile.position().width()));
        let mut parent_hash = None;
        for (level, index, hash) in rows {
            if level == i32::from(tree_level) {
                let expected = indexes.start + hashes.len() as u64;
                if index != to_i64(expected)? {
                    return Err(integrity(format!(
                        "node {expected} of level {level} is missing"
                    )));
                }
                hashes.push(parse_hash(&hash)?);
            } else {
                parent_hash = Some(parse_hash(&hash)?);
            }
        }
        if hashes.len() != usize::from(tile.position().width()) {
            return Err(integrity(format!(
                "{} of its {} nodes are stored",
                hashes.len(),
                tile.position().width()
            )));
        }
        if parent.is_some() && perfect_root(&hashes) != parent_hash {
            return Err(integrity(
                "its hashes do not make the stored node one tile level up".to_owned(),
            ));
        }
        Ok(tile_bytes(&hashes))
    })
}

/// The entry bundle's bytes: each leaf, re-hashed against its stored leaf hash, after its
/// big-endian `u16` length.
pub fn entry_bundle(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    bundle: TileIndex,
) -> Result<Vec<u8>, StoreError> {
    let tile = Tile::new(0, bundle)
        .map_err(|error| StoreError::Corrupt(format!("bundle {bundle}: {error}")))?;
    connection.transaction(|connection| {
        let (_, indexes) = covered(connection, key, tile)?.ok_or_else(|| StoreError::NotFound {
            what: "log entry bundle",
            key: bundle.to_string(),
        })?;
        let rows: Vec<(i64, String, String)> = log_entries::table
            .select((
                log_entries::entry_index,
                log_entries::leaf,
                log_entries::leaf_hash,
            ))
            .filter(log_entries::entry_index.ge(to_i64(indexes.start)?))
            .filter(log_entries::entry_index.lt(to_i64(indexes.end)?))
            .order(log_entries::entry_index.asc())
            .load(connection)?;
        let mut leaves = Vec::with_capacity(rows.len());
        for (offset, (index, leaf, stored_hash)) in rows.iter().enumerate() {
            let expected = indexes.start + offset as u64;
            let integrity = |reason: String| StoreError::Integrity {
                what: format!("log entry {expected}"),
                reason,
            };
            if *index != to_i64(expected)? {
                return Err(integrity("the entry is missing".to_owned()));
            }
            let stored: Hash = parse_hash(stored_hash)?;
            if leaf_hash(leaf.as_bytes()) != stored {
                return Err(integrity(
                    "its leaf bytes do not hash to its stored leaf hash".to_owned(),
                ));
            }
            leaves.push(leaf.as_bytes());
        }
        if leaves.len() != usize::from(bundle.width()) {
            return Err(StoreError::Integrity {
                what: format!("log entry bundle {bundle}"),
                reason: format!(
                    "{} of its {} entries are stored",
                    leaves.len(),
                    bundle.width()
                ),
            });
        }
        encode_bundle(leaves).map_err(|error| StoreError::Integrity {
            what: format!("log entry bundle {bundle}"),
            reason: error.to_string(),
        })
    })
}

/// The tile's stored nodes (tree level and index range) when the newest signed checkpoint
/// covers all of them; `None` otherwise (also for tiles no `u64` tree has).
pub(super) fn covered(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    tile: Tile,
) -> Result<Option<(u8, Range<u64>)>, StoreError> {
    let published = latest(connection, key)?.map_or(0, |checkpoint| checkpoint.tree_size);
    let needed = tile.tree_size_needed();
    if needed.is_none_or(|needed| needed > published) {
        return Ok(None);
    }
    Ok(tile.nodes())
}
