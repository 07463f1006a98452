//! Property tests of the frame scanner with hostile generators: whatever bytes arrive, in
//! whatever pieces, the scanner never panics, never consumes nothing, never accepts a frame
//! whose CRC or length is wrong, and finds every well-formed frame among garbage.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use basin_hj212::frame::line_end;
use basin_hj212::{encode_frame, parse_segment, scan, Scan, FRAME_BYTES_MAX};
use proptest::prelude::*;

/// Drives the scanner the way the codec does (skipping the rest of a refused line) and
/// returns the segments of the frames it accepted and the number of refusals.
fn drive(bytes: &[u8]) -> (Vec<String>, usize) {
    let mut position = 0;
    let mut skipping = false;
    let mut frames = Vec::new();
    let mut refusals = 0;
    while position < bytes.len() {
        let rest = &bytes[position..];
        if skipping {
            match line_end(rest) {
                Some(end) => {
                    position += end;
                    skipping = false;
                    continue;
                }
                None => break,
            }
        }
        match scan(rest) {
            Scan::Incomplete => break,
            Scan::Frame { consumed, segment } => {
                assert!(consumed > 0 && consumed <= FRAME_BYTES_MAX);
                frames.push(segment);
                position += consumed;
            }
            Scan::Refused {
                consumed,
                skip_line,
                ..
            } => {
                assert!(consumed > 0, "a refusal always makes progress");
                refusals += 1;
                position += consumed;
                skipping = skip_line;
            }
        }
    }
    (frames, refusals)
}

fn segment() -> impl Strategy<Value = String> {
    ("[0-9]{17}", "[A-Za-z0-9]{1,24}", "[0-9]{6}", "[0-9.]{1,8}").prop_map(|(qn, mn, pw, value)| {
        format!("QN={qn};ST=21;CN=2061;PW={pw};MN={mn};Flag=5;CP=&&DataTime=20200701080000;w01001-Avg={value},w01001-Flag=N&&")
    })
}

/// Bytes a hostile sender might send: noise biased towards the frame's own characters.
fn noise() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            any::<u8>(),
            Just(b'#'),
            Just(b'\r'),
            Just(b'\n'),
            Just(b'0'),
            Just(b'9'),
        ],
        0..600,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_and_always_make_progress(bytes in noise()) {
        let _ = drive(&bytes);
    }

    #[test]
    fn a_good_frame_after_noise_and_a_line_end_is_found(
        before in noise(), segment in segment()
    ) {
        let frame = encode_frame(&segment).unwrap();
        let mut bytes = before.clone();
        bytes.extend_from_slice(b"\r\n");
        bytes.extend_from_slice(frame.as_bytes());
        let (frames, _) = drive(&bytes);
        prop_assert_eq!(frames.last(), Some(&segment));
    }

    #[test]
    fn a_changed_byte_is_never_accepted_as_the_same_frame(
        segment in segment(), index in any::<prop::sample::Index>(), replacement in any::<u8>()
    ) {
        let frame = encode_frame(&segment).unwrap().into_bytes();
        let at = index.index(frame.len());
        prop_assume!(frame[at] != replacement);
        // Changing the case of a CRC digit is allowed: the CRC is hex in either case.
        prop_assume!(!(at >= frame.len() - 6 && at < frame.len() - 2
            && frame[at].eq_ignore_ascii_case(&replacement)));
        let mut changed = frame.clone();
        changed[at] = replacement;
        let (frames, _) = drive(&changed);
        for found in frames {
            prop_assert_ne!(found, segment.clone());
        }
    }

    #[test]
    fn frames_split_anywhere_scan_the_same(segment in segment(), cut in 0_usize..200) {
        let frame = encode_frame(&segment).unwrap().into_bytes();
        let cut = cut.min(frame.len());
        prop_assert_eq!(scan(&frame[..cut]) == Scan::Incomplete, cut < frame.len());
        let (frames, refusals) = drive(&frame);
        prop_assert_eq!(frames, vec![segment.clone()]);
        prop_assert_eq!(refusals, 0);
        prop_assert!(parse_segment(&segment).is_ok());
    }

    #[test]
    fn a_long_run_without_a_line_end_is_one_refusal(length in 2_049_usize..20_000, byte in 0x20_u8..0x7F) {
        let mut bytes = b"##0101".to_vec();
        bytes.extend(std::iter::repeat_n(byte, length));
        let (frames, refusals) = drive(&bytes);
        prop_assert!(frames.is_empty());
        prop_assert_eq!(refusals, 1);
    }
}
