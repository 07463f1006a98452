//! The direct `readings.batch` decoder gives the general decoder's entry for every canonical
//! batch leaf, and declines every other spelling, leaving the verdict to the general decoder.

#![allow(clippy::unwrap_used)] // Test code: a panic is how a test fails.

use basin_audit::entry::parse_leaf;
use basin_audit::hash::Hash;
use basin_domain::Code;
use proptest::prelude::*;

use super::decode;
use crate::entry::{Entry, ReadingsBatchLogged, TypedEntry};

/// What the general decoder makes of the bytes.
fn generally_decoded(bytes: &[u8]) -> Option<TypedEntry> {
    TypedEntry::from_log_entry(&parse_leaf(bytes).ok()?).ok()
}

/// Text with what canonical JSON escapes or leaves as it is: quotes, backslashes, control
/// characters, `/`, DEL and non-ASCII.
fn awkward_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "a", "Z", "0", "-", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1f}", "\u{7f}", "水",
            "é", "😀", " ",
        ]),
        0..12,
    )
    .prop_map(|pieces| pieces.concat())
}

fn batch_body() -> impl Strategy<Value = ReadingsBatchLogged> {
    (
        "[a-z0-9][a-z0-9._-]{0,20}",
        awkward_text(),
        "[0-9a-f]{64}",
        prop::option::of(awkward_text()),
        prop::option::of(awkward_text()),
        -(1_i64 << 53) + 1..(1_i64 << 53),
        any::<u32>(),
    )
        .prop_map(
            |(station, batch_id, body_sha256, signature, key_id, first_reading_id, readings)| {
                ReadingsBatchLogged {
                    station: Code::parse(&station).unwrap(),
                    batch_id,
                    body_sha256,
                    signature,
                    key_id,
                    first_reading_id,
                    readings,
                }
            },
        )
}

fn leaf_of(body: ReadingsBatchLogged, index: u64, prev: Hash) -> String {
    let leaf = Entry::ReadingsBatch(body)
        .leaf_bytes(index, "2026-12-02T14:00:00Z", prev)
        .unwrap();
    String::from_utf8(leaf).unwrap()
}

proptest! {
    #[test]
    fn every_canonical_batch_leaf_decodes_as_the_general_decoder_decodes_it(
        body in batch_body(),
        index in 0_u64..(1 << 53),
        prev in any::<[u8; 32]>(),
    ) {
        let leaf = leaf_of(body, index, prev);
        let direct = decode(leaf.as_bytes());
        prop_assert!(direct.is_some(), "declined a canonical leaf: {leaf}");
        prop_assert_eq!(direct, generally_decoded(leaf.as_bytes()));
    }
}

fn example_body() -> ReadingsBatchLogged {
    ReadingsBatchLogged {
        station: Code::parse("gubeikou-auto").unwrap(),
        batch_id: "GBK/2026-12-02T14".into(),
        body_sha256: "ab".repeat(32),
        signature: Some("c2lnbmF0dXJl".into()),
        key_id: None,
        first_reading_id: 7,
        readings: 1,
    }
}

#[test]
fn every_other_spelling_of_a_batch_leaf_is_left_to_the_general_decoder() {
    let canonical = leaf_of(example_body(), 12, [0x5a; 32]);
    let prev = "5a".repeat(32);
    let variants = [
        format!("{canonical}\n"),
        format!(" {canonical}"),
        canonical.replacen("\"index\":12", "\"index\": 12", 1),
        canonical.replacen("\"index\":12", "\"index\":12.0", 1),
        canonical.replacen("\"index\":12", "\"index\":1.2e1", 1),
        canonical.replacen("\"first_reading_id\":7", "\"first_reading_id\":7.0", 1),
        canonical.replacen("\"first_reading_id\":7", "\"first_reading_id\":-0", 1),
        canonical.replacen(
            "\"first_reading_id\":7",
            "\"first_reading_id\":9007199254740992",
            1,
        ),
        canonical.replacen("\"index\":12", "\"index\":9007199254740992", 1),
        canonical.replacen("GBK/", "GBK\\/", 1),
        canonical.replacen("GBK/", "\\u0047BK/", 1),
        canonical.replacen(&prev, &prev.to_uppercase(), 1),
        canonical.replacen("2026-12-02T14:00:00Z", "2026-12-02 14:00:00Z", 1),
        // An optional member left out, which serde alone would read as null.
        canonical.replacen("\"key_id\":null,", "", 1),
        // Members out of order, in the body and in the leaf.
        canonical
            .replacen(
                "\"batch_id\":\"GBK/2026-12-02T14\",\"body_sha256\"",
                "\"body_sha256\"",
                1,
            )
            .replacen(
                "\"station\":",
                "\"batch_id\":\"GBK/2026-12-02T14\",\"station\":",
                1,
            ),
        canonical
            .replacen("{\"body\":", "{\"index\":12,\"body\":", 1)
            .replacen(",\"index\":12,", ",", 1),
        // Duplicate and unknown members.
        canonical.replacen("\"index\":12,", "\"index\":11,\"index\":12,", 1),
        canonical.replacen("\"readings\":1,", "\"readings\":1,\"readings\":1,", 1),
        canonical.replacen("\"readings\":1,", "\"readings\":1,\"revises\":null,", 1),
        canonical.replacen("}", ",\"zone\":\"UTC\"}", 1),
        format!("{},\"zone\":\"UTC\"}}", &canonical[..canonical.len() - 1]),
    ];
    for variant in variants {
        assert_ne!(variant, canonical);
        assert_eq!(decode(variant.as_bytes()), None, "{variant}");
        // The verdict is the general decoder's, whichever path was taken.
        assert_eq!(
            TypedEntry::from_leaf(variant.as_bytes()).ok(),
            generally_decoded(variant.as_bytes()),
            "{variant}"
        );
    }
    assert!(decode(canonical.as_bytes()).is_some());
}

#[test]
fn leaves_of_other_kinds_are_left_to_the_general_decoder() {
    let invalidated = Entry::ReadingInvalidated(crate::entry::ReadingInvalidated {
        reading_id: 7,
        jurisdiction: None,
        reason: "sensor fault".into(),
    })
    .leaf_bytes(3, "2026-12-02T14:00:00Z", [0; 32])
    .unwrap();
    assert_eq!(decode(&invalidated), None);
    assert!(TypedEntry::from_leaf(&invalidated).is_ok());
}
