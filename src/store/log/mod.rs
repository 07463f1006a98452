//! The append-only audit log: a hash chain (each leaf names its predecessor's leaf hash) and an
//! RFC 6962 Merkle tree whose complete subtrees are stored as they complete, so proofs read
//! O(log n) rows. Appends happen inside the caller's write transaction only.

pub mod checkpoints;
pub mod entries;
pub mod evidence;
mod frontier;
pub mod proofs;
pub mod publication;
pub mod tiles;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use basin_audit::hash::{self, Hash};
use basin_audit::tree::{NodeId, NodeReader};
use basin_ledger_core::entry::Entry;
use diesel::prelude::*;

use crate::store::connection::{natively, AnyConnection};
use crate::store::error::StoreError;
use crate::store::schema::{log_entries, log_head, log_nodes};
use frontier::Frontier;

/// Appends entries for one write transaction. Created by `store::write_transaction` after it
/// has locked the head row, so no other writer can append until this transaction ends. Cloned
/// by group commit before each write, to be restored when that write's savepoint rolls back.
#[derive(Clone)]
pub struct LogWriter {
    size: u64,
    last_leaf_hash: Hash,
    appended: bool,
    /// The tree's right frontier, read at the first append: later appends need no node reads.
    frontier: Option<Frontier>,
}

/// One appended entry, as the caller reports it (`log_index` in responses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub index: u64,
    pub leaf_hash: Hash,
}

impl LogWriter {
    /// Locks the head row (the first statement of every write transaction) and reads it.
    pub(in crate::store) fn lock_head(connection: &mut AnyConnection) -> Result<Self, StoreError> {
        let locked = natively!(connection, inner => diesel::update(log_head::table.filter(log_head::id.eq(1)))
            .set(log_head::size.eq(log_head::size))
            .execute(inner))?;
        if locked != 1 {
            return Err(StoreError::Corrupt("the log head row is missing".into()));
        }
        // `get_result`, not `first`: SQLite re-prepares a statement with a bound `LIMIT` on
        // every execution, and the key already names one row.
        let (size, last_leaf_hash): (i64, String) = natively!(connection, inner => log_head::table
            .filter(log_head::id.eq(1))
            .select((log_head::size, log_head::last_leaf_hash))
            .get_result(inner))?;
        Ok(Self {
            size: u64::try_from(size)
                .map_err(|_| StoreError::Corrupt(format!("negative log size {size}")))?,
            last_leaf_hash: parse_hash(&last_leaf_hash)?,
            appended: false,
            frontier: None,
        })
    }

    /// Appends one typed entry: its leaf bytes (JCS, at most a tile bundle's 65,535 bytes), the
    /// chain link to the previous leaf, and every tree node the new leaf completes.
    pub fn append(
        &mut self,
        connection: &mut AnyConnection,
        time: &str,
        entry: &Entry,
    ) -> Result<Appended, StoreError> {
        let kind = entry.kind();
        let leaf = entry
            .leaf_bytes(self.size, time, self.last_leaf_hash)
            .map_err(|error| StoreError::Corrupt(format!("log entry {kind}: {error}")))?;
        let leaf_text = String::from_utf8(leaf)
            .map_err(|_| StoreError::Corrupt("canonical JSON is not UTF-8".into()))?;
        let leaf_hash = hash::leaf_hash(leaf_text.as_bytes());
        let body_text = serde_json::to_string(&entry.body())
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let index = to_i64(self.size)?;
        let prev = hex::encode(self.last_leaf_hash);
        let leaf_hash_hex = hex::encode(leaf_hash);
        natively!(connection, inner => diesel::insert_into(log_entries::table)
            .values((
                log_entries::entry_index.eq(index),
                log_entries::kind.eq(kind),
                log_entries::time.eq(time),
                log_entries::prev.eq(&prev),
                log_entries::body.eq(&body_text),
                log_entries::leaf.eq(&leaf_text),
                log_entries::leaf_hash.eq(&leaf_hash_hex),
            ))
            .execute(inner))?;
        // Taken out until the append has succeeded: a failed append leaves no frontier behind,
        // and the next one reads it again.
        let mut frontier = match self.frontier.take() {
            Some(frontier) => frontier,
            None => Frontier::read(connection, self.size)?,
        };
        if frontier.size() != self.size {
            return Err(StoreError::Corrupt(format!(
                "the tree frontier is at {} leaves, the log at {}",
                frontier.size(),
                self.size
            )));
        }
        let completed = frontier.append(leaf_hash)?;
        for (node, node_hash) in completed {
            let (level, node_index) = (i32::from(node.level), to_i64(node.index)?);
            let hash = hex::encode(node_hash);
            natively!(connection, inner => diesel::insert_into(log_nodes::table)
                .values((
                    log_nodes::level.eq(level),
                    log_nodes::node_index.eq(node_index),
                    log_nodes::hash.eq(&hash),
                ))
                .execute(inner))?;
        }
        self.size += 1;
        self.last_leaf_hash = leaf_hash;
        self.appended = true;
        self.frontier = Some(frontier);
        Ok(Appended {
            index: self.size - 1,
            leaf_hash,
        })
    }

    /// Writes the new head. Called by `write_transaction` before it commits.
    pub(in crate::store) fn finish(self, connection: &mut AnyConnection) -> Result<(), StoreError> {
        if !self.appended {
            return Ok(());
        }
        let (size, last_leaf_hash) = (to_i64(self.size)?, hex::encode(self.last_leaf_hash));
        natively!(connection, inner => diesel::update(log_head::table.filter(log_head::id.eq(1)))
            .set((
                log_head::size.eq(size),
                log_head::last_leaf_hash.eq(&last_leaf_hash),
            ))
            .execute(inner))?;
        Ok(())
    }
}

/// Reads stored tree nodes through the narrow trait the pure tree code asks for.
pub struct DatabaseNodes<'c> {
    connection: RefCell<&'c mut AnyConnection>,
}

impl<'c> DatabaseNodes<'c> {
    pub fn new(connection: &'c mut AnyConnection) -> Self {
        Self {
            connection: RefCell::new(connection),
        }
    }
}

impl NodeReader for DatabaseNodes<'_> {
    type Error = StoreError;

    /// One query for the whole batch: an `IN` list per level, joined with `OR`. A proof needs
    /// at most a few nodes per level, so the statement stays small.
    fn read_nodes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, StoreError> {
        // Without a filter the query below would read the whole table.
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut by_level: BTreeMap<u8, Vec<i64>> = BTreeMap::new();
        for id in ids {
            by_level
                .entry(id.level)
                .or_default()
                .push(to_i64(id.index)?);
        }
        let mut query = log_nodes::table
            .select((log_nodes::level, log_nodes::node_index, log_nodes::hash))
            .into_boxed();
        for (level, indexes) in by_level {
            query = query.or_filter(
                log_nodes::level
                    .eq(i32::from(level))
                    .and(log_nodes::node_index.eq_any(indexes)),
            );
        }
        let mut connection = self.connection.borrow_mut();
        let rows: Vec<(i32, i64, String)> = query.load(&mut **connection)?;
        let found: HashMap<(i32, i64), String> = rows
            .into_iter()
            .map(|(level, index, hash)| ((level, index), hash))
            .collect();
        ids.iter()
            .map(|id| {
                let stored = found
                    .get(&(i32::from(id.level), to_i64(id.index)?))
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!(
                            "tree node level {} index {} is missing",
                            id.level, id.index
                        ))
                    })?;
                parse_hash(stored)
            })
            .collect()
    }
}

/// The number of committed log entries. Rows are only ever added, and the head moves in the
/// same commit as the entries and nodes it counts, so every node a tree of this size needs is
/// already visible to whoever reads this size.
pub fn head_size(connection: &mut AnyConnection) -> Result<u64, StoreError> {
    let size: i64 = log_head::table
        .filter(log_head::id.eq(1))
        .select(log_head::size)
        .get_result(connection)?;
    u64::try_from(size).map_err(|_| StoreError::Corrupt(format!("negative log size {size}")))
}

pub fn parse_hash(text: &str) -> Result<Hash, StoreError> {
    let bytes = hex::decode(text)
        .map_err(|_| StoreError::Corrupt(format!("stored hash {text:?} is not hex")))?;
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("stored hash {text:?} is not 32 bytes")))
}

pub(crate) fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} exceeds i64")))
}
