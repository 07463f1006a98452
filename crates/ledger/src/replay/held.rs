//! Which readings a resumed state holds in memory: those this run added, and those it read from
//! [`StoredReadings`] because a new entry changes them or a new settlement counts them.

use super::reading::ReplayedReading;
use super::state::LedgerState;
use super::stored::StoredReadings;
use super::Failure;

fn stored_failure(error: String) -> Failure {
    Failure::general(format!("the stored readings: {error}"))
}

impl LedgerState {
    /// The reading `id` to change, read from `stored` when only some readings are held; it is
    /// then written back as changed.
    pub(super) fn reading_to_change(
        &mut self,
        id: i64,
        stored: &mut dyn StoredReadings,
    ) -> Result<Option<&mut ReplayedReading>, Failure> {
        if self.readings_partial && !self.readings.contains_key(&id) {
            if let Some(reading) = stored.reading(id).map_err(stored_failure)? {
                self.readings.insert(id, reading);
            }
        }
        let reading = self.readings.get_mut(&id);
        if reading.is_some() {
            self.changed_readings.insert(id);
        }
        Ok(reading)
    }

    /// Makes every reading held in memory (a settlement is recomputed from them). Readings held
    /// already are newer than their stored rows and stay.
    pub(super) fn hold_all_readings(
        &mut self,
        stored: &mut dyn StoredReadings,
    ) -> Result<(), Failure> {
        if !self.readings_partial {
            return Ok(());
        }
        for reading in stored.all_readings().map_err(stored_failure)? {
            self.readings.entry(reading.id).or_insert(reading);
        }
        self.readings_partial = false;
        Ok(())
    }

    /// The readings added or changed since the last call, for the caller to store.
    pub(super) fn take_changed_readings(&mut self) -> Vec<ReplayedReading> {
        let changed = std::mem::take(&mut self.changed_readings);
        changed
            .into_iter()
            .filter_map(|id| self.readings.get(&id).cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Entry, ReadingInvalidated, TypedEntry};
    use crate::replay::NoStoredReadings;
    use basin_audit::hash::ZERO_HASH;
    use std::collections::BTreeMap;

    fn reading(id: i64) -> ReplayedReading {
        ReplayedReading {
            id,
            log_index: id as u64,
            station: basin_domain::Code::parse("st").unwrap(),
            section: "sec".into(),
            sampled_at: "2026-01-01T00:00:00Z".into(),
            values_json: "{}".into(),
            flags_json: None,
            valid: true,
            superseded: false,
            invalidated: false,
        }
    }

    /// A state resumed from a snapshot: readings 1 and 2 verified in an earlier run, stored.
    fn resumed() -> (LedgerState, BTreeMap<i64, ReplayedReading>) {
        let mut state = LedgerState::default();
        state.reading_ids.add(1..3).unwrap();
        state.readings_partial = true;
        (state, BTreeMap::from([(1, reading(1)), (2, reading(2))]))
    }

    #[test]
    fn an_invalidation_of_a_reading_of_an_earlier_run_reads_it_and_stores_it_changed() {
        let (mut state, mut stored) = resumed();
        let typed = TypedEntry {
            index: 9,
            time: "2026-01-02T00:00:00Z".into(),
            prev: ZERO_HASH,
            entry: Entry::ReadingInvalidated(ReadingInvalidated {
                reading_id: 2,
                jurisdiction: None,
                reason: "drift".into(),
            }),
        };
        state
            .apply(&typed, &NoEvidence, &mut Vec::new(), &mut stored)
            .unwrap();
        let changed = state.take_changed_readings();
        assert_eq!(changed.len(), 1);
        assert!(changed[0].invalidated && changed[0].id == 2);
        assert!(state.take_changed_readings().is_empty());
        // A settlement then sees every reading, the changed one as changed.
        state.hold_all_readings(&mut stored).unwrap();
        assert_eq!(state.readings.len(), 2);
        assert!(state.readings[&2].invalidated && !state.readings[&1].invalidated);
        assert_eq!(state.reading_count(), 2);
    }

    #[test]
    fn an_invalidation_of_an_unknown_reading_still_fails_when_nothing_is_stored() {
        let (mut state, _) = resumed();
        let typed = TypedEntry {
            index: 9,
            time: "2026-01-02T00:00:00Z".into(),
            prev: ZERO_HASH,
            entry: Entry::ReadingInvalidated(ReadingInvalidated {
                reading_id: 7,
                jurisdiction: None,
                reason: "drift".into(),
            }),
        };
        let failure = state
            .apply(&typed, &NoEvidence, &mut Vec::new(), &mut NoStoredReadings)
            .unwrap_err();
        assert!(failure.what.contains("unknown reading 7"), "{failure}");
    }

    struct NoEvidence;

    impl crate::replay::EvidenceSource for NoEvidence {
        fn batch_evidence(
            &self,
            _: u64,
            _: &str,
            _: &str,
        ) -> Option<&crate::replay::BatchEvidence> {
            None
        }
    }
}
