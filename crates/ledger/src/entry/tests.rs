use super::*;
use basin_audit::hash::ZERO_HASH;
use serde_json::json;

fn batch(readings: u32) -> Entry {
    Entry::ReadingsBatch(ReadingsBatchLogged {
        station: basin_domain::Code::parse("gubeikou-auto").unwrap(),
        batch_id: "GBK-1".into(),
        body_sha256: "ab".repeat(32),
        signature: None,
        key_id: None,
        first_reading_id: 7,
        readings,
    })
}

#[test]
fn every_kind_round_trips_through_its_leaf_bytes() {
    let entry = batch(3);
    let leaf = entry
        .leaf_bytes(4, "2025-07-01T00:00:00Z", ZERO_HASH)
        .unwrap();
    let decoded = TypedEntry::from_leaf(&leaf).unwrap();
    assert_eq!(decoded.index, 4);
    assert_eq!(decoded.entry, entry);
    assert_eq!(decoded.entry.kind(), "readings.batch");
}

#[test]
fn a_batch_body_names_its_readings_as_an_id_range() {
    let Entry::ReadingsBatch(body) = batch(3) else {
        unreachable!()
    };
    assert_eq!(body.reading_ids().collect::<Vec<_>>(), vec![7, 8, 9]);
    assert_eq!(
        batch(3).body(),
        json!({"station": "gubeikou-auto", "batch_id": "GBK-1", "body_sha256": "ab".repeat(32),
               "signature": null, "key_id": null, "first_reading_id": 7, "readings": 3})
    );
}

#[test]
fn unknown_kinds_and_unexpected_fields_are_refused() {
    assert!(matches!(
        Entry::decode("reading.deleted", &json!({})),
        Err(EntryDecodeError::UnknownKind(_))
    ));
    let mut body = batch(1).body();
    body["extra"] = json!(1);
    assert!(matches!(
        Entry::decode("readings.batch", &body),
        Err(EntryDecodeError::Body {
            kind: "readings.batch",
            ..
        })
    ));
    let body = json!({"reading_id": "one", "jurisdiction": null, "reason": "x"});
    assert!(Entry::decode("reading.invalidated", &body).is_err());
}

#[test]
fn a_leaf_over_the_bundle_limit_is_refused_at_append() {
    let entry = Entry::ReadingInvalidated(ReadingInvalidated {
        reading_id: 1,
        jurisdiction: None,
        reason: "x".repeat(LEAF_BYTES_MAX),
    });
    assert!(matches!(
        entry.leaf_bytes(0, "2025-07-01T00:00:00Z", ZERO_HASH),
        Err(EntryDecodeError::TooLarge { .. })
    ));
}

#[test]
fn the_kind_list_names_every_kind_once() {
    let mut kinds = ENTRY_KINDS.to_vec();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds.len(), 14);
}

#[test]
fn the_widest_issued_leaf_bounds_the_leaf_of_every_real_signature_and_index() {
    use base64::Engine;
    let document = json!({"id": "7", "explanation": "说明".repeat(500)});
    let digest = "ab".repeat(32);
    let bound = SettlementIssued::leaf_bytes_at_most(&document, &digest).unwrap();
    let signature = base64::engine::general_purpose::STANDARD.encode([7_u8; 64]);
    let issued = Entry::SettlementIssued(SettlementIssued {
        document: document.clone(),
        document_sha256: digest.clone(),
        key_id: "1a2b3c4d".into(),
        signature,
    });
    let at = |index| {
        issued
            .leaf_bytes(index, "2026-12-02T15:00:00Z", [9; 32])
            .unwrap()
            .len()
    };
    assert!(at(0) < bound);
    assert!(at(123_456) < bound);
    // The widest index canonical JSON holds, with a key id and signature of their one width.
    assert_eq!(at(basin_audit::canonical::SAFE_INTEGER_MAX), bound);
}
