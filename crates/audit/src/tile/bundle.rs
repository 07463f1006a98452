//! tlog-tiles entry bundles: for each entry, a big-endian `u16` length and then its exact leaf
//! bytes, with nothing before, between or after.

/// The largest entry a bundle can hold: its length must fit the `u16` prefix.
pub const BUNDLE_ENTRY_BYTES_MAX: usize = u16::MAX as usize;

/// The length prefix of each entry, in bytes.
const LENGTH_PREFIX_BYTES: usize = 2;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("entry {position} of the bundle is {bytes} bytes; a bundle entry holds at most {BUNDLE_ENTRY_BYTES_MAX}")]
    EntryTooLarge { position: usize, bytes: usize },
    #[error("the bundle ends inside entry {position}; {expected} entries were expected")]
    Truncated { position: usize, expected: u16 },
    #[error("the bundle has {bytes} bytes after its {expected} entries")]
    TrailingBytes { expected: u16, bytes: usize },
}

/// Encodes `entries` as a bundle, refusing an entry longer than [`BUNDLE_ENTRY_BYTES_MAX`].
pub fn encode_bundle<'a>(
    entries: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<u8>, BundleError> {
    let mut bundle = Vec::new();
    for (position, entry) in entries.into_iter().enumerate() {
        let length = u16::try_from(entry.len()).map_err(|_| BundleError::EntryTooLarge {
            position,
            bytes: entry.len(),
        })?;
        bundle.extend_from_slice(&length.to_be_bytes());
        bundle.extend_from_slice(entry);
    }
    Ok(bundle)
}

/// Decodes a bundle that must hold exactly `expected` entries (a tile's width), borrowing
/// each entry from `bundle`.
pub fn decode_bundle(bundle: &[u8], expected: u16) -> Result<Vec<&[u8]>, BundleError> {
    let mut entries = Vec::with_capacity(usize::from(expected));
    let mut rest = bundle;
    for position in 0..usize::from(expected) {
        let truncated = || BundleError::Truncated { position, expected };
        let (prefix, after_prefix) = rest
            .split_first_chunk::<LENGTH_PREFIX_BYTES>()
            .ok_or_else(truncated)?;
        let length = usize::from(u16::from_be_bytes(*prefix));
        if after_prefix.len() < length {
            return Err(truncated());
        }
        let (entry, after_entry) = after_prefix.split_at(length);
        entries.push(entry);
        rest = after_entry;
    }
    if !rest.is_empty() {
        return Err(BundleError::TrailingBytes {
            expected,
            bytes: rest.len(),
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_with_big_endian_lengths() {
        let long = vec![7_u8; 300];
        let entries: Vec<&[u8]> = vec![b"ab", b"", &long];
        let bundle = encode_bundle(entries.iter().copied()).unwrap();
        assert_eq!(&bundle[..4], &[0, 2, b'a', b'b']);
        assert_eq!(&bundle[4..6], &[0, 0]);
        assert_eq!(&bundle[6..8], &[1, 44]);
        assert_eq!(bundle.len(), 2 + 2 + 2 + 2 + 300);
        assert_eq!(decode_bundle(&bundle, 3).unwrap(), entries);
    }

    #[test]
    fn the_largest_entry_fits_and_one_byte_more_does_not() {
        let largest = vec![1_u8; BUNDLE_ENTRY_BYTES_MAX];
        let bundle = encode_bundle([largest.as_slice()]).unwrap();
        assert_eq!(&bundle[..2], &[0xff, 0xff]);
        assert_eq!(decode_bundle(&bundle, 1).unwrap(), vec![largest.as_slice()]);
        let too_large = vec![1_u8; BUNDLE_ENTRY_BYTES_MAX + 1];
        assert_eq!(
            encode_bundle([b"x".as_slice(), too_large.as_slice()]),
            Err(BundleError::EntryTooLarge {
                position: 1,
                bytes: BUNDLE_ENTRY_BYTES_MAX + 1
            })
        );
    }

    #[test]
    fn short_long_and_miscounted_bundles_are_refused() {
        let bundle = encode_bundle([b"abc".as_slice(), b"de".as_slice()]).unwrap();
        assert!(matches!(
            decode_bundle(&bundle, 3),
            Err(BundleError::Truncated { position: 2, .. })
        ));
        assert!(matches!(
            decode_bundle(&bundle, 1),
            Err(BundleError::TrailingBytes { bytes: 4, .. })
        ));
        assert!(matches!(
            decode_bundle(&bundle[..bundle.len() - 1], 2),
            Err(BundleError::Truncated { position: 1, .. })
        ));
        assert!(matches!(
            decode_bundle(&[0], 1),
            Err(BundleError::Truncated { position: 0, .. })
        ));
        assert_eq!(decode_bundle(&[], 0), Ok(Vec::new()));
    }
}
