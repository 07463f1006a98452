//! `readings.batch` leaves decoded straight into their typed entry, without a JSON value: a
//! settlement over hourly batches decodes one leaf per reading it counts. The bytes are taken
//! only when they are exactly the canonical leaf rebuilt from what was decoded, so this path
//! accepts nothing the general decoder (`parse_leaf`, then `Entry::decode`) would refuse;
//! anything else is left to that decoder, which names what is wrong.

use std::borrow::Cow;

use basin_audit::canonical::{write_string, SAFE_INTEGER_MAX};
use basin_audit::entry::check_time;
use basin_audit::hash::hash_from_hex;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Entry, ReadingsBatchLogged, TypedEntry};

const KIND: &str = "readings.batch";

/// The leaf's members, the body left as its exact text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Frame<'a> {
    #[serde(borrow)]
    body: &'a RawValue,
    index: u64,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    prev: Cow<'a, str>,
    #[serde(borrow)]
    time: Cow<'a, str>,
}

/// The typed entry of a canonical `readings.batch` leaf; `None` for any other leaf, valid or not.
pub(super) fn decode(bytes: &[u8]) -> Option<TypedEntry> {
    let frame: Frame<'_> = serde_json::from_slice(bytes).ok()?;
    if frame.kind != KIND || check_time(&frame.time).is_err() {
        return None;
    }
    let body: ReadingsBatchLogged = serde_json::from_str(frame.body.get()).ok()?;
    let prev = hash_from_hex(&frame.prev).ok()?;
    let mut rebuilt = Vec::with_capacity(bytes.len());
    rebuilt.extend_from_slice(b"{\"body\":");
    write_canonical_body(&body, &mut rebuilt)?;
    rebuilt.extend_from_slice(b",\"index\":");
    write_integer(frame.index.try_into().ok()?, &mut rebuilt)?;
    rebuilt.extend_from_slice(b",\"kind\":");
    write_string(KIND, &mut rebuilt);
    rebuilt.extend_from_slice(b",\"prev\":");
    write_string(&frame.prev, &mut rebuilt);
    rebuilt.extend_from_slice(b",\"time\":");
    write_string(&frame.time, &mut rebuilt);
    rebuilt.push(b'}');
    (rebuilt == bytes).then(|| TypedEntry {
        index: frame.index,
        time: frame.time.into_owned(),
        prev,
        entry: Entry::ReadingsBatch(body),
    })
}

/// The body's RFC 8785 form: its members in code-point order. `None` when an integer is
/// beyond what canonical JSON holds exactly.
fn write_canonical_body(body: &ReadingsBatchLogged, output: &mut Vec<u8>) -> Option<()> {
    output.extend_from_slice(b"{\"batch_id\":");
    write_string(&body.batch_id, output);
    output.extend_from_slice(b",\"body_sha256\":");
    write_string(&body.body_sha256, output);
    output.extend_from_slice(b",\"first_reading_id\":");
    write_integer(body.first_reading_id, output)?;
    output.extend_from_slice(b",\"key_id\":");
    write_optional_string(body.key_id.as_deref(), output);
    output.extend_from_slice(b",\"readings\":");
    write_integer(i64::from(body.readings), output)?;
    output.extend_from_slice(b",\"signature\":");
    write_optional_string(body.signature.as_deref(), output);
    output.extend_from_slice(b",\"station\":");
    write_string(body.station.as_str(), output);
    output.push(b'}');
    Some(())
}

fn write_integer(value: i64, output: &mut Vec<u8>) -> Option<()> {
    (value.unsigned_abs() <= SAFE_INTEGER_MAX).then(|| {
        output.extend_from_slice(value.to_string().as_bytes());
    })
}

fn write_optional_string(value: Option<&str>, output: &mut Vec<u8>) {
    match value {
        Some(text) => write_string(text, output),
        None => output.extend_from_slice(b"null"),
    }
}

#[cfg(test)]
#[path = "batch_leaf_tests.rs"]
mod tests;
