//! Hostile inputs for canonical JSON and leaf parsing: arbitrary `serde_json` values (floats,
//! integers around 2^53, control characters, keys above U+FFFF, nesting around the limit),
//! and real leaves with their bytes edited or respelled as equivalent but non-canonical JSON.
//! `canonical_json` must accept exactly the signed value set and write JSON that reads back
//! equal; `parse_leaf` must accept only bytes that re-canonicalise to themselves.
//!
//! Long run (`PROPTEST_CASES` replaces the CI case count of every property here):
//! `PROPTEST_CASES=100000 cargo test -p basin-audit --test hostile_leaves`

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod hostile;

use basin_audit::canonical::{canonical_json, NESTING_DEPTH_MAX, SAFE_INTEGER_MAX};
use basin_audit::entry::{parse_leaf, LogEntry};
use proptest::prelude::*;
use serde_json::{json, Map, Number, Value};

use hostile::{apply, config, edits};

fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{0,6}",
        "[\u{0}-\u{1f}\"\\\\/\u{7f}\u{80}\u{ff}\u{2028}\u{d7ff}\u{e000}\u{fffd}\u{ffff}\u{10000}\u{1f600}\u{10ffff}a]{0,8}",
        ".{0,8}",
    ]
}

fn number() -> impl Strategy<Value = Value> {
    let edge = SAFE_INTEGER_MAX as i64;
    prop_oneof![
        (-3_i64..=3).prop_map(Value::from),
        (-2_i64..=2).prop_map(move |delta| Value::from(edge + delta)),
        (-2_i64..=2).prop_map(move |delta| Value::from(-edge + delta)),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |float| Number::from_f64(float).map(Value::Number)),
        prop::sample::select(vec![1.0, -0.0, 0.5, 1e300, 9007199254740992.0])
            .prop_filter_map("finite", |float| Number::from_f64(float).map(Value::Number)),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        hostile_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((hostile_string(), inner), 0..5)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// `levels` containers, arrays and objects as `shape` says, around one string.
fn nested(levels: usize, shape: u64) -> Value {
    (0..levels).fold(json!("deep"), |inner, level| {
        if shape >> (level % 64) & 1 == 1 {
            json!([inner])
        } else {
            json!({ "k": inner })
        }
    })
}

/// The signed value set (ERRATA "Canonical JSON"): integers below 2^53 in magnitude and no
/// floats, in at most `NESTING_DEPTH_MAX` levels of arrays and objects.
fn is_signable(value: &Value, levels_above: usize) -> bool {
    let deeper_all = |mut items: Box<dyn Iterator<Item = &Value> + '_>| {
        levels_above < NESTING_DEPTH_MAX && items.all(|item| is_signable(item, levels_above + 1))
    };
    match value {
        Value::Number(number) => match (number.as_i64(), number.as_u64()) {
            (Some(signed), _) => signed.unsigned_abs() <= SAFE_INTEGER_MAX,
            (None, Some(unsigned)) => unsigned <= SAFE_INTEGER_MAX,
            (None, None) => false,
        },
        Value::Array(items) => deeper_all(Box::new(items.iter())),
        Value::Object(members) => deeper_all(Box::new(members.values())),
        Value::Null | Value::Bool(_) | Value::String(_) => true,
    }
}

/// RFC 8785 §3.2.3: every object's members are written in UTF-16 code unit order. The
/// workspace's `serde_json` keeps members in the order read.
fn members_are_in_utf16_order(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().all(members_are_in_utf16_order),
        Value::Object(members) => {
            let names: Vec<Vec<u16>> = members
                .keys()
                .map(|name| name.encode_utf16().collect())
                .collect();
            names.windows(2).all(|pair| pair[0] < pair[1])
                && members.values().all(members_are_in_utf16_order)
        }
        _ => true,
    }
}

fn check_canonical(value: &Value) -> Result<(), TestCaseError> {
    let written = canonical_json(value);
    prop_assert_eq!(written.is_ok(), is_signable(value, 0), "{:?}", written);
    let Ok(bytes) = written else { return Ok(()) };
    // Neither whitespace nor an unescaped control character anywhere.
    prop_assert!(
        bytes.iter().all(|byte| *byte >= 0x20),
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    let read_back: Value =
        serde_json::from_slice(&bytes).map_err(|error| TestCaseError::fail(error.to_string()))?;
    prop_assert_eq!(&read_back, value);
    prop_assert!(members_are_in_utf16_order(&read_back));
    prop_assert_eq!(canonical_json(&read_back), Ok(bytes));
    Ok(())
}

fn entry() -> impl Strategy<Value = LogEntry> {
    let body = prop::collection::vec((hostile_string(), value()), 0..4)
        .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>()));
    (
        prop_oneof![0_u64..1000, Just(SAFE_INTEGER_MAX), Just(SAFE_INTEGER_MAX + 1), any::<u64>()],
        "[a-z][a-z0-9_.]{0,20}",
        "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z",
        any::<[u8; 32]>(),
        body,
    )
        .prop_map(|(index, kind, time, prev, body)| LogEntry { index, kind, time, prev, body })
}

/// Ways to write the same JSON value that RFC 8785 does not allow.
fn respelled(bytes: &[u8], how: u8) -> Vec<u8> {
    let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
        return bytes.to_vec();
    };
    match how % 4 {
        0 => serde_json::to_vec_pretty(&value).unwrap_or_default(),
        // Members in reverse order.
        1 => {
            let reversed = match value {
                Value::Object(members) => Value::Object(members.into_iter().rev().collect()),
                other => other,
            };
            serde_json::to_vec(&reversed).unwrap_or_default()
        }
        // Every non-ASCII character as a `\u` escape.
        2 => String::from_utf8_lossy(bytes)
            .chars()
            .flat_map(|character| match character {
                ' '..='~' => vec![character.to_string()],
                other => other
                    .encode_utf16(&mut [0; 2])
                    .iter()
                    .map(|unit| format!("\\u{unit:04x}"))
                    .collect(),
            })
            .collect::<String>()
            .into_bytes(),
        // The index as a float.
        _ => String::from_utf8_lossy(bytes)
            .replacen("\"index\":", "\"index\":1.0e0,\"index\":", 1)
            .into_bytes(),
    }
}

fn check_leaf(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(entry) = parse_leaf(bytes) {
        prop_assert_eq!(entry.leaf_bytes(), Ok(bytes.to_vec()));
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|error| TestCaseError::fail(error.to_string()))?;
        prop_assert_eq!(canonical_json(&value), Ok(bytes.to_vec()));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn canonical_json_accepts_exactly_the_signed_value_set_and_reads_back_equal(value in value()) {
        check_canonical(&value)?;
    }

    #[test]
    fn canonical_json_refuses_nesting_beyond_the_limit_and_nothing_within_it(
        levels in (NESTING_DEPTH_MAX - 3)..=(NESTING_DEPTH_MAX + 3),
        shape in any::<u64>(),
    ) {
        let value = nested(levels, shape);
        prop_assert_eq!(canonical_json(&value).is_ok(), levels <= NESTING_DEPTH_MAX);
        check_canonical(&value)?;
    }

    #[test]
    fn a_leaf_reads_back_as_the_entry_that_wrote_it(entry in entry()) {
        if let Ok(bytes) = entry.leaf_bytes() {
            prop_assert_eq!(parse_leaf(&bytes), Ok(entry));
        } else {
            prop_assert!(entry.index > SAFE_INTEGER_MAX || !is_signable(&entry.body, 1));
        }
    }

    #[test]
    fn an_edited_leaf_is_accepted_only_when_its_bytes_are_canonical(
        entry in entry(),
        edits in edits(),
    ) {
        let Ok(bytes) = entry.leaf_bytes() else { return Ok(()) };
        check_leaf(&apply(&edits, &bytes))?;
    }

    #[test]
    fn a_leaf_respelled_as_equivalent_json_is_refused(
        entry in entry(),
        how in any::<u8>(),
    ) {
        let Ok(bytes) = entry.leaf_bytes() else { return Ok(()) };
        let respelled = respelled(&bytes, how);
        check_leaf(&respelled)?;
        if respelled != bytes {
            prop_assert!(parse_leaf(&respelled).is_err());
        }
    }
}
