//! The reading ids the log has used, as ranges: an incremental verifier checks that no batch
//! reuses an id without holding every reading in memory.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// Disjoint, non-adjacent ranges of used ids: start → end (exclusive).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingIds {
    #[serde(with = "super::pairs")]
    ranges: BTreeMap<i64, i64>,
    count: u64,
}

impl ReadingIds {
    /// How many ids are used.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Records `ids` as used; refuses (changing nothing) when one of them was used before.
    pub fn add(&mut self, ids: Range<i64>) -> Result<(), i64> {
        if ids.is_empty() {
            return Ok(());
        }
        let before = self
            .ranges
            .range(..ids.end)
            .next_back()
            .map(|(s, e)| (*s, *e));
        if let Some((start, end)) = before {
            if end > ids.start {
                return Err(ids.start.max(start));
            }
        }
        let mut start = ids.start;
        let mut end = ids.end;
        if let Some((previous_start, previous_end)) = before {
            if previous_end == ids.start {
                self.ranges.remove(&previous_start);
                start = previous_start;
            }
        }
        if let Some(next_end) = self.ranges.remove(&ids.end) {
            end = next_end;
        }
        self.ranges.insert(start, end);
        self.count += (ids.end - ids.start) as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_ranges_merge_and_any_reuse_is_refused() {
        let mut ids = ReadingIds::default();
        ids.add(1..4).unwrap();
        ids.add(6..8).unwrap();
        ids.add(4..6).unwrap();
        assert_eq!(ids.ranges, BTreeMap::from([(1, 8)]));
        assert_eq!(ids.count(), 7);
        assert_eq!(ids.add(7..9), Err(7));
        assert_eq!(ids.add(0..2), Err(1));
        assert_eq!(ids.add(-5..20), Err(1));
        ids.add(10..11).unwrap();
        assert_eq!(ids.add(10..11), Err(10));
        assert_eq!(ids.count(), 8);
    }
}
