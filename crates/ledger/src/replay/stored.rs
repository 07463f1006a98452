//! Where an incremental verifier keeps the readings it replayed in earlier runs. They are the
//! bulk of its state (one row per reading), so a run does not load them all: it reads one when
//! a new entry revises or invalidates it, and all of them only when a new settlement is
//! recomputed. The caller stores them (`Verifier::take_changed_readings` says which changed);
//! this crate reaches them only through [`StoredReadings`].

use std::collections::BTreeMap;

use super::state::{LedgerState, ReplayedReading};
use super::Failure;

/// The readings verified in earlier runs, as the caller stored them.
pub trait StoredReadings {
    /// The reading `id`, if it was stored.
    fn reading(&mut self, id: i64) -> Result<Option<ReplayedReading>, String>;
    /// Every stored reading.
    fn all_readings(&mut self) -> Result<Vec<ReplayedReading>, String>;
}

/// Nothing stored: every reading is in memory (a verifier that started from entry 0).
pub struct NoStoredReadings;

impl StoredReadings for NoStoredReadings {
    fn reading(&mut self, _: i64) -> Result<Option<ReplayedReading>, String> {
        Ok(None)
    }

    fn all_readings(&mut self) -> Result<Vec<ReplayedReading>, String> {
        Ok(Vec::new())
    }
}

/// Readings kept in memory by the caller (benchmarks, tests).
impl StoredReadings for BTreeMap<i64, ReplayedReading> {
    fn reading(&mut self, id: i64) -> Result<Option<ReplayedReading>, String> {
        Ok(self.get(&id).cloned())
    }

    fn all_readings(&mut self) -> Result<Vec<ReplayedReading>, String> {
        Ok(self.values().cloned().collect())
    }
}

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
