//! The readings digest over readings with per-value flags: each reading that carries flags is
//! `{flags, id, sampled_at, section, values}` in JCS, and one without flags is written exactly as
//! before flags existed (`readings_digest.rs` pins that shape).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use basin_audit::canonical::canonical_json;
use basin_ledger_core::settlement::document::{
    flagged_readings_digest, readings_digest, sha256_hex, FlaggedReading, UsedReading,
};
use proptest::prelude::*;
use serde_json::{json, Value};

fn reference_digest(readings: &[FlaggedReading]) -> String {
    let mut sorted: Vec<&FlaggedReading> = readings.iter().collect();
    sorted.sort_by(|a, b| {
        let (a, b) = (&a.reading, &b.reading);
        (&a.section, &a.sampled_at, a.id).cmp(&(&b.section, &b.sampled_at, b.id))
    });
    let array: Vec<Value> = sorted
        .iter()
        .map(|flagged| {
            let reading = &flagged.reading;
            let mut value = json!({"id": reading.id, "section": reading.section,
                   "sampled_at": reading.sampled_at, "values": reading.values});
            if !flagged.flags.is_empty() {
                value["flags"] = json!(flagged.flags);
            }
            value
        })
        .collect();
    sha256_hex(&canonical_json(&Value::Array(array)).unwrap())
}

fn flagged_reading() -> impl Strategy<Value = FlaggedReading> {
    (
        1_i64..(1 << 53),
        "[a-z][a-z0-9_-]{0,12}",
        "2025-0[1-9]-[0-2][0-9]T[0-2][0-9]:00:00Z",
        proptest::collection::btree_map(
            "[a-z0-9]{1,6}",
            prop_oneof!["[0-9]{1,3}\\.[0-9]{1,3}", "<0\\.0[0-9]{1,2}"],
            0..6,
        ),
        proptest::collection::btree_map("[a-z0-9]{1,6}", "[NFMSDCTB]", 0..3),
    )
        .prop_map(|(id, section, sampled_at, values, flags)| FlaggedReading {
            reading: UsedReading {
                id,
                section,
                sampled_at,
                values,
            },
            flags,
        })
}

proptest! {
    #[test]
    fn the_streaming_digest_equals_jcs_over_flagged_readings(readings in proptest::collection::vec(flagged_reading(), 0..40)) {
        prop_assert_eq!(flagged_readings_digest(&readings).unwrap(), reference_digest(&readings));
    }
}

#[test]
fn readings_without_flags_digest_exactly_as_plain_used_readings() {
    let used = UsedReading {
        id: 7,
        section: "gubeikou".into(),
        sampled_at: "2025-07-01T00:00:00Z".into(),
        values: BTreeMap::from([("tp".into(), "0.018".into())]),
    };
    assert_eq!(
        flagged_readings_digest(&[FlaggedReading::from(used.clone())]).unwrap(),
        readings_digest(&[used]).unwrap()
    );
}

#[test]
fn a_flag_changes_the_digest() {
    let used = UsedReading {
        id: 7,
        section: "gubeikou".into(),
        sampled_at: "2025-07-01T00:00:00Z".into(),
        values: BTreeMap::from([("tp".into(), "0.018".into())]),
    };
    let flagged = FlaggedReading {
        reading: used.clone(),
        flags: BTreeMap::from([("tp".into(), "M".into())]),
    };
    assert_ne!(
        flagged_readings_digest(&[flagged]).unwrap(),
        readings_digest(&[used]).unwrap()
    );
}
