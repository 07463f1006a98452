//! Shape checks for the `kind` and `time` members of a log entry.
//!
//! The log only ever writes values of these shapes, so anything else read back is a sign
//! of corruption or of a foreign writer, and is refused.

use super::EntryError;

/// Kinds are short dotted names such as `settlement.acknowledged`.
pub const KIND_BYTES_MAX: usize = 64;

/// `kind` matches `[a-z][a-z0-9_.]*` and is at most [`KIND_BYTES_MAX`] bytes.
pub fn check_kind(kind: &str) -> Result<(), EntryError> {
    let mut bytes = kind.bytes();
    let first_is_letter = bytes.next().is_some_and(|byte| byte.is_ascii_lowercase());
    let rest_is_allowed = bytes.all(|byte| {
        byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_' || byte == b'.'
    });
    if first_is_letter && rest_is_allowed && kind.len() <= KIND_BYTES_MAX {
        Ok(())
    } else {
        Err(EntryError::BadKind)
    }
}

/// `time` is UTC `YYYY-MM-DDTHH:MM:SSZ` (API.md "Conventions": output times), with
/// fields in their calendar ranges. The day is checked against 31, not the month's
/// length: this crate has no calendar, and the writer formats times from a real clock.
pub fn check_time(time: &str) -> Result<(), EntryError> {
    let bytes = time.as_bytes();
    let separators_ok = bytes.len() == 20
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':'
        && bytes[19] == b'Z';
    if !separators_ok {
        return Err(EntryError::BadTime);
    }
    // Works on bytes, so a multi-byte character can never split a slice.
    let number = |start: usize, end: usize| -> Option<u32> {
        bytes[start..end].iter().try_fold(0_u32, |value, &byte| {
            byte.is_ascii_digit()
                .then(|| value * 10 + u32::from(byte - b'0'))
        })
    };
    let fields = (
        number(0, 4),
        number(5, 7),
        number(8, 10),
        number(11, 13),
        number(14, 16),
        number(17, 19),
    );
    match fields {
        (Some(_), Some(1..=12), Some(1..=31), Some(0..=23), Some(0..=59), Some(0..=59)) => Ok(()),
        _ => Err(EntryError::BadTime),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_the_api_are_accepted_and_others_refused() {
        for kind in ["key.added", "settlement.issued", "readings.batch", "a_b.c1"] {
            assert_eq!(check_kind(kind), Ok(()), "{kind}");
        }
        for kind in ["", "Key.added", ".x", "a b", "a-b", "é", &"a".repeat(65)] {
            assert_eq!(check_kind(kind), Err(EntryError::BadKind), "{kind}");
        }
    }

    #[test]
    fn only_utc_times_with_whole_seconds_are_accepted() {
        assert_eq!(check_time("2025-06-30T16:00:00Z"), Ok(()));
        for time in [
            "2025-06-30T16:00:00+08:00",
            "2025-06-30T16:00:00.5Z",
            "2025-06-30 16:00:00Z",
            "2025-13-01T00:00:00Z",
            "2025-00-01T00:00:00Z",
            "2025-01-01T24:00:00Z",
            "2025-01-01T00:60:00Z",
            "+025-01-01T00:00:00Z",
            "2025-01-01T00:00:0\u{0660}",
        ] {
            assert_eq!(check_time(time), Err(EntryError::BadTime), "{time}");
        }
    }
}
