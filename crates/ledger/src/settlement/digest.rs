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
    fn id(&self) -> i64;
    fn section(&self) -> &str;
    fn sampled_at(&self) -> &str;
    fn has_flags(&self) -> bool;
    /// Writes the flags object in JCS (only called when there are flags).
    fn write_flags(&self, output: &mut Vec<u8>);
    /// Writes the values object in JCS.
    fn write_values(&self, output: &mut Vec<u8>);
}

impl DigestedReading for UsedReading {
    fn id(&self) -> i64 {
        self.id
    }
    fn section(&self) -> &str {
        &self.section
    }
    fn sampled_at(&self) -> &str {
        &self.sampled_at
    }
    fn has_flags(&self) -> bool {
        false
    }
    fn write_flags(&self, _: &mut Vec<u8>) {}
    fn write_values(&self, output: &mut Vec<u8>) {
        write_object(&self.values, output);
    }
}

impl DigestedReading for FlaggedReading {
    fn id(&self) -> i64 {
        self.reading.id
    }
    fn section(&self) -> &str {
        &self.reading.section
    }
    fn sampled_at(&self) -> &str {
        &self.reading.sampled_at
    }
    fn has_flags(&self) -> bool {
        !self.flags.is_empty()
    }
    fn write_flags(&self, output: &mut Vec<u8>) {
        write_object(&self.flags, output);
    }
    fn write_values(&self, output: &mut Vec<u8>) {
        write_object(&self.reading.values, output);
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

/// The digest of readings in any form the digest can read.
pub fn digest_of<R: DigestedReading>(readings: &[R]) -> Result<String, CanonicalError> {
    let mut sorted: Vec<&R> = readings.iter().collect();
    sorted.sort_by(|left, right| {
        (left.section(), left.sampled_at(), left.id()).cmp(&(
            right.section(),
            right.sampled_at(),
            right.id(),
        ))
    });
    let mut hasher = Sha256::new();
    let mut buffer = Vec::with_capacity(DIGEST_BUFFER_BYTES);
    buffer.push(b'[');
    for (position, reading) in sorted.iter().enumerate() {
        if position > 0 {
            buffer.push(b',');
        }
        write_reading(*reading, &mut buffer)?;
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
fn write_reading<R: DigestedReading>(
    reading: &R,
    output: &mut Vec<u8>,
) -> Result<(), CanonicalError> {
    let id = reading.id();
    if id.unsigned_abs() > SAFE_INTEGER_MAX {
        return Err(CanonicalError::IntegerOutOfRange(id.to_string()));
    }
    output.push(b'{');
    if reading.has_flags() {
        output.extend_from_slice(b"\"flags\":");
        reading.write_flags(output);
        output.push(b',');
    }
    output.extend_from_slice(b"\"id\":");
    write_integer(id, output);
    output.extend_from_slice(b",\"sampled_at\":");
    write_string(reading.sampled_at(), output);
    output.extend_from_slice(b",\"section\":");
    write_string(reading.section(), output);
    output.extend_from_slice(b",\"values\":");
    reading.write_values(output);
    output.push(b'}');
    Ok(())
}

/// A safe integer in JCS: its decimal digits (no allocation; every reading has an id).
fn write_integer(value: i64, output: &mut Vec<u8>) {
    if value < 0 {
        output.push(b'-');
    }
    let mut magnitude = value.unsigned_abs();
    let mut digits = [0_u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        // A remainder of ten is below 256.
        digits[start] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    output.extend_from_slice(&digits[start..]);
}

/// An object of strings whose keys are parameter codes (ASCII, so `BTreeMap` order is JCS order).
fn write_object(members: &BTreeMap<String, String>, output: &mut Vec<u8>) {
    write_members(members.iter(), output);
}

/// An object of string members, in the order given (the caller's names sort in JCS order).
pub(super) fn write_members<K: AsRef<str>, V: AsRef<str>>(
    members: impl Iterator<Item = (K, V)>,
    output: &mut Vec<u8>,
) {
    output.push(b'{');
    for (position, (key, value)) in members.enumerate() {
        if position > 0 {
            output.push(b',');
        }
        write_string(key.as_ref(), output);
        output.push(b':');
        write_string(value.as_ref(), output);
    }
    output.push(b'}');
}
