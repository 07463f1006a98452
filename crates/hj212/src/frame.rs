//! The frame: `##`, the data segment's length as 4 decimal digits, the data segment, its CRC as
//! 4 hex digits (either case), `\r\n` (HJ 212-2017 §6.3.1).
//!
//! [`scan`] is the incremental form a framed codec drives: it looks at the bytes received so far
//! and says whether they start with a whole frame, a refused one, or not enough yet. It never
//! asks for more than [`FRAME_BYTES_MAX`] bytes, so a sender cannot make the gateway buffer
//! more than that for one frame.

use crate::crc::{crc_matches, crc_text};

/// Longest frame accepted, from `##` to `\r\n` inclusive (the standard allows a data segment
/// of up to 1,024 bytes in 2017; we leave room for the 2025 revision's longer segments).
pub const FRAME_BYTES_MAX: usize = 2_048;

/// `##` + 4 length digits.
const HEADER_BYTES: usize = 6;
/// 4 CRC digits + `\r\n`.
const TRAILER_BYTES: usize = 6;
const FRAME_START: &[u8] = b"##";
const LINE_END: &[u8] = b"\r\n";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("bytes before the frame start `##`")]
    Garbage,
    #[error("the length is not 4 decimal digits, or does not end where `\\r\\n` does")]
    BadLength,
    #[error("the frame is longer than {FRAME_BYTES_MAX} bytes")]
    TooLarge,
    #[error("the CRC is not 4 hex digits equal to the data segment's CRC")]
    BadCrc,
    #[error("the data segment is not printable ASCII")]
    NotAscii,
}

impl FrameError {
    /// The Prometheus label for the refusal.
    pub fn label(self) -> &'static str {
        match self {
            Self::Garbage => "garbage",
            Self::BadLength => "bad_length",
            Self::TooLarge => "too_large",
            Self::BadCrc => "bad_crc",
            Self::NotAscii => "not_ascii",
        }
    }
}

/// What the bytes received so far start with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scan {
    /// Not enough bytes to decide: read more.
    Incomplete,
    /// A whole, well-formed frame of `consumed` bytes; its data segment is `segment`.
    Frame { consumed: usize, segment: String },
    /// Refused. Drop `consumed` bytes; when `skip_line` is set, also drop everything up to and
    /// including the next `\r\n` that arrives (the rest of the bad frame), without another
    /// refusal for it.
    Refused {
        consumed: usize,
        error: FrameError,
        skip_line: bool,
    },
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Where the next line ends (the index just past `\r\n`), if it has arrived.
pub fn line_end(bytes: &[u8]) -> Option<usize> {
    find(bytes, LINE_END).map(|position| position + LINE_END.len())
}

/// Looks at the start of `bytes` (see [`Scan`]).
pub fn scan(bytes: &[u8]) -> Scan {
    if bytes.is_empty() {
        return Scan::Incomplete;
    }
    if !bytes.starts_with(FRAME_START) {
        // Resynchronise on the next `##`, or on the end of the line if that comes first.
        let start = find(bytes, FRAME_START);
        let end = line_end(bytes);
        let (consumed, skip_line) = match (start, end) {
            (Some(start), Some(end)) => (start.min(end), false),
            (Some(start), None) => (start, false),
            (None, Some(end)) => (end, false),
            // One `#` may be the first half of a frame start still in flight.
            (None, None) if bytes == b"#" => return Scan::Incomplete,
            // A run of bytes with no frame start and no line end: one refusal for the whole
            // line, however long it grows.
            (None, None) => (bytes.len() - usize::from(bytes.ends_with(b"#")), true),
        };
        return Scan::Refused {
            consumed: consumed.max(1),
            error: FrameError::Garbage,
            skip_line,
        };
    }
    let refuse = |error| Scan::Refused {
        consumed: FRAME_START.len(),
        error,
        skip_line: true,
    };
    let Some(digits) = bytes.get(FRAME_START.len()..HEADER_BYTES) else {
        return match bytes[FRAME_START.len()..].iter().all(u8::is_ascii_digit) {
            true => Scan::Incomplete,
            false => refuse(FrameError::BadLength),
        };
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return refuse(FrameError::BadLength);
    }
    let length = digits
        .iter()
        .fold(0_usize, |sum, digit| sum * 10 + usize::from(digit - b'0'));
    let total = HEADER_BYTES + length + TRAILER_BYTES;
    if total > FRAME_BYTES_MAX {
        return refuse(FrameError::TooLarge);
    }
    // A line that ends before the declared length does is a frame whose length lies.
    if let Some(end) = line_end(&bytes[..bytes.len().min(total)]) {
        if end < total {
            return Scan::Refused {
                consumed: end,
                error: FrameError::BadLength,
                skip_line: false,
            };
        }
    }
    if bytes.len() < total {
        return Scan::Incomplete;
    }
    match parse_frame(&bytes[..total]) {
        Ok(segment) => Scan::Frame {
            consumed: total,
            segment: segment.to_owned(),
        },
        Err(FrameError::BadLength) => refuse(FrameError::BadLength),
        Err(error) => Scan::Refused {
            consumed: total,
            error,
            skip_line: false,
        },
    }
}

/// Checks one whole frame and returns its data segment.
pub fn parse_frame(frame: &[u8]) -> Result<&str, FrameError> {
    if frame.len() > FRAME_BYTES_MAX {
        return Err(FrameError::TooLarge);
    }
    let digits = frame
        .strip_prefix(FRAME_START)
        .and_then(|rest| rest.get(..4))
        .filter(|digits| digits.iter().all(u8::is_ascii_digit))
        .ok_or(FrameError::BadLength)?;
    let length = digits
        .iter()
        .fold(0_usize, |sum, digit| sum * 10 + usize::from(digit - b'0'));
    if frame.len() != HEADER_BYTES + length + TRAILER_BYTES || !frame.ends_with(LINE_END) {
        return Err(FrameError::BadLength);
    }
    let segment = &frame[HEADER_BYTES..HEADER_BYTES + length];
    let crc = &frame[HEADER_BYTES + length..HEADER_BYTES + length + 4];
    if !crc_matches(segment, crc) {
        return Err(FrameError::BadCrc);
    }
    if !segment.iter().all(|byte| (0x20..0x7F).contains(byte)) {
        return Err(FrameError::NotAscii);
    }
    std::str::from_utf8(segment).map_err(|_| FrameError::NotAscii)
}

/// The frame around a data segment (uppercase CRC). `None` when the segment does not fit the
/// 4-digit length or the frame limit.
pub fn encode_frame(segment: &str) -> Option<String> {
    let total = HEADER_BYTES + segment.len() + TRAILER_BYTES;
    (segment.len() <= 9_999 && total <= FRAME_BYTES_MAX).then(|| {
        format!(
            "##{:04}{segment}{}\r\n",
            segment.len(),
            crc_text(segment.as_bytes())
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEGMENT: &str = "QN=20160801085857223;ST=32;CN=1062;PW=100000;\
        MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&";

    #[test]
    fn the_standard_example_frames_as_0101_and_1c80() {
        let frame = encode_frame(SEGMENT).unwrap();
        assert!(frame.starts_with("##0101QN="));
        assert!(frame.ends_with("&&1C80\r\n"));
        assert_eq!(parse_frame(frame.as_bytes()), Ok(SEGMENT));
        let lowercase = frame.replace("1C80\r\n", "1c80\r\n");
        assert_eq!(parse_frame(lowercase.as_bytes()), Ok(SEGMENT));
    }

    #[test]
    fn bad_crc_and_bad_length_are_told_apart() {
        let frame = encode_frame(SEGMENT).unwrap();
        let bad_crc = frame.replace("1C80", "1C81");
        assert_eq!(parse_frame(bad_crc.as_bytes()), Err(FrameError::BadCrc));
        let bad_length = frame.replacen("##0101", "##0100", 1);
        assert_eq!(
            parse_frame(bad_length.as_bytes()),
            Err(FrameError::BadLength)
        );
        assert!(matches!(
            scan(bad_length.as_bytes()),
            Scan::Refused {
                error: FrameError::BadLength,
                ..
            }
        ));
        let longer = frame.replacen("##0101", "##0102", 1);
        assert!(matches!(
            scan(longer.as_bytes()),
            Scan::Refused {
                error: FrameError::BadLength,
                ..
            }
        ));
    }

    #[test]
    fn a_frame_arriving_in_pieces_is_incomplete_until_whole() {
        let frame = encode_frame(SEGMENT).unwrap();
        for cut in 0..frame.len() {
            assert_eq!(
                scan(&frame.as_bytes()[..cut]),
                Scan::Incomplete,
                "cut {cut}"
            );
        }
        assert_eq!(
            scan(frame.as_bytes()),
            Scan::Frame {
                consumed: frame.len(),
                segment: SEGMENT.to_owned()
            }
        );
    }

    #[test]
    fn a_declared_length_over_the_limit_is_refused_at_once() {
        assert_eq!(
            scan(b"##9999QN="),
            Scan::Refused {
                consumed: 2,
                error: FrameError::TooLarge,
                skip_line: true
            }
        );
    }
}
