//! Evidence bundles (`GET /v1/log/evidence/<N>[.p/<W>]`): for every `readings.batch` entry among
//! the entries of one entry bundle, the batch's exact body bytes and the station's signature,
//! so that a verifier checks a whole tile of batches with one request.
//!
//! The format is binary, as entry bundles are, one record per batch entry in ascending index:
//! the entry's index as a big-endian `u64`; the signature's length as a big-endian `u16` (0 for
//! an unsigned batch) and its base64 text; the body's length as a big-endian `u32` and its bytes.
//! Nothing comes before, between or after the records.

use std::ops::Range;

/// One batch's evidence, borrowed from the bundle it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvidenceRecord<'a> {
    pub index: u64,
    pub signature: Option<&'a str>,
    pub body: &'a [u8],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("the evidence of entry {index} is too large to encode")]
    TooLarge { index: u64 },
    #[error("the evidence bundle ends inside record {position}")]
    Truncated { position: usize },
    #[error("record {position} names entry {index}, outside {start}..{end} or not after the record before")]
    OutOfOrder {
        position: usize,
        index: u64,
        start: u64,
        end: u64,
    },
    #[error("the signature of entry {index} is not text")]
    SignatureNotText { index: u64 },
}

/// Encodes `records`, which must be in ascending index order.
pub fn encode_evidence<'a>(
    records: impl IntoIterator<Item = EvidenceRecord<'a>>,
) -> Result<Vec<u8>, EvidenceError> {
    let mut bytes = Vec::new();
    for record in records {
        let too_large = || EvidenceError::TooLarge {
            index: record.index,
        };
        let signature = record.signature.unwrap_or_default().as_bytes();
        let signature_length = u16::try_from(signature.len()).map_err(|_| too_large())?;
        let body_length = u32::try_from(record.body.len()).map_err(|_| too_large())?;
        bytes.extend_from_slice(&record.index.to_be_bytes());
        bytes.extend_from_slice(&signature_length.to_be_bytes());
        bytes.extend_from_slice(signature);
        bytes.extend_from_slice(&body_length.to_be_bytes());
        bytes.extend_from_slice(record.body);
    }
    Ok(bytes)
}

fn take<'a>(rest: &mut &'a [u8], count: usize, position: usize) -> Result<&'a [u8], EvidenceError> {
    if rest.len() < count {
        return Err(EvidenceError::Truncated { position });
    }
    let (taken, after) = rest.split_at(count);
    *rest = after;
    Ok(taken)
}

fn take_array<const N: usize>(rest: &mut &[u8], position: usize) -> Result<[u8; N], EvidenceError> {
    let bytes = take(rest, N, position)?;
    let mut array = [0; N];
    array.copy_from_slice(bytes);
    Ok(array)
}

/// Decodes an evidence bundle for the entries `entries`: every record must name an entry in
/// that range, after the record before it.
pub fn decode_evidence(
    bytes: &[u8],
    entries: Range<u64>,
) -> Result<Vec<EvidenceRecord<'_>>, EvidenceError> {
    let mut records = Vec::new();
    let mut rest = bytes;
    let mut next_allowed = entries.start;
    while !rest.is_empty() {
        let position = records.len();
        let index = u64::from_be_bytes(take_array::<8>(&mut rest, position)?);
        if index < next_allowed || index >= entries.end {
            return Err(EvidenceError::OutOfOrder {
                position,
                index,
                start: entries.start,
                end: entries.end,
            });
        }
        next_allowed = index + 1;
        let signature_length =
            usize::from(u16::from_be_bytes(take_array::<2>(&mut rest, position)?));
        let signature = take(&mut rest, signature_length, position)?;
        let signature = std::str::from_utf8(signature)
            .map_err(|_| EvidenceError::SignatureNotText { index })?;
        let body_length = u32::from_be_bytes(take_array::<4>(&mut rest, position)?) as usize;
        let body = take(&mut rest, body_length, position)?;
        records.push(EvidenceRecord {
            index,
            signature: (!signature.is_empty()).then_some(signature),
            body,
        });
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<EvidenceRecord<'static>> {
        vec![
            EvidenceRecord {
                index: 3,
                signature: Some("c2ln"),
                body: b"{\"a\":1}",
            },
            EvidenceRecord {
                index: 9,
                signature: None,
                body: b"",
            },
        ]
    }

    #[test]
    fn evidence_decodes_to_what_was_encoded() {
        let bytes = encode_evidence(sample()).unwrap();
        assert_eq!(decode_evidence(&bytes, 0..256).unwrap(), sample());
        assert_eq!(decode_evidence(&[], 0..256).unwrap(), vec![]);
    }

    #[test]
    fn truncated_reordered_or_foreign_evidence_is_refused() {
        let bytes = encode_evidence(sample()).unwrap();
        // The first record ends after 25 bytes: a cut there is a valid one-record bundle.
        for cut in (1..bytes.len()).filter(|cut| *cut != 25) {
            assert!(
                decode_evidence(&bytes[..cut], 0..256).is_err(),
                "cut at {cut}"
            );
        }
        assert!(matches!(
            decode_evidence(&bytes, 4..256),
            Err(EvidenceError::OutOfOrder { index: 3, .. })
        ));
        assert!(decode_evidence(&bytes, 0..9).is_err());
        let reversed: Vec<_> = sample().into_iter().rev().collect();
        let reversed = encode_evidence(reversed).unwrap();
        assert!(decode_evidence(&reversed, 0..256).is_err());
    }
}
