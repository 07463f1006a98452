//! The readings used by a settlement and their digest (API.md `readings_digest`): each reading as
//! the readings API shows it, `{id, section, sampled_at, values}`, with its per-value `flags` when it
//! carries any. A reading without flags is written exactly as before flags existed, so documents
//! over such readings keep their digests.

use std::collections::BTreeMap;

use basin_audit::canonical::{write_string, CanonicalError, SAFE_INTEGER_MAX};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One reading used by a settlement, as the readings API shows it: `values` maps parameter codes
/// to the literal text the station sent (`0.270`, `<0.02`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsedReading {
    pub id: i64,
    pub section: String,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub sampled_at: String,
    pub values: BTreeMap<String, String>,
}

/// A used reading with its per-value flags (parameter code → HJ 212 letter) exactly as sent; empty
/// when it has none. Flags decide which values count, not which readings are used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedReading {
    pub reading: UsedReading,
    pub flags: BTreeMap<String, String>,
}

impl From<UsedReading> for FlaggedReading {
    fn from(reading: UsedReading) -> Self {
        Self {
            reading,
            flags: BTreeMap::new(),
        }
    }
}

/// What the digest reads of a reading.
pub trait DigestedReading {
    fn used(&self) -> &UsedReading;
    fn flags(&self) -> &BTreeMap<String, String>;
}

static NO_FLAGS: BTreeMap<String, String> = BTreeMap::new();

impl DigestedReading for UsedReading {
    fn used(&self) -> &UsedReading {
        self
    }
    fn flags(&self) -> &BTreeMap<String, String> {
        &NO_FLAGS
    }
}

impl DigestedReading for FlaggedReading {
    fn used(&self) -> &UsedReading {
        &self.reading
    }
    fn flags(&self) -> &BTreeMap<String, String> {
        &self.flags
    }
}

/// Lowercase hex SHA-256 of the JCS text of the readings used, sorted by section code, then
/// sampled_at, then id (API.md `readings_digest`). Written straight into the hash for exactly
/// this shape, without building JSON values: the bytes are those of `canonical_json` over
/// `[{flags?, id, sampled_at, section, values}]` (members in JCS order, `flags` only when there are
/// some), which tests hold it to. Readings without flags: see [`readings_digest`].
pub fn flagged_readings_digest(readings: &[FlaggedReading]) -> Result<String, CanonicalError> {
    digest_of(readings)
}

/// The digest of readings none of which carries flags.
pub fn readings_digest(readings: &[UsedReading]) -> Result<String, CanonicalError> {
    digest_of(readings)
}

fn digest_of<R: DigestedReading>(readings: &[R]) -> Result<String, CanonicalError> {
    let mut sorted: Vec<&R> = readings.iter().collect();
    sorted.sort_by(|left, right| {
        let (left, right) = (left.used(), right.used());
        (&left.section, &left.sampled_at, left.id).cmp(&(
            &right.section,
            &right.sampled_at,
            right.id,
        ))
    });
    let mut hasher = Sha256::new();
    let mut buffer = Vec::with_capacity(DIGEST_BUFFER_BYTES);
    buffer.push(b'[');
    for (position, reading) in sorted.iter().enumerate() {
        if position > 0 {
            buffer.push(b',');
        }
        write_reading(reading.used(), reading.flags(), &mut buffer)?;
        if buffer.len() >= DIGEST_BUFFER_BYTES {
            hasher.update(&buffer);
            buffer.clear();
        }
    }
    buffer.push(b']');
    hasher.update(&buffer);
    Ok(hex::encode(hasher.finalize()))
}

/// Bytes gathered before they are hashed: large enough that the hash runs on long slices.
const DIGEST_BUFFER_BYTES: usize = 64 * 1024;

/// One reading as JCS: members sorted by name (`flags` < `id` < `sampled_at` < `section` <
/// `values`), the parameter codes sorted (a `BTreeMap` of ASCII codes is in JCS order).
fn write_reading(
    reading: &UsedReading,
    flags: &BTreeMap<String, String>,
    output: &mut Vec<u8>,
) -> Result<(), CanonicalError> {
    if reading.id.unsigned_abs() > SAFE_INTEGER_MAX {
        return Err(CanonicalError::IntegerOutOfRange(reading.id.to_string()));
    }
    output.push(b'{');
    if !flags.is_empty() {
        output.extend_from_slice(b"\"flags\":");
        write_object(flags, output);
        output.push(b',');
    }
    output.extend_from_slice(b"\"id\":");
    output.extend_from_slice(reading.id.to_string().as_bytes());
    output.extend_from_slice(b",\"sampled_at\":");
    write_string(&reading.sampled_at, output);
    output.extend_from_slice(b",\"section\":");
    write_string(&reading.section, output);
    output.extend_from_slice(b",\"values\":");
    write_object(&reading.values, output);
    output.push(b'}');
    Ok(())
}

/// An object of strings whose keys are parameter codes (ASCII, so `BTreeMap` order is JCS order).
fn write_object(members: &BTreeMap<String, String>, output: &mut Vec<u8>) {
    output.push(b'{');
    for (position, (key, value)) in members.iter().enumerate() {
        if position > 0 {
            output.push(b',');
        }
        write_string(key, output);
        output.push(b':');
        write_string(value, output);
    }
    output.push(b'}');
}
