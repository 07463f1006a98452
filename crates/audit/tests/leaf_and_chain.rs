//! Leaf bytes, their strict parsing, and the `prev` hash chain.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use basin_audit::entry::{check_chain, parse_leaf, ChainError, ChainWalker, EntryError, LogEntry};
use basin_audit::hash::{hash_to_hex, ZERO_HASH};
use serde_json::json;

/// Hashes computed independently (Python `hashlib`) over the expected leaf strings.
const FIRST_LEAF_HASH: &str = "74df55d645c0bbfbe07abc910dfa1fa806c2d669a0f095af734d7cf46120aec0";
const SECOND_LEAF_HASH: &str = "d4cf6aaf50ad3a00c422c9f4983b83f70db37cf5644ed84292435b9bf66b5f60";

fn first_entry() -> LogEntry {
    LogEntry {
        index: 0,
        kind: "jurisdiction.created".into(),
        time: "2025-07-01T00:00:00Z".into(),
        prev: ZERO_HASH,
        body: json!({"name": "北京市", "code": "BJ"}),
    }
}

fn second_entry() -> LogEntry {
    LogEntry {
        index: 1,
        kind: "reading.invalidated".into(),
        time: "2025-07-02T08:30:00Z".into(),
        prev: first_entry().leaf_hash().unwrap(),
        body: json!({"reading_id": 7, "reason": "sensor fault"}),
    }
}

#[test]
fn leaf_bytes_of_a_small_entry_are_exactly_the_expected_string() {
    let expected = format!(
        r#"{{"body":{{"code":"BJ","name":"北京市"}},"index":0,"kind":"jurisdiction.created","prev":"{}","time":"2025-07-01T00:00:00Z"}}"#,
        "0".repeat(64)
    );
    assert_eq!(
        String::from_utf8(first_entry().leaf_bytes().unwrap()).unwrap(),
        expected
    );
    assert_eq!(
        hash_to_hex(&first_entry().leaf_hash().unwrap()),
        FIRST_LEAF_HASH
    );
    assert_eq!(
        hash_to_hex(&second_entry().leaf_hash().unwrap()),
        SECOND_LEAF_HASH
    );
}

#[test]
fn parse_leaf_returns_the_entry_it_was_made_from() {
    for entry in [first_entry(), second_entry()] {
        assert_eq!(parse_leaf(&entry.leaf_bytes().unwrap()).unwrap(), entry);
    }
}

#[test]
fn parse_leaf_rejects_every_non_canonical_spelling() {
    let canonical = String::from_utf8(second_entry().leaf_bytes().unwrap()).unwrap();
    let prev = hash_to_hex(&second_entry().prev);
    let variants = [
        format!("{canonical}\n"),
        format!(" {canonical}"),
        canonical.replacen("\"index\":1", "\"index\": 1", 1),
        canonical.replacen("\"index\":1", "\"index\":1.0", 1),
        canonical.replacen("\"index\":1", "\"index\":1e0", 1),
        canonical.replacen("\"reading_id\":7", "\"reading_id\":7.0", 1),
        canonical.replacen("sensor fault", "sensor\\u0020fault", 1),
        canonical.replacen(&prev, &prev.to_uppercase(), 1),
        // Members out of order.
        canonical.replacen(
            r#"{"reading_id":7,"reason":"sensor fault"}"#,
            r#"{"reason":"sensor fault","reading_id":7}"#,
            1,
        ),
        // A duplicate member, whose later value serde_json would keep.
        canonical.replacen("\"index\":1,", "\"index\":0,\"index\":1,", 1),
    ];
    for variant in variants {
        assert_ne!(variant, canonical);
        assert!(parse_leaf(variant.as_bytes()).is_err(), "{variant}");
    }
}

#[test]
fn parse_leaf_names_the_problem_with_malformed_leaves() {
    assert!(matches!(
        parse_leaf(b"not json"),
        Err(EntryError::NotJson(_))
    ));
    assert_eq!(parse_leaf(b"[]"), Err(EntryError::NotAnObject));
    let missing_time = r#"{"body":{},"index":0,"kind":"a","prev":"00"}"#;
    assert_eq!(
        parse_leaf(missing_time.as_bytes()),
        Err(EntryError::BadField("time"))
    );
    let short_prev = format!(
        r#"{{"body":{{}},"index":0,"kind":"a","prev":"{}","time":"2025-07-01T00:00:00Z"}}"#,
        "0".repeat(62)
    );
    assert!(matches!(
        parse_leaf(short_prev.as_bytes()),
        Err(EntryError::BadPrev(_))
    ));
    let local_time = String::from_utf8(first_entry().leaf_bytes().unwrap())
        .unwrap()
        .replace("00:00:00Z", "08:00:00+08:00");
    assert_eq!(parse_leaf(local_time.as_bytes()), Err(EntryError::BadTime));
    let huge_integer = String::from_utf8(second_entry().leaf_bytes().unwrap())
        .unwrap()
        .replace("\"reading_id\":7", "\"reading_id\":9007199254740992");
    assert!(matches!(
        parse_leaf(huge_integer.as_bytes()),
        Err(EntryError::Canonical(_))
    ));
}

#[test]
fn the_chain_accepts_consecutive_entries_and_names_the_broken_link() {
    assert_eq!(check_chain(None, &first_entry()), Ok(()));
    let first_hash = first_entry().leaf_hash().unwrap();
    assert_eq!(check_chain(Some(&first_hash), &second_entry()), Ok(()));
    assert!(matches!(
        check_chain(Some(&ZERO_HASH), &second_entry()),
        Err(ChainError::BrokenLink { index: 1, .. })
    ));
    assert!(matches!(
        check_chain(None, &second_entry()),
        Err(ChainError::WrongIndex {
            index: 1,
            expected: 0
        })
    ));
    let mut not_zero = first_entry();
    not_zero.prev = first_hash;
    assert!(check_chain(None, &not_zero).is_err());
}

#[test]
fn the_chain_walker_checks_order_and_returns_leaf_hashes() {
    let mut walker = ChainWalker::new();
    assert_eq!(
        hash_to_hex(&walker.push(&first_entry()).unwrap()),
        FIRST_LEAF_HASH
    );
    assert_eq!(
        hash_to_hex(&walker.push(&second_entry()).unwrap()),
        SECOND_LEAF_HASH
    );
    assert_eq!(walker.size(), 2);
    assert!(matches!(
        walker.push(&second_entry()),
        Err(ChainError::WrongIndex {
            index: 1,
            expected: 2
        })
    ));

    let mut skipping = ChainWalker::new();
    assert!(skipping.push(&second_entry()).is_err());
}
