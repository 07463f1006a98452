//! Where an incremental verifier keeps the readings it replayed in earlier runs. They are the
//! bulk of its state (one row per reading), so a run does not load them all: it reads one when
//! a new entry revises or invalidates it, and all of them only when a new settlement is
//! recomputed. The caller stores them (`Verifier::take_changed_readings` says which changed);
//! this crate reaches them only through [`StoredReadings`].

use std::collections::BTreeMap;

use super::reading::ReplayedReading;

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
