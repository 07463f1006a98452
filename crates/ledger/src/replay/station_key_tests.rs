//! The replay follows a station's keys by log position: a batch the log says was signed by a
//! key retired before it is refused, one signed by a key added before it is accepted.

#![allow(clippy::unwrap_used)] // Test code: a panic is how a test fails.

use std::collections::BTreeMap;

use basin_audit::hash::ZERO_HASH;
use basin_domain::Code;
use sha2::{Digest, Sha256};

use super::bundle::BatchEvidence;
use super::state::LedgerState;
use super::stored::NoStoredReadings;
use crate::entry::{Entry, KeyChange, ReadingsBatchLogged, StationCreated, TypedEntry};

const TIME: &str = "2025-07-01T00:00:00Z";
const BODY: &[u8] = b"not parsed before the key is checked";

fn typed(index: u64, entry: Entry) -> TypedEntry {
    TypedEntry {
        index,
        time: TIME.into(),
        prev: ZERO_HASH,
        entry,
    }
}

fn change(key_id: &str) -> KeyChange {
    KeyChange {
        owner: Code::parse("st").unwrap(),
        key_id: key_id.into(),
        public_key: "GlzZBw1A8OEHoNcMW8Sqq6Fg+xWSaqr8sMTiLNbLXRM=".into(),
    }
}

fn batch(key_id: &str) -> Entry {
    Entry::ReadingsBatch(ReadingsBatchLogged {
        station: Code::parse("st").unwrap(),
        batch_id: "b".into(),
        body_sha256: hex::encode(Sha256::digest(BODY)),
        signature: Some("c2ln".into()),
        key_id: Some(key_id.into()),
        first_reading_id: 1,
        readings: 1,
    })
}

/// A station created with key `aaaa`, which `bbbb` replaces (added at 1, `aaaa` retired at 2).
fn rotated_station() -> LedgerState {
    let mut state = LedgerState::default();
    let mut signatures = Vec::new();
    let evidence = BTreeMap::new();
    let created = Entry::StationCreated(StationCreated {
        code: Code::parse("st").unwrap(),
        name: "x".into(),
        section: Code::parse("s").unwrap(),
        public_key: Some("GlzZBw1A8OEHoNcMW8Sqq6Fg+xWSaqr8sMTiLNbLXRM=".into()),
        key_id: Some("aaaa".into()),
        created_at: TIME.into(),
    });
    for (index, entry) in [
        created,
        Entry::KeyAdded(change("bbbb")),
        Entry::KeyRetired(change("aaaa")),
    ]
    .into_iter()
    .enumerate()
    {
        state
            .apply(
                &typed(index as u64, entry),
                &evidence,
                &mut signatures,
                &mut NoStoredReadings,
            )
            .unwrap();
    }
    state
}

#[test]
fn a_batch_signed_by_a_station_key_retired_before_it_is_refused() {
    let mut state = rotated_station();
    let evidence = BTreeMap::from([(
        3,
        BatchEvidence {
            body: BODY.to_vec(),
            signature: Some("c2ln".into()),
        },
    )]);
    let refused = state
        .apply(
            &typed(3, batch("aaaa")),
            &evidence,
            &mut Vec::new(),
            &mut NoStoredReadings,
        )
        .unwrap_err();
    assert_eq!(refused.index, Some(3));
    assert!(refused.what.contains("not an active key"), "{refused}");
    assert_eq!(
        state.station_key_sets[&Code::parse("st").unwrap()]
            .keys()
            .collect::<Vec<_>>(),
        ["bbbb"]
    );
}
