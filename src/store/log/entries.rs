//! Reading audit-log entries back. Every entry is re-verified as it is read: its leaf bytes
//! must hash to the stored leaf hash, parse as a canonical leaf, agree with the stored columns
//! and link to the entry before it. A failure is reported as an integrity failure, never
//! served: a ledger that silently served altered entries would defeat its purpose.

use basin_audit::entry::{check_chain, parse_leaf, LogEntry};
use basin_audit::hash::{hash_from_hex, hash_to_hex, leaf_hash, Hash};
use basin_ledger_core::entry::{Entry, TypedEntry};
use diesel::prelude::*;
use rayon::prelude::*;

use super::to_i64;
use crate::store::connection::AnyConnection;
use crate::store::error::StoreError;
use crate::store::page::{finish_page, Page};
use crate::store::schema::log_entries;
use crate::store::IN_LIST_MAX;

/// A stored entry whose leaf bytes have been re-hashed and re-parsed.
#[derive(Debug, Clone)]
pub struct VerifiedEntry {
    pub entry: LogEntry,
    /// The exact leaf bytes (RFC 8785 JSON, always UTF-8).
    pub leaf: String,
    pub leaf_hash: Hash,
}

/// A stored entry's columns, as read; [`typed_entry`] verifies one.
#[derive(Queryable)]
pub(crate) struct EntryRow {
    pub(crate) entry_index: i64,
    kind: String,
    time: String,
    prev: String,
    body: String,
    leaf: String,
    leaf_hash: String,
}

/// The columns of an [`EntryRow`], for a query that joins them to another table.
macro_rules! entry_columns {
    () => {
        (
            log_entries::entry_index,
            log_entries::kind,
            log_entries::time,
            log_entries::prev,
            log_entries::body,
            log_entries::leaf,
            log_entries::leaf_hash,
        )
    };
}
pub(crate) use entry_columns;

/// Entry `index`, verified; `NotFound` when the log has no such entry.
pub fn get_entry(connection: &mut AnyConnection, index: u64) -> Result<VerifiedEntry, StoreError> {
    let row: Option<EntryRow> = log_entries::table
        .filter(log_entries::entry_index.eq(to_i64(index)?))
        .select(entry_columns!())
        .first(connection)
        .optional()?;
    let row = row.ok_or_else(|| StoreError::NotFound {
        what: "log entry",
        key: index.to_string(),
    })?;
    verify_row(&row).map(|(entry, leaf_hash)| VerifiedEntry {
        entry,
        leaf: row.leaf,
        leaf_hash,
    })
}

/// Up to `limit` entries from index `start` on, verified, and each checked to link to the one
/// before it (the first one to the entry before `start`, read for that purpose). The page's
/// `next_after` is the last index shown when more entries follow.
pub fn list_entries(
    connection: &mut AnyConnection,
    start: u64,
    limit: u32,
) -> Result<Page<VerifiedEntry, u64>, StoreError> {
    let first_read = start.saturating_sub(1);
    // The anchor row before `start`, the page, and one more row to know if another page follows.
    let rows: Vec<EntryRow> = log_entries::table
        .filter(log_entries::entry_index.ge(to_i64(first_read)?))
        .select(entry_columns!())
        .order(log_entries::entry_index.asc())
        .limit(i64::from(limit) + 2)
        .load(connection)?;
    let mut previous: Option<Hash> = None;
    let mut entries = Vec::with_capacity(rows.len());
    for (offset, row) in rows.into_iter().enumerate() {
        let expected_index = first_read + offset as u64;
        let (verified, leaf_hash) = verify_row(&row)?;
        let entry = VerifiedEntry {
            entry: verified,
            leaf: row.leaf,
            leaf_hash,
        };
        if entry.entry.index != expected_index {
            return Err(integrity(
                expected_index,
                format!(
                    "the log has a gap: index {} follows index {}",
                    entry.entry.index,
                    expected_index.wrapping_sub(1)
                ),
            ));
        }
        // The anchor's own predecessor was not read, so its link is checked by the page
        // before this one; entry 0 has no predecessor and must name 64 zeros.
        if previous.is_some() || expected_index == 0 {
            check_chain(previous.as_ref(), &entry.entry)
                .map_err(|error| integrity(expected_index, error.to_string()))?;
        }
        previous = Some(entry.leaf_hash);
        entries.push(entry);
    }
    if start > 0 && !entries.is_empty() {
        // Drop the anchor; it was read only to check the first entry's link.
        entries.remove(0);
    }
    Ok(finish_page(entries, limit, |entry| entry.entry.index))
}

fn integrity(index: u64, reason: String) -> StoreError {
    StoreError::Integrity {
        what: format!("log entry {index}"),
        reason,
    }
}

/// Re-hashes and re-parses the leaf bytes and compares them with every stored column: the entry
/// and its leaf hash.
fn verify_row(row: &EntryRow) -> Result<(LogEntry, Hash), StoreError> {
    let index = row_index(row)?;
    let computed_hash = check_leaf_hash(row, index)?;
    let entry = parse_leaf(row.leaf.as_bytes())
        .map_err(|error| integrity(index, format!("leaf bytes: {error}")))?;
    let body: serde_json::Value = stored_body(row, index)?;
    let mut differing = differing_columns(row, (&entry.kind, &entry.time, &entry.prev));
    if entry.index != index {
        differing.insert(0, "index");
    }
    if entry.body != body {
        differing.push("body");
    }
    agree(index, &differing)?;
    Ok((entry, computed_hash))
}

/// [`verify_row`] for a `readings.batch` leaf decoded directly (most of what a settlement
/// reads): its columns are compared with the typed entry, the body first as the text the log
/// stores for it.
fn verify_batch_row(row: &EntryRow, typed: &TypedEntry) -> Result<(), StoreError> {
    let index = row_index(row)?;
    check_leaf_hash(row, index)?;
    let mut differing = differing_columns(row, (typed.entry.kind(), &typed.time, &typed.prev));
    if typed.index != index {
        differing.insert(0, "index");
    }
    let Entry::ReadingsBatch(batch) = &typed.entry else {
        return Err(integrity(index, "not a readings.batch entry".to_owned()));
    };
    let same_text = serde_json::to_string(batch).is_ok_and(|text| text == row.body);
    if !same_text && stored_body(row, index)? != typed.entry.body() {
        differing.push("body");
    }
    agree(index, &differing)
}

fn row_index(row: &EntryRow) -> Result<u64, StoreError> {
    u64::try_from(row.entry_index)
        .map_err(|_| StoreError::Corrupt(format!("negative log index {}", row.entry_index)))
}

/// The leaf bytes' hash, once it is the stored leaf hash.
fn check_leaf_hash(row: &EntryRow, index: u64) -> Result<Hash, StoreError> {
    let stored_hash = hash_from_hex(&row.leaf_hash)
        .map_err(|error| integrity(index, format!("stored leaf hash: {error}")))?;
    let computed_hash = leaf_hash(row.leaf.as_bytes());
    if computed_hash != stored_hash {
        return Err(integrity(
            index,
            format!(
                "the leaf bytes hash to {}, but the stored leaf hash is {}",
                hash_to_hex(&computed_hash),
                row.leaf_hash
            ),
        ));
    }
    Ok(computed_hash)
}

fn stored_body(row: &EntryRow, index: u64) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(&row.body)
        .map_err(|error| integrity(index, format!("stored body is not JSON: {error}")))
}

/// The stored kind, time and prev columns that differ from the leaf's.
fn differing_columns(row: &EntryRow, (kind, time, prev): (&str, &str, &Hash)) -> Vec<&'static str> {
    let mut differing = Vec::new();
    if kind != row.kind {
        differing.push("kind");
    }
    if time != row.time {
        differing.push("time");
    }
    if !is_hex_of(prev, &row.prev) {
        differing.push("prev");
    }
    differing
}

/// Whether `text` is the lowercase hex of `hash`, without building a string.
fn is_hex_of(hash: &Hash, text: &str) -> bool {
    let mut hex = [0_u8; 64];
    hex::encode_to_slice(hash, &mut hex).is_ok() && hex == text.as_bytes()
}

fn agree(index: u64, differing: &[&str]) -> Result<(), StoreError> {
    if differing.is_empty() {
        return Ok(());
    }
    Err(integrity(
        index,
        format!(
            "the leaf bytes disagree with the stored {}",
            differing.join(", ")
        ),
    ))
}

/// The entries at these indices, each verified as [`get_entry`] does and decoded into its typed
/// kind, in the order given. A missing index is an integrity failure: the caller read it from a
/// row that names it.
pub fn typed_entries(
    connection: &mut AnyConnection,
    indices: &[u64],
) -> Result<Vec<TypedEntry>, StoreError> {
    let mut rows: std::collections::HashMap<i64, EntryRow> = std::collections::HashMap::new();
    let wanted = indices
        .iter()
        .map(|index| to_i64(*index))
        .collect::<Result<Vec<_>, _>>()?;
    for chunk in wanted.chunks(IN_LIST_MAX) {
        let found: Vec<EntryRow> = log_entries::table
            .filter(log_entries::entry_index.eq_any(chunk))
            .select(entry_columns!())
            .load(connection)?;
        rows.extend(found.into_iter().map(|row| (row.entry_index, row)));
    }
    // Verifying is most of the cost: over the cores. The results are kept in the order given,
    // so that of several damaged entries the first is named, whichever was verified first.
    let verified: Vec<Result<TypedEntry, StoreError>> = indices
        .par_iter()
        .zip(wanted)
        .map(|(index, key)| match rows.get(&key) {
            Some(row) => typed_entry(row),
            None => Err(missing_entry(*index)),
        })
        .collect();
    verified.into_iter().collect()
}

/// One stored entry, verified as [`get_entry`] does and decoded into its typed kind.
pub(crate) fn typed_entry(row: &EntryRow) -> Result<TypedEntry, StoreError> {
    if let Some(typed) = TypedEntry::from_batch_leaf(row.leaf.as_bytes()) {
        verify_batch_row(row, &typed)?;
        return Ok(typed);
    }
    let (entry, _) = verify_row(row)?;
    TypedEntry::from_log_entry(&entry).map_err(|error| integrity(entry.index, error.to_string()))
}

/// Entry `index` was named by a row that refers to it, but the log does not hold it.
pub(crate) fn missing_entry(index: u64) -> StoreError {
    integrity(index, "the entry is missing".to_owned())
}
