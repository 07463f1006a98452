//! Whether a stored row is what the batch rules record for a reading as sent, decided on bytes:
//! the section as sent, the instant in UTC, and the values and flags written exactly as ingest
//! writes them (`batch::recorded_form`), into one reused buffer instead of a value per field.

use basin_domain::{ParameterCode, ValueFlag};
use chrono::Utc;

use super::view::{literal_text, string_contents, ReadingView};
use crate::settlement::counted::CountedReading;
use crate::settlement::reading::InputReading;
use crate::time::utc_text;

/// A stored reading as the check reads it. `None` from [`StoredRow::stored_texts`] says the stored
/// values or flags are not in the form ingest writes, so they cannot be what it recorded.
pub trait StoredRow {
    fn id(&self) -> i64;
    fn section(&self) -> &str;
    fn sampled_at(&self) -> &str;
    /// The values object and the flags object (or `None` without flags) as stored.
    fn stored_texts(&self) -> Option<(&str, Option<&str>)>;
}

impl StoredRow for CountedReading {
    fn id(&self) -> i64 {
        self.id
    }
    fn section(&self) -> &str {
        &self.section
    }
    fn sampled_at(&self) -> &str {
        &self.sampled_at
    }
    fn stored_texts(&self) -> Option<(&str, Option<&str>)> {
        Some((&self.values_json, self.flags_json.as_deref()))
    }
}

/// A parsed reading keeps its stored texts when they already were in JCS; ingest writes exactly
/// that form, so a reading whose texts had to be rewritten was not stored by ingest.
impl StoredRow for InputReading {
    fn id(&self) -> i64 {
        self.id
    }
    fn section(&self) -> &str {
        &self.section
    }
    fn sampled_at(&self) -> &str {
        &self.sampled_at
    }
    fn stored_texts(&self) -> Option<(&str, Option<&str>)> {
        self.stored_as_kept()
            .then(|| (self.values_jcs(), self.flags_jcs()))
    }
}

/// Whether `row` records `sent`. A reading that counts was posted valid, so a sent status other
/// than `valid` means the row's status was altered.
///
/// The literals are compared as text and not parsed here: a row that passes holds the very text
/// the station sent, and the settlement parses every counted literal with the parameter's rules
/// as well, refusing one that does not parse as an integrity problem of the same reading.
pub(super) fn records<R: StoredRow>(
    sent: &ReadingView<'_>,
    row: &R,
    scratch: &mut Vec<u8>,
) -> bool {
    let Some((values_json, flags_json)) = row.stored_texts() else {
        return false;
    };
    sent.section == row.section()
        && matches!(sent.status.as_deref(), None | Some("valid"))
        && same_instant(&sent.sampled_at, row.sampled_at())
        && write_values(sent, scratch)
        && scratch.as_slice() == values_json.as_bytes()
        && match (write_flags(sent, scratch), flags_json) {
            (Some(false), None) => true,
            (Some(true), Some(stored)) => scratch.as_slice() == stored.as_bytes(),
            _ => false,
        }
}

/// The sent instant, once in UTC with whole seconds, is the stored one. Text already in that
/// form is compared as it stands; any other offset is parsed.
fn same_instant(sent: &str, stored: &str) -> bool {
    if is_utc_text(sent) {
        return sent == stored;
    }
    chrono::DateTime::parse_from_rfc3339(sent)
        .is_ok_and(|instant| utc_text(instant.with_timezone(&Utc)) == stored)
}

/// `YYYY-MM-DDTHH:MM:SSZ` by shape.
fn is_utc_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 20
        && bytes
            .iter()
            .enumerate()
            .all(|(position, byte)| match position {
                4 | 7 => *byte == b'-',
                10 => *byte == b'T',
                13 | 16 => *byte == b':',
                19 => *byte == b'Z',
                _ => byte.is_ascii_digit(),
            })
}

/// The values object as ingest stores it: known codes sorted, each with the literal as sent.
/// `false` when the rules would refuse the values (none, or an unknown code).
fn write_values(sent: &ReadingView<'_>, output: &mut Vec<u8>) -> bool {
    output.clear();
    if sent.values.is_empty() {
        return false;
    }
    output.push(b'{');
    for (position, (code, raw)) in sent.values.sorted().into_iter().enumerate() {
        let Ok(parameter) = ParameterCode::parse(code) else {
            return false;
        };
        if position > 0 {
            output.push(b',');
        }
        write_member(output, parameter.as_str(), &literal_text(raw));
    }
    output.push(b'}');
    true
}

/// The flags object as ingest stores it: `Some(false)` without flags, `Some(true)` with the
/// object written, `None` when the rules would refuse a flag.
fn write_flags(sent: &ReadingView<'_>, output: &mut Vec<u8>) -> Option<bool> {
    output.clear();
    let Some(flags) = sent.flags.as_ref().filter(|flags| !flags.is_empty()) else {
        return Some(false);
    };
    output.push(b'{');
    for (position, (code, raw)) in flags.sorted().into_iter().enumerate() {
        if !sent.values.contains(code) {
            return None;
        }
        let flag = ValueFlag::parse(&string_contents(raw)?).ok()?;
        if position > 0 {
            output.push(b',');
        }
        write_member(output, code, flag.as_str());
    }
    output.push(b'}');
    Some(true)
}

/// `"name":"text"`, escaped as serde_json escapes (ingest stores with serde_json).
fn write_member(output: &mut Vec<u8>, name: &str, text: &str) {
    write_json_string(output, name);
    output.push(b':');
    write_json_string(output, text);
}

/// A JSON string as serde_json writes it. It escapes only the quote, the backslash and the
/// control characters, so text without them (codes, literals, letters) is copied as it is.
fn write_json_string(output: &mut Vec<u8>, text: &str) {
    if text
        .bytes()
        .any(|byte| byte == b'"' || byte == b'\\' || byte < 0x20)
    {
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *output, text);
        return;
    }
    output.push(b'"');
    output.extend_from_slice(text.as_bytes());
    output.push(b'"');
}
