//! The streaming readings digest writes exactly the bytes of RFC 8785 over the JSON values the
//! contract describes: the reference below builds those values and canonicalises them the slow
//! way, and the two must agree on any readings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use basin_audit::canonical::canonical_json;
use basin_ledger_core::settlement::document::{readings_digest, sha256_hex, UsedReading};
use proptest::prelude::*;
use serde_json::{json, Value};

/// API.md `readings_digest`, as values then JCS.
fn reference_digest(readings: &[UsedReading]) -> String {
    let mut sorted: Vec<&UsedReading> = readings.iter().collect();
    sorted
        .sort_by(|a, b| (&a.section, &a.sampled_at, a.id).cmp(&(&b.section, &b.sampled_at, b.id)));
    let array: Vec<Value> = sorted
        .iter()
        .map(|reading| {
            json!({"id": reading.id, "section": reading.section,
                   "sampled_at": reading.sampled_at, "values": reading.values})
        })
        .collect();
    sha256_hex(&canonical_json(&Value::Array(array)).unwrap())
}

fn text() -> impl Strategy<Value = String> {
    // Codes and decimals mostly, and now and then text that needs escaping.
    prop_oneof![
        "[a-z][a-z0-9_-]{0,12}",
        "-?[0-9]{1,4}(\\.[0-9]{1,6})?",
        "<0\\.0[0-9]{1,2}",
        any::<String>(),
        Just("quote \" backslash \\ tab \t nul \u{0} del \u{7f} 水".to_owned()),
    ]
}

fn reading() -> impl Strategy<Value = UsedReading> {
    (
        1_i64..(1 << 53),
        text(),
        "2025-0[1-9]-[0-2][0-9]T[0-2][0-9]:00:00Z",
        proptest::collection::btree_map("[a-z0-9]{1,6}", text(), 0..6),
    )
        .prop_map(|(id, section, sampled_at, values)| UsedReading {
            id,
            section,
            sampled_at,
            values,
        })
}

proptest! {
    #[test]
    fn the_streaming_digest_equals_jcs_over_the_readings(readings in proptest::collection::vec(reading(), 0..40)) {
        prop_assert_eq!(readings_digest(&readings).unwrap(), reference_digest(&readings));
    }
}

#[test]
fn no_readings_digest_as_the_empty_array() {
    assert_eq!(readings_digest(&[]).unwrap(), sha256_hex(b"[]"));
}

#[test]
fn an_id_beyond_exact_json_integers_is_refused_as_canonical_json_refuses_it() {
    let reading = UsedReading {
        id: 1 << 53,
        section: "s".into(),
        sampled_at: "2025-07-01T00:00:00Z".into(),
        values: BTreeMap::new(),
    };
    assert!(readings_digest(&[reading]).is_err());
}

#[test]
fn a_digest_spanning_many_hash_buffers_is_unchanged() {
    let readings: Vec<UsedReading> = (1..=5_000)
        .map(|id| UsedReading {
            id,
            section: format!("section-{}", id % 3),
            sampled_at: format!("2025-07-{:02}T{:02}:00:00Z", 1 + id % 28, id % 24),
            values: BTreeMap::from([
                ("nh3n".to_owned(), "0.27".to_owned()),
                ("ph".to_owned(), "7.62".to_owned()),
            ]),
        })
        .collect();
    assert_eq!(
        readings_digest(&readings).unwrap(),
        reference_digest(&readings)
    );
}
